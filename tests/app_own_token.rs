//! Update-flow tests of the console's own token: lookup on connect, renewal at two thirds of the
//! TTL (also in read-only mode), a refused token opens the login dialog, a login replaces the
//! token without touching the screen stack, a failed login is shown plainly. No server.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use strongroom::app::{App, AppInit, Mode};
use strongroom::command::{Command, Request, Ticket};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::reply::Reply;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::mounts::MountsScreen;
use strongroom::vault::VaultError;
use strongroom::vault::login::{LoginMethod, LoginRequest};
use strongroom::vault::models::tokens::TokenInfo;
use strongroom::vault::models::wrapping::SecretText;
use strongroom::vault::own_token::{OwnTokenReply, OwnTokenRequest};

const A: &str = "http://127.0.0.1:8210";
const PASSWORD: &str = "pw-Canary-71c3";

fn t(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_393_047 + s, 0)
        .single()
        .expect("time")
}

fn app_with(token: Option<&str>, read_only: bool) -> App {
    let profile = ConnectionProfile {
        token: token.map(|t| std::sync::Arc::new(strongroom::secret::token_from(t))),
        ..ConnectionProfile::new("main", vec![A.to_string()])
    };
    App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: read_only,
        warnings: vec![],
        now: t(0),
    })
}

fn info(at: i64, ttl: i64, creation_ttl: i64, renewable: bool) -> TokenInfo {
    serde_json::from_value(serde_json::json!({
        "accessor": "acc", "display_name": "userpass-alice", "policies": ["default", "ops"],
        "ttl": ttl, "creation_ttl": creation_ttl, "renewable": renewable,
        "expire_time": (t(at) + chrono::Duration::seconds(ttl)).to_rfc3339(),
    }))
    .expect("token info")
}

/// The own-token requests among `cmds`, with their tickets.
fn own(cmds: &[Command]) -> Vec<(Ticket, OwnTokenRequest)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Fetch {
                ticket,
                request: Request::OwnToken(r),
            } => Some((ticket.clone(), r.clone())),
            _ => None,
        })
        .collect()
}

fn one(cmds: &[Command]) -> (Ticket, OwnTokenRequest) {
    let mut v = own(cmds);
    assert_eq!(v.len(), 1, "{cmds:?}");
    v.remove(0)
}

fn reply(app: &mut App, ticket: Ticket, r: OwnTokenReply) -> Vec<Command> {
    app.update(Msg::Vault {
        ticket,
        reply: Reply::OwnToken(r),
    })
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_str(app: &mut App, s: &str) {
    for c in s.chars() {
        let out = app.update(key(KeyCode::Char(c)));
        assert!(out.is_empty(), "{out:?}");
    }
}

fn denied() -> VaultError {
    VaultError::from_status(403, vec!["permission denied".into()])
}

/// An app whose token was looked up at t(0): `ttl` seconds of a renewable period.
fn looked_up(ttl: i64, read_only: bool) -> App {
    let mut app = app_with(Some("s.start"), read_only);
    assert!(own(&app.start()).is_empty(), "the first tick asks");
    let (ticket, req) = one(&app.update(Msg::Tick(t(0))));
    assert_eq!(req, OwnTokenRequest::LookupSelf { addr: A.into() });
    reply(
        &mut app,
        ticket,
        OwnTokenReply::LookupSelf(Ok(info(0, ttl, ttl, true))),
    );
    app
}

#[test]
fn no_token_no_lookup() {
    let mut app = app_with(None, false);
    assert!(own(&app.start()).is_empty());
    assert!(own(&app.update(Msg::Tick(t(0)))).is_empty());
    assert!(own(&app.update(Msg::Tick(t(60)))).is_empty());
}

#[test]
fn renews_at_two_thirds_then_looks_up_again_even_read_only() {
    let mut app = looked_up(6, true);
    assert!(app.read_only());
    assert!(own(&app.update(Msg::Tick(t(3)))).is_empty());
    let (ticket, req) = one(&app.update(Msg::Tick(t(4))));
    assert_eq!(
        req,
        OwnTokenRequest::RenewSelf {
            addr: A.into(),
            increment_secs: 6
        }
    );
    let (_, next) = one(&reply(
        &mut app,
        ticket,
        OwnTokenReply::Renewed {
            asked_secs: 6,
            result: Ok(6),
        },
    ));
    assert_eq!(next, OwnTokenRequest::LookupSelf { addr: A.into() });
}

#[test]
fn a_failed_renewal_is_shown_and_retried_later() {
    let mut app = looked_up(60, false);
    let (ticket, _) = one(&app.update(Msg::Tick(t(40))));
    let err = VaultError::from_status(500, vec!["internal error".into()]);
    reply(
        &mut app,
        ticket,
        OwnTokenReply::Renewed {
            asked_secs: 60,
            result: Err(err),
        },
    );
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("token renewal failed") && t.text.contains("retrying in 5s")),
        "{:?}",
        app.toasts
    );
    let early = own(&app.update(Msg::Tick(t(44))));
    assert!(
        !early
            .iter()
            .any(|(_, r)| matches!(r, OwnTokenRequest::RenewSelf { .. })),
        "{early:?}"
    );
    let (_, req) = one(&app.update(Msg::Tick(t(45))));
    assert!(matches!(req, OwnTokenRequest::RenewSelf { .. }), "{req:?}");
}

