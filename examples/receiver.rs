//! An authority's receiving service: accepts minseal envelopes over HTTP on 127.0.0.1, opens
//! them with the authority's key, verifies the payload against the policy its header names
//! (`api::open_and_verify`), and stores what it accepts.
//!
//! ```sh
//! cargo run --features cli --example receiver -- --key authority.jwk --store received/ --port 0
//! curl -sS -H 'content-type: application/json' --data-binary @envelope.json \
//!      http://127.0.0.1:PORT/envelopes
//! ```
//!
//! `POST /envelopes` with `content-type: application/json` (JSON form) or
//! `application/vnd.minseal` / `application/octet-stream` (binary form) answers:
//! - 202 `{"id", "payload_sha256", "policy"}`: opened, conforms, stored as `<store>/<id>.json`
//!   (the payload, byte for byte) and `<store>/<id>.record.json` (what the receiver can vouch
//!   for: the authenticated header, the verification, the payload's SHA-256, the policy
//!   reference, the key id, the time; the sender's receipt stays with the sender);
//! - 400 `{"error", "message"}`: wrong content type, or not a well-formed envelope;
//! - 413 `too_large`: body over `--max-body`;
//! - 422 `{"error", "message", "details"}`: refused on its merits (`decryption_failed`,
//!   `no_matching_recipient`, `does_not_conform`, `unknown_policy`, …).
//!
//! Synchronous, one request at a time (tiny_http): opening a 16 MiB envelope takes milliseconds,
//! and a receiver behind a portal needs no async runtime. Put TLS and authentication in front.

use clap::Parser;
use minseal::api;
use minseal::keys::SecretKey;
use minseal::seal::Envelope;
use minseal::{Error, ErrorCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};
use tiny_http::{Header, Method, Request, Response, Server};

/// Receive minseal envelopes over HTTP, open and verify them, store what conforms.
#[derive(Parser)]
struct Args {
    /// The authority's private JWK.
    #[arg(long, value_name = "PRIVATE.jwk")]
    key: PathBuf,
    /// Directory for accepted payloads and their records (created if missing).
    #[arg(long, value_name = "DIR")]
    store: PathBuf,
    /// Port on 127.0.0.1 (default: $PORT, else 8788); 0 picks a free one, printed on startup.
    #[arg(long)]
    port: Option<u16>,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    max_body: u64,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let fail = |msg: String| {
        eprintln!("receiver: {msg}");
        std::process::ExitCode::from(2)
    };
    let key = match std::fs::read_to_string(&args.key)
        .map_err(|e| e.to_string())
        .and_then(|t| SecretKey::from_jwk(&t).map_err(|e| e.to_string()))
    {
        Ok(k) => k,
        Err(e) => return fail(format!("{}: {e}", args.key.display())),
    };
    if let Err(e) = std::fs::create_dir_all(&args.store) {
        return fail(format!("{}: {e}", args.store.display()));
    }
    let port = match args.port {
        Some(p) => p,
        None => match std::env::var("PORT") {
            Ok(v) => match v.parse() {
                Ok(p) => p,
                Err(_) => return fail(format!("PORT={v} is not a port number")),
            },
            Err(_) => 8788,
        },
    };
    let server = match Server::http(("127.0.0.1", port)) {
        Ok(s) => s,
        Err(e) => return fail(format!("cannot listen on 127.0.0.1:{port}: {e}")),
    };
    let port = server.server_addr().to_ip().map_or(0, |a| a.port());
    println!(
        "receiver: listening on http://127.0.0.1:{port}/envelopes (kid {})",
        key.kid()
    );
    let _ = std::io::stdout().flush();

    for mut req in server.incoming_requests() {
        let (status, body) = handle(&mut req, &key, &args);
        eprintln!("receiver: {} {} -> {status}", req.method(), req.url());
        let response = Response::from_string(body.to_string())
            .with_status_code(status)
            .with_header(header("content-type", "application/json"))
            .with_header(header("cache-control", "no-store"));
        let _ = req.respond(response);
    }
    std::process::ExitCode::SUCCESS
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|()| unreachable!("static header"))
}

fn error_body(code: &str, message: &str, details: &[String]) -> Value {
    if details.is_empty() {
        json!({ "error": code, "message": message })
    } else {
        json!({ "error": code, "message": message, "details": details })
    }
}

