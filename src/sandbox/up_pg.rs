//! The sandbox's PostgreSQL (in `<sandbox>/postgres`): started with a new sandbox, restarted
//! with a reused one, stopped with the nodes. PostgreSQL is optional: when it is missing or does
//! not start, the sandbox comes up without the `database/` mount and says why once.
// Headless: tells the user (stderr) why the database mount is missing.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};

use super::error::SandboxError;
use super::postgres::{PgBinaries, PgError, Postgres, RunAs};

pub const PG_DIR: &str = "postgres";

pub fn pg_dir(sandbox_dir: &Path) -> PathBuf {
    sandbox_dir.join(PG_DIR)
}

/// Run blocking PostgreSQL work (initdb, waits) off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, PgError> + Send + 'static,
) -> Result<T, PgError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(PgError::io("PostgreSQL task", std::io::Error::other(e))))
}

/// A new server for a new sandbox, or `None` (said once) when PostgreSQL is missing or fails.
pub async fn start_new(sandbox_dir: &Path) -> Option<Postgres> {
    let dir = pg_dir(sandbox_dir);
    match blocking(move || Postgres::start(&dir)).await {
        Ok(pg) => Some(pg),
        Err(e) => {
            say_without(&e);
            None
        }
    }
}

/// The recorded server of a reused sandbox, running again; `(server, fresh)` where `fresh`
/// means its data was gone and a new one was created (the mount then needs configuring again).
/// A sandbox created without PostgreSQL gets a new server once PostgreSQL is installed (and
/// stays quiet while it is not). `None` when there is none, or it cannot run (said once).
pub async fn resume(sandbox_dir: &Path) -> Option<(Postgres, bool)> {
    let dir = pg_dir(sandbox_dir);
    let d = dir.clone();
    match blocking(move || Postgres::resume(&d)).await {
        Ok(Some(pg)) => Some((pg, false)),
        Ok(None) if PgBinaries::find().is_ok() && RunAs::detect().is_ok() => {
            start_new(sandbox_dir).await.map(|pg| (pg, true))
        }
        Ok(None) => None,
        Err(PgError::State { .. }) => {
            let _ = blocking({
                let d = dir.clone();
                move || Postgres::remove_in(&d)
            })
            .await;
            start_new(sandbox_dir).await.map(|pg| (pg, true))
        }
        Err(e) => {
            say_without(&e);
            None
        }
    }
}

fn say_without(e: &PgError) {
    eprintln!(
        "strongroom sandbox: no database/ mount (dynamic PostgreSQL credentials), because {e}"
    );
}

/// Stop the sandbox's server if it runs; true when it did.
pub fn stop(sandbox_dir: &Path) -> Result<bool, SandboxError> {
    Postgres::stop_in(&pg_dir(sandbox_dir)).map_err(SandboxError::from)
}

/// Stop it and delete its data (also a data directory kept outside the sandbox directory).
pub fn remove(sandbox_dir: &Path) -> Result<(), SandboxError> {
    Postgres::remove_in(&pg_dir(sandbox_dir))
        .map(drop)
        .map_err(SandboxError::from)
}
