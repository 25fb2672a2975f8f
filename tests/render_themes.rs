//! One style snapshot per shipped theme on the health screen (one node sealed, one
//! unreachable), plus cell asserts for the critical cues.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::health::{HealthScreen, HealthView};

fn render(theme_name: &str, no_color: bool) -> Buffer {
    let themes = ThemeRegistry::load(None, no_color);
    let theme = themes.get(theme_name).expect("shipped theme");
    let cluster = health_fixtures::one_sealed_one_unreachable();
    let screen = HealthScreen::default();
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    term.draw(|f| {
        f.render_widget(
            HealthView {
                cluster: &cluster,
                screen: &screen,
                theme,
                now: health_fixtures::now(),
            },
            f.area(),
        )
    })
    .expect("draw");
    term.backend().buffer().clone()
}

/// Cells of the first occurrence of `text` on screen.
fn find(buf: &Buffer, text: &str) -> (u16, u16) {
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(i) = line.find(text) {
            let x = line[..i].chars().count() as u16;
            return (x, y);
        }
    }
    panic!("{text:?} not on screen");
}

#[test]
fn every_theme_has_a_style_snapshot() {
    for name in ["default", "light", "high-contrast", "mono"] {
        let buf = render(name, false);
        insta::assert_debug_snapshot!(format!("theme_{}", name.replace('-', "_")), buf);
    }
}

#[test]
fn sealed_and_unreachable_use_their_slots_in_every_theme() {
    for no_color in [false, true] {
        let themes = ThemeRegistry::load(None, no_color);
        for name in themes.names() {
            let theme = themes.get(&name).expect("theme");
            let buf = render(&name, no_color);
            let (x, y) = find(&buf, "sealed      ");
            let cell = &buf[(x, y)];
            assert_eq!(
                cell.fg,
                theme.sealed.fg.unwrap_or(cell.fg),
                "{name}: sealed fg"
            );
            assert!(
                cell.modifier.contains(theme.sealed.add_modifier),
                "{name}: sealed modifiers"
            );
            let (x, y) = find(&buf, "unreachable  ");
            let cell = &buf[(x, y)];
            assert_eq!(
                cell.fg,
                theme.status_danger.fg.unwrap_or(cell.fg),
                "{name}: danger fg"
            );
            if no_color {
                // Without colour the cue must still be visible.
                assert!(
                    cell.modifier
                        .intersects(Modifier::BOLD | Modifier::REVERSED),
                    "{name}: no-colour danger cue"
                );
            }
        }
    }
}
