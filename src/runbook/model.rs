//! A runbook, as loaded and validated: steps of five kinds (`manual`, `input`, `vault`,
//! `confirm`, `notify`), `{{var}}` templates, conditions on earlier answers, and the fixed
//! allow-list of Vault operations ([`Op`]) a `vault` step may name. Never free-form HTTP.
//! The loader (`runbook::loader`) builds these from TOML and checks them; the runner
//! (`runbook::runner`) walks them.

use std::collections::BTreeMap;

/// Minutes to contain a leak when the runbook does not say.
pub const DEFAULT_CONTAINMENT_MINUTES: u32 = 15;

/// Where a runbook came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunbookSource {
    /// Shipped in `assets/runbooks/` (the file name).
    BuiltIn(String),
    /// From the user's runbook dir (overrides a built-in of the same id).
    User(std::path::PathBuf),
}

/// A loaded, valid runbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runbook {
    /// The file stem: `leaked-kv-secret`.
    pub id: String,
    pub title: String,
    /// One paragraph: when to use it.
    pub summary: String,
    /// The containment target, counted from the detection time.
    pub containment_minutes: u32,
    pub steps: Vec<Step>,
    pub source: RunbookSource,
}

impl Runbook {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// One step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Unique in the runbook: `rotate`, `revoke-readers`.
    pub id: String,
    pub title: String,
    /// What to do and why (may hold `{{var}}`s; Markdown-ish plain text).
    pub guidance: Template,
    /// Run only when this holds; otherwise the step is skipped with the reason.
    pub when: Option<Condition>,
    /// Completing this step is part of containment: the containment time is recorded when every
    /// `contains` step is done (or skipped).
    pub contains: bool,
    pub kind: StepKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// A check item. `open`: a `:` command the runner offers to open (`rekey`, `leases`).
    Manual { open: Option<String> },
    /// Binds `var` to what the responder enters.
    Input {
        var: String,
        input: InputKind,
        prompt: String,
        /// Pre-filled value (a template).
        default: Option<Template>,
        /// For `choice`.
        choices: Vec<String>,
        /// May be left empty.
        optional: bool,
    },
    /// An operation from the allow-list with template arguments; `out` binds its result (an
    /// `audit.search` binds the accessors found).
    Vault {
        op: Op,
        args: BTreeMap<String, Template>,
        out: Option<String>,
    },
    /// The responder types `phrase` (after expansion) to go on.
    Confirm { phrase: Template },
    /// A prepared Markdown message for `audience` (what leaked, when detected, what was
    /// contained, what is open); the console sends nothing itself.
    Notify {
        audience: String,
        /// Extra text placed in the message (a template).
        note: Option<Template>,
    },
}

impl StepKind {
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Manual { .. } => "manual",
            StepKind::Input { .. } => "input",
            StepKind::Vault { .. } => "vault",
            StepKind::Confirm { .. } => "confirm",
            StepKind::Notify { .. } => "notify",
        }
    }
}

/// What an `input` step asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// One line of text (a path, a name).
    Text,
    /// A secret (a new password): entered hidden, never journaled, never in a report.
    Secret,
    /// One of the step's `choices`.
    Choice,
    /// A point in time: RFC 3339, `now`, or an offset back like `-30m`, `-2h`, `-1d`.
    Time,
    /// Several items separated by commas, spaces or new lines (accessors).
    List,
}

impl InputKind {
    pub fn name(&self) -> &'static str {
        match self {
            InputKind::Text => "text",
            InputKind::Secret => "secret",
            InputKind::Choice => "choice",
            InputKind::Time => "time",
            InputKind::List => "list",
        }
    }

    pub const ALL: [InputKind; 5] = [
        InputKind::Text,
        InputKind::Secret,
        InputKind::Choice,
        InputKind::Time,
        InputKind::List,
    ];
}

/// A condition on an earlier answer: `var == value`, `var != value`, or `var` (set, not empty,
/// not `no`/`false`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Equals { var: String, value: String },
    NotEquals { var: String, value: String },
    Set { var: String },
}

