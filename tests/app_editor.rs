//! Update-flow tests of the secret editor through `App::update`: open → read, typed keys go to
//! the text, save → the gate → the write with the right check-and-set and fields, a conflict →
//! the newer version → re-apply with the new check-and-set, parse errors keep the text,
//! `discard?`, close wipes the buffer, read-only mode, `:edit` / `:new` find the mount, and a
//! 1 MiB value stays responsive. No terminal, no server; values are obviously fake.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod editor_support;

use editor_support::*;

#[test]
fn edit_reads_types_and_saves_with_check_and_set_on_the_loaded_version() {
    let mut app = app();
    opened(&mut app);
    assert_eq!(editor(&app).phase, Phase::Editing);
    assert_eq!(
        text(&app),
        [
            "{",
            r#"  "pass": "fake-pass","#,
            r#"  "user": "fake-user""#,
            "}"
        ]
    );
    // Typed keys go to the text, even ones bound globally (q quits elsewhere, : opens the
    // command line).
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::End));
    app.update(key(KeyCode::Left));
    app.update(key(KeyCode::Left));
    type_str(&mut app, "-q:2");
    assert!(!app.quit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(text(&app)[1], r#"  "pass": "fake-pass-q:2","#);
    assert!(editor(&app).dirty);
    let (_, m) = save(&mut app);
    let KvMutation::Write {
        mount,
        path,
        kv,
        fields,
        cas,
        ..
    } = m
    else {
        panic!("{m:?}")
    };
    assert_eq!(
        (mount.as_str(), path.as_str(), kv),
        ("secret/", "apps/db", KvVersion::V2)
    );
    assert_eq!(cas, Some(3));
    assert_eq!(
        plain(&fields),
        [
            ("pass".to_string(), "fake-pass-q:2".to_string()),
            ("user".to_string(), "fake-user".to_string())
        ]
    );
}

#[test]
fn a_conflict_shows_the_newer_version_and_reapplies_with_its_check_and_set() {
    let mut app = app();
    opened(&mut app);
    // Change pass, remove nothing, add a field (key=value form).
    app.update(ctrl('t'));
    assert_eq!(editor(&app).format, Format::KeyValue);
    assert_eq!(text(&app), ["pass=fake-pass", "user=fake-user"]);
    app.update(key(KeyCode::End));
    type_str(&mut app, "-mine");
    app.update(key(KeyCode::Enter));
    type_str(&mut app, "added=fake-added");
    let (ticket, _) = save(&mut app);
    // The server refuses: someone wrote v4.
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: outcome(Err(cas_conflict())),
    });
    let (t, request) = fetch(&cmds);
    assert!(
        matches!(&request, Request::Kv(KvRequest::Read { tag, version: None, .. }) if tag == "edit conflict"),
        "{request:?}"
    );
    assert!(matches!(&editor(&app).phase, Phase::Conflict(c) if c.newer == ConflictState::Loading));
    reply_read(
        &mut app,
        t,
        "edit conflict",
        Ok(data(
            &[
                ("user", "fake-user-theirs"),
                ("pass", "fake-pass"),
                ("extra", "fake-extra"),
            ],
            4,
        )),
    );
    let Phase::Conflict(c) = &editor(&app).phase else {
        panic!("no conflict")
    };
    let ConflictState::Ready(n) = &c.newer else {
        panic!("{:?}", c.newer)
    };
    let changes: Vec<(&str, Change)> = n
        .theirs
        .iter()
        .filter(|d| d.change != Change::Same)
        .map(|d| (d.name.as_str(), d.change))
        .collect();
    assert_eq!(
        changes,
        [("extra", Change::Added), ("user", Change::Changed)]
    );
    assert!(n.both.is_empty());
    // No value of either version in the state's Debug.
    let dbg = format!("{:?}", app.screen());
    assert!(!dbg.contains("fake-"), "{dbg}");
    // Re-apply: the edit on top of v4, saved with check-and-set 4.
    app.update(key(KeyCode::Char('r')));
    assert_eq!(editor(&app).phase, Phase::Editing);
    assert_eq!(editor(&app).cas(), Some(4));
    assert_eq!(
        text(&app),
        [
            "added=fake-added",
            "extra=fake-extra",
            "pass=fake-pass-mine",
            "user=fake-user-theirs"
        ]
    );
    let (ticket, m) = save(&mut app);
    let KvMutation::Write { cas, fields, .. } = m else {
        panic!("{m:?}")
    };
    assert_eq!(cas, Some(4));
    assert_eq!(fields.len(), 4);
    // Saved: a toast with the version, back to where the editor was opened from.
    app.update(Msg::Vault {
        ticket,
        reply: outcome(Ok(WriteResult::Version(5))),
    });
    assert!(matches!(app.screen(), Screen::Health(_)));
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == "saved secret/apps/db as v5"),
        "{:?}",
        app.toasts
    );
}

