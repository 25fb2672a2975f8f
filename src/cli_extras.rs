//! `strongroom completions bash|zsh|fish` and `strongroom man`: shell completions and a roff man
//! page, both generated from the clap definitions in [`crate::cli`] (clap_complete, clap_mangen),
//! so they can never disagree with the flags the binary takes.

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, ValueEnum};

use crate::cli::{Cli, Sub};

/// The shells `strongroom completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

impl CompletionShell {
    fn generator(self) -> clap_complete::Shell {
        match self {
            CompletionShell::Bash => clap_complete::Shell::Bash,
            CompletionShell::Zsh => clap_complete::Shell::Zsh,
            CompletionShell::Fish => clap_complete::Shell::Fish,
        }
    }
}

/// The completion script for `shell`.
pub fn completions(shell: CompletionShell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_string();
    let mut out = Vec::new();
    clap_complete::generate(shell.generator(), &mut cmd, name, &mut out);
    out
}

/// The man page, in roff.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(out)
}

/// Handle `completions` and `man` (they need no runtime, config or log file): `Some(exit code)`
/// when the command line asked for one of them.
pub fn run(cli: &Cli) -> Option<ExitCode> {
    let text = match &cli.command {
        Some(Sub::Completions { shell }) => Ok(completions(*shell)),
        Some(Sub::Man) => man_page(),
        _ => return None,
    };
    let written = text.and_then(|t| {
        let mut out = std::io::stdout().lock();
        out.write_all(&t)?;
        out.flush()
    });
    Some(match written {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "strongroom: cannot write: {e}");
            ExitCode::from(1)
        }
    })
}
