//! Typed errors of the PostgreSQL process manager.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum PgError {
    /// No `initdb` + `postgres` pair where [`super::bin::PgBinaries::find`] looks.
    #[error(
        "PostgreSQL is not installed: no `initdb` and `postgres` in {looked}; install it \
         (Debian/Ubuntu: `apt-get install postgresql`; `bash scripts/test` does this) or point \
         {env} at the directory holding them"
    )]
    NotInstalled { looked: String, env: &'static str },
    /// Running as root, but there is no `postgres` OS user to run the server as.
    #[error(
        "running as root, but there is no `postgres` OS user to run PostgreSQL as (initdb and \
         postgres refuse to run as root); install the distribution's postgresql package, which \
         creates it"
    )]
    NoPostgresUser,
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A PostgreSQL tool ran and failed.
    #[error("`{what}` failed ({status}){}", tail_suffix(.tail))]
    Command {
        what: String,
        status: String,
        tail: String,
    },
    /// The server process exited while it should be starting.
    #[error("postgres exited during start-up (log: {}){}", log.display(), tail_suffix(.tail))]
    Exited { log: PathBuf, tail: String },
    /// A bounded wait ran out.
    #[error("timed out after {secs} s waiting for {what}")]
    Timeout { what: String, secs: u64 },
    /// No free port on 127.0.0.1 for the server.
    #[error("no free port on 127.0.0.1 found for PostgreSQL")]
    NoFreePort,
    /// The recorded state of a cluster is unreadable, or its data directory is gone.
    #[error("PostgreSQL state in {}: {reason}", dir.display())]
    State { dir: PathBuf, reason: String },
}

fn tail_suffix(tail: &str) -> String {
    if tail.trim().is_empty() {
        String::new()
    } else {
        format!(":\n{}", tail.trim_end())
    }
}

impl PgError {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        PgError::Io {
            context: context.into(),
            source,
        }
    }

    /// True when PostgreSQL is simply not there (the sandbox then runs without it).
    pub fn is_not_installed(&self) -> bool {
        matches!(self, PgError::NotInstalled { .. } | PgError::NoPostgresUser)
    }

    /// True when the server died because its port was taken meanwhile (worth a new port).
    pub fn is_port_clash(&self) -> bool {
        matches!(self, PgError::Exited { tail, .. }
            if tail.contains("could not bind") || tail.contains("Address already in use"))
    }
}
