//! Removing the sandbox's own files, and nothing else: `STRONGROOM_SANDBOX_DIR` may point at a
//! directory that also holds other things, so only names the sandbox creates are deleted.

use std::path::Path;

use super::error::SandboxError;
use super::state::{CREDENTIALS_FILE, SEEDED_MARKER, STATE_FILE};

/// Is `name` one the sandbox creates in its directory?
pub fn is_ours(name: &str) -> bool {
    if [
        STATE_FILE,
        CREDENTIALS_FILE,
        SEEDED_MARKER,
        "data",
        super::up_pg::PG_DIR,
    ]
    .contains(&name)
        || name == format!("{STATE_FILE}.tmp")
    {
        return true;
    }
    let Some(rest) = name.strip_prefix("node") else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    matches!(&rest[digits..], "" | ".hcl" | ".log" | "-audit.log")
}

/// Delete the sandbox's files in `dir` (a missing `dir` is fine).
pub fn clear(dir: &Path) -> Result<(), SandboxError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(SandboxError::io(
                format!("cannot read {}", dir.display()),
                e,
            ));
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !is_ours(&name.to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let res = if is_dir {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        res.map_err(|e| SandboxError::io(format!("cannot delete {}", path.display()), e))?;
    }
    Ok(())
}

/// Delete the sandbox's files, then `dir` itself if nothing else is left in it. True when the
/// directory is gone.
pub fn remove(dir: &Path) -> Result<bool, SandboxError> {
    clear(dir)?;
    match std::fs::remove_dir(dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(_) => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sandbox_names_are_ours() {
        for n in [
            "sandbox.json",
            "credentials.json",
            "seeded",
            "data",
            "node1",
            "node12.hcl",
            "node2.log",
            "node3-audit.log",
            "postgres",
        ] {
            assert!(is_ours(n), "{n}");
        }
        for n in [
            "notes.txt",
            "node",
            "nodes",
            "node1.txt",
            ".bashrc",
            "data2",
        ] {
            assert!(!is_ours(n), "{n}");
        }
    }

    #[test]
    fn remove_keeps_foreign_files() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("sandbox.json"), "{}").unwrap();
        std::fs::create_dir_all(d.path().join("data/node1")).unwrap();
        std::fs::write(d.path().join("mine.txt"), "keep").unwrap();
        assert!(!remove(d.path()).unwrap());
        assert!(d.path().join("mine.txt").exists());
        assert!(!d.path().join("data").exists());
        std::fs::remove_file(d.path().join("mine.txt")).unwrap();
        assert!(remove(d.path()).unwrap());
        assert!(!d.path().exists());
    }
}
