//! Seal and open throughput, native: 1 KiB, 64 KiB, 1 MiB, 64 MiB, one recipient; and a 4 KiB
//! JSON order through `minimise_and_seal` unsigned, ES256- and Ed25519-signed, and opened
//! with the signature verified.
//!
//! `cargo bench --bench seal -- --warm-up-time 1 --measurement-time 3`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use minseal::keys::SecretKey;
use minseal::seal::{self, SealParams};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let sk = SecretKey::generate().unwrap();
    let pks = [sk.public_key().clone()];
    let params = SealParams::new(1_700_000_000);
    let mut g = c.benchmark_group("seal");
    for (label, size) in [
        ("1KiB", 1usize << 10),
        ("64KiB", 64 << 10),
        ("1MiB", 1 << 20),
        ("64MiB", 64 << 20),
    ] {
        let payload = vec![0x5au8; size];
        if size >= 1 << 20 {
            g.sample_size(10);
        }
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_with_input(BenchmarkId::new("seal", label), &payload, |b, p| {
            b.iter(|| seal::seal(black_box(p), &pks, &params, None).unwrap())
        });
        let env = seal::seal(&payload, &pks, &params, None).unwrap();
        g.bench_with_input(BenchmarkId::new("open", label), &env, |b, e| {
            b.iter(|| {
                seal::open(black_box(e), &sk, &minseal::seal::OpenOptions::default()).unwrap()
            })
        });
    }
    g.finish();
}

/// The policy and 4 KiB payload of the `signed` group: every member kept.
const POLICY: &str = r#"{"minseal_policy":1,"id":"bench/order","version":"1","title":"t","basis":"b","audience":"service_provider","rules":[{"path":"$.case","required":true,"type":"string"},{"path":"$.items[*]","type":"string"}]}"#;

fn payload_4k() -> Vec<u8> {
    let items: Vec<String> = (0..110)
        .map(|i| format!("\"item {i:04} {}\"", "x".repeat(24)))
        .collect();
    let p = format!("{{\"case\":\"X-1\",\"items\":[{}]}}", items.join(","));
    assert!((4000..4200).contains(&p.len()), "{}", p.len());
    p.into_bytes()
}

fn signed(c: &mut Criterion) {
    use minseal::sign::{SignatureAlg, SigningKey};
    use minseal::{api, OpenOptions, Policy, ReceiveOptions, SealOptions};
    let sk = SecretKey::generate().unwrap();
    let pks = [sk.public_key().clone()];
    let policy = Policy::from_json(POLICY.as_bytes()).unwrap();
    let payload = payload_4k();
    let es = SigningKey::generate(SignatureAlg::Es256).unwrap();
    let ed = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let mut g = c.benchmark_group("minimise_and_seal_4KiB");
    g.throughput(Throughput::Bytes(payload.len() as u64));
    let base = SealOptions::new(SealParams::new(1_700_000_000));
    let es_opts = base.clone().signed_by(&es);
    let ed_opts = base.clone().signed_by(&ed);
    for (label, opts) in [
        ("unsigned", &base),
        ("ES256", &es_opts),
        ("Ed25519", &ed_opts),
    ] {
        g.bench_function(label, |b| {
            b.iter(|| api::minimise_and_seal(&policy, black_box(&payload), &pks, opts).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("open_and_verify_4KiB");
    g.throughput(Throughput::Bytes(payload.len() as u64));
    for (label, opts, key) in [("ES256", &es_opts, &es), ("Ed25519", &ed_opts, &ed)] {
        let env = api::minimise_and_seal(&policy, &payload, &pks, opts)
            .unwrap()
            .envelope;
        let recv = ReceiveOptions {
            open: OpenOptions::default().trust(vec![key.verifying_key().clone()]),
            policy: Some(&policy),
            ..Default::default()
        };
        g.bench_function(label, |b| {
            b.iter(|| {
                let r = api::open_and_verify(black_box(&env), &sk, &recv).unwrap();
                assert!(r.signature.is_some_and(|s| s.verified));
            })
        });
        // The signature check alone (statement over a 4 KiB payload's digest).
        let statement = minseal::sign::statement(env.header_bytes(), &[7; 32]);
        let sig = key.sign_raw(&statement);
        g.bench_function(format!("verify_only_{label}"), |b| {
            b.iter(|| {
                key.verifying_key()
                    .verify(black_box(&statement), &sig)
                    .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, signed);
criterion_main!(benches);
