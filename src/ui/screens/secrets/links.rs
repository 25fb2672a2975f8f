//! The screens the browser and the secret view open that live in their own folders (editor,
//! versions, sharing): one place that knows their constructors.

use crate::ui::screens::{Effect, editor, versions as versions_screen};
use crate::vault::models::kv::KvVersion;

/// A new secret: in a folder, the `:new` line opens with the folder filled in for the name;
/// with a full path, the editor.
pub fn editor_new(addr: String, mount: &str, kv: KvVersion, path: &str) -> Vec<Effect> {
    if path.is_empty() || path.ends_with('/') {
        return vec![Effect::CommandLine(format!("new {mount}{path}"))];
    }
    vec![Effect::Open(Box::new(editor::new_screen(
        addr,
        mount.to_string(),
        kv,
        path.to_string(),
    )))]
}

/// The editor on an existing secret.
pub fn editor_edit(addr: String, mount: &str, kv: KvVersion, path: &str) -> Vec<Effect> {
    vec![Effect::Open(Box::new(editor::edit_screen(
        addr,
        mount.to_string(),
        kv,
        path.to_string(),
    )))]
}

/// The versions and metadata of a v2 secret.
pub fn versions(addr: String, mount: &str, path: &str) -> Vec<Effect> {
    vec![Effect::Open(Box::new(versions_screen::versions_screen(
        addr,
        mount.to_string(),
        path.to_string(),
    )))]
}

/// Share a secret as a response-wrapped token.
pub fn share(
    addr: String,
    mount: &str,
    kv: KvVersion,
    path: &str,
    version: Option<u64>,
) -> Vec<Effect> {
    vec![Effect::Open(Box::new(
        crate::ui::screens::tools::share_screen(
            addr,
            mount.to_string(),
            kv,
            path.to_string(),
            version,
        ),
    ))]
}
