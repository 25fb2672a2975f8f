//! Leases against a real `bao server -dev` (and, for database-credential leases, a real PostgreSQL:
//! renewed, then revoked by prefix from the screen and checked gone in `pg_roles`):
//! the inventory job over approle-login and `auth/token/create` leases (counts and soonest
//! expiry per prefix, cancel), and the leases screen driving a real worker: revoke (sync and
//! not), revoke-prefix with the counted phrase (the prefix then lists nothing), force
//! revoke-prefix, tidy, renew (the TTL changes; above the max TTL the server's cap warning is
//! shown), and read-only mode refusing every one of them while the server keeps its leases.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
mod leases_support;

use chrono::Utc;
use crossterm::event::KeyCode;
use tokio_util::sync::CancellationToken;

use common::dev::DevServer;
use leases_support::*;
use strongroom::jobs::leases::run_lease_inventory;
use strongroom::jobs::{JobEvent, JobReport};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::leases::{LeasesScreen, Phase};
use strongroom::vault::models::leases::LeaseInfo;
use strongroom::write_gate::Confirmation;

fn client(dev: &DevServer) -> strongroom::vault::VaultClient {
    let settings = strongroom::vault::ClientSettings {
        token: Some(std::sync::Arc::new(strongroom::secret::token_from(
            &dev.root_token,
        ))),
        ..Default::default()
    };
    strongroom::vault::VaultClient::connect(&dev.addr, settings).expect("client")
}

fn screen(app: &strongroom::app::App) -> &LeasesScreen {
    match app.screen() {
        Screen::Leases(s) => s,
        other => panic!("not on the leases screen: {}", other.title()),
    }
}

/// Put the tree's selection on `prefix`.
fn select_prefix(app: &mut strongroom::app::App, prefix: &str) {
    app.update(key(KeyCode::Home));
    for _ in 0..30 {
        if screen(app).selected_prefix() == prefix {
            return;
        }
        app.update(key(KeyCode::Down));
    }
    panic!("no prefix {prefix} in the tree");
}

/// Move the lease selection to a lease that expires (not the dev root token's).
fn with_expiry(app: &mut strongroom::app::App) {
    for _ in 0..30 {
        if screen(app)
            .selected()
            .is_some_and(|l| l.expire_time.is_some())
        {
            return;
        }
        app.update(key(KeyCode::Down));
    }
    panic!("no expiring lease in the list");
}

