//! Warnings about where a profile's token came from: exposed to other users (`--token` in the
//! process list, a token file readable by group or others) or missing (the context's `token_env`
//! is unset). Computed once in config resolution; the status bar shows the badge for as long as
//! the profile is in use, headless commands print the message on stderr.

use std::path::{Path, PathBuf};

use crate::sanitize::sanitize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenWarning {
    /// The token was given with `--token`: any local user can read it in the process list.
    Flag,
    /// The token file (the context's `token_file` or `~/.vault-token`) is readable by group or
    /// others (`mode & 0o077 != 0`).
    ReadableFile { path: PathBuf, mode: u32 },
    /// The context names `token_env`, the variable is unset and there is no `token_file`: no
    /// token is used (never the token helper file, which may belong to another cluster).
    EnvUnset { var: String },
}

impl TokenWarning {
    /// The short text of the status bar badge.
    pub fn badge(&self) -> String {
        match self {
            TokenWarning::Flag => "⚠ TOKEN IN PROCESS LIST".to_string(),
            TokenWarning::ReadableFile { mode, .. } => {
                format!("⚠ TOKEN FILE MODE {:04o}", mode & 0o7777)
            }
            TokenWarning::EnvUnset { var } => format!("⚠ NO TOKEN: {} UNSET", sanitize(var)),
        }
    }

    /// The whole message, naming the context, for stderr and toasts.
    pub fn message(&self, context: &str) -> String {
        let context = sanitize(context);
        match self {
            TokenWarning::Flag => format!(
                "context {context}: the token was given with --token and is visible in the process list; use BAO_TOKEN or a token file"
            ),
            TokenWarning::ReadableFile { path, mode } => format!(
                "context {context}: the token file {} is readable by group or others (mode {:04o}); run chmod 600 on it",
                sanitize(&path.display().to_string()),
                mode & 0o7777
            ),
            TokenWarning::EnvUnset { var } => format!(
                "context {context}: token_env = \"{}\" is not set; no token is used",
                sanitize(var)
            ),
        }
    }
}

/// A warning when the token file at `p` can be read by group or others.
#[cfg(unix)]
pub(crate) fn readable_by_others(p: &Path) -> Option<TokenWarning> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| TokenWarning::ReadableFile {
        path: p.to_path_buf(),
        mode,
    })
}

/// Other platforms have no group/other mode bits to check.
#[cfg(not(unix))]
pub(crate) fn readable_by_others(_p: &Path) -> Option<TokenWarning> {
    None
}
