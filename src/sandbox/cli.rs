//! The headless sandbox subcommands: `up`, `status`, `seal`, `down`, `reset`. Each prints what it
//! did and returns the process exit code.
// Headless subcommands: their job is to print what they did to stdout/stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::time::{Duration, Instant};

use super::cluster::RunningCluster;
use super::error::SandboxError;
use super::init;
use super::ready::role_of;
use super::state::{self, SandboxState};
use super::{files, lock, up, up_pg};
use crate::cli::SandboxAction;
use crate::vault::models::sys::NodeRole;

/// How long a sealed node may take to say so.
const SEAL_TIMEOUT: Duration = Duration::from_secs(30);

/// Run one `strongroom sandbox <action>`; the returned value is the exit code.
pub async fn run_action(action: SandboxAction) -> i32 {
    let res = match action {
        SandboxAction::Up => up::up().await.map(|_| 0),
        SandboxAction::Status => status().await,
        SandboxAction::Seal => match locked().await {
            Ok(_lock) => seal().await,
            Err(e) => Err(e),
        },
        SandboxAction::Down => match locked().await {
            Ok(_lock) => down().map(|_| 0),
            Err(e) => Err(e),
        },
        SandboxAction::Reset => match locked().await {
            Ok(lock) => reset(lock.as_ref()),
            Err(e) => Err(e),
        },
    };
    res.unwrap_or_else(|e| {
        eprintln!("strongroom sandbox: {e}");
        1
    })
}

/// The state dir's lock, for the actions that change the sandbox (`status` only reads). `None`
/// when there is no state dir: nothing to protect, and nothing is created for it.
async fn locked() -> Result<Option<lock::SandboxLock>, SandboxError> {
    let dir = state::state_dir()?;
    if !dir.exists() {
        return Ok(None);
    }
    lock::acquire(&dir, lock::LOCK_WAIT, |path| {
        eprintln!(
            "strongroom sandbox: another `strongroom sandbox` run is in progress (it holds {}); \
             waiting for it …",
            path.display()
        );
    })
    .await
    .map(Some)
}

/// The recorded sandbox, or `NotCreated`.
fn load() -> Result<(std::path::PathBuf, SandboxState), SandboxError> {
    let dir = state::state_dir()?;
    match SandboxState::load(&dir)? {
        Some(st) => Ok((dir, st)),
        None => Err(SandboxError::NotCreated(dir)),
    }
}

fn adopt(dir: &Path, st: &SandboxState) -> RunningCluster {
    RunningCluster::adopt(dir, &st.cluster_name, st.node_procs(dir))
}

/// Per node: process running, seal state, role. Exit 0 when every node runs unsealed, 2 when any
/// is stopped, sealed or unreachable.
async fn status() -> Result<i32, SandboxError> {
    let (dir, st) = load()?;
    let mut cluster = adopt(&dir, &st);
    println!("sandbox in {}", dir.display());
    println!(
        "{:<6} {:<24} {:>8}  {:<8} {:<14} ROLE",
        "NODE", "ADDRESS", "PID", "PROCESS", "SEAL"
    );
    let mut all_ok = true;
    for i in 0..cluster.nodes.len() {
        let running = cluster.is_running(i);
        let n = &cluster.nodes[i];
        let pid = n
            .pid
            .filter(|_| running)
            .map_or("-".to_string(), |p| p.to_string());
        let role = if running {
            role_of(&init::client(&n.api_addr, None)?).await?
        } else {
            None
        };
        let (seal, role_label) = match role {
            None if running => ("no answer", "-"),
            None => ("-", "-"),
            Some(NodeRole::Sealed) => ("sealed", "-"),
            Some(NodeRole::Uninitialized) => ("uninitialised", "-"),
            Some(r) => ("unsealed", r.label()),
        };
        all_ok &= role.is_some_and(NodeRole::is_unsealed);
        let process = if running { "running" } else { "stopped" };
        println!(
            "{:<6} {:<24} {pid:>8}  {process:<8} {seal:<14} {role_label}",
            n.node_id, n.api_addr
        );
    }
    if let Some((r, running)) = super::postgres::Postgres::status_in(&up_pg::pg_dir(&dir))? {
        let pid = r
            .pid
            .filter(|_| running)
            .map_or("-".to_string(), |p| p.to_string());
        let process = if running { "running" } else { "stopped" };
        let addr = format!("127.0.0.1:{}", r.port);
        println!(
            "{:<6} {addr:<24} {pid:>8}  {process:<8} (database/ mount)",
            "pg"
        );
    }
    Ok(if all_ok { 0 } else { 2 })
}

