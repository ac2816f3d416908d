//! The register commands' flags (`register …`, `ack verify`), as clap parses them.

use crate::args::{parse_kv, parse_time};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct RegisterNewArgs {
    /// The register's id (registers used together have different ids).
    #[arg(long = "id", value_name = "ID")]
    pub register_id: String,
    /// Who operates and signs it.
    #[arg(long, value_name = "NAME")]
    pub operator: String,
    /// The first serial.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub serial: u64,
    /// When it is issued (default: now).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub issued_at: Option<u64>,
    /// When it is due to be replaced (default: 30 days after issued_at).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub next_update: Option<u64>,
    /// Where to write it (default: stdout).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The register file an edit reads, and where the result goes.
#[derive(Args)]
pub struct RegisterEditIo {
    /// The register (unsigned, or signed: an edit drops the signatures it makes void).
    #[arg(value_name = "REGISTER.json")]
    pub register: PathBuf,
    /// Where to write the result (default: replace REGISTER.json).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct RegisterAddArgs {
    #[command(flatten)]
    pub io: RegisterEditIo,
    /// The entry's id, unique in the register.
    #[arg(long = "id", value_name = "ID")]
    pub entry_id: String,
    /// Its Party: ISO 3166-1 alpha-2 (e.g. XA) or a code the register defines.
    #[arg(long, value_name = "CODE")]
    pub party: String,
    /// Its name.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// A contact channel: email=…, phone=…, postal_address=… or url=… Repeatable; at least one.
    #[arg(long, value_name = "CHANNEL=VALUE", value_parser = parse_kv, required = true)]
    pub contact: Vec<(String, String)>,
    /// A role: competent_authority, notified_authority, designated_authority, poc_24_7,
    /// central_authority, service_provider, registrar. Repeatable; at least one.
    #[arg(long, value_name = "ROLE", required = true)]
    pub role: Vec<String>,
    /// A public X25519 JWK to seal to (from `keygen`). Repeatable.
    #[arg(long = "enc", value_name = "PUBLIC.jwk")]
    pub enc: Vec<PathBuf>,
    /// A public ES256/Ed25519 JWK that checks what it signs (from `keygen --use sig`).
    /// Repeatable.
    #[arg(long = "sig", value_name = "PUBLIC.jwk")]
    pub sig: Vec<PathBuf>,
    /// The keys are valid from (default: now).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub valid_from: Option<u64>,
    /// The keys are valid until, exclusive (default: one year after valid_from).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub valid_until: Option<u64>,
}

#[derive(Args)]
pub struct RegisterRevokeArgs {
    #[command(flatten)]
    pub io: RegisterEditIo,
    /// The key's kid (RFC 7638 thumbprint; `minseal thumbprint KEY.jwk`).
    #[arg(long, value_name = "KID")]
    pub kid: String,
    /// When it was revoked (default: now). Receivers refuse everything it signs from the
    /// moment they load the register, whatever time an envelope states.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub at: Option<u64>,
}

#[derive(Args)]
pub struct RegisterSignArgs {
    #[command(flatten)]
    pub io: RegisterEditIo,
    /// The operator's private signing JWK (ES256 or Ed25519).
    #[arg(long, value_name = "OPERATOR.jwk")]
    pub key: PathBuf,
    /// Set the serial first (each published version has a higher one).
    #[arg(long, value_name = "N")]
    pub serial: Option<u64>,
    /// Set issued_at first.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub issued_at: Option<u64>,
    /// Set next_update first.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub next_update: Option<u64>,
}

/// How a signed register is checked when loaded.
#[derive(Args)]
pub struct RegisterTrustArgs {
    /// The register operator's public key(s), pinned: a JWK or a JWK Set. Repeatable.
    #[arg(long, value_name = "OPERATOR.jwk", required = true)]
    pub trust: Vec<PathBuf>,
    /// The highest serial loaded before: a lower one is refused (register_rollback).
    #[arg(long, value_name = "N")]
    pub last_serial: Option<u64>,
    /// Accept a register past its next_update (otherwise register_stale).
    #[arg(long)]
    pub allow_stale: bool,
    /// The time to check next_update and key validity against (default: the system clock).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<u64>,
}

#[derive(Args)]
pub struct RegisterReadArgs {
    /// The signed register.
    #[arg(value_name = "REGISTER.json")]
    pub register: PathBuf,
    #[command(flatten)]
    pub trust: RegisterTrustArgs,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct RegisterFindArgs {
    /// The signed register.
    #[arg(value_name = "REGISTER.json")]
    pub register: PathBuf,
    #[command(flatten)]
    pub trust: RegisterTrustArgs,
    /// The kid of an encryption or signing key.
    #[arg(long, value_name = "KID", conflicts_with_all = ["party", "role"], required_unless_present_all = ["party", "role"])]
    pub kid: Option<String>,
    /// The Party (with --role).
    #[arg(long, value_name = "CODE", requires = "role")]
    pub party: Option<String>,
    /// The role (with --party).
    #[arg(long, value_name = "ROLE", requires = "party")]
    pub role: Option<String>,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct AckVerifyArgs {
    /// The signed acknowledgement.
    #[arg(value_name = "ACK.json")]
    pub ack: PathBuf,
    /// The envelope it acknowledges (as sealed): its message_id, recipients and header digest.
    #[arg(long, value_name = "ENVELOPE")]
    pub envelope: PathBuf,
    /// The sender's receipt (`seal --receipt`): the acknowledgement must carry its payload
    /// digest.
    #[arg(long, value_name = "RECEIPT.json")]
    pub receipt: Option<PathBuf>,
    /// The signed register(s) the receiver's signing key is in. Repeatable.
    #[arg(long, value_name = "REGISTER.json", required = true)]
    pub register: Vec<PathBuf>,
    #[command(flatten)]
    pub trust: RegisterTrustArgs,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}
