//! The copy screen: copy or move a secret, a subtree or marked search results to another path
//! or mount, with all versions (`:cp SRC DST`, `:mv SRC DST`; `:cp DST` on the search screen
//! copies the marked results). A dry run first (the plan job: which secrets, how many
//! versions, what is not carried, which targets exist) shown as a listing; `enter` sends the
//! whole copy through the write gate as one write (a typed phrase with the count for a move);
//! then the per-item report. The rules are in `jobs::copy`.

mod actions;
mod view;

pub use actions::HINTS;
pub use view::CopyView;

use crate::jobs::JobProgress;
use crate::jobs::copy::CopyPlan;
use crate::reply::WriteOutcome;
use crate::ui::screens::Screen;
use crate::vault::VaultError;

/// Where the copy is.
#[derive(Debug, Clone, PartialEq)]
pub enum CopyPhase {
    /// The dry run is running.
    Planning(JobProgress),
    /// The plan is shown; `enter` submits it.
    Planned,
    /// Sent to the gate (waiting for the confirmation, or running).
    Submitted,
    /// The worker's per-item report is in.
    Finished,
    Failed(VaultError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CopyScreen {
    /// The node to use; empty: the cluster's API node when opened.
    pub addr: String,
    /// One path (a secret or a folder) or several secrets.
    pub sources: Vec<String>,
    pub dst: String,
    pub delete_source: bool,
    pub phase: CopyPhase,
    pub plan: Option<CopyPlan>,
    pub outcome: Option<WriteOutcome>,
    /// The running copy's progress (secrets done, failed, of the total).
    pub progress: Option<JobProgress>,
    scroll: usize,
}

/// The screen the KV browser (and `:cp`/`:mv`) opens: copy or move `src` (a secret, or a
/// folder ending in `/`) to `dst`. `addr` may be empty (the cluster's API node).
pub fn copy_screen(addr: &str, src: &str, dst: &str, delete_source: bool) -> Screen {
    Screen::Copy(CopyScreen::new(
        addr,
        vec![src.to_string()],
        dst,
        delete_source,
    ))
}

impl CopyScreen {
    pub fn new(addr: &str, sources: Vec<String>, dst: &str, delete_source: bool) -> CopyScreen {
        CopyScreen {
            addr: addr.to_string(),
            sources,
            dst: dst.to_string(),
            delete_source,
            phase: CopyPhase::Planning(JobProgress::default()),
            plan: None,
            outcome: None,
            progress: None,
            scroll: 0,
        }
    }

    /// From `:cp`/`:mv`: `SRC DST`, or `DST` alone with `marked` paths (the search screen's).
    pub fn from_command(
        arg: &str,
        delete_source: bool,
        marked: Option<Vec<String>>,
    ) -> Result<CopyScreen, String> {
        let words: Vec<&str> = arg.split_whitespace().collect();
        let verb = if delete_source { "mv" } else { "cp" };
        match (words.as_slice(), marked) {
            ([src, dst], _) => Ok(CopyScreen::new(
                "",
                vec![src.to_string()],
                dst,
                delete_source,
            )),
            ([dst], Some(paths)) if !paths.is_empty() => {
                Ok(CopyScreen::new("", paths, dst, delete_source))
            }
            _ => Err(format!(
                "usage: :{verb} SRC DST (a secret, or a folder ending in /), or :{verb} DST on the search screen for the marked results"
            )),
        }
    }

    /// "secret/apps/ → kv/new/", "3 secrets → kv/new/".
    pub fn label(&self) -> String {
        let src = match self.sources.as_slice() {
            [one] => one.clone(),
            many => format!("{} marked secrets", many.len()),
        };
        format!("{src} → {}", self.dst)
    }

    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// Rows of the listing (plan items, or report items once finished).
    pub fn rows(&self) -> usize {
        match (&self.outcome, &self.plan) {
            (Some(o), _) => o.items.len(),
            (None, Some(p)) => p.items.len() + p.errors.len(),
            _ => 0,
        }
    }

    fn move_scroll(&mut self, delta: isize) {
        let n = self.rows();
        self.scroll = if n == 0 {
            0
        } else {
            self.scroll.saturating_add_signed(delta).min(n - 1)
        };
    }
}