/// Seal every running node and leave it sealed. The active node is sealed over the API; standbys
/// refuse `sys/seal` ("cannot seal when in standby mode; please restart instead"), so they are
/// restarted, which brings them back sealed.
async fn seal() -> Result<i32, SandboxError> {
    let (dir, st) = load()?;
    let creds = state::read_credentials(&dir)?.ok_or_else(|| SandboxError::State {
        dir: dir.clone(),
        reason: "no credentials.json".into(),
    })?;
    let mut cluster = adopt(&dir, &st);
    cluster.set_credentials(creds);
    let n = cluster.nodes.len();
    let running: Vec<bool> = (0..n).map(|i| cluster.is_running(i)).collect();
    let roles = cluster.roles().await?;
    let order: Vec<usize> = (0..n)
        .filter(|&i| roles[i] == Some(NodeRole::Active))
        .chain((0..n).filter(|&i| roles[i] != Some(NodeRole::Active)))
        .collect();
    for i in order {
        let id = cluster.nodes[i].node_id.clone();
        if !running[i] {
            println!("{id}: not running (left stopped)");
            continue;
        }
        let c = cluster.root_client(i)?;
        if matches!(
            role_of(&c).await?,
            Some(NodeRole::Sealed | NodeRole::Uninitialized)
        ) {
            println!("{id}: already sealed");
            continue;
        }
        if c.seal().await.is_ok() {
            println!("{id}: sealed");
        } else {
            cluster.restart_node(i).await?;
            println!("{id}: restarted sealed (standbys cannot be sealed over the API)");
        }
        wait_sealed(&c).await?;
    }
    SandboxState::from_cluster(&cluster, st.created.clone()).save(&dir)?;
    cluster.detach();
    println!(
        "every running node is sealed; unseal with 3 of the keys in {}",
        state::credentials_path(&dir).display()
    );
    Ok(0)
}

async fn wait_sealed(c: &crate::vault::VaultClient) -> Result<(), SandboxError> {
    let deadline = Instant::now() + SEAL_TIMEOUT;
    loop {
        if role_of(c).await? == Some(NodeRole::Sealed) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(SandboxError::Timeout {
                what: format!("{} to seal", c.addr()),
                secs: SEAL_TIMEOUT.as_secs(),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Stop every recorded node (SIGTERM, then SIGKILL after a bounded wait), keeping the data.
/// Returns how many were running, or `None` when there is no sandbox.
fn stop_recorded(dir: &Path) -> Result<Option<usize>, SandboxError> {
    let Some(st) = SandboxState::load(dir)? else {
        return Ok(None);
    };
    let mut cluster = adopt(dir, &st);
    let was = (0..cluster.nodes.len())
        .filter(|&i| cluster.is_running(i))
        .count();
    cluster.stop();
    SandboxState::from_cluster(&cluster, st.created.clone()).save(dir)?;
    if up_pg::stop(dir)? {
        println!("stopped PostgreSQL");
    }
    Ok(Some(was))
}

fn down() -> Result<(), SandboxError> {
    let dir = state::state_dir()?;
    match stop_recorded(&dir)? {
        None => println!("no sandbox in {}", dir.display()),
        Some(was) => println!("stopped {was} node(s); data kept in {}", dir.display()),
    }
    Ok(())
}

/// Stop every node and delete the sandbox's files (and its directory when nothing else is in it).
fn reset(lock: Option<&lock::SandboxLock>) -> Result<i32, SandboxError> {
    let dir = state::state_dir()?;
    if let Some(was) = stop_recorded(&dir)? {
        println!("stopped {was} node(s)");
    }
    // Also a data directory kept outside the sandbox directory (root runs PostgreSQL as `postgres`).
    up_pg::remove(&dir)?;
    if let Some(lock) = lock {
        lock::remove_file(lock)?;
    }
    if files::remove(&dir)? {
        println!("deleted {}", dir.display());
    } else {
        println!(
            "deleted the sandbox files in {} (other files there were kept)",
            dir.display()
        );
    }
    Ok(0)
}
