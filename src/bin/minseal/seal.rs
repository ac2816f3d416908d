//! `seal`: minimise and seal, or seal any bytes as they are; signed with `--sign`.

use crate::args::{Format, InOut, SealArgs};
use crate::io::{open_input, prefix, read_all, read_limited, read_text, with_output};
use crate::io::{write_line_to, write_output, Perm};
use crate::policy::{load_policy, minimise_options, write_receipt};
use minseal::api::{self, SealOptions};
use minseal::keys::PublicKey;
use minseal::register::Recipient;
use minseal::seal::{self, SealParams, Sealer};
use minseal::sign::{Signer, SigningKey};
use minseal::{Error, ErrorCode, Result};
use std::io;
use std::path::Path;
use std::process::ExitCode;

pub fn seal(a: SealArgs) -> Result<ExitCode> {
    let policy = a.policy.as_deref().map(load_policy).transpose()?;
    let recipients = if a.register.is_empty() {
        let mut recipients = Vec::new();
        for path in &a.to {
            let path = Path::new(path);
            let keys = PublicKey::parse_recipients(&read_text(Some(path))?)
                .map_err(|e| prefix(e, &format!("{}: ", path.display())))?;
            recipients.extend(keys);
        }
        recipients
    } else {
        let now = crate::register::now();
        let set =
            crate::register::load_set(&a.register, &a.trust, a.last_serial, a.allow_stale, now)?;
        let wanted: Vec<Recipient> = a.to.iter().map(|t| Recipient::parse(t)).collect();
        let audience = policy.as_ref().map_or("", |p| p.audience());
        set.recipients(&wanted, audience, now)?
    };
    let signing_key = match &a.sign {
        Some(path) => Some(
            SigningKey::from_jwk(&read_text(Some(path))?)
                .map_err(|e| prefix(e, &format!("{}: ", path.display())))?,
        ),
        None => None,
    };
    let signer = signing_key.as_ref().map(|k| k as &dyn Signer);
    let mut params = SealParams::now();
    if let Some(ct) = &a.content_type {
        params = params.with_content_type(ct.clone());
    }
    if let Some(t) = a.expires_at {
        params = params.with_expiry(t);
    }
    for (k, v) in &a.metadata {
        params = params.with_metadata(k.clone(), v.clone());
    }
    let mut opts = SealOptions::new(params);
    opts.signer = signer;

    let envelope = if a.no_minimise {
        match (&policy, a.format) {
            // Streams: bounded memory whatever the payload size. A payload checked against a
            // policy is read whole first.
            (None, Format::Binary) => return seal_stream(&a.io, &recipients, &opts),
            (Some(p), _) => opts.policy = Some(p),
            (None, Format::Json) => {}
        }
        let payload = if opts.policy.is_some() {
            read_limited(a.io.input.as_deref(), opts.minimise.limits.max_bytes)?
        } else {
            read_all(a.io.input.as_deref())?
        };
        api::seal(&payload, &recipients, &opts)?
    } else {
        let policy = policy.ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                "--policy is required to minimise",
            )
        })?;
        opts.minimise = minimise_options(&a.min)?;
        let payload = read_limited(a.io.input.as_deref(), opts.minimise.limits.max_bytes)?;
        let sealed = api::minimise_and_seal(&policy, &payload, &recipients, &opts)?;
        write_receipt(a.min.receipt.as_deref(), &sealed.receipt)?;
        sealed.envelope
    };
    match a.format {
        Format::Json => write_line_to(a.io.out.as_deref(), &envelope.to_json()),
        Format::Binary => write_output(a.io.out.as_deref(), &envelope.to_binary(), Perm::Default),
    }
}

fn seal_stream(io: &InOut, recipients: &[PublicKey], opts: &SealOptions<'_>) -> Result<ExitCode> {
    let mut input = open_input(io.input.as_deref())?;
    with_output(io.out.as_deref(), Perm::Default, |out| {
        let mut sealer = Sealer::new(out, recipients, &opts.params, opts.signer)?;
        io::copy(&mut input, &mut sealer).map_err(|e| seal::error_from_io(&e))?;
        sealer.finish()?;
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
