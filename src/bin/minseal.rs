//! The `minseal` command-line tool: argument parsing, files and streams, and calls into the
//! library (`minseal::api` and friends). No minimisation or sealing logic lives here.
//!
//! Exit codes: 0 success; 1 the input was refused (`ErrorCode::is_refusal`); 2 usage or I/O
//! error (clap's usage errors exit 2 too). Errors go to stderr as `error[code]: message`, with
//! one indented line per detail.

use clap::{Args, Parser, Subcommand, ValueEnum};
use minseal::api;
use minseal::keys::{PublicKey, SecretKey};
use minseal::minimise::{self, MinimiseOptions, Verification};
use minseal::policy::{self, Policy};
use minseal::seal::{
    self, Envelope, EnvelopeLimits, Header, Opener, SealParams, Sealer, BINARY_MAGIC,
};
use minseal::{Error, ErrorCode, Result};
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use zeroize::Zeroizing;

/// Minimise a JSON payload under a data-minimisation policy, then seal it with HPKE.
#[derive(Parser)]
#[command(name = "minseal", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 1 input refused, 2 usage or I/O error.\n\
Files default to stdin/stdout. Docs: docs/POLICY.md, docs/FORMAT.md."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate an X25519 key pair: private JWK to a new file (mode 0600), public JWK to stdout.
    Keygen {
        /// Where to write the private JWK.
        #[arg(long, value_name = "PRIVATE.jwk")]
        out: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
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
}

#[derive(Subcommand)]
enum PolicyCommand {
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
struct PolicyArg {
    /// Built-in policy id (see `minseal policy list`) or a policy file.
    #[arg(long, value_name = "ID|FILE")]
    policy: String,
}

#[derive(Args)]
struct MinimiseArgs {
    /// Write the receipt (what was removed, never values) to FILE.
    #[arg(long, value_name = "FILE")]
    receipt: Option<PathBuf>,
    /// Key for `hash` transforms: the file's raw bytes (at least 16).
    #[arg(long, value_name = "FILE")]
    hash_key_file: Option<PathBuf>,
    /// Refuse (forbidden_field) instead of removing forbidden fields.
    #[arg(long)]
    strict: bool,
}

#[derive(Args)]
struct InOut {
    /// Input file (default: stdin).
    #[arg(long = "in", value_name = "FILE")]
    input: Option<PathBuf>,
    /// Output file (default: stdout).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON object (docs/FORMAT.md, "JSON form").
    Json,
    /// The compact binary form (starts with "MNSL").
    Binary,
}

#[derive(Args)]
struct SealArgs {
    /// Policy to minimise under (built-in id or file); with --no-minimise, only named in the header.
    #[arg(long, value_name = "ID|FILE", required_unless_present = "no_minimise")]
    policy: Option<String>,
    /// Recipient public key file: a JWK, a JWK Set or raw base64url. Repeat for more recipients.
    #[arg(long, value_name = "PUBLIC.jwk", required = true)]
    to: Vec<PathBuf>,
    /// Envelope form.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Header metadata entry (clear text, authenticated). Repeatable.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_kv)]
    metadata: Vec<(String, String)>,
    /// Seal the input as is (any bytes; streams with --format binary).
    #[arg(long, conflicts_with_all = ["receipt", "hash_key_file", "strict"])]
    no_minimise: bool,
    /// The payload's media type, in the header.
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,
    #[command(flatten)]
    min: MinimiseArgs,
    #[command(flatten)]
    io: InOut,
}

#[derive(Args)]
struct OpenArgs {
    /// The recipient's private JWK.
    #[arg(long, value_name = "PRIVATE.jwk")]
    key: PathBuf,
    /// Also write the authenticated header (JSON) to FILE.
    #[arg(long, value_name = "FILE")]
    header: Option<PathBuf>,
    /// Verify the payload against the policy its header names; exit 1 unless it conforms.
    #[arg(long)]
    verify: bool,
    /// With --verify: the policy (file or id) when it is not a built-in; must match the header.
    #[arg(long, value_name = "ID|FILE", requires = "verify")]
    policy: Option<String>,
    /// Refuse (too_large) an envelope larger than N bytes, before reading past N.
    #[arg(long, value_name = "N")]
    max_envelope_bytes: Option<u64>,
    /// Refuse (limit_exceeded) an envelope of more than N payload chunks, before decrypting more.
    #[arg(long, value_name = "N")]
    max_chunks: Option<u64>,
    #[command(flatten)]
    io: InOut,
}

impl OpenArgs {
    fn limits(&self) -> EnvelopeLimits {
        let d = EnvelopeLimits::default();
        EnvelopeLimits {
            max_envelope_bytes: self.max_envelope_bytes.unwrap_or(d.max_envelope_bytes),
            max_chunks: self.max_chunks.unwrap_or(d.max_chunks),
            ..d
        }
    }
}

fn parse_kv(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err("expected KEY=VALUE".to_owned()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            report(&e);
            if e.code().is_refusal() {
                ExitCode::from(1)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

fn report(e: &Error) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "error[{}]: {}", e.code(), e.message());
    for d in e.details() {
        let _ = writeln!(err, "  {d}");
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Keygen { out, force } => keygen(&out, force),
        Command::Pubkey { key } => {
            let sk = SecretKey::from_jwk(&read_text(key.as_deref())?)?;
            write_line(&sk.public_key().to_jwk())
        }
        Command::Thumbprint { key } => {
            let text = read_text(key.as_deref())?;
            let kid = match PublicKey::parse_recipients(&text) {
                Ok(keys) if keys.len() == 1 => keys.first().map(PublicKey::kid),
                _ => None,
            };
            let kid = match kid {
                Some(k) => k,
                None => SecretKey::from_jwk(&text)
                    .map_err(|_| {
                        Error::new(
                            ErrorCode::InvalidKey,
                            "not one X25519 public JWK, private JWK or raw base64url key",
                        )
                    })?
                    .kid(),
            };
            write_line(&kid)
        }
        Command::Minimise { policy, min, io } => {
            let policy = load_policy(&policy.policy)?;
            let opts = minimise_options(&min)?;
            let payload = read_limited(io.input.as_deref(), opts.limits.max_bytes)?;
            let m = minimise::minimise(&policy, &payload, &opts)?;
            write_receipt(min.receipt.as_deref(), &m.receipt)?;
            write_output(io.out.as_deref(), &m.payload)
        }
        Command::Seal(args) => seal_cmd(args),
        Command::Open(args) => open_cmd(args),
        Command::Verify {
            policy,
            json,
            input,
        } => {
            let policy = load_policy(&policy.policy)?;
            let opts = MinimiseOptions::default();
            let payload = read_limited(input.as_deref(), opts.limits.max_bytes)?;
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
        Command::Policy(PolicyCommand::List { json }) => {
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
            write_output(None, out.as_bytes())
        }
        Command::Policy(PolicyCommand::Show { policy, canonical }) => {
            let p = load_policy(&policy)?;
            if canonical {
                return write_output(None, p.canonical_json().as_bytes());
            }
            let v: serde_json::Value = serde_json::from_str(p.canonical_json())
                .map_err(|e| Error::new(ErrorCode::InvalidPolicy, e.to_string()))?;
            write_line(&pretty(&v))
        }
        Command::Policy(PolicyCommand::Lint { file }) => {
            let p = Policy::from_json(&read_file(&file)?)?;
            write_line(&format!(
                "ok: {} {} sha256:{}",
                p.id(),
                p.version(),
                minseal::hex::encode(&p.digest())
            ))
        }
    }
}

// ---- commands -------------------------------------------------------------------------------

fn keygen(out: &Path, force: bool) -> Result<ExitCode> {
    let sk = SecretKey::generate()?;
    if force {
        match fs::remove_file(out) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(out, &e)),
        }
    }
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(out).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            Error::new(
                ErrorCode::InvalidArgument,
                format!("{} exists; pass --force to replace it", out.display()),
            )
        } else {
            io_err(out, &e)
        }
    })?;
    let jwk = sk.to_jwk();
    file.write_all(jwk.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(|e| io_err(out, &e))?;
    write_line(&sk.public_key().to_jwk())
}

