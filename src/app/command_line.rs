//! The `:` command line: commands, arguments and tab completion.

use super::{App, Mode, ToastLevel};
use crate::action::Action;
use crate::command::Command;
use crate::input::{InputOutcome, LineInput};

/// Command names with a one-line description (shown in help).
pub const COMMANDS: &[(&str, &str)] = &[
    ("health", "the cluster health screen"),
    (
        "mounts",
        "secret engines and auth methods, with a secret count per KV mount",
    ),
    (
        "ns",
        "switch namespace: :ns NAME (no name: the root namespace)",
    ),
    (
        "search",
        "search secret paths: :search PATTERN (here, or every KV mount) or :search PATH PATTERN (a case-insensitive regex)",
    ),
    (
        "cp",
        "copy secrets with all versions: :cp SRC DST (dry run first), or :cp DST for marked search results",
    ),
    (
        "mv",
        "move secrets with all versions: :mv SRC DST (sources deleted after every copy is verified)",
    ),
    (
        "cd",
        "open a KV path: :cd secret/apps/ (a folder), :cd secret/apps/x (a secret), :cd ..",
    ),
    (
        "edit",
        "edit a secret in memory: :edit MOUNT/PATH (JSON or key=value, saved with check-and-set)",
    ),
    (
        "new",
        "create a secret: :new MOUNT/PATH (check-and-set 0 on KV v2)",
    ),
    (
        "versions",
        "the versions and settings of a KV v2 secret: :versions MOUNT/PATH",
    ),
    (
        "radar",
        "the expiry radar: leases, tokens, certificates, KV rotation: :radar [WINDOW] (1h, 36h, 7d; default a day)",
    ),
    (
        "leases",
        "the lease tree: :leases [PREFIX] (e.g. :leases auth/approle/), renew and revoke",
    ),
    (
        "logs",
        "the server log stream of a node: :logs [NODE] [LEVEL] (address, host:port or node id; trace … error, default info)",
    ),
    (
        "audit",
        "access history: :audit [FILE…] (globs too; no file: the audit devices' logs), filters, HMAC match, signals, report",
    ),
    (
        "runbook",
        "leak-response runbooks: :runbook lists them and the unfinished runs (resume), :runbook ID starts one (also :runbooks)",
    ),
    (
        "raft",
        "raft peers (remove, promote, demote) and snapshots (save to a file, restore)",
    ),
    (
        "policies",
        "ACL policies: highlighted HCL, least-privilege findings, capabilities on a path (why can't I read this?), edit with a diff",
    ),
    (
        "unseal",
        "the unseal ceremony: every node's seal, shares (hidden) to one or every sealed node (also :ceremony)",
    ),
    (
        "init",
        "initialise an uninitialised cluster: shares, threshold, PGP keys; shown once",
    ),
    (
        "rekey",
        "rotate the unseal keys: new shares from a quorum of the current ones",
    ),
    (
        "generate-root",
        "generate a new root token from a quorum of unseal shares (OTP or PGP)",
    ),
    ("ctx", "switch context: :ctx NAME (no name lists them)"),
    (
        "fleet",
        "every context of the config file, one row per cluster (enter: its health screen, esc: back)",
    ),
    ("theme", "switch theme: :theme NAME"),
    ("refresh", "poll the cluster now"),
    (
        "readonly",
        "read-only mode for this session, across contexts (`:readonly off` ends it)",
    ),
    (
        "tools",
        "response wrapping and sys/tools: unwrap, lookup, rewrap, random, hash",
    ),
    ("unwrap", "unwrap a wrapping token (tools screen)"),
    ("wrap-lookup", "look up a wrapping token without using it"),
    (
        "rewrap",
        "rewrap a wrapping token: a new token, the old one dies",
    ),
    (
        "random",
        "random bytes from the server: :random [N] [hex|base64]",
    ),
    (
        "hash",
        "hash a text on the server: :hash [ALG] (default sha2-256)",
    ),
    (
        "tokens",
        "every token by accessor: :tokens [FILTER] (policy=ci-* name=… path=… role=… created<2026-11-01 created>… ttl>24h orphan=true)",
    ),
    (
        "revoke-token",
        "revoke a token by its value (pasted, never shown): its tree, or orphan its children",
    ),
    (
        "login",
        "log in again (token, userpass or approle) without leaving the screen",
    ),
    ("help", "show the key bindings"),
    ("quit", "quit strongroom (also :q)"),
];

