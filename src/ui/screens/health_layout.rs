//! Where the health screen's panels go, for render and mouse hit tests alike.

use ratatui::layout::Rect;

use super::health::{HealthScreen, Panel};

pub struct HealthLayout {
    pub cluster_line: Rect,
    pub nodes: Option<Rect>,
    pub raft: Option<Rect>,
    pub metrics: Option<Rect>,
}

impl HealthLayout {
    /// Panels with their rects and whether they carry a footer line.
    pub fn panels(&self) -> Vec<(Panel, Rect, bool)> {
        let mut v = Vec::new();
        if let Some(r) = self.nodes {
            v.push((Panel::Nodes, r, true));
        }
        if let Some(r) = self.raft {
            v.push((Panel::Raft, r, false));
        }
        if let Some(r) = self.metrics {
            v.push((Panel::Metrics, r, false));
        }
        v
    }
}

/// Nodes first (header, up to 5 rows, a detail line); then raft and metrics when there is room,
/// otherwise only the focused one of them (or metrics while the nodes are focused).
pub fn compute(area: Rect, screen: &HealthScreen, node_rows: usize) -> HealthLayout {
    let cluster_line = Rect {
        height: area.height.min(1),
        ..area
    };
    let rest = Rect {
        y: area.y + cluster_line.height,
        height: area.height.saturating_sub(cluster_line.height),
        ..area
    };
    let wanted = u16::try_from(node_rows + 4).unwrap_or(9).clamp(5, 9);
    let nodes_h = rest.height.min(wanted);
    let nodes = (nodes_h >= 3).then_some(Rect {
        height: nodes_h,
        ..rest
    });
    let below = Rect {
        y: rest.y + nodes_h,
        height: rest.height.saturating_sub(nodes_h),
        ..rest
    };
    let mut layout = HealthLayout {
        cluster_line,
        nodes,
        raft: None,
        metrics: None,
    };
    if below.height < 3 {
        return layout;
    }
    if below.height >= 14 {
        let raft_h = (below.height / 2).clamp(6, 7);
        layout.raft = Some(Rect {
            height: raft_h,
            ..below
        });
        layout.metrics = Some(Rect {
            y: below.y + raft_h,
            height: below.height - raft_h,
            ..below
        });
    } else if screen.focus == Panel::Raft {
        layout.raft = Some(below);
    } else {
        layout.metrics = Some(below);
    }
    layout
}
