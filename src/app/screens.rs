//! The navigation stack of screens, the screens' effects turned into commands, and the way
//! every write enters the gate.

use super::{App, FALLBACK_SCREEN, Mode, ToastLevel};
use crate::command::{Command, Origin, RequestKey, ScreenKind, Ticket};
use crate::ui::screens::health::HealthScreen;
use crate::ui::screens::mounts::MountsScreen;
use crate::ui::screens::{Effect, Screen, ScreenCtx, secrets};
use crate::vault::kv_area::{KvRequest, OpenAs, Resolved};
use crate::write_gate::{Submitted, Write};

impl App {
    /// The screen on top of the navigation stack.
    pub fn screen(&self) -> &Screen {
        // The stack is never empty; the fallback only keeps this total.
        self.screens.last().unwrap_or(&FALLBACK_SCREEN)
    }

    pub fn screen_mut(&mut self) -> &mut Screen {
        if self.screens.is_empty() {
            self.screens.push(Screen::Health(HealthScreen::default()));
        }
        let last = self.screens.len() - 1;
        &mut self.screens[last]
    }

    /// The health screen's state, wherever it is on the stack.
    pub fn health(&self) -> Option<&HealthScreen> {
        self.screens.iter().find_map(|s| match s {
            Screen::Health(h) => Some(h),
            _ => None,
        })
    }

    /// What screens may read, and the top screen, at once.
    pub(crate) fn with_screen<R>(&mut self, f: impl FnOnce(&mut Screen, &ScreenCtx) -> R) -> R {
        let ctx = ScreenCtx {
            cluster: &self.cluster,
            now: self.now,
            body: crate::ui::layout::body_area(self.size.0, self.size.1),
            namespace: self.profile.namespace.as_deref(),
        };
        let last = self.screens.len().saturating_sub(1);
        match self.screens.get_mut(last) {
            Some(screen) => f(screen, &ctx),
            None => {
                let mut screen = Screen::Health(HealthScreen::default());
                f(&mut screen, &ctx)
            }
        }
    }

    /// Open a screen on top of the stack.
    pub fn push_screen(&mut self, s: Screen) {
        if let Some(below) = self.screens.last_mut() {
            below.on_cover();
        }
        self.screens.push(s);
        self.dirty = true;
    }

    /// Open a screen and send what it asks for.
    pub fn open_screen(&mut self, s: Screen) -> Vec<Command> {
        self.push_screen(s);
        let effects = self.with_screen(|s, ctx| s.on_open(ctx));
        self.apply_effects(effects)
    }

    /// `:health`: back down the stack to the health screen, as it was.
    pub(crate) fn go_to_health(&mut self) {
        if !self.screens.iter().any(|s| matches!(s, Screen::Health(_))) {
            // Only the fleet view below (`--fleet`, or `esc` back to it): the health screen opens
            // on top of it.
            self.screens.push(Screen::Health(
                crate::ui::screens::health::HealthScreen::default(),
            ));
        }
        while self.screens.len() > 1 && !matches!(self.screen(), Screen::Health(_)) {
            self.screens.pop();
        }
        self.dirty = true;
    }

    /// `:mounts`: back to the mounts screen if it is on the stack, else open it.
    pub(crate) fn go_to_mounts(&mut self) -> Vec<Command> {
        if let Some(i) = self
            .screens
            .iter()
            .rposition(|s| matches!(s, Screen::Mounts(_)))
        {
            self.screens.truncate(i + 1);
            self.dirty = true;
            return Vec::new();
        }
        self.open_screen(Screen::Mounts(MountsScreen::default()))
    }

    /// `:versions secret/apps/x`: the versions of a KV v2 secret (the mount is found from the
    /// mount list).
    pub(crate) fn open_versions(&mut self, arg: &str) -> Vec<Command> {
        let path = arg.trim().trim_matches('/');
        if !path.contains('/') {
            self.toast(
                "versions of what? :versions MOUNT/PATH (e.g. :versions secret/apps/x)",
                ToastLevel::Warn,
            );
            return Vec::new();
        }
        let Some(addr) = self.cluster.api_addr() else {
            self.toast("no node to ask", ToastLevel::Warn);
            return Vec::new();
        };
        let screen = crate::ui::screens::versions::versions_screen_for(addr, path.to_string());
        self.open_screen(screen)
    }