/// Complete the line: the command name first, then its argument.
pub fn complete(line: &str, contexts: &[String], themes: &[String]) -> Option<String> {
    let (cmd, arg) = match line.split_once(' ') {
        Some((c, a)) => (c, Some(a.trim_start())),
        None => (line, None),
    };
    match arg {
        None => {
            let hits: Vec<&str> = COMMANDS
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| n.starts_with(cmd))
                .collect();
            let common = common_prefix(&hits)?;
            let needs_arg = matches!(common.as_str(), "ctx" | "theme");
            Some(if hits.len() == 1 && needs_arg {
                format!("{common} ")
            } else {
                common
            })
        }
        Some(arg) => {
            let pool = match cmd {
                "ctx" | "context" => contexts,
                "theme" => themes,
                _ => return None,
            };
            let hits: Vec<&str> = pool
                .iter()
                .map(String::as_str)
                .filter(|n| n.starts_with(arg))
                .collect();
            common_prefix(&hits).map(|p| format!("{cmd} {p}"))
        }
    }
}

fn common_prefix(words: &[&str]) -> Option<String> {
    let first = words.first()?;
    let mut len = first.len();
    for w in &words[1..] {
        len = first
            .chars()
            .zip(w.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum::<usize>()
            .min(len);
    }
    Some(first[..len].to_string())
}

impl App {
    pub(super) fn on_command_key(
        &mut self,
        line: &mut LineInput,
        key: crossterm::event::KeyEvent,
    ) -> Vec<Command> {
        let outcome = line.handle_key(key);
        match outcome {
            InputOutcome::Cancel => Vec::new(),
            InputOutcome::Submit => {
                let text = line.text.trim().to_string();
                if !text.is_empty() {
                    self.command_history.retain(|h| *h != text);
                    self.command_history.push(text.clone());
                }
                self.run_command(&text)
            }
            InputOutcome::Complete => {
                let contexts: Vec<String> =
                    self.contexts.iter().map(|c| c.context.clone()).collect();
                if let Some(done) = complete(&line.text, &contexts, &self.themes.names()) {
                    line.set(&done);
                }
                self.mode = Mode::Command(std::mem::take(line));
                Vec::new()
            }
            InputOutcome::HistoryPrev | InputOutcome::HistoryNext => {
                let pos = self.command_history.iter().position(|h| *h == line.text);
                let next = match (outcome, pos) {
                    (InputOutcome::HistoryPrev, None) => self.command_history.last(),
                    (InputOutcome::HistoryPrev, Some(i)) => {
                        self.command_history.get(i.saturating_sub(1))
                    }
                    (_, Some(i)) => self.command_history.get(i + 1),
                    _ => None,
                };
                if let Some(h) = next.cloned() {
                    line.set(&h);
                }
                self.mode = Mode::Command(std::mem::take(line));
                Vec::new()
            }
            InputOutcome::Changed | InputOutcome::Ignored => {
                self.mode = Mode::Command(std::mem::take(line));
                Vec::new()
            }
        }
    }

    /// Run one command line (without the leading `:`).
    pub fn run_command(&mut self, text: &str) -> Vec<Command> {
        let text = text.trim().trim_start_matches(':');
        let (cmd, arg) = match text.split_once(' ') {
            Some((c, a)) => (c, a.trim()),
            None => (text, ""),
        };
        self.dirty = true;
        match cmd {
            "" => Vec::new(),
            "q" | "q!" | "quit" | "exit" => self.on_action(Action::Quit),
            "help" | "h" | "?" => self.on_action(Action::Help),
            "health" | "status" => {
                self.go_to_health();
                Vec::new()
            }
            "mounts" => self.go_to_mounts(),
            "fleet" => self.open_fleet(),
            "cp" | "mv" => {
                let marked = match self.screen() {
                    crate::ui::screens::Screen::Search(s) => Some(s.marked_or_selected()),
                    _ => None,
                };
                match crate::ui::screens::copy::CopyScreen::from_command(arg, cmd == "mv", marked) {
                    Ok(s) => self.open_screen(crate::ui::screens::Screen::Copy(s)),
                    Err(msg) => {
                        self.toast(msg, ToastLevel::Warn);
                        Vec::new()
                    }
                }
            }
            "search" | "find" => {
                let here = self.screen().location();
                match crate::ui::screens::search::SearchScreen::from_command(arg, here) {
                    Ok(s) => self.open_screen(crate::ui::screens::Screen::Search(s)),
                    Err(msg) => {
                        self.toast(msg, ToastLevel::Warn);
                        Vec::new()
                    }
                }
            }
            "radar" => match crate::ui::screens::radar::RadarScreen::from_command(
                arg,
                self.rotation.clone(),
            ) {
                Ok(s) => self.open_screen(crate::ui::screens::Screen::Radar(Box::new(s))),
                Err(msg) => {
                    self.toast(msg, ToastLevel::Warn);
                    Vec::new()
                }
            },
            "cd" | "kv" => self.resolve_path(arg, crate::vault::kv_area::OpenAs::Browse),
            "versions" => self.open_versions(arg),
            "tokens" => self.go_to_tokens(arg, false),
            "revoke-token" => self.go_to_tokens("", true),
            "leases" => self.open_screen(crate::ui::screens::Screen::Leases(Box::new(
                crate::ui::screens::leases::LeasesScreen::new(arg),
            ))),
            "logs" | "log" => self.open_logs(arg),
            "unseal" | "ceremony" => {
                self.open_screen(crate::ui::screens::Screen::Unseal(Box::default()))
            }
            "init" => self.open_screen(crate::ui::screens::Screen::Init(Box::new(
                crate::ui::screens::init::InitScreen::new(),
            ))),
            "rekey" => self.open_screen(crate::ui::screens::Screen::Rekey(Box::new(
                crate::ui::screens::rekey::RekeyScreen::new(),
            ))),
            "generate-root" => {
                self.open_screen(crate::ui::screens::Screen::GenerateRoot(Box::default()))
            }
            "raft" => self.open_screen(crate::ui::screens::Screen::Raft(Box::default())),
            "policies" | "policy" => {
                self.open_screen(crate::ui::screens::Screen::Policies(Box::default()))
            }
            "audit" => {
                let mut s = crate::ui::screens::audit::AuditScreen::new(arg);
                s.anomaly = self.anomaly.clone();
                self.open_screen(crate::ui::screens::Screen::Audit(Box::new(s)))
            }
            "runbook" | "runbooks" => self.open_runbooks(arg),
            "ns" | "namespace" => self.switch_namespace(arg),
            "edit" => self.open_editor(arg, crate::ui::screens::editor::Intent::Edit),
            "new" => self.open_editor(arg, crate::ui::screens::editor::Intent::New),
            "refresh" | "r" => self.on_action(Action::Refresh),
            "readonly" | "ro" => self.set_session_read_only(arg),
            "login" => {
                self.open_login(None);
                Vec::new()
            }
            "tools" | "unwrap" | "wrap-lookup" | "rewrap" | "random" | "hash" => {
                self.open_tool(cmd, arg)
            }
            "theme" => {
                if arg.is_empty() {
                    let names = self.themes.names().join(", ");
                    self.toast(format!("themes: {names}"), ToastLevel::Info);
                } else if self.themes.get(arg).is_some() {
                    self.theme_name = arg.to_string();
                    self.toast(format!("theme {arg}"), ToastLevel::Info);
                } else {
                    let names = self.themes.names().join(", ");
                    self.toast(
                        format!("unknown theme \"{arg}\" (have: {names})"),
                        ToastLevel::Warn,
                    );
                }
                Vec::new()
            }
            "ctx" | "context" => {
                let names: Vec<String> = self.contexts.iter().map(|c| c.context.clone()).collect();
                if arg.is_empty() {
                    let list = if names.is_empty() {
                        "none configured".to_string()
                    } else {
                        names.join(", ")
                    };
                    self.toast(
                        format!("context {} (contexts: {list})", self.profile.context),
                        ToastLevel::Info,
                    );
                    return Vec::new();
                }
                match self.contexts.iter().find(|c| c.context == arg).cloned() {
                    Some(p) => self.switch_context(p),
                    None => {
                        let list = if names.is_empty() {
                            "none configured".to_string()
                        } else {
                            names.join(", ")
                        };
                        self.toast(
                            format!("unknown context \"{arg}\" (have: {list})"),
                            ToastLevel::Warn,
                        );
                        Vec::new()
                    }
                }
            }
            other => {
                self.toast(
                    format!("unknown command \":{other}\" — try :help"),
                    ToastLevel::Warn,
                );
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_commands_and_arguments() {
        let ctx = vec!["prod".to_string(), "staging".to_string()];
        let themes = vec![
            "default".to_string(),
            "high-contrast".to_string(),
            "light".to_string(),
        ];
        assert_eq!(complete("th", &ctx, &themes).as_deref(), Some("theme "));
        assert_eq!(
            complete("theme h", &ctx, &themes).as_deref(),
            Some("theme high-contrast")
        );
        assert_eq!(
            complete("ctx s", &ctx, &themes).as_deref(),
            Some("ctx staging")
        );
        assert_eq!(complete("h", &ctx, &themes).as_deref(), Some("h"));
        assert_eq!(complete("he", &ctx, &themes).as_deref(), Some("he"));
        assert_eq!(complete("zz", &ctx, &themes), None);
    }
}
