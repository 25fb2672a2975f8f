//! The console's main loop: one channel of `Msg`s into `App::update`, commands out to the
//! worker and the terminal, and a draw whenever something changed.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::{App, AppInit, ToastLevel};
use crate::clipboard::{Clipboard, ClipboardSettings, CopyText};
use crate::command::Command;
use crate::event::{EventTask, Msg};
use crate::tui;
use crate::vault::worker::{Worker, WorkerHandle};

/// Tick period: drives polls and the ages shown on screen.
const TICK: Duration = Duration::from_secs(1);

/// Restores the terminal however the loop ends.
struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        let _ = tui::restore();
    }
}

/// Run the interactive console until the user quits, with the default clipboard settings.
pub async fn run_console(init: AppInit) -> std::io::Result<()> {
    run_console_with(init, ClipboardSettings::default()).await
}

/// Run the interactive console until the user quits.
pub async fn run_console_with(
    init: AppInit,
    clipboard_settings: ClipboardSettings,
) -> std::io::Result<()> {
    run_console_rotation(
        init,
        clipboard_settings,
        crate::radar::RotationPolicy::default(),
        crate::audit::AnomalyConfig::default(),
    )
    .await
}

/// The directories runbooks live in: `<config dir>/runbooks` (the user's runbooks) and
/// `<state dir>/runs` (journals and reports).
#[derive(Debug, Clone)]
pub struct RunbookDirs {
    pub config_dir: std::path::PathBuf,
    pub state_dir: std::path::PathBuf,
}

/// Load the runbook library, the unfinished runs and the responder's name (at start, before
/// the loop: `update` does no I/O).
pub fn runbook_env(dirs: &RunbookDirs) -> crate::ui::screens::runbook::RunbookEnv {
    use crate::runbook::{journal, library};
    let lib = library::load(Some(&library::user_dir(&dirs.config_dir)));
    let runs_dir = journal::runs_dir(&dirs.state_dir);
    let taken = std::fs::read_dir(&runs_dir)
        .map(|d| {
            d.flatten()
                .take(100_000)
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".jsonl").map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    let operator = std::env::var("USER")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "operator".into());
    crate::ui::screens::runbook::RunbookEnv {
        library: std::sync::Arc::new(lib),
        unfinished: journal::unfinished(&runs_dir),
        runs_dir,
        taken,
        operator: crate::sanitize::sanitize(&operator).into_owned(),
    }
}

/// Run the interactive console with runbooks (their library and runs from `dirs`).
pub async fn run_console_runbooks(
    init: AppInit,
    clipboard_settings: ClipboardSettings,
    rotation: crate::radar::RotationPolicy,
    anomaly: crate::audit::AnomalyConfig,
    dirs: RunbookDirs,
    log_max_lines: usize,
) -> std::io::Result<()> {
    let opts = StartOptions {
        log_max_lines,
        fleet: false,
    };
    run_console_start(init, clipboard_settings, rotation, anomaly, dirs, opts).await
}

/// How the console starts: the log stream's line cap (`[logs] max_lines`) and whether it opens
/// on the fleet view (`strongroom --fleet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartOptions {
    pub log_max_lines: usize,
    pub fleet: bool,
}

/// [`run_console_runbooks`], on the fleet view when `fleet` (`strongroom --fleet`).
pub async fn run_console_start(
    init: AppInit,
    clipboard_settings: ClipboardSettings,
    rotation: crate::radar::RotationPolicy,
    anomaly: crate::audit::AnomalyConfig,
    dirs: RunbookDirs,
    opts: StartOptions,
) -> std::io::Result<()> {
    let env = runbook_env(&dirs);
    run_console_env(init, clipboard_settings, rotation, anomaly, env, opts).await
}

/// Run the interactive console until the user quits, with the radar's KV rotation ages and
/// the anomaly signals' settings.
pub async fn run_console_rotation(
    init: AppInit,
    clipboard_settings: ClipboardSettings,
    rotation: crate::radar::RotationPolicy,
    anomaly: crate::audit::AnomalyConfig,
) -> std::io::Result<()> {
    let env = crate::ui::screens::runbook::RunbookEnv {
        library: std::sync::Arc::new(crate::runbook::library::builtin()),
        ..Default::default()
    };
    let opts = StartOptions {
        log_max_lines: crate::ui::screens::logs::DEFAULT_MAX_LINES,
        fleet: false,
    };
    run_console_env(init, clipboard_settings, rotation, anomaly, env, opts).await
}

