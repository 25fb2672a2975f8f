//! The raft screen: a summary line (cluster, leader, autopilot health and failure tolerance),
//! the peers table, the snapshot panel (a save in progress, the last saved file with its size
//! and SHA-256, "restoring…") with the notices, and the path prompt when open.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{PeerRow, RaftScreen, human_bytes, peers};
use crate::cluster::ClusterState;
use crate::theme::Theme;

pub struct RaftView<'a> {
    pub screen: &'a RaftScreen,
    pub cluster: &'a ClusterState,
    pub theme: &'a Theme,
}

fn cell(s: &str, w: usize) -> String {
    let mut out: String = s.chars().take(w).collect();
    let n = out.chars().count();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(n) + 1));
    out
}

impl RaftView<'_> {
    fn summary(&self) -> Line<'static> {
        let t = self.theme;
        let mut spans = vec![
            Span::styled("Raft", t.title),
            Span::styled(
                format!(" · cluster {}", self.cluster.display_name()),
                t.text,
            ),
        ];
        match self.cluster.autopilot.value() {
            Some(a) => {
                spans.push(Span::styled(
                    if a.healthy {
                        " · autopilot healthy"
                    } else {
                        " · autopilot UNHEALTHY"
                    },
                    if a.healthy {
                        t.status_ok
                    } else {
                        t.status_danger
                    },
                ));
                spans.push(Span::styled(
                    format!(" · failure tolerance {}", a.failure_tolerance),
                    t.muted,
                ));
            }
            None => spans.push(Span::styled(" · autopilot state not read yet", t.muted)),
        }
        Line::from(spans)
    }

    fn peer_lines(&self, rows: &[PeerRow], width: u16) -> Vec<Line<'static>> {
        let t = self.theme;
        let wide = width >= 90;
        let mut header = cell("id", 14) + &cell("address", 22) + &cell("leader", 6);
        header += &cell("voter", 5);
        header += &cell("status", 10);
        header += &cell("healthy", 7);
        if wide {
            header += "last contact";
        }
        let mut lines = vec![Line::styled(header, t.header)];
        if rows.is_empty() {
            let why = match self.cluster.raft.error() {
                Some(e) => crate::vault::raft::describe_raft_error(e),
                None => "no raft configuration read yet".into(),
            };
            lines.push(Line::styled(why, t.muted));
        }
        for (i, r) in rows.iter().enumerate() {
            let mut s = cell(&r.id, 14) + &cell(&r.address, 22);
            s += &cell(if r.leader { "★" } else { "" }, 6);
            s += &cell(if r.voter { "yes" } else { "no" }, 5);
            s += &cell(&r.status, 10);
            s += &cell(
                match r.healthy {
                    Some(true) => "yes",
                    Some(false) => "NO",
                    None => "—",
                },
                7,
            );
            if wide {
                s += &r.last_contact;
            }
            let style = if i == self.screen.selected {
                t.selection
            } else if r.healthy == Some(false) {
                t.status_danger
            } else {
                t.text
            };
            lines.push(Line::styled(s, style));
        }
        lines
    }

    fn snapshot_lines(&self) -> Vec<Line<'static>> {
        let t = self.theme;
        let s = self.screen;
        let mut lines = Vec::new();
        if let Some(j) = &s.job {
            lines.push(Line::styled(
                format!(
                    "saving {} … {} (esc cancels)",
                    crate::sanitize::sanitize(&j.path.display().to_string()),
                    human_bytes(j.bytes)
                ),
                t.status_warn,
            ));
        }
        if s.restoring_since.is_some() {
            lines.push(Line::styled(
                "restoring… the cluster is read again in a few seconds",
                t.status_warn,
            ));
        }
        if let Some(saved) = &s.last_saved {
            lines.push(Line::styled(
                format!(
                    "last saved: {} · {} · sha256 {}",
                    crate::sanitize::sanitize(&saved.path.display().to_string()),
                    human_bytes(saved.bytes),
                    saved.sha256
                ),
                t.text,
            ));
        }
        for n in &s.notices {
            lines.push(Line::styled(n.clone(), t.muted));
        }
        if lines.is_empty() {
            lines.push(Line::styled(
                "s saves a snapshot of the active node · R restores one (active node only)",
                t.muted,
            ));
        }
        lines
    }
}

impl Widget for RaftView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let rows = peers(self.cluster);
        let prompt_h = u16::from(self.screen.prompt.is_some()) * 3;
        let [top, table, snap, prompt] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(6),
            Constraint::Length(prompt_h),
        ])
        .areas(area);
        Paragraph::new(self.summary()).render(top, buf);
        Paragraph::new(self.peer_lines(&rows, table.width))
            .block(Block::bordered().title("peers").border_style(t.border))
            .render(table, buf);
        Paragraph::new(self.snapshot_lines())
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title("snapshots").border_style(t.border))
            .render(snap, buf);
        if let Some(p) = &self.screen.prompt {
            Paragraph::new(Line::from(vec![
                Span::styled(format!("{}: ", p.kind.label()), t.muted),
                Span::styled(crate::sanitize::sanitize(&p.line.text).into_owned(), t.text),
                Span::styled("▏", t.key_hint),
            ]))
            .block(
                Block::bordered()
                    .title("enter confirms · esc cancels")
                    .border_style(t.border_focused),
            )
            .render(prompt, buf);
        }
    }
}