#[test]
fn an_expired_token_opens_the_login_dialog() {
    let mut app = looked_up(5, false);
    // Past its expiry: asked again at once; the server refuses it.
    let (ticket, req) = one(&app.update(Msg::Tick(t(6))));
    assert_eq!(req, OwnTokenRequest::LookupSelf { addr: A.into() });
    reply(&mut app, ticket, OwnTokenReply::LookupSelf(Err(denied())));
    assert_eq!(app.mode, Mode::Login);
    let d = app.login.as_ref().expect("dialog");
    assert_eq!(
        d.reason.as_deref(),
        Some("The console's token has expired.")
    );
    // Nothing more is asked with a dead token.
    assert!(own(&app.update(Msg::Tick(t(60)))).is_empty());
}

#[test]
fn a_revoked_token_says_so_and_esc_keeps_the_banner() {
    let mut app = looked_up(3600, false);
    let (ticket, _) = one(&app.update(Msg::Tick(t(30))));
    reply(&mut app, ticket, OwnTokenReply::LookupSelf(Err(denied())));
    assert_eq!(app.mode, Mode::Login);
    assert_eq!(
        app.own_token.dead.as_deref(),
        Some("The console's token was revoked or is no longer valid.")
    );
    app.update(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.login.is_none());
    assert!(
        app.own_token.dead.is_some(),
        "the status bar keeps saying it"
    );
    app.run_command("login");
    assert_eq!(app.mode, Mode::Login);
    assert!(app.login.as_ref().and_then(|d| d.reason.as_ref()).is_some());
}

#[test]
fn a_userpass_login_replaces_the_token_and_keeps_the_screens() {
    let mut app = looked_up(3600, false);
    app.push_screen(Screen::Mounts(MountsScreen::default()));
    app.screen_mut().set_filter("kv".into());
    let stack = app.screens.clone();

    app.run_command("login");
    assert_eq!(app.mode, Mode::Login);
    assert_eq!(
        app.login.as_ref().map(|d| d.method),
        Some(LoginMethod::Token)
    );
    app.update(ctrl('t'));
    let d = app.login.as_ref().expect("dialog");
    assert_eq!(d.method, LoginMethod::Userpass);
    assert_eq!(d.mount.text, "userpass");
    type_str(&mut app, "alice");
    app.update(key(KeyCode::Tab));
    type_str(&mut app, PASSWORD);
    let cmds = app.update(key(KeyCode::Enter));
    assert!(!format!("{cmds:?}").contains(PASSWORD), "{cmds:?}");
    let (ticket, req) = one(&cmds);
    match &req {
        OwnTokenRequest::Login {
            addr,
            login:
                LoginRequest::Userpass {
                    mount,
                    username,
                    password,
                },
        } => {
            assert_eq!(
                (addr.as_str(), mount.as_str(), username.as_str()),
                (A, "userpass", "alice")
            );
            assert_eq!(password.expose(), PASSWORD);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        app.login
            .as_ref()
            .is_some_and(|d| d.busy && d.secret.is_empty())
    );

    let token = SecretText::from("s.new-token");
    let cmds = reply(
        &mut app,
        ticket,
        OwnTokenReply::LoggedIn {
            method: LoginMethod::Userpass,
            mount: "userpass".into(),
            result: Ok(token.clone()),
        },
    );
    // First the worker gets the token, then the new token is looked up; no context switch.
    match cmds.first() {
        Some(Command::SetToken { token: t }) => assert_eq!(t, &token),
        other => panic!("{other:?}"),
    }
    assert!(!cmds.iter().any(|c| matches!(c, Command::Connect { .. })));
    assert_eq!(own(&cmds).len(), 1);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.login.is_none());
    assert_eq!(
        app.screens, stack,
        "screen stack, selection and filter kept"
    );
    assert_eq!(app.screen().filter(), "kv");
    assert_eq!(
        app.own_token.logged_in,
        Some((LoginMethod::Userpass, "userpass".into()))
    );
    let shown = strongroom::ui::token_status::source_label(&app).expect("label");
    assert_eq!(shown, "token: userpass login (userpass)");
}

