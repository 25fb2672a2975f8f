//! The console's own token: looked up on connect and every 30 s (`Remote<TokenInfo>`: never the
//! token's value), renewed in the background at two thirds of its TTL ([`super::token_renew`]),
//! and, when it has expired or was revoked, a plain message and the re-login dialog. A login
//! replaces the worker's token without a context switch: screens, selection and filters stay.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::token_renew::{MAX_RENEW_FAILURES, RenewRetry, RenewSchedule, TokenDue};
use super::{App, Mode, ToastLevel};
use crate::command::{Command, Origin, Request, RequestKey};
use crate::remote::Remote;
use crate::sanitize::sanitize;
use crate::ui::login::{LoginDialog, LoginSubmit};
use crate::vault::VaultError;
use crate::vault::login::{LoginMethod, login_error_text};
use crate::vault::models::tokens::TokenInfo;
use crate::vault::models::wrapping::SecretText;
use crate::vault::own_token::{OwnTokenReply, OwnTokenRequest};

const LOOKUP: &str = "lookup-self";
const RENEW: &str = "renew-self";
const LOGIN: &str = "login";

/// What the console knows of its own token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OwnToken {
    /// True when there is a token to follow (the profile has one, or a login gave one).
    pub tracking: bool,
    pub info: Remote<TokenInfo>,
    pub schedule: RenewSchedule,
    /// The token no longer works (lookup-self answered 403): why, in words. A login clears it.
    pub dead: Option<String>,
    /// How the token in use was obtained with `:login` (method, mount).
    pub logged_in: Option<(LoginMethod, String)>,
    /// Cluster-poll reads refused (403) last time: more than before → look the token up.
    pub poll_denied: usize,
}

impl OwnToken {
    /// Seconds left at `now`: `None` when unknown or never expiring.
    pub fn ttl_at(&self, now: DateTime<Utc>) -> Option<i64> {
        self.info.value().and_then(|i| i.ttl_at(now))
    }
}

/// True for an answer that says the token itself is no good (expired, revoked, unknown).
pub fn token_refused(e: &VaultError) -> bool {
    matches!(e, VaultError::PermissionDenied { .. })
}

/// The cluster poll's authenticated reads that were refused (403).
pub fn denied_reads(r: &crate::vault::models::cluster::ClusterReport) -> usize {
    let denied = |e: Option<&VaultError>| e.is_some_and(token_refused);
    [
        denied(r.raft.as_ref().and_then(|x| x.as_ref().err())),
        denied(r.autopilot.as_ref().and_then(|x| x.as_ref().err())),
        denied(r.ha.as_ref().and_then(|x| x.as_ref().err())),
        denied(r.metrics.as_ref().and_then(|x| x.as_ref().err())),
        denied(r.host_memory.as_ref().and_then(|x| x.as_ref().err())),
    ]
    .into_iter()
    .filter(|d| *d)
    .count()
}

fn key(what: &str) -> RequestKey {
    RequestKey::new(Origin::OwnToken, what)
}

impl App {
    /// On connect (start, context switch): follow the profile's token, if it has one. The
    /// first lookup goes out on the next tick (the runtime's first tick comes at once), so
    /// the first commands stay the cluster poll alone.
    pub(crate) fn own_token_reset(&mut self) {
        for what in [LOOKUP, RENEW, LOGIN] {
            self.requests.cancel(&key(what));
        }
        self.own_token = OwnToken {
            tracking: self.profile.token.is_some(),
            ..OwnToken::default()
        };
    }

