//! Loading a register of 10 000 entries (20 000 keys) and looking entries up, native. Loading
//! checks the operator's signature, every member and every key, so it is linear in the document;
//! lookups by kid and by Party and role are one hash probe each, so their time must not grow with
//! the register (the 1 000-entry rows are there to show it).
//!
//! `cargo bench --bench register -- --warm-up-time 1 --measurement-time 3`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use minseal::keys::SecretKey;
use minseal::register::{sign_register, LoadOptions, Register};
use minseal::sign::{SignatureAlg, SigningKey};
use std::hint::black_box;

const NOW: u64 = 1_796_284_800;
const ROLES: [&str; 4] = [
    "competent_authority",
    "service_provider",
    "poc_24_7",
    "registrar",
];

/// A signed register of `n` entries, each with one X25519 and one signing key (ES256 for even
/// entries, Ed25519 for odd), spread over 100 Parties; returns it with the kids looked up.
fn build(n: usize, operator: &SigningKey) -> (Vec<u8>, Vec<String>) {
    let mut entries = Vec::with_capacity(n);
    let mut kids = Vec::with_capacity(n);
    for i in 0..n {
        let enc = SecretKey::generate().unwrap().public_key().to_jwk();
        let alg = if i % 2 == 0 {
            SignatureAlg::Es256
        } else {
            SignatureAlg::Ed25519
        };
        let sig = SigningKey::generate(alg).unwrap();
        kids.push(sig.verifying_key().kid().to_string());
        let party = format!(
            "{}{}",
            (b'A' + (i % 26) as u8) as char,
            (b'A' + (i / 26 % 4) as u8) as char
        );
        entries.push(format!(
            r#"{{"id":"e{i}","party":"{party}","name":"Entity {i}","contact":{{"email":"e{i}@example.org"}},"roles":["{}"],"encryption_keys":[{{"jwk":{enc},"valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z","status":"active"}}],"signing_keys":[{{"jwk":{},"valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z","status":"active"}}]}}"#,
            ROLES[i % ROLES.len()],
            sig.verifying_key().to_jwk()
        ));
    }
    let doc = format!(
        r#"{{"minseal_register":1,"register_id":"bench","operator":"Bench","serial":1,"issued_at":"2026-12-01T00:00:00Z","next_update":"2026-12-31T00:00:00Z","entries":[{}]}}"#,
        entries.join(",")
    );
    (sign_register(doc.as_bytes(), operator).unwrap(), kids)
}

fn bench(c: &mut Criterion) {
    let operator = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let pinned = [operator.verifying_key().clone()];
    let opts = LoadOptions {
        operators: &pinned,
        last_serial: None,
        now: NOW,
        allow_stale: false,
    };
    let mut g = c.benchmark_group("register");
    g.sample_size(10);
    for n in [1_000usize, 10_000] {
        let (doc, kids) = build(n, &operator);
        eprintln!("register of {n} entries: {} bytes", doc.len());
        g.throughput(Throughput::Bytes(doc.len() as u64));
        g.bench_with_input(BenchmarkId::new("load", n), &doc, |b, d| {
            b.iter(|| Register::load(black_box(d), &opts).unwrap())
        });
        let reg = Register::load(&doc, &opts).unwrap();
        g.throughput(Throughput::Elements(1));
        let mut i = 0;
        g.bench_function(BenchmarkId::new("find_kid", n), |b| {
            b.iter(|| {
                i = (i + 7919) % kids.len();
                black_box(reg.find_kid(black_box(&kids[i])).unwrap());
            })
        });
        g.bench_function(BenchmarkId::new("find_party_role", n), |b| {
            b.iter(|| {
                black_box(
                    reg.find(black_box("QA"), black_box("competent_authority"))
                        .count(),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
