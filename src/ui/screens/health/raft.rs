//! Raft peers (`sys/storage/raft/configuration`) merged with autopilot's view of each server
//! (`sys/storage/raft/autopilot/state`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{HealthView, Panel};
use crate::cluster::ClusterState;
use crate::sanitize::sanitize;
use crate::ui::widgets::age;
use crate::ui::widgets::table::{self, Col, fit};
use crate::vault::models::raft::{AutopilotServer, RaftServer};
use crate::vault::raft::describe_raft_error;

/// One server: its raft entry and its autopilot entry, either may be missing.
struct Server<'a> {
    id: String,
    raft: Option<&'a RaftServer>,
    autopilot: Option<&'a AutopilotServer>,
}

fn servers<'a>(cluster: &'a ClusterState, filter: &str) -> Vec<Server<'a>> {
    let mut out: Vec<Server> = Vec::new();
    if let Some(rc) = cluster.raft.value() {
        for s in &rc.servers {
            out.push(Server {
                id: s.node_id.clone(),
                raft: Some(s),
                autopilot: None,
            });
        }
    }
    if let Some(ap) = cluster.autopilot.value() {
        for (id, s) in &ap.servers {
            match out.iter_mut().find(|x| x.id == *id) {
                Some(x) => x.autopilot = Some(s),
                None => out.push(Server {
                    id: id.clone(),
                    raft: None,
                    autopilot: Some(s),
                }),
            }
        }
    }
    let f = filter.to_lowercase();
    out.retain(|s| {
        f.is_empty()
            || s.id.to_lowercase().contains(&f)
            || s.raft
                .is_some_and(|r| r.address.to_lowercase().contains(&f))
    });
    out
}

pub fn row_count(cluster: &ClusterState, filter: &str) -> usize {
    servers(cluster, filter).len()
}

const COLUMNS: [Col; 10] = [
    Col::new("NODE ID", 10, 0),
    Col::new("ADDRESS", 16, 6),
    Col::new("ROLE", 8, 1),
    Col::new("VOTER", 5, 4),
    Col::new("AUTOPILOT", 9, 5),
    Col::new("HEALTHY", 7, 2),
    Col::new("CONTACT", 8, 3),
    Col::new("NODE", 6, 7),
    Col::new("INDEX", 6, 8),
    Col::new("STABLE", 6, 9),
];

pub fn render(v: &HealthView, area: Rect, buf: &mut Buffer) {
    let t = v.theme;
    let c = v.cluster;
    let list = servers(c, v.screen.filter());
    let keep = table::fit_columns(&COLUMNS, area.width.saturating_sub(2));
    let (header, widths) = table::kept_layout(&COLUMNS, &keep);
    let rows: Vec<Row> = list
        .iter()
        .map(|s| {
            let role = match s.raft {
                Some(r) if r.leader => Span::styled("leader", t.status_ok),
                Some(_) => Span::styled("follower", t.text),
                None => Span::styled("-", t.muted),
            };
            let voter = s.raft.map_or("-", |r| if r.voter { "yes" } else { "no" });
            let ap = s.autopilot;
            let healthy = match ap.map(|a| a.healthy) {
                Some(true) => Span::styled("yes", t.status_ok),
                Some(false) => Span::styled("no", t.status_danger),
                None => Span::styled("-", t.muted),
            };
            let stable = ap
                .and_then(|a| chrono::DateTime::parse_from_rfc3339(&a.stable_since).ok())
                .map_or("-".to_string(), |d| {
                    age::coarse(v.now - d.with_timezone(&chrono::Utc))
                });
            let cells = vec![
                Cell::from(fit(&sanitize(&s.id), 10)),
                Cell::from(fit(
                    &sanitize(s.raft.map_or("", |r| r.address.as_str())),
                    16,
                )),
                Cell::from(role),
                Cell::from(voter),
                Cell::from(fit(&sanitize(ap.map_or("-", |a| a.status.as_str())), 9)),
                Cell::from(healthy),
                Cell::from(ap.map_or("-".to_string(), |a| contact(&a.last_contact))),
                Cell::from(fit(
                    &sanitize(ap.map_or("-", |a| a.node_status.as_str())),
                    6,
                )),
                Cell::from(ap.map_or("-".to_string(), |a| a.last_index.to_string())),
                Cell::from(stable),
            ];
            table::kept_row(cells, &keep)
        })
        .collect();
    let mut suffix = Vec::new();
    if let Some(ap) = c.autopilot.value() {
        let (text, style) = if ap.healthy {
            ("healthy", t.status_ok)
        } else {
            ("UNHEALTHY", t.status_danger)
        };
        suffix.push(Span::styled("· ", t.muted));
        suffix.push(Span::styled(format!("autopilot {text}"), style));
        let ft_style = if ap.failure_tolerance < 1 {
            t.status_warn
        } else {
            t.muted
        };
        suffix.push(Span::styled(
            format!(" · failure tolerance {} ", ap.failure_tolerance),
            ft_style,
        ));
    }
    if c.autopilot.value().is_none() && c.raft.value().is_some() && c.autopilot.error().is_some() {
        suffix.push(Span::styled(
            "· autopilot state unavailable ",
            t.status_warn,
        ));
    }
    if let Some(a) = c.raft.age(v.now).filter(|_| c.raft.is_stale()) {
        suffix.push(Span::styled(format!("stale {} ", age::short(a)), t.stale));
    }
    let empty = match (c.raft.error(), c.last_poll) {
        (Some(e), _) => Line::styled(sanitize(&describe_raft_error(e)).into_owned(), t.muted),
        (None, Some(_)) if c.raft.value().is_none() => {
            Line::styled("no unsealed node to ask", t.status_warn)
        }
        _ if !v.screen.filter().is_empty() && c.raft.value().is_some() => {
            Line::styled("no server matches the filter", t.muted)
        }
        _ => Line::styled("waiting for the first poll…", t.muted),
    };
    table::Panel {
        title: table::title("Raft peers", t, suffix),
        header,
        widths,
        rows,
        focused: v.screen.focus == Panel::Raft,
        selected: Some(v.screen.selected(Panel::Raft)),
        empty,
        footer: None,
    }
    .render(area, buf, t);
}

/// `"283.744679ms"` → `284ms`, `"3.80478s"` → `3.8s`.
fn contact(go: &str) -> String {
    match age::go_duration_ms(go) {
        Some(ms) if ms < 1000.0 => format!("{ms:.0}ms"),
        Some(ms) => format!("{:.1}s", ms / 1000.0),
        None => fit(&sanitize(go), 8),
    }
}
