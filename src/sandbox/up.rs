//! `strongroom sandbox` / `sandbox up`: reuse the running sandbox, restart and unseal its stopped
//! or sealed nodes, or create, initialise, unseal and seed a new one. Prints (to stderr) the
//! addresses, and on creation the root token and unseal shares, with a practice-only warning.
// Headless: prints the sandbox's addresses, token and shares to stderr for the user.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;

use secrecy::ExposeSecret;

use super::cluster::{ClusterSpec, RunningCluster, START_TIMEOUT, mkdir_private};
use super::error::SandboxError;
use super::init::Credentials;
use super::postgres::Postgres;
use super::ready::READY_TIMEOUT;
use super::seed::Seeder;
use super::seed_db::DbTarget;
use super::state::{self, SandboxState};
use super::{files, lock, ports, process, up_pg};
use crate::config::{ConnectionProfile, TokenSource};

pub const NODES: usize = 3;
pub const SHARES: usize = 5;
pub const THRESHOLD: usize = 3;

/// Start (or reuse) the sandbox and return a profile for it: context `sandbox`, every node's
/// address, the root token, `sandbox: true`.
pub async fn up() -> Result<ConnectionProfile, SandboxError> {
    process::find_bao()?;
    let dir = state::state_dir()?;
    // Held until this function returns (also on error): the console then runs without it.
    let _lock = lock::acquire(&dir, lock::LOCK_WAIT, say_waiting).await?;
    let existing = SandboxState::load(&dir)?;
    let creds = state::read_credentials(&dir)?;
    match (existing, creds) {
        (Some(st), Some(creds)) => reuse(&dir, st, creds).await,
        (st, _) => {
            // Nothing usable (never created, or creation stopped before init finished).
            if let Some(st) = st {
                RunningCluster::adopt(&dir, &st.cluster_name, st.node_procs(&dir)).stop();
            }
            up_pg::remove(&dir)?;
            files::clear(&dir)?;
            create(&dir).await
        }
    }
}

async fn create(dir: &Path) -> Result<ConnectionProfile, SandboxError> {
    mkdir_private(dir)?;
    eprintln!(
        "strongroom sandbox: starting {NODES} OpenBao nodes in {} …",
        dir.display()
    );
    let mut cluster = ClusterSpec::new(dir, NODES).start().await?;
    let created = chrono::Utc::now().to_rfc3339();
    SandboxState::from_cluster(&cluster, created.clone()).save(dir)?;
    let creds = cluster.init(SHARES, THRESHOLD).await?;
    state::write_credentials(dir, &creds)?;
    cluster.form(READY_TIMEOUT).await?;
    // Dropped on an error below: stops the server again, like the nodes.
    let mut pg = up_pg::start_new(dir).await;
    seed_once(&cluster, pg.as_ref().and_then(DbTarget::of)).await?;
    SandboxState::from_cluster(&cluster, created).save(dir)?;
    cluster.detach();
    if let Some(pg) = &mut pg {
        pg.detach();
    }
    print_created(&cluster, &creds, pg.as_ref());
    Ok(profile(cluster.addrs(), &creds))
}

async fn reuse(
    dir: &Path,
    st: SandboxState,
    creds: Credentials,
) -> Result<ConnectionProfile, SandboxError> {
    let mut cluster = RunningCluster::adopt(dir, &st.cluster_name, st.node_procs(dir));
    cluster.set_credentials(creds.clone());
    let mut started = Vec::new();
    for i in 0..cluster.nodes.len() {
        if cluster.is_running(i) {
            continue;
        }
        // A node whose cluster port is taken still starts (and limps along without raft
        // traffic), so both ports are checked first; a node whose API port is taken meanwhile
        // exits, which the wait below notices.
        let res = match ports::held(&cluster.nodes[i]) {
            Some(held) => Err(held),
            None => cluster.start_node(i),
        };
        if let Err(e) = res {
            stop_started(&mut cluster, &started);
            SandboxState::from_cluster(&cluster, st.created.clone()).save(dir)?;
            return Err(e);
        }
        started.push(i);
    }
    SandboxState::from_cluster(&cluster, st.created.clone()).save(dir)?;
    if !started.is_empty() {
        let names: Vec<&str> = started
            .iter()
            .map(|&i| cluster.nodes[i].node_id.as_str())
            .collect();
        eprintln!("strongroom sandbox: restarted {}", names.join(", "));
    }
    let ready = async {
        cluster.wait_answering(START_TIMEOUT).await?;
        cluster.unseal_all(READY_TIMEOUT).await?;
        cluster.wait_ready(READY_TIMEOUT).await
    }
    .await;
    if let Err(e) = ready {
        if !e.is_port_clash() {
            return Err(e);
        }
        // The recorded ports are part of the raft configuration: new ones would not do. Stop
        // what this run started and name the port; the data stays (no `reset`).
        stop_started(&mut cluster, &started);
        SandboxState::from_cluster(&cluster, st.created.clone()).save(dir)?;
        return Err(ports::clash_error(&cluster, e));
    }
    let mut pg = up_pg::resume(dir).await;
    // A server created again (its data was gone) needs the mount pointed at it again.
    let fresh = pg
        .as_ref()
        .filter(|(_, fresh)| *fresh)
        .and_then(|(p, _)| DbTarget::of(p));
    if let Some(target) = &fresh
        && state::is_seeded(dir)
    {
        seeder(&cluster).await?.database(target).await?;
    }
    seed_once(&cluster, fresh).await?;
    cluster.detach();
    if let Some((pg, _)) = &mut pg {
        pg.detach();
    }
    eprintln!(
        "strongroom sandbox: reusing the cluster in {} (PRACTICE ONLY)",
        dir.display()
    );
    for n in &cluster.nodes {
        eprintln!("  {}  {}", n.node_id, n.api_addr);
    }
    if let Some((pg, _)) = &pg {
        print_postgres(pg);
    }
    eprintln!(
        "  root token and unseal keys: {}",
        state::credentials_path(dir).display()
    );
    Ok(profile(cluster.addrs(), &creds))
}

