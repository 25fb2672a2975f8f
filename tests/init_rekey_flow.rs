//! Update flows of the init and rekey screens (no server): the init form is checked as the server
//! checks it (threshold ≤ shares, > 1 for several shares, one PGP key per share) before any write;
//! a valid form is one confirmed write; the answer's shares and root token go to the once-secrets
//! widget (masked, receipt wipes each, all received leaves no value, `esc` before that needs the
//! typed word); a refusal is shown. Rekey: opening reads the status; the form makes a typed
//! start; shares become one write each with the status's nonce and the input is wiped; the last
//! share shows the new shares once; with verification the verify nonce is used and a failure
//! re-reads it; cancel; `:init` / `:rekey` through the app.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[path = "common/render_app.rs"]
mod render_app;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use strongroom::action::Action;
use strongroom::command::Request;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::ui::screens::init::InitScreen;
use strongroom::ui::screens::rekey::RekeyScreen;
use strongroom::ui::screens::{Effect, Screen, ScreenCtx};
use strongroom::vault::VaultError;
use strongroom::vault::ceremony::InitSecrets;
use strongroom::vault::models::wrapping::SecretText;
use strongroom::vault::rekey::{RekeyReply, RekeyRequest, RekeyStatus};
use strongroom::write_gate::rekey::{REKEY_PHRASE, RekeyMutation};
use strongroom::write_gate::{Mutation, Risk, Write};

const SHARE: &str = "c2hhcmUtb25lLWZpeHR1cmUtdmFsdWU=";
const TOKEN: &str = "s.FIXTUREROOTTOKEN00000000";

/// The fixture cluster, every node saying it is not initialised.
fn uninitialised() -> strongroom::cluster::ClusterState {
    let mut c = health_fixtures::healthy_cluster();
    for n in &mut c.nodes {
        let mut seal = n.seal.value().cloned().unwrap_or_default();
        seal.initialized = false;
        seal.sealed = true;
        n.seal.succeed(seal, health_fixtures::now());
    }
    c
}

fn with_ctx<T>(f: impl FnOnce(&ScreenCtx) -> T) -> T {
    let cluster = uninitialised();
    let ctx = ScreenCtx {
        cluster: &cluster,
        now: health_fixtures::now(),
        body: ratatui::layout::Rect::new(0, 0, 100, 28),
        namespace: None,
    };
    f(&ctx)
}

fn outcome(summary: &str, result: Result<WriteResult, VaultError>) -> WriteOutcome {
    WriteOutcome {
        summary: summary.into(),
        items: vec![ItemResult {
            item: "node".into(),
            result,
        }],
    }
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn backspace() -> KeyEvent {
    KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)
}

fn init_act(s: &mut InitScreen, a: Action) -> Vec<Effect> {
    with_ctx(|ctx| s.on_action(a, ctx)).expect("the screen takes it")
}

fn rekey_act(s: &mut RekeyScreen, a: Action) -> Vec<Effect> {
    with_ctx(|ctx| s.on_action(a, ctx)).expect("the screen takes it")
}

fn set_field(s: &mut InitScreen, field: usize, text: &str) {
    s.field = field;
    init_act(s, Action::EditInput);
    for _ in 0..10 {
        s.on_text_key(backspace());
    }
    for c in text.chars() {
        s.on_text_key(key(c));
    }
    init_act(s, Action::Select);
    assert!(!s.editing);
}

fn secrets(n: usize) -> InitSecrets {
    InitSecrets {
        shares: (1..=n)
            .map(|i| SecretText::from(format!("{SHARE}{i}")))
            .collect(),
        recovery: false,
        root_token: SecretText::from(TOKEN),
    }
}

#[test]
fn the_init_form_is_checked_as_the_server_checks_it() {
    let mut s = InitScreen::new();
    with_ctx(|ctx| s.on_open(ctx));
    assert!(s.addr.is_some());
    for (n, t, keys, err) in [
        ("5", "6", "", "threshold cannot be larger than shares"),
        (
            "3",
            "1",
            "",
            "threshold must be greater than one for multiple shares",
        ),
        (
            "3",
            "2",
            "a,b",
            "2 PGP keys given for 3 shares: one per share",
        ),
        ("x", "2", "", "shares: a whole number"),
    ] {
        set_field(&mut s, 0, n);
        set_field(&mut s, 1, t);
        set_field(&mut s, 2, keys);
        let e = init_act(&mut s, Action::StartInit);
        assert!(e.is_empty(), "no write: {e:?}");
        assert_eq!(s.error.as_deref(), Some(err));
    }
    // One share, threshold one is fine; so are 3 PGP keys for 3 shares.
    set_field(&mut s, 0, "3");
    set_field(&mut s, 1, "2");
    set_field(&mut s, 2, "a, b c");
    set_field(&mut s, 3, "rootkey");
    let e = init_act(&mut s, Action::StartInit);
    match &e[..] {
        [Effect::Write(Write::One(Mutation::Init(m)))] => {
            assert_eq!(m.request.secret_shares, 3);
            assert_eq!(m.request.secret_threshold, 2);
            assert_eq!(
                m.request.pgp_keys.as_deref(),
                Some(&["a".to_string(), "b".into(), "c".into()][..])
            );
            assert_eq!(m.request.root_token_pgp_key.as_deref(), Some("rootkey"));
            assert_eq!(m.spec().risk, Risk::Confirm);
        }
        other => panic!("one init write: {other:?}"),
    }
    assert!(s.error.is_none());
}

