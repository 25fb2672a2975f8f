//! Config precedence: flags > env (BAO_* over VAULT_*) > config file > defaults; contexts.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use std::path::Path;

use clap::Parser;
use pretty_assertions::assert_eq;
use strongroom::cli::Cli;
use strongroom::config::{
    ConfigError, Env, TokenSource, TokenWarning, load, parse_config, resolve,
};
use strongroom::secret::ExposeSecret;

fn cli(args: &[&str]) -> Cli {
    let mut v = vec!["strongroom"];
    v.extend_from_slice(args);
    Cli::parse_from(v)
}

const FILE: &str = r#"
default_context = "prod"
theme = "light"

[contexts.prod]
addrs = ["https://prod-1:8200", "https://prod-2:8200"]
namespace = "ops"
read_only = true
theme = "high-contrast"

[contexts.staging]
addrs = ["https://staging:8200"]
token_env = "STAGING_TOKEN"
"#;

fn token(p: &strongroom::config::ConnectionProfile) -> Option<String> {
    p.token.as_ref().map(|t| t.expose_secret().to_string())
}

#[test]
fn defaults_without_anything() {
    let s = resolve(&cli(&[]), &Env::default(), None, None).expect("resolve");
    assert_eq!(s.profile.addrs, vec!["https://127.0.0.1:8200"]);
    assert_eq!(s.profile.context, "default");
    assert_eq!(s.profile.token_source, TokenSource::None);
    assert_eq!(s.theme, "default");
    assert!(!s.profile.read_only && !s.profile.skip_verify);
    assert_eq!(s.poll_interval.as_secs(), 2);
}

#[test]
fn bao_wins_over_vault_and_flags_win_over_both() {
    let env = Env::from_pairs(&[
        ("VAULT_ADDR", "http://vault:8200"),
        ("BAO_ADDR", "http://bao:8200"),
        ("VAULT_TOKEN", "s.vault"),
        ("BAO_TOKEN", "s.bao"),
        ("VAULT_NAMESPACE", "vns"),
        ("VAULT_SKIP_VERIFY", "true"),
        ("VAULT_CACERT", "/vault/ca.pem"),
        ("BAO_CACERT", "/bao/ca.pem"),
    ]);
    let s = resolve(&cli(&[]), &env, None, None).expect("resolve");
    assert_eq!(s.profile.addrs, vec!["http://bao:8200"]);
    assert_eq!(token(&s.profile).as_deref(), Some("s.bao"));
    assert_eq!(s.profile.token_source, TokenSource::Env("BAO_TOKEN".into()));
    assert_eq!(s.profile.namespace.as_deref(), Some("vns"));
    assert!(s.profile.skip_verify);
    assert_eq!(s.profile.ca_cert.as_deref(), Some(Path::new("/bao/ca.pem")));

    let s = resolve(
        &cli(&[
            "--addr",
            "http://flag:1",
            "--addr",
            "http://flag:2",
            "--token",
            "s.flag",
            "--namespace",
            "fns",
        ]),
        &env,
        None,
        None,
    )
    .expect("resolve");
    assert_eq!(s.profile.addrs, vec!["http://flag:1", "http://flag:2"]);
    assert_eq!(token(&s.profile).as_deref(), Some("s.flag"));
    assert_eq!(s.profile.token_source, TokenSource::Flag);
    assert_eq!(s.profile.namespace.as_deref(), Some("fns"));
}

#[test]
fn env_wins_over_the_file_and_the_file_over_defaults() {
    let file = parse_config(FILE, "config.toml").expect("valid");
    let s = resolve(&cli(&[]), &Env::default(), Some(&file), None).expect("resolve");
    assert_eq!(s.profile.context, "prod");
    assert_eq!(
        s.profile.addrs,
        vec!["https://prod-1:8200", "https://prod-2:8200"]
    );
    assert_eq!(s.profile.namespace.as_deref(), Some("ops"));
    assert!(s.profile.read_only);
    assert_eq!(s.theme, "high-contrast");

    let env = Env::from_pairs(&[("VAULT_ADDR", "http://env:8200")]);
    let s = resolve(&cli(&["--theme", "mono"]), &env, Some(&file), None).expect("resolve");
    assert_eq!(s.profile.addrs, vec!["http://env:8200"]);
    assert_eq!(s.theme, "mono");
}

