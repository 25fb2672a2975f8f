//! Command-line flags, as `bao`/`vault` users know them. Env fallbacks are applied in `config`
//! (so that BAO_* wins over VAULT_* and flags win over both), not by clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::secret::SecretArg;

#[derive(Debug, Clone, Default, Parser)]
#[command(
    name = "strongroom",
    version,
    about = "Terminal operations console for OpenBao and HashiCorp Vault"
)]
pub struct Cli {
    /// Address of a node (repeat for several nodes of one cluster). Env: BAO_ADDR, VAULT_ADDR.
    #[arg(long, global = true)]
    pub addr: Vec<String>,
    /// Token. Env: BAO_TOKEN, VAULT_TOKEN; else ~/.vault-token.
    #[arg(long, global = true)]
    pub token: Option<SecretArg>,
    /// Namespace. Env: BAO_NAMESPACE, VAULT_NAMESPACE.
    #[arg(long, global = true)]
    pub namespace: Option<String>,
    /// CA certificate (PEM) to verify the server. Env: BAO_CACERT, VAULT_CACERT.
    #[arg(long, global = true)]
    pub ca_cert: Option<PathBuf>,
    /// Client certificate (PEM). Env: BAO_CLIENT_CERT, VAULT_CLIENT_CERT.
    #[arg(long, global = true)]
    pub client_cert: Option<PathBuf>,
    /// Client key (PEM). Env: BAO_CLIENT_KEY, VAULT_CLIENT_KEY.
    #[arg(long, global = true)]
    pub client_key: Option<PathBuf>,
    /// Do not verify TLS certificates (shown as a permanent warning). Env: BAO_SKIP_VERIFY, VAULT_SKIP_VERIFY.
    #[arg(long, global = true)]
    pub skip_verify: bool,
    /// Use this named context from the config file.
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// Refuse every write.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Theme name (default, light, high-contrast, mono, or a file in <config dir>/themes).
    #[arg(long, global = true)]
    pub theme: Option<String>,
    /// Config file (default: <config dir>/config.toml).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Log level for the log file in the state dir (off unless set). Env: STRONGROOM_LOG.
    #[arg(long, global = true)]
    pub log_level: Option<String>,
    /// Start on the fleet view: every context of the config file, one row per cluster.
    #[arg(long)]
    pub fleet: bool,
    #[command(subcommand)]
    pub command: Option<Sub>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Sub {
    /// Print the health of every node of the context and exit: 0 all unsealed, 2 any sealed, 1 error.
    Status {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Every context of the config file, polled concurrently: exit 1 if any has an error,
        /// else 2 if any is sealed, else 0.
        #[arg(long)]
        all_contexts: bool,
    },
    /// Key/value secrets engines (KV v1 and v2).
    Kv {
        #[command(subcommand)]
        action: KvAction,
    },
    /// Tokens by accessor: list them with filters, bulk revoke them (see `strongroom tokens --help`).
    Tokens {
        #[command(subcommand)]
        action: TokensAction,
    },
    /// What expires within a window (leases, tokens, PKI certificates, KV v2 secrets due for
    /// rotation), one line per item sorted by time. Exit 0 none, 3 some, 1 error.
    Expiring {
        /// The window: 1h, 24h, 7d, 1h30m.
        #[arg(long, default_value = "24h")]
        within: String,
        /// `plain`: tab-separated lines; `json`: one object with items and sources.
        #[arg(long, value_enum, default_value_t = ExpiringFormat::Plain)]
        format: ExpiringFormat,
    },
    /// Leases (`sys/leases`): list them below a prefix.
    Leases {
        #[command(subcommand)]
        action: LeasesAction,
    },
    /// Audit device logs (JSON lines, `.gz` rotated files too): search them, or write a
    /// compliance report. No server needed, except to hash a plain value (`--value-stdin`).
    Audit {
        #[command(subcommand)]
        action: Box<AuditAction>,
    },
    /// Leak-response runbooks: list the built-in and user ones, validate runbook files.
    Runbook {
        #[command(subcommand)]
        action: RunbookAction,
    },
    /// The local 3-node practice cluster: start (or reuse) it and open the console on it.
    Sandbox {
        #[command(subcommand)]
        action: Option<SandboxAction>,
    },
    /// Print a shell completion script: `strongroom completions bash > /etc/bash_completion.d/strongroom`.
    Completions {
        #[arg(value_enum)]
        shell: crate::cli_extras::CompletionShell,
    },
    /// Print the man page (roff): `strongroom man > strongroom.1`.
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum SandboxAction {
    /// Start (or reuse) the cluster and print its addresses, without opening the console.
    Up,
    /// Show whether the sandbox nodes run and their seal state.
    Status,
    /// Seal every node (practise the unseal ceremony).
    Seal,
    /// Stop the nodes, keeping their data.
    Down,
    /// Stop the nodes and delete all sandbox data.
    Reset,
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum KvAction {
    /// Print every secret path below <mount>/<prefix>, one per line as results arrive. Denied
    /// folders are skipped and counted on stderr. Exit 0 on success, 1 on error.
    Find {
        /// Where to look: a KV mount and an optional folder, e.g. `secret/apps`.
        target: String,
        /// Keep only paths (`secret/apps/x`) this regular expression matches.
        #[arg(long = "match", value_name = "REGEX")]
        pattern: Option<String>,
        /// `plain`: one path per line; `json`: one `{"path":"…"}` object per line (JSON lines).
        #[arg(long, value_enum, default_value_t = FindFormat::Plain)]
        format: FindFormat,
        /// LIST requests in flight during a LIST walk.
        #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=1024))]
        concurrency: u16,
        /// `auto`: one SCAN when the token has the `scan` capability, else a LIST walk.
        #[arg(long, value_enum, default_value_t = FindMode::Auto)]
        mode: FindMode,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum LeasesAction {
    /// Print every lease below <prefix> (all without one), soonest expiry first: expire time,
    /// TTL left, renewable, id. The lists need `sudo` on sys/leases/lookup. Exit 0 on success,
    /// 1 on error.
    Ls {
        /// A lease prefix, e.g. `auth/approle/login/` or `database/creds/readonly`.
        prefix: Option<String>,
        /// Keep leases expiring within this duration from now (e.g. 1h, 30m, 2d; expired ones
        /// included).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
        expiring: Option<u64>,
        /// `plain`: a table; `json`: one object per lease per line (JSON lines).
        #[arg(long, value_enum, default_value_t = LsFormat::Plain)]
        format: LsFormat,
        /// Lookups in flight.
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LsFormat {
    Plain,
    Json,
}

/// A duration such as 1h, 30m, 90s or 2d, in seconds.
fn parse_duration_arg(s: &str) -> Result<u64, String> {
    crate::vault::models::leases::parse_duration_secs(s)
        .ok_or_else(|| format!("a duration like 1h, 30m, 90s or 2d, not \"{s}\""))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpiringFormat {
    Plain,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FindFormat {
    Plain,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FindMode {
    Auto,
    Scan,
    List,
}

/// `strongroom tokens …`. FILTER terms (AND): `policy=ci-*`, `name=…`, `path=auth/approle`,
/// `role=…`, `created<2026-11-01`, `created>…`, `ttl>24h`, `ttl<10m`, `orphan=true|false`, or a
/// bare word matched anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum TokensAction {
    /// Print every token the filter matches. Exit 0 on success (none matched included), 1 on
    /// error (bad filter, the accessor list denied or unreachable).
    Ls {
        /// Filter terms, e.g. `policy=ci-deployer ttl>24h`.
        filter: Vec<String>,
        /// `plain`: a table; `json`: one array of token objects.
        #[arg(long, value_enum, default_value_t = TokensFormat::Plain)]
        format: TokensFormat,
    },
    /// Revoke every token the filter matches, by accessor (each token's whole tree). Without
    /// `--yes` it prints what it would revoke and changes nothing. The console's own token is
    /// left out unless `--include-self`. Exit 0: dry run, or every token revoked or already gone;
    /// 1: error before any revoke (bad filter, list failed, read-only mode); 2: some revokes failed.
    Revoke {
        /// Filter terms (at least one: an empty filter would revoke every token).
        filter: Vec<String>,
        /// Really revoke (otherwise a dry run).
        #[arg(long)]
        yes: bool,
        /// Also revoke the token strongroom itself uses.
        #[arg(long)]
        include_self: bool,
        #[arg(long, value_enum, default_value_t = TokensFormat::Plain)]
        format: TokensFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokensFormat {
    Plain,
    Json,
}

/// `strongroom runbook …`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum RunbookAction {
    /// One line per runbook (id, title, steps, `built-in` or the user file), then the problems
    /// of user files (`<config dir>/runbooks/*.toml`) that did not load. Exit 1 when any did not.
    List,
    /// Check runbook files: `ok: <file>: <title> (<n> steps)` or every problem, naming file,
    /// line, step and field. Exit 0 when every file is valid, 1 otherwise.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// `strongroom audit …`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum AuditAction {
    /// Print the request/response records (paired by request id) the filters match, oldest
    /// first, merged by time across files of several nodes. Exit 0 when some matched, 3 when
    /// none did, 1 on error.
    Search {
        /// Audit log files: the live file and its rotated (`.gz`) siblings, of one or more nodes.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        filter: AuditFilterArgs,
        /// `plain`: one tab-separated line per record; `json`: one object per record per line.
        #[arg(long, value_enum, default_value_t = AuditFormat::Plain)]
        format: AuditFormat,
        /// Keep reading the live files as they grow (until interrupted).
        #[arg(long)]
        follow: bool,
        /// Print at most this many records (the newest are kept).
        #[arg(long, default_value_t = 100_000)]
        limit: usize,
    },
    /// A compliance report over the logs: access inventory, failed access, policy changes,
    /// seal and unseal operations, secrets with no access in N days, rotation overdue.
    Report {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// From this time: RFC 3339 (`2026-12-01T00:00:00Z`), a date (`2026-12-01`) or an age (`7d`).
        #[arg(long)]
        since: Option<String>,
        /// Up to this time (same forms).
        #[arg(long)]
        until: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Secrets read or written before but not in the last N days are listed as unused.
        #[arg(long, default_value_t = 30)]
        unused_days: u32,
        /// KV secrets written more than N days ago (and not since) are listed as rotation overdue.
        #[arg(long, default_value_t = 90)]
        rotation_days: u32,
    },
}

/// The filters of `audit search` (AND). Times: RFC 3339, a date, or an age (`1h`, `7d`).
#[derive(Debug, Clone, PartialEq, Eq, Default, clap::Args)]
pub struct AuditFilterArgs {
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long)]
    pub until: Option<String>,
    /// A path prefix (`secret/data/apps/`) or a pattern with `*` and `?`.
    #[arg(long)]
    pub path: Option<String>,
    /// An operation (read, list, scan, create, update, delete); repeat for several.
    #[arg(long = "op")]
    pub operations: Vec<String>,
    /// A substring of the display name or entity id.
    #[arg(long)]
    pub identity: Option<String>,
    /// A prefix of the client address.
    #[arg(long)]
    pub remote: Option<String>,
    /// Only records with an error.
    #[arg(long)]
    pub errors: bool,
    /// Only denied records.
    #[arg(long)]
    pub denied: bool,
    /// A case-insensitive substring of the shown fields.
    #[arg(long = "grep")]
    pub text: Option<String>,
    /// An HMAC (`hmac-sha256:…`, from `sys/audit-hash`) the record must hold; repeatable.
    #[arg(long)]
    pub hmac: Vec<String>,
    /// Read a plain value (a token, an accessor, a secret) from stdin, hash it with
    /// `sys/audit-hash/<--device>` on the context's server and match that HMAC. The value is
    /// never printed.
    #[arg(long)]
    pub value_stdin: bool,
    /// The audit device for `--value-stdin`.
    #[arg(long, default_value = "file")]
    pub device: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Plain,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Csv,
    Json,
}
