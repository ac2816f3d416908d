//! `keygen`, `pubkey`, `thumbprint`: X25519 recipient keys and ES256/Ed25519 signing keys, as
//! JWKs.

use crate::args::{KeyAlg, KeyUse, KeygenArgs};
use crate::io::{io_err, read_text, write_line};
use minseal::keys::{PublicKey, SecretKey};
use minseal::sign::{SignatureAlg, SigningKey, VerifyingKey};
use minseal::{Error, ErrorCode, Result};
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

pub fn keygen(a: &KeygenArgs) -> Result<ExitCode> {
    let key_use = match (a.key_use, a.alg) {
        (Some(u), _) => u,
        (None, Some(KeyAlg::Es256 | KeyAlg::Ed25519)) => KeyUse::Sig,
        (None, _) => KeyUse::Enc,
    };
    let (private, public) = match (key_use, a.alg) {
        (KeyUse::Enc, None | Some(KeyAlg::X25519)) => {
            let sk = SecretKey::generate()?;
            (sk.to_jwk(), sk.public_key().to_jwk())
        }
        (KeyUse::Sig, None | Some(KeyAlg::Es256)) => signing_pair(SignatureAlg::Es256)?,
        (KeyUse::Sig, Some(KeyAlg::Ed25519)) => signing_pair(SignatureAlg::Ed25519)?,
        (KeyUse::Enc, Some(_)) => {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "--use enc keys are X25519; ES256 and Ed25519 are for --use sig",
            ))
        }
        (KeyUse::Sig, Some(KeyAlg::X25519)) => {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "--use sig keys are ES256 or Ed25519; X25519 is for --use enc",
            ))
        }
    };
    write_private_key(&a.out, a.force, &private)?;
    write_line(&public)
}

fn signing_pair(alg: SignatureAlg) -> Result<(zeroize::Zeroizing<String>, String)> {
    let sk = SigningKey::generate(alg)?;
    Ok((sk.to_jwk(), sk.verifying_key().to_jwk()))
}

/// Writes `jwk` and a newline to a new file of mode 0600 (replacing `out` only with `force`),
/// fsynced before the public key is printed.
fn write_private_key(out: &Path, force: bool, jwk: &str) -> Result<()> {
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
    file.write_all(jwk.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(|e| io_err(out, &e))
}

/// The public JWK of a private X25519 or signing JWK.
pub fn pubkey(key: Option<&Path>) -> Result<ExitCode> {
    let text = read_text(key)?;
    match SecretKey::from_jwk(&text) {
        Ok(sk) => write_line(&sk.public_key().to_jwk()),
        Err(e) => match SigningKey::from_jwk(&text) {
            Ok(sk) => write_line(&sk.verifying_key().to_jwk()),
            // Neither: report the X25519 reading, unless the text is plainly a signing key.
            Err(se) if is_signing_jwk(&text) => Err(se),
            Err(_) => Err(e),
        },
    }
}

/// The kid of any one key minseal reads: X25519 public (JWK or raw) or private, signing public
/// or private.
pub fn thumbprint(key: Option<&Path>) -> Result<ExitCode> {
    let text = read_text(key)?;
    let kid = match PublicKey::parse_recipients(&text) {
        Ok(keys) if keys.len() == 1 => keys.first().map(PublicKey::kid),
        _ => None,
    };
    let kid = kid
        .or_else(|| SecretKey::from_jwk(&text).ok().map(|k| k.kid()))
        .or_else(|| {
            VerifyingKey::from_jwk(&text)
                .ok()
                .map(|k| k.kid().to_owned())
        })
        .or_else(|| {
            SigningKey::from_jwk(&text)
                .ok()
                .map(|k| k.verifying_key().kid().to_owned())
        })
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidKey,
                "not one X25519 public JWK, private JWK or raw base64url key, \
                 nor one ES256/Ed25519 signing JWK",
            )
        })?;
    write_line(&kid)
}

/// A JWK whose `kty`/`crv` name a signing curve (used to pick which error to report).
fn is_signing_jwk(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .is_ok_and(|v| v["kty"] == "EC" || v["crv"] == "Ed25519")
}
