//! The token inventory, filters and revocations against a real `bao server -dev`: tokens with
//! several policies, display names, TTLs, orphans and a token role; every filter against the
//! known set; a single revoke and a bulk revoke of a filtered set through the gate (the typed
//! phrase names the count; by accessor the children go too; an accessor revoked meanwhile is
//! reported as already gone); revoke by value with orphaned children (they live on as orphans)
//! and with the tree; read-only mode blocks every one of these writes.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
mod tokens_support;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::DevServer;
use strongroom::action::Action;
use strongroom::app::{App, Mode};
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobReport, JobSpec};
use strongroom::reply::Reply;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::tokens::{RowOutcome, TokensScreen};
use strongroom::vault::models::tokens::TokenInfo;
use strongroom::vault::token_filter::TokenFilter;
use strongroom::vault::worker::{Worker, WorkerHandle};
use tokens_support::*;

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn tokens(app: &App) -> &TokensScreen {
    match app.screen() {
        Screen::Tokens(s) => s,
        other => panic!("not the tokens screen: {}", other.title()),
    }
}

/// The tokens screen's inventory has finished loading.
fn loaded(app: &App) -> bool {
    matches!(app.screen(), Screen::Tokens(s) if !s.tokens.is_loading() && s.tokens.value().is_some())
}

fn names(s: &TokensScreen) -> Vec<String> {
    s.visible(Utc::now())
        .iter()
        .map(|t| t.display_name.clone())
        .collect()
}

struct Live {
    app: App,
    handle: WorkerHandle,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Live {
    fn new(dev: &DevServer, read_only: bool) -> Live {
        let app = app_for(std::slice::from_ref(&dev.addr), &dev.root_token, read_only);
        let worker = Worker::new(&app.profile).expect("worker");
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());
        Live { app, handle, rx }
    }

    /// Run a `:` command, then pump until the inventory is loaded.
    async fn command_and_load(&mut self, line: &str) {
        let cmds = self.app.run_command(line);
        let end = |m: &Msg| {
            matches!(
                m,
                Msg::Job {
                    event: JobEvent::Done(_) | JobEvent::Failed(_),
                    ..
                }
            )
        };
        pump(&mut self.app, &self.handle, &mut self.rx, cmds, end, loaded).await;
    }

    /// Type `text` into the gate's typed confirmation and press enter; pump until the write's
    /// outcome and the reload after it are in.
    async fn confirm_typed_and_wait(&mut self, text: &str) {
        let mut cmds = Vec::new();
        for c in text.chars() {
            cmds.extend(self.app.update(key(KeyCode::Char(c))));
        }
        cmds.extend(self.app.update(key(KeyCode::Enter)));
        self.wait_write(cmds).await;
    }

    async fn wait_write(&mut self, cmds: Vec<strongroom::command::Command>) {
        assert!(!cmds.is_empty(), "the write was sent");
        let mut wrote = false;
        let end = |m: &Msg| {
            if matches!(
                m,
                Msg::Vault {
                    reply: Reply::Write(_),
                    ..
                }
            ) {
                wrote = true;
            }
            wrote
                && matches!(
                    m,
                    Msg::Job {
                        event: JobEvent::Done(_),
                        ..
                    }
                )
        };
        pump(&mut self.app, &self.handle, &mut self.rx, cmds, end, loaded).await;
    }
}

/// The set every test starts from. Display names get the server's `token-` prefix.
struct Known {
    ci_a: Made,
    ci_b: Made,
    ops: Made,
    short: Made,
    role: Made,
    child: Made,
}

