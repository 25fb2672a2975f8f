//! The unseal ceremony against a real 3-node raft cluster (5 shares, threshold 3), driven
//! through the app's update loop with a real worker (the test plays the runtime): every node
//! restarted sealed; a share to every node, then a reset through the gate; a reset by another
//! client between two submissions is noticed; three wrong well-formed keys reach the threshold
//! and the server's refusal shows with progress 0; the three real shares in holder mode unseal
//! every node (one active); sealed again, and unsealed again while node 3 goes away (shown
//! unreachable, the others unseal) and comes back sealed (then unsealed too); the ceremony log
//! saved (mode 0600).
//! Afterwards no share or root token appears in the saved log, any file of the test's temp dir,
//! the rendered screens or `{:?}` of the state. Every wait is bounded.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use base64::Engine as _;
use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::cluster::TestCluster;
use common::dev::http_request;
use strongroom::action::Action;
use strongroom::app::{App, AppInit, Mode};
use strongroom::cluster::NodeStatus;
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::unseal::{Focus, Target, UnsealScreen};
use strongroom::vault::worker::{Worker, WorkerHandle};

const WAIT: Duration = Duration::from_secs(40);

struct Console {
    app: App,
    handle: WorkerHandle,
    rx: mpsc::UnboundedReceiver<Msg>,
    /// Every screen drawn along the way (for the canary check).
    drawn: Vec<String>,
}

impl Console {
    fn new(profile: strongroom::config::ConnectionProfile) -> Console {
        let app = App::new(AppInit {
            profile: profile.clone(),
            contexts: vec![profile],
            theme: "default".into(),
            themes: ThemeRegistry::load(None, false),
            keymap: Keymap::load(None).0,
            poll_interval: Duration::from_secs(2),
            force_read_only: false,
            warnings: vec![],
            now: Utc::now(),
        });
        let worker = Worker::new(&app.profile).expect("worker");
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());
        Console {
            app,
            handle,
            rx,
            drawn: Vec::new(),
        }
    }

    fn exec(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            self.handle.send(&c);
        }
    }

    fn screen(&self) -> &UnsealScreen {
        match self.app.screen() {
            Screen::Unseal(s) => s,
            other => panic!("not on the unseal screen: {}", other.title()),
        }
    }

    fn draw(&mut self) {
        let mut term = Terminal::new(TestBackend::new(120, 34)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &self.app))
            .expect("draw");
        let buf = term.backend().buffer();
        let text: String = buf.content().iter().map(|c| c.symbol()).collect();
        self.drawn.push(text);
    }

    /// Ticks every 250 ms and replies until `done` (panics after `WAIT`).
    async fn drive(&mut self, what: &str, mut done: impl FnMut(&App) -> bool) {
        let deadline = Instant::now() + WAIT;
        let mut next_tick = Instant::now();
        loop {
            if done(&self.app) {
                self.draw();
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within {WAIT:?}; toasts {:?}; screen {:#?}",
                self.app.toasts,
                self.app.screen()
            );
            if Instant::now() >= next_tick {
                let cmds = self.app.update(Msg::Tick(Utc::now()));
                self.exec(cmds);
                next_tick += Duration::from_millis(250);
            }
            if let Ok(msg) = tokio::time::timeout(Duration::from_millis(50), self.rx.recv()).await {
                let cmds = self
                    .app
                    .update(msg.expect("the worker's channel stays open"));
                self.exec(cmds);
            }
        }
    }

    fn key(&mut self, code: KeyCode) {
        let cmds = self
            .app
            .update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self.exec(cmds);
    }

    fn action(&mut self, a: Action) {
        let cmds = self.app.on_action(a);
        self.exec(cmds);
    }

    /// Paste a share into the input and submit it; wait for the answer.
    async fn submit(&mut self, share: &str) {
        assert_eq!(self.screen().focus, Focus::Share);
        let cmds = self.app.update(Msg::Paste(share.to_string()));
        self.exec(cmds);
        self.key(KeyCode::Enter);
        assert!(
            self.screen().input.0.is_empty(),
            "the input is wiped at once"
        );
        self.drive("the share's answer", |a| match a.screen() {
            Screen::Unseal(s) => s.awaiting.is_none(),
            _ => false,
        })
        .await;
    }

    fn progress(&self) -> Vec<Option<(u32, u32)>> {
        self.screen().nodes.iter().map(|n| n.progress()).collect()
    }
}

fn port(addr: &str) -> u16 {
    addr.rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .expect("a port")
}

