//! `minseal-receiver`: the receiving service as one command.
//!
//! ```sh
//! minseal-receiver --key authority.jwk --signers portals.jwks --store received/ --port 0
//! curl -sS -H 'content-type: application/json' --data-binary @envelope.json \
//!      http://127.0.0.1:PORT/envelopes
//! ```
//!
//! The first line on stdout is `receiver: listening on http://ADDR/envelopes (kid …)`, with the
//! port actually bound (`--port 0` picks a free one).

use clap::Parser;
use minseal::keys::SecretKey;
use minseal::policy::Policy;
use minseal::register::{LoadOptions, Register, RegisterSet};
use minseal::sign::SigningKey;
use minseal::sign::VerifyingKey;
use minseal_receiver::{
    router, Acceptor, FsStore, Limits, RegisterAcceptor, Store, VerifyingAcceptor,
};
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Receive minseal envelopes over HTTP, open them, check their signature and verify them, store
/// what conforms.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The authority's private JWK.
    #[arg(long, value_name = "PRIVATE.jwk")]
    key: PathBuf,
    /// Trusted signing keys: a public JWK or a JWK Set (repeatable). Signed envelopes are
    /// accepted only from these keys.
    #[arg(long, value_name = "FILE")]
    signers: Vec<PathBuf>,
    /// Also accept unsigned envelopes (without it they are 422 `signature_missing`).
    #[arg(long)]
    allow_unsigned: bool,
    /// Register mode: a signed register of authorities (repeatable), instead of `--signers`.
    #[arg(long, value_name = "R.json", conflicts_with_all = ["signers", "allow_unsigned"])]
    register: Vec<PathBuf>,
    /// Register mode: the register operator's public key(s), a JWK or JWK Set (repeatable).
    #[arg(long, value_name = "OPERATOR.jwk", requires = "register")]
    trust: Vec<PathBuf>,
    /// Register mode: the built-in policy ids this receiver accepts.
    #[arg(long, value_name = "POLICY_ID", num_args = 1.., requires = "register")]
    accept: Vec<String>,
    /// Register mode: the receiver's private signing JWK, for the acknowledgements.
    #[arg(long, value_name = "KEY.jwk", requires = "register")]
    sign_key: Option<PathBuf>,
    /// Register mode: where accepted message ids are recorded (default: `STORE.replay` beside a
    /// directory store; required with S3).
    #[arg(long, value_name = "DIR", requires = "register")]
    replay: Option<PathBuf>,
    /// Where accepted envelopes go: a directory (created if missing), or, built with the `s3`
    /// feature, `s3://BUCKET[/PREFIX]` (endpoint and credentials from the AWS_* variables).
    #[arg(long, value_name = "DIR|s3://BUCKET/PREFIX")]
    store: String,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port (default: $PORT, else 8788); 0 picks a free one, printed on startup.
    #[arg(long)]
    port: Option<u16>,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    max_body: usize,
    /// Envelopes opened at once (default: the number of CPUs).
    #[arg(long)]
    workers: Option<usize>,
    /// Requests admitted at once; beyond, 503 `overloaded` without reading the body.
    #[arg(long, default_value_t = 64)]
    max_in_flight: usize,
    /// Seconds allowed to send a request body.
    #[arg(long, default_value_t = 30)]
    body_timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("receiver: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let key = std::fs::read_to_string(&args.key)
        .map_err(|e| e.to_string())
        .and_then(|t| SecretKey::from_jwk(&t).map_err(|e| e.to_string()))
        .map_err(|e| format!("{}: {e}", args.key.display()))?;
    if args.signers.is_empty() && !args.allow_unsigned && args.register.is_empty() {
        return Err(
            "no trusted signers: give --signers FILE (a public JWK or JWK Set) to accept signed \
             envelopes, --allow-unsigned to accept unsigned ones, or --register R.json with \
             --trust, --accept and --sign-key"
                .into(),
        );
    }
    let mut signers = Vec::new();
    for path in &args.signers {
        let keys = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| VerifyingKey::parse_set(&t).map_err(|e| e.to_string()))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        signers.extend(keys);
    }
    let (acceptor, kid, describe): (Arc<dyn Acceptor>, String, String) = if args.register.is_empty()
    {
        let a = VerifyingAcceptor::new(key, signers, args.allow_unsigned);
        let (kid, trusted) = (a.kid(), a.signer_kids());
        let describe = format!(
            "trusting {} signing key(s) [{}]; unsigned envelopes {}",
            trusted.len(),
            trusted.join(", "),
            if args.allow_unsigned {
                "accepted"
            } else {
                "refused"
            }
        );
        (Arc::new(a), kid, describe)
    } else {
        let a = register_acceptor(&args, key)?;
        let (kid, ack) = (a.kid(), a.ack_kid());
        let describe = format!("register mode; acknowledgements signed by {ack}");
        (Arc::new(a), kid, describe)
    };
    let port = match args.port {
        Some(p) => p,
        None => match std::env::var("PORT") {
            Ok(v) => v
                .parse()
                .map_err(|_| format!("PORT={v} is not a port number"))?,
            Err(_) => 8788,
        },
    };
    let mut limits = Limits {
        max_body: args.max_body,
        max_in_flight: args.max_in_flight,
        body_timeout: Duration::from_secs(args.body_timeout),
        ..Limits::default()
    };
    if let Some(w) = args.workers {
        limits.workers = w;
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    runtime.block_on(async move {
        let store = open_store(&args.store).await?;
        let listener = tokio::net::TcpListener::bind((args.host, port))
            .await
            .map_err(|e| format!("cannot listen on {}:{port}: {e}", args.host))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("receiver: listening on http://{addr}/envelopes (kid {kid})");
        let _ = std::io::stdout().flush();
        eprintln!("receiver: {describe}");
        eprintln!(
            "receiver: storing in {}; {} workers, {} requests in flight, bodies up to {} bytes",
            store.describe(),
            limits.workers,
            limits.max_in_flight,
            limits.max_body
        );
        let app = router(acceptor, store, limits);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| e.to_string())
    })
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads the registers (checked against the operators' keys and the system clock), the accepted
/// built-in policies and the acknowledgement key.
fn register_acceptor(args: &Args, key: SecretKey) -> Result<RegisterAcceptor, String> {
    if args.trust.is_empty() || args.accept.is_empty() || args.sign_key.is_none() {
        return Err(
            "--register needs --trust OPERATOR.jwk, --accept POLICY_ID… and --sign-key KEY.jwk"
                .into(),
        );
    }
    let mut operators = Vec::new();
    for path in &args.trust {
        operators.extend(
            VerifyingKey::parse_set(&read(path)?)
                .map_err(|e| format!("{}: {e}", path.display()))?,
        );
    }
    let opts = LoadOptions {
        operators: &operators,
        last_serial: None,
        now: minseal_receiver::acceptor::now(),
        allow_stale: false,
    };
    let mut registers = Vec::new();
    for path in &args.register {
        let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        registers
            .push(Register::load(&text, &opts).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let registers = RegisterSet::new(registers).map_err(|e| e.to_string())?;
    let policies = args
        .accept
        .iter()
        .map(|id| Policy::builtin(id).map_err(|e| format!("--accept {id}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let sign_path = args.sign_key.as_ref().ok_or("--sign-key is required")?;
    let ack_key = SigningKey::from_jwk(&read(sign_path)?)
        .map_err(|e| format!("{}: {e}", sign_path.display()))?;
    let replay = match &args.replay {
        Some(dir) => dir.clone(),
        None if !args.store.starts_with("s3://") => {
            let store = PathBuf::from(&args.store);
            let name = store
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            store.with_file_name(format!("{name}.replay"))
        }
        None => return Err("--register with an S3 store needs --replay DIR".into()),
    };
    RegisterAcceptor::new(key, registers, policies, ack_key, &replay)
        .map_err(|e| format!("{}: {e}", replay.display()))
}

/// SIGINT or SIGTERM: stop accepting, let the requests in progress finish.
async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn open_store(spec: &str) -> Result<Arc<dyn Store>, String> {
    if spec.starts_with("s3://") {
        #[cfg(feature = "s3")]
        {
            let store = minseal_receiver::store::S3Store::from_env(spec)
                .map_err(|e| format!("{spec}: {e}"))?;
            return Ok(Arc::new(store));
        }
        #[cfg(not(feature = "s3"))]
        return Err(format!(
            "{spec}: this build has no S3 support (build with --features s3)"
        ));
    }
    let (store, recovery) = FsStore::open(spec).map_err(|e| format!("{spec}: {e}"))?;
    if recovery.temp_files + recovery.orphan_records > 0 {
        eprintln!(
            "receiver: removed {} temporary file(s) and {} record(s) without an envelope left by an interrupted run",
            recovery.temp_files, recovery.orphan_records
        );
    }
    Ok(Arc::new(store))
}
