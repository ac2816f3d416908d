//! The receiving-service example (`examples/receiver.rs`), built by cargo, started on a free
//! loopback port and driven with real HTTP/1.1 requests; envelopes come from the `minseal` CLI.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_minseal");
const ORDER: &str = "tests/fixtures/2ap-art7-order/input.json";

/// Builds the example with this test's features (usually a no-op: `cargo test` builds examples).
fn receiver_binary() -> PathBuf {
    let mut features = vec!["cli"];
    if cfg!(feature = "wasm") {
        features.push("wasm");
    }
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", "receiver", "--features"])
        .arg(features.join(","))
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build --example receiver failed");
    let target = Path::new(BIN).parent().unwrap();
    target
        .join("examples")
        .join(format!("receiver{}", std::env::consts::EXE_SUFFIX))
}

struct Receiver {
    child: Child,
    port: u16,
    store: PathBuf,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path, key: &Path, extra: &[&str]) -> Receiver {
    let store = dir.join("store");
    let mut child = Command::new(receiver_binary())
        .args(["--key", p(key), "--store", p(&store), "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start receiver");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "receiver: listening on http://127.0.0.1:PORT/envelopes (kid …)"
    let port = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    Receiver { child, port, store }
}

/// One HTTP/1.1 request; returns (status, JSON body).
fn request(
    port: u16,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, serde_json::Value) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading everything: ignore a broken pipe.
    let _ = s.write_all(body);
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad response {text:?}"));
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    (status, json)
}

fn post(port: u16, content_type: &str, body: &[u8]) -> (u16, serde_json::Value) {
    request(port, "POST", "/envelopes", content_type, body)
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn minseal(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "minseal {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn keypair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let sk = dir.join(format!("{name}.jwk"));
    let pk = dir.join(format!("{name}.pub.jwk"));
    let public = minseal(&["keygen", "--out", p(&sk), "--force"], b"");
    fs::write(&pk, public).unwrap();
    (sk, pk)
}

fn tmpdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("receiver-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn receiver_accepts_conforming_and_refuses_the_rest() {
    let dir = tmpdir("main");
    let (sk, pk) = keypair(&dir, "authority");
    let (_, other_pk) = keypair(&dir, "other");
    let server = start(&dir, &sk, &["--max-body", "1048576"]);
    let order = fs::read(ORDER).unwrap();
    let minimised = minseal(&["minimise", "--policy", "2ap/art7-order"], &order);
    let seal = |to: &Path, format: &str, extra: &[&str]| {
        let mut args = vec!["seal", "--to", p(to), "--format", format];
        args.extend_from_slice(extra);
        minseal(&args, &order)
    };
    let policy = ["--policy", "2ap/art7-order"];

    // A good envelope, JSON form: 202, and the stored payload is the minimised order.
    let json_env = seal(&pk, "json", &policy);
    let (status, body) = post(server.port, "application/json", &json_env);
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap();
    assert_eq!(body["policy"]["id"], "2ap/art7-order");
    let stored = fs::read(server.store.join(format!("{id}.json"))).unwrap();
    assert_eq!(stored, minimised);
    let record: serde_json::Value =
        serde_json::from_slice(&fs::read(server.store.join(format!("{id}.record.json"))).unwrap())
            .unwrap();
    assert_eq!(record["verification"]["conforms"], true);
    assert_eq!(record["payload"]["sha256"], body["payload_sha256"]);
    assert_eq!(record["payload"]["bytes"], minimised.len());
    assert_eq!(record["header"]["policy"]["id"], "2ap/art7-order");
    // The record holds no payload values.
    assert!(!String::from_utf8_lossy(
        &fs::read(server.store.join(format!("{id}.record.json"))).unwrap()
    )
    .contains("quietharbour77"));

    // The binary form, with a charset parameter on the content type for good measure.
    let bin_env = seal(&pk, "binary", &policy);
    let (status, body) = post(server.port, "application/vnd.minseal", &bin_env);
    assert_eq!(status, 202, "{body}");
    assert_ne!(body["id"].as_str().unwrap(), id);
    let (status, _) = post(server.port, "application/json; charset=utf-8", &json_env);
    assert_eq!(status, 202);

    // Tampered: 422 decryption_failed.
    let mut tampered = bin_env.clone();
    let n = tampered.len();
    tampered[n - 5] ^= 0x40;
    let (status, body) = post(server.port, "application/vnd.minseal", &tampered);
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("decryption_failed")),
        "{body}"
    );

    // For another key: 422 no_matching_recipient.
    let other = seal(&other_pk, "json", &policy);
    let (status, body) = post(server.port, "application/json", &other);
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("no_matching_recipient")),
        "{body}"
    );

    // Sealed as is but naming the policy: 422 does_not_conform, with the violations.
    let raw = seal(
        &pk,
        "json",
        &["--no-minimise", "--policy", "2ap/art7-order"],
    );
    let (status, body) = post(server.port, "application/json", &raw);
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("does_not_conform")),
        "{body}"
    );
    assert!(body["details"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d == "$.credentials (forbidden)"));

    // Sealed with no policy at all: this receiver takes only verified payloads.
    let unnamed = seal(&pk, "json", &["--no-minimise"]);
    let (status, body) = post(server.port, "application/json", &unnamed);
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("does_not_conform")),
        "{body}"
    );

    // Garbage: 400 malformed_envelope, in either form.
    let (status, body) = post(
        server.port,
        "application/json",
        b"{\"not\":\"an envelope\"}",
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("malformed_envelope")),
        "{body}"
    );
    let (status, body) = post(server.port, "application/vnd.minseal", b"\x00garbage");
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("malformed_envelope")),
        "{body}"
    );
    assert!(body["message"].is_string());

    // Wrong content type: 400.
    let (status, body) = post(server.port, "text/plain", &json_env);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_argument")),
        "{body}"
    );

    // Over the body limit: 413 too_large.
    let big = vec![b' '; 2 * 1024 * 1024];
    let (status, body) = post(server.port, "application/json", &big);
    assert_eq!(
        (status, body["error"].as_str()),
        (413, Some("too_large")),
        "{body}"
    );

    // Other methods and paths.
    assert_eq!(
        request(server.port, "GET", "/envelopes", "text/plain", b"").0,
        405
    );
    assert_eq!(
        request(server.port, "POST", "/other", "application/json", b"{}").0,
        404
    );

    // Exactly three accepted envelopes were stored (payload + record each).
    assert_eq!(fs::read_dir(&server.store).unwrap().count(), 6);
}