#[test]
fn token_helper_file_is_the_last_resort() {
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(home.path().join(".vault-token"), "s.helper\n").expect("write");
    let s = resolve(&cli(&[]), &Env::default(), None, Some(home.path())).expect("resolve");
    assert_eq!(token(&s.profile).as_deref(), Some("s.helper"));
    assert!(matches!(s.profile.token_source, TokenSource::HelperFile(_)));
    let env = Env::from_pairs(&[("VAULT_TOKEN", "s.env")]);
    let s = resolve(&cli(&[]), &env, None, Some(home.path())).expect("resolve");
    assert_eq!(token(&s.profile).as_deref(), Some("s.env"));
}

#[test]
fn contexts_are_selected_and_resolved_without_flags_leaking() {
    let file = parse_config(FILE, "config.toml").expect("valid");
    let env = Env::from_pairs(&[("STAGING_TOKEN", "s.staging"), ("BAO_ADDR", "http://env:1")]);
    let s = resolve(
        &cli(&["--context", "staging", "--read-only"]),
        &env,
        Some(&file),
        None,
    )
    .expect("resolve");
    assert_eq!(s.profile.context, "staging");
    assert_eq!(
        s.profile.addrs,
        vec!["http://env:1"],
        "env applies to the selected context"
    );
    assert!(s.profile.read_only);
    let names: Vec<&str> = s.contexts.iter().map(|c| c.context.as_str()).collect();
    assert_eq!(names, vec!["prod", "staging"]);
    let prod = &s.contexts[0];
    assert_eq!(
        prod.addrs,
        vec!["https://prod-1:8200", "https://prod-2:8200"],
        "no env leak into other contexts"
    );
    let staging = &s.contexts[1];
    assert_eq!(token(staging).as_deref(), Some("s.staging"));

    let err = resolve(&cli(&["--context", "nope"]), &env, Some(&file), None).expect_err("unknown");
    assert_eq!(
        err,
        ConfigError::UnknownContext {
            name: "nope".into(),
            known: "prod, staging".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "unknown context \"nope\" (known: prod, staging)"
    );
}

#[test]
fn context_token_sources_in_order() {
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(home.path().join(".vault-token"), "s.helper\n").expect("write");
    std::fs::write(home.path().join("prod-token"), "s.prodfile\n").expect("write");
    let text = r#"
[contexts.prod]
addrs = ["https://prod:8200"]
token_env = "PROD_TOKEN"
token_file = "~/prod-token"

[contexts.dev]
addrs = ["http://dev:8200"]
token_file = "~/missing-token"

[contexts.plain]
addrs = ["http://plain:8200"]
"#;
    let file = parse_config(text, "config.toml").expect("valid");
    let home = Some(home.path());
    let run = |args: &[&str], pairs: &[(&str, &str)]| {
        resolve(&cli(args), &Env::from_pairs(pairs), Some(&file), home).expect("resolve")
    };

    // token_env set: it wins over token_file.
    let s = run(&["--context", "prod"], &[("PROD_TOKEN", "s.prodenv")]);
    assert_eq!(token(&s.profile).as_deref(), Some("s.prodenv"));
    assert_eq!(
        s.profile.token_source,
        TokenSource::Env("PROD_TOKEN".into())
    );
    // token_env unset (or empty): token_file.
    let s = run(&["--context", "prod"], &[("PROD_TOKEN", "")]);
    assert_eq!(token(&s.profile).as_deref(), Some("s.prodfile"));
    assert!(matches!(
        s.profile.token_source,
        TokenSource::ContextFile(_)
    ));
    // VAULT_TOKEN beats the context's own token; --token beats everything.
    let s = run(
        &["--context", "prod"],
        &[("PROD_TOKEN", "s.prodenv"), ("VAULT_TOKEN", "s.vault")],
    );
    assert_eq!(token(&s.profile).as_deref(), Some("s.vault"));
    let s = run(
        &["--context", "prod", "--token", "s.flag"],
        &[("BAO_TOKEN", "s.bao")],
    );
    assert_eq!(token(&s.profile).as_deref(), Some("s.flag"));
    // No context token: the token helper file.
    let s = run(&["--context", "plain"], &[]);
    assert_eq!(token(&s.profile).as_deref(), Some("s.helper"));
    // An unreadable token_file: a warning and no token (never another cluster's helper token).
    let s = run(&["--context", "dev"], &[]);
    assert_eq!(token(&s.profile), None);
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].starts_with("context dev: cannot read the token file")
            && s.warnings[0].contains("missing-token"),
        "{:?}",
        s.warnings
    );
    // ... and an env token makes the file irrelevant.
    let s = run(&["--context", "dev"], &[("BAO_TOKEN", "s.bao")]);
    assert_eq!(token(&s.profile).as_deref(), Some("s.bao"));
    // The other contexts keep their own tokens, whatever the flags say.
    let s = run(
        &["--context", "plain", "--token", "s.flag"],
        &[("PROD_TOKEN", "s.p")],
    );
    let by_name = |n: &str| s.contexts.iter().find(|c| c.context == n).expect("context");
    assert_eq!(token(by_name("prod")).as_deref(), Some("s.p"));
    assert_eq!(token(by_name("plain")).as_deref(), Some("s.flag"));
    assert_eq!(token(by_name("dev")), None);
}

