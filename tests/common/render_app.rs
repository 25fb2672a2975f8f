//! The app of the render snapshots: the healthy sandbox cluster of `health_fixtures` (the test
//! crate declares that module), the fixed clock, the default theme and keymap, one screen pushed
//! on top of the health screen.

use std::time::Duration;

use strongroom::app::{App, AppInit};
use strongroom::config::{ConnectionProfile, TokenSource};
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;

use super::health_fixtures;

pub fn app_with(screen: Screen) -> App {
    let mut app = base_app();
    app.push_screen(screen);
    app
}

/// The same app on the health screen (nothing pushed).
pub fn base_app() -> App {
    let cluster = health_fixtures::healthy_cluster();
    let profile = ConnectionProfile {
        token_source: TokenSource::Sandbox,
        ..ConnectionProfile::new("sandbox", cluster.node_addrs())
    };
    let mut app = App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: health_fixtures::now(),
    });
    let _ = app.start();
    app.cluster = cluster;
    app.toasts.clear();
    app
}