    /// A lookup or a renewal, when the scheduler says so (called on every tick).
    pub(crate) fn own_token_due(&mut self) -> Vec<Command> {
        if !self.own_token.tracking || self.own_token.dead.is_some() {
            return Vec::new();
        }
        // Past the expiry shown: no renewal; ask the server at once whether the token works.
        let expired = self.own_token.ttl_at(self.now).is_some_and(|s| s <= 0);
        if expired && !self.own_token.info.is_loading() {
            self.own_token.schedule.force_lookup();
        }
        let Some(addr) = self.cluster.api_addr() else {
            return Vec::new();
        };
        let due = match self.own_token.schedule.due(self.now) {
            Some(TokenDue::Renew { .. }) if expired => Some(TokenDue::Lookup),
            d => d,
        };
        let (what, request) = match due {
            None => return Vec::new(),
            Some(TokenDue::Lookup) => {
                if self.requests.in_flight(&key(LOOKUP), self.now) {
                    return Vec::new();
                }
                self.own_token.schedule.lookup_sent(self.now);
                self.own_token.info.start_loading();
                (LOOKUP, OwnTokenRequest::LookupSelf { addr })
            }
            Some(TokenDue::Renew { increment_secs }) => {
                self.own_token.schedule.renew_sent();
                (
                    RENEW,
                    OwnTokenRequest::RenewSelf {
                        addr,
                        increment_secs,
                    },
                )
            }
        };
        let ticket = self.requests.issue(key(what), self.now);
        vec![Command::Fetch {
            ticket,
            request: Request::OwnToken(request),
        }]
    }

    /// A cluster poll came back with `denied` reads refused: more than the last time (reads
    /// that worked now answer 403) and the token may be dead; ask lookup-self now. A token that
    /// may never read those is not looked up more often for it.
    pub(crate) fn on_poll_denied(&mut self, denied: usize) -> Vec<Command> {
        let more = denied > self.own_token.poll_denied;
        self.own_token.poll_denied = denied;
        if !more {
            return Vec::new();
        }
        self.own_token.schedule.force_lookup();
        self.own_token_due()
    }

    /// A reply about the token: its lookup, a renewal, a login.
    pub(crate) fn on_own_token_reply(&mut self, reply: OwnTokenReply) -> Vec<Command> {
        match reply {
            OwnTokenReply::LookupSelf(Ok(info)) => {
                self.own_token.schedule.on_lookup(&info);
                self.own_token.info.succeed(info, self.now);
                Vec::new()
            }
            OwnTokenReply::LookupSelf(Err(e)) => {
                if token_refused(&e) {
                    self.token_dead();
                }
                self.own_token.info.fail(e, self.now);
                Vec::new()
            }
            OwnTokenReply::Renewed {
                asked_secs,
                result: Ok(ttl),
            } => {
                tracing::info!(ttl, "own token renewed");
                self.own_token
                    .schedule
                    .on_renewed(ttl, asked_secs, self.now);
                self.own_token_due()
            }
            OwnTokenReply::Renewed { result: Err(e), .. } => {
                if token_refused(&e) {
                    self.token_dead();
                    return Vec::new();
                }
                let msg = match self.own_token.schedule.on_renew_failed(self.now) {
                    RenewRetry::In(s) => format!("token renewal failed: {e}; retrying in {s}s"),
                    RenewRetry::GaveUp => format!(
                        "token renewal failed {MAX_RENEW_FAILURES} times: {e}; not retrying (:login for a new token)"
                    ),
                };
                self.toast(msg, ToastLevel::Warn);
                Vec::new()
            }
            OwnTokenReply::LoggedIn {
                method,
                mount,
                result,
            } => match result {
                Ok(token) => {
                    if let Some(d) = self.login.as_mut() {
                        d.close();
                    }
                    self.login = None;
                    if self.mode == Mode::Login {
                        self.mode = Mode::Normal;
                    }
                    let msg = format!(
                        "logged in with {} (auth/{}/)",
                        method.name(),
                        sanitize(&mount)
                    );
                    self.toast(msg, ToastLevel::Info);
                    self.use_token(token, Some((method, mount)))
                }
                Err(e) => {
                    let text = login_error_text(&e);
                    tracing::info!(method = method.name(), error = %text, "login failed");
                    match self.login.as_mut() {
                        Some(d) => {
                            d.busy = false;
                            d.error = Some(text);
                        }
                        None => self.toast(format!("login failed: {text}"), ToastLevel::Error),
                    }
                    Vec::new()
                }
            },
        }
    }

