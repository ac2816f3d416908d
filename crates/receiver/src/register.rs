//! Register mode: an [`Acceptor`] that decides with a register of authorities
//! (`minseal::register::open_with_register`), refuses replayed `message_id`s with an on-disk
//! replay record, and answers every decision on a parsed envelope with a signed acknowledgement.

use crate::acceptor::{self, now, parse, Accepted, Acceptor, Form, Refusal};
use minseal::keys::SecretKey;
use minseal::policy::Policy;
use minseal::register::{decide, replayed, Acceptance, Ack, RegisterSet, ReplayStore};
use minseal::seal::EnvelopeLimits;
use minseal::sign::SigningKey;
use minseal::{Error, ErrorCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The HTTP status for a register refusal: 403 when the sender or the policy is not allowed,
/// 409 for a replay, 422 for any other refusal, 500 for the receiver's own failures.
pub fn register_status(code: ErrorCode) -> u16 {
    match code {
        ErrorCode::UnknownSigner
        | ErrorCode::SignerNotAllowed
        | ErrorCode::KeyRevoked
        | ErrorCode::KeyNotValid
        | ErrorCode::PolicyNotAccepted => 403,
        ErrorCode::Replayed => 409,
        c if c.is_refusal() => 422,
        _ => 500,
    }
}

/// Accepts what the registers allow, for the policies it is given, once per `message_id`.
pub struct RegisterAcceptor {
    key: SecretKey,
    registers: RegisterSet,
    policies: Vec<Policy>,
    ack_key: SigningKey,
    replay_dir: PathBuf,
}

impl RegisterAcceptor {
    /// An acceptor opening with `key`, accepting `policies` from the signers `registers` allow,
    /// signing acknowledgements with `ack_key`, and recording accepted ids in `replay_dir`
    /// (created if missing).
    pub fn new(
        key: SecretKey,
        registers: RegisterSet,
        policies: Vec<Policy>,
        ack_key: SigningKey,
        replay_dir: &Path,
    ) -> io::Result<Self> {
        fs::create_dir_all(replay_dir)?;
        Ok(Self {
            key,
            registers,
            policies,
            ack_key,
            replay_dir: replay_dir.to_path_buf(),
        })
    }

    /// The key id envelopes must be sealed to.
    pub fn kid(&self) -> String {
        self.key.kid()
    }

    /// The acknowledgement's signing key id.
    pub fn ack_kid(&self) -> String {
        self.ack_key.verifying_key().kid().to_owned()
    }

    /// The signed acknowledgement, as JSON.
    fn sign_ack(&self, ack: &Ack) -> Result<Value, Refusal> {
        ack.sign(&self.ack_key)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| {
                Refusal::new(
                    500,
                    ErrorCode::Io.as_str(),
                    "signing the acknowledgement failed",
                )
            })
    }
}

impl Acceptor for RegisterAcceptor {
    fn accept(&self, form: Form, body: &[u8]) -> Result<Accepted, Refusal> {
        let envelope = parse(form, body)?;
        let acceptance = Acceptance {
            registers: &self.registers,
            policies: &self.policies,
            now: now(),
            limits: &EnvelopeLimits::default(),
        };
        let mut replay = DirReplay {
            dir: &self.replay_dir,
            body_sha256: minseal::hex::encode(&Sha256::digest(body)),
        };
        // The decision and its acknowledgement, which names the payload as the sender's
        // receipt does whenever the envelope was decrypted.
        let decision = decide(&envelope, &self.key, &acceptance, &mut replay);
        let accepted = match decision.result {
            Ok(a) => a,
            Err(e) => {
                let mut refusal = Refusal::from_error(register_status(e.code()), &e);
                if refusal.status != 500 {
                    refusal.ack = Some(self.sign_ack(&decision.ack)?);
                }
                return Err(refusal);
            }
        };
        let received = &accepted.received;
        let signer = json!({
            "id": accepted.signer_id,
            "party": accepted.signer_party,
            "roles": accepted.signer_roles,
            "kid": received.signature.as_ref().map(|s| s.kid.clone()),
            "register": { "id": accepted.register.0, "serial": accepted.register.1 },
        });
        let ack = self.sign_ack(&decision.ack)?;
        Ok(acceptor::accepted(
            received,
            self.key.kid(),
            form,
            body.len(),
            &[("signer", signer), ("ack", ack)],
        ))
    }
}

/// The on-disk replay record: one file per accepted `message_id`, holding the SHA-256 of the
/// request body that used it. The same body again passes (the store answers it as the idempotent
/// repeat it is); another body under a recorded id is `replayed`.
struct DirReplay<'a> {
    dir: &'a Path,
    body_sha256: String,
}

impl ReplayStore for DirReplay<'_> {
    fn check_and_record(&mut self, message_id: &str) -> minseal::Result<()> {
        let io_err = |e: io::Error| Error::new(ErrorCode::Io, format!("replay record: {e}"));
        if message_id.is_empty()
            || !message_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::new(ErrorCode::Io, "message id is not a file name"));
        }
        let path = self.dir.join(message_id);
        // Written under a temporary name of its own (process id and a counter: two workers may
        // hold the same message_id) and hard-linked: the final name appears only whole, and of
        // two concurrent writers exactly one creates it.
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let tmp = self.dir.join(format!(
            ".{message_id}.{}.{}.tmp",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let mut f = fs::File::create(&tmp).map_err(io_err)?;
        f.write_all(self.body_sha256.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(io_err)?;
        let linked = fs::hard_link(&tmp, &path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => fs::File::open(self.dir)
                .and_then(|d| d.sync_all())
                .map_err(io_err),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if fs::read(&path).map_err(io_err)? == self.body_sha256.as_bytes() {
                    Ok(())
                } else {
                    Err(replayed(message_id))
                }
            }
            Err(e) => Err(io_err(e)),
        }
    }
}
