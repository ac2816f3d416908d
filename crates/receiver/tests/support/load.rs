//! The load run and the crash run: many clients post signed envelopes at once; in the crash run
//! the receiver is killed with SIGKILL at seeded random points of the run and restarted, and the
//! clients retry. Afterwards the store must hold exactly the posted envelopes, byte for byte, and a
//! repeated POST must get the first answer again.

use super::{authority, sealed, tmpdir, try_request, Receiver};
use chacha20::rand_core::{Rng, SeedableRng};
use chacha20::ChaCha20Rng;
use minseal::seal::Envelope;
use minseal_receiver::envelope_id;
use serde_json::Value;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    pub envelopes: usize,
    /// Approximate payload size in bytes.
    pub size: usize,
    pub clients: usize,
    /// SIGKILLs during the run (0: a plain load run), each once a seeded random share (5–90 %)
    /// of the envelopes has been acknowledged, so that every kill lands mid-run however fast
    /// the machine.
    pub kills: usize,
    pub seed: u64,
    /// Extra receiver arguments.
    pub args: Vec<String>,
    /// Give up (panic) after this long.
    pub deadline: Duration,
}

/// What happened.
#[derive(Debug)]
pub struct Report {
    pub elapsed: Duration,
    /// Posted bytes, all envelopes.
    pub bytes: usize,
    /// Per envelope, from its first attempt to its 202 (retries included).
    pub latencies: Vec<Duration>,
    pub overloaded: usize,
    pub connection_failures: usize,
    pub kills: usize,
    /// Envelopes acknowledged before a kill, each checked intact right after it (summed over
    /// kills).
    pub checked_after_kills: usize,
    /// Temporary files found right after kills (never under a final name).
    pub temp_files_after_kills: usize,
    pub retried: usize,
}

impl Report {
    pub fn envelopes_per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    pub fn mib_per_second(&self) -> f64 {
        self.bytes as f64 / (1024.0 * 1024.0) / self.elapsed.as_secs_f64()
    }

    /// The `q` quantile of the latencies (0.5, 0.99).
    pub fn latency(&self, q: f64) -> Duration {
        let mut v = self.latencies.clone();
        v.sort();
        let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
        v[i]
    }
}

struct Posted {
    body: Vec<u8>,
    content_type: &'static str,
    id: String,
}

/// Signed envelopes, alternately in binary and JSON form.
fn generate(cfg: &Config, key: &minseal::keys::SecretKey) -> Vec<Posted> {
    (0..cfg.envelopes)
        .map(|i| {
            let binary = sealed(key, cfg.size);
            // The id is the header's message_id, whichever form is posted.
            let id = envelope_id(Envelope::from_binary(&binary).unwrap().header());
            if i % 2 == 0 {
                Posted {
                    body: binary,
                    content_type: "application/vnd.minseal",
                    id,
                }
            } else {
                let json = Envelope::from_binary(&binary).unwrap().to_json();
                Posted {
                    body: json.into_bytes(),
                    content_type: "application/json",
                    id,
                }
            }
        })
        .collect()
}

/// Checks the store directory: every final name holds a whole envelope that was posted, under
/// its id, with its record; each envelope in `acked` is there. Temporary files, and records
/// whose envelope was never committed, are allowed only `after_kill`.
fn check_store(dir: &Path, by_id: &HashMap<&str, &[u8]>, acked: &HashSet<&str>, after_kill: bool) {
    let mut envelopes = HashSet::new();
    let mut records = HashSet::new();
    for entry in fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == ".lock" || (after_kill && name.starts_with(".tmp-")) {
            continue;
        }
        if let Some(id) = name.strip_suffix(".envelope") {
            let expected = by_id
                .get(id)
                .unwrap_or_else(|| panic!("stored {name} was never posted"));
            let stored = fs::read(dir.join(&name)).unwrap();
            assert!(
                stored == *expected,
                "{name}: {} bytes stored, {} posted",
                stored.len(),
                expected.len()
            );
            envelopes.insert(id.to_owned());
        } else if let Some(id) = name.strip_suffix(".record.json") {
            let record: Value = serde_json::from_slice(&fs::read(dir.join(&name)).unwrap())
                .unwrap_or_else(|e| panic!("{name} is not whole JSON: {e}"));
            assert_eq!(record["id"], id, "{name}");
            records.insert(id.to_owned());
        } else {
            panic!("unexpected file {name} in the store");
        }
    }
    for id in &envelopes {
        assert!(records.contains(id), "{id}.envelope has no record");
    }
    if !after_kill {
        assert_eq!(records, envelopes, "records without an envelope");
    }
    for id in acked {
        assert!(
            envelopes.contains(*id),
            "{id} was acknowledged but is not stored"
        );
    }
}

fn temp_files(dir: &Path) -> usize {
    fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".tmp-")
        })
        .count()
}

