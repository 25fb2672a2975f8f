//! Logging with `tracing` to `<state dir>/strongroom.log`; off unless a level is asked for
//! (`--log-level` or `STRONGROOM_LOG`). Never to the terminal: the TUI owns it. Tokens and
//! secret values never reach the log (they live in secret types with redacted Debug); every
//! line passes through the sanitiser, the file is private (0600) and rotated by size
//! (see [`LogWriter`]).

mod writer;

use std::path::{Path, PathBuf};

use tracing::Subscriber;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

pub use writer::{LOG_FILE, Limits, LogWriter, MAX_LINE, clean_line};

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("invalid log level {level:?}: {reason}")]
    Level { level: String, reason: String },
    #[error("cannot open the log file in {}: {source}", dir.display())]
    Open {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start logging: {0}")]
    Init(String),
}

/// Start file logging at `level` (a tracing filter such as `debug` or `strongroom=trace`).
/// Returns the guard that flushes the file on drop, or `None` when logging is off.
pub fn init(level: Option<&str>, state_dir: &Path) -> Result<Option<WorkerGuard>, LogError> {
    let Some(level) = level
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "off")
    else {
        return Ok(None);
    };
    let filter = EnvFilter::try_new(level).map_err(|e| LogError::Level {
        level: level.to_string(),
        reason: e.to_string(),
    })?;
    let file = LogWriter::open(state_dir, Limits::default()).map_err(|source| LogError::Open {
        dir: state_dir.to_path_buf(),
        source,
    })?;
    // The file is written on tracing-appender's own thread: the UI never waits on the disk.
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing::subscriber::set_global_default(subscriber(filter, writer))
        .map_err(|e| LogError::Init(e.to_string()))?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "strongroom started");
    Ok(Some(guard))
}

/// The subscriber `init` installs, writing to `writer` (so tests can run it without the global).
pub fn subscriber<W>(filter: EnvFilter, writer: W) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_carrying_server_text_is_one_clean_line_in_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = LogWriter::open(dir.path(), Limits::default()).expect("open");
        let (writer, guard) = tracing_appender::non_blocking(file);
        let sub = subscriber(EnvFilter::new("debug"), writer);
        tracing::subscriber::with_default(sub, || {
            let body = "denied\x1b[2J\x1b]52;c;aGk=\x07\n\x1b]2;title\x07";
            tracing::warn!(%body, "request failed");
            tracing::debug!("next");
        });
        drop(guard);
        let log = std::fs::read_to_string(dir.path().join(LOG_FILE)).expect("log");
        assert_eq!(log.lines().count(), 2, "{log:?}");
        assert!(log.contains("request failed"), "{log:?}");
        assert!(!log.chars().any(|c| c.is_control() && c != '\n'), "{log:?}");
    }

    #[test]
    fn off_and_empty_levels_start_nothing_and_a_bad_level_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = dir.path().join("state");
        assert!(init(None, &state).expect("off").is_none());
        assert!(init(Some(" off "), &state).expect("off").is_none());
        assert!(init(Some(""), &state).expect("off").is_none());
        assert!(!state.exists(), "no state dir when logging is off");
        let err = init(Some("strongroom=[bad"), &state).expect_err("bad level");
        assert!(
            err.to_string()
                .starts_with("invalid log level \"strongroom=[bad\""),
            "{err}"
        );
    }
}
