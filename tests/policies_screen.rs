//! The policies screen without a server: update flows through `App::update` (`:policies` asks
//! for every policy; the reply fills the list; `/` filters; `enter` opens; `e` edits in the
//! editor context; `ctrl-s` shows the diff; `enter` submits a check-and-set save to the gate;
//! cancelled, refused in read-only mode, failed with the server's message, or done (then the
//! policy is read again); `n` creates (a name is checked, CAS -1); `d` deletes with a typed
//! phrase, root and default refused before asking; `c` asks capabilities for the console's
//! token or a masked token that never shows in a command's `Debug`).
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
mod policies_support;
#[path = "common/render_app.rs"]
mod render_app;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use strongroom::app::{App, Mode};
use strongroom::command::{Command, Origin, Request, ScreenKind, Ticket};
use strongroom::event::Msg;
use strongroom::keymap::KeyContext;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::policies::{CapState, Load, Pane, PoliciesScreen};
use strongroom::vault::VaultError;
use strongroom::vault::models::policies::{CapabilityAnswer, PolicyList};
use strongroom::vault::policies::{PoliciesReply, PoliciesRequest};
use strongroom::write_gate::policy::PolicyMutation;
use strongroom::write_gate::{Confirmation, Mutation, Write};

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| app.update(key(KeyCode::Char(c))))
        .collect()
}

fn screen(app: &App) -> &PoliciesScreen {
    match app.screen() {
        Screen::Policies(s) => s,
        other => panic!("not on the policies screen: {}", other.title()),
    }
}