#[test]
fn context_selection_order() {
    let text = r#"
[contexts.default]
addrs = ["http://d:8200"]

[contexts.other]
addrs = ["http://o:8200"]
"#;
    let file = parse_config(text, "config.toml").expect("valid");
    let s = resolve(&cli(&[]), &Env::default(), Some(&file), None).expect("resolve");
    assert_eq!(s.profile.context, "default");
    assert_eq!(s.profile.addrs, vec!["http://d:8200"]);
    assert_eq!(s.contexts.len(), 2);

    let text = format!("default_context = \"other\"\n{text}");
    let file = parse_config(&text, "config.toml").expect("valid");
    let s = resolve(&cli(&[]), &Env::default(), Some(&file), None).expect("resolve");
    assert_eq!(s.profile.context, "other");
    let s = resolve(
        &cli(&["--context", "default"]),
        &Env::default(),
        Some(&file),
        None,
    )
    .expect("resolve");
    assert_eq!(s.profile.context, "default");

    // No context matches: the flag/env profile is named "default" and listed first.
    let file = parse_config("[contexts.a]\n[contexts.b]\n", "config.toml").expect("valid");
    let s = resolve(&cli(&[]), &Env::default(), Some(&file), None).expect("resolve");
    let names: Vec<&str> = s.contexts.iter().map(|c| c.context.as_str()).collect();
    assert_eq!(names, vec!["default", "a", "b"]);

    let file = parse_config("default_context = \"gone\"\n", "config.toml").expect("valid");
    let err = resolve(&cli(&[]), &Env::default(), Some(&file), None).expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "unknown context \"gone\" (known: none configured)"
    );
}

#[test]
fn skip_verify_read_only_and_theme() {
    let file = parse_config(
        "theme = \"light\"\n[contexts.default]\nskip_verify = true\n",
        "config.toml",
    )
    .expect("valid");
    let env = |pairs: &[(&str, &str)]| Env::from_pairs(pairs);
    let s = resolve(&cli(&[]), &env(&[]), Some(&file), None).expect("resolve");
    assert!(s.profile.skip_verify, "file");
    assert_eq!(s.theme, "light", "file theme when the context has none");
    let s = resolve(
        &cli(&[]),
        &env(&[("BAO_SKIP_VERIFY", "0"), ("VAULT_SKIP_VERIFY", "true")]),
        Some(&file),
        None,
    )
    .expect("resolve");
    assert!(
        !s.profile.skip_verify,
        "BAO_SKIP_VERIFY=0 wins over the file and VAULT_*"
    );
    for v in ["1", "true", "yes", "TRUE"] {
        let s = resolve(&cli(&[]), &env(&[("VAULT_SKIP_VERIFY", v)]), None, None).expect("ok");
        assert!(s.profile.skip_verify, "{v}");
    }
    let s = resolve(
        &cli(&["--skip-verify"]),
        &env(&[("BAO_SKIP_VERIFY", "false")]),
        None,
        None,
    )
    .expect("resolve");
    assert!(s.profile.skip_verify, "the flag wins");
    let s = resolve(&cli(&["--read-only"]), &env(&[]), None, None).expect("resolve");
    assert!(s.profile.read_only);
}

