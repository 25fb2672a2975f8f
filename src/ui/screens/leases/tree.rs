//! The lease tree: every lease of an inventory, and per prefix (each folder from the
//! inventory's root down to a lease's own prefix) the count of leases below it, its soonest
//! expiry and the leases themselves (indices, in arrival order). Built incrementally as
//! batches arrive; prefixes sort as strings, so a prefix's descendants follow it directly.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::vault::models::leases::LeaseInfo;

/// What a prefix holds, counting every lease below it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrefixStats {
    pub count: u64,
    /// The earliest expiry below (leases without expiry are not counted).
    pub soonest: Option<DateTime<Utc>>,
    /// Indices of the leases below, in arrival order.
    pub leases: Vec<u32>,
}

/// One visible row of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow<'a> {
    pub prefix: &'a str,
    /// Segments below the root (the root is 0).
    pub depth: usize,
    pub stats: &'a PrefixStats,
    pub collapsed: bool,
    /// Whether any prefix lies below it.
    pub has_children: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeaseTree {
    root: String,
    leases: Vec<LeaseInfo>,
    prefixes: BTreeMap<String, PrefixStats>,
}

impl LeaseTree {
    /// An empty tree below `root` (normalised: `""` or ending in `/`).
    pub fn new(root: &str) -> LeaseTree {
        let mut prefixes = BTreeMap::new();
        prefixes.insert(root.to_string(), PrefixStats::default());
        LeaseTree {
            root: root.to_string(),
            leases: Vec::new(),
            prefixes,
        }
    }

    pub fn root(&self) -> &str {
        &self.root
    }

    pub fn len(&self) -> usize {
        self.leases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.leases.is_empty()
    }

    pub fn lease(&self, i: u32) -> Option<&LeaseInfo> {
        self.leases.get(i as usize)
    }

    pub fn stats(&self, prefix: &str) -> Option<&PrefixStats> {
        self.prefixes.get(prefix)
    }

    pub fn prefix_count(&self) -> usize {
        self.prefixes.len()
    }

    /// The prefixes a lease id lies below, from the root down to its own prefix.
    fn ancestors<'a>(&self, id: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let below = id.strip_prefix(self.root.as_str());
        let Some(rest) = below else {
            return out;
        };
        let base = self.root.len();
        let mut at = 0;
        while let Some(i) = rest[at..].find('/') {
            at += i + 1;
            out.push(&id[..base + at]);
        }
        out
    }

    /// Add a batch of leases; calls `each(index, lease)` for each new one (to keep filtered
    /// views up to date).
    pub fn add(&mut self, batch: Vec<LeaseInfo>, mut each: impl FnMut(u32, &LeaseInfo)) {
        for lease in batch {
            let Ok(i) = u32::try_from(self.leases.len()) else {
                return;
            };
            let mut chain: Vec<String> = vec![self.root.clone()];
            chain.extend(self.ancestors(&lease.id).into_iter().map(str::to_string));
            for p in chain {
                let s = self.prefixes.entry(p).or_default();
                s.count += 1;
                s.leases.push(i);
                if let Some(t) = lease.expire_time {
                    s.soonest = Some(s.soonest.map_or(t, |x| x.min(t)));
                }
            }
            each(i, &lease);
            self.leases.push(lease);
        }
    }

    /// Drop every lease below `prefix` (before its inventory is taken again).
    pub fn remove_below(&mut self, prefix: &str) {
        let kept: Vec<LeaseInfo> = std::mem::take(&mut self.leases)
            .into_iter()
            .filter(|l| !l.id.starts_with(prefix))
            .collect();
        *self = LeaseTree::new(&self.root);
        self.add(kept, |_, _| {});
    }

    /// The rows shown: every prefix, except those below a collapsed one.
    pub fn rows(&self, collapsed: &BTreeSet<String>) -> Vec<TreeRow<'_>> {
        let mut out = Vec::new();
        let mut hidden_below: Option<&str> = None;
        let keys: Vec<&String> = self.prefixes.keys().collect();
        for (k, key) in keys.iter().enumerate() {
            let key = key.as_str();
            if hidden_below.is_some_and(|h| key.starts_with(h) && key != h) {
                continue;
            }
            hidden_below = None;
            let is_collapsed = collapsed.contains(key);
            if is_collapsed {
                hidden_below = Some(key);
            }
            let has_children = keys
                .get(k + 1)
                .is_some_and(|n| n.starts_with(key) && n.as_str() != key);
            let Some(stats) = self.prefixes.get(key) else {
                continue;
            };
            out.push(TreeRow {
                prefix: key,
                depth: key[self.root.len().min(key.len())..].matches('/').count(),
                stats,
                collapsed: is_collapsed,
                has_children,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(id: &str, exp: Option<&str>) -> LeaseInfo {
        LeaseInfo {
            id: id.into(),
            issue_time: None,
            expire_time: exp.map(|e| DateTime::parse_from_rfc3339(e).unwrap().with_timezone(&Utc)),
            last_renewal: None,
            renewable: true,
            ttl: 0,
        }
    }

    #[test]
    fn counts_and_soonest_per_prefix() {
        let mut t = LeaseTree::new("");
        t.add(
            vec![
                lease("auth/approle/login/a", Some("2026-11-23T12:00:00Z")),
                lease("auth/approle/login/b", Some("2026-11-23T11:00:00Z")),
                lease("auth/token/create/c", Some("2026-11-23T10:30:00Z")),
                lease("database/creds/ro/d", None),
            ],
            |_, _| {},
        );
        assert_eq!(t.stats("").unwrap().count, 4);
        assert_eq!(t.stats("auth/").unwrap().count, 3);
        assert_eq!(t.stats("auth/approle/login/").unwrap().count, 2);
        assert_eq!(
            t.stats("auth/approle/login/")
                .unwrap()
                .soonest
                .unwrap()
                .to_rfc3339(),
            "2026-11-23T11:00:00+00:00"
        );
        assert_eq!(t.stats("database/creds/ro/").unwrap().soonest, None);
        let rows = t.rows(&BTreeSet::new());
        let names: Vec<&str> = rows.iter().map(|r| r.prefix).collect();
        assert_eq!(names[..3], ["", "auth/", "auth/approle/"]);
        assert_eq!(rows.len(), 9);
        let collapsed: BTreeSet<String> = ["auth/".to_string()].into();
        let rows = t.rows(&collapsed);
        let names: Vec<&str> = rows.iter().map(|r| r.prefix).collect();
        assert_eq!(
            names,
            [
                "",
                "auth/",
                "database/",
                "database/creds/",
                "database/creds/ro/"
            ]
        );
        assert!(rows[1].collapsed && rows[1].has_children);
        t.remove_below("auth/approle/");
        assert_eq!(t.stats("").unwrap().count, 2);
        assert!(t.stats("auth/approle/").is_none());
    }
}
