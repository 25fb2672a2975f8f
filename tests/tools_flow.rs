//! Update flows of the tools screen and the clipboard: `Effect::Copy` becomes `Command::Copy`
//! with the configured `clear_after`, the toast counts down and goes; `off` copies nothing;
//! typing goes to the masked input (even keys bound to actions); submissions become requests
//! or writes through the gate; a write's outcome reaches the waiting screen.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pretty_assertions::assert_eq;

use strongroom::app::{App, AppInit, Mode};
use strongroom::clipboard::{ClipboardMode, ClipboardSettings, CopyText};
use strongroom::command::{Command, Request};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::tools::{Output, Tool, ToolsScreen};
use strongroom::vault::models::tools::RandomFormat;
use strongroom::vault::models::wrapping::{SecretText, Unwrapped, WrapInfo};
use strongroom::vault::tools::{ToolsReply, ToolsRequest};
use strongroom::write_gate::{Mutation, Write};

const A: &str = "http://127.0.0.1:8210";

fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_393_047, 0).single().expect("time")
}

fn app() -> App {
    let p = ConnectionProfile::new("main", vec![A.to_string()]);
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
    app.clipboard = ClipboardSettings {
        mode: ClipboardMode::Osc52,
        clear_after: Duration::from_secs(7),
    };
    app
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn tools(app: &App) -> &ToolsScreen {
    match app.screen() {
        Screen::Tools(s) => s,
        other => panic!("not the tools screen: {}", other.title()),
    }
}

/// The Fetch of a tools request, and its ticket for the reply.
fn tools_fetch(cmds: &[Command]) -> (strongroom::command::Ticket, ToolsRequest) {
    cmds.iter()
        .find_map(|c| match c {
            Command::Fetch {
                ticket,
                request: Request::Tools(r),
            } => Some((ticket.clone(), r.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no tools request in {cmds:?}"))
}

#[test]
fn random_then_reveal_then_copy_with_the_configured_clear_time_and_a_countdown() {
    let mut app = app();
    let cmds = app.run_command("random 16 hex");
    let (ticket, req) = tools_fetch(&cmds);
    assert_eq!(
        req,
        ToolsRequest::Random {
            addr: A.into(),
            bytes: 16,
            format: RandomFormat::Hex
        }
    );
    let bytes = SecretText::from("00112233445566778899aabbccddeeff");
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Tools(ToolsReply::Random(Ok(bytes.clone()))),
    });
    assert_eq!(tools(&app).output, Output::Random(bytes.clone()));
    assert!(!tools(&app).revealed);
    app.update(ch('r'));
    assert!(tools(&app).revealed);
    let cmds = app.update(ch('c'));
    assert_eq!(
        cmds,
        vec![Command::Copy {
            label: "random bytes".into(),
            text: CopyText::new(bytes.secret().clone()),
            clear_after: Duration::from_secs(7),
        }]
    );
    let countdown = app.copy_countdown.clone().expect("a countdown");
    assert_eq!(
        countdown.text(app.now),
        "copied random bytes · clears in 7 s"
    );
    app.dirty = false;
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(3)));
    assert!(app.dirty, "redrawn while the countdown shows");
    assert_eq!(
        countdown.text(app.now),
        "copied random bytes · clears in 4 s"
    );
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(8)));
    assert_eq!(app.copy_countdown, None, "gone once cleared");
    // The secret never shows in the commands' Debug.
    assert!(!format!("{cmds:?}").contains("0011223344"));
}

#[test]
fn off_mode_copies_nothing_and_says_so() {
    let mut app = app();
    app.clipboard.mode = ClipboardMode::Off;
    assert!(
        app.run_command("random").is_empty(),
        "opens with its input: 32 base64"
    );
    let (ticket, req) = tools_fetch(&app.update(key(KeyCode::Enter)));
    assert!(matches!(
        req,
        ToolsRequest::Random {
            bytes: 32,
            format: RandomFormat::Base64,
            ..
        }
    ));
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Tools(ToolsReply::Random(Ok(SecretText::from("abc")))),
    });
    assert!(app.update(ch('c')).is_empty());
    assert!(app.copy_countdown.is_none());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("copying is off")),
        "{:?}",
        app.toasts
    );
}

#[test]
fn typing_goes_to_the_masked_token_input_and_enter_unwraps() {
    let mut app = app();
    app.run_command("unwrap");
    assert_eq!(tools(&app).tool, Tool::Unwrap);
    // `q`, `r`, `c` and `?` are bound to actions: while typing they are text.
    for c in "s.qrc?".chars() {
        assert!(app.update(ch(c)).is_empty());
    }
    app.update(Msg::Paste("XYZ\n".into()));
    assert!(!app.quit);
    assert_eq!(app.mode, Mode::Normal);
    let cmds = app.update(key(KeyCode::Enter));
    let (ticket, req) = tools_fetch(&cmds);
    assert_eq!(
        req,
        ToolsRequest::Unwrap {
            addr: A.into(),
            token: SecretText::from("s.qrc?XYZ"),
        }
    );
    assert!(tools(&app).token.0.is_empty(), "the token is used once");
    let data =
        Unwrapped::from_answer(&serde_json::json!({"data": {"password": "pw-1", "user": "app"}}));
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Tools(ToolsReply::Unwrap(Ok(data))),
    });
    app.update(key(KeyCode::Down));
    let cmds = app.update(ch('c'));
    assert!(
        matches!(&cmds[..], [Command::Copy { label, text, .. }] if label == "unwrapped user" && *text == CopyText::from("app".to_string())),
        "{cmds:?}"
    );
    let cmds = app.update(ch('C'));
    assert!(
        matches!(&cmds[..], [Command::Copy { label, text, .. }]
            if label == "unwrapped data as JSON"
            && *text == CopyText::from("{\n  \"password\": \"pw-1\",\n  \"user\": \"app\"\n}".to_string())),
        "{cmds:?}"
    );
    // `e` types again; esc stops typing; esc again leaves.
    app.update(ch('e'));
    assert!(tools(&app).editing);
    app.update(key(KeyCode::Esc));
    assert!(!tools(&app).editing);
    app.update(key(KeyCode::Esc));
    assert!(!matches!(app.screen(), Screen::Tools(_)));
}

