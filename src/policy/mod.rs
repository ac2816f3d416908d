//! Data-minimisation policies: the document model (`docs/POLICY.md`), the JSONPath subset, the
//! compiler to an automaton, the digest, and the built-in profiles.
//!
//! A [`Policy`] is compiled once by [`Policy::from_json`] or [`Policy::builtin`] and is cheap to
//! clone (the compiled form is shared).

pub(crate) mod builtin;
pub(crate) mod compile;
mod lint;
pub(crate) mod model;
pub(crate) mod path;

pub use compile::{MAX_PATH_SEGMENTS, MAX_STATES};
pub use model::ROLES;

use crate::json::Limits;
use crate::{Error, ErrorCode, PolicyRef, Result};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Most rules (and most forbidden paths, and most `required_any_of` groups and group paths) in
/// one policy (`invalid_policy` beyond), whatever [`PolicyLimits::max_rules`] says. Real
/// profiles have about 40 rules; the compiled automaton names rules and groups together with
/// 16 bits, and every rule adds states and work to compile.
pub const MAX_RULES: usize = 4096;

/// The policy nesting depth never exceeded whatever [`PolicyLimits::max_depth`] says: the
/// loader's passes over the document (the number check, canonicalisation) recurse once per
/// level, so the depth bounds their stack use.
pub const HARD_MAX_POLICY_DEPTH: usize = 64;

/// Bounds on the policy documents [`Policy::from_json_with_limits`] loads; each one exceeded is
/// `invalid_policy` with a detail naming the limit (`too_large: …`, `too_deep: …`, `$.rules: …`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyLimits {
    /// Largest document, in bytes (default 1 MiB; real ones are a few KiB).
    pub max_bytes: usize,
    /// Deepest nesting (default 32; above [`HARD_MAX_POLICY_DEPTH`] counts as it).
    pub max_depth: usize,
    /// Most rules, and most forbidden paths (default and ceiling [`MAX_RULES`]).
    pub max_rules: usize,
}

impl Default for PolicyLimits {
    fn default() -> Self {
        Self {
            max_bytes: 1024 * 1024,
            max_depth: 32,
            max_rules: MAX_RULES,
        }
    }
}

/// The configured rule limit, below the loader's own [`MAX_RULES`] (which `model::read` checks
/// for every load, so only a lower limit needs checking here).
fn check_rule_counts(value: &crate::json::Value, max: usize) -> Result<()> {
    if max >= MAX_RULES {
        return Ok(());
    }
    let crate::json::Value::Object(doc) = value else {
        return Ok(());
    };
    for (member, what) in [
        ("rules", "rules"),
        ("forbidden", "forbidden paths"),
        ("required_any_of", "groups"),
    ] {
        if let Some(crate::json::Value::Array(a)) = doc.get(member) {
            if a.len() > max {
                return Err(invalid(vec![format!(
                    "$.{member}: {} {what}, over the max_rules limit of {max}",
                    a.len()
                )]));
            }
        }
    }
    Ok(())
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) doc: model::Doc,
    pub(crate) automaton: compile::Automaton,
    canonical: String,
    digest: [u8; 32],
    uses_hash: bool,
    /// Some categorised rule could be kept, so the justification must be looked up.
    pub(crate) needs_justification: bool,
}

/// A compiled data-minimisation policy.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) inner: Arc<Inner>,
}

fn invalid(details: Vec<String>) -> Error {
    Error::with_details(
        ErrorCode::InvalidPolicy,
        format!("invalid policy ({} problem(s))", details.len()),
        details,
    )
}

impl Policy {
    /// Parses (strictly: duplicate keys, bad UTF-8 etc. are refused), validates and compiles a
    /// policy document. Errors with `invalid_policy`, listing every problem in `details`.
    pub fn from_json(bytes: &[u8]) -> Result<Policy> {
        Self::from_json_with_limits(bytes, &PolicyLimits::default())
    }

    /// [`Policy::from_json`] within `limits`.
    pub fn from_json_with_limits(bytes: &[u8], limits: &PolicyLimits) -> Result<Policy> {
        // Before the parse, whose errors become `invalid_policy` details.
        crate::hashindex::ensure_key()?;
        let json_limits = Limits {
            max_bytes: limits.max_bytes,
            max_depth: limits.max_depth.min(HARD_MAX_POLICY_DEPTH),
        };
        let value = crate::json::value::parse_within(bytes, &json_limits)
            .map_err(|e| invalid(vec![format!("{}: {}", e.code(), e.message())]))?;
        let value = model::without_negative_zero(&value).unwrap_or(value);
        check_rule_counts(&value, limits.max_rules)?;
        let doc = model::read(&value).map_err(invalid)?;
        let canonical_bytes =
            crate::jcs::canonicalize(&value).map_err(|e| invalid(vec![e.message().to_owned()]))?;
        let canonical = String::from_utf8(canonical_bytes)
            .map_err(|_| invalid(vec!["canonical form is not UTF-8".into()]))?;
        Self::assemble(doc, canonical)
    }

