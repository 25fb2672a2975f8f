//! The screens the browser and the secret view open that live in their own folders (editor,
//! versions, sharing): one place that knows their constructors.

use crate::app::ToastLevel;
use crate::ui::screens::Effect;
use crate::vault::models::kv::KvVersion;

fn not_yet(what: &str) -> Vec<Effect> {
    vec![Effect::Toast(
        format!("{what}: not available in this build"),
        ToastLevel::Warn,
    )]
}

/// The editor on a new secret in `folder`.
pub fn editor_new(addr: String, mount: &str, kv: KvVersion, folder: &str) -> Vec<Effect> {
    let _ = (addr, mount, kv, folder);
    not_yet("creating a secret")
}

/// The editor on an existing secret.
pub fn editor_edit(addr: String, mount: &str, kv: KvVersion, path: &str) -> Vec<Effect> {
    let _ = (addr, mount, kv, path);
    not_yet("editing")
}

/// The versions and metadata of a v2 secret.
pub fn versions(addr: String, mount: &str, path: &str) -> Vec<Effect> {
    let _ = (addr, mount, path);
    not_yet("versions")
}

/// Share a secret as a response-wrapped token.
pub fn share(
    addr: String,
    mount: &str,
    kv: KvVersion,
    path: &str,
    version: Option<u64>,
) -> Vec<Effect> {
    let _ = (addr, mount, kv, path, version);
    not_yet("sharing")
}
