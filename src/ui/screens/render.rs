//! Drawing the current screen: one arm per screen, each handing its state to its view.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::*;
use crate::theme::Theme;

impl Screen {
    pub fn render(&self, ctx: &ScreenCtx, theme: &Theme, area: Rect, buf: &mut Buffer) {
        use ratatui::widgets::Widget;
        match self {
            Screen::Health(s) => health::HealthView {
                cluster: ctx.cluster,
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::Mounts(s) => MountsView {
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::MountDetail(s) => s.render(theme, area, buf),
            Screen::Search(s) => SearchView { screen: s, theme }.render(area, buf),
            Screen::Copy(s) => CopyView { screen: s, theme }.render(area, buf),
            Screen::Secrets(s) => BrowserView {
                screen: s,
                theme,
                namespace: ctx.namespace,
            }
            .render(area, buf),
            Screen::Secret(s) => SecretViewWidget {
                view: s,
                theme,
                now: ctx.now,
                namespace: ctx.namespace,
            }
            .render(area, buf),
            Screen::Editor(s) => s.render(theme, area, buf),
            Screen::Tools(s) => tools::ToolsView { screen: s, theme }.render(area, buf),
            Screen::Versions(s) => versions::VersionsView {
                screen: s,
                theme,
                now: ctx.now,
                namespace: ctx.namespace,
            }
            .render(area, buf),
            Screen::Tokens(s) => tokens::TokensView {
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::Radar(s) => radar::RadarView {
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::Leases(s) => leases::LeasesView {
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::Unseal(s) => unseal::UnsealView {
                screen: s,
                cluster: ctx.cluster,
                theme,
            }
            .render(area, buf),
            Screen::GenerateRoot(s) => {
                generate_root::GenerateRootView { screen: s, theme }.render(area, buf)
            }
            Screen::Init(s) => init::InitView { screen: s, theme }.render(area, buf),
            Screen::Rekey(s) => rekey::RekeyView { screen: s, theme }.render(area, buf),
            Screen::Raft(s) => raft::RaftView {
                screen: s,
                cluster: ctx.cluster,
                theme,
            }
            .render(area, buf),
            Screen::Policies(s) => policies::PoliciesView {
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::Audit(s) => audit::AuditView {
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::Runbook(s) => runbook::RunbookView {
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::Fleet(s) => fleet::FleetView {
                screen: s,
                ctx,
                theme,
            }
            .render(area, buf),
            Screen::Logs(s) => logs::LogsView {
                screen: s,
                ctx,
                theme,
            }
            .render(area, buf),
        }
    }
}
