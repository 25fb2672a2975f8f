//! Copying and moving secrets with all their versions: the plan (made by a dry-run job that
//! walks the source and reads metadata only, never a value) and what its items say.
//!
//! Decisions (also in the README):
//! - Sources: `secret/apps/` (ending in `/`) is a subtree; `secret/apps/x` is that one secret
//!   when it exists, else the subtree below it. Several paths (marked search results) are
//!   copied relative to their longest common folder.
//! - Targets: a subtree goes below the target folder (`secret/apps/a/b` → `kv/new/a/b`); one
//!   secret goes to the target path itself, or below it when the target ends in `/`.
//! - Versions: every **live** version is written in order with check-and-set (0, 1, 2, …), so
//!   the target's version numbers follow the order of the source's live versions. Deleted and
//!   destroyed versions are **skipped and noted** (no placeholder versions are written).
//!   `max_versions`, `cas_required`, `delete_version_after` and `custom_metadata` are carried
//!   over (v2 → v2). KV v1 has one version: v1 → v2 writes one version; v2 → v1 writes the
//!   newest live version only (the older ones and the metadata are noted as not carried).
//! - An existing target is a conflict: the item is skipped, never overwritten; a move with a
//!   conflict or a planning error cannot be submitted.
//! - A move deletes the sources (every version and the metadata on v2; the secret on v1) only
//!   after every copy was read back and compared; after any failure nothing is deleted.

use std::collections::BTreeMap;

use crate::vault::models::kv::KvVersion;

/// Secrets planned or copied at once (bounded concurrency).
pub const COPY_CONCURRENCY: usize = 16;
/// Most secrets one plan holds.
pub const MAX_PLAN_ITEMS: usize = 100_000;

/// A mount with its KV version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvMount {
    /// `secret/`.
    pub path: String,
    pub kv: KvVersion,
}

/// The v2 settings carried over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopySettings {
    pub max_versions: u64,
    pub cas_required: bool,
    /// As the server says it ("0s", "1h0m0s").
    pub delete_version_after: String,
    pub custom_metadata: BTreeMap<String, String>,
}

/// One secret to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyItem {
    /// Relative to the source mount: `apps/x`.
    pub src: String,
    /// Relative to the target mount.
    pub dst: String,
    /// Source versions to write, in order (`[0]` on a v1 source: its one version).
    pub versions: Vec<u64>,
    /// What is not carried over, in words: "v1 destroyed", "v2 deleted", "metadata (v1 target)".
    pub notes: Vec<String>,
    /// Settings to carry (v2 → v2).
    pub settings: Option<CopySettings>,
    /// The target exists already (its current version, 1 on v1): the item is skipped.
    pub conflict: Option<u64>,
}

/// A dry run's result: what a copy would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyPlan {
    /// The node the plan was made on (and the copy goes to).
    pub addr: String,
    pub src_mount: KvMount,
    pub dst_mount: KvMount,
    /// As asked: `secret/apps/`, for titles.
    pub src_label: String,
    pub dst_label: String,
    pub items: Vec<CopyItem>,
    /// Source folders the token may not list (skipped).
    pub denied: u64,
    /// Secrets whose metadata could not be read: (path, error), sanitised.
    pub errors: Vec<(String, String)>,
    /// More than [`MAX_PLAN_ITEMS`] secrets.
    pub truncated: bool,
}

impl CopyPlan {
    /// Items that will be written (no conflict, something to write).
    pub fn to_copy(&self) -> impl Iterator<Item = &CopyItem> {
        self.items
            .iter()
            .filter(|i| i.conflict.is_none() && !i.versions.is_empty())
    }

    pub fn copy_count(&self) -> usize {
        self.to_copy().count()
    }

    pub fn version_count(&self) -> usize {
        self.to_copy().map(|i| i.versions.len()).sum()
    }

    pub fn conflicts(&self) -> usize {
        self.items.iter().filter(|i| i.conflict.is_some()).count()
    }

    /// Items with nothing live to write (every version deleted or destroyed).
    pub fn empty_items(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.conflict.is_none() && i.versions.is_empty())
            .count()
    }

    /// A move is only allowed when every source will be copied (nothing would be left behind
    /// or lost): no conflict, no error, no denied folder, nothing empty, nothing cut.
    pub fn movable(&self) -> Result<(), String> {
        let why = if self.copy_count() == 0 {
            "nothing to copy"
        } else if self.conflicts() > 0 {
            "some targets exist already"
        } else if !self.errors.is_empty() {
            "some sources could not be read"
        } else if self.denied > 0 {
            "some source folders are denied"
        } else if self.empty_items() > 0 {
            "some sources have no live version"
        } else if self.truncated {
            "the plan was cut at its bound"
        } else {
            return Ok(());
        };
        Err(format!("cannot move: {why}"))
    }

    /// `secret/apps/x` for an item's source.
    pub fn src_full(&self, item: &CopyItem) -> String {
        format!("{}{}", self.src_mount.path, item.src)
    }

    pub fn dst_full(&self, item: &CopyItem) -> String {
        format!("{}{}", self.dst_mount.path, item.dst)
    }
}

/// Target path of `rel` (relative to the source folder) below the target folder `dst_folder`.
pub fn target_of(dst_folder: &str, rel: &str) -> String {
    let f = dst_folder.trim_matches('/');
    if f.is_empty() {
        rel.to_string()
    } else {
        format!("{f}/{rel}")
    }
}

/// The longest common folder (ending in `/`, or `""`) of paths.
pub fn common_folder(paths: &[String]) -> String {
    let Some(first) = paths.first() else {
        return String::new();
    };
    let mut prefix: &str = first.rsplit_once('/').map_or("", |(d, _)| d);
    for p in &paths[1..] {
        while !(prefix.is_empty() || p.starts_with(&format!("{prefix}/"))) {
            prefix = prefix.rsplit_once('/').map_or("", |(d, _)| d);
        }
    }
    if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_folders_and_targets() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(common_folder(&p(&["a/b/x", "a/b/c/y"])), "a/b/");
        assert_eq!(common_folder(&p(&["a/bc/x", "a/b/y"])), "a/");
        assert_eq!(common_folder(&p(&["a/b/x"])), "a/b/");
        assert_eq!(common_folder(&p(&["x", "a/y"])), "");
        assert_eq!(target_of("new/", "a/b"), "new/a/b");
        assert_eq!(target_of("", "a"), "a");
    }
}
