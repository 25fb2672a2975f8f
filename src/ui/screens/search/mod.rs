//! The search screen: secret paths matching a pattern across the current folder, one mount or
//! every KV mount (`:search PATTERN`, `:search secret/apps/ PATTERN`), found by the search job
//! (`jobs::search`: SCAN when allowed, else a LIST walk; a case-insensitive regex on the full
//! path). Results are listed as they arrive, at most [`MAX_RESULTS`]; counters per mount show
//! progress; `esc` cancels a running search (then goes back); `/` filters the results (a plain
//! case-insensitive substring); `enter` opens a result.

mod actions;
mod view;

pub use actions::HINTS;
pub use view::SearchView;

use crate::jobs::search::{MAX_RESULTS, SearchProgress, compile_pattern};
use crate::vault::VaultError;
use crate::vault::models::kv::KvVersion;
use crate::vault::models::mounts::MountList;

/// Where to search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchScope {
    /// Every KV mount (v1 and v2) of the mount list.
    AllKv,
    /// A mount or a folder: `secret/`, `secret/apps/`.
    Path(String),
}

impl SearchScope {
    pub fn label(&self) -> String {
        match self {
            SearchScope::AllKv => "all KV mounts".into(),
            SearchScope::Path(p) => p.clone(),
        }
    }
}

