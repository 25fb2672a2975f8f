//! The sandbox's real parts as a user gets them from `strongroom sandbox up`: a PostgreSQL
//! server of its own (recorded, stopped by `down`, restarted by `up`, deleted by `reset`), the
//! `database/` mount issuing real credentials whose leases are there to look at, and a `pki/`
//! mount with certificates of several lifetimes. Without PostgreSQL, the sandbox still comes up
//! and says why once. A guard stops every node and the PostgreSQL server on the way out.
#![allow(clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use reqwest::Method;
use serde_json::Value;
use strongroom::sandbox::hcl::NodePaths;
use strongroom::sandbox::init;
use strongroom::sandbox::postgres::Postgres;
use strongroom::sandbox::process;
use strongroom::sandbox::seed_pki::CERTS;
use strongroom::sandbox::state::{self, SandboxState};
use strongroom::sandbox::up_pg::pg_dir;
use strongroom::vault::VaultClient;
use strongroom::vault::models::sys::NodeRole;

struct Sandbox {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    /// `STRONGROOM_PG_BINDIR` for every run (a directory without PostgreSQL: "not installed").
    pg_bindir: Option<PathBuf>,
}

impl Sandbox {
    fn new(pg_bindir: Option<PathBuf>) -> Self {
        if let Err(e) = process::find_bao() {
            panic!("{e}");
        }
        let tmp = tempfile::tempdir().expect("temporary directory");
        let dir = tmp.path().join("sandbox");
        Self {
            _tmp: tmp,
            dir,
            pg_bindir,
        }
    }

    fn run(&self, action: &str) -> (Option<i32>, String) {
        let mut c = Command::new(env!("CARGO_BIN_EXE_strongroom"));
        c.args(["sandbox", action])
            .env("STRONGROOM_SANDBOX_DIR", &self.dir)
            .env_remove("BAO_ADDR")
            .env_remove("VAULT_ADDR")
            .env_remove("BAO_TOKEN")
            .env_remove("VAULT_TOKEN")
            .env_remove(strongroom::sandbox::postgres::bin::BINDIR_ENV);
        if let Some(d) = &self.pg_bindir {
            c.env(strongroom::sandbox::postgres::bin::BINDIR_ENV, d);
        }
        let out = c.output().expect("run the strongroom binary");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    }

    fn expect(&self, action: &str, code: i32) -> String {
        let (got, text) = self.run(action);
        assert_eq!(
            got,
            Some(code),
            "`strongroom sandbox {action}` said:\n{text}"
        );
        text
    }

    /// A root client on the active node.
    async fn root_client(&self) -> VaultClient {
        let st = SandboxState::load(&self.dir)
            .expect("sandbox.json")
            .expect("exists");
        let creds = state::read_credentials(&self.dir)
            .expect("credentials.json")
            .expect("exists");
        for addr in st.addrs() {
            let c = init::client(&addr, None).expect("client");
            if let Ok(Some(h)) = init::answer(c.health().await, &addr)
                && h.role == NodeRole::Active
            {
                return init::client(&addr, Some(&creds.root_token)).expect("client");
            }
        }
        panic!("no active node in {:?}", st.addrs());
    }

    fn pg_status(&self) -> Option<(strongroom::sandbox::postgres::PgRecord, bool)> {
        Postgres::status_in(&pg_dir(&self.dir)).expect("postgres.json readable")
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if !self.dir.join(state::STATE_FILE).exists() {
            return;
        }
        let _ = self.run("down");
        if let Ok(Some(st)) = SandboxState::load(&self.dir) {
            for n in &st.nodes {
                let config = NodePaths::new(&self.dir, n.id).config;
                if let Some(pid) = n.pid.filter(|p| process::is_node_process(*p, &config)) {
                    process::signal(pid, Signal::SIGKILL);
                }
            }
        }
        // Stops a server `down` left behind and deletes data kept outside the directory.
        let _ = Postgres::remove_in(&pg_dir(&self.dir));
    }
}

