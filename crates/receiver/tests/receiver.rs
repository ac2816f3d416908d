//! The `minseal-receiver` binary, started on a free loopback port and driven with real HTTP/1.1
//! requests; envelopes are sealed with the library.

mod support;

use chacha20::rand_core::SeedableRng;
use chacha20::ChaCha20Rng;
use minseal::keys::SecretKey;
use minseal::policy::Policy;
use minseal::seal::{self, Envelope, SealParams};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use support::{authority, post, request, sealed, tmpdir, Receiver, ORDER, POLICY};

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn accepts_conforming_envelopes_and_refuses_the_rest() {
    let dir = tmpdir("main");
    let store = dir.join("store");
    let (key, key_path) = authority(&dir, 1);
    let server = Receiver::start(&key_path, &store, &["--max-body", "1048576"]);
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let policy = Policy::builtin(POLICY).unwrap();
    let params = || SealParams::new(1_780_000_000);

    // A good envelope, binary form: 202, stored byte for byte under its id, with a record.
    let binary = sealed(&key, 0, &mut rng);
    let (status, body) = post(server.port, "application/vnd.minseal", &binary);
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(id, minseal::hex::encode(&Sha256::digest(&binary)));
    assert_eq!(body["policy"]["id"], POLICY);
    assert_eq!(
        fs::read(store.join(format!("{id}.envelope"))).unwrap(),
        binary
    );
    let record_text = fs::read(store.join(format!("{id}.record.json"))).unwrap();
    let record: Value = serde_json::from_slice(&record_text).unwrap();
    assert_eq!(record["verification"]["conforms"], true);
    assert_eq!(record["payload"]["sha256"], body["payload_sha256"]);
    assert_eq!(record["header"]["policy"]["id"], POLICY);
    assert_eq!(record["kid"], key.kid());
    assert_eq!(record["form"], "binary");
    // The record holds no payload values.
    assert!(!String::from_utf8_lossy(&record_text).contains("quietharbour77"));

    // Posted again: the same answer, and no second copy.
    assert_eq!(
        post(server.port, "application/vnd.minseal", &binary),
        (202, body.clone())
    );

    // The JSON form, with a charset parameter: accepted under its own id.
    let json = sealed(&key, 0, &mut rng);
    let json = Envelope::from_binary(&json).unwrap().to_json().into_bytes();
    let (status, body_json) = post(server.port, "application/json; charset=utf-8", &json);
    assert_eq!(status, 202, "{body_json}");
    assert_ne!(body_json["id"], body["id"]);

    // The same envelope id with other bytes (the JSON form plus a newline): 409 conflict, and
    // the stored bytes stay as they were.
    let mut reformatted = json.clone();
    reformatted.push(b'\n');
    let (status, conflict) = post(server.port, "application/json", &reformatted);
    assert_eq!(
        (status, conflict["error"].as_str()),
        (409, Some("conflict")),
        "{conflict}"
    );
    let json_id = body_json["id"].as_str().unwrap();
    assert_eq!(
        fs::read(store.join(format!("{json_id}.envelope"))).unwrap(),
        json
    );

    // Tampered: 422 decryption_failed.
    let mut tampered = sealed(&key, 0, &mut rng);
    let n = tampered.len();
    tampered[n - 5] ^= 0x40;
    let (status, body) = post(server.port, "application/vnd.minseal", &tampered);
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("decryption_failed")),
        "{body}"
    );

    // For another key: 422 no_matching_recipient.
    let other = SecretKey::generate_with_rng(&mut rng);
    let (status, body) = post(
        server.port,
        "application/vnd.minseal",
        &sealed(&other, 0, &mut rng),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("no_matching_recipient")),
        "{body}"
    );

    // Sealed as is but naming the policy: 422 does_not_conform, with the violations.
    let raw = seal::seal_with_rng(
        ORDER,
        std::slice::from_ref(key.public_key()),
        &params().with_policy(policy.reference()),
        &mut rng,
    )
    .unwrap();
    let (status, body) = post(server.port, "application/vnd.minseal", &raw.to_binary());
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
    let unnamed = seal::seal_with_rng(
        ORDER,
        std::slice::from_ref(key.public_key()),
        &params(),
        &mut rng,
    )
    .unwrap();
    let (status, body) = post(
        server.port,
        "application/json",
        unnamed.to_json().as_bytes(),
    );
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

    // Wrong content type: 400 invalid_argument.
    let (status, body) = post(server.port, "text/plain", &binary);
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
    let (status, body) = request(server.port, "GET", "/envelopes", "text/plain", b"");
    assert_eq!(
        (status, body["error"].as_str()),
        (405, Some("method_not_allowed"))
    );
    let (status, body) = request(server.port, "POST", "/other", "application/json", b"{}");
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));

    // Exactly the two accepted envelopes are stored, each with its record.
    assert_eq!(names(&store).len(), 1 + 2 * 2, "{:?}", names(&store));
}

/// Sends a request's head only, declaring `length` body bytes.
fn head_only(port: u16, content_type: &str, length: usize) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /envelopes HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    s
}

fn read_response(mut s: TcpStream) -> (u16, Value) {
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    support::parse_response(&resp).unwrap()
}

#[test]
fn limits_answer_before_the_body_is_read() {
    let dir = tmpdir("limits");
    let (key, key_path) = authority(&dir, 2);
    let server = Receiver::start(
        &key_path,
        &dir.join("store"),
        &[
            "--max-body",
            "65536",
            "--workers",
            "1",
            "--max-in-flight",
            "1",
            "--body-timeout",
            "2",
        ],
    );

    // A declared length over the limit: 413 without sending a byte of the body.
    let (status, body) = read_response(head_only(server.port, "application/json", 65537));
    assert_eq!((status, body["error"].as_str()), (413, Some("too_large")));

    // A chunked body (no declared length) that grows past the limit: 413 as well.
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /envelopes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    for size in [16384, 16384, 16384, 16384, 1] {
        if write!(s, "{size:x}\r\n").is_err()
            || s.write_all(&vec![b' '; size]).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let (status, body) = read_response(s);
    assert_eq!((status, body["error"].as_str()), (413, Some("too_large")));

    // One request admitted and still sending its body fills the house: the next one gets 503
    // overloaded at once, with Retry-After.
    let holder = head_only(server.port, "application/vnd.minseal", 1000);
    let deadline = Instant::now() + Duration::from_secs(5);
    let envelope = sealed(&key, 0, &mut ChaCha20Rng::seed_from_u64(3));
    let (status, body, took) = loop {
        let t = Instant::now();
        let (status, body) = post(server.port, "application/vnd.minseal", &envelope);
        if status == 503 || Instant::now() > deadline {
            break (status, body, t.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        (status, body["error"].as_str()),
        (503, Some("overloaded")),
        "{body}"
    );
    assert!(took < Duration::from_secs(1), "503 took {took:?}");

    // The slow sender runs out of time (408), which frees its slot.
    let (status, body) = read_response(holder);
    assert_eq!((status, body["error"].as_str()), (408, Some("timeout")));
    let (status, body) = post(server.port, "application/vnd.minseal", &envelope);
    assert_eq!(status, 202, "{body}");
}
