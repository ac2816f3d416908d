//! One error type for the whole crate, with a stable machine-readable code.
//!
//! Codes are part of the public contract: the CLI prints them (`error[code]: …`), the wasm
//! bindings copy them into `MinsealError.code`, and HTTP services return them. Never rename one;
//! add new ones instead.
//!
//! Cryptographic failures deliberately collapse into one code, [`ErrorCode::DecryptionFailed`],
//! with no cause: telling a caller *why* an AEAD or HPKE open failed helps an attacker, not the
//! caller. Parsing errors, by contrast, say exactly where and what.

use core::fmt;

/// Stable error codes. `#[non_exhaustive]`: match with a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The input is not valid JSON (syntax, trailing bytes, lone surrogates, bad numbers).
    InvalidJson,
    /// The input is not valid UTF-8.
    InvalidUtf8,
    /// An object has the same key twice.
    DuplicateKey,
    /// Nesting deeper than the configured limit.
    TooDeep,
    /// Input (or a part of it) larger than the configured limit.
    TooLarge,
    /// A configured limit other than size or depth was exceeded (recipients, metadata, chunks).
    LimitExceeded,
    /// A policy document is malformed; `details` lists every problem.
    InvalidPolicy,
    /// No built-in policy has that id (or the header names a policy the caller did not supply).
    UnknownPolicy,
    /// Required fields are missing; `details` lists every missing path.
    MissingRequired,
    /// Required fields are present with a type their rules do not admit; `details` lists each
    /// as `path: expected type`.
    TypeMismatch,
    /// A field the policy forbids was present and the caller asked for strict mode.
    ForbiddenField,
    /// A transform could not be applied to a value (e.g. `truncate_ip` on a non-address).
    TransformFailed,
    /// A `hash` transform is in the policy but no pseudonymisation key was supplied.
    HashKeyRequired,
    /// A payload does not conform to the policy; `details` lists each violation.
    DoesNotConform,
    /// A key is malformed, of the wrong type or curve, or a low-order point.
    InvalidKey,
    /// An envelope could not be parsed.
    MalformedEnvelope,
    /// The envelope's format version is not one this library reads.
    UnsupportedVersion,
    /// The envelope's HPKE suite is not minseal's suite.
    UnsupportedSuite,
    /// None of the envelope's recipient stanzas opens with the given key.
    NoMatchingRecipient,
    /// Authentication failed: the envelope was altered, or the key is wrong.
    DecryptionFailed,
    /// The envelope ends before its final chunk.
    Truncated,
    /// An argument has the wrong type or value (mostly from JS callers).
    InvalidArgument,
    /// The operating system's or browser's random source failed.
    RandomnessUnavailable,
    /// Reading or writing a file or stream failed.
    Io,
    /// A sender signature does not verify under the key its kid names, or was made with another
    /// algorithm than that key's.
    SignatureInvalid,
    /// The caller requires a signature and the envelope (or proof) carries none.
    SignatureMissing,
    /// The envelope is signed by a key that is not among the keys the caller trusts.
    UnknownSigner,
    /// The envelope's `expires_at` is at or before the time the caller gave.
    Expired,
    /// An evidence document (`proof`) is not one: wrong members, types or encodings.
    MalformedProof,
    /// A register document is malformed (every problem in `details`), has duplicate kids or ids,
    /// or registers used together overlap.
    InvalidRegister,
    /// The register's serial is lower than one the caller has already loaded (rollback).
    RegisterRollback,
    /// The register is past its `next_update` and the caller did not allow a stale one.
    RegisterStale,
    /// The key is marked revoked in the register.
    KeyRevoked,
    /// The key is outside its validity period in the register (or an entry has no valid key).
    KeyNotValid,
    /// No entry of the register matches the recipient asked for.
    UnknownRecipient,
    /// The recipient's role is not the policy's audience.
    RecipientNotAllowed,
    /// The signer's role may not send under this policy (or an acknowledgement's signer was not a
    /// recipient).
    SignerNotAllowed,
    /// The envelope names a policy the receiver does not accept.
    PolicyNotAccepted,
    /// The envelope's `message_id` was already received.
    Replayed,
}