fn say_waiting(lock: &Path) {
    eprintln!(
        "strongroom sandbox: another `strongroom sandbox` run is in progress (it holds {}); \
         waiting up to {} s for it to finish …",
        lock.display(),
        lock::LOCK_WAIT.as_secs()
    );
}

/// Stop the nodes this run started (0-based indices), leaving the others as they were.
fn stop_started(cluster: &mut RunningCluster, started: &[usize]) {
    for &i in started {
        let _ = cluster.stop_node(i);
    }
}

/// Seed the demo data unless the marker says it was done (the database mount only with a
/// PostgreSQL server to point it at).
async fn seed_once(cluster: &RunningCluster, db: Option<DbTarget>) -> Result<(), SandboxError> {
    if state::is_seeded(&cluster.dir) {
        return Ok(());
    }
    let seeder = seeder(cluster).await?;
    seeder.run().await?;
    if let Some(target) = &db {
        seeder.database(target).await?;
    }
    state::mark_seeded(&cluster.dir)
}

/// A seeder writing through the active node with the root token.
async fn seeder(cluster: &RunningCluster) -> Result<Seeder, SandboxError> {
    let active = cluster.active_index().await?.ok_or_else(|| {
        SandboxError::Unexpected("no active node to seed the demo data through".into())
    })?;
    let root = cluster
        .root_token()
        .ok_or_else(|| SandboxError::Unexpected("no root token for seeding".into()))?;
    Seeder::new(&cluster.nodes[active].api_addr, cluster.addrs(), root)
}

/// The connection profile of the sandbox.
pub fn profile(addrs: Vec<String>, creds: &Credentials) -> ConnectionProfile {
    ConnectionProfile {
        token: Some(creds.root_token_arc()),
        token_source: TokenSource::Sandbox,
        sandbox: true,
        ..ConnectionProfile::new("sandbox", addrs)
    }
}

fn print_postgres(pg: &Postgres) {
    eprintln!(
        "  postgres  127.0.0.1:{} (PID {}; database/ mount, role readonly)",
        pg.port(),
        pg.pid().map_or("-".to_string(), |p| p.to_string())
    );
}

fn print_created(cluster: &RunningCluster, creds: &Credentials, pg: Option<&Postgres>) {
    eprintln!();
    eprintln!("  ┌─ strongroom sandbox ─ PRACTICE ONLY ───────────────────────────────────────");
    eprintln!(
        "  │ A local {NODES}-node OpenBao raft cluster with fake demo data. Its keys and token"
    );
    eprintln!("  │ are printed and stored in plain text: never put real secrets in it.");
    eprintln!("  └────────────────────────────────────────────────────────────────────────────");
    for n in &cluster.nodes {
        eprintln!("  {}  {}", n.node_id, n.api_addr);
    }
    if let Some(pg) = pg {
        print_postgres(pg);
    }
    eprintln!("  root token:   {}", creds.root_token.expose_secret());
    eprintln!(
        "  unseal keys ({} of {} needed):",
        creds.threshold,
        creds.shares.len()
    );
    for (i, s) in creds.shares.iter().enumerate() {
        eprintln!("    {}: {}", i + 1, s.expose_secret());
    }
    eprintln!(
        "  saved in {} (mode 0600)",
        state::credentials_path(&cluster.dir).display()
    );
    eprintln!(
        "  demo data: secret/ (KV v2), kv1/, transit/, pki/ (certificates of 30m to 90d), \
         database/ (PostgreSQL credentials) when PostgreSQL runs, policies, approle + userpass \
         logins, tokens"
    );
    eprintln!(
        "  practise: `strongroom sandbox seal`, then unseal each node with 3 of the shares (BAO_ADDR=… bao operator unseal); `strongroom sandbox down|reset`"
    );
    eprintln!();
}