/// Runs `cfg` in a fresh directory named `name`; panics on any broken guarantee.
pub fn run(name: &str, cfg: &Config) -> Report {
    let dir = tmpdir(name);
    let store = dir.join("store");
    let (key, key_path) = authority(&dir);
    let posted = generate(cfg, &key);
    let by_id: HashMap<&str, &[u8]> = posted
        .iter()
        .map(|p| (p.id.as_str(), p.body.as_slice()))
        .collect();
    assert_eq!(by_id.len(), posted.len(), "envelope ids collide");
    let args: Vec<&str> = cfg.args.iter().map(String::as_str).collect();

    let mut receiver = Receiver::start(&key_path, &store, &args);
    let port = AtomicU16::new(receiver.port);
    let next = AtomicUsize::new(0);
    let acked = AtomicUsize::new(0);
    let answers: Vec<Mutex<Option<(Value, Duration)>>> =
        posted.iter().map(|_| Mutex::new(None)).collect();
    let overloaded = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let start = Instant::now();
    let mut kills = 0;
    let mut checked = 0;
    let mut temps = 0;

    std::thread::scope(|s| {
        let clients: Vec<_> = (0..cfg.clients)
            .map(|_| {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = posted.get(i) else { break };
                    let first = Instant::now();
                    loop {
                        assert!(start.elapsed() < cfg.deadline, "load run over its deadline");
                        let port = port.load(Ordering::SeqCst);
                        match try_request(port, "POST", "/envelopes", item.content_type, &item.body)
                        {
                            Ok((202, body)) => {
                                assert_eq!(body["id"], item.id.as_str(), "answer for envelope {i}");
                                *answers[i].lock().unwrap() = Some((body, first.elapsed()));
                                acked.fetch_add(1, Ordering::SeqCst);
                                break;
                            }
                            Ok((503, body)) => {
                                assert_eq!(body["error"], "overloaded");
                                overloaded.fetch_add(1, Ordering::Relaxed);
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            Ok((status, body)) => panic!("envelope {i}: {status} {body}"),
                            Err(_) => {
                                failures.fetch_add(1, Ordering::Relaxed);
                                std::thread::sleep(Duration::from_millis(10));
                            }
                        }
                    }
                })
            })
            .collect();

        let mut rng = ChaCha20Rng::seed_from_u64(cfg.seed ^ 0x6b11);
        let n = posted.len() as u64;
        let mut points: Vec<usize> = (0..cfg.kills)
            .map(|_| (n / 20 + rng.next_u64() % (n * 85 / 100).max(1)) as usize)
            .collect();
        points.sort_unstable();
        for point in points {
            while acked.load(Ordering::SeqCst) < point {
                assert!(start.elapsed() < cfg.deadline, "load run over its deadline");
                std::thread::sleep(Duration::from_millis(1));
            }
            receiver.kill();
            kills += 1;
            // Everything acknowledged so far was acknowledged before the kill.
            let acked: HashSet<&str> = posted
                .iter()
                .zip(&answers)
                .filter(|(_, a)| a.lock().unwrap().is_some())
                .map(|(p, _)| p.id.as_str())
                .collect();
            check_store(&store, &by_id, &acked, true);
            checked += acked.len();
            temps += temp_files(&store);
            receiver = Receiver::start(&key_path, &store, &args);
            port.store(receiver.port, Ordering::SeqCst);
        }
        for c in clients {
            c.join().unwrap();
        }
    });
    let elapsed = start.elapsed();

    // Everything was acknowledged, exactly once, byte for byte, and nothing else is there.
    let all: HashSet<&str> = by_id.keys().copied().collect();
    check_store(&store, &by_id, &all, false);
    assert_eq!(temp_files(&store), 0, "temporary files left while running");
    let files = fs::read_dir(&store).unwrap().count();
    assert_eq!(
        files,
        1 + 2 * posted.len(),
        "one envelope and one record each, and .lock"
    );

    // A client that retries gets the same answer, and no second copy is made. After a crash run
    // every envelope is retried; after a plain run, a sample.
    let step = if cfg.kills > 0 { 1 } else { 10 };
    let mut retried = 0;
    for (item, answer) in posted.iter().zip(&answers).step_by(step) {
        let (status, body) = try_request(
            receiver.port,
            "POST",
            "/envelopes",
            item.content_type,
            &item.body,
        )
        .unwrap();
        let first = answer.lock().unwrap().as_ref().unwrap().0.clone();
        assert_eq!((status, &body), (202, &first), "retry of {}", item.id);
        retried += 1;
    }
    assert_eq!(fs::read_dir(&store).unwrap().count(), files);
    drop(receiver);

    let latencies = answers
        .into_iter()
        .map(|a| a.into_inner().unwrap().unwrap().1)
        .collect();
    let report = Report {
        elapsed,
        bytes: posted.iter().map(|p| p.body.len()).sum(),
        latencies,
        overloaded: overloaded.into_inner(),
        connection_failures: failures.into_inner(),
        kills,
        checked_after_kills: checked,
        temp_files_after_kills: temps,
        retried,
    };
    let _ = fs::remove_dir_all(&dir);
    report
}