fn fetch(cmds: &[Command]) -> (Ticket, PoliciesRequest) {
    cmds.iter()
        .find_map(|c| match c {
            Command::Fetch {
                ticket,
                request: Request::Policies(r),
            } => Some((ticket.clone(), r.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no policies fetch in {cmds:?}"))
}

fn reply(app: &mut App, ticket: Ticket, r: PoliciesReply) -> Vec<Command> {
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Policies(r),
    })
}

/// `:policies` with the fixtures loaded.
fn opened() -> App {
    let mut app = render_app::app_with(Screen::Health(Default::default()));
    app.screens.truncate(1);
    let cmds = app.run_command("policies");
    let (ticket, req) = fetch(&cmds);
    assert_eq!(ticket.key.origin, Origin::Screen(ScreenKind::Policies));
    assert!(matches!(req, PoliciesRequest::All { .. }));
    assert_eq!(screen(&app).load, Load::Loading);
    reply(
        &mut app,
        ticket,
        PoliciesReply::All(Ok(PolicyList {
            policies: policies_support::fixtures(),
            unreadable: vec![],
        })),
    );
    app
}

fn select(app: &mut App, name: &str) {
    app.update(key(KeyCode::Home));
    for _ in 0..20 {
        if screen(app).selected_entry().map(|e| e.name()) == Some(name) {
            return;
        }
        app.update(key(KeyCode::Down));
    }
    panic!("no {name}");
}

fn the_write(cmds: &[Command]) -> (Ticket, PolicyMutation) {
    cmds.iter()
        .find_map(|c| match c {
            Command::Write {
                ticket,
                write: Write::One(Mutation::Policy(m)),
            } => Some((ticket.clone(), m.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no policy write in {cmds:?}"))
}

fn outcome(summary: &str, result: Result<WriteResult, VaultError>) -> Reply {
    Reply::Write(WriteOutcome {
        summary: summary.into(),
        items: vec![ItemResult {
            item: "x".into(),
            result,
        }],
    })
}

#[test]
fn the_list_filters_opens_and_goes_back() {
    let mut app = opened();
    assert!(matches!(screen(&app).load, Load::Ready(_)));
    assert_eq!(screen(&app).rows().len(), 5);
    let admin = screen(&app).entry("ops-admin").expect("admin");
    assert_eq!(strongroom::policy::lint::counts(&admin.findings), (2, 2, 0));
    app.update(key(KeyCode::Char('/')));
    typed(&mut app, "READ");
    app.update(key(KeyCode::Enter));
    assert_eq!(screen(&app).rows().len(), 1);
    app.update(key(KeyCode::Enter));
    assert!(matches!(&screen(&app).pane, Pane::View { name, .. } if name == "apps-reader"));
    app.update(key(KeyCode::Down));
    assert!(matches!(screen(&app).pane, Pane::View { scroll: 1, .. }));
    app.update(key(KeyCode::Esc));
    assert_eq!(screen(&app).pane, Pane::List);
    app.update(key(KeyCode::Esc));
    assert_eq!(screen(&app).filter(), "");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen().kind(), ScreenKind::Health);
}

#[test]
fn edit_diff_and_save_through_the_gate() {
    let mut app = opened();
    select(&mut app, "apps-reader");
    app.update(key(KeyCode::Char('e')));
    assert_eq!(app.screen().key_context(), KeyContext::Editor);
    // Nothing changed: no diff.
    app.update(ctrl('s'));
    assert!(
        matches!(&screen(&app).pane, Pane::Edit(e) if e.error.as_deref() == Some("no changes to save"))
    );
    typed(&mut app, "# ok");
    app.update(key(KeyCode::Enter));
    app.update(ctrl('s'));
    let Pane::Diff(e) = &screen(&app).pane else {
        panic!("no diff: {:?}", screen(&app).pane);
    };
    assert_eq!(strongroom::policy::diff::counts(&e.diff), (1, 0));
    assert_eq!(app.screen().key_context(), KeyContext::Policies);

    // Cancelled at the gate: still the diff, not saving.
    app.update(key(KeyCode::Enter));
    let pending = app.gate.pending().expect("pending");
    assert_eq!(pending.confirmation, Confirmation::YesNo);
    assert_eq!(pending.spec.summary, "save policy apps-reader");
    assert!(pending.spec.description.contains("version 3"));
    app.update(key(KeyCode::Char('n')));
    assert!(matches!(&screen(&app).pane, Pane::Diff(e) if !e.saving));

    // Confirmed: the write carries the text and the loaded version; a refusal goes back to the
    // text with the server's message.
    app.update(key(KeyCode::Enter));
    let cmds = app.update(key(KeyCode::Char('y')));
    let (ticket, m) = the_write(&cmds);
    let PolicyMutation::Write {
        name, policy, cas, ..
    } = &m
    else {
        panic!("{m:?}")
    };
    assert_eq!((name.as_str(), *cas), ("apps-reader", Some(3)));
    assert!(policy.starts_with("# ok\n# Apps read"), "{policy}");
    app.update(Msg::Vault {
        ticket,
        reply: outcome(
            "save policy apps-reader",
            Err(VaultError::Http {
                status: 400,
                errors: vec![
                    "check-and-set parameter 3 did not match the current version 4".into(),
                ],
            }),
        ),
    });
    let Pane::Edit(e) = &screen(&app).pane else {
        panic!("not back to the text");
    };
    assert!(
        e.error
            .as_deref()
            .unwrap_or("")
            .contains("did not match the current version 4")
    );

    // Saved: the viewer, and the policy is read again.
    app.update(ctrl('s'));
    app.update(key(KeyCode::Enter));
    let cmds = app.update(key(KeyCode::Char('y')));
    let (ticket, _) = the_write(&cmds);
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: outcome("save policy apps-reader", Ok(WriteResult::Done)),
    });
    let (_, req) = fetch(&cmds);
    assert!(matches!(req, PoliciesRequest::Read { name, .. } if name == "apps-reader"));
    assert!(matches!(&screen(&app).pane, Pane::View { name, .. } if name == "apps-reader"));
}

#[test]
fn leaving_the_editor_with_changes_asks_twice() {
    let mut app = opened();
    select(&mut app, "ops-admin");
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Char('e')));
    typed(&mut app, "zz");
    app.update(key(KeyCode::Esc));
    assert!(matches!(&screen(&app).pane, Pane::Edit(e) if e.confirm_discard));
    app.update(key(KeyCode::Esc));
    assert!(matches!(&screen(&app).pane, Pane::View { name, .. } if name == "ops-admin"));
    // The root policy has nothing to edit.
    select_from_view(&mut app, "root");
    app.update(key(KeyCode::Char('e')));
    assert_eq!(screen(&app).pane, Pane::List);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("root policy has no rules"))
    );
}

fn select_from_view(app: &mut App, name: &str) {
    app.update(key(KeyCode::Esc));
    select(app, name);
}

#[test]
fn read_only_mode_refuses_the_save() {
    let mut app = opened();
    app.gate.set_read_only(true);
    select(&mut app, "apps-reader");
    app.update(key(KeyCode::Char('e')));
    typed(&mut app, "# x");
    app.update(ctrl('s'));
    let cmds = app.update(key(KeyCode::Enter));
    assert!(!cmds.iter().any(|c| matches!(c, Command::Write { .. })));
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.toasts.iter().any(|t| {
        t.text
            .contains("read-only mode: writing a policy is not allowed")
    }));
    assert!(matches!(&screen(&app).pane, Pane::Diff(e) if !e.saving));
}

