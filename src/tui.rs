//! Terminal set-up and restore. The terminal is restored on every exit path: normal quit, error,
//! panic (a chained panic hook) and suspend (ctrl-z restores, `fg` sets it up again).

use std::io::{self, Stdout, Write};

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
    let mut out = io::stdout();
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