fn from_error(status: u16, e: &Error) -> (u16, Value) {
    (
        status,
        error_body(e.code().as_str(), e.message(), e.details()),
    )
}

fn handle(req: &mut Request, key: &SecretKey, args: &Args) -> (u16, Value) {
    if req.url() != "/envelopes" {
        return (
            404,
            error_body("not_found", "POST envelopes to /envelopes", &[]),
        );
    }
    if *req.method() != Method::Post {
        return (405, error_body("method_not_allowed", "use POST", &[]));
    }
    let content_type = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("content-type"))
        .map(|h| {
            h.value
                .as_str()
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let binary = match content_type.as_str() {
        "application/json" => false,
        "application/vnd.minseal" | "application/octet-stream" => true,
        _ => {
            return (
                400,
                error_body(
                    ErrorCode::InvalidArgument.as_str(),
                    "content-type must be application/json (JSON form) or application/vnd.minseal (binary form)",
                    &[],
                ),
            )
        }
    };

    // The body, bounded: Content-Length is checked first, then the read itself is capped.
    let too_large = || {
        (
            413,
            error_body(
                ErrorCode::TooLarge.as_str(),
                &format!("request body over {} bytes", args.max_body),
                &[],
            ),
        )
    };
    if req.body_length().is_some_and(|n| n as u64 > args.max_body) {
        return too_large();
    }
    let mut body = Vec::new();
    if let Err(e) = req
        .as_reader()
        .take(args.max_body + 1)
        .read_to_end(&mut body)
    {
        return (
            400,
            error_body(ErrorCode::Io.as_str(), &format!("reading body: {e}"), &[]),
        );
    }
    if body.len() as u64 > args.max_body {
        return too_large();
    }

    // Malformed envelopes are the client's syntax error: 400.
    let parsed = if binary {
        Envelope::from_binary(&body)
    } else {
        std::str::from_utf8(&body)
            .map_err(|_| Error::new(ErrorCode::MalformedEnvelope, "JSON envelope is not UTF-8"))
            .and_then(|t| Envelope::from_json(t.trim()))
    };
    let envelope = match parsed {
        Ok(e) => e,
        Err(e) => return from_error(400, &e),
    };

    // Refusals on the merits: 422. No policy in the header is a refusal too: this receiver
    // takes only minimised payloads.
    let received = match api::open_and_verify(&envelope, key, &api::ReceiveOptions::default())
        .and_then(|r| r.require_conformance().map(|()| r))
    {
        Ok(r) => r,
        Err(e) if e.code().is_refusal() => return from_error(422, &e),
        Err(e) => return from_error(500, &e),
    };

    match store(&args.store, key, &received) {
        Ok(ok) => (202, ok),
        Err(e) => (
            500,
            error_body(ErrorCode::Io.as_str(), &format!("storing: {e}"), &[]),
        ),
    }
}

fn store(dir: &Path, key: &SecretKey, r: &api::Received) -> std::io::Result<Value> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let sha = minseal::hex::encode(&Sha256::digest(&r.payload));
    let policy = r
        .header
        .policy
        .as_ref()
        .map(|p| json!({ "id": p.id, "version": p.version, "digest": p.digest_hex() }));
    // Time plus a prefix of the digest: sortable, and unique unless the same payload arrives
    // twice in one nanosecond (create_new then refuses rather than overwrites).
    let id = format!("{}-{:09}-{}", now.as_secs(), now.subsec_nanos(), &sha[..12]);
    let verification = r.verification.as_ref().map(|v| {
        json!({
            "conforms": v.conforms,
            "violations": v.violations.iter()
                .map(|x| json!({ "path": x.path, "kind": x.kind.as_str() }))
                .collect::<Vec<_>>(),
        })
    });
    let record = json!({
        "id": id,
        "received_at": now.as_secs(),
        "kid": key.kid(),
        "policy": policy,
        "payload": { "sha256": sha, "bytes": r.payload.len(), "file": format!("{id}.json") },
        "header": minseal::jcs::canonicalize(&r.header.to_value())
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok()),
        "verification": verification,
    });
    write_new(&dir.join(format!("{id}.json")), &r.payload)?;
    let mut text = serde_json::to_vec_pretty(&record).map_err(std::io::Error::other)?;
    text.push(b'\n');
    write_new(&dir.join(format!("{id}.record.json")), &text)?;
    Ok(json!({ "id": id, "payload_sha256": sha, "policy": policy }))
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
