//! `strongroom sandbox up|status|seal|up|down|reset` as a user runs them: the real binary with
//! `STRONGROOM_SANDBOX_DIR` in a temporary directory, against real `bao server` processes.
//! A guard stops every node on the way out, also when an assertion fails.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use reqwest::Method;
use strongroom::sandbox::hcl::NodePaths;
use strongroom::sandbox::init::{self, Credentials};
use strongroom::sandbox::process;
use strongroom::sandbox::state::{self, SandboxState};
use strongroom::vault::models::sys::NodeRole;

/// The sandbox directory of one test, and the guard that leaves no node running.
struct Sandbox {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        if let Err(e) = process::find_bao() {
            panic!("{e}");
        }
        let tmp = tempfile::tempdir().expect("temporary directory");
        let dir = tmp.path().join("sandbox");
        Self { _tmp: tmp, dir }
    }

    fn command(&self, action: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_strongroom"));
        c.args(["sandbox", action])
            .env("STRONGROOM_SANDBOX_DIR", &self.dir)
            .env_remove("BAO_ADDR")
            .env_remove("VAULT_ADDR")
            .env_remove("BAO_TOKEN")
            .env_remove("VAULT_TOKEN");
        c
    }

    fn run(&self, action: &str) -> Output {
        self.command(action)
            .output()
            .expect("run the strongroom binary")
    }

    /// Run and require exit code `code`; returns stdout + stderr.
    fn expect(&self, action: &str, code: i32) -> String {
        let out = self.run(action);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            out.status.code(),
            Some(code),
            "`strongroom sandbox {action}` said:\n{text}"
        );
        text
    }

    fn state(&self) -> SandboxState {
        SandboxState::load(&self.dir)
            .expect("sandbox.json readable")
            .expect("sandbox.json exists")
    }

    fn creds(&self) -> Credentials {
        state::read_credentials(&self.dir)
            .expect("credentials.json readable")
            .expect("credentials.json exists")
    }

    fn running(&self, st: &SandboxState) -> Vec<bool> {
        st.nodes
            .iter()
            .map(|n| {
                n.pid.is_some_and(|p| {
                    process::is_node_process(p, &NodePaths::new(&self.dir, n.id).config)
                })
            })
            .collect()
    }

    /// PIDs of every live `bao server` process started with a config of this sandbox (found in
    /// /proc, so also processes that sandbox.json does not record).
    fn node_processes(&self) -> Vec<u32> {
        let configs: Vec<PathBuf> = (1..=3)
            .map(|i| NodePaths::new(&self.dir, i).config)
            .collect();
        let mut out = Vec::new();
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            if configs.iter().any(|c| process::is_node_process(pid, c)) {
                out.push(pid);
            }
        }
        out.sort_unstable();
        out
    }

    /// Health role of every node.
    async fn roles(&self, st: &SandboxState) -> Vec<Option<NodeRole>> {
        let mut out = Vec::new();
        for addr in st.addrs() {
            let c = init::client(&addr, None).expect("client");
            out.push(
                init::answer(c.health().await, &addr)
                    .expect("decodes")
                    .map(|h| h.role),
            );
        }
        out
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if !self.dir.join(state::STATE_FILE).exists() {
            return;
        }
        let _ = self.run("down");
        // Whatever `down` could not stop, by the PIDs in sandbox.json.
        if let Ok(Some(st)) = SandboxState::load(&self.dir) {
            for n in &st.nodes {
                let config = NodePaths::new(&self.dir, n.id).config;
                if let Some(pid) = n.pid.filter(|p| process::is_node_process(*p, &config)) {
                    process::signal(pid, Signal::SIGKILL);
                }
            }
        }
        // The sandbox's PostgreSQL: stopped, and data kept outside the directory deleted.
        let _ = strongroom::sandbox::postgres::Postgres::remove_in(
            &strongroom::sandbox::up_pg::pg_dir(&self.dir),
        );
    }
}

