//! Configuration: flags > env (BAO_* over VAULT_*) > config file > defaults. Named contexts.
//! (Loading is implemented below the types.)

use std::path::PathBuf;
use std::sync::Arc;

use crate::secret::Token;

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

impl PartialEq for ConnectionProfile {
    fn eq(&self, o: &Self) -> bool {
        self.context == o.context
            && self.addrs == o.addrs
            && self.token.is_some() == o.token.is_some()
            && self.token_source == o.token_source
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

// ---------------------------------------------------------------------------------------------
// Loading.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::cli::Cli;

/// The default address, as the CLI has it.
pub const DEFAULT_ADDR: &str = "https://127.0.0.1:8200";

/// A snapshot of the environment, so precedence can be tested without touching the process env.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    pub fn from_process() -> Env {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    pub fn from_pairs(pairs: &[(&str, &str)]) -> Env {
        Env {
            vars: pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        }
    }

    /// A variable's value; empty counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        self.vars.get(name).filter(|v| !v.is_empty()).cloned()
    }

    /// `BAO_<name>` wins over `VAULT_<name>`; returns the value and the variable it came from.
    pub fn bao_or_vault(&self, name: &str) -> Option<(String, String)> {
        ["BAO_", "VAULT_"].iter().find_map(|p| {
            let var = format!("{p}{name}");
            self.get(&var).map(|v| (v, var))
        })
    }
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "strongroom")
}

/// `<config dir>`: `STRONGROOM_CONFIG_DIR`, else the platform config dir.
pub fn config_dir(env: &Env) -> PathBuf {
    env.get("STRONGROOM_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| project_dirs().map(|d| d.config_dir().to_path_buf()))
        .unwrap_or_else(|| PathBuf::from(".strongroom"))
}

/// `<state dir>` (the log file): `STRONGROOM_STATE_DIR`, else the platform state (or data) dir.
pub fn state_dir(env: &Env) -> PathBuf {
    env.get("STRONGROOM_STATE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            project_dirs().map(|d| {
                d.state_dir()
                    .unwrap_or_else(|| d.data_local_dir())
                    .to_path_buf()
            })
        })
        .unwrap_or_else(|| PathBuf::from(".strongroom"))
}

/// `config.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_context: Option<String>,
    pub theme: Option<String>,
    pub poll_interval_secs: Option<u64>,
    #[serde(default)]
    pub contexts: BTreeMap<String, ContextConfig>,
}

/// `[contexts.NAME]`: one cluster.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextConfig {
    #[serde(default)]
    pub addrs: Vec<String>,
    pub token_file: Option<PathBuf>,
    pub token_env: Option<String>,
    pub namespace: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    #[serde(default)]
    pub skip_verify: bool,
    #[serde(default)]
    pub read_only: bool,
    pub theme: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {file}, line {line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error("cannot read config file {file}: {message}")]
    Read { file: String, message: String },
    #[error("unknown context \"{name}\" (known: {known})")]
    UnknownContext { name: String, known: String },
    #[error("cannot read the token file {file}: {message}")]
    TokenFile { file: String, message: String },
    #[error("config file {file}: poll_interval_secs = {value} is out of range (1 to 60)")]
    PollInterval { file: String, value: u64 },
}

/// Parse config text; errors name the file, the line and the value.
pub fn parse_config(text: &str, file: &str) -> Result<ConfigFile, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let (line, message) = toml_error(text, &e);
        ConfigError::Invalid {
            file: file.to_string(),
            line,
            message,
        }
    })
}

/// Everything resolved from flags, environment and the config file.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: ConnectionProfile,
    pub contexts: Vec<ConnectionProfile>,
    pub theme: String,
    pub poll_interval: Duration,
    pub config_path: PathBuf,
    pub warnings: Vec<String>,
}

