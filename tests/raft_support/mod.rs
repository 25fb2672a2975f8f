//! The console of the raft live test: the app with a real worker, driven by the test (ticks
//! and replies, every wait bounded), and small helpers for the raft screen and the cluster.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::common::dev::http_status;
use strongroom::action::Action;
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::raft::{RaftScreen, peers};
use strongroom::vault::worker::{Worker, WorkerHandle};
use strongroom::write_gate::Confirmation;

pub const WAIT: Duration = Duration::from_secs(60);

pub struct Console {
    pub app: App,
    handle: WorkerHandle,
    rx: mpsc::UnboundedReceiver<Msg>,
    pub drawn: Vec<String>,
}

impl Console {
    pub fn new(profile: strongroom::config::ConnectionProfile) -> Console {
        let app = App::new(AppInit {
            profile: profile.clone(),
            contexts: vec![profile],
            theme: "default".into(),
            themes: ThemeRegistry::load(None, false),
            keymap: Keymap::load(None).0,
            poll_interval: Duration::from_secs(1),
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

    pub fn exec(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            self.handle.send(&c);
        }
    }

    pub fn raft(&self) -> &RaftScreen {
        match self.app.screen() {
            Screen::Raft(s) => s,
            other => panic!("not on the raft screen: {}", other.title()),
        }
    }

    pub fn draw(&mut self) {
        let mut term = Terminal::new(TestBackend::new(120, 34)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &self.app))
            .expect("draw");
        let text: String = term
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        self.drawn.push(text);
    }

    /// Ticks every 250 ms and replies until `done` (panics after `WAIT`).
    pub async fn drive(&mut self, what: &str, mut done: impl FnMut(&App) -> bool) {
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

    /// Let the console run for a while (answers and ticks).
    pub async fn settle(&mut self, d: Duration) {
        let until = Instant::now() + d;
        self.drive("settle", |_| Instant::now() >= until).await;
    }

    pub fn key(&mut self, code: KeyCode) {
        let cmds = self
            .app
            .update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self.exec(cmds);
    }

    pub fn action(&mut self, a: Action) -> Vec<Command> {
        let cmds = self.app.on_action(a);
        self.exec(cmds.clone());
        cmds
    }

    /// Type the pending typed phrase and confirm; returns the phrase.
    pub fn confirm_typed(&mut self) -> String {
        assert_eq!(self.app.mode, Mode::Confirm, "{:?}", self.app.toasts);
        let phrase = match &self.app.gate.pending().expect("pending").confirmation {
            Confirmation::Typed { phrase } => phrase.clone(),
            Confirmation::YesNo => panic!("expected a typed confirmation"),
        };
        for c in phrase.chars() {
            self.key(KeyCode::Char(c));
        }
        self.key(KeyCode::Enter);
        assert_eq!(self.app.mode, Mode::Normal, "{:?}", self.app.toasts);
        phrase
    }

    pub fn confirm_yes(&mut self) {
        assert_eq!(self.app.mode, Mode::Confirm, "{:?}", self.app.toasts);
        assert!(matches!(
            self.app.gate.pending().expect("pending").confirmation,
            Confirmation::YesNo
        ));
        self.key(KeyCode::Enter);
    }

    pub fn open_raft(&mut self) {
        let cmds = self
            .app
            .open_screen(Screen::Raft(Box::<RaftScreen>::default()));
        self.exec(cmds);
    }

    /// Open the path prompt with `a`, replace its text with `path`, and press enter.
    pub fn prompt(&mut self, a: Action, path: &str) -> Vec<Command> {
        self.action(a);
        let Screen::Raft(s) = self.app.screen_mut() else {
            panic!("not on the raft screen")
        };
        s.prompt
            .as_mut()
            .expect("the prompt is open")
            .line
            .set(path);
        self.action(Action::Select)
    }

    /// Select the peer with this id.
    pub fn select_peer(&mut self, id: &str) {
        let i = peers(&self.app.cluster)
            .iter()
            .position(|p| p.id == id)
            .expect("the peer is listed");
        let Screen::Raft(s) = self.app.screen_mut() else {
            panic!("not on the raft screen")
        };
        s.selected = i;
    }

    pub fn peer_status(&self, id: &str) -> Option<String> {
        self.app
            .cluster
            .autopilot
            .value()
            .and_then(|a| a.servers.get(id))
            .map(|s| s.status.clone())
    }
}

pub fn port(addr: &str) -> u16 {
    addr.rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .expect("a port")
}

pub fn sealed(addr: &str) -> bool {
    http_status(port(addr), "GET", "/v1/sys/health", None) == Some(503)
}

pub fn ready(a: &App) -> bool {
    a.cluster.active().is_some()
        && a.cluster.raft.value().is_some_and(|r| r.servers.len() == 3)
        && a.cluster
            .autopilot
            .value()
            .is_some_and(|p| p.servers.len() == 3)
}

pub fn files_below(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            files_below(&p, out);
        } else {
            out.push(p);
        }
    }
}