/// The typed phrase the gate waits for.
fn phrase(app: &strongroom::app::App) -> String {
    match app.gate.pending().map(|p| p.confirmation.clone()) {
        Some(Confirmation::Typed { phrase }) => phrase,
        other => panic!("no typed confirmation: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inventory_counts_leases_and_soonest_expiry_per_prefix() {
    let dev = DevServer::start();
    let root = client(&dev);
    approle_logins(&root, 5).await;
    // The dev server's root token has its own lease there already.
    let before = root
        .lease_list("auth/token/create/")
        .await
        .expect("list")
        .len();
    created_tokens(&root, 3, "30m").await;
    let start = Utc::now();
    let cancel = CancellationToken::new();
    let mut leases: Vec<LeaseInfo> = Vec::new();
    let mut reports = 0;
    let mut emit = |e: JobEvent| {
        if let JobEvent::Report(r) = e
            && let JobReport::Leases(b) = *r
        {
            reports += 1;
            leases.extend(b.leases);
        }
    };
    let last = run_lease_inventory(&root, "auth/", 16, &cancel, &mut emit).await;
    let JobEvent::Done(p) = last else {
        panic!("{last:?}")
    };
    assert!(reports >= 1);
    assert_eq!(p.done as usize, leases.len());
    let approle: Vec<LeaseInfo> = leases
        .iter()
        .filter(|l| l.id.starts_with("auth/approle/login/"))
        .cloned()
        .collect();
    let s = LeasesScreen::with_leases("auth/", leases, Utc::now());
    let count = |p: &str| s.tree.stats(p).map_or(0, |x| x.count);
    assert_eq!(count("auth/approle/login/"), 5);
    assert_eq!(count("auth/token/create/"), before as u64 + 3);
    assert_eq!(count("auth/"), 5 + before as u64 + 3);
    // Soonest: the 30-minute tokens under auth/token/create/ and auth/; an hour for approle.
    let soonest = |p: &str| {
        (s.tree.stats(p).and_then(|x| x.soonest).expect("an expiry") - start).num_seconds()
    };
    assert!(
        (1700..=1810).contains(&soonest("auth/token/create/")),
        "{}",
        soonest("auth/token/create/")
    );
    assert_eq!(soonest("auth/"), soonest("auth/token/create/"));
    assert!((3500..=3610).contains(&soonest("auth/approle/login/")));
    // Every login lease has its times (the dev root token's lease alone never expires).
    assert_eq!(approle.len(), 5);
    assert!(
        approle
            .iter()
            .all(|l| l.issue_time.is_some() && l.expire_time.is_some()),
        "{approle:?}"
    );

    // A cancelled inventory stops at once.
    let cancel = CancellationToken::new();
    cancel.cancel();
    let mut none = |_: JobEvent| {};
    let last = run_lease_inventory(&root, "", 16, &cancel, &mut none).await;
    assert!(matches!(last, JobEvent::Done(_)), "{last:?}");
    // An empty prefix is an empty inventory, not an error.
    let mut none = |_: JobEvent| {};
    let last =
        run_lease_inventory(&root, "database/", 16, &CancellationToken::new(), &mut none).await;
    assert!(matches!(last, JobEvent::Done(p) if p.done == 0), "{last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_revoke_prefix_force_and_tidy_from_the_screen() {
    let dev = DevServer::start();
    let root = client(&dev);
    approle_logins(&root, 5).await;
    approle_logins_at(&root, "approle2", 3).await;
    let before = root
        .lease_list("auth/token/create/")
        .await
        .expect("list")
        .len() as u64;
    created_tokens(&root, 4, "1h").await;
    let mut app = app_for(&dev.addr, &dev.root_token, false);
    let (handle, mut rx) = worker_for(&app);
    let cmds = app.run_command("leases auth/");
    pump(&mut app, &handle, &mut rx, cmds, job_ended).await;
    assert_eq!(screen(&app).phase, Phase::Ready);
    assert_eq!(
        screen(&app)
            .tree
            .stats("auth/token/create/")
            .map(|s| s.count),
        Some(before + 4)
    );

    // Revoke one token lease (sync), confirmed with y: gone on the server, the prefix is
    // taken again.
    select_prefix(&mut app, "auth/token/create/");
    app.update(key(KeyCode::Enter));
    with_expiry(&mut app);
    let victim = screen(&app).selected().expect("a lease").id.clone();
    app.update(key(KeyCode::Char('d')));
    let cmds = app.update(key(KeyCode::Char('y')));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    assert_eq!(root.lease_lookup(&victim).await.expect("lookup"), None);
    pump(&mut app, &handle, &mut rx, Vec::new(), job_ended).await;
    assert_eq!(
        screen(&app)
            .tree
            .stats("auth/token/create/")
            .map(|s| s.count),
        Some(before + 3)
    );

    // sync off: answered 202, revoked in the background.
    app.update(key(KeyCode::Char('s')));
    assert!(!screen(&app).sync);
    with_expiry(&mut app);
    let victim = screen(&app).selected().expect("a lease").id.clone();
    app.update(key(KeyCode::Char('d')));
    let cmds = app.update(key(KeyCode::Char('y')));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    assert!(
        app.toasts.iter().all(|t| !t.text.contains("failed")),
        "{:?}",
        app.toasts
    );
    pump(&mut app, &handle, &mut rx, Vec::new(), job_ended).await;
    let mut gone = false;
    for _ in 0..50 {
        if root.lease_lookup(&victim).await.expect("lookup").is_none() {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone, "the async revocation never happened");
    app.update(key(KeyCode::Char('s')));

    // Revoke-prefix: the phrase names the 5 approle leases; the prefix then lists nothing.
    app.update(key(KeyCode::Esc));
    select_prefix(&mut app, "auth/approle/login/");
    app.update(key(KeyCode::Char('D')));
    let p = phrase(&app);
    assert_eq!(p, "revoke 5 leases at auth/approle/login/");
    keys(&mut app, &p);
    let cmds = app.update(key(KeyCode::Enter));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    let left = root.lease_list("auth/approle/login/").await.expect("list");
    assert!(left.is_empty(), "{left:?} {:?}", app.toasts);
    pump(&mut app, &handle, &mut rx, Vec::new(), job_ended).await;
    assert_eq!(screen(&app).tree.stats("auth/approle/login/"), None);

    // Force revoke-prefix of the second approle mount's leases (the count from the inventory).
    select_prefix(&mut app, "auth/approle2/login/");
    app.update(key(KeyCode::Char('F')));
    let p = phrase(&app);
    assert_eq!(p, "force-revoke 3 leases at auth/approle2/login/");
    assert!(
        app.gate
            .pending()
            .is_some_and(|w| w.spec.description.contains("may stay valid")),
    );
    keys(&mut app, &p);
    let cmds = app.update(key(KeyCode::Enter));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    assert!(
        root.lease_list("auth/approle2/login/")
            .await
            .expect("list")
            .is_empty()
    );
    pump(&mut app, &handle, &mut rx, Vec::new(), job_ended).await;

    // Tidy, confirmed with y.
    app.update(key(KeyCode::Char('t')));
    let cmds = app.update(key(KeyCode::Char('y')));
    assert!(!cmds.is_empty());
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    assert!(
        app.toasts.iter().any(|t| t.text == "tidy leases"),
        "{:?}",
        app.toasts
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_mode_blocks_every_lease_write_and_the_server_keeps_its_leases() {
    let dev = DevServer::start();
    let root = client(&dev);
    approle_logins(&root, 3).await;
    let mut app = app_for(&dev.addr, &dev.root_token, true);
    let (handle, mut rx) = worker_for(&app);
    let cmds = app.run_command("leases auth/approle/");
    pump(&mut app, &handle, &mut rx, cmds, job_ended).await;
    select_prefix(&mut app, "auth/approle/login/");
    app.update(key(KeyCode::Enter));
    let mut sent = Vec::new();
    app.update(key(KeyCode::Char('r')));
    sent.extend(app.update(key(KeyCode::Enter)));
    sent.extend(app.update(key(KeyCode::Char('d'))));
    app.update(key(KeyCode::Esc));
    for k in ['D', 'F', 't'] {
        sent.extend(app.update(key(KeyCode::Char(k))));
        sent.extend(app.update(key(KeyCode::Char('y'))));
    }
    assert!(
        !sent
            .iter()
            .any(|c| matches!(c, strongroom::command::Command::Write { .. })),
        "{sent:?}"
    );
    let refused = app
        .toasts
        .iter()
        .filter(|t| t.text.starts_with("read-only mode:"))
        .count();
    assert!(refused >= 3, "{:?}", app.toasts);
    assert_eq!(
        root.lease_list("auth/approle/login/")
            .await
            .expect("list")
            .len(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renew_changes_the_ttl_and_shows_the_servers_cap() {
    let pg = common::postgres::shared();
    let dev = DevServer::start();
    let root = client(&dev);
    common::postgres::database_mount(&root, &pg, "lsr").await;
    let mut users = Vec::new();
    for _ in 0..2 {
        let creds = call(
            &root,
            reqwest::Method::GET,
            "database/creds/readonly",
            serde_json::json!({}),
        )
        .await;
        users.push(
            creds
                .pointer("/data/username")
                .and_then(serde_json::Value::as_str)
                .expect("a generated user")
                .to_string(),
        );
    }
    assert_eq!(pg.roles_present(&users).expect("pg_roles").len(), 2);
    let mut app = app_for(&dev.addr, &dev.root_token, false);
    let (handle, mut rx) = worker_for(&app);
    let cmds = app.run_command("leases database/");
    pump(&mut app, &handle, &mut rx, cmds, job_ended).await;
    select_prefix(&mut app, "database/creds/readonly/");
    assert_eq!(
        screen(&app)
            .tree
            .stats("database/creds/readonly/")
            .map(|s| s.count),
        Some(2)
    );
    app.update(key(KeyCode::Enter));
    let id = screen(&app).selected().expect("a lease").id.clone();
    assert!(
        screen(&app)
            .selected()
            .is_some_and(|l| l.renewable && l.ttl > 3000)
    );

    // 30m: the TTL drops from about an hour to 30 minutes.
    app.update(key(KeyCode::Char('r')));
    app.update(ctrl('u'));
    keys(&mut app, "30m");
    let cmds = app.update(key(KeyCode::Enter));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    let ttl = root
        .lease_lookup(&id)
        .await
        .expect("lookup")
        .expect("the lease")
        .ttl;
    assert!((1700..=1800).contains(&ttl), "{ttl}");
    assert!(
        app.toasts.iter().any(|t| t.text.contains("TTL now 30m")),
        "{:?}",
        app.toasts
    );
    pump(&mut app, &handle, &mut rx, Vec::new(), job_ended).await;

    // 30h is above the role's max TTL (24h): capped, and the server's warning is shown.
    select_prefix(&mut app, "database/creds/readonly/");
    app.update(key(KeyCode::Enter));
    let id = screen(&app).selected().expect("a lease").id.clone();
    app.update(key(KeyCode::Char('r')));
    app.update(ctrl('u'));
    keys(&mut app, "30h");
    let cmds = app.update(key(KeyCode::Enter));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("capped: ") && t.text.contains("max_ttl")),
        "{:?}",
        app.toasts
    );
    let ttl = root
        .lease_lookup(&id)
        .await
        .expect("lookup")
        .expect("the lease")
        .ttl;
    assert!(ttl <= 86_400 && ttl > 3600, "{ttl}");
    pump(&mut app, &handle, &mut rx, Vec::new(), job_ended).await;

    // Revoke-prefix from the screen (the phrase counts both credentials): the generated
    // roles are gone from PostgreSQL.
    app.update(key(KeyCode::Esc));
    select_prefix(&mut app, "database/creds/readonly/");
    app.update(key(KeyCode::Char('D')));
    let p = phrase(&app);
    assert_eq!(p, "revoke 2 leases at database/creds/readonly/");
    keys(&mut app, &p);
    let cmds = app.update(key(KeyCode::Enter));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    assert_eq!(
        pg.roles_present(&users).expect("pg_roles"),
        Vec::<String>::new(),
        "{:?}",
        app.toasts
    );
    drop(dev);
}
