//! Update flows of the generate-root screen: opening reads the status; `s` makes an OTP of the
//! server's length and starts through the gate (an abandoned start wipes it); shares typed into
//! the hidden input become one write each and the input is wiped; a failed share re-reads the
//! status; the last share decodes the token with the OTP (then wiped) and shows it once; `esc`
//! wipes it; cancel and PGP; `:generate-root` and the keymap through the app.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[path = "common/render_app.rs"]
mod render_app;

use base64::Engine;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use strongroom::action::Action;
use strongroom::app::Mode;
use strongroom::command::{Command, Request};
use strongroom::event::Msg;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::ui::screens::generate_root::{Entry, GenerateRootScreen, Outcome};
use strongroom::ui::screens::{Effect, Screen, ScreenCtx};
use strongroom::vault::VaultError;
use strongroom::vault::generate_root::{
    GenerateRootReply, GenerateRootRequest, GenerateRootStatus,
};
use strongroom::vault::models::wrapping::SecretText;
use strongroom::write_gate::generate_root::GenerateRootMutation;
use strongroom::write_gate::{Mutation, Write};

const SHARE: &str = "c2hhcmUtb25lLWZpeHR1cmUtdmFsdWU=";
const TOKEN: &str = "s.FIXTUREROOTTOKEN00000000";

fn ctx_cluster() -> strongroom::cluster::ClusterState {
    health_fixtures::healthy_cluster()
}

fn with_ctx<T>(f: impl FnOnce(&ScreenCtx) -> T) -> T {
    let cluster = ctx_cluster();
    let ctx = ScreenCtx {
        cluster: &cluster,
        now: health_fixtures::now(),
        body: ratatui::layout::Rect::new(0, 0, 100, 28),
        namespace: None,
    };
    f(&ctx)
}

fn idle() -> GenerateRootStatus {
    GenerateRootStatus {
        required: 3,
        otp_length: 26,
        ..GenerateRootStatus::default()
    }
}

