//! Grouping log files by node: a live file (`audit.log`) and its rotated siblings
//! (`audit.log.1`, `audit.log.2.gz`, logrotate's `audit.log-20261201.gz`, lumberjack's
//! `audit-2026-12-01T10-00-00.000.log.gz`) share a directory and a stem; each group is one
//! node's log, its files oldest first (by modification time; the live file last).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

use regex::Regex;

use super::job::NodeLog;

fn lumberjack() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(.*)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?(\.[^.]*)?$").ok()
    })
    .as_ref()
}

fn dateext() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(.*)-\d{8}(?:-?\d{2,10})?$").ok())
        .as_ref()
}

/// The live file's name a (maybe rotated) file name belongs to, and its rotation number
/// (`audit.log.3` → 3; 0 for others).
pub fn stem_of(name: &str) -> (String, u64) {
    let mut s = name.strip_suffix(".gz").unwrap_or(name).to_string();
    let mut n = 0;
    if let Some((head, tail)) = s.rsplit_once('.')
        && !tail.is_empty()
        && tail.bytes().all(|b| b.is_ascii_digit())
        && !head.is_empty()
    {
        n = tail.parse().unwrap_or(u64::MAX);
        s = head.to_string();
    }
    if let Some(c) = lumberjack().and_then(|re| re.captures(&s)) {
        let base = c.get(1).map_or("", |m| m.as_str());
        let ext = c.get(2).map_or("", |m| m.as_str());
        return (format!("{base}{ext}"), n);
    }
    if let Some(c) = dateext().and_then(|re| re.captures(&s)) {
        return (c.get(1).map_or("", |m| m.as_str()).to_string(), n);
    }
    (s, n)
}

fn mtime(p: &Path) -> SystemTime {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Group paths into nodes' logs (see the module doc). Groups keep the order in which their
/// first file was given; the label is the live file's name (with its directory when two
/// groups share a name).
pub fn group_logs(paths: &[PathBuf]) -> Vec<NodeLog> {
    let mut order: Vec<(PathBuf, String)> = Vec::new();
    let mut groups: BTreeMap<(PathBuf, String), Vec<(PathBuf, u64)>> = BTreeMap::new();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
        let (stem, n) = stem_of(&name);
        let key = (dir, stem);
        let files = groups.entry(key.clone()).or_default();
        if files.is_empty() {
            order.push(key);
        }
        if !files.iter().any(|(f, _)| f == p) {
            files.push((p.clone(), n));
        }
    }
    let mut name_count: BTreeMap<String, usize> = BTreeMap::new();
    for (_, stem) in &order {
        *name_count.entry(stem.clone()).or_default() += 1;
    }
    order
        .into_iter()
        .map(|key| {
            let mut files = groups.remove(&key).unwrap_or_default();
            let (dir, stem) = key;
            // Oldest first: the live file last, then by mtime, then higher rotation numbers first.
            files.sort_by_key(|(f, n)| {
                let live = f.file_name().is_some_and(|x| x.to_string_lossy() == stem);
                (live, mtime(f), std::cmp::Reverse(*n))
            });
            let label = if name_count.get(&stem).copied().unwrap_or(0) > 1 {
                let d = dir
                    .file_name()
                    .map(|d| d.to_string_lossy().into_owned())
                    .unwrap_or_else(|| dir.display().to_string());
                format!("{d}/{stem}")
            } else {
                stem
            };
            NodeLog {
                label,
                files: files.into_iter().map(|(f, _)| f).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(stem_of("audit.log"), ("audit.log".into(), 0));
        assert_eq!(stem_of("audit.log.1"), ("audit.log".into(), 1));
        assert_eq!(stem_of("audit.log.2.gz"), ("audit.log".into(), 2));
        assert_eq!(stem_of("audit.log-20261201.gz"), ("audit.log".into(), 0));
        assert_eq!(
            stem_of("audit-2026-12-01T10-00-00.000.log.gz"),
            ("audit.log".into(), 0)
        );
    }
}