fn make_known(dev: &DevServer) -> Known {
    policy(dev, "ci-deployer", CAN_CREATE);
    policy(
        dev,
        "ci-child",
        "path \"secret/*\" { capabilities = [\"read\"] }",
    );
    policy(dev, "ops", "path \"sys/*\" { capabilities = [\"read\"] }");
    let ci_a = create(dev, "ci-a", &["ci-deployer", "ci-child"], "1h");
    let ci_b = create(dev, "ci-b", &["ci-deployer"], "48h");
    let ops = create_orphan(dev, "ops-long", &["ops"], "72h");
    let short = create(dev, "short", &["default"], "5m");
    post(
        dev,
        "auth/token/roles/deployer",
        &dev.root_token,
        r#"{"allowed_policies":["ops"],"orphan":false}"#,
    );
    let role = create_at(
        dev,
        "auth/token/create/deployer",
        &dev.root_token,
        "by-role",
        &["ops"],
        "2h",
    );
    // A child of ci-a (created with ci-a's token).
    let child = create_at(
        dev,
        "auth/token/create",
        &ci_a.token,
        "ci-a-child",
        &["ci-child"],
        "30m",
    );
    Known {
        ci_a,
        ci_b,
        ops,
        short,
        role,
        child,
    }
}

#[tokio::test]
async fn the_inventory_job_lists_every_token_and_each_filter_picks_the_known_ones() {
    let dev = DevServer::start();
    let k = make_known(&dev);
    let profile = common::profile_for(std::slice::from_ref(&dev.addr), Some(&dev.root_token));
    let worker = Worker::new(&profile).expect("worker");
    let mut got: Vec<TokenInfo> = Vec::new();
    let mut own = None;
    let mut reports = 0;
    let mut emit = |e: JobEvent| {
        if let JobEvent::Report(r) = e
            && let JobReport::Tokens(b) = *r
        {
            reports += 1;
            got.extend(b.items);
            own = b.own_accessor.or(own.take());
        }
    };
    let last = strongroom::vault::jobs::run(
        &worker,
        JobSpec::TokenInventory {
            addr: dev.addr.clone(),
        },
        &CancellationToken::new(),
        &mut emit,
    )
    .await;
    assert!(matches!(last, JobEvent::Done(p) if p.done == 7), "{last:?}");
    assert!(reports >= 1);
    // The six made here and the dev root token (the console's own).
    assert_eq!(got.len(), 7, "{got:?}");
    let root = got
        .iter()
        .find(|t| t.policies == ["root"])
        .expect("the root token");
    assert_eq!(own.as_deref(), Some(root.accessor.as_str()));
    let role = got
        .iter()
        .find(|t| t.accessor == k.role.accessor)
        .expect("role token");
    assert_eq!(role.path, "auth/token/create/deployer");
    let ops = got
        .iter()
        .find(|t| t.accessor == k.ops.accessor)
        .expect("ops");
    assert!(ops.orphan);
    assert_eq!(ops.meta.get("team").map(String::as_str), Some("tests"));

    let now = Utc::now();
    let pick = |f: &str| -> Vec<String> {
        let f = TokenFilter::parse(f).expect("filter parses");
        let mut v: Vec<String> = got
            .iter()
            .filter(|t| f.matches(t, now))
            .map(|t| t.display_name.clone())
            .collect();
        v.sort();
        v
    };
    assert_eq!(pick("policy=ci-deployer"), ["token-ci-a", "token-ci-b"]);
    assert_eq!(
        pick("policy=ci-*"),
        ["token-ci-a", "token-ci-a-child", "token-ci-b"]
    );
    assert_eq!(pick("name=token-ci-a*"), ["token-ci-a", "token-ci-a-child"]);
    assert_eq!(pick("path=auth/token/create-orphan"), ["token-ops-long"]);
    assert_eq!(pick("role=deployer"), ["token-by-role"]);
    assert_eq!(pick("path=auth/token/create/deployer"), ["token-by-role"]);
    // Long TTLs: 48 h, 72 h and the root token that never expires.
    assert_eq!(pick("ttl>24h"), ["token", "token-ci-b", "token-ops-long"]);
    assert_eq!(pick("ttl<10m"), ["token-short"]);
    assert_eq!(pick("orphan=true"), ["token", "token-ops-long"]);
    assert_eq!(pick("orphan=false policy=ops"), ["token-by-role"]);
    assert_eq!(
        pick("created>2000-01-01").len(),
        7,
        "root has no creation time? {:?}",
        pick("created>2000-01-01")
    );
    assert!(pick("created<2000-01-01").is_empty());
    let _ = (&k.ci_a, &k.ci_b, &k.short, &k.child);
}

