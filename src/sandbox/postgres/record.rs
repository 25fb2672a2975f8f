//! `postgres.json`: where a started cluster's data lives, its port and the server's PID, so that
//! a later run (`sandbox down`, `sandbox up`) finds and stops or restarts it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::PgError;

pub const RECORD_FILE: &str = "postgres.json";
pub const LOG_FILE: &str = "postgres.log";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PgRecord {
    /// The cluster's data directory (PGDATA; also holds its unix socket).
    pub data_dir: PathBuf,
    /// The directory of the programs that created it (same major version to restart it).
    pub bin_dir: PathBuf,
    pub port: u16,
    /// The postmaster's PID while it runs.
    pub pid: Option<u32>,
}

impl PgRecord {
    /// `None` when `dir` holds no record.
    pub fn load(dir: &Path) -> Result<Option<PgRecord>, PgError> {
        let path = dir.join(RECORD_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(PgError::io(format!("cannot read {}", path.display()), e)),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| PgError::State {
                dir: dir.to_path_buf(),
                reason: format!("{RECORD_FILE} is not valid: {e}"),
            })
    }

    /// Write atomically (temporary file, then rename).
    pub fn save(&self, dir: &Path) -> Result<(), PgError> {
        let path = dir.join(RECORD_FILE);
        let tmp = dir.join(format!("{RECORD_FILE}.tmp"));
        let text = serde_json::to_vec_pretty(self).map_err(|e| PgError::State {
            dir: dir.to_path_buf(),
            reason: format!("cannot encode {RECORD_FILE}: {e}"),
        })?;
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| PgError::io(format!("cannot write {}", path.display()), e))
    }

    /// Is the data directory outside `dir` (root keeps it where the `postgres` user can reach it)?
    pub fn data_is_outside(&self, dir: &Path) -> bool {
        !self.data_dir.starts_with(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_absence() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(PgRecord::load(d.path()).unwrap(), None);
        let r = PgRecord {
            data_dir: d.path().join("data"),
            bin_dir: PathBuf::from("/usr/lib/postgresql/15/bin"),
            port: 25432,
            pid: Some(7),
        };
        r.save(d.path()).unwrap();
        assert_eq!(PgRecord::load(d.path()).unwrap(), Some(r.clone()));
        assert!(!r.data_is_outside(d.path()));
        let outside = PgRecord {
            data_dir: PathBuf::from("/tmp/strongroom-pg-1234"),
            ..r
        };
        assert!(outside.data_is_outside(d.path()));
        std::fs::write(d.path().join(RECORD_FILE), "{").unwrap();
        let e = PgRecord::load(d.path()).expect_err("invalid");
        assert!(e.to_string().contains("postgres.json is not valid"), "{e}");
    }
}