/// Where the search is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Asking for the mount list.
    Resolving,
    Running,
    Done,
    Cancelled,
    Failed(VaultError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchScreen {
    pub scope: SearchScope,
    pub pattern: String,
    pub phase: Phase,
    /// The mounts searched, with their versions (for opening a result).
    pub mounts: Vec<(String, KvVersion)>,
    /// The mount list, as the server gave it (for opening a mount).
    pub mount_list: Option<MountList>,
    pub progress: SearchProgress,
    results: Vec<String>,
    /// More results came than [`MAX_RESULTS`].
    pub truncated: bool,
    filter: String,
    /// Indices into `results` that pass the filter (kept up to date as results arrive).
    shown: Vec<usize>,
    selected: usize,
    /// Marked results (indices into `results`), to copy with `:cp DST`.
    marked: std::collections::BTreeSet<usize>,
}

impl SearchScreen {
    pub fn new(scope: SearchScope, pattern: &str) -> SearchScreen {
        SearchScreen {
            scope,
            pattern: pattern.to_string(),
            phase: Phase::Resolving,
            mounts: Vec::new(),
            mount_list: None,
            progress: SearchProgress::default(),
            results: Vec::new(),
            truncated: false,
            filter: String::new(),
            shown: Vec::new(),
            selected: 0,
            marked: Default::default(),
        }
    }

    /// From a `:search` argument: `PATTERN` (searching `here`, or every KV mount when `None`)
    /// or `PATH PATTERN`. The pattern is checked here, so a typo is a toast, not a screen.
    pub fn from_command(arg: &str, here: Option<String>) -> Result<SearchScreen, String> {
        let arg = arg.trim();
        let (scope, pattern) = match arg.split_once(char::is_whitespace) {
            Some((path, pattern)) => (SearchScope::Path(path.to_string()), pattern.trim()),
            None => (here.map_or(SearchScope::AllKv, SearchScope::Path), arg),
        };
        if arg.is_empty() {
            return Err("usage: :search PATTERN or :search MOUNT/PATH/ PATTERN".into());
        }
        compile_pattern(pattern).map_err(|e| {
            let first = e.to_string().lines().last().unwrap_or_default().to_string();
            format!("invalid search pattern: {first}")
        })?;
        Ok(SearchScreen::new(scope, pattern))
    }

    pub fn results(&self) -> &[String] {
        &self.results
    }

    pub fn running(&self) -> bool {
        matches!(self.phase, Phase::Resolving | Phase::Running)
    }

    /// Add a batch of results (capped at [`MAX_RESULTS`]), filtering only the new ones.
    pub fn add_results(&mut self, batch: Vec<String>) {
        let room = MAX_RESULTS.saturating_sub(self.results.len());
        if batch.len() > room {
            self.truncated = true;
        }
        let f = self.filter.to_lowercase();
        for path in batch.into_iter().take(room) {
            if f.is_empty() || path.to_lowercase().contains(&f) {
                self.shown.push(self.results.len());
            }
            self.results.push(path);
        }
    }

    /// How many results pass the filter.
    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    /// The `i`-th result that passes the filter.
    pub fn shown(&self, i: usize) -> Option<&str> {
        self.shown
            .get(i)
            .and_then(|&r| self.results.get(r))
            .map(String::as_str)
    }

    pub fn selected(&self) -> usize {
        self.selected.min(self.shown.len().saturating_sub(1))
    }

    pub fn selected_path(&self) -> Option<&str> {
        self.shown(self.selected())
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// The filter is a plain, case-insensitive substring; applied once per change.
    pub fn set_filter(&mut self, f: String) {
        if f == self.filter {
            return;
        }
        let lower = f.to_lowercase();
        self.shown = self
            .results
            .iter()
            .enumerate()
            .filter(|(_, p)| lower.is_empty() || p.to_lowercase().contains(&lower))
            .map(|(i, _)| i)
            .collect();
        self.filter = f;
        self.selected = 0;
    }

    /// `space`: mark or unmark the selected result.
    pub fn toggle_mark(&mut self) {
        if let Some(&i) = self.shown.get(self.selected())
            && !self.marked.remove(&i)
        {
            self.marked.insert(i);
        }
    }

    /// Is the `i`-th shown result marked?
    pub fn is_marked(&self, i: usize) -> bool {
        self.shown.get(i).is_some_and(|r| self.marked.contains(r))
    }

    pub fn marked_count(&self) -> usize {
        self.marked.len()
    }

    /// The marked results, or the selected one when none is marked (for `:cp DST`).
    pub fn marked_or_selected(&self) -> Vec<String> {
        if self.marked.is_empty() {
            return self
                .selected_path()
                .map(str::to_string)
                .into_iter()
                .collect();
        }
        self.marked
            .iter()
            .filter_map(|&i| self.results.get(i).cloned())
            .collect()
    }

    fn move_selection(&mut self, delta: isize) {
        let n = self.shown.len();
        self.selected = if n == 0 {
            0
        } else {
            self.selected().saturating_add_signed(delta).min(n - 1)
        };
    }

    /// The searched mount holding `path`, with its version (the longest mount prefix).
    pub fn mount_of(&self, path: &str) -> Option<(String, KvVersion)> {
        self.mounts
            .iter()
            .filter(|(m, _)| path.starts_with(m.as_str()))
            .max_by_key(|(m, _)| m.len())
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_arguments() {
        let s = SearchScreen::from_command("pay", None).unwrap();
        assert_eq!((s.scope, s.pattern.as_str()), (SearchScope::AllKv, "pay"));
        let s = SearchScreen::from_command("pay", Some("kv/a/".into())).unwrap();
        assert_eq!(s.scope, SearchScope::Path("kv/a/".into()));
        let s = SearchScreen::from_command("secret/apps/  ^x$", None).unwrap();
        assert_eq!(
            (s.scope, s.pattern.as_str()),
            (SearchScope::Path("secret/apps/".into()), "^x$")
        );
        assert!(SearchScreen::from_command("", None).is_err());
        let e = SearchScreen::from_command("secret/ (", None).unwrap_err();
        assert!(e.starts_with("invalid search pattern"), "{e}");
    }

    #[test]
    fn results_are_capped_and_filtered_incrementally() {
        let mut s = SearchScreen::new(SearchScope::AllKv, "");
        s.set_filter("B".into());
        s.add_results(vec!["s/a".into(), "s/b".into()]);
        assert_eq!(s.shown_len(), 1);
        assert_eq!(s.selected_path(), Some("s/b"));
        s.add_results((0..MAX_RESULTS).map(|i| format!("s/{i}")).collect());
        assert!(s.truncated);
        assert_eq!(s.results().len(), MAX_RESULTS);
        s.set_filter(String::new());
        assert_eq!(s.shown_len(), MAX_RESULTS);
    }
}
