//! `open`: read an envelope in either form, open it (checking its signature against the
//! trusted signers), optionally verify its policy.

use crate::args::OpenArgs;
use crate::io::{open_input, pretty, read_text, stdin_err, with_output, write_file, write_line};
use crate::io::{prefix, write_output, Perm};
use crate::policy::load_policy;
use crate::trust::{header_json, open_options, signature_json, signature_line};
use minseal::api::{self, ReceiveOptions};
use minseal::keys::SecretKey;
use minseal::register::{decide, Acceptance, DirReplayStore, MemoryReplayStore, ReplayStore};
use minseal::seal::{self, Envelope, Header, Opener, SignatureInfo, BINARY_MAGIC};
use minseal::sign::SigningKey;
use minseal::Result;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::ExitCode;
use zeroize::Zeroizing;

pub fn open(a: OpenArgs) -> Result<ExitCode> {
    if !a.reg.register.is_empty() {
        return open_with_register(&a);
    }
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
    let envelope = Envelope::from_either_with_limits(&bytes, &opts.limits)?;
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

/// `open --register`: the register's acceptance rules (`minseal::register::decide`), the
/// payload written only once all of them passed, and the signed acknowledgement of the decision.
fn open_with_register(a: &OpenArgs) -> Result<ExitCode> {
    let sk = SecretKey::from_jwk(&read_text(Some(&a.key))?)?;
    let now = a.trust.now.unwrap_or_else(crate::register::now);
    let r = &a.reg;
    let set = crate::register::load_set(&r.register, &r.trust, r.last_serial, r.allow_stale, now)?;
    let policies = r
        .accept
        .iter()
        .map(|p| load_policy(p))
        .collect::<Result<Vec<_>>>()?;
    let ack_key = match &r.ack_key {
        Some(p) => Some(
            SigningKey::from_jwk(&read_text(Some(p))?)
                .map_err(|e| prefix(e, &format!("{}: ", p.display())))?,
        ),
        None => None,
    };
    let limits = a.limits();
    let mut bytes = Vec::new();
    open_input(a.io.input.as_deref())?
        .take(limits.max_envelope_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| stdin_err(&e))?;
    let envelope = Envelope::from_either_with_limits(&bytes, &limits)?;
    let acceptance = Acceptance {
        registers: &set,
        policies: &policies,
        now,
        limits: &limits,
    };
    let mut memory = MemoryReplayStore::new();
    let mut dir;
    let store: &mut dyn ReplayStore = match &r.replay {
        Some(d) => {
            dir = DirReplayStore::new(d)?;
            &mut dir
        }
        None => &mut memory,
    };
    let decision = decide(&envelope, &sk, &acceptance, store);
    if let (Some(key), Some(path)) = (&ack_key, &r.ack) {
        // The receiver's own failure (an unwritable replay record) is not a decision on the
        // envelope: nothing is acknowledged.
        let decided = decision
            .result
            .as_ref()
            .err()
            .is_none_or(|e| e.code().is_refusal());
        if decided {
            let mut doc = decision.ack.sign(key)?;
            doc.push(b'\n');
            write_file(path, &doc, Perm::Default)?;
        }
    }
    let accepted = decision.result?;
    let received = &accepted.received;
    let payload = Zeroizing::new(received.payload.clone());
    write_output(a.io.out.as_deref(), &payload, Perm::Private)?;
    write_header(a.header.as_deref(), &received.header)?;
    let kid = received.signature.as_ref().map_or("", |s| s.kid.as_str());
    let name = set
        .find_kid(kid)
        .map_or(String::new(), |(_, e, _)| e.name.clone());
    if a.json {
        let report = serde_json::json!({
            "header": header_json(&received.header),
            "signature": signature_json(received.signature.as_ref()),
            "signer": {
                "id": accepted.signer_id,
                "name": name,
                "party": accepted.signer_party,
                "roles": accepted.signer_roles,
                "register": {"id": accepted.register.0, "serial": accepted.register.1},
            },
            "payload_digest": minseal::hex::encode(&received.receipt_digest),
            "replay_checked": r.replay.is_some(),
        });
        return write_line(&report.to_string());
    }
    eprintln!(
        "signed by {} ({}, {}, {}), key {kid}; register {} serial {}, verified",
        accepted.signer_id,
        name,
        accepted.signer_party,
        accepted.signer_roles.join(", "),
        accepted.register.0,
        accepted.register.1
    );
    if r.replay.is_none() {
        eprintln!("replay not checked: no --replay DIR");
    }
    Ok(ExitCode::SUCCESS)
}
