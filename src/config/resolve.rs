//! Precedence: flags > env (BAO_* over VAULT_*) > config file > defaults, for the selected
//! context; every other context is resolved from the file alone.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::env::truthy;
use super::file::POLL_INTERVAL_SECS;
use super::token_warning::readable_by_others;
use super::{
    ConfigError, ConfigFile, ConnectionProfile, ContextConfig, Env, TokenSource, TokenWarning,
    config_dir, parse_config,
};
use crate::cli::Cli;
use crate::secret::{ExposeSecret, Token, token_from};

/// The default address, as the CLI has it.
pub const DEFAULT_ADDR: &str = "https://127.0.0.1:8200";

/// Everything resolved from flags, environment and the config file.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: ConnectionProfile,
    pub contexts: Vec<ConnectionProfile>,
    pub theme: String,
    pub poll_interval: Duration,
    pub config_path: PathBuf,
    pub warnings: Vec<String>,
    /// `[clipboard]` of the config file, `STRONGROOM_CLIPBOARD` over its mode.
    pub clipboard: crate::clipboard::ClipboardSettings,
    /// `[rotation]` of the config file: the KV rotation ages of the expiry radar.
    pub rotation: crate::radar::RotationPolicy,
    /// `[audit]` of the config file: the anomaly signals' thresholds.
    pub audit: crate::audit::AnomalyConfig,
    /// `[logs] max_lines` of the config file: the lines a log screen keeps.
    pub log_max_lines: usize,
}

/// Read the config file (a missing default file means defaults; a missing `--config` file is an
/// error) and resolve. The token helper file is looked up under `$HOME`.
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

/// A token file's content; an empty file is no token.
fn read_token_file(p: &Path) -> Result<Option<Arc<Token>>, ConfigError> {
    // Zeroizing: the file's text is the token, and is wiped once copied into the secret.
    match std::fs::read_to_string(p).map(zeroize::Zeroizing::new) {
        Ok(t) if !t.trim().is_empty() => Ok(Some(Arc::new(token_from(&t)))),
        Ok(_) => Ok(None),
        Err(e) => Err(ConfigError::TokenFile {
            file: p.display().to_string(),
            message: e.to_string(),
        }),
    }
}

/// A token, where it came from, and what is wrong with that source.
type TokenChoice = (Option<Arc<Token>>, TokenSource, Option<TokenWarning>);

/// A token read from a file, with a warning when group or others can read the file.
fn from_file(token: Option<Arc<Token>>, source: TokenSource, p: &Path) -> TokenChoice {
    let warning = token.as_ref().and_then(|_| readable_by_others(p));
    (token, source, warning)
}

/// The context's token (`token_env`, then `token_file`), else the token helper file
/// `~/.vault-token`. A context that names a token source never falls through to the helper
/// file: that file may hold another cluster's token. An unset `token_env` (without a
/// `token_file`) is no token and a [`TokenWarning::EnvUnset`]; an unreadable `token_file` is a
/// warning and no token.
fn file_token(
    name: &str,
    c: &ContextConfig,
    env: &Env,
    home: Option<&Path>,
    warnings: &mut Vec<String>,
) -> TokenChoice {
    if let Some(var) = &c.token_env {
        if let Some(v) = env.get(var).map(zeroize::Zeroizing::new) {
            return (
                Some(Arc::new(token_from(&v))),
                TokenSource::Env(var.clone()),
                None,
            );
        }
        if c.token_file.is_none() {
            let unset = TokenWarning::EnvUnset { var: var.clone() };
            return (None, TokenSource::None, Some(unset));
        }
    }
    if let Some(f) = &c.token_file {
        let p = expand_home(f, home);
        return match read_token_file(&p) {
            Ok(t) => from_file(t, TokenSource::ContextFile(p.clone()), &p),
            Err(e) => {
                warnings.push(format!("context {name}: {e}"));
                (None, TokenSource::None, None)
            }
        };
    }
    if let Some(h) = home {
        let p = h.join(".vault-token");
        if let Ok(Some(t)) = read_token_file(&p) {
            return from_file(Some(t), TokenSource::HelperFile(p.clone()), &p);
        }
    }
    (None, TokenSource::None, None)
}

/// A context resolved from the file alone, with the given token.
fn profile_from_file(
    name: &str,
    c: &ContextConfig,
    home: Option<&Path>,
    (token, token_source, token_warning): TokenChoice,
) -> ConnectionProfile {
    ConnectionProfile {
        context: name.to_string(),
        addrs: if c.addrs.is_empty() {
            vec![DEFAULT_ADDR.to_string()]
        } else {
            c.addrs.clone()
        },
        token,
        token_source,
        token_warning,
        namespace: c.namespace.clone(),
        ca_cert: c.ca_cert.as_ref().map(|p| expand_home(p, home)),
        client_cert: c.client_cert.as_ref().map(|p| expand_home(p, home)),
        client_key: c.client_key.as_ref().map(|p| expand_home(p, home)),
        skip_verify: c.skip_verify,
        read_only: c.read_only,
        theme: c.theme.clone(),
        sandbox: false,
    }
}