fn count(roles: &[Option<NodeRole>], role: NodeRole) -> usize {
    roles.iter().filter(|r| **r == Some(role)).count()
}

/// The seeded secret with a history: 5 versions, v2 destroyed, v4 deleted, custom metadata.
async fn check_seeded_history(st: &SandboxState, creds: &Credentials, roles: &[Option<NodeRole>]) {
    let active = roles
        .iter()
        .position(|r| *r == Some(NodeRole::Active))
        .expect("an active node");
    let c = init::client(&st.nodes[active].api_addr, Some(&creds.root_token)).expect("client");
    let meta = c
        .request(
            Method::GET,
            "secret/metadata/apps/payments/api/prod",
            &[],
            None,
        )
        .await
        .expect("seeded KV v2 metadata");
    let d = &meta["data"];
    assert_eq!(d["current_version"], 5, "{d}");
    assert_eq!(d["versions"]["2"]["destroyed"], true);
    assert_ne!(d["versions"]["4"]["deletion_time"], "");
    assert_eq!(d["custom_metadata"]["owner"], "team-payments");
    let latest = c
        .request(Method::GET, "secret/data/apps/payments/api/prod", &[], None)
        .await
        .expect("seeded KV v2 secret");
    let value = latest["data"]["data"]["db_password"]
        .as_str()
        .unwrap_or_default();
    assert!(
        value.starts_with("FAKE-"),
        "seeded values are obviously fake"
    );
    let old = c
        .raw(
            Method::GET,
            "secret/data/apps/payments/api/prod",
            &[("version", "3")],
            None,
        )
        .await
        .expect("read version 3");
    assert_eq!(old.status, 200);
}

