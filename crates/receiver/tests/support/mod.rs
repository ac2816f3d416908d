//! Shared by the receiver's tests and its load bench: starting the service binary, a minimal
//! HTTP/1.1 client, and envelopes sealed and signed with the library.

#![allow(dead_code)] // Each test binary uses a different part.

pub mod load;

use minseal::api::{self, SealOptions};
use minseal::keys::SecretKey;
use minseal::policy::Policy;
use minseal::seal::SealParams;
use minseal::sign::{SignatureAlg, SigningKey};
use serde_json::Value;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_minseal-receiver");
pub const ORDER: &[u8] = include_bytes!("../../../../tests/fixtures/2ap-art7-order/input.json");
pub const POLICY: &str = "2ap/art7-order";

/// A running `minseal-receiver`, killed (SIGKILL) when dropped.
pub struct Receiver {
    pub child: Child,
    pub port: u16,
}

impl Receiver {
    /// Starts the binary on a free loopback port and reads the port from its first line. It
    /// trusts [`sender`]'s key (`sender.jwk` beside `key`, written by [`authority`]).
    pub fn start(key: &Path, store: &Path, extra: &[&str]) -> Self {
        Self::start_command(Command::new(BIN), key, p(store), extra)
    }

    /// [`Receiver::start`] from a prepared command (environment) and any `--store` value.
    pub fn start_command(mut command: Command, key: &Path, store: &str, extra: &[&str]) -> Self {
        command.args(["--signers", p(&key.with_file_name("sender.jwk"))]);
        Self::start_plain(command, key, store, extra)
    }

    /// [`Receiver::start_command`] without `--signers` (register mode).
    pub fn start_plain(mut command: Command, key: &Path, store: &str, extra: &[&str]) -> Self {
        let mut child = command
            .args(["--key", p(key), "--store", store, "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start minseal-receiver");
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
        Self { child, port }
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A fresh directory under cargo's per-package temporary directory.
pub fn tmpdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("receiver-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A new authority key, written as a private JWK to `dir/authority.jwk`, and [`sender`]'s
/// public signing key to `dir/sender.jwk`.
pub fn authority(dir: &Path) -> (SecretKey, PathBuf) {
    let key = SecretKey::generate().unwrap();
    let path = dir.join("authority.jwk");
    std::fs::write(&path, key.to_jwk().as_bytes()).unwrap();
    std::fs::write(dir.join("sender.jwk"), sender().verifying_key().to_jwk()).unwrap();
    (key, path)
}

/// The sending portal's Ed25519 signing key (one per test process).
pub fn sender() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate(SignatureAlg::Ed25519).unwrap())
}

/// The header parameters every test envelope starts from.
pub fn params() -> SealParams {
    SealParams::new(1_780_000_000)
}

/// The sample order with `case_reference` padded so that the minimised payload is about
/// `size` bytes, minimised under its policy, sealed to `to` and signed by [`sender`], in binary
/// form.
pub fn sealed(to: &SecretKey, size: usize) -> Vec<u8> {
    sealed_with(to, size, &SealOptions::new(params()).signed_by(sender()))
}

/// [`sealed`] with other sealing options (another signer, none, an expiry).
pub fn sealed_with(to: &SecretKey, size: usize, opts: &SealOptions<'_>) -> Vec<u8> {
    let mut order: Value = serde_json::from_slice(ORDER).unwrap();
    let base = ORDER.len().min(size);
    order["case_reference"] = Value::String("x".repeat(size.saturating_sub(base).max(1)));
    let input = serde_json::to_vec(&order).unwrap();
    let policy = Policy::builtin(POLICY).unwrap();
    api::minimise_and_seal(&policy, &input, std::slice::from_ref(to.public_key()), opts)
        .unwrap()
        .envelope
        .to_binary()
}

/// One HTTP/1.1 request on a new connection; `Err` when the connection fails (the receiver is
/// down, or was killed mid-request).
pub fn try_request(
    port: u16,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> io::Result<(u16, Value)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    // The server may answer (413) before reading everything: ignore a broken pipe.
    let _ = s.write_all(body);
    let mut resp = Vec::new();
    // A server that answers early (413) and closes with body bytes unread may reset the
    // connection after its answer: keep what arrived.
    if let Err(e) = s.read_to_end(&mut resp) {
        if resp.is_empty() {
            return Err(e);
        }
    }
    parse_response(&resp)
}

pub fn parse_response(resp: &[u8]) -> io::Result<(u16, Value)> {
    let text = String::from_utf8_lossy(resp);
    let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("bad response {text:?}"));
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(bad)?;
    let body = text.split_once("\r\n\r\n").ok_or_else(bad)?.1;
    let json = serde_json::from_str(body).map_err(|_| bad())?;
    Ok((status, json))
}

/// [`try_request`], panicking on a connection failure.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, Value) {
    try_request(port, method, path, content_type, body).unwrap()
}

pub fn post(port: u16, content_type: &str, body: &[u8]) -> (u16, Value) {
    request(port, "POST", "/envelopes", content_type, body)
}
