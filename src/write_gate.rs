//! The write gate: every mutation passes through here. It enforces read-only mode and asks for
//! confirmation; destructive mutations need the user to type a confirmation phrase. Only the gate
//! produces `Command::Write`.

use crate::command::Command;
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
}

impl Mutation {
    /// What will happen, in words, for the confirmation dialog.
    /// Addresses may come from a server (`sys/ha-status`): they are sanitised and shortened.
    pub fn describe(&self) -> String {
        match self {
            Mutation::SealNode { addr } => format!(
                "Seal the node at {}. It stops serving requests until key holders unseal it again.",
                shown(addr)
            ),
            Mutation::StepDown { addr } => format!(
                "Ask the active node at {} to step down; a standby takes over.",
                shown(addr)
            ),
        }
    }

    /// Destructive writes need a typed confirmation.
    pub fn is_destructive(&self) -> bool {
        match self {
            Mutation::SealNode { .. } => true,
            Mutation::StepDown { .. } => false,
        }
    }

    /// The phrase a user types to confirm a destructive write: printable ASCII only, so it can
    /// always be typed, whatever a server put in the address.
    pub fn confirm_phrase(&self) -> String {
        let (verb, addr) = match self {
            Mutation::SealNode { addr } => ("seal", addr),
            Mutation::StepDown { addr } => ("step-down", addr),
        };
        match typeable(host_port(addr)) {
            t if t.is_empty() => format!("{verb} this node"),
            t => format!("{verb} {t}"),
        }
    }
}

fn host_port(addr: &str) -> &str {
    addr.trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
}

/// An address for a description: sanitised, at most `DESCRIBED_ADDR_MAX` characters.
fn shown(addr: &str) -> String {
    let s = sanitize(addr);
    if s.chars().count() <= DESCRIBED_ADDR_MAX {
        return s.into_owned();
    }
    let mut out: String = s.chars().take(DESCRIBED_ADDR_MAX - 1).collect();
    out.push('…');
    out
}

/// The printable ASCII characters of `s` (no spaces), at most `PHRASE_ADDR_MAX` of them.
fn typeable(s: &str) -> String {
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
    pub mutation: Mutation,
    pub confirmation: Confirmation,
    /// What the user has typed so far (typed confirmations only).
    pub typed: String,
}

