//! `seal`: minimise and seal, or seal any bytes as they are.

use crate::args::{Format, InOut, SealArgs};
use crate::io::{open_input, prefix, read_all, read_limited, read_text, with_output};
use crate::io::{write_line_to, write_output, Perm};
use crate::policy::{load_policy, minimise_options, write_receipt};
use minseal::api;
use minseal::keys::PublicKey;
use minseal::seal::{self, SealParams, Sealer};
use minseal::{Error, ErrorCode, Result};
use std::io;
use std::process::ExitCode;

pub fn seal(a: SealArgs) -> Result<ExitCode> {
    let mut recipients = Vec::new();
    for path in &a.to {
        let keys = PublicKey::parse_recipients(&read_text(Some(path))?)
            .map_err(|e| prefix(e, &format!("{}: ", path.display())))?;
        recipients.extend(keys);
    }
    let mut params = SealParams::now();
    if let Some(ct) = &a.content_type {
        params = params.with_content_type(ct.clone());
    }
    for (k, v) in &a.metadata {
        params = params.with_metadata(k.clone(), v.clone());
    }
    let policy = a.policy.as_deref().map(load_policy).transpose()?;

    let envelope = if a.no_minimise {
        if let Some(p) = &policy {
            params = params.with_policy(p.reference());
        }
        if let Format::Binary = a.format {
            // Streams: bounded memory whatever the payload size.
            return seal_stream(&a.io, &recipients, &params);
        }
        let payload = read_all(a.io.input.as_deref())?;
        seal::seal(&payload, &recipients, &params)?
    } else {
        let policy = policy.ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                "--policy is required to minimise",
            )
        })?;
        let opts = minimise_options(&a.min)?;
        let payload = read_limited(a.io.input.as_deref(), opts.limits.max_bytes)?;
        let sealed = api::minimise_and_seal(&policy, &payload, &recipients, &opts, params)?;
        write_receipt(a.min.receipt.as_deref(), &sealed.receipt)?;
        sealed.envelope
    };
    match a.format {
        Format::Json => write_line_to(a.io.out.as_deref(), &envelope.to_json()),
        Format::Binary => write_output(a.io.out.as_deref(), &envelope.to_binary(), Perm::Default),
    }
}

fn seal_stream(io: &InOut, recipients: &[PublicKey], params: &SealParams) -> Result<ExitCode> {
    let mut input = open_input(io.input.as_deref())?;
    with_output(io.out.as_deref(), Perm::Default, |out| {
        let mut sealer = Sealer::new(out, recipients, params)?;
        io::copy(&mut input, &mut sealer).map_err(|e| seal::error_from_io(&e))?;
        sealer.finish()?;
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
