//! `minimise`, `verify` and `policy list|show|lint`: the policy side of the tool.

use crate::args::{InOut, MinimiseArgs, PolicyArg};
use crate::io::{pretty, read_file, read_limited, write_file, write_line, write_output, Perm};
use minseal::minimise::{self, MinimiseOptions, Verification};
use minseal::policy::{self, Policy};
use minseal::{Error, ErrorCode, Result};
use std::path::Path;
use std::process::ExitCode;
use zeroize::Zeroizing;

pub fn minimise(policy: &PolicyArg, min: &MinimiseArgs, io: &InOut) -> Result<ExitCode> {
    let policy = load_policy(&policy.policy)?;
    let opts = minimise_options(min)?;
    let payload = read_limited(io.input.as_deref(), opts.limits.max_bytes)?;
    let m = minimise::minimise(&policy, &payload, &opts)?;
    write_receipt(min.receipt.as_deref(), &m.receipt)?;
    write_output(io.out.as_deref(), &m.payload, Perm::Default)
}

pub fn verify(policy: &PolicyArg, json: bool, input: Option<&Path>) -> Result<ExitCode> {
    let policy = load_policy(&policy.policy)?;
    let opts = MinimiseOptions::default();
    let payload = read_limited(input, opts.limits.max_bytes)?;
    let v = minimise::verify(&policy, &payload, &opts)?;
    if json {
        write_line(&verification_json(&v).to_string())?;
    }
    if v.conforms {
        if !json {
            eprintln!("conforms to {} {}", policy.id(), policy.version());
        }
        Ok(ExitCode::SUCCESS)
    } else {
        Err(nonconformance(&policy, &v))
    }
}

pub fn list(json: bool) -> Result<ExitCode> {
    let list = policy::builtins();
    if json {
        let v: Vec<_> = list
            .iter()
            .map(|b| {
                serde_json::json!({"id": b.id, "version": b.version, "title": b.title,
                                   "basis": b.basis, "audience": b.audience})
            })
            .collect();
        return write_line(&serde_json::Value::Array(v).to_string());
    }
    let w = list.iter().map(|b| b.id.len()).max().unwrap_or(2);
    let a = list.iter().map(|b| b.audience.len()).max().unwrap_or(8);
    let mut out = String::new();
    out.push_str(&format!(
        "{:w$}  {:7}  {:a$}  title\n",
        "id", "version", "audience"
    ));
    for b in &list {
        out.push_str(&format!(
            "{:w$}  {:7}  {:a$}  {}\n",
            b.id, b.version, b.audience, b.title
        ));
    }
    write_output(None, out.as_bytes(), Perm::Default)
}

pub fn show(policy: &str, canonical: bool) -> Result<ExitCode> {
    let p = load_policy(policy)?;
    if canonical {
        return write_output(None, p.canonical_json().as_bytes(), Perm::Default);
    }
    let v: serde_json::Value = serde_json::from_str(p.canonical_json())
        .map_err(|e| Error::new(ErrorCode::InvalidPolicy, e.to_string()))?;
    write_line(&pretty(&v))
}

pub fn lint(file: &Path) -> Result<ExitCode> {
    let p = Policy::from_json(&read_file(file)?)?;
    write_line(&format!(
        "ok: {} {} sha256:{}",
        p.id(),
        p.version(),
        minseal::hex::encode(&p.digest())
    ))
}

/// A built-in id, else a policy file.
pub fn load_policy(arg: &str) -> Result<Policy> {
    if policy::builtins().iter().any(|b| b.id == arg) {
        return Policy::builtin(arg);
    }
    let path = Path::new(arg);
    if path.is_file() || arg.ends_with(".json") {
        return Policy::from_json(&read_file(path)?);
    }
    Policy::builtin(arg).map_err(|e| {
        Error::new(
            e.code(),
            format!(
                "{}; nor is it a file (see `minseal policy list`)",
                e.message()
            ),
        )
    })
}

pub fn minimise_options(a: &MinimiseArgs) -> Result<MinimiseOptions> {
    let hash_key = match &a.hash_key_file {
        Some(p) => Some(Zeroizing::new(read_file(p)?)),
        None => None,
    };
    Ok(MinimiseOptions {
        hash_key,
        strict: a.strict,
        ..MinimiseOptions::default()
    })
}

fn nonconformance(policy: &Policy, v: &Verification) -> Error {
    Error::with_details(
        ErrorCode::DoesNotConform,
        format!(
            "the payload does not conform to {} {} ({} violation(s))",
            policy.id(),
            policy.version(),
            v.violations.len()
        ),
        v.violations
            .iter()
            .map(|x| format!("{} ({})", x.path, x.kind.as_str()))
            .collect(),
    )
}

fn verification_json(v: &Verification) -> serde_json::Value {
    serde_json::json!({
        "conforms": v.conforms,
        "violations": v.violations.iter()
            .map(|x| serde_json::json!({"path": x.path, "kind": x.kind.as_str()}))
            .collect::<Vec<_>>(),
    })
}

pub fn write_receipt(path: Option<&Path>, receipt: &minimise::Receipt) -> Result<()> {
    match path {
        Some(p) => write_file(
            p,
            format!("{}\n", receipt.to_json()).as_bytes(),
            Perm::Default,
        ),
        None => Ok(()),
    }
}
