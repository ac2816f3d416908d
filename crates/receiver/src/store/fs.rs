//! The default store: one directory on the local disk.
//!
//! Layout: `<id>.envelope` (the request body, byte for byte) and `<id>.record.json` (the
//! receiver's record); `.tmp-*` files while writing; `.lock` while a receiver runs.
//!
//! A put writes the record to a temporary file, fsyncs it, renames it into place and fsyncs the
//! directory; then the same for the envelope, except that the final name is created with a hard
//! link, which fails rather than replaces when the name exists. The envelope's name appearing is
//! the commit point: a crash before it leaves at most a record without an envelope (removed at
//! the next start, and rewritten by a retry), a crash after it a complete, durable envelope. No
//! final name ever shows a partial file: a name only appears once its bytes are on disk.

use super::{valid_id, BoxFuture, Item, Put, Store, StoreError};
use bytes::Bytes;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

const ENVELOPE: &str = ".envelope";
const RECORD: &str = ".record.json";
const TEMP_PREFIX: &str = ".tmp-";
const LOCK: &str = ".lock";
/// Puts of the same id are serialised through one of these locks (by a hash of the id), so two
/// concurrent requests for one id cannot interleave their record and envelope writes.
const STRIPES: usize = 64;

/// Envelopes in a local directory, written with temporary file, fsync, rename/link, directory
/// fsync. One receiver process per directory (an exclusive lock on `.lock` enforces it).
pub struct FsStore {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    stripes: Vec<Mutex<()>>,
    counter: AtomicU64,
    // Held for the store's lifetime; the OS releases it when the process dies.
    _lock: File,
}

/// What [`FsStore::open`] cleaned up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Temporary files left by writes that never completed.
    pub temp_files: usize,
    /// Records whose envelope was never committed.
    pub orphan_records: usize,
}

impl FsStore {
    /// Opens (creating it if needed) the store in `dir`: takes the directory's lock, then removes
    /// what an interrupted put left behind (temporary files, records without an envelope).
    pub fn open(dir: impl Into<PathBuf>) -> io::Result<(Self, Recovery)> {
        let dir = dir.into();
        fs::create_dir_all(&dir)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK))?;
        lock.try_lock().map_err(|_| {
            io::Error::new(
                io::ErrorKind::WouldBlock,
                format!("{} is in use by another receiver", dir.display()),
            )
        })?;
        let recovery = recover(&dir)?;
        let inner = Inner {
            dir,
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
            counter: AtomicU64::new(0),
            _lock: lock,
        };
        Ok((
            Self {
                inner: Arc::new(inner),
            },
            recovery,
        ))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }
}

fn recover(dir: &Path) -> io::Result<Recovery> {
    let mut recovery = Recovery::default();
    let mut records = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with(TEMP_PREFIX) {
            fs::remove_file(dir.join(name))?;
            recovery.temp_files += 1;
        } else if let Some(id) = name.strip_suffix(RECORD) {
            records.push(id.to_owned());
        }
    }
    for id in records {
        if !dir.join(format!("{id}{ENVELOPE}")).exists() {
            fs::remove_file(dir.join(format!("{id}{RECORD}")))?;
            recovery.orphan_records += 1;
        }
    }
    sync_dir(dir)?;
    Ok(recovery)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl Inner {
    /// A new temporary file holding `bytes`, fsynced.
    fn write_temp(&self, id: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let path = self
            .dir
            .join(format!("{TEMP_PREFIX}{id}-{}-{n}", std::process::id()));
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        let written = f.write_all(bytes).and_then(|()| f.sync_all());
        if let Err(e) = written {
            let _ = fs::remove_file(&path);
            return Err(e);
        }
        Ok(path)
    }

    /// Same bytes under `path`: already stored; other bytes: conflict.
    fn compare(path: &Path, bytes: &[u8]) -> Result<Put, StoreError> {
        if fs::read(path)? == bytes {
            Ok(Put::AlreadyStored)
        } else {
            Err(StoreError::Conflict)
        }
    }

    fn put(&self, item: &Item) -> Result<Put, StoreError> {
        if !valid_id(&item.id) {
            return Err(StoreError::InvalidId);
        }
        let stripe = item
            .id
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b.into()))
            % STRIPES;
        let _guard = self.stripes[stripe]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());

        let envelope_path = self.dir.join(format!("{}{ENVELOPE}", item.id));
        match fs::symlink_metadata(&envelope_path) {
            Ok(_) => return Self::compare(&envelope_path, &item.envelope),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }

        // The record first, durably, so that a committed envelope always has its record.
        let temp = self.write_temp(&item.id, &item.record)?;
        let record_path = self.dir.join(format!("{}{RECORD}", item.id));
        if let Err(e) = fs::rename(&temp, &record_path) {
            let _ = fs::remove_file(&temp);
            return Err(e.into());
        }
        sync_dir(&self.dir)?;

        // Then the envelope: the link is the commit point and never replaces a name.
        let temp = self.write_temp(&item.id, &item.envelope)?;
        let linked = fs::hard_link(&temp, &envelope_path);
        let _ = fs::remove_file(&temp);
        let outcome = match linked {
            Ok(()) => Put::Stored,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Self::compare(&envelope_path, &item.envelope)?
            }
            Err(e) => return Err(e.into()),
        };
        sync_dir(&self.dir)?;
        Ok(outcome)
    }
}