impl Condition {
    pub fn var(&self) -> &str {
        match self {
            Condition::Equals { var, .. }
            | Condition::NotEquals { var, .. }
            | Condition::Set { var } => var,
        }
    }

    /// As written: `db_kind == static`.
    pub fn text(&self) -> String {
        match self {
            Condition::Equals { var, value } => format!("{var} == {value}"),
            Condition::NotEquals { var, value } => format!("{var} != {value}"),
            Condition::Set { var } => var.clone(),
        }
    }

    /// Parse `a == b`, `a != b` or `a`.
    pub fn parse(s: &str) -> Result<Condition, String> {
        let s = s.trim();
        let (var, rest) = if let Some((a, b)) = s.split_once("!=") {
            (a.trim(), Some((false, b.trim())))
        } else if let Some((a, b)) = s.split_once("==") {
            (a.trim(), Some((true, b.trim())))
        } else {
            (s, None)
        };
        if !is_var_name(var) {
            return Err(format!(
                "\"{s}\" is not a condition (write \"var == value\", \"var != value\" or \"var\")"
            ));
        }
        let value = |v: &str| v.trim_matches('"').to_string();
        Ok(match rest {
            Some((true, v)) => Condition::Equals {
                var: var.into(),
                value: value(v),
            },
            Some((false, v)) => Condition::NotEquals {
                var: var.into(),
                value: value(v),
            },
            None => Condition::Set { var: var.into() },
        })
    }
}

/// A variable name: ASCII letters, digits, `_` and `-`, starting with a letter.
pub fn is_var_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic())
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
}

/// Variables every run has without an input step.
pub const BUILTIN_VARS: [&str; 3] = ["detected_at", "operator", "runbook"];

/// Text with `{{var}}` placeholders, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template(pub String);

impl Template {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The variable names used, in order of appearance (duplicates kept out). An unclosed `{{`
    /// is an error naming it.
    pub fn vars(&self) -> Result<Vec<String>, String> {
        let mut out: Vec<String> = Vec::new();
        let mut rest = self.0.as_str();
        while let Some(i) = rest.find("{{") {
            let after = &rest[i + 2..];
            let Some(j) = after.find("}}") else {
                return Err("\"{{\" without a closing \"}}\"".into());
            };
            let name = after[..j].trim();
            if !is_var_name(name) {
                return Err(format!("\"{{{{{name}}}}}\" is not a variable name"));
            }
            if !out.iter().any(|v| v == name) {
                out.push(name.to_string());
            }
            rest = &after[j + 2..];
        }
        Ok(out)
    }

    /// Replace each `{{var}}` by `lookup(var)`; an unknown one stays as written.
    pub fn expand(&self, lookup: &dyn Fn(&str) -> Option<String>) -> String {
        let mut out = String::with_capacity(self.0.len());
        let mut rest = self.0.as_str();
        while let Some(i) = rest.find("{{") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(j) = after.find("}}") else {
                out.push_str(&rest[i..]);
                return out;
            };
            let name = after[..j].trim();
            match lookup(name) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&rest[i..i + 2 + j + 2]),
            }
            rest = &after[j + 2..];
        }
        out.push_str(rest);
        out
    }
}

/// The Vault operations a `vault` step may name: the allow-list. Each maps onto a mutation
/// through the write gate or a read-only job the console already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// `path` (`secret/apps/x`), `field`, optional `value` (a secret input; absent: a random
    /// 32-character value is generated). Copies the other fields of the newest version.
    KvWriteNewVersion,
    /// `path`, optional `versions` (`all-but-latest`, the default, or a list like `1,2`).
    KvDestroyVersions,
    /// `prefix` (`database/creds/readonly/`).
    LeaseRevokePrefix,
    /// `accessors` (a list).
    TokenRevokeAccessor,
    /// Exactly one of `audit_accessors` (HMAC'd accessors, as `audit.search` binds them;
    /// matched through `sys/audit-hash`) or `filter` (the tokens screen's filter syntax).
    TokenRevokeMatching,
    /// `mount`, `connection`.
    DatabaseRotateRoot,
    /// `mount`, `role` (a static role).
    DatabaseRotateRole,
    /// `mount`, `key`.
    TransitRotateKey,
    /// Optional `path` (a prefix or `*` pattern), `accessor` (a real accessor, hashed by the
    /// server), `since` (a time), `files` (a list; default: the audit files `:audit` finds).
    /// Read-only: runs in a rehearsal too. `out` binds the HMAC'd accessors found.
    AuditSearch,
    /// Seal every node of the cluster (last resort; typed confirmation).
    SysSeal,
}