async fn mount_types(c: &VaultClient) -> Vec<(String, String)> {
    c.sys_mounts()
        .await
        .expect("sys/mounts")
        .into_iter()
        .map(|m| (m.path, m.mount_type))
        .collect()
}

/// Seconds each issued certificate lives (not_after − not_before), CA excluded, sorted.
async fn cert_lifetimes(c: &VaultClient) -> Vec<i64> {
    let list = Method::from_bytes(b"LIST").expect("LIST");
    let v: Value = c
        .request(list, "pki/certs/detailed", &[], None)
        .await
        .expect("LIST pki/certs/detailed");
    let info = v["data"]["key_info"].as_object().expect("key_info").clone();
    let time = |s: &Value| {
        chrono::DateTime::parse_from_rfc3339(s.as_str().unwrap_or_default())
            .expect("RFC 3339")
            .timestamp()
    };
    let mut out: Vec<i64> = info
        .values()
        .filter(|c| {
            c["common_name"]
                .as_str()
                .is_some_and(|n| n.ends_with(".sandbox.example"))
        })
        .map(|c| time(&c["not_after"]) - time(&c["not_before"]))
        .collect();
    out.sort_unstable();
    out
}

fn ttl_secs(ttl: &str) -> i64 {
    let (n, unit) = ttl.split_at(ttl.len() - 1);
    let n: i64 = n.parse().expect("a number");
    n * match unit {
        "m" => 60,
        "h" => 3600,
        other => panic!("unit {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_runs_postgres_with_database_and_pki_mounts() {
    let sb = Sandbox::new(None);
    let said = sb.expect("up", 0);
    assert!(said.contains("postgres  127.0.0.1:"), "{said}");
    assert!(!said.contains("no database/ mount"), "{said}");
    let (rec, running) = sb.pg_status().expect("postgres.json recorded");
    assert!(running, "PostgreSQL runs after `up`: {rec:?}");

    let c = sb.root_client().await;
    let mounts = mount_types(&c).await;
    assert!(
        mounts.contains(&("database/".into(), "database".into())),
        "{mounts:?}"
    );
    assert!(
        mounts.contains(&("pki/".into(), "pki".into())),
        "{mounts:?}"
    );

    // Three issued credentials: their leases are there, and they are real PostgreSQL logins.
    let leases = c
        .lease_list("database/creds/readonly/")
        .await
        .expect("list the database leases");
    assert_eq!(leases.len(), 3, "{leases:?}");
    let pg = Postgres::resume(&pg_dir(&sb.dir))
        .expect("adopt the running server")
        .expect("recorded");
    let cr = c
        .database_creds("database", "readonly")
        .await
        .expect("new credentials");
    assert!(pg.can_login(&cr.username, &cr.password).expect("psql"));

    // Certificates of 30m, 5h, 3d, 30d and 90d (not_before is backdated 30 s by the server).
    let got = cert_lifetimes(&c).await;
    let want: Vec<i64> = CERTS.iter().map(|(_, t)| ttl_secs(t)).collect();
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(&want) {
        assert!((g - w).abs() <= 120, "lifetime {g} s, expected about {w} s");
    }

    let status = sb.expect("status", 0);
    assert!(
        status.contains(&format!("127.0.0.1:{}", rec.port)) && status.contains("(database/ mount)"),
        "{status}"
    );

    // down: PostgreSQL stops with the nodes, its data stays.
    let said = sb.expect("down", 0);
    assert!(said.contains("stopped PostgreSQL"), "{said}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while sb.pg_status().is_some_and(|(_, r)| r) {
        assert!(
            Instant::now() < deadline,
            "PostgreSQL still runs after down"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(rec.data_dir.join("PG_VERSION").exists());

    // up again: the same server (port, data) back, and the mount still issues working logins.
    let said = sb.expect("up", 0);
    assert!(said.contains("reusing"), "{said}");
    let (again, running) = sb.pg_status().expect("recorded");
    assert!(running);
    assert_eq!((again.port, &again.data_dir), (rec.port, &rec.data_dir));
    let c = sb.root_client().await;
    let before: BTreeSet<String> = leases.into_iter().collect();
    let now: BTreeSet<String> = c
        .lease_list("database/creds/readonly/")
        .await
        .expect("list")
        .into_iter()
        .collect();
    assert!(now.is_superset(&before), "leases kept across down/up");
    let pg = Postgres::resume(&pg_dir(&sb.dir))
        .expect("adopt")
        .expect("recorded");
    let cr = c
        .database_creds("database", "readonly")
        .await
        .expect("credentials after a restart");
    assert!(pg.can_login(&cr.username, &cr.password).expect("psql"));

    drop(pg);

    // Its data lost while stopped (a temporary directory cleared at boot): `up` creates a new
    // server and points the mount at it again.
    sb.expect("down", 0);
    std::fs::remove_dir_all(&rec.data_dir).expect("delete the PostgreSQL data");
    let said = sb.expect("up", 0);
    assert!(said.contains("postgres  127.0.0.1:"), "{said}");
    let (new, running) = sb.pg_status().expect("recorded");
    assert!(running);
    let c = sb.root_client().await;
    let pg = Postgres::resume(&pg_dir(&sb.dir))
        .expect("adopt")
        .expect("recorded");
    let cr = c
        .database_creds("database", "readonly")
        .await
        .expect("credentials from the new server");
    assert!(pg.can_login(&cr.username, &cr.password).expect("psql"));
    drop(pg);

    // reset: everything gone, also a data directory kept outside the sandbox directory.
    sb.expect("reset", 0);
    assert!(!sb.dir.exists());
    assert!(
        !new.data_dir.exists(),
        "{} left behind",
        new.data_dir.display()
    );
    let pid = new.pid.expect("a PID");
    assert!(!process::is_node_process(pid, &new.data_dir));
    assert!(!process::is_node_process(
        again.pid.expect("a PID"),
        &again.data_dir
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_postgres_the_sandbox_comes_up_without_the_database_mount_until_it_is_there() {
    let empty = tempfile::tempdir().expect("an empty bin dir");
    let mut sb = Sandbox::new(Some(empty.path().to_path_buf()));
    let said = sb.expect("up", 0);
    assert_eq!(
        said.matches("no database/ mount").count(),
        1,
        "says why once: {said}"
    );
    assert!(said.contains("PostgreSQL is not installed"), "{said}");
    assert!(sb.pg_status().is_none());
    let c = sb.root_client().await;
    let mounts = mount_types(&c).await;
    assert!(!mounts.iter().any(|(p, _)| p == "database/"), "{mounts:?}");
    assert!(
        mounts.contains(&("pki/".into(), "pki".into())),
        "{mounts:?}"
    );
    // Reused later: no repeated complaint.
    let said = sb.expect("up", 0);
    assert!(!said.contains("no database/ mount"), "{said}");
    assert!(sb.pg_status().is_none());

    // Once PostgreSQL is there, the next `up` starts it and adds the mount.
    sb.pg_bindir = None;
    let said = sb.expect("up", 0);
    assert!(said.contains("postgres  127.0.0.1:"), "{said}");
    let c = sb.root_client().await;
    let mounts = mount_types(&c).await;
    assert!(
        mounts.contains(&("database/".into(), "database".into())),
        "{mounts:?}"
    );
    let cr = c
        .database_creds("database", "readonly")
        .await
        .expect("credentials once PostgreSQL is there");
    let pg = Postgres::resume(&pg_dir(&sb.dir))
        .expect("adopt")
        .expect("recorded");
    assert!(pg.can_login(&cr.username, &cr.password).expect("psql"));
}
