//! The receiver's full load and crash runs, with throughput and latency (`make bench-receiver`):
//! 64 clients post 1 000 envelopes of 4 KiB and 200 of 1 MiB to a release build, then 1 000 more
//! with the receiver killed (SIGKILL) five times and restarted. Every run checks the same
//! guarantees as the short runs in `cargo test` (tests/load.rs) and panics if one breaks.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;
use support::load::{run, Config, Report};

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn row(label: &str, cfg: &Config, r: &Report) {
    println!(
        "| {label} | {} × {} clients | {:.0} envelopes/s | {:.1} MiB/s | {} | {} | {} |",
        cfg.envelopes,
        cfg.clients,
        r.envelopes_per_second(),
        r.mib_per_second(),
        ms(r.latency(0.5)),
        ms(r.latency(0.99)),
        r.overloaded,
    );
}

fn main() {
    let base = Config {
        envelopes: 1000,
        size: 4096,
        clients: 64,
        kills: 0,
        seed: 2020,
        args: Vec::new(),
        deadline: Duration::from_secs(110),
    };
    println!("| envelopes | posted | throughput | data | p50 | p99 | 503s |");
    println!("|---|---|---|---|---|---|---|");
    let small = base.clone();
    row("4 KiB", &small, &run("bench-4k", &small));
    let large = Config {
        envelopes: 200,
        size: 1024 * 1024,
        seed: 2021,
        ..base.clone()
    };
    row("1 MiB", &large, &run("bench-1m", &large));

    let crash = Config {
        kills: 5,
        seed: 2022,
        ..base
    };
    let r = run("bench-crash", &crash);
    println!(
        "\ncrash run: {} envelopes of 4 KiB, {} SIGKILLs and restarts; after each kill every \
         envelope acknowledged before it was stored intact ({} checks), no final name held a \
         partial file ({} temporary files seen and removed at restart); {} connection failures \
         retried; all {} retries got their first answer",
        crash.envelopes,
        r.kills,
        r.checked_after_kills,
        r.temp_files_after_kills,
        r.connection_failures,
        r.retried
    );
}
