//! The unseal ceremony's state machine through `App::update` (no server): status reads every
//! second, a share to every sealed node as one gated write, a nonce change between submissions,
//! a stale read that a submission overtook (no false alarm), a wrong key set at the threshold,
//! a node going away (reads and submissions fail clearly, the others go on), a read that never
//! answers (asked again), read-only mode, holder mode (never which share) — and render
//! snapshots of each state at 100×30 and 60×16. No share ever shows on screen or in `{:?}`.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[path = "common/render_app.rs"]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::action::Action;
use strongroom::command::{Command, Request};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::unseal::Focus;
use strongroom::vault::VaultError;
use strongroom::vault::models::sys::SealStatus;
use strongroom::vault::unseal::UnsealRequest;
use strongroom::write_gate::unseal::UnsealMutation;
use strongroom::write_gate::{Mutation, Write};

use health_fixtures::ADDRS;

mod unseal_support;

use unseal_support::{SHARE, T, after_one_share, sealed, unsealed};

impl T {
    fn snap(&self, name: &str) -> String {
        let mut big = String::new();
        for (w, h) in [(100, 30), (60, 16)] {
            let t = self.draw(w, h);
            assert!(!t.contains(SHARE), "the share on screen");
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
            if w == 100 {
                big = t;
            }
        }
        let dbg = format!("{:?}", self.app.screens);
        assert!(!dbg.contains(SHARE), "the share in the state's Debug");
        big
    }
}

#[test]
fn loading_then_sealed_and_a_share_to_every_node() {
    let mut t = T::new();
    assert_eq!(t.reads.len(), 3, "one status read per node at once");
    t.snap("unseal_loading");
    t.answer_all(&sealed(0, ""));
    t.type_share();
    let typing = t.snap("unseal_typing");
    assert!(typing.contains("(hidden input)"), "{typing}");
    // Reads again after a second, not before.
    t.tick(500);
    assert!(t.reads.is_empty());
    t.tick(600);
    assert_eq!(t.reads.len(), 3);
    t.key(KeyCode::Enter);
    assert!(t.screen().input.0.is_empty(), "wiped at once");
    let (ticket, write) = t.writes.last().cloned().expect("one gated write");
    assert!(
        matches!(&write, Write::Batch(ms) if ms.len() == 3),
        "{write:?}"
    );
    assert!(!format!("{write:?}").contains(SHARE));
    assert!(matches!(
        &write.mutations()[0],
        Mutation::Unseal(UnsealMutation::Submit { share, .. }) if share.expose() == SHARE
    ));
    // The reads issued before the submission come back after it: dropped (their generation).
    t.answer_all(&sealed(0, ""));
    t.writes.clear();
    t.outcome(ticket, vec![Ok(sealed(1, "aaaaaaaa-1111")); 3]);
    assert_eq!(t.screen().accepted, 1);
    assert!(t.screen().notices.is_empty(), "{:?}", t.screen().notices);
    assert!(
        t.screen()
            .nodes
            .iter()
            .all(|n| n.progress() == Some((1, 3)))
    );
    t.snap("unseal_one_share");
}

#[test]
fn a_nonce_change_between_submissions_is_said_plainly() {
    let mut t = after_one_share();
    t.tick(1100);
    t.answer(ADDRS[0], Ok(sealed(1, "aaaaaaaa-1111")));
    t.answer(ADDRS[1], Ok(sealed(0, "")));
    t.answer(ADDRS[2], Ok(sealed(1, "aaaaaaaa-1111")));
    let expected = format!(
        "{}: the unseal round was reset or restarted elsewhere — progress is now 0 of 3",
        t.name(1)
    );
    assert_eq!(t.screen().notices, vec![expected]);
    // A submission answered with another nonce says so too.
    t.type_share();
    t.key(KeyCode::Enter);
    let (ticket, _) = t.last_write();
    t.outcome(
        ticket,
        vec![
            Ok(sealed(2, "aaaaaaaa-1111")),
            Ok(sealed(1, "bbbbbbbb-2222")),
            Ok(sealed(1, "cccccccc-3333")),
        ],
    );
    assert_eq!(t.screen().notices.len(), 2, "{:?}", t.screen().notices);
    assert!(t.screen().notices[1].starts_with(&t.name(2)));
    assert!(t.screen().notices[1].ends_with("progress is now 1 of 3"));
    t.snap("unseal_nonce_changed");
}