    /// The token was refused: say so plainly and offer a re-login.
    fn token_dead(&mut self) {
        if self.own_token.dead.is_some() {
            return;
        }
        let expired = self.own_token.ttl_at(self.now).is_some_and(|s| s <= 0);
        let reason = if expired {
            "The console's token has expired."
        } else {
            "The console's token was revoked or is no longer valid."
        };
        self.own_token.dead = Some(reason.to_string());
        self.toast(
            format!("{reason} Log in again with :login"),
            ToastLevel::Error,
        );
        if self.mode == Mode::Normal {
            self.open_login(Some(reason.to_string()));
        }
    }

    /// `:login`, or the token was refused: the dialog over the current screen.
    pub(crate) fn open_login(&mut self, reason: Option<String>) {
        let method = self
            .own_token
            .logged_in
            .as_ref()
            .map_or(LoginMethod::Token, |(m, _)| *m);
        let reason = reason.or_else(|| self.own_token.dead.clone());
        let mut d = LoginDialog::new(method, reason);
        if let Some((m, mount)) = &self.own_token.logged_in
            && *m != LoginMethod::Token
        {
            d.mount.set(mount);
        }
        self.login = Some(d);
        self.mode = Mode::Login;
        self.dirty = true;
    }

    /// Close the dialog; what was typed is wiped.
    pub(crate) fn close_login(&mut self) {
        if let Some(d) = self.login.as_mut() {
            d.close();
        }
        self.login = None;
        self.mode = Mode::Normal;
        self.dirty = true;
    }

    /// Enter in the dialog: a token is used as it is; a userpass or approle login goes out.
    pub(crate) fn submit_login(&mut self) -> Vec<Command> {
        let Some(d) = self.login.as_mut() else {
            return Vec::new();
        };
        if d.busy {
            return Vec::new();
        }
        match d.submit() {
            Err(e) => {
                d.error = Some(e);
                Vec::new()
            }
            Ok(LoginSubmit::Token(token)) => {
                self.close_login();
                self.toast("using the new token", ToastLevel::Info);
                self.use_token(token, Some((LoginMethod::Token, "token".into())))
            }
            Ok(LoginSubmit::Login(login)) => {
                let Some(addr) = self.cluster.api_addr() else {
                    d.error = Some("no address to log in to".into());
                    return Vec::new();
                };
                d.busy = true;
                d.error = None;
                let ticket = self.requests.issue(key(LOGIN), self.now);
                vec![Command::Fetch {
                    ticket,
                    request: Request::OwnToken(OwnTokenRequest::Login { addr, login }),
                }]
            }
        }
    }

    /// From now on use `token`: the worker gets it (no context switch) and it is looked up.
    fn use_token(&mut self, token: SecretText, via: Option<(LoginMethod, String)>) -> Vec<Command> {
        let shared = Arc::new(crate::secret::token_from(token.expose()));
        self.profile.token = Some(shared.clone());
        let name = self.profile.context.clone();
        if let Some(c) = self.contexts.iter_mut().find(|c| c.context == name) {
            c.token = Some(shared);
        }
        let mut cmds = vec![Command::SetToken { token }];
        self.own_token_reset();
        cmds.extend(self.own_token_due());
        self.own_token.logged_in = via;
        self.poll.force();
        cmds
    }
}

impl App {
    /// The dialog's keys: text keys go to the focused field; the rest through `[login]`.
    pub(super) fn on_login_key(&mut self, key: crossterm::event::KeyEvent) -> Vec<Command> {
        if crate::input::is_text_key(&key)
            && let Some(d) = self.login.as_mut()
        {
            d.on_text_key(key);
            self.dirty = true;
            return Vec::new();
        }
        self.on_mapped_key(crate::keymap::KeyContext::Login, key)
    }

    pub(super) fn on_login_action(&mut self, action: crate::action::Action) -> Vec<Command> {
        use crate::action::Action;
        let Some(d) = self.login.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        match action {
            Action::ForceQuit => {
                self.close_login();
                self.quit = true;
                return vec![Command::Quit];
            }
            Action::Cancel | Action::Back => self.close_login(),
            Action::FocusNext | Action::Down => d.focus_next(),
            Action::FocusPrev | Action::Up => d.focus_prev(),
            Action::LoginMethod => d.next_method(),
            Action::Confirm | Action::Select => return self.submit_login(),
            _ => {}
        }
        Vec::new()
    }
}
