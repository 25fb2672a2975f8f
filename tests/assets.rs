//! Every shipped theme and the keymap parse; every invalid fixture fails with its exact message
//! (stored next to it as `<name>.expected`). Set `UPDATE_EXPECTED=1` to write the messages.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};

use strongroom::config::parse_config;
use strongroom::keymap::{Keymap, validate_keymap};
use strongroom::theme::{Theme, ThemeRegistry, parse_theme};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
        .expect("fixture dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no fixtures in {}", d.display());
    v
}

fn check(path: &Path, message: String) {
    let expected_path = path.with_extension("expected");
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(&expected_path, format!("{message}\n")).expect("write expected");
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
    assert_eq!(message, expected.trim_end(), "{}", path.display());
}

fn name(p: &Path) -> String {
    p.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn shipped_assets_are_valid() {
    let reg = ThemeRegistry::load(None, false);
    assert!(reg.warnings().is_empty(), "{:?}", reg.warnings());
    for n in ["default", "light", "high-contrast", "mono"] {
        assert!(reg.get(n).is_some(), "theme {n}");
    }
    let (_, warnings) = Keymap::load(None);
    assert!(warnings.is_empty(), "{warnings:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let keymap = std::fs::read_to_string(root.join("assets/keymap.toml")).expect("keymap");
    validate_keymap(&keymap, "assets/keymap.toml").expect("the shipped keymap is valid");
    for n in ["default", "light", "high-contrast", "mono"] {
        let text = std::fs::read_to_string(root.join(format!("themes/{n}.toml"))).expect("theme");
        parse_theme(n, &text, &Theme::default(), n).expect("the shipped theme is valid");
    }
    let text = std::fs::read_to_string(root.join("assets/config.toml")).expect("config example");
    let file =
        parse_config(&text, "assets/config.toml").expect("the documented example config parses");
    let cli = <strongroom::cli::Cli as clap::Parser>::parse_from(["strongroom"]);
    let s =
        strongroom::config::resolve(&cli, &strongroom::config::Env::default(), Some(&file), None)
            .expect("the documented example config resolves");
    for c in &s.contexts {
        let theme = c.theme.as_deref().unwrap_or("default");
        assert!(
            reg.get(theme).is_some(),
            "context {} uses an unknown theme",
            c.context
        );
    }
}

#[test]
fn a_user_theme_overrides_a_builtin_of_the_same_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("light.toml"),
        "[styles]\ntitle = { fg = \"magenta\" }\n",
    )
    .expect("write");
    let reg = ThemeRegistry::load(Some(dir.path()), false);
    let builtin = ThemeRegistry::load(None, false);
    let light = reg.get("light").expect("light");
    assert_eq!(light.title.fg, Some(ratatui::style::Color::Magenta));
    // The rest comes from the default theme, not from the built-in light theme.
    assert_eq!(light.text, builtin.get("default").expect("default").text);
    assert!(reg.warnings().is_empty(), "{:?}", reg.warnings());
}

#[test]
fn invalid_themes_fail_with_their_message() {
    for p in fixtures("theme_invalid") {
        let text = std::fs::read_to_string(&p).expect("read");
        let err = parse_theme("x", &text, &Theme::default(), &name(&p)).expect_err("invalid");
        check(&p, err.to_string());
    }
}

#[test]
fn invalid_keymaps_fail_with_their_message() {
    for p in fixtures("keymap_invalid") {
        let text = std::fs::read_to_string(&p).expect("read");
        let err = validate_keymap(&text, &name(&p)).expect_err("invalid");
        check(&p, err);
    }
}

#[test]
fn invalid_configs_fail_with_their_message() {
    for p in fixtures("config_invalid") {
        let text = std::fs::read_to_string(&p).expect("read");
        let err = parse_config(&text, &name(&p)).expect_err("invalid");
        check(&p, err.to_string());
    }
}

#[test]
fn a_bad_user_theme_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("broken.toml"),
        "[styles]\ntext = { fg = \"nope\" }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("mine.toml"),
        "[styles]\nsealed = { fg = \"magenta\" }\n",
    )
    .expect("write");
    let reg = ThemeRegistry::load(Some(dir.path()), false);
    assert!(reg.get("broken").is_none());
    assert!(
        reg.get("mine").is_some(),
        "a partial user theme is merged over the default"
    );
    assert_eq!(reg.warnings().len(), 1);
    assert!(
        reg.warnings()[0].contains("broken.toml, line 2: invalid colour \"nope\""),
        "{:?}",
        reg.warnings()
    );
}

mod never_panic {
    //! Bad user files never crash the console: any text gives a theme, a keymap or an error.
    use super::*;
    use proptest::prelude::*;

    /// TOML-ish text: keys, quotes, brackets, multi-byte characters and newlines.
    fn tomlish() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("[styles]\n".to_string()),
                Just("[global]\n".to_string()),
                Just("[contexts.a]\n".to_string()),
                Just("text = { fg = ".to_string()),
                Just("\"g g\" = ".to_string()),
                Just("read_only = ".to_string()),
                Just("\"é€😀\"".to_string()),
                Just("#ff00".to_string()),
                "[ -~]{0,8}",
                "\\PC{0,4}",
                Just("\n".to_string()),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn parsers_return_errors_not_panics(text in tomlish()) {
            let _ = parse_config(&text, "c.toml");
            let _ = parse_theme("x", &text, &Theme::default(), "t.toml");
            let _ = validate_keymap(&text, "k.toml");
        }

        #[test]
        fn documented_chord_forms_parse(text in "(ctrl-)?(alt-)?([a-zA-Z0-9?:/]|enter|esc|tab|up|pgdown|f[1-9])( [a-z])?") {
            let keys = strongroom::keymap::parse_chord(&text).expect("valid chord");
            prop_assert!(!keys.is_empty());
        }
    }
}