#[test]
fn load_reads_the_config_dir_and_reports_bad_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_str().expect("utf-8 path");
    let env = Env::from_pairs(&[("STRONGROOM_CONFIG_DIR", d), ("HOME", d)]);
    assert_eq!(strongroom::config::config_dir(&env), dir.path());

    // Missing file: defaults.
    let s = load(&cli(&[]), &env).expect("defaults");
    assert_eq!(s.profile.addrs, vec!["https://127.0.0.1:8200"]);
    assert_eq!(s.config_path, dir.path().join("config.toml"));

    std::fs::write(
        dir.path().join("config.toml"),
        "poll_interval_secs = 5\n[contexts.default]\naddrs = [\"http://x:1\"]\n",
    )
    .expect("write");
    std::fs::write(dir.path().join(".vault-token"), "s.home\n").expect("write");
    let s = load(&cli(&[]), &env).expect("load");
    assert_eq!(s.poll_interval.as_secs(), 5);
    assert_eq!(s.profile.addrs, vec!["http://x:1"]);
    assert_eq!(token(&s.profile).as_deref(), Some("s.home"));
    let debug = format!("{s:?}");
    assert!(!debug.contains("s.home"), "tokens never show in Debug");

    std::fs::write(
        dir.path().join("config.toml"),
        "[contexts.default]\naddrs = [\"http://x:1\"]\nread_only = \"yes\"\n",
    )
    .expect("write");
    let err = load(&cli(&[]), &env).expect_err("invalid");
    let path = dir.path().join("config.toml");
    assert_eq!(
        err.to_string(),
        format!(
            "config file {}, line 3: invalid value \"yes\" for read_only (expected true or false)",
            path.display()
        )
    );

    // An explicit --config that does not exist is an error, not silent defaults.
    let missing = dir.path().join("nope.toml");
    let err = load(&cli(&["--config", missing.to_str().expect("utf-8")]), &env)
        .expect_err("missing --config");
    assert!(matches!(err, ConfigError::Read { .. }), "{err}");
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A context that names `token_env` never falls through to `~/.vault-token` (another cluster's
/// token): the selected one gets no token and a warning naming the variable; the others get no
/// token either.
#[test]
fn an_unset_token_env_is_no_token_never_the_helper_file() {
    let home = tempfile::tempdir().expect("tempdir");
    let helper = home.path().join(".vault-token");
    std::fs::write(&helper, "s.helper\n").expect("write");
    chmod(&helper, 0o600);
    let text = r#"
[contexts.prod]
addrs = ["https://prod:8200"]
token_env = "PROD_TOKEN"

[contexts.staging]
addrs = ["https://staging:8200"]
token_env = "STAGING_TOKEN"

[contexts.plain]
addrs = ["http://plain:8200"]
"#;
    let file = parse_config(text, "config.toml").expect("valid");
    let s = resolve(
        &cli(&["--context", "prod"]),
        &Env::from_pairs(&[("PROD_TOKEN", "")]),
        Some(&file),
        Some(home.path()),
    )
    .expect("resolve");
    assert_eq!(token(&s.profile), None, "never the helper file's token");
    assert_eq!(s.profile.token_source, TokenSource::None);
    assert_eq!(
        s.profile.token_warning,
        Some(TokenWarning::EnvUnset {
            var: "PROD_TOKEN".into()
        })
    );
    assert_eq!(
        s.warnings,
        vec!["context prod: token_env = \"PROD_TOKEN\" is not set; no token is used".to_string()]
    );
    let by_name = |n: &str| s.contexts.iter().find(|c| c.context == n).expect("context");
    assert_eq!(
        token(by_name("staging")),
        None,
        "nor for the other contexts"
    );
    assert!(by_name("staging").token_warning.is_some());
    assert_eq!(token(by_name("plain")).as_deref(), Some("s.helper"));
    assert_eq!(by_name("plain").token_warning, None, "a 0600 helper file");
}

/// `--token` is visible in the process list; a token file others can read is exposed: both warn
/// (once, in `warnings`) and the profile carries the badge for the status bar.
#[test]
fn exposed_tokens_are_warned_about() {
    let home = tempfile::tempdir().expect("tempdir");
    let helper = home.path().join(".vault-token");
    std::fs::write(&helper, "s.helper\n").expect("write");
    let ctx_file = home.path().join("prod-token");
    std::fs::write(&ctx_file, "s.prodfile\n").expect("write");
    let text = "[contexts.prod]\ntoken_file = \"~/prod-token\"\n[contexts.plain]\n";
    let file = parse_config(text, "config.toml").expect("valid");
    let run = |args: &[&str]| {
        resolve(&cli(args), &Env::default(), Some(&file), Some(home.path())).expect("resolve")
    };

    let s = run(&["--context", "plain", "--token", "s.flag"]);
    assert_eq!(s.profile.token_warning, Some(TokenWarning::Flag));
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].contains("--token") && s.warnings[0].contains("process list"),
        "{:?}",
        s.warnings
    );
    assert!(!s.warnings[0].contains("s.flag"), "never the token itself");

    for (mode, warned) in [(0o644, true), (0o640, true), (0o604, true), (0o600, false)] {
        chmod(&helper, mode);
        chmod(&ctx_file, mode);
        let s = run(&["--context", "plain"]);
        assert_eq!(token(&s.profile).as_deref(), Some("s.helper"));
        let expected = warned.then(|| TokenWarning::ReadableFile {
            path: helper.clone(),
            mode: 0o100_000 | mode,
        });
        assert_eq!(s.profile.token_warning, expected, "{mode:o}");
        assert_eq!(s.warnings.len(), usize::from(warned), "{:?}", s.warnings);
        let s = run(&["--context", "prod"]);
        assert_eq!(token(&s.profile).as_deref(), Some("s.prodfile"));
        assert_eq!(s.profile.token_warning.is_some(), warned, "{mode:o}");
        if warned {
            assert_eq!(
                s.warnings,
                vec![format!(
                    "context prod: the token file {} is readable by group or others (mode {mode:04o}); run chmod 600 on it",
                    ctx_file.display()
                )]
            );
        }
    }
    // An env token: nothing to warn about.
    let s = resolve(
        &cli(&[]),
        &Env::from_pairs(&[("BAO_TOKEN", "s.env")]),
        None,
        Some(home.path()),
    )
    .expect("resolve");
    assert_eq!(s.profile.token_warning, None);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