#[tokio::test]
async fn single_and_bulk_revoke_through_the_gate_with_results_and_children() {
    let dev = DevServer::start();
    let k = make_known(&dev);
    let mut live = Live::new(&dev, false);
    live.command_and_load("tokens").await;
    assert_eq!(tokens(&live.app).rows().len(), 7);
    assert!(
        tokens(&live.app).own_accessor.is_some(),
        "the own token is known"
    );

    // One revoke by accessor: the short-lived token, confirmed with y.
    live.app.run_command("tokens name=token-short");
    assert_eq!(names(tokens(&live.app)), ["token-short"]);
    let cmds = live.app.on_action(Action::RevokeToken);
    assert!(cmds.is_empty());
    assert_eq!(live.app.mode, Mode::Confirm);
    let cmds = live.app.update(key(KeyCode::Char('y')));
    live.wait_write(cmds).await;
    assert!(!alive(&dev, &k.short.accessor), "revoked");
    assert!(alive(&dev, &k.ops.accessor), "the others stay");

    // Bulk: the ci-deployer tokens. ci-b goes meanwhile: reported as already gone.
    live.app.run_command("tokens policy=ci-deployer");
    assert_eq!(names(tokens(&live.app)), ["token-ci-a", "token-ci-b"]);
    revoke_accessor(&dev, &k.ci_b.accessor);
    let cmds = live.app.on_action(Action::RevokeTokens);
    assert!(cmds.is_empty());
    assert!(
        tokens(&live.app).dialog.is_some(),
        "the tree / orphan dialog"
    );
    let cmds = live.app.on_action(Action::RevokeTree);
    assert!(cmds.is_empty(), "the gate waits: {cmds:?}");
    assert_eq!(live.app.mode, Mode::Confirm);
    let pending = live.app.gate.pending().expect("pending");
    assert_eq!(pending.spec.items, 2);
    assert_eq!(
        pending.confirmation,
        strongroom::write_gate::Confirmation::Typed {
            phrase: "revoke 2 tokens".into()
        }
    );
    live.confirm_typed_and_wait("revoke 2 tokens").await;
    let results = tokens(&live.app).results.clone().expect("the result table");
    let by_acc = |a: &str| {
        results
            .rows
            .iter()
            .find(|r| r.accessor == a)
            .map(|r| r.outcome.clone())
    };
    assert_eq!(by_acc(&k.ci_a.accessor), Some(RowOutcome::Revoked));
    assert_eq!(by_acc(&k.ci_b.accessor), Some(RowOutcome::AlreadyGone));
    assert_eq!(results.summary(), "1 revoked · 1 already gone · 0 failed");
    for acc in [&k.ci_a.accessor, &k.ci_b.accessor] {
        assert_eq!(lookup(&dev, acc).0, 400, "gone: {acc}");
    }
    // By accessor the tree goes: ci-a's child too.
    assert!(
        !alive(&dev, &k.child.accessor),
        "the child went with its parent"
    );
    assert!(alive(&dev, &k.role.accessor) && alive(&dev, &k.ops.accessor));
    // The list reloaded without them.
    let left: Vec<String> = tokens(&live.app)
        .rows()
        .iter()
        .map(|t| t.display_name.clone())
        .collect();
    assert!(!left.iter().any(|n| n.starts_with("token-ci")), "{left:?}");
}

#[tokio::test]
async fn a_bulk_revoke_leaves_the_own_token_out_unless_included() {
    let dev = DevServer::start();
    let k = make_known(&dev);
    let mut live = Live::new(&dev, false);
    // orphan=true: the ops token and the console's own (root) token.
    live.command_and_load("tokens orphan=true").await;
    assert_eq!(names(tokens(&live.app)), ["token", "token-ops-long"]);
    live.app.on_action(Action::RevokeTokens);
    let d = tokens(&live.app).dialog.clone().expect("dialog");
    assert!(d.own_in_set && !d.include_own);
    live.app.on_action(Action::RevokeTree);
    let pending = live.app.gate.pending().expect("pending");
    assert_eq!(pending.spec.items, 1, "the own token is left out");
    live.confirm_typed_and_wait("revoke 1 token").await;
    assert!(!alive(&dev, &k.ops.accessor));
    let own = tokens(&live.app).own_accessor.clone().expect("own");
    assert!(alive(&dev, &own), "the console's own token lives");
}

