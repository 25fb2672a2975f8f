//! Update-flow tests of the secret editor, continued: `:edit` / `:new` find the mount, revert,
//! read-only mode, pasted control characters, and a 1 MiB value stays responsive.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod editor_support;

use editor_support::*;

#[test]
fn revert_puts_the_loaded_values_back_and_unchanged_text_is_not_saved() {
    let mut app = app();
    opened(&mut app);
    type_str(&mut app, "garbage");
    app.update(ctrl('o'));
    assert!(!editor(&app).dirty);
    assert_eq!(text(&app)[0], "{");
    let cmds = app.update(ctrl('s'));
    assert!(cmds.is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(editor(&app).note.as_deref(), Some("no changes to save"));
}

#[test]
fn read_only_mode_blocks_the_save() {
    let mut app = app_ro(true);
    opened(&mut app);
    change_a_value(&mut app);
    let cmds = app.update(ctrl('s'));
    assert!(
        !cmds.iter().any(|c| matches!(c, Command::Write { .. })),
        "{cmds:?}"
    );
    assert_ne!(app.mode, Mode::Confirm);
    assert!(
        app.toasts.iter().any(|t| t.text.contains("read-only")),
        "{:?}",
        app.toasts
    );
    assert!(matches!(app.screen(), Screen::Editor(_)));
}

#[test]
fn edit_and_new_commands_find_the_mount_first() {
    let list = MountList {
        mounts: vec![kv_mount("kv1/", 1), kv_mount("team/kv/", 2)],
        source: MountSource::SysMounts,
    };
    let mut app = app();
    let cmds = run(&mut app, "edit team/kv/apps/db");
    let (ticket, request) = fetch(&cmds);
    assert_eq!(
        request,
        Request::Mounts(MountsRequest::List { addr: A.into() })
    );
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: Reply::Mounts(MountsReply::List(Ok(list.clone()))),
    });
    let (_, request) = fetch(&cmds);
    assert!(
        matches!(&request, Request::Kv(KvRequest::Read { mount, path, kv: KvVersion::V2, tag, .. })
            if mount == "team/kv/" && path == "apps/db" && tag == "edit"),
        "{request:?}"
    );
    // :new on a KV v1 mount: no read, no check-and-set.
    app.update(key(KeyCode::Esc));
    let cmds = run(&mut app, "new kv1/x");
    let (ticket, _) = fetch(&cmds);
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Mounts(MountsReply::List(Ok(list.clone()))),
    });
    assert_eq!(editor(&app).phase, Phase::Editing);
    assert_eq!(editor(&app).kv, KvVersion::V1);
    assert_eq!(editor(&app).cas(), None);
    type_str(&mut app, "");
    // A path no engine holds.
    app.update(key(KeyCode::Esc));
    let cmds = run(&mut app, "edit nowhere/x");
    let (ticket, _) = fetch(&cmds);
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Mounts(MountsReply::List(Ok(list))),
    });
    assert!(matches!(
        editor(&app).phase,
        Phase::Failed(VaultError::NotFound { .. })
    ));
    // Without an argument: a hint, no screen.
    app.update(key(KeyCode::Esc));
    run(&mut app, "edit");
    assert!(matches!(app.screen(), Screen::Health(_)));
}

#[test]
fn pasted_control_characters_never_reach_the_text() {
    let mut app = app();
    opened(&mut app);
    app.update(Msg::Paste("a\x1b[2Jb\u{7}c\td".into()));
    assert_eq!(text(&app)[0], "a[2Jbc    d{");
}

#[test]
fn a_one_mebibyte_value_stays_responsive() {
    let mut app = app();
    let cmds = app.open_screen(edit_screen(
        A.into(),
        "secret".into(),
        KvVersion::V2,
        "apps/big".into(),
    ));
    let (ticket, _) = fetch(&cmds);
    let big = "x".repeat(1 << 20);
    let mut d = data(&[], 1);
    d.fields.insert(
        "blob".into(),
        SecretField {
            value: SecretString::from(big),
            json: false,
        },
    );
    reply_read(&mut app, ticket, "edit", Ok(d));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::End));
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    // Frames draw only the visible part of the wrapped line (measured: ~5 ms each).
    let started = Instant::now();
    for _ in 0..20 {
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    }
    let frames = started.elapsed();
    assert!(frames < Duration::from_secs(2), "20 frames took {frames:?}");
    // A key re-wraps the line in the widget (its own O(n), measured ~80 ms at 1 MiB); the
    // editor adds nothing proportional to the text.
    let started = Instant::now();
    for _ in 0..20 {
        app.update(key(KeyCode::Char('y')));
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    }
    let typed = started.elapsed();
    assert!(
        typed < Duration::from_secs(10),
        "20 keys and frames took {typed:?}"
    );
    assert_eq!(text(&app)[1].len(), (1 << 20) + 11 + 20 + 1);
}

#[test]
fn a_deleted_current_version_is_edited_from_empty_and_a_failed_save_keeps_the_text() {
    let mut app = app();
    let cmds = app.open_screen(edit_screen(
        A.into(),
        "secret/".into(),
        KvVersion::V2,
        "apps/db".into(),
    ));
    let (ticket, _) = fetch(&cmds);
    let mut d = data(&[], 7);
    if let Some(v) = d.version.as_mut() {
        v.deletion_time = "2026-11-23T09:00:00Z".into();
    }
    reply_read(&mut app, ticket, "edit", Ok(d));
    assert_eq!(text(&app), ["{", "}"]);
    assert!(editor(&app).base.deleted);
    assert_eq!(
        editor(&app).note.as_deref(),
        Some("v7 is deleted: saving writes a new version")
    );
    // Saving even the empty text writes v8 on top of v7.
    let (ticket, m) = save(&mut app);
    assert!(matches!(m, KvMutation::Write { cas: Some(7), .. }), "{m:?}");
    // A refusal other than check-and-set: the text stays, the reason is shown.
    app.update(Msg::Vault {
        ticket,
        reply: outcome(Err(VaultError::PermissionDenied {
            errors: vec!["permission denied".into()],
        })),
    });
    assert_eq!(editor(&app).phase, Phase::Editing);
    assert!(
        editor(&app)
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("save failed:")),
        "{:?}",
        editor(&app).note
    );
    assert_eq!(text(&app), ["{", "}"]);
}
