//! The built-in "leaked database credential" runbook end to end against a real `bao server -dev`
//! (with a file audit device) and a real PostgreSQL: for a dynamic credential every lease of the
//! role is revoked (the users are gone from PostgreSQL); for the root credential the connection's
//! root password is rotated (the old one no longer logs in, Vault still issues); for a static role
//! its password is rotated. The journal holds no password.
#![allow(clippy::expect_used)]

mod common;
mod runbook_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::dev::DevServer;
use common::postgres::{self, database_mount};
use runbook_support::Driver;
use secrecy::ExposeSecret;
use strongroom::runbook::library;
use strongroom::vault::database::StaticRole;
use strongroom::vault::worker::Worker;
use strongroom::vault::{ClientSettings, VaultClient};
use strongroom::write_gate::Risk;

fn client(dev: &DevServer) -> VaultClient {
    let settings = ClientSettings {
        token: Some(Arc::new(strongroom::secret::token_from(&dev.root_token))),
        ..ClientSettings::default()
    };
    VaultClient::connect(&dev.addr, settings).expect("client")
}

fn worker(dev: &DevServer) -> Worker {
    let profile = common::profile_for(std::slice::from_ref(&dev.addr), Some(&dev.root_token));
    Worker::new(&profile).expect("worker")
}

fn answers(kind: &'static str, role: &'static str) -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("db_mount", "database"),
        ("cred_kind", kind),
        ("role", role),
        ("connection", "pg"),
        ("exposed_since", "-1h"),
    ])
}

async fn run(dev: &DevServer, answers: &BTreeMap<&str, &str>) -> (Driver, tempfile::TempDir) {
    let lib = library::builtin();
    let rb = lib
        .get("leaked-database-credential")
        .expect("built-in")
        .clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = Driver::start(rb, &dev.addr, dir.path(), false);
    d.run_all(&worker(dev), answers).await;
    assert!(d.run.finished.is_some(), "the run ended");
    assert!(d.run.contained_at.is_some(), "containment recorded");
    (d, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaked_dynamic_credential_loses_every_lease_of_its_role() {
    let dev = DevServer::start_with_abs_audit();
    let pg = postgres::shared();
    let c = client(&dev);
    database_mount(&c, &pg, "rb1").await;
    let mut issued = Vec::new();
    for _ in 0..3 {
        issued.push(
            c.database_creds("database", "readonly")
                .await
                .expect("creds"),
        );
    }
    for cr in &issued {
        assert!(pg.can_login(&cr.username, &cr.password).expect("psql"));
    }
    let (d, _dir) = run(&dev, &answers("dynamic", "readonly")).await;
    for cr in &issued {
        assert!(
            !pg.can_login(&cr.username, &cr.password).expect("psql"),
            "{} still logs in after the runbook",
            cr.username
        );
    }
    let names: Vec<String> = issued.iter().map(|c| c.username.clone()).collect();
    assert!(pg.roles_present(&names).expect("pg_roles").is_empty());
    let revoke = d.plan_of("revoke_dynamic").expect("revoke planned");
    assert!(
        matches!(revoke.risk, Some(Risk::Typed(ref p)) if p.contains('3')),
        "{revoke:?}"
    );
    let text = std::fs::read_to_string(&d.journal).expect("journal");
    for cr in &issued {
        assert!(
            !text.contains(cr.password.expose_secret()),
            "a password is in the journal"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaked_root_credential_is_rotated_at_the_database() {
    let dev = DevServer::start_with_abs_audit();
    let pg = postgres::shared();
    let c = client(&dev);
    let (root_user, target) = database_mount(&c, &pg, "rb2").await;
    assert!(pg.can_login(&root_user, &target.password).expect("psql"));
    let (d, _dir) = run(&dev, &answers("root", "readonly")).await;
    assert!(
        !pg.can_login(&root_user, &target.password).expect("psql"),
        "the old root password still logs in"
    );
    let cr = c
        .database_creds("database", "readonly")
        .await
        .expect("Vault still issues credentials");
    assert!(pg.can_login(&cr.username, &cr.password).expect("psql"));
    let rotate = d.plan_of("rotate_root").expect("rotate planned");
    assert!(matches!(rotate.risk, Some(Risk::Typed(_))), "{rotate:?}");
    c.lease_revoke_prefix("database/", true)
        .await
        .expect("clean up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaked_static_credential_gets_a_new_password() {
    let dev = DevServer::start_with_abs_audit();
    let pg = postgres::shared();
    let c = client(&dev);
    database_mount(&c, &pg, "rb3").await;
    pg.create_role("rb3_app", false).expect("create rb3_app");
    c.database_static_role_write(
        "database",
        "app",
        &StaticRole {
            db_name: "pg".into(),
            username: "rb3_app".into(),
            rotation_period: "24h".into(),
        },
    )
    .await
    .expect("static role");
    let before = c
        .database_static_creds("database", "app")
        .await
        .expect("static-creds");
    assert!(pg.can_login("rb3_app", &before.password).expect("psql"));
    let (d, _dir) = run(&dev, &answers("static", "app")).await;
    assert!(
        !pg.can_login("rb3_app", &before.password).expect("psql"),
        "the leaked static password still logs in"
    );
    let after = c
        .database_static_creds("database", "app")
        .await
        .expect("static-creds");
    assert!(pg.can_login("rb3_app", &after.password).expect("psql"));
    let text = std::fs::read_to_string(&d.journal).expect("journal");
    assert!(!text.contains(before.password.expose_secret()));
    assert!(!text.contains(after.password.expose_secret()));
}
