//! `open`: read an envelope in either form, open it (checking its signature against the
//! trusted signers), optionally verify its policy.

use crate::args::OpenArgs;
use crate::io::{open_input, pretty, read_text, stdin_err, with_output, write_file, write_line};
use crate::io::{write_output, Perm};
use crate::policy::load_policy;
use crate::trust::{header_json, open_options, signature_json, signature_line};
use minseal::api::{self, ReceiveOptions};
use minseal::keys::SecretKey;
use minseal::seal::{self, Envelope, EnvelopeLimits, Header, Opener, SignatureInfo, BINARY_MAGIC};
use minseal::{Error, ErrorCode, Result};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::ExitCode;
use zeroize::Zeroizing;

pub fn open(a: OpenArgs) -> Result<ExitCode> {
    let sk = SecretKey::from_jwk(&read_text(Some(&a.key))?)?;
    let opts = open_options(&a.trust, a.limits())?;
    let trusted = !opts.signers.is_empty();
    let mut input = BufReader::new(open_input(a.io.input.as_deref())?);
    let binary = {
        let head = input.fill_buf().map_err(|e| stdin_err(&e))?;
        head.starts_with(&BINARY_MAGIC)
    };
    if binary && !a.verify {
        // Streams: each chunk is authenticated before it is written. To a file, nothing is
        // visible at its name until the final chunk has authenticated (`with_output`). To
        // stdout, the chunks before a failing one have been written when the error is found,
        // unless --atomic holds them back; so does --signer, as the signature is only checked
        // after the final chunk.
        let out = a.io.out.as_deref();
        let (header, signature) = if out.is_none() && (a.atomic || trusted) {
            let mut payload = Zeroizing::new(Vec::new());
            let mut opener = Opener::new(&mut input, &sk, &opts)?;
            opener.copy_to(&mut *payload)?;
            let done = (opener.header().clone(), opener.signature().cloned());
            write_output(None, &payload, Perm::Private)?;
            done
        } else {
            with_output(out, Perm::Private, |out| {
                let mut out = out;
                let mut opener = Opener::new(&mut input, &sk, &opts)?;
                opener.copy_to(&mut out)?;
                Ok((opener.header().clone(), opener.signature().cloned()))
            })?
        };
        return finish(&a, &header, signature.as_ref(), trusted);
    }
    // One byte past the limit is enough to refuse the envelope as too large.
    let mut bytes = Vec::new();
    (&mut input)
        .take(opts.limits.max_envelope_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| stdin_err(&e))?;
    let envelope = parse_envelope(&bytes, &opts.limits)?;
    let (payload, header, signature) = if a.verify {
        let explicit = a.policy.as_deref().map(load_policy).transpose()?;
        let received = api::open_and_verify(
            &envelope,
            &sk,
            &ReceiveOptions {
                open: opts,
                policy: explicit.as_ref(),
                ..ReceiveOptions::default()
            },
        )?;
        received.require_conformance()?;
        (received.payload, received.header, received.signature)
    } else {
        let opened = seal::open(&envelope, &sk, &opts)?;
        (opened.payload, opened.header, opened.signature)
    };
    let payload = Zeroizing::new(payload);
    // Everything is authenticated (and verified, with --verify) before anything is written.
    write_output(a.io.out.as_deref(), &payload, Perm::Private)?;
    finish(&a, &header, signature.as_ref(), trusted)
}

/// After the payload: the header file, and who signed (stderr, or stdout with --json).
fn finish(
    a: &OpenArgs,
    header: &Header,
    signature: Option<&SignatureInfo>,
    trusted: bool,
) -> Result<ExitCode> {
    write_header(a.header.as_deref(), header)?;
    if a.json {
        let report = serde_json::json!({
            "header": header_json(header),
            "signature": signature_json(signature),
        });
        return write_line(&report.to_string());
    }
    if let Some(line) = signature_line(signature, trusted) {
        eprintln!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Detects the form: binary starts with the magic bytes, JSON with `{` after whitespace.
pub fn parse_envelope(bytes: &[u8], limits: &EnvelopeLimits) -> Result<Envelope> {
    if bytes.starts_with(&BINARY_MAGIC) {
        return Envelope::from_binary_with_limits(bytes, limits);
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(Error::new(
            ErrorCode::MalformedEnvelope,
            "not an envelope: neither the binary magic \"MNSL\" nor a JSON object",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorCode::MalformedEnvelope,
            format!("JSON envelope: invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    // Whitespace around the object is the file's, not the envelope's (seal writes a newline).
    Envelope::from_json_with_limits(text.trim(), limits)
}

fn write_header(path: Option<&Path>, header: &Header) -> Result<()> {
    match path {
        Some(p) => write_file(
            p,
            format!("{}\n", pretty(&header_json(header))).as_bytes(),
            Perm::Default,
        ),
        None => Ok(()),
    }
}
