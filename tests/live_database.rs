//! Dynamic PostgreSQL credentials against a real `bao server -dev` and a real PostgreSQL server
//! (one per test binary, shared by the tests running at once, stopped by PID at the end): the
//! credentials log in, their leases are listed, looked up, renewed and revoked (one, then by
//! prefix, checked in `pg_roles`), and root and static-role rotation change real passwords.
#![allow(clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::dev::DevServer;
use common::postgres::{self, database_mount};
use secrecy::{ExposeSecret, SecretString};
use strongroom::vault::database::StaticRole;
use strongroom::vault::leases::lease_inventory;
use strongroom::vault::{ClientSettings, VaultClient, VaultError};
use tokio_util::sync::CancellationToken;

const PREFIX: &str = "database/creds/readonly/";

fn client(dev: &DevServer) -> VaultClient {
    let settings = ClientSettings {
        token: Some(Arc::new(strongroom::secret::token_from(&dev.root_token))),
        ..ClientSettings::default()
    };
    VaultClient::connect(&dev.addr, settings).expect("client")
}

fn suffix(lease_id: &str) -> String {
    lease_id
        .strip_prefix(PREFIX)
        .unwrap_or_else(|| panic!("{lease_id} is not below {PREFIX}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_real_and_their_leases_renew_and_revoke_in_postgres() {
    let dev = DevServer::start();
    let pg = postgres::shared();
    let c = client(&dev);
    database_mount(&c, &pg, "lt1").await;

    let mut issued = Vec::new();
    for _ in 0..3 {
        issued.push(
            c.database_creds("database", "readonly")
                .await
                .expect("database/creds/readonly"),
        );
    }
    for cr in &issued {
        assert!(cr.username.starts_with("lt1-readonly-"), "{}", cr.username);
        assert!(cr.lease_id.starts_with(PREFIX), "{}", cr.lease_id);
        assert_eq!((cr.lease_duration, cr.renewable), (3600, true));
        assert!(
            pg.can_login(&cr.username, &cr.password).expect("psql"),
            "{} cannot log in to PostgreSQL with its generated password",
            cr.username
        );
    }
    let wrong = SecretString::from("not-the-password".to_string());
    assert!(!pg.can_login(&issued[0].username, &wrong).expect("psql"));
    let names: Vec<String> = issued.iter().map(|c| c.username.clone()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(pg.roles_present(&names).expect("pg_roles"), sorted);

    // The leases, under sys/leases/lookup/database/creds/readonly/.
    let listed: BTreeSet<String> = c
        .lease_list(PREFIX)
        .await
        .expect("list")
        .into_iter()
        .collect();
    let want: BTreeSet<String> = issued.iter().map(|c| suffix(&c.lease_id)).collect();
    assert_eq!(listed, want);
    let info = c
        .lease_lookup(&issued[0].lease_id)
        .await
        .expect("lookup")
        .expect("a known lease");
    assert_eq!(info.id, issued[0].lease_id);
    assert!(info.renewable);
    assert!((3000..=3600).contains(&info.ttl), "{}", info.ttl);
    // The inventory from the root finds them under database/.
    let mut found = Vec::new();
    let mut sink = |ev| {
        if let strongroom::vault::inventory::InventoryEvent::Items(b) = ev {
            found.extend(b);
        }
    };
    lease_inventory(&c, "database/", 4, &CancellationToken::new(), &mut sink)
        .await
        .expect("inventory");
    let ids: BTreeSet<String> = found
        .iter()
        .map(|l: &strongroom::vault::models::leases::LeaseInfo| l.id.clone())
        .collect();
    let all: BTreeSet<String> = issued.iter().map(|c| c.lease_id.clone()).collect();
    assert_eq!(ids, all);

    // Renew: 10 minutes from now, and the login still works.
    let r = c
        .lease_renew(&issued[1].lease_id, Some(600))
        .await
        .expect("renew");
    assert_eq!((r.lease_duration, r.renewable), (600, true));
    let after = c
        .lease_lookup(&issued[1].lease_id)
        .await
        .expect("lookup")
        .expect("still there");
    assert!((500..=600).contains(&after.ttl), "{}", after.ttl);
    assert!(after.last_renewal.is_some());
    assert!(
        pg.can_login(&issued[1].username, &issued[1].password)
            .expect("psql")
    );

    // Revoke one lease: its role is dropped, the others stay.
    c.lease_revoke(&issued[0].lease_id, true)
        .await
        .expect("revoke");
    assert_eq!(
        pg.roles_present(&names).expect("pg_roles"),
        sorted
            .iter()
            .filter(|n| **n != issued[0].username)
            .cloned()
            .collect::<Vec<_>>()
    );
    assert!(
        !pg.can_login(&issued[0].username, &issued[0].password)
            .expect("psql")
    );

    // Revoke the prefix: every generated role is gone from PostgreSQL, the prefix lists nothing.
    c.lease_revoke_prefix(PREFIX, true)
        .await
        .expect("revoke-prefix");
    assert_eq!(
        pg.roles_present(&names).expect("pg_roles"),
        Vec::<String>::new()
    );
    assert_eq!(
        c.lease_list(PREFIX).await.expect("list"),
        Vec::<String>::new()
    );
    for cr in &issued {
        assert!(!pg.can_login(&cr.username, &cr.password).expect("psql"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_root_and_rotate_role_change_real_passwords() {
    let dev = DevServer::start();
    let pg = postgres::shared();
    let c = client(&dev);
    let (root_user, target) = database_mount(&c, &pg, "lt2").await;

    // rotate-root: the password the mount was given no longer works; Vault still issues.
    assert!(pg.can_login(&root_user, &target.password).expect("psql"));
    c.database_rotate_root("database", "pg")
        .await
        .expect("rotate-root");
    assert!(
        !pg.can_login(&root_user, &target.password).expect("psql"),
        "the old root password still logs in after rotate-root"
    );
    let cr = c
        .database_creds("database", "readonly")
        .await
        .expect("creds after rotate-root");
    assert!(pg.can_login(&cr.username, &cr.password).expect("psql"));

    // A static role: Vault owns an existing user's password; rotate-role changes it now.
    let first = pg.create_role("lt2_app", false).expect("create lt2_app");
    c.database_static_role_write(
        "database",
        "app",
        &StaticRole {
            db_name: "pg".into(),
            username: "lt2_app".into(),
            rotation_period: "24h".into(),
        },
    )
    .await
    .expect("static role");
    let before = c
        .database_static_creds("database", "app")
        .await
        .expect("static-creds");
    assert_eq!(before.username, "lt2_app");
    assert!(!before.last_vault_rotation.is_empty());
    assert!(
        !pg.can_login("lt2_app", &first).expect("psql"),
        "writing the static role rotates at once"
    );
    assert!(pg.can_login("lt2_app", &before.password).expect("psql"));
    c.database_rotate_role("database", "app")
        .await
        .expect("rotate-role");
    let after = c
        .database_static_creds("database", "app")
        .await
        .expect("static-creds");
    assert_ne!(
        after.password.expose_secret(),
        before.password.expose_secret(),
        "rotate-role sets a new password"
    );
    assert!(!pg.can_login("lt2_app", &before.password).expect("psql"));
    assert!(pg.can_login("lt2_app", &after.password).expect("psql"));

    // An unknown static role is the server's 400, typed.
    match c.database_rotate_role("database", "nope").await {
        Err(VaultError::Http { status: 400, .. }) => {}
        other => panic!("rotate-role of an unknown role: {other:?}"),
    }
    c.lease_revoke_prefix("database/", true)
        .await
        .expect("clean up");
}

/// The manager itself: a server of its own is stopped by PID (`stop_in`, as `sandbox down`
/// does), restarted on the same port with the same data (`resume`), stopped again when that
/// value is dropped (its data kept), and deleted by `remove_in` (as `sandbox reset` does).
#[test]
fn a_server_stops_by_pid_and_resumes_on_its_port_with_its_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut pg = strongroom::sandbox::postgres::Postgres::start(dir.path())
        .unwrap_or_else(|e| panic!("{e}"));
    let (port, data) = (pg.port(), pg.data_dir().to_path_buf());
    let pid = pg.pid().expect("a PID");
    assert!(pg.is_running());
    pg.create_role("lt3_kept", false)
        .expect("a role to find again");
    pg.detach();
    drop(pg);
    assert!(
        strongroom::sandbox::process::is_node_process(pid, &data),
        "a detached server keeps running"
    );
    let was = strongroom::sandbox::postgres::Postgres::stop_in(dir.path()).expect("stop_in");
    assert!(was);
    assert!(!strongroom::sandbox::process::is_node_process(pid, &data));
    let pg = strongroom::sandbox::postgres::Postgres::resume(dir.path())
        .expect("resume")
        .expect("recorded");
    assert_eq!((pg.port(), pg.data_dir()), (port, data.as_path()));
    assert_eq!(
        pg.roles_present(&["lt3_kept".to_string()])
            .expect("pg_roles"),
        vec!["lt3_kept".to_string()],
        "same data after a restart"
    );
    let pid = pg.pid().expect("a PID");
    drop(pg);
    assert!(!strongroom::sandbox::process::is_node_process(pid, &data));
    assert!(
        data.join("PG_VERSION").exists(),
        "dropping a resumed server never deletes its data"
    );
    strongroom::sandbox::postgres::Postgres::remove_in(dir.path()).expect("remove_in");
    if !data.starts_with(dir.path()) {
        assert!(!data.exists(), "{} left behind", data.display());
    }
}
