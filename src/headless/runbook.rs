//! `strongroom runbook list|validate`: the runbooks the console knows (built-in and the user's
//! `<config dir>/runbooks/*.toml`), and a check of runbook files before they are installed. No
//! server, no runtime: files only. Every field is sanitised (a runbook file is user text); `list` separates fields with tabs.
//!
//! - `list`: one tab-separated line per runbook (`id`, title, step count, `built-in` or the user
//!   file), sorted by title; then one line per problem of a user file that did not load. Exit 0,
//!   or 1 when a user file did not load.
//! - `validate <file>…`: per file `ok: <file>: <title> (<n> steps)` or every problem line
//!   (`<file>, line N: step "x", field "y": …`). Exit 0 when every file is valid, else 1.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::RunbookAction;
use crate::config::{Env, config_dir};
use crate::runbook::library::{self, Library};
use crate::runbook::loader::{MAX_RUNBOOK_BYTES, parse_runbook};
use crate::runbook::model::{Runbook, RunbookSource};
use crate::sanitize::sanitize;

/// Run one `runbook` subcommand; the exit code.
pub fn run(action: RunbookAction, env: &Env) -> i32 {
    let (lines, code) = match action {
        RunbookAction::List => {
            let dir = library::user_dir(&config_dir(env));
            list_lines(&library::load(Some(&dir)))
        }
        RunbookAction::Validate { files } => validate_lines(&files),
    };
    let mut out = std::io::stdout().lock();
    for l in lines {
        if writeln!(out, "{l}").is_err() {
            return 1;
        }
    }
    if out.flush().is_err() {
        return 1;
    }
    code
}

fn steps_word(n: usize) -> String {
    if n == 1 {
        "1 step".into()
    } else {
        format!("{n} steps")
    }
}

/// Where a runbook came from, in one word or a path.
pub fn source_text(r: &Runbook) -> String {
    match &r.source {
        RunbookSource::BuiltIn(_) => "built-in".into(),
        RunbookSource::User(p) => p.display().to_string(),
    }
}

/// `runbook list`'s lines and exit code.
pub fn list_lines(lib: &Library) -> (Vec<String>, i32) {
    let mut lines: Vec<String> = lib
        .runbooks
        .iter()
        .map(|r| {
            format!(
                "{}\t{}\t{}\t{}",
                sanitize(&r.id),
                sanitize(&r.title),
                steps_word(r.steps.len()),
                sanitize(&source_text(r))
            )
        })
        .collect();
    lines.extend(lib.errors.iter().map(|e| sanitize(e).into_owned()));
    let code = i32::from(!lib.errors.is_empty());
    (lines, code)
}

/// Check one file: `Ok(runbook)` or its problem lines.
pub fn validate_file(path: &Path) -> Result<Runbook, Vec<String>> {
    let name = path.display().to_string();
    let too_big = std::fs::metadata(path)
        .map(|m| m.len() > MAX_RUNBOOK_BYTES as u64)
        .unwrap_or(false);
    if too_big {
        return Err(vec![format!(
            "{name}: larger than {} KB",
            MAX_RUNBOOK_BYTES / 1024
        )]);
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| vec![format!("{name}: cannot read it: {e}")])?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_runbook(&text, &name, &stem, RunbookSource::User(path.to_path_buf()))
}

/// `runbook validate`'s lines and exit code.
pub fn validate_lines(files: &[PathBuf]) -> (Vec<String>, i32) {
    let mut lines = Vec::new();
    let mut code = 0;
    for f in files {
        match validate_file(f) {
            Ok(r) => lines.push(format!(
                "ok: {}: {} ({})",
                sanitize(&f.display().to_string()),
                sanitize(&r.title),
                steps_word(r.steps.len())
            )),
            Err(problems) => {
                code = 1;
                lines.extend(problems.iter().map(|p| sanitize(p).into_owned()));
            }
        }
    }
    (lines, code)
}
