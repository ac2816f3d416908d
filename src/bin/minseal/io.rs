//! What every subcommand shares: reporting errors, reading inputs, writing outputs.

use minseal::{Error, ErrorCode, Result};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use zeroize::Zeroizing;

/// `error[code]: message` on stderr, then one indented line per detail.
pub fn report(e: &Error) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "error[{}]: {}", e.code(), e.message());
    for d in e.details() {
        let _ = writeln!(err, "  {d}");
    }
}

pub fn io_err(path: &Path, e: &io::Error) -> Error {
    Error::new(ErrorCode::Io, format!("{}: {}", path.display(), e))
}

pub fn stdin_err(e: &io::Error) -> Error {
    Error::new(ErrorCode::Io, format!("reading input: {e}"))
}

fn stdout_err(e: &io::Error) -> Error {
    Error::new(ErrorCode::Io, format!("writing output: {e}"))
}

/// The same error with `p` before its message (e.g. the file it came from).
pub fn prefix(e: Error, p: &str) -> Error {
    Error::with_details(
        e.code(),
        format!("{p}{}", e.message()),
        e.details().to_vec(),
    )
}

pub fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| io_err(path, &e))
}

pub fn open_input(path: Option<&Path>) -> Result<Box<dyn Read>> {
    match path {
        Some(p) => Ok(Box::new(fs::File::open(p).map_err(|e| io_err(p, &e))?)),
        None => Ok(Box::new(io::stdin().lock())),
    }
}

pub fn read_all(path: Option<&Path>) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    open_input(path)?
        .read_to_end(&mut buf)
        .map_err(|e| stdin_err(&e))?;
    Ok(buf)
}

/// Reads at most `limit + 1` bytes: the policy engine then refuses an oversize input
/// (`too_large`) without the whole of it ever being held in memory.
pub fn read_limited(path: Option<&Path>, limit: usize) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    open_input(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| stdin_err(&e))?;
    Ok(buf)
}

pub fn read_text(path: Option<&Path>) -> Result<Zeroizing<String>> {
    let bytes = Zeroizing::new(match path {
        Some(p) => read_file(p)?,
        None => read_all(None)?,
    });
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::new(ErrorCode::InvalidKey, "key file is not UTF-8"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(|e| io_err(path, &e))
}

/// Runs `f` on the output: stdout, or a temporary file renamed to `path` only on success (so a
/// failed or tampered stream never leaves a partial output file behind).
pub fn with_output<T>(
    path: Option<&Path>,
    f: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
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

pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<ExitCode> {
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

pub fn write_line_to(path: Option<&Path>, text: &str) -> Result<ExitCode> {
    write_output(path, format!("{text}\n").as_bytes())
}

pub fn write_line(text: &str) -> Result<ExitCode> {
    write_line_to(None, text)
}