#[test]
fn a_wrong_key_set_at_the_threshold_shows_the_answer_and_progress_zero() {
    let mut t = after_one_share();
    t.type_share();
    t.key(KeyCode::Enter);
    let (ticket, _) = t.last_write();
    t.outcome(ticket, vec![Ok(sealed(2, "aaaaaaaa-1111")); 3]);
    t.type_share();
    t.key(KeyCode::Enter);
    let (ticket, _) = t.last_write();
    let refused = VaultError::Http {
        status: 400,
        errors: vec!["unable to retrieve stored keys: invalid key: failed to decrypt keys from storage: cipher: message authentication failed\u{1b}[31m".into()],
    };
    t.outcome(
        ticket,
        vec![Err(refused.clone()), Err(refused.clone()), Err(refused)],
    );
    let s = t.screen();
    assert!(
        s.nodes.iter().all(|n| n.progress() == Some((0, 3))),
        "{s:#?}"
    );
    assert_eq!(s.accepted, 2, "a refused share is not counted");
    let first = &s.notices[0];
    assert!(
        first.starts_with(&format!("{}: the threshold was reached with a wrong key set; the server said: request rejected (400): unable to retrieve stored keys", t.name(0)))
            && first.ends_with("progress is now 0 of 3")
            && !first.contains('\u{1b}'),
        "{first}"
    );
    let shown = t.snap("unseal_wrong_key_set");
    assert!(shown.contains("progress 0 of 3"), "{shown}");
}

#[test]
fn a_node_going_away_fails_clearly_without_blocking_the_others() {
    let mut t = after_one_share();
    t.tick(1100);
    t.answer(ADDRS[0], Ok(sealed(1, "aaaaaaaa-1111")));
    t.answer(ADDRS[1], Ok(sealed(1, "aaaaaaaa-1111")));
    let gone = VaultError::Connect {
        addr: ADDRS[2].into(),
        reason: "Connection refused (os error 111)".into(),
    };
    t.answer(ADDRS[2], Err(gone));
    assert!(t.screen().nodes[2].unreachable);
    assert!(t.screen().notices[0].starts_with(&format!("{}: unreachable", t.name(2))));
    // "Every sealed node" leaves it out and says so.
    t.type_share();
    t.key(KeyCode::Enter);
    let (ticket, addrs) = t.last_write();
    assert_eq!(addrs, ADDRS[..2].to_vec());
    t.outcome(ticket, vec![Ok(sealed(2, "aaaaaaaa-1111")); 2]);
    assert!(
        t.screen()
            .notices
            .iter()
            .any(|n| n.ends_with("unreachable — not sent this share"))
    );
    // To the selected node: it times out, clearly.
    t.key(KeyCode::Esc);
    t.action(Action::Bottom);
    t.action(Action::UnsealTarget);
    t.action(Action::EditInput);
    t.type_share();
    t.key(KeyCode::Enter);
    let (ticket, addrs) = t.last_write();
    assert_eq!(addrs, vec![ADDRS[2].to_string()]);
    t.outcome(ticket, vec![Err(VaultError::Timeout { secs: 5.0 })]);
    let last = t.screen().notices.last().cloned().expect("a notice");
    assert_eq!(
        last,
        format!(
            "{}: unreachable — not delivered (timed out after 5.0 s)",
            t.name(2)
        )
    );
    assert!(t.screen().awaiting.is_none());
    t.snap("unseal_node_unreachable");
}

#[test]
fn a_read_that_never_answers_is_asked_again_later() {
    let mut t = T::new();
    t.answer(ADDRS[0], Ok(sealed(0, "")));
    t.answer(ADDRS[1], Ok(sealed(0, "")));
    t.reads.clear(); // node 3's read hangs
    t.tick(1100);
    assert_eq!(
        t.reads.len(),
        2,
        "not asked again while its read is on its way"
    );
    t.reads.clear();
    t.tick(15_000);
    assert_eq!(t.reads.len(), 3, "asked again once the read is stuck");
}

#[test]
fn read_only_mode_blocks_a_share_and_wipes_it() {
    let mut t = T::new();
    t.answer_all(&sealed(0, ""));
    t.app.gate.set_read_only(true);
    t.type_share();
    t.key(KeyCode::Enter);
    assert!(t.writes.is_empty());
    assert!(t.screen().input.0.is_empty());
    assert!(t.screen().awaiting.is_none() && t.screen().nodes.iter().all(|n| !n.in_flight));
    assert!(
        t.app
            .toasts
            .iter()
            .any(|x| x.text == "read-only mode: unsealing is not allowed"),
        "{:?}",
        t.app.toasts
    );
}

