//! `open`: read an envelope in either form, open it, optionally verify its policy.

use crate::args::OpenArgs;
use crate::io::Perm;
use crate::io::{open_input, pretty, read_text, stdin_err, with_output, write_file, write_output};
use crate::policy::load_policy;
use minseal::api;
use minseal::keys::SecretKey;
use minseal::minimise::MinimiseOptions;
use minseal::seal::{self, Envelope, EnvelopeLimits, Header, Opener, BINARY_MAGIC};
use minseal::{Error, ErrorCode, Result};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::ExitCode;
use zeroize::Zeroizing;

pub fn open(a: OpenArgs) -> Result<ExitCode> {
    let sk = SecretKey::from_jwk(&read_text(Some(&a.key))?)?;
    let limits = a.limits();
    let mut input = BufReader::new(open_input(a.io.input.as_deref())?);
    let binary = {
        let head = input.fill_buf().map_err(|e| stdin_err(&e))?;
        head.starts_with(&BINARY_MAGIC)
    };
    if binary && !a.verify {
        // Streams: each chunk is authenticated before it is written. To a file, nothing is
        // visible at its name until the final chunk has authenticated (`with_output`). To
        // stdout, the chunks before a failing one have been written when the error is found,
        // unless --atomic holds them back.
        let out = a.io.out.as_deref();
        let header = if out.is_none() && a.atomic {
            let mut payload = Zeroizing::new(Vec::new());
            let mut opener = Opener::with_limits(&mut input, &sk, &limits)?;
            opener.copy_to(&mut *payload)?;
            let header = opener.header().clone();
            write_output(None, &payload, Perm::Private)?;
            header
        } else {
            with_output(out, Perm::Private, |out| {
                let mut out = out;
                let mut opener = Opener::with_limits(&mut input, &sk, &limits)?;
                opener.copy_to(&mut out)?;
                Ok(opener.header().clone())
            })?
        };
        write_header(a.header.as_deref(), &header)?;
        return Ok(ExitCode::SUCCESS);
    }
    // One byte past the limit is enough to refuse the envelope as too large.
    let mut bytes = Vec::new();
    (&mut input)
        .take(limits.max_envelope_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| stdin_err(&e))?;
    let envelope = parse_envelope(&bytes, &limits)?;
    let (payload, header) = if a.verify {
        let explicit = a.policy.as_deref().map(load_policy).transpose()?;
        let received = api::open_and_verify_with_limits(
            &envelope,
            &sk,
            explicit.as_ref(),
            &MinimiseOptions::default(),
            &limits,
        )?;
        received.require_conformance()?;
        (received.payload, received.header)
    } else {
        let opened = seal::open_with_limits(&envelope, &sk, &limits)?;
        (opened.payload, opened.header)
    };
    // Everything is authenticated (and verified, with --verify) before anything is written.
    write_header(a.header.as_deref(), &header)?;
    write_output(a.io.out.as_deref(), &payload, Perm::Private)
}

/// Detects the form: binary starts with the magic bytes, JSON with `{` after whitespace.
fn parse_envelope(bytes: &[u8], limits: &EnvelopeLimits) -> Result<Envelope> {
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
    Envelope::from_json_with_limits(text.trim(), limits)
}

/// The header as a serde_json value, for pretty-printing (members sorted, as in its JCS form).
fn header_json(header: &Header) -> serde_json::Value {
    minseal::jcs::canonicalize(&header.to_value())
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
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
