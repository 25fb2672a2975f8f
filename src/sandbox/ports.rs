//! Free port pairs on 127.0.0.1: API port P and cluster port P+1, both bindable right now.
//!
//! Ports are drawn at random from a range below the Linux ephemeral range, so that concurrent
//! test processes rarely try the same pair and outgoing connections never hold them. A pair can
//! still be taken between this check and the server binding it; the cluster start notices the
//! node exiting with "address already in use" and retries with new ports.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};

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
}
