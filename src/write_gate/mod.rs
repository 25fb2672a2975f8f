//! The write gate: every mutation passes through here. It enforces read-only mode and asks for
//! confirmation; destructive mutations need the user to type a confirmation phrase. A write is
//! one mutation or a batch (one confirmation for N items, the count in the typed phrase). Each
//! mutation describes itself once ([`Mutation::spec`]). Only the gate produces `Command::Write`.

pub mod ceremony_init;
pub mod copy;
pub mod database;
pub mod generate_root;
pub mod kv;
pub mod lease;
pub mod policy;
pub mod raft;
pub mod rekey;
pub mod token;
pub mod transit;
pub mod unseal;

use crate::command::{Command, Ticket};
use crate::input::LineInput;
use crate::sanitize::sanitize;

/// The longest address shown in a description, in characters.
const DESCRIBED_ADDR_MAX: usize = 80;
/// The longest address part of a typed phrase, in characters.
const PHRASE_ADDR_MAX: usize = 48;

/// A write the console can perform. Later areas add their variants here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// `PUT sys/seal` on one node.
    SealNode { addr: String },
    /// `PUT sys/step-down` on the active node.
    StepDown { addr: String },
    /// Read a KV secret (in the worker) and wrap its data in a single-use token
    /// (`sys/wrapping/wrap`, `ttl` as "3600s"); the outcome carries the wrap info.
    WrapSecret {
        addr: String,
        mount: String,
        kv_version: crate::vault::models::kv::KvVersion,
        path: String,
        version: Option<u64>,
        ttl: String,
    },
    /// `sys/wrapping/rewrap`: a new token for the same data; the old one stops working.
    Rewrap {
        addr: String,
        token: crate::vault::models::wrapping::SecretText,
    },
    /// A KV write (secrets, versions, metadata).
    Kv(kv::KvMutation),
    /// Copy (or move) secrets with all their versions, as planned by a dry run: one
    /// confirmation for every item (a typed phrase with the count for a move).
    CopySecrets {
        plan: Box<crate::jobs::copy::CopyPlan>,
        delete_source: bool,
    },
    /// A token revocation (by accessor, or by the token's value).
    Token(token::TokenMutation),
    /// A lease write (`sys/leases/*`).
    Lease(lease::LeaseMutation),
    /// An unseal share or a reset of a node's unseal round (`sys/unseal`).
    Unseal(unseal::UnsealMutation),
    /// A generate-root write (`sys/generate-root-token/*`).
    GenerateRoot(generate_root::GenerateRootMutation),
    /// `sys/init`: the first shares and root token.
    Init(ceremony_init::InitMutation),
    /// A rekey write (`sys/rotate/root/*`).
    Rekey(rekey::RekeyMutation),
    /// A cluster-wide write: seal the cluster, raft peers, snapshot restore.
    Raft(raft::RaftMutation),
    /// An ACL policy write (`sys/policies/acl/*`).
    Policy(policy::PolicyMutation),
    /// A database secrets engine write (rotate root, rotate a static role).
    Database(database::DatabaseMutation),
    /// A transit write (rotate a key).
    Transit(transit::TransitMutation),
}

/// How much confirmation a write needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Risk {
    /// No question asked (reversible, harmless).
    Safe,
    /// `y` / `enter`.
    Confirm,
    /// The user types this phrase (printable ASCII only).
    Typed(String),
}

/// What a mutation says about itself, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MutationSpec {
    /// Short, for toasts and the log: "seal 127.0.0.1:8200".
    pub summary: String,
    /// Full, for the dialog.
    pub description: String,
    /// For "read-only mode: {name} is not allowed".
    pub name: &'static str,
    pub risk: Risk,
    /// The item, in words (sanitised), for per-item results.
    pub item: String,
    /// The verb and noun of a batch: ("seal", "node").
    pub batch_words: (&'static str, &'static str),
}