    /// The rest of loading, shared with the pre-read built-in profiles: the digest of the
    /// canonical text, the automaton, the flags.
    fn assemble(doc: model::Doc, canonical: String) -> Result<Policy> {
        // The compiler hashes path names (a built-in profile reaches here without a parse).
        crate::hashindex::ensure_key()?;
        let digest: [u8; 32] = Sha256::digest(canonical.as_bytes()).into();
        let automaton = compile::compile(&doc).map_err(|e| invalid(vec![e]))?;
        let problems = lint::check(&doc, &automaton);
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let uses_hash = doc
            .rules
            .iter()
            .any(|r| matches!(r.transform, Some(model::Transform::Hash { .. })));
        let needs_justification = doc
            .rules
            .iter()
            .any(|r| r.category.is_some_and(|c| doc.allow.contains(&c)));
        Ok(Policy {
            inner: Arc::new(Inner {
                doc,
                automaton,
                canonical,
                digest,
                uses_hash,
                needs_justification,
            }),
        })
    }

    /// A built-in profile by id; `unknown_policy` if there is none. Built from the stored,
    /// already validated form (`builtin.rs`), which gives the policy `from_json` gives for the
    /// profile's file, without parsing, validating or canonicalising it again.
    pub fn builtin(id: &str) -> Result<Policy> {
        match builtin::PROFILES.iter().find(|p| p.id == id) {
            Some(pre) => {
                let doc = pre.doc().map_err(|e| invalid(vec![e]))?;
                Self::assemble(doc, pre.canonical.to_owned())
            }
            None => {
                // The known ids in the message and in `details`, so that a typo is answered
                // with the list to pick from (CLI and JS alike).
                let known: Vec<String> =
                    builtin::PROFILES.iter().map(|p| p.id.to_owned()).collect();
                Err(Error::with_details(
                    ErrorCode::UnknownPolicy,
                    format!("no built-in policy `{id}` (known: {})", known.join(", ")),
                    known,
                ))
            }
        }
    }

    /// The policy's `id`.
    pub fn id(&self) -> &str {
        &self.inner.doc.id
    }

    /// The policy's `version`.
    pub fn version(&self) -> &str {
        &self.inner.doc.version
    }

    /// The human title.
    pub fn title(&self) -> &str {
        &self.inner.doc.title
    }

    /// The legal basis the policy follows.
    pub fn basis(&self) -> &str {
        &self.inner.doc.basis
    }

    /// The recipient role (`audience`), in the authority register's terms.
    pub fn audience(&self) -> &str {
        &self.inner.doc.audience
    }

    /// The roles that may send under this policy (`senders`); empty when the policy does not
    /// say.
    pub fn senders(&self) -> &[String] {
        &self.inner.doc.senders
    }

    /// SHA-256 of the RFC 8785 canonical bytes of the policy document.
    pub fn digest(&self) -> [u8; 32] {
        self.inner.digest
    }

    /// What an envelope header names: id, version, digest.
    pub fn reference(&self) -> PolicyRef {
        PolicyRef {
            id: self.id().to_owned(),
            version: self.version().to_owned(),
            digest: self.digest(),
        }
    }

    /// The policy document's RFC 8785 canonical text (what [`Policy::digest`] hashes).
    pub fn canonical_json(&self) -> &str {
        &self.inner.canonical
    }

    /// True when some rule uses the `hash` transform (so minimising needs a key).
    pub fn uses_hash(&self) -> bool {
        self.inner.uses_hash
    }
}

/// Summary of one built-in profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltinInfo {
    /// The profile's id.
    pub id: &'static str,
    /// Its version.
    pub version: String,
    /// Its human title.
    pub title: String,
    /// The legal basis it follows.
    pub basis: String,
    /// The recipient role.
    pub audience: String,
    /// The roles that may send it (empty when the profile does not say).
    pub senders: Vec<String>,
}

/// Every built-in profile, in display order, without loading any (read from the stored
/// profiles; a test checks the list against the loaded policies).
pub fn builtins() -> Vec<BuiltinInfo> {
    builtin::PROFILES
        .iter()
        .map(|p| BuiltinInfo {
            id: p.id,
            version: p.version.to_owned(),
            title: p.title.to_owned(),
            basis: p.basis.to_owned(),
            audience: p.audience.to_owned(),
            senders: p.senders.iter().map(|&s| s.to_owned()).collect(),
        })
        .collect()
}