impl Store for FsStore {
    fn put(&self, item: Item) -> BoxFuture<'_, Result<Put, StoreError>> {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || inner.put(&item))
                .await
                .map_err(|e| StoreError::Io(e.to_string()))?
        })
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>> {
        let inner = Arc::clone(&self.inner);
        let id = id.to_owned();
        Box::pin(async move {
            if !valid_id(&id) {
                return Err(StoreError::InvalidId);
            }
            tokio::task::spawn_blocking(move || {
                match fs::read(inner.dir.join(format!("{id}{ENVELOPE}"))) {
                    Ok(b) => Ok(Some(Bytes::from(b))),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e.into()),
                }
            })
            .await
            .map_err(|e| StoreError::Io(e.to_string()))?
        })
    }

    fn describe(&self) -> String {
        format!("directory {}", self.inner.dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("minseal-receiver-fs-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn item(id: &str, envelope: &[u8]) -> Item {
        Item {
            id: id.to_owned(),
            envelope: Bytes::copy_from_slice(envelope),
            record: Bytes::from_static(b"{}\n"),
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn put_is_idempotent_and_refuses_other_bytes() {
        let dir = tmp("idem");
        let (store, _) = FsStore::open(&dir).unwrap();
        assert_eq!(store.inner.put(&item("abc", b"one")).unwrap(), Put::Stored);
        assert_eq!(
            store.inner.put(&item("abc", b"one")).unwrap(),
            Put::AlreadyStored
        );
        assert!(matches!(
            store.inner.put(&item("abc", b"two")),
            Err(StoreError::Conflict)
        ));
        assert!(matches!(
            store.inner.put(&item("../x", b"one")),
            Err(StoreError::InvalidId)
        ));
        assert_eq!(fs::read(dir.join("abc.envelope")).unwrap(), b"one");
        assert_eq!(
            names(&dir),
            [".lock", "abc.envelope", "abc.record.json"].map(String::from)
        );
        drop(store);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn open_removes_what_an_interrupted_put_left() {
        let dir = tmp("recover");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(".tmp-abc-1-0"), b"half an env").unwrap();
        fs::write(dir.join("orphan.record.json"), b"{}").unwrap();
        fs::write(dir.join("kept.record.json"), b"{}").unwrap();
        fs::write(dir.join("kept.envelope"), b"whole").unwrap();
        let (store, recovery) = FsStore::open(&dir).unwrap();
        assert_eq!(
            recovery,
            Recovery {
                temp_files: 1,
                orphan_records: 1
            }
        );
        assert_eq!(
            names(&dir),
            [".lock", "kept.envelope", "kept.record.json"].map(String::from)
        );
        // A second receiver on the same directory is refused while the first holds it.
        assert!(FsStore::open(&dir).is_err());
        drop(store);
        assert!(FsStore::open(&dir).is_ok());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn concurrent_puts_of_one_id_store_one_copy() {
        let dir = tmp("race");
        let (store, _) = FsStore::open(&dir).unwrap();
        let outcomes: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let inner = &store.inner;
                    s.spawn(move || inner.put(&item("same", if i < 4 { b"a" } else { b"b" })))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let stored = outcomes
            .iter()
            .filter(|o| matches!(o, Ok(Put::Stored)))
            .count();
        let again = outcomes
            .iter()
            .filter(|o| matches!(o, Ok(Put::AlreadyStored)))
            .count();
        let conflicts = outcomes
            .iter()
            .filter(|o| matches!(o, Err(StoreError::Conflict)))
            .count();
        assert_eq!((stored, again + stored, conflicts), (1, 4, 4));
        assert_eq!(
            names(&dir),
            [".lock", "same.envelope", "same.record.json"].map(String::from)
        );
        drop(store);
        fs::remove_dir_all(&dir).unwrap();
    }
}
