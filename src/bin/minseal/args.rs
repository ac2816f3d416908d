//! The command line: every subcommand and flag, as clap parses them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use minseal::seal::EnvelopeLimits;
use std::path::PathBuf;

pub use crate::register_args::*;

/// Minimise a JSON payload under a data-minimisation policy, then seal it with HPKE.
#[derive(Parser)]
#[command(name = "minseal", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 1 input refused, 2 usage or I/O error.\n\
Files default to stdin/stdout. Docs: docs/POLICY.md, docs/FORMAT.md."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Generate a key pair: private JWK to a new file (mode 0600), public JWK to stdout.
    Keygen(KeygenArgs),
    /// Print the public JWK of a private JWK (read from stdin or --key).
    Pubkey {
        /// The private JWK (default: stdin).
        #[arg(long, value_name = "PRIVATE.jwk")]
        key: Option<PathBuf>,
    },
    /// Print a key's id: its RFC 7638 thumbprint (public or private JWK, or raw base64url).
    Thumbprint {
        /// The key (default: stdin).
        #[arg(value_name = "KEY.jwk")]
        key: Option<PathBuf>,
    },
    /// Remove every field the policy does not allow; write the minimised JSON.
    Minimise {
        #[command(flatten)]
        policy: PolicyArg,
        #[command(flatten)]
        min: MinimiseArgs,
        #[command(flatten)]
        io: InOut,
    },
    /// Minimise, then seal to one or more recipients (or seal as is with --no-minimise).
    Seal(SealArgs),
    /// Open an envelope (JSON or binary form, detected) and write its payload.
    #[command(after_help = OPEN_OUTPUT)]
    Open(OpenArgs),
    /// Check that a payload already conforms to a policy (exit 1 if it does not).
    Verify {
        #[command(flatten)]
        policy: PolicyArg,
        /// Print the result as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// The payload (default: stdin).
        #[arg(long = "in", value_name = "FILE")]
        input: Option<PathBuf>,
    },
    /// List, show or lint policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Evidence for a third party: export a signed envelope's proof, or verify one.
    #[command(subcommand)]
    Proof(ProofCommand),
    /// The register of designated authorities: write, sign, verify, list and search one
    /// (docs/TRUST.md).
    #[command(subcommand)]
    Register(RegisterCommand),
    /// Signed acknowledgements of receipt.
    #[command(subcommand)]
    Ack(AckCommand),
}

#[derive(Subcommand)]
pub enum RegisterCommand {
    /// Write a new register with no entries (unsigned).
    New(RegisterNewArgs),
    /// Add an entry: an authority, provider or registrar with its roles and public keys.
    Add(RegisterAddArgs),
    /// Mark a key (encryption or signing) revoked.
    Revoke(RegisterRevokeArgs),
    /// Sign the register with the operator's private signing key (a new version: raise
    /// --serial).
    Sign(RegisterSignArgs),
    /// Check a signed register against the pinned operator key(s); list every problem with
    /// its code (exit 1 if there are any).
    Verify(RegisterReadArgs),
    /// Check a signed register, then list its entries and keys.
    Show(RegisterReadArgs),
    /// Check a signed register, then find an entry by a key's kid, or by Party and role.
    Find(RegisterFindArgs),
}

#[derive(Subcommand)]
pub enum AckCommand {
    /// Check a receiver's signed acknowledgement against the register and the envelope it
    /// acknowledges; print who acknowledged, the outcome and the message_id. Exit 0 when the
    /// acknowledgement verifies, whatever outcome it reports.
    Verify(AckVerifyArgs),
}

