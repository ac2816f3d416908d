//! Seal and open throughput, native: 1 KiB, 64 KiB, 1 MiB, 64 MiB, one recipient.
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

criterion_group!(benches, bench);
criterion_main!(benches);
