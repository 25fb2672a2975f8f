//! Finding PostgreSQL's programs (the newest `/usr/lib/postgresql/<version>/bin`, then PATH) and
//! the OS user to run the server as (`postgres` when we are root: initdb and postgres refuse root).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::PgError;

/// Overrides where the programs are looked for: only this directory is searched.
pub const BINDIR_ENV: &str = "STRONGROOM_PG_BINDIR";
/// Where Debian and Ubuntu install one directory per major version.
pub const DEBIAN_LIB: &str = "/usr/lib/postgresql";

/// The programs of one PostgreSQL installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBinaries {
    pub dir: PathBuf,
}

impl PgBinaries {
    /// `$STRONGROOM_PG_BINDIR` if set, else the newest `/usr/lib/postgresql/*/bin`, else PATH.
    pub fn find() -> Result<Self, PgError> {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let over = var(BINDIR_ENV);
        let looked = describe(over.as_ref().map(PathBuf::from).as_deref());
        candidate_dirs(over, Path::new(DEBIAN_LIB), var("PATH"))
            .into_iter()
            .find(|d| has_server(d))
            .map(|dir| PgBinaries { dir })
            .ok_or(PgError::NotInstalled {
                looked,
                env: BINDIR_ENV,
            })
    }

    pub fn program(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// `postgres --version`, e.g. `postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)`.
    pub fn version(&self) -> Option<String> {
        let out = Command::new(self.program("postgres"))
            .arg("--version")
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

/// Where to look, in order: the override alone when given; else every
/// `<lib>/<version>/bin`, newest version first, then each PATH directory.
pub fn candidate_dirs(
    override_dir: Option<OsString>,
    lib: &Path,
    path: Option<OsString>,
) -> Vec<PathBuf> {
    if let Some(d) = override_dir {
        return vec![PathBuf::from(d)];
    }
    let mut versions: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir(lib)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    version_key(&name).map(|k| (k, e.path().join("bin")))
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    let mut out: Vec<PathBuf> = versions.into_iter().map(|(_, p)| p).collect();
    if let Some(p) = path {
        out.extend(std::env::split_paths(&p));
    }
    out
}

/// `"15"` → `[15]`, `"9.6"` → `[9, 6]`; anything else is not a version directory.
pub fn version_key(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|p| p.parse::<u32>().ok()).collect()
}

fn has_server(dir: &Path) -> bool {
    ["initdb", "postgres", "psql"]
        .iter()
        .all(|p| is_executable(&dir.join(p)))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Where it looked, for the message: the override, or the usual places.
fn describe(override_dir: Option<&Path>) -> String {
    match override_dir {
        Some(d) => format!("{} ({BINDIR_ENV})", d.display()),
        None => format!("{DEBIAN_LIB}/*/bin or PATH"),
    }
}

/// Whom the server and initdb run as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunAs {
    /// This process's own user (not root).
    Current,
    /// Root drops to this user (`postgres`) for initdb and the server.
    User { uid: u32, gid: u32 },
}

impl RunAs {
    /// `Current` for a normal user; the `postgres` OS user when we are root.
    pub fn detect() -> Result<RunAs, PgError> {
        if !nix::unistd::geteuid().is_root() {
            return Ok(RunAs::Current);
        }
        match nix::unistd::User::from_name("postgres") {
            Ok(Some(u)) => Ok(RunAs::User {
                uid: u.uid.as_raw(),
                gid: u.gid.as_raw(),
            }),
            _ => Err(PgError::NoPostgresUser),
        }
    }

    /// Apply to a command (std drops supplementary groups when root sets a uid).
    pub fn apply(self, cmd: &mut Command) {
        use std::os::unix::process::CommandExt;
        if let RunAs::User { uid, gid } = self {
            cmd.gid(gid).uid(uid);
        }
    }

    /// Give `path` to the server's user (no-op for `Current`).
    pub fn own(self, path: &Path) -> Result<(), PgError> {
        match self {
            RunAs::Current => Ok(()),
            RunAs::User { uid, gid } => std::os::unix::fs::chown(path, Some(uid), Some(gid))
                .map_err(|e| PgError::io(format!("cannot chown {}", path.display()), e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_sort_newest_first() {
        assert_eq!(version_key("15"), Some(vec![15]));
        assert_eq!(version_key("9.6"), Some(vec![9, 6]));
        assert_eq!(version_key("main"), None);
        assert_eq!(version_key(""), None);
        let lib = tempfile::tempdir().unwrap();
        for v in ["9.6", "15", "13", "notes"] {
            std::fs::create_dir_all(lib.path().join(v).join("bin")).unwrap();
        }
        let got = candidate_dirs(None, lib.path(), Some("/usr/bin:/bin".into()));
        let want: Vec<PathBuf> = vec![
            lib.path().join("15/bin"),
            lib.path().join("13/bin"),
            lib.path().join("9.6/bin"),
            PathBuf::from("/usr/bin"),
            PathBuf::from("/bin"),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn the_override_is_the_only_place_looked() {
        let got = candidate_dirs(
            Some("/opt/pg/bin".into()),
            Path::new("/usr/lib/postgresql"),
            Some("/usr/bin".into()),
        );
        assert_eq!(got, vec![PathBuf::from("/opt/pg/bin")]);
    }

    #[test]
    fn a_directory_without_the_server_is_not_an_installation() {
        let d = tempfile::tempdir().unwrap();
        assert!(!has_server(d.path()));
        use std::os::unix::fs::PermissionsExt;
        for p in ["initdb", "postgres", "psql"] {
            let f = d.path().join(p);
            std::fs::write(&f, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        assert!(has_server(d.path()));
    }

    #[test]
    fn not_installed_names_where_it_looked_and_how_to_install() {
        let e = PgError::NotInstalled {
            looked: describe(Some(Path::new("/nowhere/bin"))),
            env: BINDIR_ENV,
        };
        let msg = e.to_string();
        assert!(
            msg.starts_with(
                "PostgreSQL is not installed: no `initdb` and `postgres` in /nowhere/bin \
                 (STRONGROOM_PG_BINDIR);"
            ),
            "{msg}"
        );
        assert_eq!(describe(None), "/usr/lib/postgresql/*/bin or PATH");
        assert!(msg.contains("apt-get install postgresql"), "{msg}");
        assert!(e.is_not_installed());
    }
}
