//! The `minseal-receiver` binary, started on a free loopback port and driven with real HTTP/1.1
//! requests; envelopes are sealed and signed with the library.

mod support;

use minseal::api::{self, SealOptions};
use minseal::keys::SecretKey;
use minseal::policy::Policy;
use minseal::seal::Envelope;
use minseal::sign::{SignatureAlg, Signer, SigningKey};
use serde_json::Value;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{
    authority, p, params, post, request, sealed, sealed_with, sender, tmpdir, Receiver, BIN, ORDER,
    POLICY,
};

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

/// The message_id of an envelope in binary form, as the receiver names it.
fn message_id(binary: &[u8]) -> String {
    minseal_receiver::envelope_id(Envelope::from_binary(binary).unwrap().header())
}

#[test]
fn accepts_conforming_envelopes_and_refuses_the_rest() {
    let dir = tmpdir("main");
    let store = dir.join("store");
    let (key, key_path) = authority(&dir);
    let server = Receiver::start(&key_path, &store, &["--max-body", "1048576"]);

    // A good envelope, binary form: 202, stored byte for byte under its message_id, with a
    // record naming the verified signer.
    let binary = sealed(&key, 0);
    let (status, body) = post(server.port, "application/vnd.minseal", &binary);
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(id, message_id(&binary));
    assert_eq!(id.len(), 22, "base64url of 16 bytes: {id}");
    assert_eq!(body["policy"]["id"], POLICY);
    assert_eq!(body["signature"]["kid"], sender().kid());
    assert_eq!(body["signature"]["alg"], "Ed25519");
    assert_eq!(
        fs::read(store.join(format!("{id}.envelope"))).unwrap(),
        binary
    );
    let record_text = fs::read(store.join(format!("{id}.record.json"))).unwrap();
    let record: Value = serde_json::from_slice(&record_text).unwrap();
    assert_eq!(record["verification"]["conforms"], true);
    assert_eq!(record["payload"]["sha256"], body["payload_sha256"]);
    assert_eq!(record["header"]["policy"]["id"], POLICY);
    assert_eq!(record["header"]["message_id"], id.as_str());
    assert_eq!(record["kid"], key.kid());
    assert_eq!(record["signature"]["verified"], true);
    assert_eq!(record["form"], "binary");
    // The record holds no payload values.
    assert!(!String::from_utf8_lossy(&record_text).contains("quietharbour77"));

    // Posted again: the same answer, and no second copy.
    assert_eq!(
        post(server.port, "application/vnd.minseal", &binary),
        (202, body.clone())
    );

    // The JSON form, with a charset parameter: accepted under its own message_id.
    let json = sealed(&key, 0);
    let json_id = message_id(&json);
    let json = Envelope::from_binary(&json).unwrap().to_json().into_bytes();
    let (status, body_json) = post(server.port, "application/json; charset=utf-8", &json);
    assert_eq!(status, 202, "{body_json}");
    assert_eq!(body_json["id"], json_id.as_str());
    assert_ne!(body_json["id"], body["id"]);

    // The same message_id with other bytes (the JSON form plus a newline): 409 conflict, and
    // the stored bytes stay as they were.
    let mut reformatted = json.clone();
    reformatted.push(b'\n');
    let (status, conflict) = post(server.port, "application/json", &reformatted);
    assert_eq!(
        (status, conflict["error"].as_str()),
        (409, Some("conflict")),
        "{conflict}"
    );
    assert_eq!(
        fs::read(store.join(format!("{json_id}.envelope"))).unwrap(),
        json
    );

    // Tampered: 422 decryption_failed.
    let mut tampered = sealed(&key, 0);
    let n = tampered.len();
    tampered[n - 5] ^= 0x40;
    let (status, body) = post(server.port, "application/vnd.minseal", &tampered);
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("decryption_failed")),
        "{body}"
    );

    // For another key: 422 no_matching_recipient.
    let other = SecretKey::generate().unwrap();
    let (status, body) = post(server.port, "application/vnd.minseal", &sealed(&other, 0));
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("no_matching_recipient")),
        "{body}"
    );

    // Unsigned, and this receiver was not told to accept unsigned envelopes: 422
    // signature_missing.
    let unsigned = sealed_with(&key, 0, &SealOptions::new(params()));
    let (status, body) = post(server.port, "application/vnd.minseal", &unsigned);
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("signature_missing")),
        "{body}"
    );

    // Signed by a key the receiver does not trust: 403 unknown_signer.
    let stranger = SigningKey::generate(SignatureAlg::Es256).unwrap();
    let (status, body) = post(
        server.port,
        "application/vnd.minseal",
        &sealed_with(&key, 0, &SealOptions::new(params()).signed_by(&stranger)),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("unknown_signer")),
        "{body}"
    );

    // Expired (`expires_at` one second after creation, long before the system clock): 422
    // expired.
    let (status, body) = post(
        server.port,
        "application/vnd.minseal",
        &sealed_with(
            &key,
            0,
            &SealOptions::new(params().with_expiry(1_780_000_001)).signed_by(sender()),
        ),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("expired")),
        "{body}"
    );

    // Sealing checks conformance, so a payload that does not conform to the policy its header
    // names cannot be produced through the library. What v2 still lets a sender do is name a
    // policy this receiver does not have (a custom one): 422 unknown_policy.
    let custom = custom_policy();
    let custom_env = api::minimise_and_seal(
        &custom,
        ORDER,
        std::slice::from_ref(key.public_key()),
        &SealOptions::new(params()).signed_by(sender()),
    )
    .unwrap()
    .envelope;
    let (status, body) = post(
        server.port,
        "application/vnd.minseal",
        &custom_env.to_binary(),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("unknown_policy")),
        "{body}"
    );

    // Sealed with no policy at all: this receiver takes only verified payloads.
    let unnamed = api::seal(
        ORDER,
        std::slice::from_ref(key.public_key()),
        &SealOptions::new(params()).signed_by(sender()),
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

/// The built-in order policy under another id: a custom policy this receiver does not have.
fn custom_policy() -> Policy {
    let mut doc: Value =
        serde_json::from_slice(include_bytes!("../../../policies/2ap-art7-order.json")).unwrap();
    doc["id"] = Value::from("example/art7-order");
    Policy::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap()
}

#[test]
fn allow_unsigned_accepts_unsigned_envelopes() {
    let dir = tmpdir("unsigned");
    let (key, key_path) = authority(&dir);
    let server = Receiver::start(&key_path, &dir.join("store"), &["--allow-unsigned"]);
    let unsigned = sealed_with(&key, 0, &SealOptions::new(params()));
    let (status, body) = post(server.port, "application/vnd.minseal", &unsigned);
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["signature"], Value::Null);
    // Signed ones still have to verify under a trusted key.
    assert_eq!(
        post(server.port, "application/vnd.minseal", &sealed(&key, 0)).0,
        202
    );
}