    /// `:ns NAME`: the same cluster in another namespace (every request carries it); `:ns`
    /// alone goes back to the root namespace.
    pub(crate) fn switch_namespace(&mut self, arg: &str) -> Vec<Command> {
        let ns = arg.trim().trim_matches('/');
        let mut profile = self.profile.clone();
        profile.namespace = (!ns.is_empty()).then(|| ns.to_string());
        let screens_before: Vec<ScreenKind> = self.screens.iter().map(Screen::kind).collect();
        let mut cmds = self.switch_context(profile);
        let label = if ns.is_empty() { "root" } else { ns };
        self.toast(
            format!("namespace {}", crate::sanitize::sanitize(label)),
            ToastLevel::Info,
        );
        // Stay on the mounts screen, now listing the namespace's mounts.
        if screens_before.contains(&ScreenKind::Mounts) {
            cmds.extend(self.go_to_mounts());
        }
        cmds
    }

    /// `:cd PATH`: find the path's KV mount first (the answer opens it, see `on_resolved`).
    pub(crate) fn resolve_path(&mut self, path: &str, then: OpenAs) -> Vec<Command> {
        let path = path.trim();
        if path.is_empty() {
            self.toast("which path? e.g. :cd secret/apps/", ToastLevel::Info);
            return Vec::new();
        }
        if path == ".." {
            return match self.screen() {
                Screen::Secrets(_) | Screen::Secret(_) => {
                    let effects = self.with_screen(|s, ctx| {
                        s.on_action(crate::action::Action::Parent, ctx)
                            .unwrap_or_default()
                    });
                    self.apply_effects(effects)
                }
                _ => Vec::new(),
            };
        }
        let Some(addr) = self.cluster.api_addr() else {
            self.toast("no node to ask", ToastLevel::Warn);
            return Vec::new();
        };
        let ticket = self
            .requests
            .issue(RequestKey::new(Origin::CommandLine, "resolve"), self.now);
        vec![Command::Fetch {
            ticket,
            request: crate::command::Request::Kv(KvRequest::Resolve {
                addr,
                path: path.to_string(),
                then,
            }),
        }]
    }

    /// A path of `:cd` (or another path command) is resolved: open what it names.
    pub(crate) fn on_resolved(
        &mut self,
        then: OpenAs,
        result: Result<Resolved, crate::vault::VaultError>,
    ) -> Vec<Command> {
        let r = match result {
            Ok(r) => r,
            Err(e) => {
                self.toast(format!("cannot open that path: {e}"), ToastLevel::Warn);
                return Vec::new();
            }
        };
        let Some(addr) = self.cluster.api_addr() else {
            return Vec::new();
        };
        let effects = match then {
            OpenAs::Browse => {
                return self.open_screen(secrets::open_path(&r.mount, r.kv, &r.path));
            }
            OpenAs::Versions => secrets::links::versions(addr, &r.mount, &r.path),
            OpenAs::Edit => secrets::links::editor_edit(addr, &r.mount, r.kv, &r.path),
            OpenAs::New => secrets::links::editor_new(addr, &r.mount, r.kv, &r.path),
        };
        self.apply_effects(effects)
    }

    /// Close the topmost screen of this kind (never the bottom one).
    pub(crate) fn close_screen(&mut self, kind: ScreenKind) {
        if let Some(i) = self.screens.iter().rposition(|s| s.kind() == kind)
            && i > 0
        {
            self.screens.remove(i);
            self.dirty = true;
        }
    }

    /// Back to the previous screen, as it was; false on the bottom screen.
    pub fn pop_screen(&mut self) -> bool {
        if self.screens.len() > 1 {
            self.screens.pop();
            self.dirty = true;
            true
        } else {
            false
        }
    }

    /// Turn a screen's effects into commands.
    pub(crate) fn apply_effects(&mut self, effects: Vec<Effect>) -> Vec<Command> {
        let kind = self.screen().kind();
        self.apply_effects_for(kind, effects)
    }