#[test]
fn rewrap_goes_through_the_gate_and_its_new_token_reaches_the_screen() {
    let mut app = app();
    app.run_command("rewrap");
    app.update(Msg::Paste("s.oldtoken".into()));
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(app.mode, Mode::Confirm);
    let cmds = app.update(ch('y'));
    let Some(Command::Write { ticket, write }) = cmds.first().cloned() else {
        panic!("no write: {cmds:?}")
    };
    assert_eq!(
        write,
        Write::One(Mutation::Rewrap {
            addr: A.into(),
            token: SecretText::from("s.oldtoken"),
        })
    );
    let info = WrapInfo {
        token: SecretText::from("s.newtoken"),
        accessor: "acc".into(),
        ttl: 300,
        creation_time: "2026-11-23T10:00:00Z".into(),
        creation_path: "sys/wrapping/wrap".into(),
    };
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Write(WriteOutcome {
            summary: "rewrap a wrapping token".into(),
            items: vec![ItemResult {
                item: "wrapping token".into(),
                result: Ok(WriteResult::Wrapped(info.clone())),
            }],
        }),
    });
    assert_eq!(tools(&app).output, Output::Token(info));
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == "rewrap a wrapping token")
    );
}

#[test]
fn cancelling_the_confirmation_stops_waiting() {
    let mut app = app();
    app.run_command("rewrap");
    app.update(Msg::Paste("s.tok".into()));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Confirm);
    app.update(ch('n'));
    assert_eq!(tools(&app).output, Output::None);
    assert!(tools(&app).editing);
}

#[test]
fn bad_arguments_are_toasts_and_tab_cycles_the_tools() {
    let mut app = app();
    assert!(app.run_command("hash md5").is_empty());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("unknown hash algorithm \"md5\""))
    );
    assert!(app.run_command("random 5000").is_empty());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("random takes a byte count"))
    );
    app.run_command("hash sha3-256");
    assert_eq!(tools(&app).hash_algorithm, "sha3-256");
    for c in "abc".chars() {
        app.update(ch(c));
    }
    let (_, req) = tools_fetch(&app.update(key(KeyCode::Enter)));
    assert_eq!(
        req,
        ToolsRequest::Hash {
            addr: A.into(),
            algorithm: "sha3-256".into(),
            input: SecretText::from("abc"),
        }
    );
    app.update(ch('e'));
    app.update(key(KeyCode::Tab));
    assert_eq!(tools(&app).tool, Tool::Unwrap);
    app.update(key(KeyCode::BackTab));
    assert_eq!(tools(&app).tool, Tool::Hash);
    // One tools screen: `:tools` again keeps it.
    let depth = app.screens.len();
    app.run_command("wrap-lookup");
    assert_eq!(app.screens.len(), depth);
    assert_eq!(tools(&app).tool, Tool::Lookup);
}

#[test]
fn the_environment_overrides_the_clipboard_mode_of_the_file() {
    use clap::Parser;
    use strongroom::config::{Env, parse_config, resolve};
    let cli = strongroom::cli::Cli::parse_from(["strongroom"]);
    let file = parse_config(
        "[clipboard]\nmode = \"system\"\nclear_after = \"45s\"\n",
        "c.toml",
    )
    .expect("valid");
    let s = resolve(&cli, &Env::default(), Some(&file), None).expect("resolve");
    assert_eq!(s.clipboard.mode, ClipboardMode::System);
    assert_eq!(s.clipboard.clear_after, Duration::from_secs(45));
    let env = Env::from_pairs(&[("STRONGROOM_CLIPBOARD", "off")]);
    let s = resolve(&cli, &env, Some(&file), None).expect("resolve");
    assert_eq!(s.clipboard.mode, ClipboardMode::Off);
    assert_eq!(s.clipboard.clear_after, Duration::from_secs(45));
    let env = Env::from_pairs(&[("STRONGROOM_CLIPBOARD", "pbcopy")]);
    let s = resolve(&cli, &env, Some(&file), None).expect("resolve");
    assert_eq!(
        s.clipboard.mode,
        ClipboardMode::System,
        "a bad value keeps the file's"
    );
    assert!(
        s.warnings.iter().any(|w| w
            == "STRONGROOM_CLIPBOARD=pbcopy is not one of auto, system, osc52, off; using system"),
        "{:?}",
        s.warnings
    );
    // Bad file values: warnings that reach the console, defaults kept.
    let bad = parse_config("[clipboard]\nmode = 3\n", "c.toml").expect("a warning, not an error");
    let s = resolve(&cli, &Env::default(), Some(&bad), None).expect("resolve");
    assert_eq!(s.clipboard, ClipboardSettings::default());
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("line 2: clipboard.mode = 3")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn an_answer_for_another_tab_is_dropped() {
    let mut app = app();
    let (ticket, _) = tools_fetch(&app.run_command("random 4 hex"));
    app.update(ch('e'));
    app.update(key(KeyCode::Tab));
    assert_eq!(tools(&app).tool, Tool::Hash);
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Tools(ToolsReply::Random(Ok(SecretText::from("0a0b0c0d")))),
    });
    assert_eq!(tools(&app).output, Output::None);
}