#[test]
fn new_policy_checks_the_name_and_creates_only() {
    let mut app = opened();
    app.update(key(KeyCode::Char('n')));
    typed(&mut app, "bad name");
    app.update(key(KeyCode::Enter));
    assert!(screen(&app).prompt.is_some());
    assert!(app.toasts.iter().any(|t| t.text.contains("a policy name")));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('n')));
    typed(&mut app, "apps-reader");
    app.update(key(KeyCode::Enter));
    assert!(app.toasts.iter().any(|t| t.text.contains("exists")));
    app.update(key(KeyCode::Char('n')));
    typed(&mut app, "CI-New");
    app.update(key(KeyCode::Enter));
    let Pane::Edit(e) = &screen(&app).pane else {
        panic!("no editor");
    };
    assert_eq!((e.name.as_str(), e.new, e.cas), ("ci-new", true, Some(-1)));
    app.update(ctrl('s'));
    app.update(key(KeyCode::Enter));
    assert_eq!(
        app.gate.pending().map(|p| p.spec.summary.clone()),
        Some("create policy ci-new".into())
    );
}

#[test]
fn delete_is_typed_and_refused_for_root_and_default() {
    let mut app = opened();
    for name in ["root", "default"] {
        select(&mut app, name);
        let cmds = app.update(key(KeyCode::Char('d')));
        assert!(cmds.is_empty());
        assert!(app.gate.pending().is_none());
        assert!(app.toasts.iter().any(
            |t| t.text == format!("the {name} policy cannot be deleted: the server refuses it")
        ));
    }
    select(&mut app, "ops-admin");
    app.update(key(KeyCode::Char('d')));
    assert_eq!(
        app.gate.pending().map(|p| p.confirmation.clone()),
        Some(Confirmation::Typed {
            phrase: "delete policy ops-admin".into()
        })
    );
    typed(&mut app, "delete policy ops-admin");
    let cmds = app.update(key(KeyCode::Enter));
    let (ticket, m) = the_write(&cmds);
    assert!(matches!(m, PolicyMutation::Delete { ref name, .. } if name == "ops-admin"));
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: outcome("delete policy ops-admin", Ok(WriteResult::Done)),
    });
    assert!(matches!(fetch(&cmds).1, PoliciesRequest::All { .. }));
    assert!(screen(&app).entry("ops-admin").is_none());
}

#[test]
fn capabilities_of_the_own_and_a_masked_token() {
    let mut app = opened();
    app.update(key(KeyCode::Char('c')));
    typed(&mut app, "secret/data/apps/db");
    app.update(key(KeyCode::Enter));
    let cmds = app.update(key(KeyCode::Enter));
    let (ticket, req) = fetch(&cmds);
    assert!(
        matches!(&req, PoliciesRequest::Capabilities { path, token: None, .. } if path == "secret/data/apps/db")
    );
    reply(
        &mut app,
        ticket,
        PoliciesReply::Capabilities(Ok(CapabilityAnswer {
            path: "secret/data/apps/db".into(),
            capabilities: vec!["list".into(), "read".into()],
            own_token: true,
            policies: Ok(vec!["apps-reader".into(), "default".into()]),
        })),
    );
    let Pane::Capabilities(q) = &screen(&app).pane else {
        panic!("no answer pane");
    };
    let CapState::Ready(a) = &q.state else {
        panic!("{:?}", q.state)
    };
    let x = screen(&app).explain(a);
    assert_eq!(
        x.explanation.decided,
        Some((
            "secret/data/apps/*".into(),
            vec!["list".into(), "read".into()]
        ))
    );

    // Another token: typed masked, sent in a secret type, never in a Debug.
    app.update(key(KeyCode::Char('c')));
    typed(&mut app, "sys/seal");
    app.update(key(KeyCode::Enter));
    typed(&mut app, "s.canaryTOKEN42");
    assert!(!format!("{:?}", app.screen()).contains("canary"));
    let cmds = app.update(key(KeyCode::Enter));
    let (_, req) = fetch(&cmds);
    assert!(
        matches!(&req, PoliciesRequest::Capabilities { token: Some(t), .. } if t.expose() == "s.canaryTOKEN42")
    );
    assert!(!format!("{cmds:?}").contains("canary"));
    assert!(screen(&app).prompt.is_none());
}