fn seal_cmd(a: SealArgs) -> Result<ExitCode> {
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
        Format::Binary => write_output(a.io.out.as_deref(), &envelope.to_binary()),
    }
}

fn seal_stream(io: &InOut, recipients: &[PublicKey], params: &SealParams) -> Result<ExitCode> {
    let mut input = open_input(io.input.as_deref())?;
    with_output(io.out.as_deref(), |out| {
        let mut sealer = Sealer::new(out, recipients, params)?;
        io::copy(&mut input, &mut sealer).map_err(|e| seal::error_from_io(&e))?;
        sealer.finish()?;
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn open_cmd(a: OpenArgs) -> Result<ExitCode> {
    let sk = SecretKey::from_jwk(&read_text(Some(&a.key))?)?;
    let limits = a.limits();
    let mut input = BufReader::new(open_input(a.io.input.as_deref())?);
    let binary = {
        let head = input.fill_buf().map_err(|e| stdin_err(&e))?;
        head.starts_with(&BINARY_MAGIC)
    };
    if binary && !a.verify {
        // Streams: each chunk is authenticated before it is written; on failure a partial
        // --out file is removed (on stdout, a non-zero exit means: discard what you got).
        let header = with_output(a.io.out.as_deref(), |out| {
            let mut out = out;
            let mut opener = Opener::with_limits(&mut input, &sk, &limits)?;
            opener.copy_to(&mut out)?;
            Ok(opener.header().clone())
        })?;
        write_header(a.header.as_deref(), &header)?;
        return Ok(ExitCode::SUCCESS);
    }
    // One byte past the limit is enough to refuse the envelope as too large.
    let mut bytes = Vec::new();
    (&mut input)
        .take(limits.max_envelope_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| stdin_err(&e))?;
    let envelope = parse_envelope(&bytes, &limits)?;
    let (payload, header) = if a.verify {
        let explicit = a.policy.as_deref().map(load_policy).transpose()?;
        let received = api::open_and_verify_with_limits(
            &envelope,
            &sk,
            explicit.as_ref(),
            &MinimiseOptions::default(),
            &limits,
        )?;
        received.require_conformance()?;
        (received.payload, received.header)
    } else {
        let opened = seal::open_with_limits(&envelope, &sk, &limits)?;
        (opened.payload, opened.header)
    };
    write_header(a.header.as_deref(), &header)?;
    write_output(a.io.out.as_deref(), &payload)
}

/// Detects the form: binary starts with the magic bytes, JSON with `{` after whitespace.
fn parse_envelope(bytes: &[u8], limits: &EnvelopeLimits) -> Result<Envelope> {
    if bytes.starts_with(&BINARY_MAGIC) {
        return Envelope::from_binary_with_limits(bytes, limits);
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(Error::new(
            ErrorCode::MalformedEnvelope,
            "not an envelope: neither the binary magic \"MNSL\" nor a JSON object",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorCode::MalformedEnvelope,
            format!("JSON envelope: invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    Envelope::from_json_with_limits(text.trim(), limits)
}

// ---- helpers --------------------------------------------------------------------------------

/// A built-in id, else a policy file.
fn load_policy(arg: &str) -> Result<Policy> {
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

fn minimise_options(a: &MinimiseArgs) -> Result<MinimiseOptions> {
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

/// The header as a serde_json value, for pretty-printing (members sorted, as in its JCS form).
fn header_json(header: &Header) -> serde_json::Value {
    minseal::jcs::canonicalize(&header.to_value())
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

fn write_receipt(path: Option<&Path>, receipt: &minimise::Receipt) -> Result<()> {
    match path {
        Some(p) => write_file(p, format!("{}\n", receipt.to_json()).as_bytes()),
        None => Ok(()),
    }
}

fn write_header(path: Option<&Path>, header: &Header) -> Result<()> {
    match path {
        Some(p) => write_file(p, format!("{}\n", pretty(&header_json(header))).as_bytes()),
        None => Ok(()),
    }
}

fn io_err(path: &Path, e: &io::Error) -> Error {
    Error::new(ErrorCode::Io, format!("{}: {}", path.display(), e))
}

fn stdin_err(e: &io::Error) -> Error {
    Error::new(ErrorCode::Io, format!("reading input: {e}"))
}

fn prefix(e: Error, p: &str) -> Error {
    Error::with_details(
        e.code(),
        format!("{p}{}", e.message()),
        e.details().to_vec(),
    )
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| io_err(path, &e))
}

fn open_input(path: Option<&Path>) -> Result<Box<dyn Read>> {
    match path {
        Some(p) => Ok(Box::new(fs::File::open(p).map_err(|e| io_err(p, &e))?)),
        None => Ok(Box::new(io::stdin().lock())),
    }
}

fn read_all(path: Option<&Path>) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    open_input(path)?
        .read_to_end(&mut buf)
        .map_err(|e| stdin_err(&e))?;
    Ok(buf)
}

/// Reads at most `limit + 1` bytes: the policy engine then refuses an oversize input
/// (`too_large`) without the whole of it ever being held in memory.
fn read_limited(path: Option<&Path>, limit: usize) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    open_input(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| stdin_err(&e))?;
    Ok(buf)
}

fn read_text(path: Option<&Path>) -> Result<Zeroizing<String>> {
    let bytes = Zeroizing::new(match path {
        Some(p) => read_file(p)?,
        None => read_all(None)?,
    });
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::new(ErrorCode::InvalidKey, "key file is not UTF-8"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(|e| io_err(path, &e))
}

/// Runs `f` on the output: stdout, or a temporary file renamed to `path` only on success (so a
/// failed or tampered stream never leaves a partial output file behind).
fn with_output<T>(path: Option<&Path>, f: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    match path {
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            let t = f(&mut out)?;
            out.flush().map_err(|e| stdout_err(&e))?;
            Ok(t)
        }
        Some(p) => {
            let mut tmp = p.as_os_str().to_owned();
            tmp.push(".partial");
            let tmp = PathBuf::from(tmp);
            let file = fs::File::create(&tmp).map_err(|e| io_err(&tmp, &e))?;
            let mut out = io::BufWriter::new(file);
            let result = f(&mut out).and_then(|t| {
                out.flush().map_err(|e| io_err(&tmp, &e))?;
                Ok(t)
            });
            drop(out);
            match result {
                Ok(t) => {
                    fs::rename(&tmp, p).map_err(|e| io_err(p, &e))?;
                    Ok(t)
                }
                Err(e) => {
                    let _ = fs::remove_file(&tmp);
                    Err(e)
                }
            }
        }
    }
}

fn stdout_err(e: &io::Error) -> Error {
    Error::new(ErrorCode::Io, format!("writing output: {e}"))
}

fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<ExitCode> {
    match path {
        Some(p) => write_file(p, bytes)?,
        None => {
            let mut out = io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| stdout_err(&e))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_line_to(path: Option<&Path>, text: &str) -> Result<ExitCode> {
    write_output(path, format!("{text}\n").as_bytes())
}

fn write_line(text: &str) -> Result<ExitCode> {
    write_line_to(None, text)
}
