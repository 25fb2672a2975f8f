//! `Command`: what `App::update` asks the outside world to do. Executed by the runtime
//! (`ui::run`), the Vault worker and the terminal.

use crate::config::ConnectionProfile;
use crate::write_gate::Mutation;

/// A read the Vault worker performs. Every request carries a sequence number; replies come back
/// as `Msg::Vault { seq, reply }` and a reply older than the latest applied one is dropped.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// One health poll of the whole cluster: every known node's health, seal status and leader,
    /// then raft configuration, autopilot state, HA status, metrics and host memory from the
    /// active node (or the first unsealed one).
    PollCluster { nodes: Vec<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Quit,
    /// Suspend the process (ctrl-z); the terminal is restored first and set up again on resume.
    Suspend,
    /// Send a read to the worker.
    Fetch {
        seq: u64,
        request: Request,
    },
    /// Perform a write that passed the write gate (and its confirmation).
    Write {
        seq: u64,
        mutation: Mutation,
    },
    /// Replace the connection (a context switch): the runtime builds a new worker client.
    Connect {
        profile: Box<ConnectionProfile>,
    },
}
