//! Minimisation: apply a compiled [`Policy`] to a JSON payload in one pass, produce the
//! minimised bytes and a [`Receipt`]; and [`verify`] that a payload already conforms.

mod cache;
mod engine;
mod receipt;
mod transform;
mod trie;

pub use receipt::{
    Counts, PayloadDigest, Receipt, ReceiptEnvelope, ReceiptPolicy, RemovalReason, RemovedEntry,
    TransformedEntry,
};

use crate::json::Limits;
use crate::policy::Policy;
use crate::{Error, ErrorCode, Result};
use engine::{Engine, Outcome};

/// Shortest pseudonymisation key accepted for `hash`.
pub const MIN_HASH_KEY_BYTES: usize = 16;

/// Options for [`minimise`] and [`verify`].
#[derive(Default, Clone)]
pub struct MinimiseOptions {
    /// The HMAC key for `hash` transforms (at least 16 bytes). Required when the policy uses
    /// `hash`; never part of the policy.
    pub hash_key: Option<zeroize::Zeroizing<Vec<u8>>>,
    /// Refuse (`forbidden_field`) instead of removing when a forbidden field is present.
    pub strict: bool,
    /// Input size and depth limits.
    pub limits: Limits,
}

/// The result of [`minimise`].
#[derive(Clone, Debug)]
pub struct Minimised {
    /// The minimised payload: compact JSON.
    pub payload: Vec<u8>,
    /// What was removed and transformed.
    pub receipt: Receipt,
}

/// Kinds of [`Violation`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ViolationKind {
    /// A field no rule keeps.
    NotAllowed,
    /// A forbidden field.
    Forbidden,
    /// A sensitive field that may not be carried.
    Sensitive,
    /// A value of the wrong type.
    TypeMismatch,
    /// A value that is not in its transform's output form.
    NotTransformed,
    /// A required field is missing.
    MissingRequired,
}

impl ViolationKind {
    /// The snake_case name (POLICY.md, "Verify").
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAllowed => "not_allowed",
            Self::Forbidden => "forbidden",
            Self::Sensitive => "sensitive",
            Self::TypeMismatch => "type_mismatch",
            Self::NotTransformed => "not_transformed",
            Self::MissingRequired => "missing_required",
        }
    }
}

/// One way a payload does not conform.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Violation {
    /// The path (array indices collapsed to `[*]`).
    pub path: String,
    /// What is wrong there.
    pub kind: ViolationKind,
}

/// The result of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// True when minimising would change nothing and nothing required is missing.
    pub conforms: bool,
    /// Every violation, sorted by path then kind.
    pub violations: Vec<Violation>,
}

fn check_key(opts: &MinimiseOptions) -> Result<Option<&[u8]>> {
    match &opts.hash_key {
        Some(k) if k.len() < MIN_HASH_KEY_BYTES => Err(Error::new(
            ErrorCode::InvalidArgument,
            format!("the hash key must be at least {MIN_HASH_KEY_BYTES} bytes"),
        )),
        Some(k) => Ok(Some(k.as_slice())),
        None => Ok(None),
    }
}

