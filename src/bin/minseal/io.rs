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

/// Permissions of a new output file, before the umask.
#[derive(Clone, Copy)]
pub enum Perm {
    /// 0600: decrypted plaintext, readable by its owner only, like the private key.
    Private,
    /// 0666 less the umask, as any new file.
    Default,
}

/// Writes `bytes` to `path` whole or not at all (see [`with_output`]).
pub fn write_file(path: &Path, bytes: &[u8], perm: Perm) -> Result<()> {
    with_output(Some(path), perm, |out| {
        out.write_all(bytes).map_err(|e| io_err(path, &e))
    })
}

/// Runs `f` on the output, then makes what it wrote visible at once.
///
/// - `None`: stdout, streamed as `f` writes (a caller that must write nothing before its input
///   is authenticated collects the bytes first).
/// - A regular file, or a name that does not exist yet: `f` writes to a temporary file in the
///   same directory, which is fsynced and renamed onto the path only if `f` succeeds (then the
///   directory is fsynced too); on failure it is removed and the path is left as it was.
///   A symbolic link is followed: its target is what gets replaced.
/// - Anything else (a FIFO, a device): the bytes are held in memory and written in one go
///   after `f` succeeds, since such a file cannot be replaced by a rename.
pub fn with_output<T>(
    path: Option<&Path>,
    perm: Perm,
    f: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let Some(p) = path else {
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        let t = f(&mut out)?;
        out.flush().map_err(|e| stdout_err(&e))?;
        return Ok(t);
    };
    match fs::metadata(p) {
        Ok(m) if !m.is_file() => {
            let mut buf = Zeroizing::new(Vec::new());
            let t = f(&mut *buf)?;
            fs::write(p, &*buf).map_err(|e| io_err(p, &e))?;
            Ok(t)
        }
        existing => {
            let dest = match existing {
                Ok(_) => fs::canonicalize(p).map_err(|e| io_err(p, &e))?,
                Err(_) => p.to_path_buf(),
            };
            let mut tmp = TempFile::create(&dest, perm)?;
            let t = f(&mut tmp)?;
            tmp.commit()?;
            Ok(t)
        }
    }
}

/// A temporary file beside `dest`: [`TempFile::commit`] renames it onto `dest`; dropped
/// without a commit (an error, an early return), it is removed.
struct TempFile {
    out: io::BufWriter<fs::File>,
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl TempFile {
    fn create(dest: &Path, perm: Perm) -> Result<Self> {
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = dest.file_name().map_or_else(
            || dest.as_os_str().to_string_lossy(),
            |n| n.to_string_lossy(),
        );
        // A hidden name that says what it is; `create_new` never reuses a file left behind by
        // a killed run with the same process id.
        let pid = std::process::id();
        let mut attempt = 0u32;
        loop {
            let tmp = dir.join(format!(".{name}.minseal-{pid}-{attempt}.tmp"));
            let mut opts = fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(match perm {
                    Perm::Private => 0o600,
                    Perm::Default => 0o666,
                });
            }
            #[cfg(not(unix))]
            let _ = perm;
            match opts.open(&tmp) {
                Ok(file) => {
                    return Ok(Self {
                        out: io::BufWriter::new(file),
                        tmp,
                        dest: dest.to_path_buf(),
                        committed: false,
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(io_err(&tmp, &e)),
            }
        }
    }

    /// Flush, fsync, rename onto the destination, fsync the directory: once this returns, the
    /// whole output is at its name and survives a crash.
    fn commit(mut self) -> Result<()> {
        self.out.flush().map_err(|e| io_err(&self.tmp, &e))?;
        self.out
            .get_ref()
            .sync_all()
            .map_err(|e| io_err(&self.tmp, &e))?;
        fs::rename(&self.tmp, &self.dest).map_err(|e| io_err(&self.dest, &e))?;
        self.committed = true;
        #[cfg(unix)]
        if let Some(dir) = self.dest.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| io_err(dir, &e))?;
        }
        Ok(())
    }
}

impl Write for TempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

pub fn write_output(path: Option<&Path>, bytes: &[u8], perm: Perm) -> Result<ExitCode> {
    match path {
        Some(p) => write_file(p, bytes, perm)?,
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
    write_output(path, format!("{text}\n").as_bytes(), Perm::Default)
}

pub fn write_line(text: &str) -> Result<ExitCode> {
    write_line_to(None, text)
}
