//! How long loading a policy takes at the compiler's limits (docs/POLICY.md, "Limits"):
//! for each family of adversarial policies, the largest one accepted and the smallest one
//! refused (found by bisection), each loaded `RUNS` times, best time printed.
//!
//! `cargo run --release --example policy_compile_time`

use minseal::policy::{Policy, PolicyLimits};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn policy(paths: impl Iterator<Item = String>) -> Vec<u8> {
    let rules: Vec<String> = paths.map(|p| format!("{{\"path\":\"{p}\"}}")).collect();
    format!(
        "{{\"minseal_policy\":1,\"id\":\"t/bounds\",\"version\":\"1\",\"title\":\"t\",\"basis\":\"t\",\
         \"audience\":\"service_provider\",\"rules\":[{}]}}",
        rules.join(",")
    )
    .into_bytes()
}

/// `n` rules, `$..x` then `depth` segments `..yD`, D the digits of `i × K` (see tests).
fn chains(n: u64, depth: u32) -> Vec<u8> {
    policy((0..n).map(|i| {
        let mut p = String::from("$..x");
        for j in 0..depth {
            p.push_str(&format!(
                "..y{}",
                i * 2_654_435_761 / 10u64.pow(j % 12) % 10
            ));
        }
        p
    }))
}

fn limits() -> PolicyLimits {
    PolicyLimits {
        max_bytes: 4 << 20,
        ..PolicyLimits::default()
    }
}

/// Best time of `RUNS` loads, and whether it loaded (with the refusal's detail).
fn time(doc: &[u8]) -> (Duration, Result<(), String>) {
    let mut best = Duration::MAX;
    let mut outcome = Ok(());
    for _ in 0..RUNS {
        let t = Instant::now();
        let r = Policy::from_json_with_limits(doc, &limits());
        best = best.min(t.elapsed());
        outcome = r.map(drop).map_err(|e| e.details().join("; "));
    }
    (best, outcome)
}

fn accepted(doc: &[u8]) -> bool {
    Policy::from_json_with_limits(doc, &limits()).is_ok()
}

/// The largest `n` in `1..=max` whose policy loads (loading is monotone in `n` for these).
fn largest(max: u64, make: &dyn Fn(u64) -> Vec<u8>) -> u64 {
    let (mut lo, mut hi) = (0, max + 1);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if accepted(&make(mid)) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

fn main() {
    type Family = (&'static str, u64, Box<dyn Fn(u64) -> Vec<u8>>);
    let families: Vec<Family> = vec![
        ("n × ($..x + 60 × ..yD)", 4096, Box::new(|n| chains(n, 60))),
        ("n × ($..x + 12 × ..yD)", 4096, Box::new(|n| chains(n, 12))),
        ("n × ($..x + 3 × ..yD)", 4096, Box::new(|n| chains(n, 3))),
        (
            "n × $..aI..b..c",
            4096,
            Box::new(|n| policy((0..n).map(|i| format!("$..a{i}..b..c")))),
        ),
        (
            "n × $.aI.b.c",
            4096,
            Box::new(|n| policy((0..n).map(|i| format!("$.a{i}.b.c")))),
        ),
        (
            "n × $..aI (I < 4096), depth 1",
            4096,
            Box::new(|n| policy((0..n).map(|i| format!("$..a{i}")))),
        ),
    ];
    println!("| policy | n | bytes | result | best of {RUNS} |");
    println!("|---|---|---|---|---|");
    let mut worst = (Duration::ZERO, String::new());
    for (name, max, make) in &families {
        let n = largest(*max, make.as_ref());
        let mut sizes = vec![n];
        if n < *max {
            sizes.push(n + 1);
        }
        for n in sizes {
            let doc = make(n);
            let (t, r) = time(&doc);
            let what = match &r {
                Ok(()) => "loaded".to_owned(),
                Err(d) => format!("refused: {}", d.split(": over the ").last().unwrap_or(d)),
            };
            if r.is_ok() && t > worst.0 {
                worst = (t, format!("{name}, n = {n}"));
            }
            println!(
                "| {name} | {n} | {} | {what} | {:.1} ms |",
                doc.len(),
                t.as_secs_f64() * 1e3
            );
        }
    }
    let doc = chains(4096, 60);
    let (t, r) = time(&doc);
    let mut parse = Duration::MAX;
    for _ in 0..RUNS {
        let t = Instant::now();
        let v = minseal::json::value::parse(&doc);
        parse = parse.min(t.elapsed());
        assert!(v.is_ok());
    }
    println!(
        "\nthe 4096 × 61-segment policy ({} bytes): {:.2} ms (of which parsing the JSON {:.2} ms), {}",
        doc.len(),
        t.as_secs_f64() * 1e3,
        parse.as_secs_f64() * 1e3,
        r.err().unwrap_or_default()
    );
    println!(
        "slowest accepted: {} ({:.1} ms)",
        worst.1,
        worst.0.as_secs_f64() * 1e3
    );
}
