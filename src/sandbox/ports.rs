//! Free port pairs on 127.0.0.1: API port P and cluster port P+1, both bindable right now.
//!
//! Ports are drawn at random from a range below the Linux ephemeral range, so that concurrent
//! test processes rarely try the same pair and outgoing connections never hold them. A pair can
//! still be taken between this check and the server binding it; the cluster start notices the
//! node exiting with "address already in use" and retries with new ports. A sandbox that is
//! reused keeps its recorded ports: when another program holds one, [`held`] names it.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};

use super::cluster::{NodeProc, RunningCluster};
use super::error::SandboxError;

const LOW: u16 = 20_000;
const HIGH: u16 = 32_000;
const ATTEMPTS: usize = 500;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A random even port in `LOW..HIGH`. std's `RandomState` is randomly keyed per process, which
/// is all the randomness needed here (no `rand` dependency for this).
fn random_port() -> u16 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    let span = u64::from((HIGH - LOW) / 2);
    // The modulo keeps the value below `span`, which fits in u16.
    let offset = u16::try_from(h.finish() % span).unwrap_or(0);
    LOW + offset * 2
}

/// Can a listener on 127.0.0.1:`port` be opened right now?
pub fn bindable(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// Pick a port P such that P and P+1 are free and neither is in `taken`.
pub fn pick_pair(taken: &[u16], node: usize) -> Result<u16, SandboxError> {
    for _ in 0..ATTEMPTS {
        let p = random_port();
        if taken.contains(&p) || taken.contains(&(p + 1)) {
            continue;
        }
        if bindable(p) && bindable(p + 1) {
            return Ok(p);
        }
    }
    Err(SandboxError::NoFreePorts { node })
}

/// One free port (for a single server such as PostgreSQL), or `None` when none was found.
pub fn pick_one() -> Option<u16> {
    (0..ATTEMPTS).map(|_| random_port()).find(|p| bindable(*p))
}

/// Pick `n` distinct pairs.
pub fn pick_pairs(n: usize) -> Result<Vec<u16>, SandboxError> {
    let mut taken = Vec::with_capacity(n * 2);
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let p = pick_pair(&taken, i)?;
        taken.extend([p, p + 1]);
        out.push(p);
    }
    Ok(out)
}

/// The error naming the port(s) of `node` that another program holds right now, if any.
pub fn held(node: &NodeProc) -> Option<SandboxError> {
    let api = !bindable(node.api_port);
    let cluster = !bindable(node.cluster_port);
    (api || cluster).then(|| held_error(node, api, cluster))
}

/// Turn "node N exited: address already in use" into the port another program holds.
pub fn clash_error(cluster: &RunningCluster, e: SandboxError) -> SandboxError {
    let SandboxError::NodeExited { node, .. } = &e else {
        return e;
    };
    match cluster.nodes.iter().find(|n| n.id == *node) {
        Some(n) => held_error(n, !bindable(n.api_port), !bindable(n.cluster_port)),
        None => e,
    }
}

/// Names the held port; both when it is not clear which one (it was freed meanwhile).
fn held_error(node: &NodeProc, api: bool, cluster: bool) -> SandboxError {
    let addr = |p: u16| format!("127.0.0.1:{p}");
    let (ports, role) = match (api, cluster) {
        (true, false) => (addr(node.api_port), "API"),
        (false, true) => (addr(node.cluster_port), "cluster"),
        _ => (
            format!("{} or {}", addr(node.api_port), addr(node.cluster_port)),
            "API or cluster",
        ),
    };
    SandboxError::PortHeld {
        ports,
        node: node.node_id.clone(),
        role,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_distinct_and_free() {
        let ps = pick_pairs(3).unwrap();
        assert_eq!(ps.len(), 3);
        for (i, a) in ps.iter().enumerate() {
            assert!((LOW..HIGH).contains(a));
            for b in &ps[i + 1..] {
                assert!(a.abs_diff(*b) >= 2);
            }
        }
    }

    #[test]
    fn a_held_port_is_named_with_its_node_and_role() {
        let d = tempfile::tempdir().unwrap();
        let p = pick_pair(&[], 2).unwrap();
        let node = NodeProc::new(
            2,
            p,
            p + 1,
            None,
            super::super::hcl::NodePaths::new(d.path(), 2),
        );
        assert!(held(&node).is_none());
        let l = TcpListener::bind(("127.0.0.1", p + 1)).unwrap();
        let msg = held(&node).unwrap().to_string();
        assert!(
            msg.starts_with(&format!(
                "127.0.0.1:{} (node2's cluster port) is in use",
                p + 1
            )),
            "{msg}"
        );
        assert!(!msg.contains("reset"), "{msg}");
        drop(l);
        let _l = TcpListener::bind(("127.0.0.1", p)).unwrap();
        let msg = held(&node).unwrap().to_string();
        assert!(
            msg.starts_with(&format!("127.0.0.1:{p} (node2's API port)")),
            "{msg}"
        );
    }
}