/// Register mode of `open`.
#[derive(Args)]
pub struct OpenRegisterArgs {
    /// Open with a register (repeatable): accept only what it allows (docs/TRUST.md,
    /// "Opening with a register"). Needs --trust and --accept.
    #[arg(long, value_name = "REGISTER.json", requires_all = ["trust", "accept"],
          conflicts_with_all = ["signers", "allow_unsigned", "verify", "policy"])]
    pub register: Vec<PathBuf>,
    /// The register operator's public key(s), pinned: a JWK or a JWK Set. Repeatable.
    #[arg(long, value_name = "OPERATOR.jwk", requires = "register")]
    pub trust: Vec<PathBuf>,
    /// The policies this receiver accepts (built-in ids or files); an envelope naming another
    /// is refused (policy_not_accepted).
    #[arg(long, value_name = "POLICY", num_args = 1.., requires = "register")]
    pub accept: Vec<String>,
    /// The highest register serial loaded before (register_rollback below it).
    #[arg(long, value_name = "N", requires = "register")]
    pub last_serial: Option<u64>,
    /// Accept a register past its next_update.
    #[arg(long, requires = "register")]
    pub allow_stale: bool,
    /// Record accepted message_ids in DIR (one file each) and refuse one seen before
    /// (replayed). Without it, nothing is recorded and a replay is not detected.
    #[arg(long, value_name = "DIR", requires = "register")]
    pub replay: Option<PathBuf>,
    /// Sign an acknowledgement of the decision (accepted, or refused with its code) with this
    /// private signing JWK (the receiver's register signing key) and write it to --ack.
    #[arg(long, value_name = "KEY.jwk", requires_all = ["register", "ack"])]
    pub ack_key: Option<PathBuf>,
    /// Where to write the signed acknowledgement (written also when the envelope is refused).
    #[arg(long, value_name = "FILE", requires = "ack_key")]
    pub ack: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ProofCommand {
    /// Open a signed envelope and write its proof (header, payload, signature), which anyone
    /// can check with the signer's public key and without the decryption key.
    Export(ProofExportArgs),
    /// Check a proof against trusted signing keys (exit 1 unless it verifies).
    Verify(ProofVerifyArgs),
}

#[derive(Args)]
pub struct ProofExportArgs {
    /// The recipient's private JWK.
    #[arg(long, value_name = "PRIVATE.jwk")]
    pub key: PathBuf,
    /// Trusted signing key(s): a public JWK or a JWK Set; the signature is checked before the
    /// proof is written (unknown_signer, signature_invalid). Repeatable. An expired envelope
    /// still exports: the proof shows what was sent, whenever it is looked at.
    #[arg(
        long = "signer",
        visible_alias = "signers",
        value_name = "KEY.jwk|SET.jwk"
    )]
    pub signers: Vec<PathBuf>,
    /// Refuse (too_large) an envelope larger than N bytes, before reading past N.
    #[arg(long, value_name = "N")]
    pub max_envelope_bytes: Option<u64>,
    /// Input envelope (default: stdin).
    #[arg(long = "in", value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Where to write the proof (default: stdout). It holds the payload: mode 0600.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct ProofVerifyArgs {
    /// Trusted signing key(s): a public JWK or a JWK Set. Repeatable.
    #[arg(
        long = "signer",
        visible_alias = "signers",
        value_name = "KEY.jwk|SET.jwk",
        required = true
    )]
    pub signers: Vec<PathBuf>,
    /// Print the header and the signer as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Write the proven payload to FILE.
    #[arg(long, value_name = "FILE")]
    pub payload: Option<PathBuf>,
    /// The proof (default: stdin).
    #[arg(long = "in", value_name = "FILE")]
    pub input: Option<PathBuf>,
}

/// Which signing keys `open` trusts, and the time it checks expiry against.
#[derive(Args)]
pub struct TrustArgs {
    /// Trusted signing key(s): a public JWK or a JWK Set. The envelope must be signed by one of
    /// them (unknown_signer, signature_invalid, or signature_missing if unsigned). Repeatable.
    #[arg(
        long = "signer",
        visible_alias = "signers",
        value_name = "KEY.jwk|SET.jwk"
    )]
    pub signers: Vec<PathBuf>,
    /// With --signer: accept an unsigned envelope too.
    #[arg(long, requires = "signers")]
    pub allow_unsigned: bool,
    /// The time to check `expires_at` against, `YYYY-MM-DDTHH:MM:SSZ` (UTC) or Unix seconds
    /// (default: the system clock).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<u64>,
}

