//! Minimise throughput on generated subscriber-information responses (half the fields not
//! allowed), beside a plain serde_json parse + serialise of the same bytes.

use criterion::{criterion_group, Criterion, Throughput};
use minseal::minimise::{minimise, MinimiseOptions};
use minseal::policy::Policy;
use std::hint::black_box;

const POLICY: &str = r#"{"minseal_policy":1,"id":"bench/subscriber","version":"1","title":"bench",
 "basis":"CETS No. 224, Art. 7","audience":"competent_authority",
 "rules":[
  {"path":"$.provider","required":true,"type":"string"},
  {"path":"$.records[*].account_id","type":"string"},
  {"path":"$.records[*].name","type":"string"},
  {"path":"$.records[*].created","type":"string"},
  {"path":"$.records[*].plan"},
  {"path":"$.records[*].addresses[*].city"},
  {"path":"$.records[*].addresses[*].country"}
 ],
 "forbidden":["$..password"]}"#;

/// A deterministic payload of about `target` bytes.
fn payload(target: usize) -> Vec<u8> {
    let mut s = String::from(
        r#"{"provider":"Example Telecom","generated":"2024-05-01T10:00:00Z","records":["#,
    );
    let mut i: u64 = 0;
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    while s.len() < target {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"account_id":"acc-{i:08}","name":"Subscriber {x:x}","email":"user{i}@mail.example","phone":"+49151{:08}","created":"2019-0{}-1{}T08:1{}:00Z","plan":{{"id":{},"name":"Plan \u00e9 {}","price":12.50}},"ip_log":["203.0.113.{}","2001:db8::{:x}"],"addresses":[{{"street":"Hauptstra\u00dfe {}","city":"Berlin","zip":"10{:03}","country":"DE"}}],"notes":"customer since {} – no remarks","active":true,"balance":-{}.{:02}}}"#,
            x % 100_000_000,
            1 + x % 9,
            x % 10,
            x % 10,
            x % 50,
            x % 7,
            x % 255,
            x % 65535,
            x % 200,
            x % 1000,
            2010 + x % 14,
            x % 1000,
            x % 100
        ));
        i += 1;
    }
    s.push_str("]}");
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let policy = Policy::from_json(POLICY.as_bytes()).expect("bench policy");
    let opts = MinimiseOptions::default();
    let mut g = c.benchmark_group("minimise");
    for (label, size) in [
        ("4KiB", 4 << 10),
        ("100KiB", 100 << 10),
        ("1MiB", 1 << 20),
        ("16MiB", (16 << 20) - 4096),
    ] {
        let input = payload(size);
        g.throughput(Throughput::Bytes(input.len() as u64));
        if size >= 1 << 20 {
            g.sample_size(10);
        }
        g.bench_function(format!("minimise/{label}"), |b| {
            b.iter(|| minimise(&policy, black_box(&input), &opts).expect("minimise"))
        });
        g.bench_function(format!("serde_json_roundtrip/{label}"), |b| {
            b.iter(|| {
                let v: serde_json::Value =
                    serde_json::from_slice(black_box(&input)).expect("parse");
                serde_json::to_vec(&v).expect("write")
            })
        });
    }
    g.finish();

    // Loading a built-in profile: strict parse, validation, RFC 8785 digest, automaton.
    let mut g = c.benchmark_group("policy_load");
    for id in ["2ap/subscriber-response", "2ap/art7-order"] {
        g.bench_function(id, |b| {
            b.iter(|| Policy::builtin(black_box(id)).expect("builtin"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);

/// `MINSEAL_PROFILE=<iterations>`: run minimise on the 1 MiB input that many times and exit,
/// without criterion (for `valgrind --tool=callgrind`, whose instruction counts are stable on a
/// noisy machine).
fn main() {
    if let Some(n) = std::env::var("MINSEAL_PROFILE")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    {
        // MINSEAL_PROFILE_INPUT=<file> and MINSEAL_PROFILE_POLICY=<built-in id>: profile another
        // payload and policy (e.g. the JS bench's, written by benches/js/payloads.mjs).
        let policy = match std::env::var("MINSEAL_PROFILE_POLICY") {
            Ok(id) => Policy::builtin(&id).expect("built-in policy"),
            Err(_) => Policy::from_json(POLICY.as_bytes()).expect("bench policy"),
        };
        let opts = MinimiseOptions::default();
        let input = match std::env::var("MINSEAL_PROFILE_INPUT") {
            Ok(f) => std::fs::read(f).expect("profile input"),
            Err(_) => payload(1 << 20),
        };
        let mut total = 0;
        for _ in 0..n {
            total += minimise(&policy, black_box(&input), &opts)
                .expect("minimise")
                .payload
                .len();
        }
        println!("{total}");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
