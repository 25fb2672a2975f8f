//! Terminal set-up and restore. The terminal is restored on every exit path: normal quit, error,
//! panic (a chained panic hook), suspend (ctrl-z restores, `fg` sets it up again) and the
//! terminating signals SIGTERM, SIGHUP and SIGINT ([`restore_and_exit`], called by the runtime's
//! signal task).

use std::io::{self, Stdout, Write};
use std::time::Duration;

use crossterm::{
    cursor,
    event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture},
    execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};
use ratatui::{Terminal, backend::CrosstermBackend};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Enter raw mode and the alternate screen, with mouse capture and bracketed paste.
pub fn init() -> io::Result<Term> {
    install_panic_hook();
    enter()?;
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    full_redraw(&mut term)?;
    Ok(term)
}

fn enter() -> io::Result<()> {
    terminal::enable_raw_mode()?;
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

/// How long the signal path waits for a draw in progress before restoring through the tty.
const RESTORE_WAIT: Duration = Duration::from_millis(1500);

/// The exit status a shell reports for a process ended by signal `signo`.
pub const fn signal_exit_status(signo: i32) -> i32 {
    128 + signo
}

/// A terminating signal arrived: restore the terminal, then exit with 128 + `signo` (what a
/// shell reports for death by that signal; resetting the disposition and re-raising would need
/// `unsafe` sigaction, which this crate forbids).
///
/// Runs beside the main loop, which may be busy: taking the stdout lock waits for a write in
/// progress, so no half-drawn frame lands after the restore and nothing is drawn after it. If
/// that lock is not free within [`RESTORE_WAIT`] (a write blocked on a stalled terminal), a
/// watchdog restores through `/dev/tty` instead and exits all the same.
pub fn restore_and_exit(signo: i32) -> ! {
    let status = signal_exit_status(signo);
    let watchdog = std::thread::Builder::new()
        .name("restore-watchdog".into())
        .spawn(move || {
            std::thread::sleep(RESTORE_WAIT);
            if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
                let _ = restore_to(&mut tty);
            } else {
                let _ = terminal::disable_raw_mode();
            }
            exit_once(status)
        });
    if watchdog.is_err() {
        // No thread to spare: restore directly and hope stdout is free.
        let _ = terminal::disable_raw_mode();
    }
    let mut out = io::stdout().lock();
    let _ = restore_to(&mut out);
    exit_once(status)
}

/// `std::process::exit`, entered by one thread only (the signal task and its watchdog may both
/// get here); a second caller waits for the first to end the process.
fn exit_once(status: i32) -> ! {
    static EXITING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _only_one = EXITING.lock();
    std::process::exit(status)
}

/// Restore the terminal before the default panic message is printed.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = restore();
            previous(info);
        }));
    });
}

/// ctrl-z: restore the terminal, stop the process, and set the terminal up again once resumed.
pub fn suspend(term: &mut Term) -> io::Result<()> {
    restore()?;
    #[cfg(unix)]
    {
        nix::sys::signal::raise(nix::sys::signal::Signal::SIGTSTP).map_err(io::Error::other)?;
    }
    enter()?;
    full_redraw(term)
}

/// Clear the screen and make the next draw repaint everything. (`Terminal::clear` would ask the
/// terminal for the cursor position, whose answer the running event reader swallows.)
fn full_redraw(term: &mut Term) -> io::Result<()> {
    let size = term.size()?;
    term.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
}