/// Another client resets a node's round.
fn reset_elsewhere(addr: &str) {
    let (code, body) = http_request(
        port(addr),
        "PUT",
        "/v1/sys/unseal",
        None,
        r#"{"reset":true}"#,
    )
    .expect("an answer");
    assert_eq!(code, 200, "{body}");
}

fn seal_elsewhere(addr: &str, root: &str) {
    let (code, body) =
        http_request(port(addr), "PUT", "/v1/sys/seal", Some(root), "").expect("an answer");
    assert!(code == 204 || code == 200, "{code} {body}");
}

/// Three distinct, well-formed (33-byte) keys that are not shares of this cluster.
fn wrong_keys() -> Vec<String> {
    (1u8..=3)
        .map(|x| {
            let mut b: Vec<u8> = (0u8..32)
                .map(|i| i.wrapping_mul(37).wrapping_add(x))
                .collect();
            b.push(x);
            base64::engine::general_purpose::STANDARD.encode(b)
        })
        .collect()
}

fn all_sealed(a: &App) -> bool {
    match a.screen() {
        Screen::Unseal(s) => {
            s.nodes.len() == 3
                && s.nodes
                    .iter()
                    .all(|n| n.seal.as_ref().is_some_and(|x| x.sealed && x.t == 3))
        }
        _ => false,
    }
}

