//! The tokens screen: every token by accessor (an inventory job: batches arrive while the
//! table keeps drawing), a filter language (`/` or `:tokens FILTER`, see
//! [`crate::vault::token_filter`]), marks, and revocations through the gate: one by accessor,
//! a bulk revoke of the marked (or every filtered) token as one batch, and revoke by value
//! (`:revoke-token`, tree or orphan). The console's own token is marked and left out of a bulk
//! revoke unless the user includes it.

mod actions;
mod dialog;
mod view;

pub use actions::{Awaiting, HINTS, LOAD};
pub use dialog::{ByValueForm, RevokeDialog, RevokeResults, RevokeRow, RowOutcome};
pub use view::{TokensView, ttl_text};

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::jobs::JobProgress;
use crate::remote::Remote;
use crate::vault::inventory::InventoryProgress;
use crate::vault::models::tokens::TokenInfo;
use crate::vault::token_filter::TokenFilter;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokensScreen {
    /// The last complete inventory (kept, stale, when a reload fails).
    pub tokens: Remote<Vec<TokenInfo>>,
    /// Tokens of the running inventory so far (shown while it loads).
    pub incoming: Vec<TokenInfo>,
    /// The running (or last) inventory's counters.
    pub progress: InventoryProgress,
    /// The console's own token's accessor.
    pub own_accessor: Option<String>,
    filter_text: String,
    /// The parsed filter (empty while the text does not parse).
    filter: TokenFilter,
    /// Why the filter text does not parse (shown plainly; nothing is filtered then).
    filter_error: Option<String>,
    selected: usize,
    /// Marked tokens, by accessor.
    pub marked: BTreeSet<String>,
    pub dialog: Option<RevokeDialog>,
    pub by_value: Option<ByValueForm>,
    /// `(accessor, name)` of the bulk revoke in flight, in batch order, and its progress.
    pub revoking: Option<(Vec<(String, String)>, JobProgress)>,
    pub results: Option<RevokeResults>,
    /// A single revoke (by accessor or value) is with the gate or the worker.
    pub awaiting: Option<actions::Awaiting>,
}

impl TokensScreen {
    /// A screen with a filter (`:tokens policy=ci-*`); a bad filter is kept and shown.
    pub fn with_filter(filter: &str) -> TokensScreen {
        let mut s = TokensScreen::default();
        s.set_filter(filter.to_string());
        s
    }

    /// The rows on hand: the running inventory's while it loads, else the last complete one.
    pub fn rows(&self) -> &[TokenInfo] {
        match &self.tokens {
            Remote::Loading { last } if !self.incoming.is_empty() || last.is_none() => {
                &self.incoming
            }
            t => t.value().map_or(&[], Vec::as_slice),
        }
    }

    /// The rows the filter lets through.
    pub fn visible(&self, now: DateTime<Utc>) -> Vec<&TokenInfo> {
        self.rows()
            .iter()
            .filter(|t| self.filter.matches(t, now))
            .collect()
    }

    pub fn selected(&self, now: DateTime<Utc>) -> usize {
        self.selected.min(self.visible(now).len().saturating_sub(1))
    }

    pub fn selected_token(&self, now: DateTime<Utc>) -> Option<&TokenInfo> {
        self.visible(now).get(self.selected(now)).copied()
    }

    pub fn filter(&self) -> &str {
        &self.filter_text
    }

    pub fn filter_error(&self) -> Option<&str> {
        self.filter_error.as_deref()
    }

    pub fn set_filter(&mut self, f: String) {
        if f != self.filter_text {
            (self.filter, self.filter_error) = match TokenFilter::parse(&f) {
                Ok(parsed) => (parsed, None),
                Err(e) => (TokenFilter::default(), Some(e)),
            };
            self.filter_text = f;
            self.selected = 0;
        }
    }

    pub fn is_own(&self, t: &TokenInfo) -> bool {
        self.own_accessor.as_deref() == Some(t.accessor.as_str())
    }

    pub(crate) fn move_selection(&mut self, delta: isize, now: DateTime<Utc>) {
        let n = self.visible(now).len();
        self.selected = if n == 0 {
            0
        } else {
            self.selected(now).saturating_add_signed(delta).min(n - 1)
        };
    }

    /// The set a bulk revoke takes: the marked tokens still listed, else every filtered one.
    pub fn bulk_set(&self, now: DateTime<Utc>) -> Vec<&TokenInfo> {
        let visible = self.visible(now);
        if self.marked.is_empty() {
            return visible;
        }
        self.rows()
            .iter()
            .filter(|t| self.marked.contains(&t.accessor))
            .collect()
    }

    /// Typing goes to the revoke-by-value form while it is open.
    pub fn takes_text(&self) -> bool {
        self.by_value.is_some()
    }

    /// The inventory has rows, is loading, or failed — for the title.
    pub fn summary(&self, now: DateTime<Utc>) -> String {
        let total = self.rows().len();
        let shown = self.visible(now).len();
        let mut s = if shown == total {
            format!("{total} tokens")
        } else {
            format!("{shown} of {total} tokens")
        };
        if !self.marked.is_empty() {
            s += &format!(" · {} marked", self.marked.len());
        }
        s
    }
}