impl PendingWrite {
    pub fn phrase_matches(&self) -> bool {
        match &self.confirmation {
            Confirmation::YesNo => true,
            Confirmation::Typed { phrase } => self.typed == *phrase,
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
    #[error("the confirmation does not match: type \"{0}\"")]
    PhraseMismatch(String),
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

    /// Ask for a write. In read-only mode it is refused; otherwise it waits for confirmation.
    pub fn submit(&mut self, mutation: Mutation) -> Result<&PendingWrite, GateError> {
        if self.read_only {
            return Err(GateError::ReadOnly(mutation_name(&mutation).into()));
        }
        if self.pending.is_some() {
            return Err(GateError::Busy);
        }
        let confirmation = if mutation.is_destructive() {
            Confirmation::Typed {
                phrase: mutation.confirm_phrase(),
            }
        } else {
            Confirmation::YesNo
        };
        Ok(self.pending.insert(PendingWrite {
            mutation,
            confirmation,
            typed: String::new(),
        }))
    }

    pub fn type_char(&mut self, c: char) {
        if let Some(p) = &mut self.pending {
            p.typed.push(c);
        }
    }

    pub fn backspace(&mut self) {
        if let Some(p) = &mut self.pending {
            p.typed.pop();
        }
    }

    pub fn cancel(&mut self) -> Option<Mutation> {
        self.pending.take().map(|p| p.mutation)
    }

    /// Confirm the pending write. Returns the one command that performs it.
    pub fn confirm(&mut self, seq: u64) -> Result<Command, GateError> {
        let pending = self.pending.as_ref().ok_or(GateError::NothingPending)?;
        if self.read_only {
            let name = mutation_name(&pending.mutation);
            self.pending = None;
            return Err(GateError::ReadOnly(name.into()));
        }
        if !pending.phrase_matches() {
            return Err(GateError::PhraseMismatch(pending.mutation.confirm_phrase()));
        }
        let pending = self.pending.take().ok_or(GateError::NothingPending)?;
        Ok(Command::Write {
            seq,
            mutation: pending.mutation,
        })
    }
}

fn mutation_name(m: &Mutation) -> &'static str {
    match m {
        Mutation::SealNode { .. } => "sealing a node",
        Mutation::StepDown { .. } => "stepping down",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal() -> Mutation {
        Mutation::SealNode {
            addr: "http://127.0.0.1:8200".into(),
        }
    }

    #[test]
    fn read_only_refuses_every_write() {
        let mut g = WriteGate::new(true);
        assert!(matches!(g.submit(seal()), Err(GateError::ReadOnly(_))));
        assert!(g.pending().is_none());
        assert_eq!(g.confirm(1), Err(GateError::NothingPending));
    }

    #[test]
    fn destructive_write_needs_the_typed_phrase() {
        let mut g = WriteGate::new(false);
        let p = g.submit(seal()).expect("accepted");
        assert_eq!(
            p.confirmation,
            Confirmation::Typed {
                phrase: "seal 127.0.0.1:8200".into()
            }
        );
        assert!(matches!(g.confirm(1), Err(GateError::PhraseMismatch(_))));
        for c in "seal 127.0.0.1:8200".chars() {
            g.type_char(c);
        }
        assert_eq!(
            g.confirm(7),
            Ok(Command::Write {
                seq: 7,
                mutation: seal()
            })
        );
        assert!(g.pending().is_none());
    }

    #[test]
    fn non_destructive_write_needs_a_yes() {
        let mut g = WriteGate::new(false);
        let m = Mutation::StepDown {
            addr: "http://127.0.0.1:8200".into(),
        };
        g.submit(m.clone()).expect("accepted");
        assert_eq!(g.submit(seal()).err(), Some(GateError::Busy));
        assert_eq!(
            g.confirm(2),
            Ok(Command::Write {
                seq: 2,
                mutation: m
            })
        );
    }

    #[test]
    fn server_given_addresses_are_sanitised_and_phrases_typeable() {
        let hostile = "http://127.0.0.1:8201\x1b]0;pwned\x07\u{9b}2J\n\u{202e}/";
        let m = Mutation::SealNode {
            addr: hostile.into(),
        };
        let phrase = m.confirm_phrase();
        assert_eq!(phrase, "seal 127.0.0.1:8201]0;pwned2J");
        assert!(
            phrase.chars().all(|c| c == ' ' || c.is_ascii_graphic()),
            "{phrase:?}"
        );
        let d = m.describe();
        assert!(!d.chars().any(char::is_control), "{d:?}");
        assert!(d.contains("127.0.0.1:8201�]0;pwned�"), "{d:?}");
        // The typed phrase confirms; the command still goes to the real address.
        let mut g = WriteGate::new(false);
        g.submit(m.clone()).expect("accepted");
        for c in phrase.chars() {
            g.type_char(c);
        }
        assert_eq!(
            g.confirm(3),
            Ok(Command::Write {
                seq: 3,
                mutation: m
            })
        );
        // Nothing typeable, or far too long: a short phrase that can still be typed.
        let odd = Mutation::StepDown {
            addr: "http://\u{7}\u{1b}é€".into(),
        };
        assert_eq!(odd.confirm_phrase(), "step-down this node");
        let long = Mutation::SealNode {
            addr: format!("http://{}", "a".repeat(70_000)),
        };
        assert_eq!(long.confirm_phrase().len(), "seal ".len() + PHRASE_ADDR_MAX);
        assert!(long.describe().chars().count() < 200);
    }

    #[test]
    fn going_read_only_drops_the_pending_write() {
        let mut g = WriteGate::new(false);
        g.submit(seal()).expect("accepted");
        g.set_read_only(true);
        assert!(g.pending().is_none());
    }
}
