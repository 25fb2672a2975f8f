//! `Command`: what `App::update` asks the outside world to do. Executed by the runtime, the Vault
//! worker and the terminal. Requests are grouped by API area; each carries a [`Ticket`] saying who
//! asked, so the reply goes back to its origin, and a reply older than the latest for its key, or
//! from before a context switch (an earlier epoch), is dropped.

use crate::config::ConnectionProfile;
use crate::jobs::JobSpec;
use crate::vault::cluster::ClusterRequest;
use crate::vault::kv_area::KvRequest;
use crate::vault::mounts::MountsRequest;
use crate::write_gate::Write;

/// A screen, as an origin of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScreenKind {
    Health,
    Mounts,
    MountDetail,
    Tools,
    Search,
    Copy,
    Secrets,
    Secret,
    Editor,
    Versions,
    Tokens,
    Radar,
    Leases,
    Unseal,
    GenerateRoot,
    Init,
    Rekey,
    Raft,
    Policies,
    /// Access history (`:audit`).
    Audit,
    /// Leak-response runbooks (`:runbook`).
    Runbook,
    /// Every context of the config file (`:fleet`).
    Fleet,
    /// A node's server log stream (`:logs`).
    Logs,
}

/// Who asked: the reply goes back there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// The global cluster poll (every screen shows its status bar).
    Cluster,
    /// A screen.
    Screen(ScreenKind),
    /// The write gate.
    Gate,
    /// A `:` command that needs an answer first (`:cd` resolving a path).
    CommandLine,
    /// The console's own token: lookup-self, renewal, re-login.
    OwnToken,
}

/// One stream of requests: a newer request of the same key makes older replies obsolete.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestKey {
    pub origin: Origin,
    /// What is asked, e.g. "poll" or "count secret/".
    pub what: String,
}

impl RequestKey {
    pub fn new(origin: Origin, what: impl Into<String>) -> Self {
        Self {
            origin,
            what: what.into(),
        }
    }
}

/// Issued with every request, write and job; comes back with the reply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ticket {
    pub seq: u64,
    /// The context epoch it was issued in.
    pub epoch: u64,
    pub key: RequestKey,
}

/// A read the Vault worker performs, by API area.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Cluster(ClusterRequest),
    Mounts(MountsRequest),
    Tools(crate::vault::tools::ToolsRequest),
    GenerateRoot(crate::vault::generate_root::GenerateRootRequest),
    Rekey(crate::vault::rekey::RekeyRequest),
    Kv(KvRequest),
    OwnToken(crate::vault::own_token::OwnTokenRequest),
    Unseal(crate::vault::unseal::UnsealRequest),
    Policies(crate::vault::policies::PoliciesRequest),
    Audit(crate::vault::audit_area::AuditRequest),
    /// A poll of any context of the config file: the runtime's fleet poller runs it, not the
    /// current connection's worker.
    Fleet(crate::vault::fleet::FleetRequest),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Quit,
    /// Suspend the process (ctrl-z); the terminal is restored first and set up again on resume.
    Suspend,
    /// Send a read to the worker.
    Fetch {
        ticket: Ticket,
        request: Request,
    },
    /// Perform a write (one mutation or a batch) that passed the write gate.
    Write {
        ticket: Ticket,
        write: Write,
    },
    /// Start long work with progress; the job's id is its ticket's `seq`.
    StartJob {
        ticket: Ticket,
        spec: JobSpec,
    },
    /// Stop a job; its remaining events are never sent.
    CancelJob {
        id: u64,
    },
    /// Replace the connection (a context switch): the runtime builds a new worker client.
    Connect {
        profile: Box<ConnectionProfile>,
    },
    /// Put a secret on the clipboard (the runtime's clipboard service, between draws); cleared
    /// after `clear_after` if the clipboard still holds it. `label` says what it is, never the value.
    Copy {
        label: String,
        text: crate::clipboard::CopyText,
        clear_after: std::time::Duration,
    },
    /// Use this token from now on (a re-login): the runtime gives it to the worker without a
    /// context switch (screens, selection and filters stay).
    SetToken {
        token: crate::vault::models::wrapping::SecretText,
    },
    /// Append a run's journal entries (fsynced) BEFORE the commands after it in the same batch
    /// run (a runbook action is journaled as started before its write is sent). A failure comes
    /// back as `Msg::FileError`.
    AppendJournal {
        path: std::path::PathBuf,
        entries: Vec<crate::runbook::journal::Entry>,
    },
    /// Write a text file (mode 0600): a runbook's incident report. `Msg::FileSaved` or
    /// `Msg::FileError` comes back.
    SaveReport {
        path: std::path::PathBuf,
        text: String,
    },
}