/// An argument of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgSpec {
    pub name: &'static str,
    pub required: bool,
}

const fn req(name: &'static str) -> ArgSpec {
    ArgSpec {
        name,
        required: true,
    }
}

const fn opt(name: &'static str) -> ArgSpec {
    ArgSpec {
        name,
        required: false,
    }
}

impl Op {
    pub const ALL: [Op; 10] = [
        Op::KvWriteNewVersion,
        Op::KvDestroyVersions,
        Op::LeaseRevokePrefix,
        Op::TokenRevokeAccessor,
        Op::TokenRevokeMatching,
        Op::DatabaseRotateRoot,
        Op::DatabaseRotateRole,
        Op::TransitRotateKey,
        Op::AuditSearch,
        Op::SysSeal,
    ];

    /// The name a runbook writes: `kv.write_new_version`.
    pub fn name(self) -> &'static str {
        match self {
            Op::KvWriteNewVersion => "kv.write_new_version",
            Op::KvDestroyVersions => "kv.destroy_versions",
            Op::LeaseRevokePrefix => "lease.revoke_prefix",
            Op::TokenRevokeAccessor => "token.revoke_accessor",
            Op::TokenRevokeMatching => "token.revoke_matching",
            Op::DatabaseRotateRoot => "database.rotate_root",
            Op::DatabaseRotateRole => "database.rotate_role",
            Op::TransitRotateKey => "transit.rotate_key",
            Op::AuditSearch => "audit.search",
            Op::SysSeal => "sys.seal",
        }
    }

    pub fn from_name(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|o| o.name() == s)
    }

    /// Its arguments.
    pub fn args(self) -> &'static [ArgSpec] {
        const KV_WRITE: &[ArgSpec] = &[req("path"), req("field"), opt("value")];
        const KV_DESTROY: &[ArgSpec] = &[req("path"), opt("versions")];
        const PREFIX: &[ArgSpec] = &[req("prefix")];
        const ACCESSORS: &[ArgSpec] = &[req("accessors")];
        const MATCHING: &[ArgSpec] = &[opt("audit_accessors"), opt("filter")];
        const ROOT: &[ArgSpec] = &[req("mount"), req("connection")];
        const ROLE: &[ArgSpec] = &[req("mount"), req("role")];
        const KEY: &[ArgSpec] = &[req("mount"), req("key")];
        const SEARCH: &[ArgSpec] = &[opt("path"), opt("accessor"), opt("since"), opt("files")];
        match self {
            Op::KvWriteNewVersion => KV_WRITE,
            Op::KvDestroyVersions => KV_DESTROY,
            Op::LeaseRevokePrefix => PREFIX,
            Op::TokenRevokeAccessor => ACCESSORS,
            Op::TokenRevokeMatching => MATCHING,
            Op::DatabaseRotateRoot => ROOT,
            Op::DatabaseRotateRole => ROLE,
            Op::TransitRotateKey => KEY,
            Op::AuditSearch => SEARCH,
            Op::SysSeal => &[],
        }
    }

    /// Changes nothing on the server: runs in a read-only rehearsal too.
    pub fn read_only(self) -> bool {
        matches!(self, Op::AuditSearch)
    }

    /// May bind an `out` variable.
    pub fn has_output(self) -> bool {
        matches!(self, Op::AuditSearch)
    }
}