impl ErrorCode {
    /// The stable snake_case code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid_json",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::DuplicateKey => "duplicate_key",
            Self::TooDeep => "too_deep",
            Self::TooLarge => "too_large",
            Self::LimitExceeded => "limit_exceeded",
            Self::InvalidPolicy => "invalid_policy",
            Self::UnknownPolicy => "unknown_policy",
            Self::MissingRequired => "missing_required",
            Self::TypeMismatch => "type_mismatch",
            Self::ForbiddenField => "forbidden_field",
            Self::TransformFailed => "transform_failed",
            Self::HashKeyRequired => "hash_key_required",
            Self::DoesNotConform => "does_not_conform",
            Self::InvalidKey => "invalid_key",
            Self::MalformedEnvelope => "malformed_envelope",
            Self::UnsupportedVersion => "unsupported_version",
            Self::UnsupportedSuite => "unsupported_suite",
            Self::NoMatchingRecipient => "no_matching_recipient",
            Self::DecryptionFailed => "decryption_failed",
            Self::Truncated => "truncated",
            Self::InvalidArgument => "invalid_argument",
            Self::RandomnessUnavailable => "randomness_unavailable",
            Self::Io => "io",
            Self::SignatureInvalid => "signature_invalid",
            Self::SignatureMissing => "signature_missing",
            Self::UnknownSigner => "unknown_signer",
            Self::Expired => "expired",
            Self::MalformedProof => "malformed_proof",
            Self::InvalidRegister => "invalid_register",
            Self::RegisterRollback => "register_rollback",
            Self::RegisterStale => "register_stale",
            Self::KeyRevoked => "key_revoked",
            Self::KeyNotValid => "key_not_valid",
            Self::UnknownRecipient => "unknown_recipient",
            Self::RecipientNotAllowed => "recipient_not_allowed",
            Self::SignerNotAllowed => "signer_not_allowed",
            Self::PolicyNotAccepted => "policy_not_accepted",
            Self::Replayed => "replayed",
        }
    }

    /// Every code, for documentation and exhaustive tests.
    pub const ALL: &'static [ErrorCode] = &[
        Self::InvalidJson,
        Self::InvalidUtf8,
        Self::DuplicateKey,
        Self::TooDeep,
        Self::TooLarge,
        Self::LimitExceeded,
        Self::InvalidPolicy,
        Self::UnknownPolicy,
        Self::MissingRequired,
        Self::TypeMismatch,
        Self::ForbiddenField,
        Self::TransformFailed,
        Self::HashKeyRequired,
        Self::DoesNotConform,
        Self::InvalidKey,
        Self::MalformedEnvelope,
        Self::UnsupportedVersion,
        Self::UnsupportedSuite,
        Self::NoMatchingRecipient,
        Self::DecryptionFailed,
        Self::Truncated,
        Self::InvalidArgument,
        Self::RandomnessUnavailable,
        Self::Io,
        Self::SignatureInvalid,
        Self::SignatureMissing,
        Self::UnknownSigner,
        Self::Expired,
        Self::MalformedProof,
        Self::InvalidRegister,
        Self::RegisterRollback,
        Self::RegisterStale,
        Self::KeyRevoked,
        Self::KeyNotValid,
        Self::UnknownRecipient,
        Self::RecipientNotAllowed,
        Self::SignerNotAllowed,
        Self::PolicyNotAccepted,
        Self::Replayed,
    ];

    /// True when the input was refused on its merits (CLI exit code 1), as opposed to a usage,
    /// argument or I/O problem (exit code 2).
    pub const fn is_refusal(self) -> bool {
        !matches!(
            self,
            Self::InvalidArgument | Self::Io | Self::RandomnessUnavailable
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable [`ErrorCode`], a human message, and optional details
/// (every missing path, every policy problem, every violation).
///
/// The message and details never contain payload values or key material: only paths,
/// positions, names and counts.
// `Debug` is derived except in wasm, where nothing prints it but `io::Error::other` (the
// streaming `Sealer`/`Opener`, wherever a build reaches them) can keep a `dyn Error` vtable: the
// derived one pulls in `str`'s escaping `Debug` and its Unicode tables (see `impl Debug` below).
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Debug))]
pub struct Error {
    code: ErrorCode,
    message: String,
    details: Vec<String>,
}

impl Error {
    /// A new error.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// A new error with a list of details (paths, problems).
    pub fn with_details(code: ErrorCode, message: impl Into<String>, details: Vec<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details,
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Every item the error is about (missing paths, policy problems, violations).
    pub fn details(&self) -> &[String] {
        &self.details
    }

    /// The single opaque error for any failed authentication.
    pub fn decryption_failed() -> Self {
        Self::new(
            ErrorCode::DecryptionFailed,
            "decryption failed: the envelope was altered or the key does not match",
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if !self.details.is_empty() {
            write!(f, ": {}", self.details.join("; "))?;
        }
        Ok(())
    }
}

/// wasm only: the code and the `Display` form, unescaped (docs/BENCHMARKS.md, "Package size").
#[cfg(target_arch = "wasm32")]
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({}: {})", self.code, self)
    }
}

impl std::error::Error for Error {}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