async fn run_console_env(
    init: AppInit,
    clipboard_settings: ClipboardSettings,
    rotation: crate::radar::RotationPolicy,
    anomaly: crate::audit::AnomalyConfig,
    runbooks: crate::ui::screens::runbook::RunbookEnv,
    opts: StartOptions,
) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let cancel = CancellationToken::new();
    let mut worker = start_worker(&init.profile, &tx, &cancel);
    let mut fleet = crate::vault::fleet::FleetPoller::new(tx.clone(), cancel.child_token());
    let mut app = App::new(init);
    app.clipboard = clipboard_settings;
    app.rotation = rotation;
    app.anomaly = anomaly;
    app.runbooks = runbooks;
    app.log_max_lines = opts.log_max_lines;
    // Owned here: copies and clears are written between draws, never inside a frame.
    let mut clipboard = Clipboard::new(clipboard_settings);
    // Before the terminal changes: from here on a signal restores it and ends the process.
    listen_for_signals()?;
    let mut term = tui::init()?;
    let _guard = RestoreGuard;
    let size = term.size()?;
    app.update(Msg::Resize(size.width, size.height));
    if let Err(e) = &worker {
        app.toast(format!("cannot connect: {e}"), ToastLevel::Error);
    }
    // The first frame goes out before any network answer.
    term.draw(|f| crate::ui::draw(f, &app))?;
    app.dirty = false;
    tracing::debug!("first frame drawn");
    EventTask::spawn(tx.clone(), TICK, cancel.child_token());
    let mut pending: Vec<Command> = app.start();
    if opts.fleet {
        pending.extend(app.open_fleet());
    }

    loop {
        for cmd in pending.drain(..) {
            match cmd {
                Command::Quit => app.quit = true,
                Command::Suspend => {
                    tui::suspend(&mut term)?;
                    app.update(Msg::Resumed);
                }
                Command::Connect { profile } => {
                    if let Ok(w) = &worker {
                        w.cancel();
                    }
                    worker = start_worker(&profile, &tx, &cancel);
                    if let Err(e) = &worker {
                        app.toast(format!("cannot connect: {e}"), ToastLevel::Error);
                    }
                }
                Command::SetToken { token } => match &mut worker {
                    Ok(w) => w.set_token(&token),
                    Err(e) => app.toast(format!("not connected: {e}"), ToastLevel::Error),
                },
                Command::Copy {
                    label,
                    text,
                    clear_after,
                } => copy(&mut clipboard, &mut app, &label, &text, clear_after),
                // Synchronous, in order: fsynced before the commands after it go out.
                Command::AppendJournal { path, entries } => {
                    if let Err(e) = crate::runbook::journal::append(&path, &entries) {
                        tracing::error!(error = %e, "run journal not written");
                        app.update(Msg::FileError(format!("journal not written: {e}")));
                    }
                }
                Command::SaveReport { path, text } => {
                    let msg = match save_private(&path, &text) {
                        Ok(()) => Msg::FileSaved(path.display().to_string()),
                        Err(e) => Msg::FileError(format!(
                            "cannot write the report {}: {e}",
                            path.display()
                        )),
                    };
                    app.update(msg);
                }
                // Any context's poll: the fleet poller, never the current connection's worker.
                Command::Fetch {
                    ticket,
                    request: crate::command::Request::Fleet(r),
                } => fleet.send(ticket, r),
                cmd @ (Command::Fetch { .. }
                | Command::Write { .. }
                | Command::StartJob { .. }
                | Command::CancelJob { .. }) => match &worker {
                    Ok(w) => w.send(&cmd),
                    Err(e) => app.toast(format!("not connected: {e}"), ToastLevel::Error),
                },
            }
        }
        if let Some(cleared) = clipboard.poll(std::time::Instant::now()) {
            tracing::info!(?cleared, "clipboard clear due");
        }
        if app.quit {
            break;
        }
        if app.dirty {
            term.draw(|f| crate::ui::draw(f, &app))?;
            app.dirty = false;
        }
        let Some(first) = rx.recv().await else { break };
        // Drain what else is queued; keep only the newest tick.
        let mut batch = vec![first];
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        let newest_tick = batch.iter().rposition(|m| matches!(m, Msg::Tick(_)));
        for (i, msg) in batch.into_iter().enumerate() {
            if matches!(msg, Msg::Tick(_)) && Some(i) != newest_tick {
                continue;
            }
            pending.extend(app.update(msg));
        }
    }
    cancel.cancel();
    // A copy still on the clipboard goes with the console (if it is still ours).
    if let Some(cleared) = clipboard.clear_now() {
        tracing::info!(?cleared, "clipboard cleared on quit");
    }
    drop(term);
    tui::restore()
}

/// Perform a copy; a failure (or the fallback to OSC 52) is said in a toast.
fn copy(
    clipboard: &mut Clipboard,
    app: &mut App,
    label: &str,
    text: &CopyText,
    clear_after: Duration,
) {
    match clipboard.copy(text, clear_after, std::time::Instant::now()) {
        Ok(done) => {
            tracing::info!(label = %crate::sanitize::sanitize(label), backend = done.backend, "copied");
            if let Some(e) = done.fell_back {
                app.toast(format!("{e}; copied with OSC 52"), ToastLevel::Warn);
            }
        }
        Err(e) => app.copy_failed(format!("copy failed: {e}")),
    }
}

/// Write a file readable by its owner only (0600), fsynced.
fn save_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).write(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// SIGTERM, SIGHUP and SIGINT restore the terminal and end the process with 128 + signo.
/// (ctrl-c in the console is a key, since raw mode turns `isig` off; ctrl-z is handled as a key
/// by [`tui::suspend`].) The task runs beside the main loop, so a busy loop does not delay it,
/// and it stays until the process ends, so a signal during shutdown still exits.
fn listen_for_signals() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        let kind = tokio::select! {
            Some(()) = term.recv() => SignalKind::terminate(),
            Some(()) = hup.recv() => SignalKind::hangup(),
            Some(()) = int.recv() => SignalKind::interrupt(),
            else => return,
        };
        let signo = kind.as_raw_value();
        tracing::info!(
            signo,
            "terminating signal: restoring the terminal and exiting"
        );
        // Blocking from here on (a lock, then exit): off the async worker threads.
        let _ = tokio::task::spawn_blocking(move || tui::restore_and_exit(signo)).await;
    });
    Ok(())
}

fn start_worker(
    profile: &crate::config::ConnectionProfile,
    tx: &mpsc::UnboundedSender<Msg>,
    cancel: &CancellationToken,
) -> Result<WorkerHandle, crate::vault::VaultError> {
    let worker = Worker::new(profile)?;
    Ok(WorkerHandle::spawn(
        worker,
        tx.clone(),
        cancel.child_token(),
    ))
}
