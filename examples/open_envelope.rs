//! Opens an envelope file (JSON or binary form) with a secret key and prints the payload to
//! stdout; with a third argument `verify`, also verifies it against the built-in policy its
//! header names. Used by tests/js/node/sameness.test.mjs to open envelopes made in wasm.
//!
//! `cargo run --example open_envelope -- <envelope file> <secret key: raw base64url or JWK> [verify]`

use minseal::api::open_and_verify;
use minseal::keys::SecretKey;
use minseal::seal::{self, Envelope};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(key)) = (args.first(), args.get(1)) else {
        eprintln!("usage: open_envelope <envelope file> <secret key> [verify]");
        return ExitCode::from(2);
    };
    let run = || -> minseal::Result<Vec<u8>> {
        let bytes = std::fs::read(file).map_err(|e| seal::error_from_io(&e))?;
        let env = if bytes.starts_with(&seal::BINARY_MAGIC) {
            Envelope::from_binary(&bytes)?
        } else {
            Envelope::from_json(&String::from_utf8_lossy(&bytes))?
        };
        let sk = SecretKey::parse(key)?;
        if args.get(2).map(String::as_str) == Some("verify") {
            let r = open_and_verify(
                &env,
                &sk,
                &minseal::api::ReceiveOptions {
                    ..Default::default()
                },
            )?;
            r.require_conformance()?;
            Ok(r.payload)
        } else {
            Ok(seal::open(&env, &sk, &minseal::seal::OpenOptions::default())?.payload)
        }
    };
    match run() {
        Ok(p) => {
            let _ = std::io::stdout().write_all(&p);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error[{}]: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}