impl Mutation {
    pub fn spec(&self) -> MutationSpec {
        match self {
            Mutation::SealNode { addr } => MutationSpec {
                summary: format!("seal {}", shown(host_port(addr))),
                description: format!(
                    "Seal the node at {}. It stops serving requests until key holders unseal it again.",
                    shown(addr)
                ),
                name: "sealing a node",
                risk: Risk::Typed(phrase("seal", addr)),
                item: shown(host_port(addr)),
                batch_words: ("seal", "node"),
            },
            Mutation::StepDown { addr } => MutationSpec {
                summary: format!("step down {}", shown(host_port(addr))),
                description: format!(
                    "Ask the active node at {} to step down; a standby takes over.",
                    shown(addr)
                ),
                name: "stepping down",
                risk: Risk::Confirm,
                item: shown(host_port(addr)),
                batch_words: ("step down", "node"),
            },
            Mutation::WrapSecret {
                mount,
                path,
                version,
                ttl,
                ..
            } => {
                let full = shown(&format!(
                    "{}/{}",
                    mount.trim_end_matches('/'),
                    path.trim_start_matches('/')
                ));
                let at = version
                    .map(|v| format!(" (version {v})"))
                    .unwrap_or_default();
                MutationSpec {
                    summary: format!("wrap {full}{at} for {ttl}"),
                    description: format!(
                        "Read {full}{at} and wrap its data in a single-use token that expires \
                         after {ttl}. Whoever holds the token can read the secret once."
                    ),
                    name: "wrapping a secret",
                    risk: Risk::Confirm,
                    item: full,
                    batch_words: ("wrap", "secret"),
                }
            }
            Mutation::Rewrap { .. } => MutationSpec {
                summary: "rewrap a wrapping token".into(),
                description: "Rewrap the wrapping token: a new token holds the same data and \
                              the old one stops working."
                    .into(),
                name: "rewrapping a token",
                risk: Risk::Confirm,
                item: "wrapping token".into(),
                batch_words: ("rewrap", "token"),
            },
            Mutation::Kv(k) => k.spec(),
            Mutation::Lease(l) => l.spec(),
            Mutation::CopySecrets {
                plan,
                delete_source,
            } => copy::copy_spec(plan, *delete_source),
            Mutation::Token(t) => t.spec(),
            Mutation::Unseal(u) => u.spec(),
            Mutation::GenerateRoot(g) => g.spec(),
            Mutation::Init(i) => i.spec(),
            Mutation::Rekey(r) => r.spec(),
            Mutation::Raft(r) => r.spec(),
            Mutation::Policy(p) => p.spec(),
            Mutation::Database(d) => d.spec(),
            Mutation::Transit(t) => t.spec(),
        }
    }

    /// Writes of a batch of these in flight at once, when not the worker's default.
    pub fn concurrency(&self) -> Option<usize> {
        match self {
            Mutation::Token(t) => Some(t.concurrency()),
            _ => None,
        }
    }

    /// The phrase a user types to confirm a destructive write (as `spec().risk` has it).
    pub fn confirm_phrase(&self) -> String {
        match self.spec().risk {
            Risk::Typed(p) => p,
            Risk::Safe | Risk::Confirm => String::new(),
        }
    }

    /// What will happen, in words, for the confirmation dialog.
    pub fn describe(&self) -> String {
        self.spec().description
    }
}

/// "seal 127.0.0.1:8200", typeable whatever a server put in the address.
fn phrase(verb: &str, addr: &str) -> String {
    match typeable(host_port(addr)) {
        t if t.is_empty() => format!("{verb} this node"),
        t => format!("{verb} {t}"),
    }
}

/// One mutation or a batch of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    One(Mutation),
    /// One confirmation for every item; the worker runs them with bounded concurrency and
    /// reports per-item results.
    Batch(Vec<Mutation>),
}

/// What a write says about itself: the spec of its one mutation, or of the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSpec {
    pub summary: String,
    pub description: String,
    pub name: &'static str,
    pub risk: Risk,
    pub items: usize,
}

impl Write {
    pub fn spec(&self) -> WriteSpec {
        match self {
            Write::One(m) => {
                let s = m.spec();
                WriteSpec {
                    summary: s.summary,
                    description: s.description,
                    name: s.name,
                    risk: s.risk,
                    items: 1,
                }
            }
            Write::Batch(ms) => batch_spec(ms),
        }
    }

    /// Writes in flight at once for a batch, when not the worker's default (token revokes: 16).
    pub fn concurrency(&self) -> Option<usize> {
        self.mutations().first().and_then(Mutation::concurrency)
    }

    pub fn mutations(&self) -> &[Mutation] {
        match self {
            Write::One(m) => std::slice::from_ref(m),
            Write::Batch(ms) => ms,
        }
    }
}

fn batch_spec(ms: &[Mutation]) -> WriteSpec {
    let specs: Vec<MutationSpec> = ms.iter().map(Mutation::spec).collect();
    let n = specs.len();
    let (verb, noun) = specs.first().map_or(("change", "item"), |s| s.batch_words);
    let plural = if n == 1 { "" } else { "s" };
    let summary = format!("{verb} {n} {noun}{plural}");
    // The strongest risk of any item; a typed batch phrase names the count.
    let risk = if specs.iter().any(|s| matches!(s.risk, Risk::Typed(_))) {
        Risk::Typed(summary.clone())
    } else if specs.iter().any(|s| s.risk == Risk::Confirm) {
        Risk::Confirm
    } else {
        Risk::Safe
    };
    const LISTED: usize = 5;
    let mut listed: Vec<String> = specs.iter().take(LISTED).map(|s| s.item.clone()).collect();
    if n > LISTED {
        listed.push(format!("and {} more", n - LISTED));
    }
    WriteSpec {
        description: format!("{}: {}.", capitalise(&summary), listed.join(", ")),
        summary,
        name: specs.first().map_or("writing", |s| s.name),
        risk,
        items: n,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn host_port(addr: &str) -> &str {
    crate::addr::strip_scheme(addr)
}

/// An address for a description: sanitised, at most `DESCRIBED_ADDR_MAX` characters.
pub(crate) fn shown(addr: &str) -> String {
    let s = sanitize(addr);
    if s.chars().count() <= DESCRIBED_ADDR_MAX {
        return s.into_owned();
    }
    let mut out: String = s.chars().take(DESCRIBED_ADDR_MAX - 1).collect();
    out.push('…');
    out
}

/// The printable ASCII characters of `s` (no spaces), at most `PHRASE_ADDR_MAX` of them.
pub(crate) fn typeable(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_graphic)
        .take(PHRASE_ADDR_MAX)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// `y` / `enter` confirms.
    YesNo,
    /// The user must type this phrase exactly.
    Typed { phrase: String },
}

/// A write waiting for the user's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWrite {
    pub write: Write,
    pub spec: WriteSpec,
    pub confirmation: Confirmation,
    /// What the user has typed so far (typed confirmations only), in its own input.
    pub typed: LineInput,
}