#[test]
fn a_failed_login_is_shown_plainly_and_the_dialog_stays() {
    let mut app = looked_up(3600, false);
    app.run_command("login");
    app.update(ctrl('t'));
    app.update(ctrl('t'));
    assert_eq!(
        app.login.as_ref().map(|d| d.method),
        Some(LoginMethod::Approle)
    );
    type_str(&mut app, "role-1");
    app.update(key(KeyCode::Tab));
    type_str(&mut app, "wrong");
    let (ticket, req) = one(&app.update(key(KeyCode::Enter)));
    assert!(matches!(
        req,
        OwnTokenRequest::Login {
            login: LoginRequest::Approle { .. },
            ..
        }
    ));
    reply(
        &mut app,
        ticket,
        OwnTokenReply::LoggedIn {
            method: LoginMethod::Approle,
            mount: "approle".into(),
            result: Err(VaultError::from_status(
                400,
                vec!["invalid role or secret ID".into()],
            )),
        },
    );
    assert_eq!(app.mode, Mode::Login);
    let d = app.login.as_ref().expect("dialog");
    assert_eq!(d.error.as_deref(), Some("invalid role or secret ID"));
    assert!(!d.busy);
    // An empty field is said before anything is sent.
    let out = app.update(key(KeyCode::Enter));
    assert!(own(&out).is_empty());
    assert_eq!(
        app.login.as_ref().and_then(|d| d.error.as_deref()),
        Some("secret_id is empty")
    );
}

#[test]
fn a_pasted_token_is_used_as_it_is() {
    let mut app = looked_up(3600, false);
    app.run_command("login");
    app.update(Msg::Paste("s.pasted\n".into()));
    let cmds = app.update(key(KeyCode::Enter));
    match cmds.first() {
        Some(Command::SetToken { token }) => assert_eq!(token.expose(), "s.pasted"),
        other => panic!("{other:?}"),
    }
    let (_, req) = one(&cmds);
    assert_eq!(req, OwnTokenRequest::LookupSelf { addr: A.into() });
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn reads_of_the_cluster_poll_newly_refused_look_the_token_up() {
    use strongroom::vault::cluster::ClusterReply;
    use strongroom::vault::models::cluster::{ClusterPoll, ClusterReport};
    let mut app = app_with(Some("s.start"), false);
    let start = app.start();
    let (ticket, _) = one(&app.update(Msg::Tick(t(0))));
    reply(
        &mut app,
        ticket,
        OwnTokenReply::LookupSelf(Ok(info(0, 3600, 3600, true))),
    );
    let poll_ticket = |cmds: &[Command]| {
        cmds.iter()
            .find_map(|c| match c {
                Command::Fetch {
                    ticket,
                    request: Request::Cluster(_),
                } => Some(ticket.clone()),
                _ => None,
            })
            .expect("a cluster poll")
    };
    let poll = |refused: bool| {
        Reply::Cluster(ClusterReply::Poll(Box::new(ClusterPoll {
            at: t(0),
            nodes: vec![],
            cluster: ClusterReport {
                ha: Some(if refused {
                    Err(denied())
                } else {
                    Ok(Default::default())
                }),
                ..ClusterReport::default()
            },
        })))
    };
    let first = poll_ticket(&start);
    let out = app.update(Msg::Vault {
        ticket: first,
        reply: poll(false),
    });
    assert!(own(&out).is_empty(), "{out:?}");
    // The next poll: a read that worked is now refused.
    let cmds = app.update(Msg::Tick(t(3)));
    let out = app.update(Msg::Vault {
        ticket: poll_ticket(&cmds),
        reply: poll(true),
    });
    let (ticket, req) = one(&out);
    assert_eq!(req, OwnTokenRequest::LookupSelf { addr: A.into() });
    reply(&mut app, ticket, OwnTokenReply::LookupSelf(Err(denied())));
    assert_eq!(app.mode, Mode::Login);
    // Still refused on the next poll: no new lookup.
    let cmds = app.update(Msg::Tick(t(6)));
    let out = app.update(Msg::Vault {
        ticket: poll_ticket(&cmds),
        reply: poll(true),
    });
    assert!(own(&out).is_empty(), "{out:?}");
}
