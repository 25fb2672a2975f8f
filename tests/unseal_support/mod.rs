//! The unseal screen's test harness: the app of the render snapshots with the unseal screen on
//! top, the status reads and writes it asks for, and answers fed back as the worker would.
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::action::Action;
use strongroom::app::App;
use strongroom::command::{Command, Request, Ticket};
use strongroom::event::Msg;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::unseal::UnsealScreen;
use strongroom::vault::VaultError;
use strongroom::vault::models::sys::SealStatus;
use strongroom::vault::unseal::{SealAnswer, UnsealReply, UnsealRequest};
use strongroom::write_gate::{Mutation, Write};

use crate::health_fixtures::{self, ADDRS};
use crate::{render_app, screen_text};

pub const SHARE: &str = "Zm9yLXRlc3RzLW9ubHktc2hhcmUtY2FuYXJ5LTdmM2E=";

pub fn sealed(progress: u32, nonce: &str) -> SealStatus {
    SealStatus {
        seal_type: "shamir".into(),
        initialized: true,
        sealed: true,
        t: 3,
        n: 5,
        progress,
        nonce: nonce.into(),
        version: "2.7.2".into(),
        ..SealStatus::default()
    }
}

pub fn unsealed() -> SealStatus {
    SealStatus {
        sealed: false,
        ..sealed(0, "")
    }
}

pub struct T {
    pub app: App,
    pub now: DateTime<Utc>,
    /// Status reads asked and not answered: (ticket, addr, generation).
    pub reads: Vec<(Ticket, String, u64)>,
    pub writes: Vec<(Ticket, Write)>,
}

impl T {
    pub fn new() -> T {
        let mut t = T {
            app: render_app::app_with(Screen::Unseal(Box::default())),
            now: health_fixtures::now(),
            reads: Vec::new(),
            writes: Vec::new(),
        };
        t.tick(0);
        t
    }

    pub fn take(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            match c {
                Command::Fetch {
                    ticket,
                    request: Request::Unseal(UnsealRequest::SealStatus { addr, generation }),
                } => self.reads.push((ticket, addr, generation)),
                Command::Write { ticket, write } => self.writes.push((ticket, write)),
                _ => {}
            }
        }
    }

    pub fn tick(&mut self, ms: i64) {
        self.now += Duration::milliseconds(ms);
        let cmds = self.app.update(Msg::Tick(self.now));
        self.take(cmds);
    }

    pub fn screen(&self) -> &UnsealScreen {
        match self.app.screen() {
            Screen::Unseal(s) => s,
            other => panic!("not the unseal screen: {}", other.title()),
        }
    }

    /// Answer every read of `addr` asked so far.
    pub fn answer(&mut self, addr: &str, result: Result<SealStatus, VaultError>) {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.reads)
            .into_iter()
            .partition(|r| r.1 == addr);
        self.reads = rest;
        for (ticket, addr, generation) in mine {
            let reply = Reply::Unseal(UnsealReply::SealStatus {
                addr,
                generation,
                result: result.clone(),
            });
            let cmds = self.app.update(Msg::Vault { ticket, reply });
            self.take(cmds);
        }
    }

    pub fn answer_all(&mut self, s: &SealStatus) {
        for a in ADDRS {
            self.answer(a, Ok(s.clone()));
        }
    }

    pub fn key(&mut self, code: KeyCode) {
        let cmds = self
            .app
            .update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self.take(cmds);
    }

    pub fn action(&mut self, a: Action) {
        let cmds = self.app.on_action(a);
        self.take(cmds);
    }

    pub fn type_share(&mut self) {
        for c in SHARE.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// The last write's ticket and its nodes, in order.
    pub fn last_write(&mut self) -> (Ticket, Vec<String>) {
        let (ticket, write) = self.writes.pop().expect("a write went out");
        let addrs = write
            .mutations()
            .iter()
            .map(|m| match m {
                Mutation::Unseal(u) => u.addr().to_string(),
                other => panic!("not an unseal write: {other:?}"),
            })
            .collect();
        (ticket, addrs)
    }

    pub fn outcome(&mut self, ticket: Ticket, items: Vec<Result<SealStatus, VaultError>>) {
        let items = items
            .into_iter()
            .map(|r| ItemResult {
                item: "node".into(),
                result: r.map(|s| WriteResult::Seal(SealAnswer(Box::new(s)))),
            })
            .collect();
        let reply = Reply::Write(WriteOutcome {
            summary: "submit a share".into(),
            items,
        });
        let cmds = self.app.update(Msg::Vault { ticket, reply });
        self.take(cmds);
    }

    pub fn draw(&self, w: u16, h: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &self.app))
            .expect("draw");
        screen_text::text(term.backend().buffer())
    }

    pub fn name(&self, i: usize) -> String {
        self.screen().nodes[i].name.clone()
    }
}

/// Every node read sealed at progress 1 with nonce A, after a share to all three.
pub fn after_one_share() -> T {
    let mut t = T::new();
    t.answer_all(&sealed(0, ""));
    t.type_share();
    t.key(KeyCode::Enter);
    let (ticket, addrs) = t.last_write();
    assert_eq!(addrs, ADDRS.to_vec());
    t.outcome(ticket, vec![Ok(sealed(1, "aaaaaaaa-1111")); 3]);
    t
}