impl PendingWrite {
    pub fn phrase_matches(&self) -> bool {
        match &self.confirmation {
            Confirmation::YesNo => true,
            Confirmation::Typed { phrase } => self.typed.text == *phrase,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    #[error("read-only mode: {0} is not allowed")]
    ReadOnly(String),
    #[error("another write is waiting for confirmation")]
    Busy,
    #[error("nothing to confirm")]
    NothingPending,
    #[error("nothing to write")]
    Empty,
    #[error("the confirmation does not match: type \"{0}\"")]
    PhraseMismatch(String),
}

/// What [`WriteGate::submit`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    /// Waiting for the user (see [`WriteGate::pending`]).
    Pending,
    /// A safe write goes at once: here is its command.
    Go(Write),
}

#[derive(Debug, Clone, Default)]
pub struct WriteGate {
    read_only: bool,
    pending: Option<PendingWrite>,
}

impl WriteGate {
    pub fn new(read_only: bool) -> Self {
        Self {
            read_only,
            pending: None,
        }
    }

    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// Switching into read-only also drops a pending write.
    pub fn set_read_only(&mut self, read_only: bool) {
        self.read_only = read_only;
        if read_only {
            self.pending = None;
        }
    }

    pub fn pending(&self) -> Option<&PendingWrite> {
        self.pending.as_ref()
    }

    /// The typed confirmation's input, for the key handler.
    pub fn typed_input(&mut self) -> Option<&mut LineInput> {
        self.pending
            .as_mut()
            .filter(|p| matches!(p.confirmation, Confirmation::Typed { .. }))
            .map(|p| &mut p.typed)
    }

    /// Ask for a write. In read-only mode it is refused; a safe one goes at once; otherwise it
    /// waits for confirmation.
    pub fn submit(&mut self, write: Write) -> Result<Submitted, GateError> {
        if write.mutations().is_empty() {
            return Err(GateError::Empty);
        }
        let spec = write.spec();
        if self.read_only {
            return Err(GateError::ReadOnly(spec.name.into()));
        }
        if self.pending.is_some() {
            return Err(GateError::Busy);
        }
        let confirmation = match &spec.risk {
            Risk::Safe => return Ok(Submitted::Go(write)),
            Risk::Confirm => Confirmation::YesNo,
            Risk::Typed(phrase) => Confirmation::Typed {
                phrase: phrase.clone(),
            },
        };
        self.pending = Some(PendingWrite {
            write,
            spec,
            confirmation,
            typed: LineInput::default(),
        });
        Ok(Submitted::Pending)
    }

    pub fn cancel(&mut self) -> Option<Write> {
        self.pending.take().map(|p| p.write)
    }

    /// Confirm the pending write. Returns the one command that performs it.
    pub fn confirm(&mut self, ticket: Ticket) -> Result<Command, GateError> {
        let pending = self.pending.as_ref().ok_or(GateError::NothingPending)?;
        if self.read_only {
            let name = pending.spec.name;
            self.pending = None;
            return Err(GateError::ReadOnly(name.into()));
        }
        if !pending.phrase_matches() {
            let phrase = match &pending.confirmation {
                Confirmation::Typed { phrase } => phrase.clone(),
                Confirmation::YesNo => String::new(),
            };
            return Err(GateError::PhraseMismatch(phrase));
        }
        let pending = self.pending.take().ok_or(GateError::NothingPending)?;
        Ok(Command::Write {
            ticket,
            write: pending.write,
        })
    }

    /// The command for a write that needs no confirmation (from [`Submitted::Go`]).
    pub fn go(&self, ticket: Ticket, write: Write) -> Result<Command, GateError> {
        if self.read_only {
            return Err(GateError::ReadOnly(write.spec().name.into()));
        }
        Ok(Command::Write { ticket, write })
    }
}

#[cfg(test)]
mod tests;