fn all_unsealed_one_active(a: &App) -> bool {
    let unsealed = match a.screen() {
        Screen::Unseal(s) => s.nodes.iter().all(|n| !n.is_sealed()),
        _ => false,
    };
    let active = a
        .cluster
        .nodes
        .iter()
        .filter(|n| n.status() == NodeStatus::Active)
        .count();
    let standby = a
        .cluster
        .nodes
        .iter()
        .filter(|n| n.status() == NodeStatus::Standby)
        .count();
    unsealed && active == 1 && standby == 2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unseal_ceremony_on_a_three_node_cluster() {
    let mut tc = TestCluster::start();
    let shares = tc.shares();
    let root = tc.root_token();
    let addrs = tc.addrs();
    tc.restart_all();
    let tmp = tempfile::tempdir().expect("temp dir");

    let mut c = Console::new(tc.profile());
    let start = c.app.start();
    c.exec(start);
    let cmds = c.app.run_command("unseal");
    c.exec(cmds);
    c.drive("every node sealed, threshold 3", all_sealed).await;

    // A share to every sealed node, then a reset of the first through the gate (confirmed).
    c.submit(&shares[0]).await;
    assert_eq!(c.progress(), vec![Some((1, 3)); 3], "{:#?}", c.screen());
    assert_eq!(c.screen().accepted, 1);
    c.key(KeyCode::Esc);
    assert_eq!(c.screen().focus, Focus::Nodes);
    c.action(Action::UnsealReset);
    assert_eq!(c.app.mode, Mode::Confirm, "a reset asks first");
    c.action(Action::Confirm);
    c.drive("node 1 reset", |a| match a.screen() {
        Screen::Unseal(s) => s.awaiting.is_none() && s.nodes[0].progress() == Some((0, 3)),
        _ => false,
    })
    .await;
    assert_eq!(c.progress()[1], Some((1, 3)));

    // Another client resets node 2 between two submissions: the screen says so.
    reset_elsewhere(&addrs[1]);
    let name2 = c.screen().nodes[1].name.clone();
    let expected = format!(
        "{name2}: the unseal round was reset or restarted elsewhere — progress is now 0 of 3"
    );
    c.drive("the reset elsewhere noticed", |a| match a.screen() {
        Screen::Unseal(s) => s.notices.contains(&expected),
        _ => false,
    })
    .await;
    reset_elsewhere(&addrs[2]);
    c.drive("every round at 0", |a| match a.screen() {
        Screen::Unseal(s) => s.nodes.iter().all(|n| n.progress() == Some((0, 3))),
        _ => false,
    })
    .await;

    // Three wrong (well-formed) keys to node 1 only: refused at the threshold, progress 0.
    c.action(Action::UnsealTarget);
    assert_eq!(c.screen().target, Target::Selected);
    c.action(Action::EditInput);
    for k in wrong_keys() {
        c.submit(&k).await;
    }
    let name1 = c.screen().nodes[0].name.clone();
    let refused = c
        .screen()
        .notices
        .iter()
        .find(|n| {
            n.starts_with(&format!(
                "{name1}: the threshold was reached with a wrong key set"
            ))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no refusal notice: {:#?}", c.screen().notices));
    assert!(
        refused.contains("unable to retrieve stored keys")
            && refused.ends_with("progress is now 0 of 3"),
        "{refused}"
    );
    assert_eq!(c.screen().nodes[0].progress(), Some((0, 3)));
    c.drive("node 1 reads back progress 0", |a| match a.screen() {
        Screen::Unseal(s) => s.nodes[0]
            .seal
            .as_ref()
            .is_some_and(|x| x.sealed && x.progress == 0),
        _ => false,
    })
    .await;

    // The real shares, in holder mode, to every sealed node.
    c.key(KeyCode::Esc);
    c.action(Action::UnsealTarget);
    c.action(Action::HolderMode);
    c.action(Action::EditInput);
    for (i, s) in shares.iter().take(3).enumerate() {
        c.submit(s).await;
        assert_eq!(c.screen().focus, Focus::NextHolder, "share {i}");
        assert_eq!(c.screen().accepted, 4 + u32::try_from(i).expect("small"));
        c.draw();
        c.key(KeyCode::Enter);
        assert_eq!(c.screen().focus, Focus::Share);
    }
    c.drive("every node unsealed, one active", all_unsealed_one_active)
        .await;

    // Sealed again (by another client), then unsealed again.
    for a in &addrs {
        seal_elsewhere(a, &root);
    }
    c.drive("every node sealed again", all_sealed).await;
    c.action(Action::HolderMode);
    c.submit(&shares[2]).await;
    // Node 3 goes away mid-ceremony: shown as such, the others go on.
    tc.kill_node(2);
    c.drive("node 3 unreachable", |a| match a.screen() {
        Screen::Unseal(s) => s.nodes[2].unreachable,
        _ => false,
    })
    .await;
    c.submit(&shares[3]).await;
    assert!(
        c.screen()
            .notices
            .iter()
            .any(|n| n.ends_with("unreachable — not sent this share")),
        "{:?}",
        c.screen().notices
    );
    c.submit(&shares[4]).await;
    c.drive("nodes 1 and 2 unsealed", |a| match a.screen() {
        Screen::Unseal(s) => !s.nodes[0].is_sealed() && !s.nodes[1].is_sealed(),
        _ => false,
    })
    .await;
    // It comes back sealed, its round started again; three shares to it, the only sealed one.
    tc.restart_node(2);
    c.drive("node 3 back, sealed at 0", |a| match a.screen() {
        Screen::Unseal(s) => !s.nodes[2].unreachable && s.nodes[2].progress() == Some((0, 3)),
        _ => false,
    })
    .await;
    for s in shares.iter().skip(2).take(3) {
        c.submit(s).await;
    }
    c.drive(
        "every node unsealed again, one active",
        all_unsealed_one_active,
    )
    .await;

    // The ceremony log, saved to a file with mode 0600.
    let path = tmp.path().join("ceremony.log");
    c.key(KeyCode::Esc);
    c.action(Action::SaveCeremonyLog);
    let cmds = c.app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    c.exec(cmds);
    let cmds = c.app.update(Msg::Paste(path.display().to_string()));
    c.exec(cmds);
    c.key(KeyCode::Enter);
    c.drive("the log saved", |_| path.exists()).await;
    c.drive("the save's toast", |a| {
        a.toasts
            .iter()
            .any(|t| t.text.contains("ceremony log appended"))
    })
    .await;
    let saved = std::fs::read_to_string(&path).expect("the saved log");
    assert!(
        saved.contains("share") && saved.contains("reset or restarted elsewhere"),
        "{saved}"
    );
    assert!(saved.contains("refused: wrong key set"), "{saved}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Canary: no share, wrong key or root token anywhere the flow wrote or drew.
    let mut secrets: Vec<String> = shares.clone();
    secrets.extend(wrong_keys());
    secrets.push(root.clone());
    let state = format!("{:?} {:?}", c.app.screens, c.app.toasts);
    let mut files = String::new();
    for e in std::fs::read_dir(tmp.path()).expect("temp dir").flatten() {
        files.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
    }
    for s in &secrets {
        assert!(!saved.contains(s.as_str()), "a secret in the saved log");
        assert!(!files.contains(s.as_str()), "a secret in the temp dir");
        assert!(!state.contains(s.as_str()), "a secret in the state's Debug");
        for d in &c.drawn {
            assert!(!d.contains(s.as_str()), "a secret on screen");
        }
    }
}
