//! One `strongroom sandbox` run at a time per state directory: an exclusive `flock` on
//! `<state dir>/sandbox.lock`, held for the whole run (std's `File::try_lock`, so no extra crate).
//! A second run waits a bounded time, saying so, then gives up with [`SandboxError::Busy`].
//! The kernel drops the lock when the process exits, however it exits: no stale lock to clean up.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::cluster::mkdir_private;
use super::error::SandboxError;

pub const LOCK_FILE: &str = "sandbox.lock";
/// How long a second run waits for the first: longer than creating a sandbox on a busy machine.
pub const LOCK_WAIT: Duration = Duration::from_secs(300);
const POLL: Duration = Duration::from_millis(200);

/// The held lock; released when dropped.
#[derive(Debug)]
pub struct SandboxLock {
    _file: File,
    path: PathBuf,
}

impl SandboxLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

pub fn lock_path(dir: &Path) -> PathBuf {
    dir.join(LOCK_FILE)
}

/// Take the lock of `dir` (creating `dir`), waiting up to `within` for another run to finish.
/// `on_wait` is called once, when the lock is found taken.
pub async fn acquire(
    dir: &Path,
    within: Duration,
    on_wait: impl FnOnce(&Path),
) -> Result<SandboxLock, SandboxError> {
    mkdir_private(dir)?;
    let path = lock_path(dir);
    let deadline = Instant::now() + within;
    let mut on_wait = Some(on_wait);
    loop {
        if let Some(lock) = try_acquire(&path)? {
            return Ok(lock);
        }
        if let Some(f) = on_wait.take() {
            f(&path);
        }
        if Instant::now() >= deadline {
            return Err(SandboxError::Busy {
                lock: path,
                secs: within.as_secs(),
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// One attempt. `None` when another run holds it. A lock won on a file that `reset` deleted (or
/// replaced) meanwhile is worth nothing, so the path must still name the locked file; if not,
/// the new file is tried (a few times: each round needs another run's reset to race it).
fn try_acquire(path: &Path) -> Result<Option<SandboxLock>, SandboxError> {
    let ctx = || format!("cannot lock {}", path.display());
    for _ in 0..10 {
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path);
        let file = match opened {
            Ok(f) => f,
            // `reset` removed the directory meanwhile.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    mkdir_private(dir)?;
                }
                continue;
            }
            Err(e) => return Err(SandboxError::io(ctx(), e)),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(e)) => return Err(SandboxError::io(ctx(), e)),
        }
        let held = file.metadata().map_err(|e| SandboxError::io(ctx(), e))?;
        let same = std::fs::metadata(path)
            .is_ok_and(|now| now.dev() == held.dev() && now.ino() == held.ino());
        if same {
            return Ok(Some(SandboxLock {
                _file: file,
                path: path.to_path_buf(),
            }));
        }
    }
    Ok(None)
}

/// Delete the lock file while holding the lock (for `reset`, which removes the directory).
pub fn remove_file(lock: &SandboxLock) -> Result<(), SandboxError> {
    match std::fs::remove_file(&lock.path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(SandboxError::io(
            format!("cannot delete {}", lock.path.display()),
            e,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_lock_waits_then_gives_up_and_gets_it_once_released() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("sandbox");
        let first = acquire(&dir, Duration::ZERO, |_| panic!("free lock"))
            .await
            .unwrap();
        assert_eq!(first.path(), lock_path(&dir));
        let mut told = false;
        let err = acquire(&dir, Duration::from_millis(300), |_| told = true)
            .await
            .unwrap_err();
        assert!(told, "the waiting run says so");
        assert!(matches!(err, SandboxError::Busy { .. }), "{err}");
        assert!(err.to_string().contains("another"), "{err}");
        drop(first);
        acquire(&dir, Duration::ZERO, |_| panic!("released"))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_lock_on_a_deleted_file_does_not_count() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("sandbox");
        let first = acquire(&dir, Duration::ZERO, |_| {}).await.unwrap();
        remove_file(&first).unwrap();
        // The file is gone: a new run locks a new file, not the deleted one.
        let second = acquire(&dir, Duration::ZERO, |_| panic!("new file is free"))
            .await
            .unwrap();
        assert!(second.path().exists());
        drop(first);
    }
}