#[test]
fn init_shows_the_secrets_once_and_receipt_wipes_them() {
    let mut s = InitScreen::new();
    with_ctx(|ctx| s.on_open(ctx));
    let e = init_act(&mut s, Action::StartInit);
    let summary = match &e[..] {
        [Effect::Write(Write::One(m))] => m.spec().summary,
        other => panic!("{other:?}"),
    };
    s.on_write_done(&outcome(&summary, Ok(WriteResult::Init(secrets(5)))));
    assert_eq!(s.secrets.items().len(), 6);
    assert_eq!(s.secrets.items()[5].label, "root token");
    assert!(!format!("{s:?}").contains(SHARE) && !format!("{s:?}").contains(TOKEN));
    // Copy hands the selected value over; reveal is one at a time.
    let e = init_act(&mut s, Action::CopyOutput);
    assert!(matches!(&e[..], [Effect::Copy { label, .. }] if label == "share 1"));
    init_act(&mut s, Action::RevealOutput);
    assert!(s.secrets.is_revealed(0));
    // esc before all are taken asks for the typed word; another key keeps them.
    init_act(&mut s, Action::Back);
    assert!(s.takes_text() && s.secrets.discard.is_some());
    init_act(&mut s, Action::Back);
    assert!(s.secrets.holds_values());
    for _ in 0..6 {
        init_act(&mut s, Action::ConfirmReceipt);
    }
    assert!(s.secrets.all_received() && !s.secrets.holds_values());
    assert_eq!(
        init_act(&mut s, Action::OpenUnseal),
        vec![Effect::CommandLine("unseal".into())]
    );
    // Back now leaves the screen.
    assert!(with_ctx(|ctx| s.on_action(Action::Back, ctx)).is_none());
}

#[test]
fn init_discard_needs_the_typed_word_and_a_refusal_is_shown() {
    let mut s = InitScreen::new();
    with_ctx(|ctx| s.on_open(ctx));
    s.show(secrets(3));
    init_act(&mut s, Action::ConfirmReceipt);
    init_act(&mut s, Action::Back);
    for c in "discard".chars() {
        s.on_text_key(key(c));
    }
    init_act(&mut s, Action::Select);
    assert!(!s.secrets.holds_values());
    assert_eq!(s.secrets.received_count(), 1);

    let mut s = InitScreen::new();
    with_ctx(|ctx| s.on_open(ctx));
    let e = init_act(&mut s, Action::StartInit);
    let summary = match &e[..] {
        [Effect::Write(Write::One(m))] => m.spec().summary,
        other => panic!("{other:?}"),
    };
    s.on_write_done(&outcome(
        &summary,
        Err(VaultError::Http {
            status: 400,
            errors: vec!["Vault is already initialized".into()],
        }),
    ));
    assert!(
        s.error
            .as_deref()
            .is_some_and(|e| e.contains("already initialized"))
    );
    assert!(s.secrets.is_empty());
}

fn rekey_opened(status: RekeyStatus) -> RekeyScreen {
    let mut s = RekeyScreen::new();
    let e = with_ctx(|ctx| s.on_open(ctx));
    assert!(matches!(
        &e[..],
        [Effect::Fetch {
            request: Request::Rekey(RekeyRequest::Status { .. }),
            ..
        }]
    ));
    s.on_reply(Reply::Rekey(RekeyReply::Status(Ok(status))));
    s
}

fn started(progress: u32, verify: bool) -> RekeyStatus {
    RekeyStatus {
        started: true,
        nonce: "5e0e1234-aaaa".into(),
        progress,
        required: 3,
        n: 5,
        t: 3,
        verification_required: verify,
        ..RekeyStatus::default()
    }
}

fn the_write(e: &[Effect]) -> RekeyMutation {
    match e {
        [Effect::Write(Write::One(Mutation::Rekey(m)))] => m.clone(),
        other => panic!("one rekey write: {other:?}"),
    }
}

fn submit(s: &mut RekeyScreen, share: &str) -> RekeyMutation {
    if !s.entering {
        rekey_act(s, Action::EditInput);
    }
    s.on_paste(share);
    let m = the_write(&rekey_act(s, Action::Select));
    assert!(s.share.0.is_empty(), "wiped at submit");
    m
}

