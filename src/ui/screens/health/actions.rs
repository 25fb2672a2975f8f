//! What the health screen does with an action: move and focus, seal a node, seal every
//! configured node (one typed confirmation: the cluster's name), step down the active node.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::HealthScreen;
use crate::action::Action;
use crate::app::ToastLevel;
use crate::cluster::NodeState;
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::write_gate::raft::RaftMutation;
use crate::write_gate::{Mutation, Write};

/// The footer's offer on this screen.
pub const HINTS: &[Action] = &[
    Action::Help,
    Action::CommandLine,
    Action::Filter,
    Action::FocusNext,
    Action::Chart,
    Action::Refresh,
    Action::SealNode,
    Action::StepDown,
    Action::Quit,
];

impl HealthScreen {
    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        let c = ctx.cluster;
        match a {
            Action::Back if self.chart => self.chart = false,
            Action::Chart => self.open_chart(),
            Action::Select if self.focus == super::Panel::Metrics => self.open_chart(),
            Action::Up => self.move_selection(-1, c),
            Action::Down => self.move_selection(1, c),
            Action::PageUp => self.move_selection(-10, c),
            Action::PageDown => self.move_selection(10, c),
            Action::Top => self.select_first(),
            Action::Bottom => self.select_last(c),
            Action::FocusNext => self.focus_next(),
            Action::FocusPrev => self.focus_prev(),
            Action::SealNode => {
                return Some(vec![match self.selected_node(c) {
                    Some(n) if n.discovered => not_configured(n, "seal it"),
                    Some(n) => Effect::Write(Write::One(Mutation::SealNode {
                        addr: n.addr.clone(),
                    })),
                    None => Effect::Toast("select a node to seal".into(), ToastLevel::Warn),
                }]);
            }
            Action::SealAll => {
                let addrs: Vec<String> = c
                    .nodes
                    .iter()
                    .filter(|n| !n.discovered && n.status().is_unsealed())
                    .map(|n| n.addr.clone())
                    .collect();
                return Some(vec![if addrs.is_empty() {
                    Effect::Toast("no configured node is unsealed".into(), ToastLevel::Warn)
                } else {
                    // One typed confirmation: the cluster's name.
                    Effect::Write(Write::One(Mutation::Raft(RaftMutation::SealCluster {
                        cluster: c.display_name(),
                        addrs,
                    })))
                }]);
            }
            Action::StepDown => {
                return Some(vec![match c.active() {
                    Some(n) if n.discovered => not_configured(n, "step it down"),
                    Some(n) => Effect::Write(Write::One(Mutation::StepDown {
                        addr: n.addr.clone(),
                    })),
                    None => Effect::Toast("no active node to step down".into(), ToastLevel::Warn),
                }]);
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Open the chart of the selected metric; the metrics panel takes the focus (j/k pick
    /// another metric, the chart follows).
    fn open_chart(&mut self) {
        self.focus = super::Panel::Metrics;
        self.chart = true;
    }

    pub fn on_mouse(&mut self, m: MouseEvent, ctx: &ScreenCtx) -> bool {
        match m.kind {
            MouseEventKind::ScrollDown => self.scroll(3, ctx.cluster),
            MouseEventKind::ScrollUp => self.scroll(-3, ctx.cluster),
            MouseEventKind::Down(MouseButton::Left) => {
                match self.hit_test(ctx.body, ctx.cluster, m.column, m.row) {
                    Some((panel, row)) => self.click(panel, row),
                    None => return false,
                }
            }
            _ => return false,
        }
        true
    }
}

fn not_configured(n: &NodeState, what: &str) -> Effect {
    Effect::Toast(
        format!(
            "{} was discovered, not configured: the token is only sent to configured addresses \
             (add it with --addr to {what})",
            sanitize(n.short_addr())
        ),
        ToastLevel::Warn,
    )
}
