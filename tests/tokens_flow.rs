//! Update-flow tests of the tokens screen: `Msg` sequences into `App::update`, no terminal, no
//! server. `:tokens FILTER` starts the inventory job; batches show while it loads; `/` filters
//! live (a parse error is kept and shown, nothing filtered); marks; the bulk revoke dialog leaves
//! the own token out until `i`; the batch goes to the gate with the count typed; `esc` closes
//! the dialog and cancels a running load; the revoke-by-value form hands the value over once.
#![allow(clippy::expect_used)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use strongroom::action::Action;
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::{Command, Ticket};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobProgress, JobReport, JobSpec, TokenBatch};
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::tokens::TokensScreen;
use strongroom::vault::models::tokens::TokenInfo;
use strongroom::write_gate::token::TokenMutation;
use strongroom::write_gate::{Confirmation, Mutation, Write};

const A: &str = "http://127.0.0.1:8210";

fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_393_047, 0).single().expect("time")
}

fn app() -> App {
    let p = ConnectionProfile::new("main", vec![A.to_string()]);
    App::new(AppInit {
        profile: p.clone(),
        contexts: vec![p],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: t0(),
    })
}

fn tok(acc: &str, name: &str, policy: &str, ttl: i64) -> TokenInfo {
    serde_json::from_value(serde_json::json!({
        "accessor": acc, "display_name": name, "policies": [policy], "path": "auth/token/create",
        "creation_time": t0().timestamp() - 60,
        "expire_time": (t0() + chrono::Duration::seconds(ttl)).to_rfc3339(),
    }))
    .expect("token")
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn screen(app: &App) -> &TokensScreen {
    match app.screen() {
        Screen::Tokens(s) => s,
        other => panic!("not the tokens screen: {}", other.title()),
    }
}

fn job(ticket: &Ticket, event: JobEvent) -> Msg {
    Msg::Job {
        ticket: ticket.clone(),
        event,
    }
}

fn batch(items: Vec<TokenInfo>, own: &str) -> JobEvent {
    JobEvent::Report(Box::new(JobReport::Tokens(TokenBatch {
        items,
        own_accessor: Some(own.into()),
        ..TokenBatch::default()
    })))
}

/// `:tokens ARG`, then two batches and the end of the inventory.
fn loaded(arg: &str) -> App {
    let mut app = app();
    let cmds = app.run_command(&format!("tokens {arg}"));
    let ticket = match &cmds[..] {
        [
            Command::StartJob {
                ticket,
                spec: JobSpec::TokenInventory { addr },
            },
        ] if addr == A => ticket.clone(),
        other => panic!("{other:?}"),
    };
    assert!(screen(&app).tokens.is_loading());
    app.update(job(
        &ticket,
        batch(
            vec![
                tok("acc-root", "root", "root", 999_999),
                tok("acc-ci-1", "token-ci-1", "ci", 60),
            ],
            "acc-root",
        ),
    ));
    assert_eq!(screen(&app).rows().len(), 2, "rows show while it loads");
    app.update(job(
        &ticket,
        batch(
            vec![
                tok("acc-ci-2", "token-ci-2", "ci", 7200),
                tok("acc-ops", "token-ops", "ops", 60),
            ],
            "acc-root",
        ),
    ));
    app.update(job(&ticket, JobEvent::Done(JobProgress::default())));
    assert!(!screen(&app).tokens.is_loading());
    app
}

fn names(app: &App) -> Vec<String> {
    screen(app)
        .visible(app.now)
        .iter()
        .map(|t| t.display_name.clone())
        .collect()
}

#[test]
fn the_command_filter_and_the_live_filter_line() {
    let mut app = loaded("policy=ci");
    assert_eq!(names(&app), ["token-ci-1", "token-ci-2"]);
    app.update(key('/'));
    // Replace the filter: clear the line and type a new one.
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    for c in "ttl>1h".chars() {
        app.update(key(c));
    }
    assert_eq!(names(&app), ["root", "token-ci-2"]);
    app.update(code(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Normal);
    app.run_command("tokens colour=red");
    assert!(
        screen(&app)
            .filter_error()
            .is_some_and(|e| e.contains("unknown filter \"colour\"")),
        "{:?}",
        screen(&app).filter_error()
    );
    assert_eq!(
        names(&app).len(),
        4,
        "nothing filtered while the filter is wrong"
    );
}

#[test]
fn bulk_revoke_leaves_the_own_token_out_until_included() {
    let mut app = loaded("ttl<2h");
    assert_eq!(names(&app), ["token-ci-1", "token-ops"]);
    // esc clears the filter.
    app.update(code(KeyCode::Esc));
    assert_eq!(names(&app).len(), 4);
    app.on_action(Action::MarkAll);
    assert_eq!(screen(&app).marked.len(), 4);
    app.update(key('X'));
    let d = screen(&app).dialog.clone().expect("the dialog");
    assert!(d.own_in_set && !d.include_own);
    assert_eq!(d.items.len(), 4);
    // esc closes the dialog; nothing went to the gate.
    app.update(code(KeyCode::Esc));
    assert!(screen(&app).dialog.is_none() && app.gate.pending().is_none());
    app.update(key('X'));
    app.update(key('i'));
    assert!(screen(&app).dialog.as_ref().is_some_and(|d| d.include_own));
    app.update(key('i'));
    let cmds = app.update(key('t'));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Confirm);
    let p = app.gate.pending().expect("pending");
    assert_eq!(p.spec.items, 3);
    assert_eq!(
        p.confirmation,
        Confirmation::Typed {
            phrase: "revoke 3 tokens".into()
        }
    );
    let mut cmds = Vec::new();
    for c in "revoke 3 tokens".chars() {
        cmds.extend(app.update(key(c)));
    }
    cmds.extend(app.update(code(KeyCode::Enter)));
    match &cmds[..] {
        [
            Command::Write {
                write: Write::Batch(ms),
                ..
            },
        ] => {
            assert_eq!(ms.len(), 3);
            assert!(ms.iter().all(|m| matches!(
                m,
                Mutation::Token(TokenMutation::RevokeAccessor {
                    own: false,
                    bulk: true,
                    ..
                })
            )));
        }
        other => panic!("{other:?}"),
    }
    assert!(screen(&app).revoking.is_some());
}

#[test]
fn one_revoke_asks_yes_and_esc_cancels_a_running_load() {
    let mut app = loaded("");
    app.update(key('j'));
    app.update(key('d'));
    let p = app.gate.pending().expect("pending");
    assert_eq!(p.confirmation, Confirmation::YesNo);
    assert!(
        p.spec.summary.starts_with("revoke token token-ci-1"),
        "{}",
        p.spec.summary
    );
    app.update(key('n'));
    assert_eq!(app.mode, Mode::Normal);
    // A reload, then esc: the job is cancelled.
    let cmds = app.on_action(Action::Refresh);
    assert!(cmds.iter().any(|c| matches!(c, Command::StartJob { .. })));
    let cmds = app.update(code(KeyCode::Esc));
    assert!(
        cmds.iter().any(|c| matches!(c, Command::CancelJob { .. })),
        "{cmds:?}"
    );
    assert_eq!(screen(&app).rows().len(), 4, "the last list stays, stale");
}

#[test]
fn the_revoke_by_value_form_hands_the_value_over_once() {
    let mut app = loaded("");
    app.run_command("revoke-token");
    assert!(screen(&app).takes_text());
    for c in "s.SECRETVALUE".chars() {
        app.update(key(c));
    }
    app.update(code(KeyCode::Tab));
    assert!(screen(&app).by_value.as_ref().is_some_and(|f| f.orphan));
    app.update(code(KeyCode::Enter));
    assert!(screen(&app).by_value.is_none());
    let p = app.gate.pending().expect("pending");
    assert!(!format!("{p:?} {:?}", app.screens).contains("SECRETVALUE"));
    match &p.write {
        Write::One(Mutation::Token(TokenMutation::RevokeToken {
            token,
            orphan_children,
            ..
        })) => {
            assert!(*orphan_children);
            assert_eq!(token.expose(), "s.SECRETVALUE");
        }
        other => panic!("{other:?}"),
    }
    app.update(code(KeyCode::Esc));
    assert!(
        app.gate.pending().is_none(),
        "cancelled: the value is dropped"
    );
}
