//! Where the health screen's panels go, for render and mouse hit tests alike.

use ratatui::layout::Rect;

use super::{HealthScreen, Panel};
use crate::ui::widgets::table;

/// How many rows each panel has to show (after the filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowCounts {
    pub nodes: usize,
    pub raft: usize,
    pub metrics: usize,
}

pub struct HealthLayout {
    pub cluster_line: Rect,
    pub nodes: Option<Rect>,
    pub raft: Option<Rect>,
    pub metrics: Option<Rect>,
    /// The metrics panel has room for its detail line.
    pub metrics_footer: bool,
}

impl HealthLayout {
    /// Where the metric chart goes: over the nodes and raft panels, above the metrics.
    pub fn chart_area(&self) -> Option<Rect> {
        let top = self.nodes.or(self.raft)?;
        let bottom = self.raft.or(self.nodes)?;
        let height = (bottom.y + bottom.height).saturating_sub(top.y);
        (height >= 5).then_some(Rect { height, ..top })
    }

    /// Panels with their rects and whether a footer (detail) line is drawn inside.
    pub fn panels(&self) -> Vec<(Panel, Rect, bool)> {
        let mut v = Vec::new();
        if let Some(r) = self.nodes {
            v.push((Panel::Nodes, r, table::footer_fits(r.height)));
        }
        if let Some(r) = self.raft {
            v.push((Panel::Raft, r, false));
        }
        if let Some(r) = self.metrics {
            v.push((Panel::Metrics, r, self.metrics_footer));
        }
        v
    }
}

/// Lines a table panel needs: borders, header, its rows (one for a message when empty).
fn wanted(rows: usize) -> u16 {
    u16::try_from(rows.max(1) + 3).unwrap_or(u16::MAX)
}

/// The smallest metrics panel worth drawing next to raft: borders, header, four rows.
const METRICS_MIN: u16 = 7;

/// The cluster line, then the nodes table (header, its rows up to 7, a detail line) always
/// first; below it raft (sized to its servers) and metrics when both fit, otherwise only the
/// focused one of them (metrics while the nodes are focused).
pub fn compute(area: Rect, screen: &HealthScreen, rows: RowCounts) -> HealthLayout {
    let cluster_line = Rect {
        height: area.height.min(1),
        ..area
    };
    let rest = Rect {
        y: area.y + cluster_line.height,
        height: area.height.saturating_sub(cluster_line.height),
        ..area
    };
    let nodes_h = rest.height.min((wanted(rows.nodes) + 1).clamp(5, 11));
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
        metrics_footer: false,
    };
    if below.height < 3 {
        return layout;
    }
    let raft_want = wanted(rows.raft).max(4);
    if below.height >= raft_want + METRICS_MIN {
        layout.raft = Some(Rect {
            height: raft_want,
            ..below
        });
        layout.metrics = Some(Rect {
            y: below.y + raft_want,
            height: below.height - raft_want,
            ..below
        });
    } else if screen.focus == Panel::Raft {
        layout.raft = Some(below);
    } else {
        layout.metrics = Some(below);
    }
    layout.metrics_footer = layout
        .metrics
        .is_some_and(|r| r.height > wanted(rows.metrics));
    layout
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> RowCounts {
        RowCounts {
            nodes: 3,
            raft: 3,
            metrics: 6,
        }
    }

    #[test]
    fn a_roomy_screen_shows_every_panel() {
        let l = compute(Rect::new(0, 1, 100, 28), &HealthScreen::default(), rows());
        assert_eq!(l.nodes.map(|r| (r.y, r.height)), Some((2, 7)));
        assert_eq!(l.raft.map(|r| (r.y, r.height)), Some((9, 6)));
        assert_eq!(l.metrics.map(|r| (r.y, r.height)), Some((15, 14)));
        assert!(l.metrics_footer);
    }

    #[test]
    fn a_small_screen_keeps_the_nodes_first_and_shows_the_focused_lower_panel() {
        let mut s = HealthScreen::default();
        let l = compute(Rect::new(0, 1, 60, 14), &s, rows());
        assert_eq!(l.nodes.map(|r| r.height), Some(7));
        assert!(l.raft.is_none());
        assert_eq!(l.metrics.map(|r| r.height), Some(6));
        assert!(!l.metrics_footer);
        s.focus_next();
        s.focus_next();
        assert_eq!(s.focus, Panel::Metrics);
        s.focus_prev();
        let l = compute(Rect::new(0, 1, 60, 14), &s, rows());
        assert!(l.metrics.is_none());
        assert_eq!(l.raft.map(|r| r.height), Some(6));
    }

    #[test]
    fn a_tiny_screen_draws_what_fits() {
        let l = compute(Rect::new(0, 0, 60, 4), &HealthScreen::default(), rows());
        assert_eq!(l.nodes.map(|r| r.height), Some(3));
        assert!(l.raft.is_none() && l.metrics.is_none());
        let l = compute(Rect::new(0, 0, 60, 0), &HealthScreen::default(), rows());
        assert!(l.nodes.is_none());
    }
}