/// The payload as given: bytes (checked for UTF-8 first) or text (UTF-8 already).
#[derive(Clone, Copy)]
enum Payload<'a> {
    Bytes(&'a [u8]),
    #[cfg_attr(not(feature = "wasm-sender"), allow(dead_code))]
    Text(&'a str),
}

fn run(
    policy: &Policy,
    payload: Payload<'_>,
    opts: &MinimiseOptions,
    key: Option<&[u8]>,
    verify: bool,
) -> Result<Outcome> {
    match payload {
        Payload::Bytes(b) => {
            // No UTF-8 pass before the engine: its scanner checks every non-ASCII run in a
            // string, and everything outside strings must be ASCII JSON, so a run that succeeds
            // has read valid UTF-8 (natively ~4 % of a bench call saved). On any error the
            // input is checked first, so `invalid_utf8` (with its byte) still wins over every
            // error the engine found.
            crate::json::check_size(b.len(), &opts.limits)?;
            Engine::run(&policy.inner, b, opts.limits.depth(), key, verify)
                .map_err(|e| crate::json::utf8_error(b).unwrap_or(e))
        }
        Payload::Text(s) => {
            crate::json::precheck_str(s, &opts.limits)?;
            Engine::run(
                &policy.inner,
                s.as_bytes(),
                opts.limits.depth(),
                key,
                verify,
            )
        }
    }
}

/// Removed entries merged by (path, reason), sorted by path then reason.
fn removed_entries(o: &Outcome) -> Vec<RemovedEntry> {
    // Path ids are dense: the engine summed its removals by (path, reason) already.
    const REASONS: [RemovalReason; 4] = [
        RemovalReason::NotAllowed,
        RemovalReason::Forbidden,
        RemovalReason::Sensitive,
        RemovalReason::TypeMismatch,
    ];
    let agg = &o.removed;
    let mut v: Vec<RemovedEntry> = Vec::new();
    for (p, a) in agg.iter().enumerate() {
        for (&reason, &(count, leaves)) in REASONS.iter().zip(a.iter()) {
            if count > 0 {
                v.push(RemovedEntry {
                    path: o.paths.get(p).cloned().unwrap_or_default(),
                    reason,
                    count,
                    leaves,
                });
            }
        }
    }
    crate::sort::sort_by(&mut v, |a, b| {
        a.path
            .cmp(&b.path)
            .then(a.reason.as_str().cmp(b.reason.as_str()))
    });
    v
}

/// Applies `policy` to `payload` (one strict JSON text).
///
/// Errors: the strict-JSON codes (`invalid_json`, `invalid_utf8`, `duplicate_key`, `too_deep`,
/// `too_large`); `hash_key_required` / `invalid_argument` for the key; `transform_failed`;
/// `forbidden_field` (strict mode, every forbidden path in `details`); `type_mismatch` (a
/// required value of a type its rules do not admit: `path: expected …` in `details`);
/// `missing_required` (every missing path and `any_of` group in `details`).
pub fn minimise(policy: &Policy, payload: &[u8], opts: &MinimiseOptions) -> Result<Minimised> {
    minimise_payload(policy, Payload::Bytes(payload), opts)
}

/// [`minimise`] of text: the same result, without the UTF-8 check a `str` does not need (the
/// wasm binding's string input).
#[cfg(feature = "wasm-sender")]
pub(crate) fn minimise_str(
    policy: &Policy,
    payload: &str,
    opts: &MinimiseOptions,
) -> Result<Minimised> {
    minimise_payload(policy, Payload::Text(payload), opts)
}

fn minimise_payload(
    policy: &Policy,
    payload: Payload<'_>,
    opts: &MinimiseOptions,
) -> Result<Minimised> {
    let key = check_key(opts)?;
    if policy.uses_hash() && key.is_none() {
        return Err(Error::new(
            ErrorCode::HashKeyRequired,
            "the policy uses `hash` but no hash key was supplied",
        ));
    }
    let o = run(policy, payload, opts, key, false)?;
    let removed = removed_entries(&o);
    if opts.strict {
        let forbidden: Vec<String> = removed
            .iter()
            .filter(|e| e.reason == RemovalReason::Forbidden)
            .map(|e| e.path.clone())
            .collect();
        if !forbidden.is_empty() {
            return Err(Error::with_details(
                ErrorCode::ForbiddenField,
                format!("{} forbidden field path(s) present", forbidden.len()),
                forbidden,
            ));
        }
    }
    if !o.wrong_type.is_empty() {
        let wrong = o.wrong_type;
        return Err(Error::with_details(
            ErrorCode::TypeMismatch,
            format!("{} required field(s) of the wrong type", wrong.len()),
            wrong,
        ));
    }
    if !o.missing.is_empty() {
        let missing = o.missing;
        return Err(Error::with_details(
            ErrorCode::MissingRequired,
            format!("{} required path(s) missing", missing.len()),
            missing,
        ));
    }
    let mut transformed: Vec<TransformedEntry> = o
        .transformed
        .iter()
        .map(|&(p, op, count)| TransformedEntry {
            path: o.paths.get(p as usize).cloned().unwrap_or_default(),
            op,
            count,
        })
        .collect();
    crate::sort::sort_by(&mut transformed, |a, b| a.path.cmp(&b.path));
    let removed_leaves: u64 = removed.iter().map(|e| e.leaves).sum();
    let counts = Counts {
        input_leaves: o.kept + o.transformed_leaves + removed_leaves,
        kept: o.kept,
        transformed: o.transformed_leaves,
        removed: removed_leaves,
    };
    let digest = crate::digest::payload_sha256(&o.payload);
    let receipt = Receipt {
        minseal_receipt: 1,
        policy: ReceiptPolicy {
            id: policy.id().to_owned(),
            version: policy.version().to_owned(),
            digest: crate::hex::encode(&policy.digest()),
        },
        counts,
        removed,
        transformed,
        payload: PayloadDigest {
            sha256: crate::hex::encode(&digest),
            bytes: o.payload.len() as u64,
        },
        envelope: None,
    };
    Ok(Minimised {
        payload: o.payload,
        receipt,
    })
}

/// Whether `payload` already conforms to `policy`: nothing would be removed or transformed and
/// nothing required is missing. Only malformed input (the strict-JSON codes) or a too-short key
/// is an error; everything else is a [`Violation`]. No hash key is needed: a value in `hash`
/// output form conforms, any other value cannot.
pub fn verify(policy: &Policy, payload: &[u8], opts: &MinimiseOptions) -> Result<Verification> {
    check_key(opts)?;
    let o = run(policy, Payload::Bytes(payload), opts, None, true)?;
    let mut violations = Vec::new();
    for e in removed_entries(&o) {
        let kind = match e.reason {
            RemovalReason::NotAllowed => ViolationKind::NotAllowed,
            RemovalReason::Forbidden => ViolationKind::Forbidden,
            RemovalReason::Sensitive => ViolationKind::Sensitive,
            RemovalReason::TypeMismatch => ViolationKind::TypeMismatch,
        };
        violations.push(Violation { path: e.path, kind });
    }
    for (paths, kind) in [
        (o.not_transformed, ViolationKind::NotTransformed),
        (o.missing, ViolationKind::MissingRequired),
    ] {
        violations.extend(paths.into_iter().map(|path| Violation { path, kind }));
    }
    crate::sort::sort_by(&mut violations, |a, b| {
        a.path.cmp(&b.path).then(a.kind.cmp(&b.kind))
    });
    violations.dedup_by(|a, b| a.path == b.path && a.kind == b.kind);
    Ok(Verification {
        conforms: violations.is_empty(),
        violations,
    })
}

#[cfg(test)]
mod tests {
    use super::{minimise, verify, MinimiseOptions};
    use crate::policy::Policy;
    use crate::ErrorCode;

    /// The engine checks UTF-8 itself (no pass before it): bytes that are not UTF-8 anywhere
    /// (kept, removed, forbidden or skipped subtrees; keys, values, between tokens) still give
    /// exactly the `invalid_utf8` error of the up-front check, even where the JSON is broken
    /// too; valid non-ASCII text anywhere gives no `invalid_utf8`.
    #[test]
    fn invalid_utf8_anywhere_is_reported_like_an_up_front_check() {
        // With a `..` forbidden path every removed subtree is walked for it; without one, a
        // removed subtree takes the plain skip: both must check UTF-8.
        for forbidden in [r#""$..password""#, ""] {
            let policy = Policy::from_json(
                format!(
                    r#"{{"minseal_policy":1,"id":"t/utf8","version":"1","title":"t",
                     "basis":"CETS No. 224, Art. 7","audience":"competent_authority",
                     "rules":[{{"path":"$.a[*].k"}},{{"path":"$.keep","subtree":true}}],
                     "forbidden":[{forbidden}]}}"#
                )
                .as_bytes(),
            )
            .expect("policy");
            utf8_errors_like_an_up_front_check(&policy);
        }
    }

    fn utf8_errors_like_an_up_front_check(policy: &Policy) {
        let doc: &[u8] = br#"{"a":[{"k":"x\u00e9y","r":{"password":"p","q":[1,"s"]}}],"keep":{"w":["v",{"z":"t"}]},"drop":{"d":"e"},"n":[true]}"#;
        let opts = MinimiseOptions::default();
        let bad: [&[u8]; 8] = [
            b"\xc3\xa9\xff",
            b"\xc3\xa9\xe2\x82",
            b"\xff",
            b"\x80",
            b"\xc3",
            b"\xe2\x80",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
        ];
        let good: [&[u8]; 4] = [
            "é".as_bytes(),
            "–".as_bytes(),
            "😀".as_bytes(),
            "éü€".as_bytes(),
        ];
        for at in 0..=doc.len() {
            for ins in bad.iter().chain(good.iter()) {
                let mut input = doc[..at].to_vec();
                input.extend_from_slice(ins);
                input.extend_from_slice(&doc[at..]);
                let want = crate::json::utf8_error(&input).map(|e| e.message().to_owned());
                let got = minimise(policy, &input, &opts);
                let checked = verify(policy, &input, &opts);
                match want {
                    Some(msg) => {
                        for e in [got.err(), checked.err()] {
                            let e = e.expect("invalid UTF-8 must fail");
                            assert_eq!(e.code(), ErrorCode::InvalidUtf8, "{at} {ins:?}");
                            assert_eq!(e.message(), msg, "{at} {ins:?}");
                        }
                    }
                    None => {
                        for e in [got.err(), checked.err()].into_iter().flatten() {
                            assert_ne!(e.code(), ErrorCode::InvalidUtf8, "{at} {ins:?}");
                        }
                    }
                }
            }
        }
    }
}
