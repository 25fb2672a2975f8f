//! The cluster health screen (the start screen): a cluster line, the nodes side by side, raft
//! peers with autopilot, and key metrics with alert thresholds.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

mod actions;
mod chart;

pub use actions::HINTS;
mod layout;
mod metrics;
mod nodes;
mod raft;
mod spark;

use crate::cluster::{ClusterState, NodeState};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table;
use layout as health_layout;
use layout::{HealthLayout, RowCounts};
use metrics as health_metrics;
use nodes as health_nodes;
use raft as health_raft;

/// The panels of the screen; `tab` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Panel {
    #[default]
    Nodes,
    Raft,
    Metrics,
}

impl Panel {
    const ORDER: [Panel; 3] = [Panel::Nodes, Panel::Raft, Panel::Metrics];

    fn index(self) -> usize {
        match self {
            Panel::Nodes => 0,
            Panel::Raft => 1,
            Panel::Metrics => 2,
        }
    }
}

/// Screen state: focus, selection per panel, filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthScreen {
    pub focus: Panel,
    selected: [usize; 3],
    filter: String,
    /// The chart of the selected metric is open (over the nodes and raft panels).
    pub chart: bool,
}

impl HealthScreen {
    pub fn focus_next(&mut self) {
        self.focus = Panel::ORDER[(self.focus.index() + 1) % 3];
    }

    pub fn focus_prev(&mut self) {
        self.focus = Panel::ORDER[(self.focus.index() + 2) % 3];
    }

    pub fn selected(&self, panel: Panel) -> usize {
        self.selected[panel.index()]
    }

    fn row_count(&self, panel: Panel, cluster: &ClusterState) -> usize {
        match panel {
            Panel::Nodes => health_nodes::visible_nodes(cluster, &self.filter).len(),
            Panel::Raft => health_raft::row_count(cluster, &self.filter),
            Panel::Metrics => health_metrics::row_count(cluster, &self.filter),
        }
    }

    pub fn move_selection(&mut self, delta: isize, cluster: &ClusterState) {
        let n = self.row_count(self.focus, cluster);
        let i = &mut self.selected[self.focus.index()];
        *i = if n == 0 {
            0
        } else {
            i.saturating_add_signed(delta).min(n - 1)
        };
    }

    pub fn scroll(&mut self, delta: isize, cluster: &ClusterState) {
        self.move_selection(delta, cluster);
    }

    pub fn select_first(&mut self) {
        self.selected[self.focus.index()] = 0;
    }

    pub fn select_last(&mut self, cluster: &ClusterState) {
        let n = self.row_count(self.focus, cluster);
        self.selected[self.focus.index()] = n.saturating_sub(1);
    }

    pub fn set_filter(&mut self, f: String) {
        if f != self.filter {
            self.filter = f;
            self.selected = [0; 3];
        }
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// The node selected in the Nodes panel (first visible node by default).
    pub fn selected_node<'a>(&self, cluster: &'a ClusterState) -> Option<&'a NodeState> {
        let nodes = health_nodes::visible_nodes(cluster, &self.filter);
        let i = self.selected[0].min(nodes.len().saturating_sub(1));
        nodes.get(i).copied()
    }

    /// Rows per panel after the filter, for the layout.
    fn row_counts(&self, cluster: &ClusterState) -> RowCounts {
        RowCounts {
            nodes: self.row_count(Panel::Nodes, cluster),
            raft: self.row_count(Panel::Raft, cluster),
            metrics: self.row_count(Panel::Metrics, cluster),
        }
    }

    /// Which panel and row a mouse click at (`col`, `row`) hits: the row under the pointer, or
    /// the panel's current selection for a click on its border, header or detail line.
    pub fn hit_test(
        &self,
        area: Rect,
        cluster: &ClusterState,
        col: u16,
        row: u16,
    ) -> Option<(Panel, usize)> {
        let layout = health_layout::compute(area, self, self.row_counts(cluster));
        let (panel, rect, footer) = layout
            .panels()
            .into_iter()
            // The chart covers the panels above the metrics.
            .filter(|(p, ..)| !self.chart || *p == Panel::Metrics)
            .find(|(_, rect, _)| rect.contains((col, row).into()))?;
        let rows = self.row_count(panel, cluster);
        let visible = table::visible_rows(rect.height, footer);
        let first_row = rect.y + 2;
        let selected = self.selected(panel).min(rows.saturating_sub(1));
        if row < first_row || usize::from(row - first_row) >= visible {
            return Some((panel, selected));
        }
        let i = usize::from(row - first_row) + table::offset_for(selected, visible);
        (i < rows).then_some((panel, i))
    }

    /// Focus a panel and select a row (a mouse click).
    pub fn click(&mut self, panel: Panel, row: usize) {
        self.focus = panel;
        self.selected[panel.index()] = row;
    }
}

/// Borrowing view that renders the screen.
pub struct HealthView<'a> {
    pub cluster: &'a ClusterState,
    pub screen: &'a HealthScreen,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

