//! `proof export` and `proof verify`: evidence of what a sender signed, checkable by a third
//! party without the recipient's decryption key.

use crate::args::{ProofExportArgs, ProofVerifyArgs};
use crate::io::{read_limited, read_text, stdin_err, write_file, write_line_to, Perm};
use crate::trust::{header_json, load_signers, signature_json};
use minseal::keys::SecretKey;
use minseal::proof::{self, MAX_PROOF_BYTES};
use minseal::seal::{self, Envelope, OpenOptions};
use minseal::{Error, ErrorCode, Result};
use std::io::Read;
use std::process::ExitCode;
use zeroize::Zeroizing;

/// Opens the envelope (checking the signature when --signer is given) and writes its proof;
/// `signature_missing` for an unsigned one.
pub fn export(a: &ProofExportArgs) -> Result<ExitCode> {
    let sk = SecretKey::from_jwk(&read_text(Some(&a.key))?)?;
    // No clock: an expired envelope's proof is still evidence of what was sent.
    let opts = OpenOptions::default()
        .with_limits(a.limits())
        .trust(load_signers(&a.signers)?);
    let mut bytes = Vec::new();
    crate::io::open_input(a.input.as_deref())?
        .take(opts.limits.max_envelope_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| stdin_err(&e))?;
    let envelope = Envelope::from_either_with_limits(&bytes, &opts.limits)?;
    let opened = seal::open(&envelope, &sk, &opts)?;
    let payload = Zeroizing::new(opened.payload);
    let doc = Zeroizing::new(proof::export(
        &opened.header,
        &payload,
        opened.signature.as_ref(),
    )?);
    match &a.out {
        Some(p) => write_file(p, format!("{}\n", doc.as_str()).as_bytes(), Perm::Private)?,
        None => {
            write_line_to(None, &doc)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks a proof against the trusted signers; says who signed, writes the payload if asked.
pub fn verify(a: &ProofVerifyArgs) -> Result<ExitCode> {
    let trusted = load_signers(&a.signers)?;
    let bytes = Zeroizing::new(read_limited(a.input.as_deref(), MAX_PROOF_BYTES)?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::new(ErrorCode::MalformedProof, "the proof is not UTF-8"))?;
    let v = proof::verify(text.trim(), &trusted)?;
    if let Some(p) = &a.payload {
        write_file(p, &v.payload, Perm::Private)?;
    }
    if a.json {
        let report = serde_json::json!({
            "header": header_json(&v.header),
            "signature": signature_json(Some(&v.signature)),
        });
        return write_line_to(None, &report.to_string());
    }
    eprintln!(
        "proof verified: signed by {} ({}), message_id {}",
        v.signature.kid,
        v.signature.alg,
        header_json(&v.header)["message_id"]
            .as_str()
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}
