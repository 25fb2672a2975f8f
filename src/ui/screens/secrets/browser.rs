//! What the KV browser does: LIST its folder, move, filter, open a folder or a secret, go to the
//! parent, copy the equivalent `bao kv list`.

use super::{Folder, Listing, SecretView, SecretsScreen, cli};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::reply::Reply;
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, Screen, ScreenCtx};
use crate::vault::VaultError;
use crate::vault::kv_area::{KvReply, KvRequest};

/// The footer's offer in the browser.
pub const HINTS: &[Action] = &[
    Action::Help,
    Action::CommandLine,
    Action::Filter,
    Action::Select,
    Action::Parent,
    Action::NewSecret,
    Action::CopyCli,
    Action::Back,
];

const LIST: &str = "list";

impl SecretsScreen {
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        self.listing.start_loading();
        vec![Effect::Fetch {
            what: format!("{LIST} {}", self.full_path()),
            request: Request::Kv(KvRequest::List {
                addr,
                mount: self.mount.clone(),
                kv: self.kv,
                folder: self.folder.clone(),
            }),
        }]
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        self.page = usize::from(ctx.body.height.saturating_sub(4)).max(1);
        let page = isize::try_from(self.page).unwrap_or(10);
        match a {
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.move_selection(page),
            Action::Top => self.selected = 0,
            Action::Bottom => self.move_selection(isize::MAX),
            Action::Refresh => return Some(self.on_open(ctx)),
            Action::Select => return Some(self.open_selected()),
            Action::Parent => return Some(self.open_parent()),
            Action::CopyCli => {
                return Some(vec![Effect::copy(
                    "bao command",
                    cli::list(&self.mount, &self.folder, ctx.namespace),
                )]);
            }
            Action::NewSecret => return Some(self.new_secret(ctx)),
            _ => return None,
        }
        Some(Vec::new())
    }

    fn new_secret(&self, ctx: &ScreenCtx) -> Vec<Effect> {
        match ctx.cluster.api_addr() {
            Some(addr) => super::links::editor_new(addr, &self.mount, self.kv, &self.folder),
            None => vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)],
        }
    }

    fn open_selected(&self) -> Vec<Effect> {
        let Some(key) = self.selected_key() else {
            return Vec::new();
        };
        let path = format!("{}{key}", self.folder);
        let screen = if key.ends_with('/') {
            Screen::Secrets(SecretsScreen::new(&self.mount, self.kv, &path))
        } else {
            Screen::Secret(Box::new(SecretView::new(&self.mount, self.kv, &path)))
        };
        vec![Effect::Open(Box::new(screen))]
    }

    fn open_parent(&self) -> Vec<Effect> {
        if self.folder.is_empty() {
            return vec![Effect::Toast(
                format!("{} is the top of the mount", sanitize(&self.mount)),
                ToastLevel::Info,
            )];
        }
        let trimmed = self.folder.trim_end_matches('/');
        let parent = match trimmed.rfind('/') {
            Some(i) => &trimmed[..=i],
            None => "",
        };
        vec![Effect::Open(Box::new(Screen::Secrets(SecretsScreen::new(
            &self.mount,
            self.kv,
            parent,
        ))))]
    }

    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        let Reply::Kv(KvReply::List {
            mount,
            folder,
            result,
        }) = reply
        else {
            tracing::debug!(?reply, "secrets browser: unexpected reply");
            return Vec::new();
        };
        if mount != self.mount || folder != self.folder {
            return Vec::new();
        }
        match result {
            Ok(keys) => self.set_listing(Folder::Listed(Listing::new(keys)), ctx.now),
            Err(VaultError::PermissionDenied { .. }) => self.set_listing(Folder::Denied, ctx.now),
            Err(e) => self.listing.fail(e, ctx.now),
        }
        Vec::new()
    }
}