impl Widget for HealthView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 || area.width == 0 {
            return;
        }
        let rows = self.screen.row_counts(self.cluster);
        let layout: HealthLayout = health_layout::compute(area, self.screen, rows);
        cluster_line(&self, area.width).render(layout.cluster_line, buf);
        if let Some(r) = layout.nodes {
            health_nodes::render(&self, r, buf);
        }
        if let Some(r) = layout.raft {
            health_raft::render(&self, r, buf);
        }
        if let Some(r) = layout.metrics {
            health_metrics::render(&self, r, layout.metrics_footer, buf);
        }
        if self.screen.chart
            && let Some(r) = layout.chart_area()
        {
            Clear.render(r, buf);
            chart::render(&self, r, buf);
        }
    }
}

/// Cluster name and id, HA, leader, raft committed/applied index. Narrow screens drop the id
/// and the address scheme.
fn cluster_line<'a>(v: &HealthView<'a>, width: u16) -> Line<'a> {
    let t = v.theme;
    let c = v.cluster;
    let wide = width >= 80;
    let health = c
        .nodes
        .iter()
        .find_map(|n| n.health.value().filter(|h| h.body.cluster_name.is_some()));
    let mut spans = Vec::new();
    match health {
        Some(h) => {
            let name = sanitize(h.body.cluster_name.as_deref().unwrap_or("?")).into_owned();
            spans.push(Span::styled("cluster ", t.muted));
            spans.push(Span::styled(name, t.title));
            let id: String = h
                .body
                .cluster_id
                .as_deref()
                .map(|i| sanitize(i).chars().take(8).collect())
                .unwrap_or_default();
            if wide && !id.is_empty() {
                spans.push(Span::styled(format!(" ({id}…)"), t.muted));
            }
        }
        None if c.nodes.iter().any(|n| n.health.value().is_some()) => {
            spans.push(Span::styled(
                "cluster ? (no unsealed node to name it)",
                t.status_warn,
            ));
        }
        None if c.nodes.iter().any(|n| n.health.error().is_some()) => {
            spans.push(Span::styled(
                "cluster unknown: no node answered",
                t.status_danger,
            ));
        }
        None => spans.push(Span::styled(
            "cluster … waiting for the first answer",
            t.muted,
        )),
    }
    let leader = c
        .nodes
        .iter()
        .find_map(|n| n.leader.value().filter(|_| !n.leader.is_stale()));
    match leader {
        Some(l) if l.ha_enabled => {
            spans.push(Span::styled("  HA on", t.muted));
            spans.push(Span::styled("  leader ", t.muted));
            if l.leader_address.is_empty() {
                spans.push(Span::styled("none", t.status_warn));
            } else {
                let addr = sanitize(&l.leader_address);
                let addr = if wide {
                    addr.into_owned()
                } else {
                    crate::addr::strip_scheme(&addr).to_string()
                };
                spans.push(Span::styled(addr, t.text));
            }
            if let (Some(ci), Some(ai)) = (l.raft_committed_index, l.raft_applied_index) {
                let text = if wide {
                    format!("  raft committed {ci} applied {ai}")
                } else {
                    format!("  raft {ci}/{ai}")
                };
                spans.push(Span::styled(text, t.muted));
            }
        }
        Some(_) => spans.push(Span::styled("  HA off (single node)", t.muted)),
        None if c.nodes.iter().any(|n| n.health.value().is_some()) => {
            spans.push(Span::styled("  no leader known", t.status_warn));
        }
        None => {}
    }
    Line::from(spans)
}

/// "3 nodes: 1 active, 1 standby, 1 sealed" for the nodes panel title, and whether any is in trouble.
pub(super) fn node_counts(c: &ClusterState) -> (String, bool) {
    use crate::cluster::NodeStatus as S;
    let count = |s: S| c.nodes.iter().filter(|n| n.status() == s).count();
    let n = c.nodes.len();
    let mut parts = Vec::new();
    for s in [
        S::Active,
        S::Standby,
        S::PerfStandby,
        S::Sealed,
        S::Uninitialized,
        S::Unreachable,
        S::Error,
    ] {
        let k = count(s);
        if k > 0 {
            parts.push(format!("{k} {}", s.label()));
        }
    }
    let trouble =
        count(S::Sealed) + count(S::Unreachable) + count(S::Uninitialized) + count(S::Error) > 0;
    let head = format!("{n} node{}", if n == 1 { "" } else { "s" });
    let mut text = if parts.is_empty() {
        head
    } else {
        format!("{head}: {}", parts.join(", "))
    };
    // Nodes found through sys/ha-status get no token; what was not followed is counted.
    let discovered = c.nodes.iter().filter(|n| n.discovered).count();
    if discovered > 0 {
        text += &format!(" · {discovered} discovered, polled without the token");
    }
    let d = &c.discovery;
    if d.not_followed > 0 {
        text += &format!(" · {} more listed, not followed", d.not_followed);
    }
    if d.rejected_count > 0 {
        text += &format!(" · {} listed address(es) refused", d.rejected_count);
    }
    (text, trouble || !d.is_empty())
}
