//! A PostgreSQL server of our own, for the sandbox and the live tests: `initdb` into a fresh
//! directory, `postgres` started directly on 127.0.0.1 only (unix socket in the data directory),
//! tracked and stopped by PID, with a superuser role `vault` whose generated password only ever
//! lives in a [`SecretString`].
//!
//! initdb and postgres refuse to run as root: as root, both run as the `postgres` OS user, and
//! the data directory then lives in the temporary directory (the caller's directory, e.g. a
//! private sandbox directory under /root, is not reachable for that user). `postgres.json` in the
//! caller's directory records where, so later runs stop, restart or delete it.

pub mod bin;
pub mod error;
pub mod record;
pub mod sql;

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use secrecy::{ExposeSecret, SecretString};

pub use bin::{PgBinaries, RunAs};
pub use error::PgError;
pub use record::PgRecord;

use super::{ports, process};

/// The role the Vault database mount connects as.
pub const VAULT_ROLE: &str = "vault";
/// The bootstrap superuser initdb creates (reached over the unix socket, trust auth).
pub const BOOTSTRAP_ROLE: &str = "postgres";
/// How long a started server gets to accept connections.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Per stop signal (fast shutdown, then immediate, then SIGKILL).
const STOP_GRACE: Duration = Duration::from_secs(10);
const PORT_ATTEMPTS: usize = 3;

/// A running (or recorded) PostgreSQL server. Dropping it stops the server (and deletes a data
/// directory kept outside its directory) unless [`detach`](Self::detach)ed.
#[derive(Debug)]
pub struct Postgres {
    /// The caller's directory: `postgres.json`, `postgres.log`, and the data unless root.
    pub dir: PathBuf,
    pub record: PgRecord,
    pub(crate) run_as: RunAs,
    password: Option<SecretString>,
    child: Option<Child>,
    stop_on_drop: bool,
    /// Created by this value ([`start`](Self::start)): a drop that stops it also deletes a data
    /// directory kept outside `dir`. A resumed server's data is never deleted on drop.
    created: bool,
}