/// How `open` writes, shown under `minseal open --help`.
const OPEN_OUTPUT: &str = "\
Output:
  --out FILE  The payload goes to a temporary file (mode 0600) in FILE's directory, which is
              fsynced and renamed to FILE only after the whole envelope has authenticated;
              on any failure it is removed and FILE is left as it was.
  stdout      A JSON envelope, or any envelope with --verify, is read and checked whole before
              anything is written. A binary envelope streams: each chunk (64 KiB by default,
              at most 4 MiB; its header says) is authenticated before it is written, but a
              truncated or tampered envelope is only found at the chunk where it goes wrong,
              after the chunks before it have been written. A non-zero exit means: discard
              everything read from stdout. --atomic, and --signer (a signature is checked
              after the final chunk), write nothing until the whole envelope has
              authenticated.

Signatures:
  Without --signer, a signed envelope opens and its signer is reported as not verified.
  With --signer, it opens only if signed by one of those keys (unknown_signer,
  signature_invalid; signature_missing for an unsigned one unless --allow-unsigned).
  Who signed goes to stderr, or to stdout with --json.";

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// List the built-in profiles.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print a policy (built-in id or file) as JSON.
    Show {
        /// Built-in id (e.g. 2ap/art7-order) or policy file.
        #[arg(value_name = "ID|FILE")]
        policy: String,
        /// Print the RFC 8785 canonical bytes (what the digest covers) instead.
        #[arg(long)]
        canonical: bool,
    },
    /// Check a policy file; list every problem (exit 1 if there are any).
    Lint {
        /// The policy file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the private JWK.
    #[arg(long, value_name = "PRIVATE.jwk")]
    pub out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// What the key is for: `enc` (recipients: X25519, the default) or `sig` (senders).
    #[arg(long = "use", value_enum, value_name = "USE")]
    pub key_use: Option<KeyUse>,
    /// The algorithm: X25519 for `enc`; ES256 (the default) or Ed25519 for `sig`.
    #[arg(long, value_enum, value_name = "ALG", ignore_case = true)]
    pub alg: Option<KeyAlg>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyUse {
    /// Encryption: envelopes are sealed to it.
    Enc,
    /// Signatures: a sender signs envelopes with it.
    Sig,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyAlg {
    /// X25519 (HPKE recipients).
    #[value(name = "X25519")]
    X25519,
    /// ECDSA P-256 with SHA-256.
    #[value(name = "ES256")]
    Es256,
    /// Ed25519.
    #[value(name = "Ed25519")]
    Ed25519,
}

#[derive(Args)]
pub struct PolicyArg {
    /// Built-in policy id (see `minseal policy list`) or a policy file.
    #[arg(long, value_name = "ID|FILE")]
    pub policy: String,
}

#[derive(Args)]
pub struct MinimiseArgs {
    /// Write the receipt (what was removed, never values) to FILE.
    #[arg(long, value_name = "FILE")]
    pub receipt: Option<PathBuf>,
    /// Key for `hash` transforms: the file's raw bytes (at least 16).
    #[arg(long, value_name = "FILE")]
    pub hash_key_file: Option<PathBuf>,
    /// Refuse (forbidden_field) instead of removing forbidden fields.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args)]
pub struct InOut {
    /// Input file (default: stdin).
    #[arg(long = "in", value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Output file (default: stdout).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// One JSON object (docs/FORMAT.md, "JSON form").
    Json,
    /// The compact binary form (starts with "MNSL").
    Binary,
}

#[derive(Args)]
pub struct SealArgs {
    /// Policy to minimise under (built-in id or file); with --no-minimise, the payload must
    /// already conform to it (does_not_conform otherwise), and the header names it.
    #[arg(long, value_name = "ID|FILE", required_unless_present = "no_minimise")]
    pub policy: Option<String>,
    /// Recipient public key file: a JWK, a JWK Set or raw base64url. With --register: PARTY:ROLE
    /// (every entry of that Party with that role) or the kid of an encryption key in the
    /// register, whose current key is used. Repeat for more recipients.
    #[arg(long, value_name = "PUBLIC.jwk|PARTY:ROLE|KID", required = true)]
    pub to: Vec<String>,
    /// Pick the recipients (--to PARTY:ROLE or KID) from this signed register: each must hold
    /// the policy's audience role (recipient_not_allowed) and a valid, unrevoked key
    /// (key_revoked, key_not_valid). Repeatable; needs --trust and --policy.
    #[arg(long, value_name = "REGISTER.json", requires_all = ["trust", "policy"])]
    pub register: Vec<PathBuf>,
    /// The register operator's public key(s), pinned: a JWK or a JWK Set. Repeatable.
    #[arg(long, value_name = "OPERATOR.jwk", requires = "register")]
    pub trust: Vec<PathBuf>,
    /// The highest register serial loaded before (register_rollback below it).
    #[arg(long, value_name = "N", requires = "register")]
    pub last_serial: Option<u64>,
    /// Accept a register past its next_update.
    #[arg(long, requires = "register")]
    pub allow_stale: bool,
    /// Envelope form.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Header metadata entry (clear text, authenticated). Repeatable.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_kv)]
    pub metadata: Vec<(String, String)>,
    /// Seal the input as is (any bytes; streams with --format binary).
    #[arg(long, conflicts_with_all = ["receipt", "hash_key_file", "strict"])]
    pub no_minimise: bool,
    /// The payload's media type, in the header.
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// Sign with this private signing JWK (ES256 or Ed25519, from `keygen --use sig`).
    #[arg(long, value_name = "KEY.jwk")]
    pub sign: Option<PathBuf>,
    /// The time the envelope expires, `YYYY-MM-DDTHH:MM:SSZ` (UTC) or Unix seconds: openers
    /// refuse it (expired) from then on.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub expires_at: Option<u64>,
    #[command(flatten)]
    pub min: MinimiseArgs,
    #[command(flatten)]
    pub io: InOut,
}

#[derive(Args)]
pub struct OpenArgs {
    /// The recipient's private JWK.
    #[arg(long, value_name = "PRIVATE.jwk")]
    pub key: PathBuf,
    /// Also write the authenticated header (JSON) to FILE.
    #[arg(long, value_name = "FILE")]
    pub header: Option<PathBuf>,
    /// Verify the payload against the policy its header names; exit 1 unless it conforms.
    #[arg(long)]
    pub verify: bool,
    #[command(flatten)]
    pub trust: TrustArgs,
    #[command(flatten)]
    pub reg: OpenRegisterArgs,
    /// Print the header and the signature (who signed, whether it verified) as one JSON line on
    /// stdout; the payload then goes to --out.
    #[arg(long, requires = "out")]
    pub json: bool,
    /// With --verify: the policy (file or id) when it is not a built-in; must match the header.
    #[arg(long, value_name = "ID|FILE", requires = "verify")]
    pub policy: Option<String>,
    /// On stdout too, write nothing until the whole envelope has authenticated: the payload is
    /// held in memory meanwhile (bound it with --max-envelope-bytes). --out always works so.
    #[arg(long)]
    pub atomic: bool,
    /// Refuse (too_large) an envelope larger than N bytes, before reading past N.
    #[arg(long, value_name = "N")]
    pub max_envelope_bytes: Option<u64>,
    /// Refuse (limit_exceeded) an envelope of more than N payload chunks, before decrypting more.
    #[arg(long, value_name = "N")]
    pub max_chunks: Option<u64>,
    #[command(flatten)]
    pub io: InOut,
}

impl ProofExportArgs {
    pub fn limits(&self) -> EnvelopeLimits {
        EnvelopeLimits {
            max_envelope_bytes: self.max_envelope_bytes.unwrap_or(u64::MAX),
            ..EnvelopeLimits::default()
        }
    }
}

impl OpenArgs {
    pub fn limits(&self) -> EnvelopeLimits {
        let d = EnvelopeLimits::default();
        EnvelopeLimits {
            max_envelope_bytes: self.max_envelope_bytes.unwrap_or(d.max_envelope_bytes),
            max_chunks: self.max_chunks.unwrap_or(d.max_chunks),
            ..d
        }
    }
}

/// A time: `YYYY-MM-DDTHH:MM:SSZ` (UTC) or Unix seconds (every time flag of the CLI).
pub fn parse_time(s: &str) -> std::result::Result<u64, String> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map_err(|_| "too large".to_owned());
    }
    minseal::register::parse_utc(s)
        .ok_or_else(|| "expected YYYY-MM-DDTHH:MM:SSZ (UTC) or Unix seconds".to_owned())
}

pub fn parse_kv(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err("expected KEY=VALUE".to_owned()),
    }
}