/// Read the config file (a missing file means defaults) and resolve.
pub fn load(cli: &Cli, env: &Env) -> Result<Settings, ConfigError> {
    let path = cli
        .config
        .clone()
        .unwrap_or_else(|| config_dir(env).join("config.toml"));
    let file = match std::fs::read_to_string(&path) {
        Ok(text) => Some(parse_config(&text, &path.display().to_string())?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && cli.config.is_none() => None,
        Err(e) => {
            return Err(ConfigError::Read {
                file: path.display().to_string(),
                message: e.to_string(),
            });
        }
    };
    let home = env.get("HOME").map(PathBuf::from);
    let mut s = resolve(cli, env, file.as_ref(), home.as_deref())?;
    s.config_path = path;
    Ok(s)
}

fn expand_home(p: &Path, home: Option<&Path>) -> PathBuf {
    match (p.strip_prefix("~"), home) {
        (Ok(rest), Some(h)) => h.join(rest),
        _ => p.to_path_buf(),
    }
}

fn read_token_file(p: &Path) -> Result<Option<Arc<Token>>, ConfigError> {
    match std::fs::read_to_string(p) {
        Ok(t) if !t.trim().is_empty() => Ok(Some(Arc::new(crate::secret::token_from(&t)))),
        Ok(_) => Ok(None),
        Err(e) => Err(ConfigError::TokenFile {
            file: p.display().to_string(),
            message: e.to_string(),
        }),
    }
}

/// The token helper file `~/.vault-token`, if present.
fn helper_token(home: Option<&Path>) -> (Option<Arc<Token>>, TokenSource) {
    if let Some(h) = home {
        let p = h.join(".vault-token");
        if let Ok(Some(t)) = read_token_file(&p) {
            return (Some(t), TokenSource::HelperFile(p));
        }
    }
    (None, TokenSource::None)
}

/// A context resolved from the file alone (for `:ctx` switching).
fn profile_from_file(
    name: &str,
    c: &ContextConfig,
    env: &Env,
    home: Option<&Path>,
) -> Result<ConnectionProfile, ConfigError> {
    let (token, token_source) =
        if let Some(var) = c.token_env.as_ref().filter(|v| env.get(v).is_some()) {
            let v = env.get(var).unwrap_or_default();
            (
                Some(Arc::new(crate::secret::token_from(&v))),
                TokenSource::Env(var.clone()),
            )
        } else if let Some(f) = &c.token_file {
            let p = expand_home(f, home);
            (read_token_file(&p)?, TokenSource::ContextFile(p))
        } else {
            helper_token(home)
        };
    Ok(ConnectionProfile {
        context: name.to_string(),
        addrs: if c.addrs.is_empty() {
            vec![DEFAULT_ADDR.to_string()]
        } else {
            c.addrs.clone()
        },
        token,
        token_source,
        namespace: c.namespace.clone(),
        ca_cert: c.ca_cert.as_ref().map(|p| expand_home(p, home)),
        client_cert: c.client_cert.as_ref().map(|p| expand_home(p, home)),
        client_key: c.client_key.as_ref().map(|p| expand_home(p, home)),
        skip_verify: c.skip_verify,
        read_only: c.read_only,
        theme: c.theme.clone(),
        sandbox: false,
    })
}

/// Apply precedence: flags > env (BAO_* over VAULT_*) > config file > defaults.
pub fn resolve(
    cli: &Cli,
    env: &Env,
    file: Option<&ConfigFile>,
    home: Option<&Path>,
) -> Result<Settings, ConfigError> {
    let empty = ConfigFile::default();
    let file = file.unwrap_or(&empty);
    let known = || {
        let k: Vec<&str> = file.contexts.keys().map(String::as_str).collect();
        if k.is_empty() {
            "none configured".to_string()
        } else {
            k.join(", ")
        }
    };
    let selected = match (&cli.context, &file.default_context) {
        (Some(n), _) => {
            if !file.contexts.contains_key(n) {
                return Err(ConfigError::UnknownContext {
                    name: n.clone(),
                    known: known(),
                });
            }
            Some(n.clone())
        }
        (None, Some(n)) => {
            if !file.contexts.contains_key(n) {
                return Err(ConfigError::UnknownContext {
                    name: n.clone(),
                    known: known(),
                });
            }
            Some(n.clone())
        }
        (None, None) => file
            .contexts
            .contains_key("default")
            .then(|| "default".to_string()),
    };
    let ctx = selected
        .as_ref()
        .and_then(|n| file.contexts.get(n))
        .cloned()
        .unwrap_or_default();
    let name = selected.clone().unwrap_or_else(|| "default".to_string());
    let mut profile = profile_from_file(&name, &ctx, env, home)?;

    // Addresses.
    if !cli.addr.is_empty() {
        profile.addrs = cli.addr.clone();
    } else if let Some((v, _)) = env.bao_or_vault("ADDR") {
        profile.addrs = v
            .split(',')
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
    }
    // Token.
    if let Some(t) = &cli.token {
        profile.token = Some(Arc::new(crate::secret::token_from(t)));
        profile.token_source = TokenSource::Flag;
    } else if let Some((v, var)) = env.bao_or_vault("TOKEN") {
        profile.token = Some(Arc::new(crate::secret::token_from(&v)));
        profile.token_source = TokenSource::Env(var);
    }
    // The rest.
    if let Some(ns) = cli
        .namespace
        .clone()
        .or_else(|| env.bao_or_vault("NAMESPACE").map(|v| v.0))
    {
        profile.namespace = Some(ns);
    }
    let path_of = |flag: &Option<PathBuf>, var: &str| {
        flag.clone()
            .or_else(|| env.bao_or_vault(var).map(|v| PathBuf::from(v.0)))
    };
    if let Some(p) = path_of(&cli.ca_cert, "CACERT") {
        profile.ca_cert = Some(p);
    }
    if let Some(p) = path_of(&cli.client_cert, "CLIENT_CERT") {
        profile.client_cert = Some(p);
    }
    if let Some(p) = path_of(&cli.client_key, "CLIENT_KEY") {
        profile.client_key = Some(p);
    }
    if cli.skip_verify
        || env
            .bao_or_vault("SKIP_VERIFY")
            .is_some_and(|v| truthy(&v.0))
    {
        profile.skip_verify = true;
    }
    profile.read_only |= cli.read_only;

    let theme = cli
        .theme
        .clone()
        .or_else(|| ctx.theme.clone())
        .or_else(|| file.theme.clone())
        .unwrap_or_else(|| "default".to_string());
    let secs = file.poll_interval_secs.unwrap_or(2);
    if !(1..=60).contains(&secs) {
        return Err(ConfigError::PollInterval {
            file: "config.toml".into(),
            value: secs,
        });
    }

    let mut warnings = Vec::new();
    let mut contexts = Vec::new();
    for (n, c) in &file.contexts {
        if Some(n) == selected.as_ref() {
            contexts.push(profile.clone());
            continue;
        }
        match profile_from_file(n, c, env, home) {
            Ok(p) => contexts.push(p),
            Err(e) => warnings.push(format!("context {n}: {e}")),
        }
    }
    if selected.is_none() {
        contexts.insert(0, profile.clone());
    }
    Ok(Settings {
        profile,
        contexts,
        theme,
        poll_interval: Duration::from_secs(secs),
        config_path: PathBuf::new(),
        warnings,
    })
}

/// The line and a readable message of a TOML error: when the message does not quote the
/// offending text itself, the text at the error's span is added.
pub fn toml_error(text: &str, e: &toml::de::Error) -> (usize, String) {
    let msg = e.message().trim().to_string();
    let Some(span) = e.span() else {
        return (1, msg);
    };
    let start = span.start.min(text.len());
    let line = text[..start].matches('\n').count() + 1;
    let snippet: String = text[start..span.end.min(text.len())]
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(40)
        .collect();
    if msg.contains('`') || msg.contains('"') || snippet.trim().is_empty() {
        (line, msg)
    } else {
        (line, format!("{msg} at `{}`", snippet.trim()))
    }
}