impl Postgres {
    /// Create a new cluster for `dir` (created 0700 if missing), start it on a free port and
    /// create the `vault` superuser with a generated password.
    pub fn start(dir: &Path) -> Result<Postgres, PgError> {
        let bins = PgBinaries::find()?;
        let run_as = RunAs::detect()?;
        mkdir_private(dir)?;
        let data_dir = new_data_dir(dir, run_as)?;
        let mut pg = Postgres {
            dir: dir.to_path_buf(),
            record: PgRecord {
                data_dir,
                bin_dir: bins.dir.clone(),
                port: 0,
                pid: None,
            },
            run_as,
            password: None,
            child: None,
            stop_on_drop: true,
            created: true,
        };
        pg.initdb()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            pg.record.port = ports::pick_one().ok_or(PgError::NoFreePort)?;
            pg.spawn()?;
            match pg.wait_ready(START_TIMEOUT) {
                Ok(()) => break,
                Err(e) if e.is_port_clash() && attempt < PORT_ATTEMPTS => pg.stop(),
                Err(e) => return Err(e),
            }
        }
        pg.password = Some(pg.create_role(VAULT_ROLE, true)?);
        pg.record.save(dir)?;
        Ok(pg)
    }

    /// Take over the cluster recorded in `dir`: adopt it when it runs, start it again (same
    /// port, same data) when it does not. `None` when `dir` records none; an error when its data
    /// directory is gone. A server started here is stopped on drop; an adopted one is not.
    pub fn resume(dir: &Path) -> Result<Option<Postgres>, PgError> {
        let Some(record) = PgRecord::load(dir)? else {
            return Ok(None);
        };
        if !record.data_dir.join("PG_VERSION").exists() {
            return Err(PgError::State {
                dir: dir.to_path_buf(),
                reason: format!("its data directory {} is gone", record.data_dir.display()),
            });
        }
        let mut pg = Postgres {
            dir: dir.to_path_buf(),
            record,
            run_as: RunAs::detect()?,
            password: None,
            child: None,
            stop_on_drop: false,
            created: false,
        };
        if pg.is_running() {
            return Ok(Some(pg));
        }
        pg.stop_on_drop = true;
        pg.spawn()?;
        pg.wait_ready(START_TIMEOUT)?;
        pg.record.save(dir)?;
        Ok(Some(pg))
    }

    /// Stop the server recorded in `dir`, if it runs. True when one was running.
    pub fn stop_in(dir: &Path) -> Result<bool, PgError> {
        let Some(record) = PgRecord::load(dir)? else {
            return Ok(false);
        };
        let mut pg = Postgres {
            dir: dir.to_path_buf(),
            record,
            run_as: RunAs::Current,
            password: None,
            child: None,
            stop_on_drop: false,
            created: false,
        };
        let was = pg.is_running();
        pg.stop();
        pg.record.save(dir)?;
        Ok(was)
    }

    /// Stop it and delete a data directory kept outside `dir` (the caller deletes `dir`).
    pub fn remove_in(dir: &Path) -> Result<bool, PgError> {
        let was = Postgres::stop_in(dir)?;
        if let Some(r) = PgRecord::load(dir)?
            && r.data_is_outside(dir)
        {
            remove_dir(&r.data_dir)?;
        }
        Ok(was)
    }

    /// The server recorded in `dir` and whether it runs; `None` when none is recorded.
    pub fn status_in(dir: &Path) -> Result<Option<(PgRecord, bool)>, PgError> {
        Ok(PgRecord::load(dir)?.map(|record| {
            let running = record
                .pid
                .is_some_and(|pid| process::is_node_process(pid, &record.data_dir));
            (record, running)
        }))
    }

    /// Leave the server running when this value is dropped (and this process exits).
    pub fn detach(&mut self) {
        self.stop_on_drop = false;
        self.child = None;
    }

    pub fn port(&self) -> u16 {
        self.record.port
    }

    pub fn pid(&self) -> Option<u32> {
        self.record.pid
    }

    pub fn data_dir(&self) -> &Path {
        &self.record.data_dir
    }

    /// The server's log (initdb's output too).
    pub fn log_path(&self) -> PathBuf {
        self.dir.join(record::LOG_FILE)
    }

    /// The generated password of the `vault` role: known to the run that created it.
    pub fn vault_password(&self) -> Option<&SecretString> {
        self.password.as_ref()
    }

    /// `postgresql://vault:<password>@127.0.0.1:<port>/postgres?sslmode=disable` (a secret).
    pub fn connection_url(&self) -> Option<SecretString> {
        self.password.as_ref().map(|p| {
            SecretString::from(format!(
                "postgresql://{VAULT_ROLE}:{}@127.0.0.1:{}/postgres?sslmode=disable",
                p.expose_secret(),
                self.port()
            ))
        })
    }

    /// The same URL with Vault's `{{username}}`/`{{password}}` placeholders (no secret in it).
    pub fn template_url(&self) -> String {
        format!(
            "postgresql://{{{{username}}}}:{{{{password}}}}@127.0.0.1:{}/postgres?sslmode=disable",
            self.port()
        )
    }

    /// Is the recorded PID still this cluster's postmaster (reaping it when it is our child)?
    pub fn is_running(&mut self) -> bool {
        if let Some(child) = &mut self.child {
            return match child.try_wait() {
                Ok(None) => true,
                _ => {
                    self.child = None;
                    false
                }
            };
        }
        self.record
            .pid
            .is_some_and(|pid| process::is_node_process(pid, &self.record.data_dir))
    }

    /// Fast shutdown (SIGINT: a smart SIGTERM would wait for Vault's pooled connections to
    /// close), then SIGQUIT, then SIGKILL, each with a bounded wait.
    pub fn stop(&mut self) {
        for sig in [Signal::SIGINT, Signal::SIGQUIT, Signal::SIGKILL] {
            if !self.is_running() {
                break;
            }
            if let Some(pid) = self.record.pid {
                process::signal(pid, sig);
            }
            if process::wait_until_gone(|| self.is_running(), STOP_GRACE) {
                break;
            }
        }
        if !self.is_running() {
            self.record.pid = None;
        }
    }

    fn bins(&self) -> PgBinaries {
        PgBinaries {
            dir: self.record.bin_dir.clone(),
        }
    }

    /// A PostgreSQL program with a clean environment, run as the server's user.
    fn server_command(&self, program: &str) -> Result<Command, PgError> {
        let mut cmd = Command::new(self.bins().program(program));
        cmd.env_clear()
            .env("LC_ALL", "C")
            .current_dir(&self.record.data_dir)
            .stdin(Stdio::null());
        let log = self.log_path();
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .map_err(|e| PgError::io(format!("cannot open {}", log.display()), e))?;
        let err = out
            .try_clone()
            .map_err(|e| PgError::io(format!("cannot open {}", log.display()), e))?;
        cmd.stdout(out).stderr(err);
        self.run_as.apply(&mut cmd);
        Ok(cmd)
    }

    fn initdb(&self) -> Result<(), PgError> {
        let status = self
            .server_command("initdb")?
            .arg("-D")
            .arg(&self.record.data_dir)
            .args([
                "-U",
                BOOTSTRAP_ROLE,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .status()
            .map_err(|e| PgError::io("cannot run initdb", e))?;
        if status.success() {
            Ok(())
        } else {
            Err(PgError::Command {
                what: "initdb".into(),
                status: status.to_string(),
                tail: process::log_tail(&self.log_path(), 2000),
            })
        }
    }

    /// Start `postgres` in its own process group (a Ctrl-C in the terminal does not reach it).
    fn spawn(&mut self) -> Result<(), PgError> {
        use std::os::unix::process::CommandExt;
        let data = self.record.data_dir.display().to_string();
        let child = self
            .server_command("postgres")?
            .arg("-D")
            .arg(&self.record.data_dir)
            .arg("-p")
            .arg(self.port().to_string())
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args(["-c", &format!("unix_socket_directories={data}")])
            .args(["-c", "unix_socket_permissions=0700"])
            .args(["-c", "synchronous_commit=off"])
            // A failing statement (e.g. CREATE ROLE … PASSWORD) must never reach the log.
            .args(["-c", "log_min_error_statement=panic"])
            .process_group(0)
            .spawn()
            .map_err(|e| PgError::io("cannot start postgres", e))?;
        self.record.pid = Some(child.id());
        self.child = Some(child);
        Ok(())
    }

    /// Poll (bounded) until the server answers a query over its socket.
    fn wait_ready(&mut self, within: Duration) -> Result<(), PgError> {
        let deadline = Instant::now() + within;
        loop {
            if !self.is_running() {
                return Err(PgError::Exited {
                    log: self.log_path(),
                    tail: process::log_tail(&self.log_path(), 2000),
                });
            }
            if self.query("SELECT 1").is_ok_and(|rows| rows == ["1"]) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(PgError::Timeout {
                    what: format!("PostgreSQL on 127.0.0.1:{}", self.port()),
                    secs: within.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if !self.stop_on_drop {
            return;
        }
        self.stop();
        if self.created && self.record.data_is_outside(&self.dir) {
            let _ = remove_dir(&self.record.data_dir);
        }
    }
}

/// `<dir>/data`, or for root a fresh `strongroom-pg-*` directory in the temporary directory
/// owned by the `postgres` user; either one mode 0700.
fn new_data_dir(dir: &Path, run_as: RunAs) -> Result<PathBuf, PgError> {
    use std::os::unix::fs::DirBuilderExt;
    let data = match run_as {
        RunAs::Current => {
            let d = dir.join("data");
            remove_dir(&d)?;
            mkdir_private(&d)?;
            return Ok(d);
        }
        RunAs::User { .. } => {
            let mut found = None;
            for _ in 0..20 {
                let d = std::env::temp_dir().join(format!("strongroom-pg-{}", sql::random_hex(6)?));
                match std::fs::DirBuilder::new().mode(0o700).create(&d) {
                    Ok(()) => {
                        found = Some(d);
                        break;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(PgError::io(format!("cannot create {}", d.display()), e)),
                }
            }
            found.ok_or_else(|| {
                PgError::io(
                    "cannot create a data directory",
                    std::io::ErrorKind::AlreadyExists.into(),
                )
            })?
        }
    };
    run_as.own(&data)?;
    Ok(data)
}

fn mkdir_private(dir: &Path) -> Result<(), PgError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| PgError::io(format!("cannot create {}", dir.display()), e))
}

fn remove_dir(dir: &Path) -> Result<(), PgError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(PgError::io(format!("cannot delete {}", dir.display()), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(password: Option<&str>) -> Postgres {
        Postgres {
            dir: PathBuf::from("/tmp/x"),
            record: PgRecord {
                data_dir: PathBuf::from("/tmp/x/data"),
                bin_dir: PathBuf::from("/usr/lib/postgresql/15/bin"),
                port: 25432,
                pid: None,
            },
            run_as: RunAs::Current,
            password: password.map(|p| SecretString::from(p.to_string())),
            child: None,
            stop_on_drop: false,
            created: false,
        }
    }

    #[test]
    fn urls_carry_the_port_and_the_password_only_in_the_secret_one() {
        let pg = recorded(Some("0123abcd"));
        assert_eq!(
            pg.template_url(),
            "postgresql://{{username}}:{{password}}@127.0.0.1:25432/postgres?sslmode=disable"
        );
        let url = pg.connection_url().expect("known password");
        assert_eq!(
            url.expose_secret(),
            "postgresql://vault:0123abcd@127.0.0.1:25432/postgres?sslmode=disable"
        );
        assert!(!format!("{pg:?}").contains("0123abcd"), "{pg:?}");
        assert!(recorded(None).connection_url().is_none());
    }

    #[test]
    fn a_recorded_pid_that_is_not_our_server_is_not_running() {
        let mut pg = recorded(None);
        assert!(!pg.is_running());
        // Our own PID: alive, but its command line does not name the data directory.
        pg.record.pid = Some(std::process::id());
        assert!(!pg.is_running());
        pg.stop();
        assert_eq!(pg.record.pid, None);
    }
}
