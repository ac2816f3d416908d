//! What `open` writes when an envelope fails part-way: never a file at the `--out` name, never a
//! temporary file left behind, and on stdout what `open --help` says.

use crate::*;

/// 200 KiB in 64 KiB chunks: four chunks, the last one 8 KiB.
const CHUNK: usize = 64 * 1024;
const LAST: usize = 8 * 1024;

fn payload() -> Vec<u8> {
    (0..3 * CHUNK + LAST)
        .map(|i| (i * 31 % 253) as u8)
        .collect()
}

/// A broken envelope and the error code that refuses it.
type Broken = (Vec<u8>, &'static str);

/// The private key, a binary envelope of `payload()` and two broken copies: one cut just before
/// its final chunk (`truncated`), one with a bit flipped in its third chunk
/// (`decryption_failed`).
fn envelopes(dir: &Path) -> (PathBuf, Vec<u8>, Vec<Broken>) {
    let (sk, pk) = keypair(dir, "a");
    let seal = [
        "seal",
        "--no-minimise",
        "--to",
        p(&pk),
        "--format",
        "binary",
    ];
    let env = ok(&run(&seal, &payload())).to_vec();
    let truncated = env[..env.len() - (LAST + 16)].to_vec();
    let mut tampered = env.clone();
    let third = env.len() - (LAST + 16) - (CHUNK + 16) / 2;
    tampered[third] ^= 1;
    (
        sk,
        env,
        vec![(truncated, "truncated"), (tampered, "decryption_failed")],
    )
}

/// The directory's file names, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn out_file_appears_only_after_the_whole_envelope_authenticates() {
    let dir = tmpdir("open-out-atomic");
    let (sk, env, broken) = envelopes(&dir);
    let out_dir = dir.join("out");
    fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("payload.bin");
    for (bytes, code) in &broken {
        for verify in [false, true] {
            let mut args = vec!["open", "--key", p(&sk), "--out", p(&out)];
            if verify {
                args.push("--verify");
            }
            let o = run(&args, bytes);
            fails(&o, 1, code);
            assert!(o.stdout.is_empty());
            assert!(
                listing(&out_dir).is_empty(),
                "{code}: {:?}",
                listing(&out_dir)
            );
        }
    }
    // An existing file is left as it was by a failed open, and replaced by a good one.
    fs::write(&out, b"previous").unwrap();
    for (bytes, code) in &broken {
        fails(
            &run(&["open", "--key", p(&sk), "--out", p(&out)], bytes),
            1,
            code,
        );
        assert_eq!(fs::read(&out).unwrap(), b"previous");
        assert_eq!(listing(&out_dir), ["payload.bin"]);
    }
    ok(&run(&["open", "--key", p(&sk), "--out", p(&out)], &env));
    assert_eq!(fs::read(&out).unwrap(), payload());
    assert_eq!(listing(&out_dir), ["payload.bin"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "decrypted plaintext is the owner's only");
    }
}

#[test]
fn stdout_streams_unless_atomic() {
    let dir = tmpdir("open-stdout");
    let (sk, env, broken) = envelopes(&dir);
    let whole = payload();
    for (bytes, code) in &broken {
        // Streaming: the chunks before the failing one have been written, then exit 1. This is
        // what `open --help` tells the reader to expect (and to discard).
        let o = run(&["open", "--key", p(&sk)], bytes);
        fails(&o, 1, code);
        assert!(!o.stdout.is_empty(), "{code}: chunks before the failure");
        assert_eq!(o.stdout.len() % CHUNK, 0, "{code}: whole chunks only");
        assert!(o.stdout.len() < whole.len());
        assert_eq!(o.stdout[..], whole[..o.stdout.len()], "{code}");

        // --atomic: nothing at all.
        let o = run(&["open", "--key", p(&sk), "--atomic"], bytes);
        fails(&o, 1, code);
        assert!(o.stdout.is_empty(), "{code}: --atomic wrote to stdout");
    }
    assert_eq!(
        ok(&run(&["open", "--key", p(&sk), "--atomic"], &env)),
        whole
    );
    assert_eq!(ok(&run(&["open", "--key", p(&sk)], &env)), whole);

    let o = run(&["open", "--help"], b"");
    let help = String::from_utf8(ok(&o).to_vec()).unwrap();
    for needle in ["--atomic", "discard", "renamed to FILE only after"] {
        assert!(help.contains(needle), "open --help lacks {needle:?}");
    }
}

#[test]
fn header_file_is_written_only_on_success() {
    let dir = tmpdir("open-header");
    let (sk, env, broken) = envelopes(&dir);
    let header = dir.join("header.json");
    for (bytes, code) in &broken {
        let o = run(
            &["open", "--key", p(&sk), "--header", p(&header), "--atomic"],
            bytes,
        );
        fails(&o, 1, code);
        assert!(!header.exists(), "{code}");
    }
    ok(&run(
        &["open", "--key", p(&sk), "--header", p(&header)],
        &env,
    ));
    assert_eq!(json(&fs::read(&header).unwrap())["chunk_size"], CHUNK);
}

#[test]
fn failed_stream_seal_leaves_no_file() {
    let dir = tmpdir("seal-out-atomic");
    let (_, pk) = keypair(&dir, "a");
    let out_dir = dir.join("out");
    fs::create_dir(&out_dir).unwrap();
    let env = out_dir.join("env.bin");
    // A directory as input opens but fails on the first read, after the header is written.
    let args = [
        "seal",
        "--no-minimise",
        "--to",
        p(&pk),
        "--format",
        "binary",
        "--in",
        p(&dir),
        "--out",
        p(&env),
    ];
    fails(&run(&args, b""), 2, "io");
    assert!(listing(&out_dir).is_empty(), "{:?}", listing(&out_dir));
}

#[cfg(unix)]
#[test]
fn out_to_a_device_or_through_a_symlink() {
    let dir = tmpdir("open-out-special");
    let (sk, env, broken) = envelopes(&dir);
    // A device cannot be replaced by a rename: it gets the bytes in one write at the end.
    ok(&run(&["open", "--key", p(&sk), "--out", "/dev/null"], &env));
    fails(
        &run(
            &["open", "--key", p(&sk), "--out", "/dev/null"],
            &broken[0].0,
        ),
        1,
        "truncated",
    );
    assert!(Path::new("/dev/null").exists());
    // A symlink is followed: its target gets the payload, the link stays a link.
    let target = dir.join("target.bin");
    fs::write(&target, b"old").unwrap();
    let link = dir.join("link.bin");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    ok(&run(&["open", "--key", p(&sk), "--out", p(&link)], &env));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read(&target).unwrap(), payload());
}