fn started(progress: u32) -> GenerateRootStatus {
    GenerateRootStatus {
        started: true,
        nonce: "18ef0123-4567-89ab-cdef-0123456789ab".into(),
        progress,
        ..idle()
    }
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

fn act(s: &mut GenerateRootScreen, a: Action) -> Vec<Effect> {
    with_ctx(|ctx| s.on_action(a, ctx)).expect("the screen takes it")
}

fn the_write(effects: &[Effect]) -> GenerateRootMutation {
    match effects {
        [Effect::Write(Write::One(Mutation::GenerateRoot(m)))] => m.clone(),
        other => panic!("not one generate-root write: {other:?}"),
    }
}

/// A screen that read an idle status.
fn opened() -> GenerateRootScreen {
    let mut s = GenerateRootScreen::new();
    let fx = with_ctx(|ctx| s.on_open(ctx));
    assert!(
        matches!(
            &fx[..],
            [Effect::Fetch {
                request: Request::GenerateRoot(GenerateRootRequest::Status { .. }),
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(s.loading);
    s.on_reply(Reply::GenerateRoot(GenerateRootReply::Status(Ok(idle()))));
    assert!(!s.loading);
    s
}

/// Opened, `s` pressed and the start answered.
fn in_progress() -> (GenerateRootScreen, SecretText) {
    let mut s = opened();
    let m = the_write(&act(&mut s, Action::StartRootGeneration));
    let GenerateRootMutation::Start {
        otp: Some(otp),
        pgp_key: None,
        ..
    } = &m
    else {
        panic!("a start with an OTP: {m:?}")
    };
    let otp = otp.clone();
    let done = s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::GenerateRoot(started(0))),
    ));
    assert!(done.is_empty());
    (s, otp)
}

fn encode(token: &str, otp: &str) -> String {
    let x: Vec<u8> = token.bytes().zip(otp.bytes()).map(|(a, b)| a ^ b).collect();
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(x)
}

fn type_share(s: &mut GenerateRootScreen, text: &str) {
    for c in text.chars() {
        s.on_text_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

#[test]
fn start_makes_an_otp_of_the_servers_length_held_until_used() {
    let mut s = opened();
    let fx = act(&mut s, Action::StartRootGeneration);
    let m = the_write(&fx);
    let GenerateRootMutation::Start { otp: Some(otp), .. } = &m else {
        panic!("{m:?}")
    };
    assert_eq!(otp.chars(), 26);
    assert!(otp.expose().chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(s.otp.as_ref(), Some(otp), "held by the screen");
    assert_eq!(m.spec().risk, strongroom::write_gate::Risk::Confirm);
    assert!(
        !format!("{fx:?}{s:?}").contains(otp.expose()),
        "never in a Debug"
    );
    // The gate refused: the OTP that was never sent is wiped.
    s.write_abandoned();
    assert!(s.otp.is_none() && s.awaiting.is_none());
    // A second start makes another OTP.
    let m2 = the_write(&act(&mut s, Action::StartRootGeneration));
    let GenerateRootMutation::Start {
        otp: Some(otp2), ..
    } = &m2
    else {
        panic!("{m2:?}")
    };
    assert_ne!(otp, otp2);
}

#[test]
fn a_start_while_one_is_in_progress_or_before_the_status_is_refused() {
    let mut s = GenerateRootScreen::new();
    assert!(matches!(
        &act(&mut s, Action::StartRootGeneration)[..],
        [Effect::Toast(..)]
    ));
    let (mut s, _) = in_progress();
    let fx = act(&mut s, Action::StartRootGeneration);
    assert!(
        matches!(&fx[..], [Effect::Toast(t, _)] if t.contains("in progress")),
        "{fx:?}"
    );
    let mut idle_screen = opened();
    let fx = act(&mut idle_screen, Action::CancelRootGeneration);
    assert!(
        matches!(&fx[..], [Effect::Toast(t, _)] if t.contains("no attempt")),
        "{fx:?}"
    );
}

#[test]
fn shares_go_one_write_each_and_the_input_is_wiped() {
    let (mut s, _) = in_progress();
    assert_eq!(s.entry, Entry::Share, "ready for shares after the start");
    assert!(s.takes_text());
    type_share(&mut s, SHARE);
    assert!(!format!("{s:?}").contains(SHARE));
    let m = the_write(&act(&mut s, Action::Select));
    match &m {
        GenerateRootMutation::Update { share, nonce, .. } => {
            assert_eq!(share.expose(), SHARE);
            assert_eq!(nonce, "18ef0123-4567-89ab-cdef-0123456789ab");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.spec().risk, strongroom::write_gate::Risk::Safe);
    assert!(s.share.0.is_empty(), "wiped at submit");
    // A second enter while waiting is refused.
    s.on_paste(SHARE);
    assert!(matches!(
        &act(&mut s, Action::Select)[..],
        [Effect::Toast(..)]
    ));
    s.share.0.clear();
    s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::GenerateRoot(started(1))),
    ));
    assert_eq!(s.status.as_ref().map(|st| st.progress), Some(1));
    assert_eq!(s.submitted, 1);
    // An empty input is not sent.
    assert!(matches!(
        &act(&mut s, Action::Select)[..],
        [Effect::Toast(..)]
    ));
}

#[test]
fn a_refused_share_shows_the_error_and_reads_the_status_again() {
    let (mut s, otp) = in_progress();
    s.on_paste(SHARE);
    let m = the_write(&act(&mut s, Action::Select));
    let fx = s.on_write_done(&outcome(
        &m.spec().summary,
        Err(VaultError::Server {
            status: 500,
            errors: vec!["root generation aborted: unable to authenticate".into()],
        }),
    ));
    assert!(
        matches!(
            &fx[..],
            [Effect::Fetch {
                request: Request::GenerateRoot(_),
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(
        s.error
            .as_deref()
            .is_some_and(|e| e.contains("unable to authenticate"))
    );
    assert_eq!(
        s.otp.as_ref(),
        Some(&otp),
        "the attempt goes on: the OTP is kept"
    );
    s.on_reply(Reply::GenerateRoot(GenerateRootReply::Status(Ok(started(
        0,
    )))));
    assert!(s.started());
    assert_eq!(s.otp.as_ref(), Some(&otp));
}

#[test]
fn the_last_share_decodes_the_token_shows_it_once_and_esc_wipes_it() {
    let (mut s, otp) = in_progress();
    s.on_paste(SHARE);
    let m = the_write(&act(&mut s, Action::Select));
    let done = GenerateRootStatus {
        complete: true,
        progress: 3,
        encoded_token: Some(SecretText::from(encode(TOKEN, otp.expose()))),
        ..started(3)
    };
    s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::GenerateRoot(done)),
    ));
    assert_eq!(s.outcome, Some(Outcome::Token(SecretText::from(TOKEN))));
    assert!(s.otp.is_none(), "the OTP is wiped once used");
    assert_eq!(s.entry, Entry::None);
    assert!(
        s.status
            .as_ref()
            .is_some_and(|st| st.encoded_token.is_none()),
        "the encoded token is not kept in the status"
    );
    assert!(!format!("{s:?}").contains(TOKEN));
    assert_eq!(
        strongroom::ui::screens::generate_root::hints(&s),
        &[Action::RevealOutput, Action::CopyOutput, Action::Back]
    );
    act(&mut s, Action::RevealOutput);
    assert!(s.revealed);
    let fx = act(&mut s, Action::CopyOutput);
    assert!(
        matches!(&fx[..], [Effect::Copy { label, .. }] if label == "new root token"),
        "{fx:?}"
    );
    // esc: the token is wiped; the next esc leaves the screen.
    act(&mut s, Action::Back);
    assert!(s.outcome.is_none() && !s.revealed);
    assert!(with_ctx(|ctx| s.on_action(Action::Back, ctx)).is_none());
}

#[test]
fn cancel_is_confirmed_and_forgets_the_otp() {
    let (mut s, _) = in_progress();
    act(&mut s, Action::Back); // stop typing
    let m = the_write(&act(&mut s, Action::CancelRootGeneration));
    assert!(matches!(m, GenerateRootMutation::Cancel { .. }));
    assert_eq!(m.spec().risk, strongroom::write_gate::Risk::Confirm);
    let fx = s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::GenerateRoot(GenerateRootStatus::default())),
    ));
    assert!(matches!(&fx[..], [Effect::Fetch { .. }]), "{fx:?}");
    assert!(s.otp.is_none());
}

#[test]
fn pgp_start_sends_the_key_and_shows_the_encrypted_token() {
    let mut s = opened();
    act(&mut s, Action::StartRootGenerationPgp);
    assert_eq!(s.entry, Entry::PgpKey);
    s.on_paste("  bXFJTkJGZ3VZ\nQUJBQUFB  ");
    let m = the_write(&act(&mut s, Action::Select));
    let GenerateRootMutation::Start {
        otp: None,
        pgp_key: Some(k),
        ..
    } = &m
    else {
        panic!("{m:?}")
    };
    assert_eq!(k, "bXFJTkJGZ3VZQUJBQUFB");
    assert!(s.otp.is_none());
    let pgp = GenerateRootStatus {
        pgp_fingerprint: "816938b8a29146fbe245dd29e7cbaf8e011db793".into(),
        ..started(0)
    };
    s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::GenerateRoot(pgp.clone())),
    ));
    s.on_paste(SHARE);
    let m = the_write(&act(&mut s, Action::Select));
    let done = GenerateRootStatus {
        complete: true,
        encoded_token: Some(SecretText::from("wcBMA-encrypted")),
        ..pgp
    };
    s.on_write_done(&outcome(
        &m.spec().summary,
        Ok(WriteResult::GenerateRoot(done)),
    ));
    match &s.outcome {
        Some(Outcome::Encoded {
            encoded,
            pgp_fingerprint,
        }) => {
            assert_eq!(encoded.expose(), "wcBMA-encrypted");
            assert_eq!(pgp_fingerprint, "816938b8a29146fbe245dd29e7cbaf8e011db793");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_attempt_cancelled_elsewhere_drops_the_otp() {
    let (mut s, _) = in_progress();
    s.on_reply(Reply::GenerateRoot(GenerateRootReply::Status(Ok(idle()))));
    assert!(s.otp.is_none());
    assert_eq!(s.entry, Entry::None);
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

#[test]
fn the_command_opens_the_screen_and_s_asks_the_gate() {
    let mut app = render_app::app_with(Screen::Health(Default::default()));
    app.update(key(':'));
    for c in "generate-root".chars() {
        app.update(key(c));
    }
    let cmds = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert!(matches!(app.screen(), Screen::GenerateRoot(_)));
    assert!(
        cmds.iter().any(|c| matches!(
            c,
            Command::Fetch {
                request: Request::GenerateRoot(_),
                ..
            }
        )),
        "{cmds:?}"
    );
    if let Screen::GenerateRoot(s) = app.screen_mut() {
        s.on_reply(Reply::GenerateRoot(GenerateRootReply::Status(Ok(idle()))));
    }
    let cmds = app.update(key('s'));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Confirm, "the gate asks");
    let cmds = app.update(key('y'));
    assert!(matches!(&cmds[..], [Command::Write { .. }]), "{cmds:?}");
    // Typing goes to the hidden input once a share is asked for.
    if let Screen::GenerateRoot(s) = app.screen_mut() {
        s.status = Some(started(0));
        s.awaiting = None;
        s.entry = Entry::Share;
    }
    for c in "Xsp".chars() {
        assert!(app.update(key(c)).is_empty());
    }
    let Screen::GenerateRoot(s) = app.screen() else {
        panic!("the screen")
    };
    assert!(!s.share.0.is_empty(), "X, s, p typed into the share");
}
