//! Render snapshots of the init and rekey screens at each step: the init form (Shamir and
//! recovery), a refused form, the secrets shown once (masked; one revealed; some received), the
//! typed discard prompt, all received; the rekey status read, the form, a rekey in progress with
//! the hidden share input, an error, the new shares with verification pending, done. At 100×30
//! and 60×16. A masked value never shows its text; a typed share draws nothing of itself.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[path = "common/render_app.rs"]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::app::App;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::init::InitScreen;
use strongroom::ui::screens::rekey::RekeyScreen;
use strongroom::ui::widgets::once_secrets::OnceSecrets;
use strongroom::vault::ceremony::InitSecrets;
use strongroom::vault::models::wrapping::SecretText;
use strongroom::vault::rekey::RekeyStatus;

const SHARE: &str = "c2hhcmUtZml4dHVyZQ";
const TOKEN: &str = "s.FIXTUREROOTTOKEN00000000";
const TYPED: &str = "dHlwZWQtc2hhcmU=";

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    screen_text::text(term.backend().buffer())
}

fn snap(name: &str, screen: Screen) -> String {
    let app = render_app::app_with(screen);
    let mut big = String::new();
    for (w, h) in [(100, 30), (60, 16)] {
        let t = draw(&app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
        assert!(!t.contains(TYPED), "a typed share is never drawn");
        assert!(!t.contains(SHARE) && !t.contains(TOKEN), "masked");
        if w == 100 {
            big = t;
        }
    }
    big
}

fn addr() -> Option<String> {
    Some(health_fixtures::addrs()[0].clone())
}

fn init_base() -> InitScreen {
    InitScreen {
        addr: addr(),
        ..InitScreen::new()
    }
}

fn secrets() -> InitSecrets {
    InitSecrets {
        shares: (1..=5)
            .map(|i| SecretText::from(format!("{SHARE}{i}")))
            .collect(),
        recovery: false,
        root_token: SecretText::from(TOKEN),
    }
}

fn init(s: InitScreen) -> Screen {
    Screen::Init(Box::new(s))
}

#[test]
fn init_form() {
    let t = snap("init_form", init(init_base()));
    assert!(t.contains("Shamir") && t.contains("threshold"));
    let mut s = init_base();
    s.recovery = true;
    s.field = 2;
    s.editing = true;
    s.fields[2] = strongroom::input::LineInput::with_text("a2V5MQ==,a2V5Mg==");
    let t = snap("init_form_recovery_editing", init(s));
    assert!(t.contains("recovery shares"));
    let mut s = init_base();
    s.error = Some("threshold cannot be larger than shares".into());
    let t = snap("init_form_error", init(s));
    assert!(t.contains("threshold cannot be larger"));
}

#[test]
fn init_secrets_shown_once() {
    let mut s = init_base();
    s.show(secrets());
    let t = snap("init_secrets_masked", init(s.clone()));
    assert!(t.contains("share 5") && t.contains("root token"));
    s.secrets.toggle_reveal();
    // Revealed: drawn, but not kept in a snapshot file (snapshots hold no share).
    let t = draw(&render_app::app_with(init(s.clone())), 100, 30);
    assert!(t.contains(&format!("{SHARE}1")) && !t.contains(&format!("{SHARE}2")));
    s.secrets.receive();
    s.secrets.receive();
    let t = snap("init_secrets_two_received", init(s.clone()));
    assert!(t.contains("2 of 6 received"));
    s.secrets.begin_discard();
    let t = snap("init_secrets_discard_prompt", init(s.clone()));
    assert!(t.contains("type discard"));
    let mut all = init_base();
    all.show(secrets());
    for _ in 0..6 {
        all.secrets.receive();
    }
    all.secrets.wipe();
    let t = snap("init_secrets_all_received", init(all));
    assert!(t.contains("6 of 6 received") && t.contains(":unseal"));
}

fn rekey_base() -> RekeyScreen {
    RekeyScreen {
        addr: addr(),
        ..RekeyScreen::new()
    }
}

fn started(progress: u32) -> RekeyStatus {
    RekeyStatus {
        started: true,
        nonce: "5e0e1234-aaaa-bbbb".into(),
        progress,
        required: 3,
        n: 5,
        t: 3,
        ..RekeyStatus::default()
    }
}

fn rekey(s: RekeyScreen) -> Screen {
    Screen::Rekey(Box::new(s))
}

#[test]
fn rekey_steps() {
    let mut s = rekey_base();
    s.loading = true;
    let t = snap("rekey_loading", rekey(s));
    assert!(t.contains("reading"));
    let mut s = rekey_base();
    s.status = Some(RekeyStatus {
        required: 3,
        ..RekeyStatus::default()
    });
    s.require_verification = true;
    let t = snap("rekey_form", rekey(s));
    assert!(t.contains("none in progress") && t.contains("verify new shares"));
    let mut s = rekey_base();
    s.status = Some(started(1));
    s.entering = true;
    s.share.0.paste(TYPED);
    let t = snap("rekey_share_input", rekey(s.clone()));
    assert!(t.contains("1 of 3 current shares") && t.contains("5e0e1234"));
    assert!(!t.contains("5e0e1234-aaaa"), "the nonce's short form");
    s.entering = false;
    s.share.0.clear();
    s.status = Some(started(0));
    s.error = Some("request rejected (400): failed to read root key".into());
    let t = snap("rekey_wrong_share", rekey(s));
    assert!(t.contains("0 of 3") && t.contains("failed to read root key"));
    let mut s = rekey_base();
    s.status = Some(RekeyStatus {
        complete: true,
        verification_required: true,
        ..started(3)
    });
    s.secrets = OnceSecrets::new(
        (1..=5)
            .map(|i| {
                (
                    format!("new share {i}"),
                    SecretText::from(format!("{SHARE}{i}")),
                )
            })
            .collect(),
    );
    s.verify_nonce = Some("verify-0001-2222".into());
    s.verify_progress = (0, 3);
    let t = snap("rekey_verification_pending", rekey(s));
    assert!(t.contains("waiting for verification") && t.contains("new share 5"));
    let mut s = rekey_base();
    s.status = Some(RekeyStatus::default());
    s.finished = true;
    let t = snap("rekey_done", rekey(s));
    assert!(t.contains("done"));
}
