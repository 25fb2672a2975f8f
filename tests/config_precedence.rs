//! Config precedence: flags > env (BAO_* over VAULT_*) > config file > defaults; contexts.

use std::path::Path;

use clap::Parser;
use pretty_assertions::assert_eq;
use strongroom::cli::Cli;
use strongroom::config::{ConfigError, Env, TokenSource, parse_config, resolve};
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
