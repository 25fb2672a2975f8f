//! Configuration: flags > env (BAO_* over VAULT_*) > config file > defaults. Named contexts.
//! Submodules: `env` (environment snapshot, directories), `file` (config.toml), `resolve`
//! (precedence and contexts).

use std::path::PathBuf;
use std::sync::Arc;

use crate::secret::Token;

mod audit;
mod env;
mod file;
mod logs;
mod resolve;
mod token_warning;

pub use crate::toml_pos::toml_error;
pub use env::{Env, config_dir, state_dir};
pub use file::{ConfigError, ConfigFile, ContextConfig, parse_config};
pub use resolve::{DEFAULT_ADDR, Settings, load, resolve};
pub use token_warning::TokenWarning;

/// Where the token came from (shown in the status bar, never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Flag,
    /// The variable's name, e.g. `BAO_TOKEN`.
    Env(String),
    /// `~/.vault-token` or another helper file.
    HelperFile(PathBuf),
    /// A file named in the context (`token_file`).
    ContextFile(PathBuf),
    /// The sandbox's own credentials file.
    Sandbox,
    None,
}

/// Everything needed to connect to one cluster, after precedence has been applied.
#[derive(Debug, Clone)]
pub struct ConnectionProfile {
    /// The context name (`default` when none is configured).
    pub context: String,
    /// One or more API addresses of the cluster's nodes.
    pub addrs: Vec<String>,
    pub token: Option<Arc<Token>>,
    pub token_source: TokenSource,
    /// The token is exposed (process list, a file others can read) or its source is missing:
    /// shown in the status bar for as long as this profile is in use.
    pub token_warning: Option<TokenWarning>,
    pub namespace: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub skip_verify: bool,
    pub read_only: bool,
    pub theme: Option<String>,
    /// This is the local practice sandbox (shows a badge).
    pub sandbox: bool,
}

impl ConnectionProfile {
    /// A profile for these addresses with every option at its default: no token, TLS verified,
    /// writes allowed, the configured theme. Build others with struct update syntax.
    pub fn new(context: impl Into<String>, addrs: Vec<String>) -> Self {
        Self {
            context: context.into(),
            addrs,
            token: None,
            token_source: TokenSource::None,
            token_warning: None,
            namespace: None,
            ca_cert: None,
            client_cert: None,
            client_key: None,
            skip_verify: false,
            read_only: false,
            theme: None,
            sandbox: false,
        }
    }
}

impl PartialEq for ConnectionProfile {
    fn eq(&self, o: &Self) -> bool {
        self.context == o.context
            && self.addrs == o.addrs
            && self.token.is_some() == o.token.is_some()
            && self.token_source == o.token_source
            && self.token_warning == o.token_warning
            && self.namespace == o.namespace
            && self.ca_cert == o.ca_cert
            && self.client_cert == o.client_cert
            && self.client_key == o.client_key
            && self.skip_verify == o.skip_verify
            && self.read_only == o.read_only
            && self.theme == o.theme
            && self.sandbox == o.sandbox
    }
}