/// `--context` > `default_context` > a context named "default" > none.
fn select(cli: &Cli, file: &ConfigFile) -> Result<Option<String>, ConfigError> {
    let Some(name) = cli.context.as_ref().or(file.default_context.as_ref()) else {
        return Ok(file
            .contexts
            .contains_key("default")
            .then(|| "default".to_string()));
    };
    if file.contexts.contains_key(name) {
        return Ok(Some(name.clone()));
    }
    let known: Vec<&str> = file.contexts.keys().map(String::as_str).collect();
    Err(ConfigError::UnknownContext {
        name: name.clone(),
        known: if known.is_empty() {
            "none configured".to_string()
        } else {
            known.join(", ")
        },
    })
}

/// The token from `--token`, `BAO_TOKEN` or `VAULT_TOKEN`.
fn flag_or_env_token(cli: &Cli, env: &Env) -> Option<TokenChoice> {
    if let Some(t) = &cli.token {
        return Some((
            Some(Arc::new(token_from(t.secret().expose_secret()))),
            TokenSource::Flag,
            Some(TokenWarning::Flag),
        ));
    }
    env.bao_or_vault("TOKEN").map(|(v, var)| {
        let v = zeroize::Zeroizing::new(v);
        (Some(Arc::new(token_from(&v))), TokenSource::Env(var), None)
    })
}

/// Flags and environment over the selected context's profile.
fn apply_flags_and_env(profile: &mut ConnectionProfile, cli: &Cli, env: &Env) {
    if !cli.addr.is_empty() {
        profile.addrs = cli.addr.clone();
    } else if let Some((v, _)) = env.bao_or_vault("ADDR") {
        let addrs: Vec<String> = v
            .split(',')
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        if !addrs.is_empty() {
            profile.addrs = addrs;
        }
    }
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
    if cli.skip_verify {
        profile.skip_verify = true;
    } else if let Some((v, _)) = env.bao_or_vault("SKIP_VERIFY") {
        profile.skip_verify = truthy(&v);
    }
    profile.read_only |= cli.read_only;
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
    let selected = select(cli, file)?;
    let ctx = selected
        .as_ref()
        .and_then(|n| file.contexts.get(n))
        .cloned()
        .unwrap_or_default();
    let name = selected.clone().unwrap_or_else(|| "default".to_string());

    let mut warnings = Vec::new();
    let token = match flag_or_env_token(cli, env) {
        Some(t) => t,
        None => file_token(&name, &ctx, env, home, &mut warnings),
    };
    // The selected context's token warning is also said once, with its whole message.
    if let Some(w) = &token.2 {
        warnings.push(w.message(&name));
    }
    let mut profile = profile_from_file(&name, &ctx, home, token);
    apply_flags_and_env(&mut profile, cli, env);

    let theme = cli
        .theme
        .clone()
        .or_else(|| ctx.theme.clone())
        .or_else(|| file.theme.clone())
        .unwrap_or_else(|| "default".to_string());
    let secs = file.poll_interval_secs.unwrap_or(2);
    if !POLL_INTERVAL_SECS.contains(&secs) {
        return Err(ConfigError::PollInterval {
            file: "config.toml".into(),
            value: secs,
        });
    }

    warnings.extend(file.warnings.iter().cloned());
    let clipboard = clipboard_settings(file, env, &mut warnings);

    let mut contexts = Vec::new();
    for (n, c) in &file.contexts {
        if Some(n) == selected.as_ref() {
            contexts.push(profile.clone());
        } else {
            let token = file_token(n, c, env, home, &mut warnings);
            contexts.push(profile_from_file(n, c, home, token));
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
        clipboard,
        rotation: file.rotation_policy.clone(),
        audit: file.anomaly.clone(),
        log_max_lines: file
            .log_max_lines
            .unwrap_or(crate::ui::screens::logs::DEFAULT_MAX_LINES),
    })
}

/// The file's clipboard settings with `STRONGROOM_CLIPBOARD` over the mode (a bad value is a
/// warning and keeps the file's mode).
fn clipboard_settings(
    file: &ConfigFile,
    env: &Env,
    warnings: &mut Vec<String>,
) -> crate::clipboard::ClipboardSettings {
    use crate::clipboard::{ClipboardMode, ENV_MODE};
    let mut s = file.clipboard_settings;
    if let Some(v) = env.get(ENV_MODE).filter(|v| !v.trim().is_empty()) {
        match ClipboardMode::parse(&v) {
            Some(m) => s.mode = m,
            None => warnings.push(format!(
                "{ENV_MODE}={} is not one of {}; using {}",
                crate::sanitize::sanitize(&v),
                ClipboardMode::NAMES,
                s.mode.name()
            )),
        }
    }
    s
}