    /// Turn the effects of the screen `kind` (wherever it is on the stack) into commands.
    pub(crate) fn apply_effects_for(
        &mut self,
        kind: ScreenKind,
        effects: Vec<Effect>,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        let origin = Origin::Screen(kind);
        for e in effects {
            match e {
                Effect::Fetch { what, request } => {
                    let ticket = self.requests.issue(RequestKey::new(origin, what), self.now);
                    out.push(Command::Fetch { ticket, request });
                }
                Effect::Write(w) => out.extend(self.submit_write_from(Some(kind), w)),
                Effect::Toast(text, level) => self.toast(text, level),
                Effect::RefreshCluster => {
                    self.poll.force();
                    out.extend(self.poll_now());
                }
                Effect::StartJob { what, spec } => {
                    if let Some(name) = spec
                        .refused_in_read_only()
                        .filter(|_| self.gate.read_only())
                    {
                        let text = crate::write_gate::GateError::ReadOnly(name.into()).to_string();
                        self.toast(text, crate::app::ToastLevel::Warn);
                        if self.screen().kind() == kind {
                            self.screen_mut().on_write_abandoned();
                        }
                        continue;
                    }
                    let ticket = self.requests.issue(RequestKey::new(origin, what), self.now);
                    out.push(Command::StartJob { ticket, spec });
                }
                Effect::CancelJob { what } => {
                    if let Some(id) = self.requests.cancel(&RequestKey::new(origin, what)) {
                        out.push(Command::CancelJob { id });
                    }
                }
                Effect::Open(s) => out.extend(self.open_screen(*s)),
                Effect::Copy { label, text } => out.extend(self.copy(label, text)),
                Effect::Close => self.close_screen(kind),
                Effect::CommandLine(text) => {
                    self.mode = Mode::Command(crate::input::LineInput::with_text(&text));
                }
                Effect::Journal { path, entries } => {
                    self.runbooks.track(&path, &entries);
                    out.push(Command::AppendJournal { path, entries });
                }
                Effect::SaveReport { path, text } => out.push(Command::SaveReport { path, text }),
                Effect::Command(line) => out.extend(self.run_command(&line)),
                Effect::SwitchContext(name) => out.extend(self.enter_context(&name)),
            }
        }
        out
    }

    /// Every write goes through the gate: refused in read-only mode, confirmed by the user, or
    /// (a safe one) sent at once.
    /// A write asked for by the screen `from`: its outcome goes back there.
    pub(crate) fn submit_write_from(&mut self, from: Option<ScreenKind>, w: Write) -> Vec<Command> {
        match self.gate.submit(w) {
            Ok(Submitted::Pending) => {
                self.mode = Mode::Confirm;
                self.write_origin = from;
                Vec::new()
            }
            Ok(Submitted::Go(w)) => {
                let ticket = self.write_ticket(&w.spec().summary);
                let seq = ticket.seq;
                match self.gate.go(ticket, w) {
                    Ok(cmd) => {
                        let mut out = Vec::new();
                        if let Some(kind) = from {
                            self.write_owners.insert(seq, kind);
                            // Journaled before the write goes (a runbook action).
                            out = self.write_sent(kind);
                        }
                        // Log streams close first (they block a restore or step-down).
                        out.extend(self.before_write(&cmd));
                        out.push(cmd);
                        out
                    }
                    Err(e) => {
                        self.toast(e.to_string(), ToastLevel::Warn);
                        Vec::new()
                    }
                }
            }
            Err(e) => {
                self.toast(e.to_string(), ToastLevel::Warn);
                self.screen_mut().on_write_abandoned();
                Vec::new()
            }
        }
    }

    /// The gate lets a write of the screen `kind` go: what that screen needs done first (a
    /// runbook journals the action as started), as commands to run before the write's.
    pub(crate) fn write_sent(&mut self, kind: ScreenKind) -> Vec<Command> {
        let ctx = ScreenCtx {
            cluster: &self.cluster,
            now: self.now,
            body: crate::ui::layout::body_area(self.size.0, self.size.1),
            namespace: self.profile.namespace.as_deref(),
        };
        let mut effects = Vec::new();
        if let Some(s) = self.screens.iter_mut().rev().find(|s| s.kind() == kind) {
            effects = s.on_write_sent(&ctx);
        }
        self.apply_effects_for(kind, effects)
    }

    /// A ticket for a write: each write is its own key, named after what it does.
    pub(crate) fn write_ticket(&mut self, summary: &str) -> Ticket {
        self.requests.issue_unique(Origin::Gate, summary, self.now)
    }
}
