//! Keymap unit tests.
use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, m)
}

#[test]
fn default_keymap_is_valid_and_complete() {
    validate_keymap(DEFAULT_KEYMAP, "assets/keymap.toml").expect("valid");
    let (km, warnings) = Keymap::load(None);
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut p = Vec::new();
    let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, q),
        KeyResult::Action(Action::Quit)
    );
    assert_eq!(
        km.feed(KeyContext::Help, &mut p, q),
        KeyResult::Action(Action::Back)
    );
    let cc = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(
        km.feed(KeyContext::Help, &mut p, cc),
        KeyResult::Action(Action::ForceQuit)
    );
    let g = ev(KeyCode::Char('g'), KeyModifiers::NONE);
    assert_eq!(km.feed(KeyContext::Health, &mut p, g), KeyResult::Pending);
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, g),
        KeyResult::Action(Action::Top)
    );
    // A broken sequence: the second key is looked up alone.
    assert_eq!(km.feed(KeyContext::Health, &mut p, g), KeyResult::Pending);
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, q),
        KeyResult::Action(Action::Quit)
    );
    // Uppercase with or without SHIFT.
    let s1 = ev(KeyCode::Char('S'), KeyModifiers::SHIFT);
    let s2 = ev(KeyCode::Char('S'), KeyModifiers::NONE);
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, s1),
        KeyResult::Action(Action::SealNode)
    );
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, s2),
        KeyResult::Action(Action::SealNode)
    );
    let bt = ev(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, bt),
        KeyResult::Action(Action::FocusPrev)
    );
    assert_eq!(
        km.hint(KeyContext::Health, Action::SealNode).as_deref(),
        Some("S")
    );
    assert_eq!(
        km.hint(KeyContext::Health, Action::Quit).as_deref(),
        Some("q")
    );
    assert_eq!(format_chord(&[g, g]), "g g");
}

#[test]
fn user_entries_override_and_bad_ones_warn() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("keymap.toml");
    std::fs::write(
        &f,
        "[global]\n\"z\" = \"quit\"\n\"y\" = \"fly\"\n\"ctrl-\" = \"help\"\n[health]\n\"S\" = \"step_down\"\n",
    )
    .expect("write");
    let (km, w) = Keymap::load(Some(&f));
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("line 3") && w[0].contains("unknown action \"fly\""),
        "{w:?}"
    );
    assert!(
        w[1].contains("line 4") && w[1].contains("invalid key chord \"ctrl-\""),
        "{w:?}"
    );
    let mut p = Vec::new();
    let x = ev(KeyCode::Char('z'), KeyModifiers::NONE);
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, x),
        KeyResult::Action(Action::Quit)
    );
    let s = ev(KeyCode::Char('S'), KeyModifiers::NONE);
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, s),
        KeyResult::Action(Action::StepDown)
    );
}

#[test]
fn user_conflicts_warn_and_help_ignores_global() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("keymap.toml");
    std::fs::write(&f, "[global]\n\"g\" = \"help\"\n\"esc\" = \"quit\"\n").expect("write");
    let (km, w) = Keymap::load(Some(&f));
    assert_eq!(
        w,
        vec![format!(
            "{}, line 2: \"g\" conflicts with \"g g\" (top) in [global]; keeping the default",
            f.display()
        )]
    );
    let mut p = Vec::new();
    let g = ev(KeyCode::Char('g'), KeyModifiers::NONE);
    assert_eq!(km.feed(KeyContext::Global, &mut p, g), KeyResult::Pending);
    assert_eq!(
        km.feed(KeyContext::Global, &mut p, g),
        KeyResult::Action(Action::Top)
    );
    let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, esc),
        KeyResult::Action(Action::Quit)
    );
    // In help, esc is help's own binding, and global keys (":") do nothing.
    assert_eq!(
        km.feed(KeyContext::Help, &mut p, esc),
        KeyResult::Action(Action::Back)
    );
    let colon = ev(KeyCode::Char(':'), KeyModifiers::NONE);
    assert_eq!(km.feed(KeyContext::Help, &mut p, colon), KeyResult::Unbound);
    assert!(p.is_empty());
    // Help lists one context only, in file order.
    let health: Vec<String> = km
        .bindings(KeyContext::Health)
        .into_iter()
        .map(|(c, a)| format!("{c}={}", a.name()))
        .collect();
    assert_eq!(
        health,
        vec!["S=seal_node", "ctrl-s=seal_all", "D=step_down", "c=chart"]
    );
    // A directory is not a readable file: a warning, defaults kept.
    let (_, w) = Keymap::load(Some(dir.path()));
    assert_eq!(w.len(), 1, "{w:?}");
    let (_, w) = Keymap::load(Some(&dir.path().join("missing.toml")));
    assert!(w.is_empty(), "a missing user file is fine");
}

#[test]
fn a_screen_binding_shadowing_a_global_one_warns_and_hints_follow_the_effective_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("keymap.toml");
    std::fs::write(
        &f,
        "[health]\n\"q\" = \"refresh\"\n\"S\" = \"seal_node\"\n[global]\n\"D\" = \"refresh\"\n\"z\" = \"quit\"\n",
    )
    .expect("write");
    let (km, w) = Keymap::load(Some(&f));
    let origin = f.display();
    assert_eq!(
        w,
        vec![
            format!(
                "{origin}, line 2: \"q\" (refresh) in [health] shadows \"q\" (quit) in [global]"
            ),
            format!(
                "{origin}, line 5: \"D\" (refresh) in [global] is shadowed by \"D\" (step_down) in [health]"
            ),
        ]
    );
    // The binding applies: q refreshes on the health screen and still quits elsewhere.
    let mut p = Vec::new();
    let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(
        km.feed(KeyContext::Health, &mut p, q),
        KeyResult::Action(Action::Refresh)
    );
    assert_eq!(
        km.feed(KeyContext::Global, &mut p, q),
        KeyResult::Action(Action::Quit)
    );
    // Hints name the key that really triggers the action in that context.
    assert_eq!(
        km.hint(KeyContext::Health, Action::Quit).as_deref(),
        Some("z")
    );
    assert_eq!(
        km.hint(KeyContext::Global, Action::Quit).as_deref(),
        Some("q")
    );
    assert_eq!(
        km.hint(KeyContext::Health, Action::StepDown).as_deref(),
        Some("D")
    );
    assert_eq!(
        km.hint(KeyContext::Global, Action::Refresh).as_deref(),
        Some("ctrl-r")
    );

    // Without another quit key, the health footer has no quit hint at all.
    std::fs::write(&f, "[health]\n\"q\" = \"refresh\"\n").expect("write");
    let (km, _) = Keymap::load(Some(&f));
    assert_eq!(km.hint(KeyContext::Health, Action::Quit), None);
    // The same file, validated: the same message.
    let text = std::fs::read_to_string(&f).expect("read");
    assert_eq!(
        validate_keymap(&text, "k.toml"),
        Err("k.toml, line 2: \"q\" (refresh) in [health] shadows \"q\" (quit) in [global]".into())
    );
    // Rebinding a key to the action it already has is no shadow.
    assert_eq!(
        validate_keymap("[health]\n\"q\" = \"quit\"\n", "k.toml"),
        Ok(())
    );
}
