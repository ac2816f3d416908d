//! `S3Store` against a local S3-compatible server (moto's server mode, installed by
//! `scripts/setup`) that the test starts on 127.0.0.1 and stops. No server, no pass: a missing
//! or failing moto fails the test.
#![cfg(feature = "s3")]

mod support;

use bytes::Bytes;
use minseal_receiver::store::{Item, Put, S3Store, Store, StoreError};
use object_store::aws::AmazonS3Builder;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{authority, post, sealed, tmpdir, Receiver};

/// A moto S3 server on a free loopback port, killed when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_moto() -> Moto {
    let port = TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut child = Command::new(&python)
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run {python} -m moto.server (scripts/setup installs it): {e}")
        });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("moto.server exited with {status} (scripts/setup installs it):\n{err}");
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "moto.server did not listen on 127.0.0.1:{port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto { child, port }
}

/// Creates a bucket (moto accepts an unsigned request).
fn create_bucket(port: u16, bucket: &str) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "create bucket: {resp}");
}

const ENV: [(&str, &str); 4] = [
    ("AWS_ACCESS_KEY_ID", "minseal-test"),
    ("AWS_SECRET_ACCESS_KEY", "minseal-test-secret"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_ALLOW_HTTP", "true"),
];

fn builder(endpoint: &str) -> AmazonS3Builder {
    AmazonS3Builder::new()
        .with_bucket_name("envelopes")
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_access_key_id(ENV[0].1)
        .with_secret_access_key(ENV[1].1)
        .with_region(ENV[2].1)
}

fn item(id: &str, envelope: &'static [u8]) -> Item {
    Item {
        id: id.to_owned(),
        envelope: Bytes::from_static(envelope),
        record: Bytes::from_static(b"{}\n"),
    }
}

#[test]
fn s3_store_is_idempotent_and_serves_the_receiver() {
    let moto = start_moto();
    create_bucket(moto.port, "envelopes");
    let endpoint = format!("http://127.0.0.1:{}", moto.port);

    // The store on its own.
    let store = S3Store::with_builder(builder(&endpoint), "unit").unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        assert_eq!(store.get("abc").await.unwrap(), None);
        assert_eq!(store.put(item("abc", b"one")).await.unwrap(), Put::Stored);
        assert_eq!(
            store.put(item("abc", b"one")).await.unwrap(),
            Put::AlreadyStored
        );
        assert!(matches!(
            store.put(item("abc", b"two")).await,
            Err(StoreError::Conflict)
        ));
        assert!(matches!(
            store.put(item("../abc", b"one")).await,
            Err(StoreError::InvalidId)
        ));
        assert_eq!(
            store.get("abc").await.unwrap(),
            Some(Bytes::from_static(b"one"))
        );
    });

    // The service, configured from the environment as an operator would.
    let dir = tmpdir("s3");
    let (key, key_path) = authority(&dir);
    let mut child = Command::new(support::BIN);
    child.envs(ENV).env("AWS_ENDPOINT", &endpoint);
    let server = Receiver::start_command(child, &key_path, "s3://envelopes/received", &[]);
    let envelope = sealed(&key, 0);
    let (status, answer) = post(server.port, "application/vnd.minseal", &envelope);
    assert_eq!(status, 202, "{answer}");
    assert_eq!(
        post(server.port, "application/vnd.minseal", &envelope),
        (202, answer.clone())
    );
    let id = answer["id"].as_str().unwrap().to_owned();
    let at = S3Store::with_builder(builder(&endpoint), "received").unwrap();
    let stored = rt.block_on(at.get(&id)).unwrap();
    assert_eq!(stored.as_deref(), Some(envelope.as_slice()));
}
