//! Render snapshots of the generate-root screen at each step: reading the status, no attempt,
//! the share input open (a typed share draws nothing of itself), progress with an error, the new
//! token masked and revealed, a PGP-encrypted token, the PGP key input, and the legacy
//! endpoints; at 100×30 and 60×16. The OTP is never drawn; a masked token never shows its text.
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
use strongroom::ui::screens::generate_root::{Entry, GenerateRootScreen, Outcome};
use strongroom::vault::generate_root::GenerateRootStatus;
use strongroom::vault::models::wrapping::SecretText;

const TOKEN: &str = "s.FIXTUREROOTTOKEN00000000";
const OTP: &str = "FIXTUREotp0123456789abcdef";
const SHARE: &str = "c2hhcmUtZml4dHVyZQ==";

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    screen_text::text(term.backend().buffer())
}

fn snap(name: &str, screen: GenerateRootScreen) -> String {
    let app = render_app::app_with(Screen::GenerateRoot(Box::new(screen)));
    let mut big = String::new();
    for (w, h) in [(100, 30), (60, 16)] {
        let t = draw(&app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
        assert!(!t.contains(OTP), "the OTP is never drawn");
        assert!(!t.contains(SHARE), "a share is never drawn");
        if w == 100 {
            big = t;
        }
    }
    big
}

fn base() -> GenerateRootScreen {
    GenerateRootScreen {
        addr: Some(health_fixtures::addrs()[0].clone()),
        ..GenerateRootScreen::new()
    }
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

#[test]
fn reading_the_status() {
    let t = snap(
        "genroot_loading",
        GenerateRootScreen {
            loading: true,
            ..base()
        },
    );
    assert!(t.contains("reading…"), "{t}");
}

#[test]
fn no_attempt() {
    let t = snap(
        "genroot_idle",
        GenerateRootScreen {
            status: Some(idle()),
            ..base()
        },
    );
    assert!(t.contains("none in progress"), "{t}");
}

#[test]
fn share_input_open_with_a_typed_share() {
    let mut s = GenerateRootScreen {
        status: Some(started(1)),
        otp: Some(SecretText::from(OTP)),
        entry: Entry::Share,
        ..base()
    };
    s.share.0.paste(SHARE);
    let t = snap("genroot_share_input", s);
    assert!(t.contains("1 of 3 shares") && t.contains("18ef0123"), "{t}");
    assert!(!t.contains("18ef0123-4567"), "the nonce in short form: {t}");
    assert!(t.contains("held by this console"), "{t}");
}

#[test]
fn progress_back_to_zero_with_the_servers_error() {
    let t = snap(
        "genroot_wrong_share",
        GenerateRootScreen {
            status: Some(started(0)),
            otp: Some(SecretText::from(OTP)),
            error: Some(
                "server error 500: root generation aborted: unable to authenticate: \
                 cipher: message authentication failed"
                    .into(),
            ),
            ..base()
        },
    );
    assert!(t.contains("0 of 3 shares"), "{t}");
}

fn done(revealed: bool) -> GenerateRootScreen {
    GenerateRootScreen {
        status: Some(GenerateRootStatus {
            complete: true,
            ..started(3)
        }),
        outcome: Some(Outcome::Token(SecretText::from(TOKEN))),
        revealed,
        submitted: 3,
        ..base()
    }
}

#[test]
fn the_new_token_masked() {
    let t = snap("genroot_token_masked", done(false));
    assert!(!t.contains(TOKEN), "{t}");
    assert!(t.contains("shown once"), "{t}");
}

#[test]
fn the_new_token_revealed() {
    let t = snap("genroot_token_revealed", done(true));
    assert!(t.contains(TOKEN), "{t}");
}

#[test]
fn a_pgp_encrypted_token() {
    let t = snap(
        "genroot_pgp_done",
        GenerateRootScreen {
            status: Some(GenerateRootStatus {
                complete: true,
                pgp_fingerprint: "816938b8a29146fbe245dd29e7cbaf8e011db793".into(),
                ..started(3)
            }),
            outcome: Some(Outcome::Encoded {
                encoded: SecretText::from("wcBMA-fixture-encrypted"),
                pgp_fingerprint: "816938b8a29146fbe245dd29e7cbaf8e011db793".into(),
            }),
            ..base()
        },
    );
    assert!(!t.contains("wcBMA-fixture"), "{t}");
    assert!(
        t.contains("816938b8a29146fbe245dd29e7cbaf8e011db793"),
        "{t}"
    );
}

#[test]
fn the_pgp_key_input() {
    let mut s = GenerateRootScreen {
        status: Some(idle()),
        entry: Entry::PgpKey,
        ..base()
    };
    s.pgp_key.insert_str("mQENBGV0ZXN0AQgAxyz");
    snap("genroot_pgp_input", s);
}

#[test]
fn legacy_endpoints_in_progress_waiting() {
    let t = snap(
        "genroot_legacy_waiting",
        GenerateRootScreen {
            status: Some(GenerateRootStatus {
                legacy: true,
                ..started(2)
            }),
            awaiting: Some("submit a root generation share".into()),
            ..base()
        },
    );
    assert!(t.contains("legacy"), "{t}");
    assert!(t.contains("started elsewhere"), "{t}");
}

#[test]
fn help_lists_the_screens_keys_from_the_keymap() {
    let mut app = render_app::app_with(Screen::GenerateRoot(Box::new(GenerateRootScreen {
        status: Some(idle()),
        ..base()
    })));
    app.update(strongroom::event::Msg::Key(
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('?'),
            crossterm::event::KeyModifiers::NONE,
        ),
    ));
    let t = draw(&app, 140, 60);
    for name in [
        "start_root_generation",
        "start_root_generation_pgp",
        "cancel_root_generation",
    ] {
        assert!(
            t.contains(name)
                || t.contains(
                    strongroom::action::Action::from_name(name)
                        .expect("action")
                        .description()
                ),
            "help misses {name}: {t}"
        );
    }
}
