//! The nodes table: every node side by side, with a detail line for the selected one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{HealthView, Panel};
use crate::cluster::alerts::Skew;
use crate::cluster::{ClusterState, NodeState, NodeStatus};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::age;
use crate::ui::widgets::table::{self, Col, fit};

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
        Some(a) if n.health.is_stale() => (format!("stale {}", age::coarse(a)), v.theme.stale),
        Some(_) => ("live".into(), v.theme.muted),
    }
}

/// Columns of the nodes table, most important first by priority.
fn columns(cluster: &ClusterState) -> [Col; 13] {
    let addr_w = cluster
        .nodes
        .iter()
        .map(|n| sanitize(n.short_addr()).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 21);
    let id_w = cluster
        .nodes
        .iter()
        .filter_map(|n| n.node_id.as_deref())
        .map(|i| sanitize(i).chars().count())
        .max()
        .unwrap_or(2)
        .clamp(2, 10);
    let w = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    [
        Col::new("NODE", w(addr_w), 0),
        Col::new("ID", w(id_w), 5),
        Col::new("STATE", 13, 1),
        Col::new("INIT", 4, 11),
        Col::new("SEALED", 6, 3),
        Col::new("VERSION", 7, 9),
        Col::new("SEAL", 6, 12),
        Col::new("T/N", 4, 7),
        Col::new("PROG", 4, 4),
        Col::new("LEAD", 4, 6),
        Col::new("SKEW", 4, 10),
        Col::new("RTT", 5, 8),
        Col::new("DATA", 9, 2),
    ]
}

pub fn render(v: &HealthView, area: Rect, buf: &mut Buffer) {
    let t = v.theme;
    let cols = columns(v.cluster);
    let keep = table::fit_columns(&cols, area.width.saturating_sub(2));
    let (header, widths) = table::kept_layout(&cols, &keep);
    let nodes = visible_nodes(v.cluster, v.screen.filter());
    let rows: Vec<Row> = nodes
        .iter()
        .map(|n| table::kept_row(cells(n, v, &cols), &keep))
        .collect();
    let selected = v
        .screen
        .selected(Panel::Nodes)
        .min(nodes.len().saturating_sub(1));
    let footer = v.screen.selected_node(v.cluster).map(|n| detail(n, v));
    let (counts, trouble) = super::node_counts(v.cluster);
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

/// Every cell of a node's row, in column order.
fn cells<'a>(n: &NodeState, v: &HealthView, cols: &[Col; 13]) -> Vec<Cell<'a>> {
    let t = v.theme;
    let status = n.status();
    let h = n.health.value();
    let seal = n.seal.value();
    let width = |i: usize| usize::from(cols[i].width);
    let sealed = match h.map(|h| h.body.sealed) {
        Some(true) => Span::styled("yes", t.sealed),
        other => Span::styled(yes_no(other), t.text),
    };
    let prog = seal
        .filter(|s| s.sealed)
        .map_or("-".to_string(), |s| format!("{}/{}", s.progress, s.t));
    let version = h
        .and_then(|h| h.body.version.as_deref())
        .map_or("-".into(), |s| fit(&sanitize(s), width(5)));
    let seal_type = seal.map_or("-".into(), |s| fit(&sanitize(&s.seal_type), width(6)));
    let tn = seal
        .filter(|s| s.n > 0)
        .map_or("-".into(), |s| format!("{}/{}", s.t, s.n));
    let lead = match n.leader.value().filter(|l| l.ha_enabled) {
        Some(l) if l.is_self => Span::styled("yes", t.status_ok),
        Some(_) => Span::styled("no", t.text),
        None => Span::styled("-", t.muted),
    };
    // A server time that cannot be a clock is shown as invalid ("bad": the column is 4 wide;
    // the detail line says it in words), in the warning style.
    let (skew, skew_style) = match n.time_skew_secs() {
        None => ("-".to_string(), t.text),
        Some(Skew::Invalid) => ("bad".to_string(), t.status_warn),
        Some(Skew::Secs(s)) if s.unsigned_abs() > 5 => (age::skew(s), t.status_warn),
        Some(Skew::Secs(s)) => (age::skew(s), t.text),
    };
    let rtt = n
        .latency_ms
        .filter(|_| n.last_error.is_none())
        .map_or("-".into(), |ms| format!("{ms}ms"));
    let (fresh, fresh_style) = freshness(n, v);
    vec![
        Cell::from(fit(&sanitize(n.short_addr()), width(0))),
        Cell::from(fit(
            &n.node_id.as_deref().map(sanitize).unwrap_or_default(),
            width(1),
        )),
        Cell::from(Span::styled(status.label(), state_style(status, t))),
        Cell::from(yes_no(h.map(|h| h.body.initialized))),
        Cell::from(sealed),
        Cell::from(version),
        Cell::from(seal_type),
        Cell::from(tn),
        Cell::from(prog),
        Cell::from(lead),
        Cell::from(Span::styled(skew, skew_style)),
        Cell::from(rtt),
        Cell::from(Span::styled(fresh, fresh_style)),
    ]
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
    if n.time_skew_secs() == Some(Skew::Invalid) {
        spans.push(Span::styled(
            " · ⚠ server time invalid".to_string(),
            t.status_warn,
        ));
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
    // A failing node must be visible without selecting it: name the first one here.
    if let Some(other) = v
        .cluster
        .nodes
        .iter()
        .find(|o| o.addr != n.addr && o.last_error.is_some())
        && let Some(e) = &other.last_error
    {
        spans.push(Span::styled(
            format!(
                " · ⚠ {}: {}",
                sanitize(other.short_addr()),
                sanitize(&e.to_string())
            ),
            t.status_danger,
        ));
    }
    Line::from(spans)
}
