//! The KV browser (one folder per screen on the navigation stack, so `esc` comes back to the
//! parent with its cursor and filter) and the secret view (field names with masked values; a
//! value is read from the server only when the user reveals or copies it).
//!
//! A folder of 100,000 keys stays cheap: names are sanitised and lower-cased once when the
//! listing arrives, a filter keystroke makes one pass, and a frame draws only the rows in view.

mod browser;
mod browser_view;
pub mod cli;
mod copy_text;
pub mod links;
mod secret;
mod secret_view;

pub use browser::HINTS as BROWSER_HINTS;
pub use browser_view::BrowserView;
pub use cli::shell_quote;
pub use copy_text::{env_lines, json_text};
pub use secret::{SECRET_HINTS, SecretView};
pub use secret_view::SecretViewWidget;

use crate::remote::Remote;
use crate::sanitize::sanitize;
use crate::vault::models::kv::KvVersion;

use super::Screen;

/// A folder's listing, prepared once for filtering and drawing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listing {
    /// The server's names (folders end in `/`), sorted as the server sent them.
    pub keys: Vec<String>,
    /// Sanitised for display.
    pub shown: Vec<String>,
    /// Lower-cased display names, for the filter.
    lower: Vec<String>,
}

impl Listing {
    pub fn new(keys: Vec<String>) -> Listing {
        let shown: Vec<String> = keys.iter().map(|k| sanitize(k).into_owned()).collect();
        let lower = shown.iter().map(|s| s.to_lowercase()).collect();
        Listing { keys, shown, lower }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn folders(&self) -> usize {
        self.keys.iter().filter(|k| k.ends_with('/')).count()
    }
}

/// What a folder shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Folder {
    Listed(Listing),
    /// The token may not list this folder: not an error screen; `:cd` reaches known paths.
    Denied,
}

/// One folder of a KV mount.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretsScreen {
    /// `secret/`.
    pub mount: String,
    pub kv: KvVersion,
    /// Relative to the mount: "" or ending in `/`.
    pub folder: String,
    pub listing: Remote<Folder>,
    /// Indices into the listing that pass the filter.
    visible: Vec<usize>,
    selected: usize,
    filter: String,
    /// Rows in view at the last move (for page up/down).
    page: usize,
}

impl SecretsScreen {
    pub fn new(mount: &str, kv: KvVersion, folder: &str) -> SecretsScreen {
        let mut mount = mount.trim_start_matches('/').to_string();
        if !mount.ends_with('/') {
            mount.push('/');
        }
        let folder = folder.trim_start_matches('/');
        let folder = if folder.is_empty() || folder.ends_with('/') {
            folder.to_string()
        } else {
            format!("{folder}/")
        };
        SecretsScreen {
            mount,
            kv,
            folder,
            listing: Remote::NotAsked,
            visible: Vec::new(),
            selected: 0,
            filter: String::new(),
            page: 10,
        }
    }

    /// `secret/apps/` (the mount and the folder).
    pub fn full_path(&self) -> String {
        format!("{}{}", self.mount, self.folder)
    }

    pub fn listing(&self) -> Option<&Listing> {
        match self.listing.value() {
            Some(Folder::Listed(l)) => Some(l),
            _ => None,
        }
    }

    /// The listing's indices that pass the filter, in order.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    pub fn selected(&self) -> usize {
        self.selected.min(self.visible.len().saturating_sub(1))
    }

    /// The selected key (a folder ends in `/`).
    pub fn selected_key(&self) -> Option<&str> {
        let l = self.listing()?;
        let i = *self.visible.get(self.selected())?;
        l.keys.get(i).map(String::as_str)
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn set_filter(&mut self, f: String) {
        if f != self.filter {
            self.filter = f;
            self.selected = 0;
            self.refilter();
        }
    }

    /// One pass over the listing.
    fn refilter(&mut self) {
        let f = self.filter.to_lowercase();
        self.visible = match self.listing() {
            Some(l) if f.is_empty() => (0..l.len()).collect(),
            Some(l) => l
                .lower
                .iter()
                .enumerate()
                .filter(|(_, k)| k.contains(&f))
                .map(|(i, _)| i)
                .collect(),
            None => Vec::new(),
        };
    }

    /// Take a new listing, keeping the selected key where it still exists.
    pub fn set_listing(&mut self, folder: Folder, at: chrono::DateTime<chrono::Utc>) {
        let keep = self.selected_key().map(str::to_string);
        self.listing.succeed(folder, at);
        self.refilter();
        if let (Some(k), Some(l)) = (keep, self.listing())
            && let Some(i) = l.keys.iter().position(|x| *x == k)
            && let Some(pos) = self.visible.iter().position(|&v| v == i)
        {
            self.selected = pos;
        }
    }

    fn move_selection(&mut self, delta: isize) {
        let n = self.visible.len();
        self.selected = if n == 0 {
            0
        } else {
            self.selected().saturating_add_signed(delta).min(n - 1)
        };
    }
}

/// Split `secret/apps/x` into a mount and a path, given the KV mounts known (longest match).
pub fn split_mount<'a>(full: &'a str, mounts: &[String]) -> Option<(String, &'a str)> {
    let full = full.trim_start_matches('/');
    mounts
        .iter()
        .filter(|m| full.starts_with(m.as_str()) || format!("{full}/") == **m)
        .max_by_key(|m| m.len())
        .map(|m| (m.clone(), full.get(m.len()..).unwrap_or("")))
}

/// The browser at a folder (`path` "" or ending in `/`) or the secret view of a secret.
pub fn open_path(mount: &str, kv: KvVersion, path: &str) -> Screen {
    if path.is_empty() || path.ends_with('/') {
        Screen::Secrets(SecretsScreen::new(mount, kv, path))
    } else {
        Screen::Secret(Box::new(SecretView::new(mount, kv, path)))
    }
}

/// Open a secret found elsewhere (a search result): the secret view.
pub fn open_secret(mount: &str, kv: KvVersion, path: &str) -> Screen {
    open_path(mount, kv, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_is_one_pass_and_keeps_order() {
        let mut s = SecretsScreen::new("secret", KvVersion::V2, "apps");
        assert_eq!((s.mount.as_str(), s.folder.as_str()), ("secret/", "apps/"));
        s.set_listing(
            Folder::Listed(Listing::new(vec![
                "Alpha".into(),
                "beta/".into(),
                "gamma\u{1b}[31m".into(),
            ])),
            chrono::Utc::now(),
        );
        assert_eq!(s.visible(), [0, 1, 2]);
        s.set_filter("A".into());
        assert_eq!(s.visible(), [0, 1, 2]);
        s.set_filter("ph".into());
        assert_eq!(s.visible(), [0]);
        assert_eq!(s.selected_key(), Some("Alpha"));
        let l = s.listing().unwrap();
        assert!(!l.shown[2].contains('\u{1b}'));
    }

    #[test]
    fn mounts_split_by_longest_match() {
        let m = vec!["secret/".to_string(), "secret/team/".to_string()];
        assert_eq!(
            split_mount("secret/team/x", &m),
            Some(("secret/team/".into(), "x"))
        );
        assert_eq!(split_mount("secret/a/", &m), Some(("secret/".into(), "a/")));
        assert_eq!(split_mount("secret", &m), Some(("secret/".into(), "")));
        assert_eq!(split_mount("other/x", &m), None);
    }
}