/// The headless `status` says each token warning once on stderr, before its report; the token
/// itself never appears.
#[test]
fn status_prints_token_warnings_on_stderr() {
    let home = tempfile::tempdir().expect("tempdir");
    let helper = home.path().join(".vault-token");
    std::fs::write(&helper, "s.canaryhelper\n").expect("write");
    chmod(&helper, 0o644);
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_strongroom"));
        cmd.args(["status", "--addr", "http://127.0.0.1:1"])
            .args(args)
            .env("HOME", home.path())
            .env("STRONGROOM_CONFIG_DIR", home.path())
            .env("STRONGROOM_STATE_DIR", home.path());
        for var in [
            "BAO_TOKEN",
            "VAULT_TOKEN",
            "BAO_ADDR",
            "VAULT_ADDR",
            "BAO_NAMESPACE",
            "VAULT_NAMESPACE",
        ] {
            cmd.env_remove(var);
        }
        let out = cmd.output().expect("run strongroom status");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!err.contains("s.canary"), "{err}");
        err
    };
    let err = run(&["--token", "s.canaryflag"]);
    assert_eq!(
        err.matches("strongroom: warning: context default: the token was given with --token")
            .count(),
        1,
        "{err}"
    );
    let err = run(&[]);
    assert_eq!(
        err.matches(&format!(
            "strongroom: warning: context default: the token file {} is readable by group or others (mode 0644)",
            helper.display()
        ))
        .count(),
        1,
        "{err}"
    );
    chmod(&helper, 0o600);
    let err = run(&[]);
    assert!(!err.contains("warning"), "{err}");
}
