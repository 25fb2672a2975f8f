//! Runbook database steps against a real `bao server -dev` and a real PostgreSQL server:
//! `database.rotate_root` (the old root password no longer logs in), `database.rotate_role`
//! (the static role's password changes), and `lease.revoke_prefix` over dynamic credentials
//! (they stop logging in). Each plan is checked (details, CLI, risk) before the worker performs
//! the write; passwords never appear in a plan.
#![allow(clippy::expect_used)]

mod common;
mod runbook_ops_support;

use std::sync::Arc;

use common::dev::DevServer;
use common::postgres::{self, database_mount};
use runbook_ops_support::{failure_of, perform, plan_of, risk_of, spec, text, worker};
use secrecy::ExposeSecret;
use strongroom::runbook::model::Op;
use strongroom::vault::database::StaticRole;
use strongroom::vault::{ClientSettings, VaultClient};
use strongroom::write_gate::Risk;

fn client(dev: &DevServer) -> VaultClient {
    let settings = ClientSettings {
        token: Some(Arc::new(strongroom::secret::token_from(&dev.root_token))),
        ..ClientSettings::default()
    };
    VaultClient::connect(&dev.addr, settings).expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_root_and_role_then_revoke_the_dynamic_credentials() {
    let dev = DevServer::start();
    let pg = postgres::shared();
    let c = client(&dev);
    let w = worker(&dev.addr, &dev.root_token);
    let (root_user, target) = database_mount(&c, &pg, "rbo").await;

    // Root: typed, names the connection; the old root password stops logging in.
    let s = spec(
        &dev.addr,
        Op::DatabaseRotateRoot,
        vec![("mount", text("database")), ("connection", text("pg"))],
    );
    let plan = plan_of(&w, s).await;
    let shown = format!("{plan:?}");
    assert!(!shown.contains(target.password.expose_secret()), "{shown}");
    assert_eq!(plan.summary, "rotate root of database/pg");
    assert!(plan.details[0].contains(&root_user), "{:?}", plan.details);
    assert_eq!(plan.cli, ["bao write -f database/rotate-root/pg"]);
    assert_eq!(
        risk_of(&plan),
        Risk::Typed("rotate root of database/pg".into())
    );
    assert!(pg.can_login(&root_user, &target.password).expect("psql"));
    perform(&w, &plan).await;
    assert!(
        !pg.can_login(&root_user, &target.password).expect("psql"),
        "the old root password still logs in"
    );

    // A static role: confirmed; its password changes.
    pg.create_role("rbo_app", false).expect("create rbo_app");
    c.database_static_role_write(
        "database",
        "app",
        &StaticRole {
            db_name: "pg".into(),
            username: "rbo_app".into(),
            rotation_period: "24h".into(),
        },
    )
    .await
    .expect("static role");
    let before = c
        .database_static_creds("database", "app")
        .await
        .expect("static-creds");
    let s = spec(
        &dev.addr,
        Op::DatabaseRotateRole,
        vec![("mount", text("database/")), ("role", text("app"))],
    );
    let plan = plan_of(&w, s).await;
    assert!(!format!("{plan:?}").contains(before.password.expose_secret()));
    assert_eq!(
        plan.details[0],
        "static role database/app: database user rbo_app on connection pg"
    );
    assert_eq!(plan.cli, ["bao write -f database/rotate-role/app"]);
    assert_eq!(risk_of(&plan), Risk::Confirm);
    perform(&w, &plan).await;
    let after = c
        .database_static_creds("database", "app")
        .await
        .expect("static-creds");
    assert_ne!(
        after.password.expose_secret(),
        before.password.expose_secret()
    );
    assert!(!pg.can_login("rbo_app", &before.password).expect("psql"));
    assert!(pg.can_login("rbo_app", &after.password).expect("psql"));

    // Unknown connection and role: clear failures.
    let s = spec(
        &dev.addr,
        Op::DatabaseRotateRoot,
        vec![("mount", text("database")), ("connection", text("nope"))],
    );
    assert_eq!(
        failure_of(&w, s).await,
        "database.rotate_root: there is no database connection database/nope"
    );
    let s = spec(
        &dev.addr,
        Op::DatabaseRotateRole,
        vec![("mount", text("database")), ("role", text("nope"))],
    );
    assert_eq!(
        failure_of(&w, s).await,
        "database.rotate_role: there is no static role database/nope"
    );

    // Dynamic credentials: counted below the prefix, revoked, no longer log in.
    let mut issued = Vec::new();
    for _ in 0..2 {
        issued.push(
            c.database_creds("database", "readonly")
                .await
                .expect("creds"),
        );
    }
    for cr in &issued {
        assert!(pg.can_login(&cr.username, &cr.password).expect("psql"));
    }
    let s = spec(
        &dev.addr,
        Op::LeaseRevokePrefix,
        vec![("prefix", text("database/creds/readonly/"))],
    );
    let plan = plan_of(&w, s).await;
    assert_eq!(
        risk_of(&plan),
        Risk::Typed("revoke 2 leases at database/creds/readonly/".into())
    );
    perform(&w, &plan).await;
    for cr in &issued {
        assert!(!pg.can_login(&cr.username, &cr.password).expect("psql"));
    }
}