#[tokio::test]
async fn revoke_by_value_orphans_the_children_or_takes_the_tree() {
    let dev = DevServer::start();
    policy(&dev, "ci-deployer", CAN_CREATE);
    let parent = create(&dev, "parent", &["ci-deployer"], "1h");
    let child = create_at(
        &dev,
        "auth/token/create",
        &parent.token,
        "child",
        &["ci-deployer"],
        "1h",
    );
    let grandchild = create_at(
        &dev,
        "auth/token/create",
        &child.token,
        "grandchild",
        &["ci-deployer"],
        "1h",
    );
    assert_eq!(lookup(&dev, &child.accessor).1["data"]["orphan"], false);
    let mut live = Live::new(&dev, false);
    live.command_and_load("revoke-token").await;
    assert!(tokens(&live.app).by_value.is_some(), "the form is open");

    // Orphan: paste the parent's value, tab to orphan, enter, y.
    live.app.update(Msg::Paste(format!("{}\n", parent.token)));
    live.app.update(key(KeyCode::Tab));
    assert!(
        tokens(&live.app)
            .by_value
            .as_ref()
            .is_some_and(|f| f.orphan)
    );
    let cmds = live.app.update(key(KeyCode::Enter));
    assert!(cmds.is_empty());
    assert!(
        tokens(&live.app).by_value.is_none(),
        "the value left the form"
    );
    let pending = live.app.gate.pending().expect("pending");
    assert!(
        pending.spec.summary.contains("children orphaned"),
        "{}",
        pending.spec.summary
    );
    assert!(
        !format!("{pending:?}").contains(&parent.token),
        "never in Debug"
    );
    let cmds = live.app.update(key(KeyCode::Char('y')));
    live.wait_write(cmds).await;
    assert!(!alive(&dev, &parent.accessor), "the parent is revoked");
    let (code, data) = lookup(&dev, &child.accessor);
    assert_eq!(code, 200, "the child lives on");
    assert_eq!(data["data"]["orphan"], true, "now an orphan");

    // Tree: the child's value; its own child goes with it.
    live.app.run_command("revoke-token");
    live.app.update(Msg::Paste(child.token.clone()));
    live.app.update(key(KeyCode::Enter));
    let cmds = live.app.update(key(KeyCode::Char('y')));
    live.wait_write(cmds).await;
    assert!(!alive(&dev, &child.accessor));
    assert!(!alive(&dev, &grandchild.accessor), "the tree went");
}

#[tokio::test]
async fn read_only_mode_blocks_every_token_revoke() {
    let dev = DevServer::start();
    let k = make_known(&dev);
    let mut live = Live::new(&dev, true);
    live.command_and_load("tokens name=token-short").await;
    let cmds = live.app.on_action(Action::RevokeToken);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(live.app.mode, Mode::Normal);
    live.app.run_command("tokens policy=ci-deployer");
    live.app.on_action(Action::RevokeTokens);
    let cmds = live.app.on_action(Action::RevokeTree);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(live.app.mode, Mode::Normal);
    live.app.run_command("revoke-token");
    live.app.update(Msg::Paste(k.ci_a.token.clone()));
    let cmds = live.app.update(key(KeyCode::Enter));
    assert!(cmds.is_empty(), "{cmds:?}");
    let refusals = live
        .app
        .toasts
        .iter()
        .filter(|t| t.text == "read-only mode: revoking tokens is not allowed")
        .count();
    assert!(refusals >= 3, "{:?}", live.app.toasts);
    for m in [&k.short, &k.ci_a, &k.ci_b, &k.child] {
        assert!(alive(&dev, &m.accessor), "still alive");
    }
}