async fn wait_gone(sb: &Sandbox, st: &SandboxState) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while sb.running(st).iter().any(|r| *r) {
        assert!(
            Instant::now() < deadline,
            "nodes still running after `sandbox down`"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_lifecycle() {
    let sb = Sandbox::new();

    // up: a new cluster, initialised, unsealed, seeded.
    let said = sb.expect("up", 0);
    assert!(said.contains("PRACTICE ONLY"), "{said}");
    let st = sb.state();
    assert_eq!(st.nodes.len(), 3);
    assert_eq!(sb.running(&st), vec![true; 3]);
    let mode = std::fs::metadata(state::credentials_path(&sb.dir))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "credentials.json must be private");
    let creds = sb.creds();
    assert_eq!((creds.shares.len(), creds.threshold), (5, 3));
    let roles = sb.roles(&st).await;
    assert_eq!(
        (
            count(&roles, NodeRole::Active),
            count(&roles, NodeRole::Standby)
        ),
        (1, 2),
        "{roles:?}"
    );
    check_seeded_history(&st, &creds, &roles).await;
    assert!(Path::new(&sb.dir.join(state::SEEDED_MARKER)).exists());

    // status: every node running, unsealed.
    let said = sb.expect("status", 0);
    assert_eq!(said.matches("active").count(), 1, "{said}");
    assert_eq!(said.matches("standby").count(), 2, "{said}");

    // seal: every node sealed, processes still there.
    sb.expect("seal", 0);
    let st = sb.state();
    assert_eq!(sb.running(&st), vec![true; 3]);
    let roles = sb.roles(&st).await;
    assert_eq!(count(&roles, NodeRole::Sealed), 3, "{roles:?}");
    let said = sb.expect("status", 2);
    assert_eq!(said.matches(" sealed").count(), 3, "{said}");

    // up again: the same processes, unsealed with the stored shares, data kept (not re-seeded).
    let pids: Vec<_> = st.nodes.iter().map(|n| n.pid).collect();
    let said = sb.expect("up", 0);
    assert!(said.contains("reusing"), "{said}");
    let st = sb.state();
    assert_eq!(st.nodes.iter().map(|n| n.pid).collect::<Vec<_>>(), pids);
    let roles = sb.roles(&st).await;
    assert_eq!(
        (
            count(&roles, NodeRole::Active),
            count(&roles, NodeRole::Standby)
        ),
        (1, 2),
        "{roles:?}"
    );
    check_seeded_history(&st, &creds, &roles).await;

    // down: processes gone, data kept.
    sb.expect("down", 0);
    wait_gone(&sb, &st).await;
    assert!(sb.dir.join("data").exists());
    sb.expect("status", 2);

    // reset: the directory is gone.
    sb.expect("reset", 0);
    assert!(!sb.dir.exists(), "sandbox dir still there after reset");
}

fn text_of(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Two `sandbox up` at once in one home: one creates the sandbox while the other waits for the
/// lock, then reuses it. One cluster of three nodes, nothing started twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_ups_take_turns() {
    let sb = Sandbox::new();
    let spawn = || {
        sb.command("up")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start strongroom sandbox up")
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (
        a.wait_with_output().expect("first up"),
        b.wait_with_output().expect("second up"),
    );
    let (ta, tb) = (text_of(&a), text_of(&b));
    let both = format!("--- first:\n{ta}\n--- second:\n{tb}");
    assert_eq!(
        (a.status.code(), b.status.code()),
        (Some(0), Some(0)),
        "{both}"
    );
    assert_eq!(
        [&ta, &tb]
            .iter()
            .filter(|t| t.contains("root token:"))
            .count(),
        1,
        "exactly one run created the sandbox: {both}"
    );
    assert_eq!(
        [&ta, &tb].iter().filter(|t| t.contains("reusing")).count(),
        1,
        "the other reused it: {both}"
    );
    assert!(
        both.contains("another `strongroom sandbox` run is in progress"),
        "the waiting run says why: {both}"
    );
    let st = sb.state();
    assert_eq!(sb.running(&st), vec![true; 3]);
    let mut recorded: Vec<u32> = st.nodes.iter().filter_map(|n| n.pid).collect();
    recorded.sort_unstable();
    assert_eq!(sb.node_processes(), recorded, "no node started twice");
    let roles = sb.roles(&st).await;
    assert_eq!(
        (
            count(&roles, NodeRole::Active),
            count(&roles, NodeRole::Standby)
        ),
        (1, 2),
        "{roles:?}"
    );
    check_seeded_history(&st, &sb.creds(), &roles).await;
}

/// Another program listening on a sandbox port (an API port, then a cluster port, which `bao`
/// would not even die on): `up` names the port, does not send the user to `reset`, and leaves
/// none of the nodes it started running (node1, and nodes 1 and 2, start before the check of
/// the held port). Once the port is free, the same sandbox (same data) comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_held_by_another_program_is_named() {
    let sb = Sandbox::new();
    sb.expect("up", 0);
    sb.expect("down", 0);
    let st = sb.state();
    wait_gone(&sb, &st).await;
    let held = [
        (st.nodes[1].api_port, "node2's API port"),
        (st.nodes[2].cluster_port, "node3's cluster port"),
    ];
    for (port, what) in held {
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", port)).expect("hold a sandbox port");
        let said = sb.expect("up", 1);
        assert!(
            said.contains(&format!(
                "127.0.0.1:{port} ({what}) is in use by another program; free it"
            )),
            "{said}"
        );
        assert!(
            !said.contains("reset"),
            "never suggests deleting the data: {said}"
        );
        assert_eq!(sb.node_processes(), Vec::<u32>::new(), "{said}");
        assert_eq!(sb.running(&sb.state()), vec![false; 3]);
        drop(listener);
    }

    let said = sb.expect("up", 0);
    assert!(said.contains("reusing"), "{said}");
    let st = sb.state();
    let roles = sb.roles(&st).await;
    check_seeded_history(&st, &sb.creds(), &roles).await;
}
