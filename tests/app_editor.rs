//! Update-flow tests of the secret editor through `App::update`: open → read, typed keys go to
//! the text, save → the gate → the write with the right check-and-set and fields, a conflict →
//! the newer version → re-apply with the new check-and-set, parse errors keep the text,
//! `discard?`, close wipes the buffer, read-only mode, `:edit` / `:new` find the mount, and a
//! 1 MiB value stays responsive. No terminal, no server; values are obviously fake.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::{ExposeSecret, SecretString};

use strongroom::action::Action;
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::{Command, Origin, Request, ScreenKind, Ticket};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::editor::{
    ConflictState, EditorScreen, Format, Phase, edit_screen, new_screen,
};
use strongroom::vault::VaultError;
use strongroom::vault::kv_area::{KvReply, KvRequest};
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::kv_diff::Change;
use strongroom::vault::models::kv_secret::{SecretData, SecretField, SecretFields, VersionMeta};
use strongroom::vault::models::mounts::{Mount, MountKind, MountList, MountSource};
use strongroom::vault::mounts::{MountsReply, MountsRequest};
use strongroom::write_gate::kv::KvMutation;
use strongroom::write_gate::{Mutation, Write};

const A: &str = "http://127.0.0.1:8210";

fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_393_047, 0).single().expect("time")
}

fn app_ro(read_only: bool) -> App {
    let p = ConnectionProfile {
        read_only,
        ..ConnectionProfile::new("main", vec![A.to_string()])
    };
    let mut app = App::new(AppInit {
        profile: p.clone(),
        contexts: vec![p],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: t0(),
    });
    let _ = app.start();
    app
}

fn app() -> App {
    app_ro(false)
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_str(app: &mut App, s: &str) -> Vec<Command> {
    s.chars()
        .flat_map(|c| app.update(key(KeyCode::Char(c))))
        .collect()
}

fn fields(pairs: &[(&str, &str)]) -> SecretFields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), SecretField::text(*v)))
        .collect()
}

fn plain(f: &SecretFields) -> Vec<(String, String)> {
    f.iter()
        .map(|(k, v)| (k.clone(), v.value.expose_secret().to_string()))
        .collect()
}

fn data(pairs: &[(&str, &str)], version: u64) -> SecretData {
    SecretData {
        fields: fields(pairs),
        version: Some(VersionMeta {
            version,
            created_time: "2026-11-23T10:00:00Z".into(),
            ..VersionMeta::default()
        }),
    }
}

fn editor(app: &App) -> &EditorScreen {
    match app.screen() {
        Screen::Editor(e) => e,
        other => panic!("not the editor: {other:?}"),
    }
}

fn text(app: &App) -> Vec<String> {
    editor(app).buffer.with_lines(<[String]>::to_vec)
}

/// The one fetch among the commands, with its ticket.
fn fetch(cmds: &[Command]) -> (Ticket, Request) {
    let found: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Fetch { ticket, request } if ticket.key.origin != Origin::Cluster => {
                Some((ticket.clone(), request.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{cmds:?}");
    found.into_iter().next().unwrap()
}

fn write(cmds: &[Command]) -> (Ticket, KvMutation) {
    let found: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Write {
                ticket,
                write: Write::One(Mutation::Kv(m)),
            } => Some((ticket.clone(), m.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{cmds:?}");
    found.into_iter().next().unwrap()
}

fn reply_read(app: &mut App, ticket: Ticket, tag: &str, d: Result<SecretData, VaultError>) {
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: Reply::Kv(KvReply::Read {
            path: "apps/db".into(),
            version: None,
            tag: tag.into(),
            result: d,
        }),
    });
    assert!(cmds.is_empty(), "{cmds:?}");
}

fn outcome(result: Result<WriteResult, VaultError>) -> Reply {
    Reply::Write(WriteOutcome {
        summary: "write secret/apps/db".into(),
        items: vec![ItemResult {
            item: "secret/apps/db".into(),
            result,
        }],
    })
}

/// Open the editor on secret/apps/db and answer its read with v3.
fn opened(app: &mut App) {
    let cmds = app.open_screen(edit_screen(
        A.into(),
        "secret".into(),
        KvVersion::V2,
        "apps/db".into(),
    ));
    let (ticket, request) = fetch(&cmds);
    assert_eq!(ticket.key.origin, Origin::Screen(ScreenKind::Editor));
    assert_eq!(
        request,
        Request::Kv(KvRequest::Read {
            addr: A.into(),
            mount: "secret/".into(),
            kv: KvVersion::V2,
            path: "apps/db".into(),
            version: None,
            tag: "edit".into(),
        })
    );
    assert_eq!(editor(app).phase, Phase::Loading);
    reply_read(
        app,
        ticket,
        "edit",
        Ok(data(&[("user", "fake-user"), ("pass", "fake-pass")], 3)),
    );
}

/// ctrl-s, then `y` in the gate's dialog: the write command.
fn save(app: &mut App) -> (Ticket, KvMutation) {
    let cmds = app.update(ctrl('s'));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Confirm);
    write(&app.update(key(KeyCode::Char('y'))))
}

/// Append to the first value (JSON form).
fn change_a_value(app: &mut App) {
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::End));
    app.update(key(KeyCode::Left));
    app.update(key(KeyCode::Left));
    type_str(app, "Z");
}

fn cas_conflict() -> VaultError {
    VaultError::Http {
        status: 400,
        errors: vec!["check-and-set parameter did not match the current version".into()],
    }
}

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

fn kv_mount(path: &str, v: u8) -> Mount {
    Mount {
        kind: MountKind::Secret,
        path: path.into(),
        mount_type: "kv".into(),
        kv_version: Some(v),
        description: String::new(),
        accessor: String::new(),
        default_lease_ttl: None,
        max_lease_ttl: None,
        options: Default::default(),
        seal_wrap: false,
        local: false,
        external_entropy_access: false,
        plugin_version: String::new(),
        running_plugin_version: String::new(),
        uuid: String::new(),
        deprecation_status: String::new(),
    }
}

fn run(app: &mut App, line: &str) -> Vec<Command> {
    app.update(key(KeyCode::Char(':')));
    type_str(app, line);
    app.update(key(KeyCode::Enter))
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
