//! Replays every fuzz seed (`fuzz/seeds/<target>/*`) and every saved crash or oracle failure
//! (`fuzz/regressions/<target>/*`) through the very functions the fuzz targets call
//! (`fuzz/src/lib.rs`, included below), so a fixed fuzz finding stays fixed under `cargo test`
//! without cargo-fuzz or a nightly compiler. Each input must be handled without a panic and
//! without violating the target's oracle (Ok or Err are both fine).
//!
//! The `open` seeds are envelopes sealed deterministically to the target's fixed key;
//! `open_seeds_are_current` regenerates them (`MINSEAL_WRITE_FUZZ_SEEDS=1 cargo test --test
//! fuzz_regressions` rewrites them).

#[path = "../fuzz/src/lib.rs"]
mod targets;

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::api::minimise_and_seal_with_rng;
use minseal::keys::SecretKey;
use minseal::policy::Policy;
use minseal::seal::{seal_with_rng, SealParams};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn replay(kind: &str) -> usize {
    let mut n = 0;
    for (name, run) in targets::TARGETS {
        for path in files(&root().join(kind).join(name)) {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(
                outcome.is_ok(),
                "{name}: {} panicked or broke its oracle",
                path.display()
            );
            n += 1;
        }
    }
    n
}

#[test]
fn every_seed_passes_its_target() {
    let n = replay("seeds");
    assert!(n >= 40, "only {n} seeds found under fuzz/seeds");
    for (name, _) in targets::TARGETS {
        assert!(
            !files(&root().join("seeds").join(name)).is_empty(),
            "no seeds for {name}"
        );
    }
}

#[test]
fn every_saved_regression_passes_its_target() {
    replay("regressions");
}

/// The envelopes the `open` target starts from, all sealed to `targets::OPEN_KEY`.
fn open_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let sk = SecretKey::from_bytes(targets::OPEN_KEY).unwrap();
    let other = SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([9; 32]));
    let rng = |s: u8| ChaCha20Rng::from_seed([s; 32]);
    let mut out = Vec::new();

    let input = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/2ap-art7-order/input.json"),
    )
    .unwrap();
    let sealed = minimise_and_seal_with_rng(
        &Policy::builtin(targets::MINIMISE_PROFILES[0]).unwrap(),
        &input,
        &[sk.public_key().clone()],
        &minseal::api::SealOptions {
            ..minseal::api::SealOptions::new(SealParams::new(1_700_000_000).with_chunk_size(256))
        },
        &mut rng(1),
    )
    .unwrap();
    out.push(("art7-order-policy.mnsl", sealed.envelope.to_binary()));
    out.push((
        "art7-order-policy.json",
        sealed.envelope.to_json().into_bytes(),
    ));

    let payload: Vec<u8> = (0..200u8).collect();
    let two = seal_with_rng(
        &payload,
        &[other.public_key().clone(), sk.public_key().clone()],
        &SealParams::new(1_700_000_001)
            .with_chunk_size(64)
            .with_content_type("application/octet-stream")
            .with_metadata("case", "X-1"),
        None,
        &mut rng(2),
    )
    .unwrap();
    out.push(("two-recipients-chunk64.mnsl", two.to_binary()));

    let empty = seal_with_rng(
        b"",
        &[sk.public_key().clone()],
        &SealParams::new(0),
        None,
        &mut rng(3),
    )
    .unwrap();
    out.push(("empty-payload.mnsl", empty.to_binary()));

    let signed = seal_with_rng(
        &payload,
        &[sk.public_key().clone()],
        &SealParams::new(1_700_000_002).with_chunk_size(64),
        Some(targets::signer()),
        &mut rng(4),
    )
    .unwrap();
    out.push(("signed-ed25519-chunk64.mnsl", signed.to_binary()));
    out.push(("signed-ed25519-chunk64.json", signed.to_json().into_bytes()));
    out
}

/// The evidence document the `proof` target starts from (signed by `targets::signer()`).
fn proof_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let sk = SecretKey::from_bytes(targets::OPEN_KEY).unwrap();
    let env = seal_with_rng(
        br#"{"order":"X-1"}"#,
        &[sk.public_key().clone()],
        &SealParams::new(1_700_000_003),
        Some(targets::signer()),
        &mut ChaCha20Rng::from_seed([5; 32]),
    )
    .unwrap();
    let opened = minseal::seal::open(&env, &sk, &Default::default()).unwrap();
    let doc =
        minseal::proof::export(&opened.header, &opened.payload, opened.signature.as_ref()).unwrap();
    vec![("signed-proof.json", doc.into_bytes())]
}

#[test]
fn open_and_proof_seeds_are_current() {
    let write = std::env::var_os("MINSEAL_WRITE_FUZZ_SEEDS").is_some();
    let trusted = [targets::signer().verifying_key().clone()];
    for (name, bytes) in proof_seeds() {
        let dir = root().join("seeds/proof");
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&bytes[..]));
        minseal::proof::verify(std::str::from_utf8(&bytes).unwrap(), &trusted).unwrap();
    }
    let dir = root().join("seeds/open");
    for (name, bytes) in open_seeds() {
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        assert_eq!(
            std::fs::read(&path).ok().as_deref(),
            Some(&bytes[..]),
            "{} is stale: rerun with MINSEAL_WRITE_FUZZ_SEEDS=1",
            path.display()
        );
        // The seed really opens with the target's key, so the fuzzer starts past the crypto.
        let env = if name.ends_with(".json") {
            minseal::seal::Envelope::from_json(std::str::from_utf8(&bytes).unwrap())
        } else {
            minseal::seal::Envelope::from_binary(&bytes)
        }
        .unwrap();
        let sk = SecretKey::from_bytes(targets::OPEN_KEY).unwrap();
        let opts = minseal::seal::OpenOptions::default()
            .trust(trusted.to_vec())
            .allow_unsigned(true);
        let opened = minseal::seal::open(&env, &sk, &opts).unwrap();
        assert_eq!(opened.signature.is_some(), name.starts_with("signed"));
    }
}