#[test]
fn discard_after_a_conflict_closes_and_esc_goes_back_to_the_text() {
    let mut app = app();
    opened(&mut app);
    change_a_value(&mut app);
    let (ticket, _) = save(&mut app);
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: outcome(Err(cas_conflict())),
    });
    let (t, _) = fetch(&cmds);
    reply_read(
        &mut app,
        t,
        "edit conflict",
        Err(VaultError::Timeout { secs: 5.0 }),
    );
    assert!(
        matches!(&editor(&app).phase, Phase::Conflict(c) if matches!(c.newer, ConflictState::Failed(_)))
    );
    app.update(key(KeyCode::Esc));
    assert_eq!(editor(&app).phase, Phase::Editing);
    // A second save is refused again: this time discard.
    let (ticket, _) = save(&mut app);
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: outcome(Err(cas_conflict())),
    });
    let _ = fetch(&cmds);
    app.update(key(KeyCode::Char('d')));
    assert!(matches!(app.screen(), Screen::Health(_)));
}

#[test]
fn parse_errors_name_the_line_and_keep_the_text() {
    let mut app = app();
    app.open_screen(new_screen(
        A.into(),
        "secret".into(),
        KvVersion::V2,
        "apps/new".into(),
    ));
    assert_eq!(text(&app), ["{", "}"]);
    // JSON: a missing comma.
    app.update(key(KeyCode::End));
    app.update(key(KeyCode::Enter));
    type_str(&mut app, "\"a\": \"fake-1\"");
    app.update(key(KeyCode::Enter));
    type_str(&mut app, "\"b\": 2");
    let before = text(&app);
    let cmds = app.update(ctrl('s'));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Normal);
    let e = editor(&app).error.clone().expect("a parse error");
    assert_eq!(e.to_string(), "line 3: expected `,` or `}`");
    assert_eq!(text(&app), before);
    // The cursor went to the line; typing clears the error.
    assert_eq!(editor(&app).buffer.cursor().0, 2);
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::End));
    type_str(&mut app, ",");
    assert!(editor(&app).error.is_none());
    // Toggling a valid text switches the form; an invalid one stays.
    app.update(ctrl('t'));
    assert_eq!(text(&app), ["a=fake-1", "b:=2"]);
    app.update(key(KeyCode::End));
    app.update(key(KeyCode::Enter));
    type_str(&mut app, "no equals");
    app.update(ctrl('t'));
    assert_eq!(editor(&app).format, Format::KeyValue);
    assert_eq!(
        editor(&app)
            .error
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("line 2: expected key=value (no \"=\" on this line)")
    );
    // Duplicates.
    app.update(key(KeyCode::Home));
    for _ in 0.."no equals".len() {
        app.update(key(KeyCode::Delete));
    }
    type_str(&mut app, "a=fake-again");
    app.update(ctrl('s'));
    assert_eq!(
        editor(&app)
            .error
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("line 2: duplicate field \"a\" (first on line 1)")
    );
    // Fixed: a new secret is written with check-and-set 0.
    app.update(key(KeyCode::Home));
    app.update(key(KeyCode::Char('c')));
    let (_, m) = save(&mut app);
    let KvMutation::Write { cas, fields, .. } = m else {
        panic!("{m:?}")
    };
    assert_eq!(cas, Some(0));
    assert_eq!(fields.len(), 3);
    assert!(fields["b"].json);
}

#[test]
fn esc_asks_before_discarding_changes_and_close_wipes_the_text() {
    let mut app = app();
    opened(&mut app);
    // Nothing typed: esc closes at once.
    app.update(key(KeyCode::Esc));
    assert!(matches!(app.screen(), Screen::Health(_)));
    opened(&mut app);
    type_str(&mut app, "x");
    app.update(key(KeyCode::Esc));
    assert_eq!(editor(&app).phase, Phase::AskDiscard);
    app.update(key(KeyCode::Char('n')));
    assert_eq!(editor(&app).phase, Phase::Editing);
    assert_eq!(text(&app)[0], "x{");
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('y')));
    assert!(matches!(app.screen(), Screen::Health(_)));
    // Closing wipes the buffer before the screen goes (a clone kept by a test sees it).
    let mut s = match edit_screen(A.into(), "secret".into(), KvVersion::V2, "apps/db".into()) {
        Screen::Editor(e) => e,
        _ => unreachable!(),
    };
    s.buffer.replace(vec!["fake-secret-line".into()]);
    s.phase = Phase::Editing;
    let effects = s.on_action(Action::Discard).expect("handled");
    assert_eq!(effects, [strongroom::ui::screens::Effect::Close]);
    assert_eq!(s.buffer.with_lines(<[String]>::to_vec), [""]);
    assert!(!format!("{s:?}").contains("fake-secret"));
}
