//! The `minseal` binary, driven as a user would: arguments, stdin/stdout, files, exit codes and
//! `error[code]:` lines. Shared helpers live here; each module tests one area of commands.

mod keys;
mod open_output;
mod policy;
mod register;
mod register_flow;
mod seal_open;
mod sign;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_minseal");
const ORDER: &str = "tests/fixtures/2ap-art7-order/input.json";
const ORDER_EXPECTED: &str = "tests/fixtures/2ap-art7-order/expected.json";
const ORDER_MISSING: &str = "tests/fixtures/2ap-art7-order/missing-required.json";

/// A fresh directory under target/ for one test.
fn tmpdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: &Output) -> &[u8] {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    &o.stdout
}

/// Asserts exit code and that stderr's first line is `error[code]: …`.
#[track_caller]
fn fails(o: &Output, exit: i32, code: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(exit), "stderr: {err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("error[{code}]: ")),
        "expected error[{code}], got: {err}"
    );
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Generates a key pair in `dir`; returns (private, public) paths.
fn keypair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let sk = dir.join(format!("{name}.jwk"));
    let pk = dir.join(format!("{name}.pub.jwk"));
    let o = run(&["keygen", "--out", p(&sk)], b"");
    fs::write(&pk, ok(&o)).unwrap();
    (sk, pk)
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[track_caller]
fn fails_usage(o: &Output) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("--help"), "{err}");
}

#[test]
fn help_on_every_subcommand() {
    for sub in [
        &["--help"][..],
        &["keygen", "--help"],
        &["pubkey", "--help"],
        &["thumbprint", "--help"],
        &["minimise", "--help"],
        &["seal", "--help"],
        &["open", "--help"],
        &["verify", "--help"],
        &["policy", "--help"],
        &["policy", "list", "--help"],
        &["policy", "show", "--help"],
        &["policy", "lint", "--help"],
        &["proof", "--help"],
        &["proof", "export", "--help"],
        &["proof", "verify", "--help"],
        &["register", "--help"],
        &["register", "new", "--help"],
        &["register", "add", "--help"],
        &["register", "revoke", "--help"],
        &["register", "sign", "--help"],
        &["register", "verify", "--help"],
        &["register", "show", "--help"],
        &["register", "find", "--help"],
        &["ack", "verify", "--help"],
    ] {
        let o = run(sub, b"");
        let text = String::from_utf8(ok(&o).to_vec()).unwrap();
        assert!(text.contains("Usage: minseal"), "{sub:?}: {text}");
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[], b"").status.code(), Some(2)); // prints the help on stderr
    fails_usage(&run(&["frobnicate"], b""));
    fails_usage(&run(&["seal", "--policy", "2ap/art7-order"], b"")); // no --to
    fails_usage(&run(&["open"], b"")); // no --key
    fails_usage(&run(
        &["seal", "--no-minimise", "--strict", "--to", "x"],
        b"",
    ));
    fails_usage(&run(&["seal", "--to", "x", "--metadata", "novalue"], b""));
}