#[test]
fn refuses_to_start_without_signers_or_allow_unsigned() {
    let dir = tmpdir("nosigners");
    let (_, key_path) = authority(&dir);
    let out = Command::new(BIN)
        .args([
            "--key",
            p(&key_path),
            "--store",
            p(&dir.join("store")),
            "--port",
            "0",
        ])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--signers") && stderr.contains("--allow-unsigned"),
        "{stderr}"
    );
    assert!(!dir.join("store").exists());
}

/// Claims the trusted sender's kid but signs with another key: what a forged signature looks
/// like once the envelope is decrypted.
struct Impostor(SigningKey);

impl Signer for Impostor {
    fn alg(&self) -> SignatureAlg {
        SignatureAlg::Ed25519
    }
    fn kid(&self) -> String {
        sender().kid()
    }
    fn sign(&self, statement: &[u8]) -> minseal::Result<Vec<u8>> {
        self.0.sign(statement)
    }
}

#[test]
fn refuses_a_forged_signature() {
    let dir = tmpdir("forged");
    let (key, key_path) = authority(&dir);
    let server = Receiver::start(&key_path, &dir.join("store"), &[]);
    let impostor = Impostor(SigningKey::generate(SignatureAlg::Ed25519).unwrap());
    let forged = sealed_with(&key, 0, &SealOptions::new(params()).signed_by(&impostor));
    let (status, body) = post(server.port, "application/vnd.minseal", &forged);
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("signature_invalid")),
        "{body}"
    );
    assert!(fs::read_dir(dir.join("store")).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".envelope")));
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
    let (key, key_path) = authority(&dir);
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
    let envelope = sealed(&key, 0);
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
