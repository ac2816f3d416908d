//! Short load and crash runs of the receiver (the full ones, with figures, are `make
//! bench-receiver`, benches/load.rs). Seeded: the envelopes and the kill points repeat.

mod support;

use std::time::Duration;
use support::load::{run, Config};

fn config() -> Config {
    Config {
        envelopes: 1000,
        size: 1024,
        clients: 64,
        kills: 0,
        seed: 20,
        args: Vec::new(),
        deadline: Duration::from_secs(120),
    }
}

/// 1 000 envelopes from 64 concurrent clients: every 202 has exactly one stored envelope, byte
/// for byte, nothing else is stored, and a repeated POST gets the same answer.
#[test]
fn load_every_acknowledged_envelope_is_stored_once() {
    let report = run("load", &config());
    assert_eq!(report.latencies.len(), 1000);
    assert_eq!(report.retried, 100);
    eprintln!(
        "load: {:.0} envelopes/s, p99 {:?}, {} answered 503",
        report.envelopes_per_second(),
        report.latency(0.99),
        report.overloaded
    );
}

/// The same with a house of 8 and one worker: the flood is answered 503 and retried, and nothing
/// is lost or stored twice.
#[test]
fn load_overflow_is_refused_with_503_and_retried() {
    let cfg = Config {
        envelopes: 300,
        args: ["--workers", "1", "--max-in-flight", "8"]
            .map(String::from)
            .to_vec(),
        seed: 21,
        ..config()
    };
    let report = run("overflow", &cfg);
    assert_eq!(report.latencies.len(), 300);
    assert!(
        report.overloaded > 0,
        "64 clients never filled a house of 8"
    );
}

/// SIGKILL at seeded random points of a run, restart, clients retry: everything
/// acknowledged before each kill is there intact, no final name holds a partial file, and every
/// retry gets the first answer.
#[test]
fn crash_loses_nothing_acknowledged() {
    let cfg = Config {
        envelopes: 400,
        kills: 3,
        seed: 22,
        ..config()
    };
    let report = run("crash", &cfg);
    assert_eq!(report.kills, 3);
    assert_eq!(report.retried, 400);
    assert!(report.checked_after_kills > 0);
    eprintln!(
        "crash: {} kills, {} acknowledged envelopes checked after them, {} temporary files seen, {} connection failures retried",
        report.kills, report.checked_after_kills, report.temp_files_after_kills, report.connection_failures
    );
}
