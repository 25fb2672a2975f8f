//! `strongroom completions bash|zsh|fish` and `strongroom man`, as the real binary prints them.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strongroom"))
        .args(args)
        // Nothing here may depend on a server or the user's files.
        .env_remove("BAO_ADDR")
        .env_remove("VAULT_ADDR")
        .env("STRONGROOM_CONFIG_DIR", "/nonexistent/strongroom-config")
        .output()
        .expect("run the strongroom binary")
}

fn stdout_of(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn bash_completion_knows_the_subcommands_and_flags() {
    let s = stdout_of(&["completions", "bash"]);
    assert!(s.contains("complete "), "a bash completion script:\n{s}");
    for word in [
        "status",
        "sandbox",
        "completions",
        "man",
        "--addr",
        "--read-only",
    ] {
        assert!(s.contains(word), "bash completion misses {word}");
    }
    // The sandbox's own actions are completed too.
    assert!(
        s.contains("reset"),
        "bash completion misses `sandbox reset`"
    );
}

#[test]
fn zsh_and_fish_completions_are_scripts_for_those_shells() {
    let zsh = stdout_of(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef strongroom"), "{zsh}");
    assert!(zsh.contains("sandbox"));
    let fish = stdout_of(&["completions", "fish"]);
    assert!(fish.contains("complete -c strongroom"), "{fish}");
    assert!(fish.contains("sandbox"));
}

#[test]
fn an_unknown_shell_is_refused() {
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "clap's usage error");
    assert!(out.stdout.is_empty());
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let s = stdout_of(&["man"]);
    assert!(s.contains(".TH strongroom"), "a title header:\n{s}");
    for word in ["status", "sandbox", "completions", "\\-\\-addr"] {
        assert!(s.contains(word), "man page misses {word}");
    }
}
