//! Talking to our server with `psql`: queries as the bootstrap superuser over the unix socket
//! (trust, in a directory only the server's user can enter), login checks over TCP with a
//! password (given in `PGPASSWORD`, never on the command line), and generated passwords.
//!
//! `psql` instead of a client library: the console needs no PostgreSQL driver, and the tools
//! come with every PostgreSQL installation.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::error::PgError;
use super::{BOOTSTRAP_ROLE, Postgres};

/// Bounds every statement (and the connection attempt) of a `psql` run.
const STATEMENT_TIMEOUT_MS: u32 = 15_000;
const CONNECT_TIMEOUT_S: u32 = 5;

impl Postgres {
    fn psql(&self) -> Command {
        let mut cmd = Command::new(self.record.bin_dir.join("psql"));
        cmd.env_clear()
            .env("LC_ALL", "C")
            .env("PGCONNECT_TIMEOUT", CONNECT_TIMEOUT_S.to_string())
            .env(
                "PGOPTIONS",
                format!("-c statement_timeout={STATEMENT_TIMEOUT_MS}"),
            )
            .args(["-X", "-q", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1"])
            .arg("-p")
            .arg(self.port().to_string())
            .args(["-d", "postgres"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Run `sql` (on stdin, so a password in it is never in a process listing) as the bootstrap
    /// superuser; the output rows, one per line (`|` between columns).
    pub fn query(&self, sql: &str) -> Result<Vec<String>, PgError> {
        let mut cmd = self.psql();
        cmd.arg("-h")
            .arg(&self.record.data_dir)
            .args(["-U", BOOTSTRAP_ROLE]);
        let out = run(cmd, sql)?;
        if out.ok {
            Ok(out.stdout.lines().map(str::to_string).collect())
        } else {
            Err(PgError::Command {
                what: "psql".into(),
                status: out.status,
                tail: out.stderr,
            })
        }
    }

    /// Create a login role with a generated password (a superuser when `superuser`).
    pub fn create_role(&self, name: &str, superuser: bool) -> Result<SecretString, PgError> {
        let password = generate_password()?;
        let sql = Zeroizing::new(format!(
            "CREATE ROLE {} WITH LOGIN{} PASSWORD {};",
            quote_ident(name),
            if superuser { " SUPERUSER" } else { "" },
            quote_literal(password.expose_secret())
        ));
        self.query(&sql)?;
        Ok(password)
    }

    /// Which of `names` exist as roles (`pg_roles`), sorted.
    pub fn roles_present(&self, names: &[String]) -> Result<Vec<String>, PgError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = names.iter().map(|n| quote_literal(n)).collect();
        self.query(&format!(
            "SELECT rolname FROM pg_roles WHERE rolname IN ({}) ORDER BY rolname;",
            list.join(", ")
        ))
    }

    /// Log in over TCP on 127.0.0.1 as `user` with `password` and ask who we are. `Ok(false)`
    /// when the server refuses the login.
    pub fn can_login(&self, user: &str, password: &SecretString) -> Result<bool, PgError> {
        let mut cmd = self.psql();
        cmd.args(["-h", "127.0.0.1", "-U", user])
            .env("PGPASSWORD", password.expose_secret())
            .env("PGSSLMODE", "disable");
        let out = run(cmd, "SELECT current_user;")?;
        Ok(out.ok && out.stdout.trim() == user)
    }
}

struct Ran {
    ok: bool,
    status: String,
    stdout: String,
    stderr: String,
}

fn run(mut cmd: Command, stdin: &str) -> Result<Ran, PgError> {
    let mut child = cmd.spawn().map_err(|e| PgError::io("cannot run psql", e))?;
    if let Some(mut i) = child.stdin.take() {
        // A psql that failed at once closes its stdin; its exit status tells why.
        let _ = i.write_all(stdin.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| PgError::io("cannot run psql", e))?;
    Ok(Ran {
        ok: out.status.success(),
        status: out.status.to_string(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// A SQL string literal: `'…'` with quotes doubled (standard_conforming_strings is on).
pub fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A SQL identifier: `"…"` with double quotes doubled.
pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `2 * bytes` hex digits from the system's random source.
pub fn random_hex(bytes: usize) -> Result<String, PgError> {
    let mut buf = Zeroizing::new(vec![0u8; bytes]);
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| PgError::io("cannot read /dev/urandom", e))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// 32 hex digits (128 bits): safe in a URL and in a SQL literal without escaping.
pub fn generate_password() -> Result<SecretString, PgError> {
    random_hex(16).map(SecretString::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_the_quote_characters() {
        assert_eq!(quote_literal("a'b"), "'a''b'");
        assert_eq!(quote_literal(""), "''");
        assert_eq!(quote_ident("v-root-\"x"), "\"v-root-\"\"x\"");
    }

    #[test]
    fn passwords_are_long_random_hex() {
        let a = generate_password().unwrap();
        let b = generate_password().unwrap();
        assert_eq!(a.expose_secret().len(), 32);
        assert!(a.expose_secret().chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert!(!format!("{a:?}").contains(a.expose_secret()));
    }
}
