//! Logging with `tracing` to `<state dir>/strongroom.log`; off unless a level is asked for
//! (`--log-level` or `STRONGROOM_LOG`). Never to the terminal: the TUI owns it. Tokens and
//! secret values never reach the log (they live in secret types with redacted Debug).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Start file logging at `level` (a tracing filter such as `debug` or `strongroom=trace`).
/// Returns the guard that flushes the file on drop, or `None` when logging is off.
pub fn init(level: Option<&str>, state_dir: &Path) -> Result<Option<WorkerGuard>, String> {
    let Some(level) = level
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "off")
    else {
        return Ok(None);
    };
    let filter =
        EnvFilter::try_new(level).map_err(|e| format!("invalid log level {level:?}: {e}"))?;
    std::fs::create_dir_all(state_dir)
        .map_err(|e| format!("cannot create the state dir {}: {e}", state_dir.display()))?;
    let appender = tracing_appender::rolling::never(state_dir, "strongroom.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "strongroom started");
    Ok(Some(guard))
}
