//! Shared by the leases screen tests: the app on the healthy fixture cluster at the fixed
//! clock, and fixture leases (no real lease ids, times relative to the fixed clock).
#![allow(dead_code)]

use std::time::Duration;

use chrono::{DateTime, Utc};

use strongroom::app::{App, AppInit};
use strongroom::config::{ConnectionProfile, TokenSource};
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::vault::models::leases::LeaseInfo;

use super::health_fixtures;

pub fn app_ro(read_only: bool) -> App {
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
        force_read_only: read_only,
        warnings: vec![],
        now: health_fixtures::now(),
    });
    let _ = app.start();
    app.cluster = cluster;
    app.toasts.clear();
    app
}

pub fn app() -> App {
    app_ro(false)
}

pub fn now() -> DateTime<Utc> {
    health_fixtures::now()
}

/// A fixture lease: issued an hour before `now`, expiring `ttl` seconds after it.
pub fn lease(id: &str, ttl: Option<i64>, renewable: bool) -> LeaseInfo {
    LeaseInfo {
        id: id.into(),
        issue_time: Some(now() - chrono::Duration::hours(1)),
        expire_time: ttl.map(|t| now() + chrono::Duration::seconds(t)),
        last_renewal: None,
        renewable,
        ttl: ttl.unwrap_or(0),
    }
}

pub fn fixture() -> Vec<LeaseInfo> {
    vec![
        lease(
            "auth/approle/login/h0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            Some(3540),
            true,
        ),
        lease(
            "auth/approle/login/h1f0e1d2c3b4a59687766554433221100",
            Some(86_400),
            true,
        ),
        lease(
            "auth/token/create/h2c4e6a8b0d2f4a6c8e0b2d4f6a8c0e2f4",
            Some(240),
            false,
        ),
        lease(
            "database/creds/readonly/5gzIKIOuw8J2MfZ8UUZooQQK",
            Some(-30),
            true,
        ),
        lease(
            "database/creds/readonly/7Hq2LmNoPqRsTuVwXyZaBcDe",
            Some(7 * 86_400),
            true,
        ),
        lease("auth/token/root/h9e8d7c6b5a4", None, false),
    ]
}
