//! `keygen`, `pubkey`, `thumbprint`: X25519 key pairs as JWKs.

use crate::io::{io_err, read_text, write_line};
use minseal::keys::{PublicKey, SecretKey};
use minseal::{Error, ErrorCode, Result};
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

pub fn keygen(out: &Path, force: bool) -> Result<ExitCode> {
    let sk = SecretKey::generate()?;
    if force {
        match fs::remove_file(out) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(out, &e)),
        }
    }
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(out).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            Error::new(
                ErrorCode::InvalidArgument,
                format!("{} exists; pass --force to replace it", out.display()),
            )
        } else {
            io_err(out, &e)
        }
    })?;
    let jwk = sk.to_jwk();
    file.write_all(jwk.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(|e| io_err(out, &e))?;
    write_line(&sk.public_key().to_jwk())
}

pub fn pubkey(key: Option<&Path>) -> Result<ExitCode> {
    let sk = SecretKey::from_jwk(&read_text(key)?)?;
    write_line(&sk.public_key().to_jwk())
}

pub fn thumbprint(key: Option<&Path>) -> Result<ExitCode> {
    let text = read_text(key)?;
    let kid = match PublicKey::parse_recipients(&text) {
        Ok(keys) if keys.len() == 1 => keys.first().map(PublicKey::kid),
        _ => None,
    };
    let kid = match kid {
        Some(k) => k,
        None => SecretKey::from_jwk(&text)
            .map_err(|_| {
                Error::new(
                    ErrorCode::InvalidKey,
                    "not one X25519 public JWK, private JWK or raw base64url key",
                )
            })?
            .kid(),
    };
    write_line(&kid)
}
