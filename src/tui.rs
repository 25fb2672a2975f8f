//! Terminal set-up and restore. The terminal is restored on every exit path: normal quit, error,
//! panic (a chained panic hook), suspend (ctrl-z restores, `fg` sets it up again) and the
//! terminating signals SIGTERM, SIGHUP and SIGINT ([`restore_and_exit`], called by the runtime's
//! signal task beside the main loop).
//!
//! Set-up and restore happen under one lock that records whether the terminal is set up, so a
//! signal and a resume racing each other cannot leave it raw: the signal path takes the lock and
//! keeps it until the process ends.

use std::io::{self, Stdout, Write};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crossterm::{
    cursor,
    event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture},
    execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};
use nix::sys::signal::{Signal, raise};
use ratatui::{Terminal, backend::CrosstermBackend};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Is the terminal set up (raw, alternate screen, mouse)? Guarded so set-up, restore and the
/// signal path never interleave.
static SET_UP: Mutex<bool> = Mutex::new(false);

/// How long the signal path waits for a write in progress before restoring through `/dev/tty`.
const RESTORE_WAIT: Duration = Duration::from_millis(1500);
/// After a resume in the background, how long a pending terminating signal gets to end the
/// process before the console stops again.
const BACKGROUND_GRACE: Duration = Duration::from_millis(300);

fn set_up_flag() -> MutexGuard<'static, bool> {
    SET_UP
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Enter raw mode and the alternate screen, with mouse capture and bracketed paste.
pub fn init() -> io::Result<Term> {
    install_panic_hook();
    enter()?;
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    full_redraw(&mut term)?;
    Ok(term)
}

fn enter() -> io::Result<()> {
    let mut set_up = set_up_flag();
    terminal::enable_raw_mode()?;
    *set_up = true;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// Leave the alternate screen and raw mode. Safe to call more than once.
pub fn restore() -> io::Result<()> {
    let mut set_up = set_up_flag();
    *set_up = false;
    restore_to(&mut io::stdout().lock())
}

/// Write the sequences that undo [`enter`] to `out`, and put the tty back in the mode it had.
fn restore_to(out: &mut impl Write) -> io::Result<()> {
    // Try every step even if one fails.
    let a = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let b = terminal::disable_raw_mode();
    let _ = out.flush();
    a.and(b)
}

/// The exit status a shell reports for a process ended by signal `signo`.
pub const fn signal_exit_status(signo: i32) -> i32 {
    128 + signo
}

/// A terminating signal arrived: restore the terminal if it is set up and ours, then exit with
/// 128 + `signo` (what a shell reports for death by that signal; resetting the disposition and
/// re-raising would need an `unsafe` sigaction, which this crate forbids).
///
/// Runs beside the main loop, which may be busy: holding the stdout lock until the end means no
/// half-drawn frame lands after the restore and nothing is drawn after it. If a write blocked on
/// a stalled terminal keeps that lock for [`RESTORE_WAIT`], a watchdog restores through
/// `/dev/tty` and exits all the same. A console in the background (suspended, then `kill %1`)
/// does not touch the terminal: it was restored on suspend and belongs to the shell now.
pub fn restore_and_exit(signo: i32) -> ! {
    let status = signal_exit_status(signo);
    let watchdog = std::thread::Builder::new()
        .name("restore-watchdog".into())
        .spawn(move || {
            std::thread::sleep(RESTORE_WAIT);
            if in_foreground() {
                match std::fs::OpenOptions::new().write(true).open("/dev/tty") {
                    Ok(mut tty) => drop(restore_to(&mut tty)),
                    Err(_) => drop(terminal::disable_raw_mode()),
                }
            }
            exit_once(status)
        });
    // Kept until exit: no set-up (a resume) can follow this restore.
    let set_up = set_up_flag();
    if *set_up && in_foreground() {
        if watchdog.is_err() {
            // No watchdog: at least the tty modes come back even if stdout stays locked.
            let _ = terminal::disable_raw_mode();
        }
        let mut out = io::stdout().lock();
        let _ = restore_to(&mut out);
        exit_once(status)
    }
    exit_once(status)
}

/// `std::process::exit`, entered by one thread only (the signal path and its watchdog may both
/// get here); a second caller waits for the first to end the process.
fn exit_once(status: i32) -> ! {
    static EXITING: Mutex<()> = Mutex::new(());
    let _only_one = EXITING.lock();
    std::process::exit(status)
}

/// Is this process in the terminal's foreground process group? (Only then may it change the
/// tty's modes without being stopped by SIGTTOU.) When it cannot tell, it assumes so.
fn in_foreground() -> bool {
    use nix::unistd::{getpgrp, tcgetpgrp};
    let foreground = tcgetpgrp(io::stdin()).or_else(|_| {
        let tty = std::fs::File::open("/dev/tty").map_err(|_| nix::errno::Errno::ENOTTY)?;
        tcgetpgrp(&tty)
    });
    foreground.map_or(true, |group| group == getpgrp())
}

/// Restore the terminal before the default panic message is printed.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Not through `restore()`: a panic while the flag is held must not deadlock here.
            if let Ok(mut set_up) = SET_UP.try_lock() {
                *set_up = false;
            }
            let _ = restore_to(&mut io::stdout());
            previous(info);
        }));
    });
}

/// ctrl-z: restore the terminal, stop the process, and set the terminal up again once resumed
/// in the foreground (`fg`). Resumed in the background (`bg`, or `kill %1`, which also sends
/// SIGCONT), it leaves the terminal alone: a pending terminating signal gets
/// [`BACKGROUND_GRACE`] to end the process, then the console stops again until `fg`.
pub fn suspend(term: &mut Term) -> io::Result<()> {
    restore()?;
    loop {
        raise(Signal::SIGTSTP).map_err(io::Error::other)?;
        if wait_for_foreground(BACKGROUND_GRACE) {
            break;
        }
    }
    enter()?;
    full_redraw(term)
}

/// Whether the process is (or becomes, within `grace`) the terminal's foreground.
fn wait_for_foreground(grace: Duration) -> bool {
    let deadline = Instant::now() + grace;
    loop {
        if in_foreground() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Clear the screen and make the next draw repaint everything. (`Terminal::clear` would ask the
/// terminal for the cursor position, whose answer the running event reader swallows.)
fn full_redraw(term: &mut Term) -> io::Result<()> {
    let size = term.size()?;
    term.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
}