#[test]
fn holder_mode_clears_between_holders_and_never_shows_which_share() {
    let mut t = T::new();
    t.answer_all(&sealed(0, ""));
    t.key(KeyCode::Esc);
    t.action(Action::HolderMode);
    t.action(Action::EditInput);
    t.type_share();
    t.key(KeyCode::Enter);
    let (ticket, _) = t.last_write();
    t.outcome(ticket, vec![Ok(sealed(1, "aaaaaaaa-1111")); 3]);
    assert_eq!(t.screen().focus, Focus::NextHolder);
    let shown = t.snap("unseal_next_holder");
    assert!(
        shown.contains("1 share accepted in this ceremony"),
        "{shown}"
    );
    assert!(shown.contains("Next key holder: press enter when ready."));
    assert!(
        !shown.contains("progress"),
        "the screen is cleared: {shown}"
    );
    t.key(KeyCode::Enter);
    assert_eq!(t.screen().focus, Focus::Share);
}

#[test]
fn reset_asks_then_reads_zero() {
    let mut t = after_one_share();
    t.key(KeyCode::Esc);
    t.action(Action::UnsealReset);
    assert!(t.writes.is_empty(), "waits for the confirmation");
    t.action(Action::Confirm);
    let (ticket, addrs) = t.last_write();
    assert_eq!(addrs, vec![ADDRS[0].to_string()]);
    t.outcome(ticket, vec![Ok(sealed(0, ""))]);
    assert_eq!(t.screen().nodes[0].progress(), Some((0, 3)));
    assert!(t.screen().notices.is_empty());
    t.action(Action::SaveCeremonyLog);
    let shown = t.snap("unseal_save_prompt");
    assert!(
        shown.contains("save the ceremony log to: unseal-ceremony.log"),
        "{shown}"
    );
    t.key(KeyCode::Enter);
    assert_eq!(t.screen().focus, Focus::Nodes);
}

#[test]
fn unsealed_uninitialised_and_auto_unseal_panels() {
    let mut t = T::new();
    t.answer_all(&unsealed());
    let shown = t.snap("unseal_all_unsealed");
    assert!(
        shown.contains("unsealed · active") && shown.contains("unsealed · standby"),
        "{shown}"
    );
    // Nothing to send: every node is unsealed; the selected one says so too.
    t.type_share();
    t.key(KeyCode::Enter);
    t.key(KeyCode::Esc);
    t.action(Action::UnsealTarget);
    t.action(Action::EditInput);
    t.type_share();
    t.key(KeyCode::Enter);
    assert!(t.writes.is_empty() && t.screen().input.0.is_empty());
    let toasts: Vec<&str> = t.app.toasts.iter().map(|x| x.text.as_str()).collect();
    assert!(
        toasts.contains(&"no sealed configured node to send a share to"),
        "{toasts:?}"
    );
    assert!(
        toasts.contains(&"node1: this node is already unsealed"),
        "{toasts:?}"
    );
    let mut t = T::new();
    let uninit = SealStatus {
        initialized: false,
        t: 0,
        n: 0,
        ..sealed(0, "")
    };
    t.answer_all(&uninit);
    let shown = t.snap("unseal_uninitialised");
    assert!(shown.contains(":init"), "{shown}");
    let mut t = T::new();
    let auto = SealStatus {
        seal_type: "transit".into(),
        recovery_seal: true,
        ..sealed(0, "")
    };
    t.answer_all(&auto);
    let shown = t.snap("unseal_auto_unseal");
    assert!(shown.contains("needs no shares"), "{shown}");
}

#[test]
fn ceremony_opens_the_screen_and_help_lists_its_keys() {
    let mut app = render_app::app_with(Screen::Health(Default::default()));
    let cmds = app.run_command("ceremony");
    assert!(matches!(app.screen(), Screen::Unseal(_)));
    assert!(cmds.iter().any(|c| matches!(
        c,
        Command::Fetch {
            request: Request::Unseal(UnsealRequest::SealStatus { .. }),
            ..
        }
    )));
    app.on_action(Action::Help);
    let mut term = Terminal::new(TestBackend::new(100, 60)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    let help = screen_text::text(term.backend().buffer());
    assert!(help.contains("Unseal ceremony"), "{help}");
    assert!(help.contains("unseal: holder mode on or off"), "{help}");
}

#[test]
fn a_discovered_node_is_shown_and_read_but_never_sent_a_share() {
    let mut t = T::new();
    let extra = "http://127.0.0.1:29999";
    t.app
        .cluster
        .nodes
        .push(strongroom::cluster::NodeState::new(extra, true));
    t.tick(1100);
    assert_eq!(t.screen().nodes.len(), 4);
    assert!(t.screen().nodes[3].discovered);
    assert!(
        t.reads.iter().any(|r| r.1 == extra),
        "its seal status is read"
    );
    t.answer_all(&sealed(0, ""));
    t.answer(extra, Ok(sealed(0, "")));
    t.type_share();
    t.key(KeyCode::Enter);
    let (_, addrs) = t.last_write();
    assert_eq!(addrs, ADDRS.to_vec(), "configured nodes only");
    let shown = t.draw(100, 30);
    assert!(shown.contains("(discovered)"), "{shown}");
}
