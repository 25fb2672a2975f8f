//! The nodes table: every node side by side, with a detail line for the selected one.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::health::{HealthView, Panel};
use crate::cluster::{ClusterState, NodeState, NodeStatus};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::age;
use crate::ui::widgets::table::{self, fit};

/// The nodes that pass the filter (address, raft id or state).
pub fn visible_nodes<'a>(cluster: &'a ClusterState, filter: &str) -> Vec<&'a NodeState> {
    let f = filter.to_lowercase();
    cluster
        .nodes
        .iter()
        .filter(|n| {
            f.is_empty()
                || n.addr.to_lowercase().contains(&f)
                || n.node_id
                    .as_deref()
                    .is_some_and(|i| i.to_lowercase().contains(&f))
                || n.status().label().contains(&f)
        })
        .collect()
}

pub fn state_style(status: NodeStatus, t: &Theme) -> Style {
    match status {
        NodeStatus::Active => t.status_ok,
        NodeStatus::Standby | NodeStatus::PerfStandby | NodeStatus::DrSecondary => t.text,
        NodeStatus::Sealed | NodeStatus::Uninitialized => t.sealed,
        NodeStatus::Unreachable | NodeStatus::Error => t.status_danger,
        NodeStatus::Unknown => t.muted,
    }
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

/// Freshness of the node's data: `live`, `stale 42s`, or `…` before the first answer.
fn freshness(n: &NodeState, v: &HealthView) -> (String, Style) {
    match n.health.age(v.now) {
        None if n.health.error().is_some() => ("no data".into(), v.theme.status_danger),
        None => ("…".into(), v.theme.muted),
        Some(a) if n.health.is_stale() => (format!("stale {}", age::short(a)), v.theme.stale),
        Some(_) => ("live".into(), v.theme.muted),
    }
}

pub fn render(v: &HealthView, area: Rect, buf: &mut Buffer) {
    let t = v.theme;
    let wide = area.width >= 90;
    let nodes = visible_nodes(v.cluster, v.screen.filter());
    let rows: Vec<Row> = nodes.iter().map(|n| row(n, v, wide)).collect();
    let (header, widths) = if wide {
        (
            vec![
                "NODE", "ID", "STATE", "INIT", "SEALED", "VERSION", "SEAL", "T/N", "PROG", "SKEW",
                "RTT", "DATA",
            ],
            vec![
                Constraint::Length(18),
                Constraint::Length(7),
                Constraint::Length(12),
                Constraint::Length(4),
                Constraint::Length(6),
                Constraint::Length(7),
                Constraint::Length(6),
                Constraint::Length(4),
                Constraint::Length(4),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Min(8),
            ],
        )
    } else {
        (
            vec!["NODE", "STATE", "SEALED", "PROG", "DATA"],
            vec![
                Constraint::Length(16),
                Constraint::Length(12),
                Constraint::Length(6),
                Constraint::Length(4),
                Constraint::Min(6),
            ],
        )
    };
    let selected = v
        .screen
        .selected(Panel::Nodes)
        .min(nodes.len().saturating_sub(1));
    let footer = v.screen.selected_node(v.cluster).map(|n| detail(n, v));
    let (counts, trouble) = super::health::node_counts(v.cluster);
    let title = table::title(
        "Nodes",
        t,
        vec![Span::styled(
            format!("· {counts} "),
            if trouble { t.status_danger } else { t.muted },
        )],
    );
    table::Panel {
        title,
        header,
        widths,
        rows,
        focused: v.screen.focus == Panel::Nodes,
        selected: Some(selected),
        empty: Line::styled(
            if v.screen.filter().is_empty() {
                "no nodes configured"
            } else {
                "no node matches the filter"
            },
            t.muted,
        ),
        footer,
    }
    .render(area, buf, t);
}

fn row<'a>(n: &NodeState, v: &HealthView, wide: bool) -> Row<'a> {
    let t = v.theme;
    let status = n.status();
    let h = n.health.value();
    let seal = n.seal.value();
    let addr = fit(&sanitize(n.short_addr()), if wide { 18 } else { 16 });
    let state = Cell::from(Span::styled(status.label(), state_style(status, t)));
    let sealed = match h.map(|h| h.body.sealed) {
        Some(true) => Span::styled("yes", t.sealed),
        other => Span::styled(yes_no(other), t.text),
    };
    let prog = seal
        .filter(|s| s.sealed)
        .map_or("-".to_string(), |s| format!("{}/{}", s.progress, s.t));
    let (fresh, fresh_style) = freshness(n, v);
    if !wide {
        return Row::new(vec![
            Cell::from(addr),
            state,
            Cell::from(sealed),
            Cell::from(prog),
            Cell::from(Span::styled(fresh, fresh_style)),
        ]);
    }
    let version = h
        .and_then(|h| h.body.version.as_deref())
        .map_or("-".into(), |s| fit(&sanitize(s), 7));
    let seal_type = seal.map_or("-".into(), |s| fit(&sanitize(&s.seal_type), 6));
    let tn = seal
        .filter(|s| s.n > 0)
        .map_or("-".into(), |s| format!("{}/{}", s.t, s.n));
    let skew = n.time_skew_secs().map_or("-".into(), |s| format!("{s:+}s"));
    let skew_style = if n.time_skew_secs().is_some_and(|s| s.abs() > 5) {
        t.status_warn
    } else {
        t.text
    };
    let rtt = n
        .latency_ms
        .filter(|_| n.last_error.is_none())
        .map_or("-".into(), |ms| format!("{ms}ms"));
    Row::new(vec![
        Cell::from(addr),
        Cell::from(fit(
            &n.node_id.as_deref().map(sanitize).unwrap_or_default(),
            7,
        )),
        state,
        Cell::from(yes_no(h.map(|h| h.body.initialized))),
        Cell::from(sealed),
        Cell::from(version),
        Cell::from(seal_type),
        Cell::from(tn),
        Cell::from(prog),
        Cell::from(Span::styled(skew, skew_style)),
        Cell::from(rtt),
        Cell::from(Span::styled(fresh, fresh_style)),
    ])
}

/// The selected node's address and error, or its leader and storage.
fn detail<'a>(n: &NodeState, v: &HealthView) -> Line<'a> {
    let t = v.theme;
    let mut spans = vec![Span::styled(
        format!("▸ {} ", sanitize(&n.addr)),
        t.key_hint,
    )];
    if let Some(e) = &n.last_error {
        spans.push(Span::styled(
            sanitize(&e.to_string()).into_owned(),
            t.status_danger,
        ));
        if let Some(a) = n.health.age(v.now) {
            spans.push(Span::styled(
                format!(" · last good data {} ago", age::short(a)),
                t.stale,
            ));
        }
        return Line::from(spans);
    }
    if let Some(s) = n.seal.value() {
        if s.sealed {
            spans.push(Span::styled(
                format!(
                    "sealed: unseal progress {}/{} (threshold {} of {})",
                    s.progress, s.t, s.t, s.n
                ),
                t.sealed,
            ));
        } else if let Some(st) = &s.storage_type {
            spans.push(Span::styled(format!("storage {}", sanitize(st)), t.muted));
        }
    }
    if let Some(l) = n.leader.value().filter(|l| l.ha_enabled) {
        let role = if l.is_self {
            " · this node leads"
        } else {
            " · follows "
        };
        spans.push(Span::styled(role.to_string(), t.muted));
        if !l.is_self {
            spans.push(Span::styled(
                sanitize(&l.leader_address).into_owned(),
                t.text,
            ));
        }
    }
    Line::from(spans)
}