#[test]
fn rekey_start_is_typed_shares_carry_the_nonce_and_the_new_shares_show_once() {
    let mut s = rekey_opened(RekeyStatus::default());
    rekey_act(&mut s, Action::ToggleVerification);
    let m = the_write(&rekey_act(&mut s, Action::StartRekey));
    assert_eq!(m.spec().risk, Risk::Typed(REKEY_PHRASE.into()));
    match &m {
        RekeyMutation::Start { start, .. } => {
            assert_eq!((start.shares, start.threshold), (5, 3));
            assert!(start.require_verification);
        }
        other => panic!("{other:?}"),
    }
    s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::Rekey(started(0, true))),
    ));
    assert!(s.started() && s.entering);
    let m = submit(&mut s, SHARE);
    match &m {
        RekeyMutation::Update { nonce, share, .. } => {
            assert_eq!(nonce, "5e0e1234-aaaa");
            assert_eq!(share.expose(), SHARE);
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{m:?}").contains(SHARE));
    s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::Rekey(started(1, true))),
    ));
    assert_eq!(s.status.as_ref().map(|st| st.progress), Some(1));
    // A wrong share at the threshold: the error is shown and the status read again.
    let m = submit(&mut s, SHARE);
    let e = s.on_write_done(&outcome(
        &m.spec().summary,
        Err(VaultError::Http {
            status: 400,
            errors: vec!["failed to read root key".into()],
        }),
    ));
    assert!(s.error.as_deref().is_some_and(|e| e.contains("root key")));
    assert!(matches!(&e[..], [Effect::Fetch { .. }]));
    // The last share: the new shares, shown once; the verification nonce is kept.
    let m = submit(&mut s, SHARE);
    let done = RekeyStatus {
        complete: true,
        keys: (1..=5)
            .map(|i| SecretText::from(format!("NEWSHARE{i}")))
            .collect(),
        verification_nonce: "verify-0001".into(),
        verification_required: true,
        ..started(3, true)
    };
    s.on_write_done(&outcome(&m.spec().summary, Ok(WriteResult::Rekey(done))));
    assert_eq!(s.secrets.items().len(), 5);
    assert_eq!(s.verify_nonce.as_deref(), Some("verify-0001"));
    assert!(!s.finished && !format!("{s:?}").contains("NEWSHARE"));
    for _ in 0..5 {
        rekey_act(&mut s, Action::ConfirmReceipt);
    }
    assert!(!s.secrets.holds_values());
    // Verification: a new share goes with the verify nonce; a failure re-reads it.
    let m = submit(&mut s, SHARE);
    assert!(matches!(&m, RekeyMutation::Verify { nonce, .. } if nonce == "verify-0001"));
    let e = s.on_write_done(&outcome(
        &m.spec().summary,
        Err(VaultError::Http {
            status: 400,
            errors: vec!["duplicate part detected".into()],
        }),
    ));
    assert!(e.iter().any(|e| matches!(
        e,
        Effect::Fetch {
            request: Request::Rekey(RekeyRequest::VerifyStatus { .. }),
            ..
        }
    )));
    s.on_reply(Reply::Rekey(RekeyReply::VerifyStatus(Ok(RekeyStatus {
        started: true,
        nonce: "verify-0002".into(),
        t: 3,
        ..RekeyStatus::default()
    }))));
    assert_eq!(s.verify_nonce.as_deref(), Some("verify-0002"));
    let m = submit(&mut s, SHARE);
    s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::Rekey(RekeyStatus {
            complete: true,
            ..RekeyStatus::default()
        })),
    ));
    assert!(s.finished && s.verify_nonce.is_none());
}

#[test]
fn rekey_cancel_is_confirmed_and_the_form_is_checked() {
    let mut s = rekey_opened(started(2, false));
    let m = the_write(&rekey_act(&mut s, Action::CancelRekey));
    assert!(matches!(m, RekeyMutation::Cancel { .. }));
    assert_eq!(m.spec().risk, Risk::Confirm);
    s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::Rekey(RekeyStatus::default())),
    ));
    s.on_reply(Reply::Rekey(RekeyReply::Status(Ok(RekeyStatus::default()))));
    assert!(!s.started());
    // Nothing to cancel now.
    assert!(matches!(
        &rekey_act(&mut s, Action::CancelRekey)[..],
        [Effect::Toast(..)]
    ));
    // A form the server would refuse makes no write.
    s.fields[1] = strongroom::input::LineInput::with_text("9");
    assert!(rekey_act(&mut s, Action::StartRekey).is_empty());
    assert_eq!(
        s.error.as_deref(),
        Some("threshold cannot be larger than shares")
    );
}

#[test]
fn the_commands_open_the_screens() {
    let mut app = render_app::app_with(Screen::Health(Default::default()));
    for (line, title) in [("init", "Initialise"), ("rekey", "Rekey")] {
        app.update(strongroom::event::Msg::Key(key(':')));
        for c in line.chars() {
            app.update(strongroom::event::Msg::Key(key(c)));
        }
        app.update(strongroom::event::Msg::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE,
        )));
        assert_eq!(app.screen().title(), title);
    }
}
