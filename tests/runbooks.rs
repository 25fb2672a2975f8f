//! Runbook files: every invalid fixture (`tests/fixtures/runbook_invalid/*.toml`) gives exactly
//! the messages of its `.expected` file, every built-in runbook loads (in the library and through
//! `strongroom runbook validate` run as a process), and `strongroom runbook list` shows the
//! built-in and user runbooks and the problems of user files.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use strongroom::runbook::library::{self, BUILTIN};
use strongroom::runbook::loader::parse_runbook;
use strongroom::runbook::model::{RunbookSource, StepKind};

const CRATE: &str = env!("CARGO_MANIFEST_DIR");

fn fixtures_dir() -> PathBuf {
    Path::new(CRATE).join("tests/fixtures/runbook_invalid")
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the fixture dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

fn stem_of(p: &Path) -> String {
    p.file_stem()
        .expect("a file stem")
        .to_string_lossy()
        .into_owned()
}

fn expected_lines(toml: &Path) -> Vec<String> {
    let exp = toml.with_extension("expected");
    let text = std::fs::read_to_string(&exp)
        .unwrap_or_else(|e| panic!("{}: {e} (every fixture has one)", exp.display()));
    text.lines().map(str::to_string).collect()
}

fn strongroom(args: &[&str], config_dir: &Path, cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strongroom"))
        .args(args)
        .current_dir(cwd)
        .env_remove("BAO_ADDR")
        .env_remove("VAULT_ADDR")
        .env("STRONGROOM_CONFIG_DIR", config_dir)
        .env("STRONGROOM_STATE_DIR", config_dir.join("state"))
        .output()
        .expect("run the strongroom binary")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn every_invalid_fixture_gives_exactly_its_messages() {
    let dir = fixtures_dir();
    let tomls = files_with(&dir, "toml");
    for must in [
        "unknown_operation",
        "undefined_variable_in_args",
        "undefined_variable_in_guidance",
        "undefined_variable_in_condition",
        "duplicate_step_id",
        "unknown_kind",
        "unknown_field",
        "missing_argument",
        "revoke_matching_both",
        "revoke_matching_neither",
        "out_without_output",
        "choice_without_choices",
        "bad_toml_syntax",
        "bad_containment_minutes",
    ] {
        assert!(
            tomls.iter().any(|p| stem_of(p) == must),
            "missing fixture {must}.toml"
        );
    }
    for exp in files_with(&dir, "expected") {
        assert!(
            exp.with_extension("toml").exists(),
            "{} has no .toml",
            exp.display()
        );
    }
    for path in &tomls {
        let text = std::fs::read_to_string(path).expect("read the fixture");
        let name = name_of(path);
        let source = RunbookSource::User(path.clone());
        let got = parse_runbook(&text, &name, &stem_of(path), source)
            .expect_err(&format!("{name} must not load"));
        let want = expected_lines(path);
        assert!(!want.is_empty(), "{name}: empty .expected");
        assert_eq!(got, want, "{name}");
        for line in &got {
            assert!(
                line.starts_with(&format!("{name}, line ")),
                "{name}: a message names the file and line: {line}"
            );
        }
    }
}

#[test]
fn every_builtin_runbook_loads_with_the_agreed_steps() {
    let lib = library::builtin();
    assert!(lib.errors.is_empty(), "{:?}", lib.errors);
    assert_eq!(lib.runbooks.len(), BUILTIN.len());
    let mut ids: Vec<&str> = lib.runbooks.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "infrastructure-incident",
            "leaked-database-credential",
            "leaked-kv-secret",
            "leaked-vault-token",
            "unseal-key-compromise",
        ]
    );
    let steps = |id: &str| -> Vec<String> {
        lib.get(id)
            .expect("built in")
            .steps
            .iter()
            .map(|s| s.id.clone())
            .collect()
    };
    // Other tests (the live ones, the screen's) drive these step ids in this order.
    assert_eq!(
        steps("leaked-kv-secret"),
        [
            "secret_path",
            "field",
            "new_value",
            "exposed_since",
            "rotate",
            "destroy_old",
            "find_readers",
            "revoke_readers",
            "has_leases",
            "lease_prefix",
            "revoke_leases",
            "notify",
            "postmortem"
        ]
    );
    assert_eq!(
        steps("leaked-database-credential"),
        [
            "db_mount",
            "cred_kind",
            "role",
            "connection",
            "revoke_dynamic",
            "rotate_static",
            "rotate_root",
            "find_users",
            "notify",
            "postmortem"
        ]
    );
    assert_eq!(
        steps("leaked-vault-token"),
        [
            "scope",
            "accessors",
            "exposed_since",
            "revoke",
            "confirm_contained",
            "blast_radius",
            "rotate_read",
            "notify",
            "postmortem"
        ]
    );
    for rb in &lib.runbooks {
        assert!(
            rb.steps.iter().any(|s| s.contains),
            "{}: a containment step",
            rb.id
        );
        assert!(
            rb.steps
                .iter()
                .any(|s| matches!(s.kind, StepKind::Notify { .. })),
            "{}: a notify step",
            rb.id
        );
        assert_eq!(
            rb.steps.last().map(|s| s.id.as_str()),
            Some("postmortem"),
            "{}: ends with the post-mortem",
            rb.id
        );
        assert!(!rb.summary.is_empty(), "{}: a summary", rb.id);
        for s in &rb.steps {
            assert!(!s.title.is_empty(), "{}/{}: a title", rb.id, s.id);
        }
    }
    // The manual steps that open a ceremony name real `:` commands.
    let opens = |id: &str| -> Vec<String> {
        lib.get(id)
            .expect("built in")
            .steps
            .iter()
            .filter_map(|s| match &s.kind {
                StepKind::Manual { open: Some(o) } => Some(o.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(opens("unseal-key-compromise"), ["rekey"]);
    assert_eq!(opens("infrastructure-incident"), ["unseal"]);
}

#[test]
fn validate_accepts_every_builtin_file_as_a_process() {
    let conf = tempfile::tempdir().expect("tempdir");
    let dir = Path::new(CRATE).join("assets/runbooks");
    let files: Vec<String> = files_with(&dir, "toml")
        .iter()
        .map(|p| format!("assets/runbooks/{}", name_of(p)))
        .collect();
    assert_eq!(files.len(), BUILTIN.len(), "every file is built in");
    let mut args = vec!["runbook", "validate"];
    args.extend(files.iter().map(String::as_str));
    let out = strongroom(&args, conf.path(), Path::new(CRATE));
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), files.len(), "{text}");
    assert!(
        lines.contains(&"ok: assets/runbooks/leaked-kv-secret.toml: Leaked KV secret (13 steps)")
    );
    assert!(lines.contains(
        &"ok: assets/runbooks/leaked-database-credential.toml: Leaked database credential (10 steps)"
    ));
    for (l, f) in lines.iter().zip(&files) {
        assert!(l.starts_with(&format!("ok: {f}: ")), "{l}");
    }
}

#[test]
fn validate_prints_every_problem_and_fails_as_a_process() {
    let conf = tempfile::tempdir().expect("tempdir");
    let dir = fixtures_dir();
    let tomls = files_with(&dir, "toml");
    let names: Vec<String> = tomls.iter().map(|p| name_of(p)).collect();
    let mut args = vec!["runbook", "validate"];
    args.extend(names.iter().map(String::as_str));
    let out = strongroom(&args, conf.path(), &dir);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let want: Vec<String> = tomls.iter().flat_map(|p| expected_lines(p)).collect();
    let text = stdout(&out);
    let got: Vec<&str> = text.lines().collect();
    assert_eq!(got, want);

    // A valid file with an invalid one and a missing one: exit 1, the valid one still "ok".
    let good = Path::new(CRATE).join("assets/runbooks/leaked-vault-token.toml");
    let good = good.to_string_lossy().into_owned();
    let out = strongroom(
        &[
            "runbook",
            "validate",
            &good,
            "unknown_kind.toml",
            "no-such-file.toml",
        ],
        conf.path(),
        &dir,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[0],
        format!("ok: {good}: Leaked Vault token (9 steps)")
    );
    assert_eq!(lines[1], expected_lines(&dir.join("unknown_kind.toml"))[0]);
    assert!(
        lines[2].starts_with("no-such-file.toml: cannot read it: "),
        "{}",
        lines[2]
    );
}

const USER_OVERRIDE: &str = r#"title = "Leaked KV secret (our version)"
[[steps]]
id = "scope"
kind = "manual"
title = "Page the on-call"
[[steps]]
id = "notify"
kind = "notify"
title = "Notify"
audience = "security"
"#;

#[test]
fn list_shows_builtins_and_user_runbooks_and_user_problems() {
    // No user dir: the five built-ins, sorted by title, exit 0.
    let conf = tempfile::tempdir().expect("tempdir");
    let out = strongroom(&["runbook", "list"], conf.path(), Path::new(CRATE));
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        stdout(&out),
        "leaked-database-credential\tLeaked database credential\t10 steps\tbuilt-in\n\
         leaked-kv-secret\tLeaked KV secret\t13 steps\tbuilt-in\n\
         leaked-vault-token\tLeaked Vault token\t9 steps\tbuilt-in\n\
         unseal-key-compromise\tSuspected unseal key compromise\t9 steps\tbuilt-in\n\
         infrastructure-incident\tVault infrastructure incident\t11 steps\tbuilt-in\n"
    );

    // A user file overrides a built-in of the same id, a new one is added (its control
    // characters sanitised), and a broken one is reported: exit 1.
    let user = library::user_dir(conf.path());
    std::fs::create_dir_all(&user).expect("mkdir");
    let kv = user.join("leaked-kv-secret.toml");
    std::fs::write(&kv, USER_OVERRIDE).expect("write");
    let ours =
        "title = \"Ours\\u001b[31m\"\n[[steps]]\nid = \"a\"\nkind = \"manual\"\ntitle = \"A\"\n";
    std::fs::write(user.join("ours.toml"), ours).expect("write");
    std::fs::copy(
        fixtures_dir().join("unknown_kind.toml"),
        user.join("unknown_kind.toml"),
    )
    .expect("copy");
    std::fs::write(user.join("notes.txt"), "not a runbook").expect("write");
    let out = strongroom(&["runbook", "list"], conf.path(), Path::new(CRATE));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert_eq!(
        lines[1],
        format!(
            "leaked-kv-secret\tLeaked KV secret (our version)\t2 steps\t{}",
            kv.display()
        )
    );
    assert!(lines[3].starts_with("ours\tOurs"), "{}", lines[3]);
    assert!(!lines[3].contains('\u{1b}'), "sanitised: {:?}", lines[3]);
    assert_eq!(
        lines[6],
        expected_lines(&fixtures_dir().join("unknown_kind.toml"))[0],
        "the problem names the user file"
    );
    assert!(!text.contains("Leaked KV secret\t13 steps"), "overridden");
}
