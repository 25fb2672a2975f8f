//! `sys/policies/acl` and `sys/capabilities*`: ACL policies and capability answers.

use serde::Deserialize;

/// One ACL policy, from `GET sys/policies/acl/<name>` (`data`). OpenBao adds `version` and
/// `cas_required`; the root policy has no text and version 0.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(default)]
pub struct AclPolicy {
    pub name: String,
    /// The HCL text.
    pub policy: String,
    /// The version (OpenBao); `None` on servers without policy versioning.
    pub version: Option<u64>,
    pub cas_required: bool,
    pub modified: Option<String>,
}

impl AclPolicy {
    /// The check-and-set value for saving over this version: the version when the server
    /// carries one (and it is not the root policy's 0).
    pub fn cas(&self) -> Option<i64> {
        self.version
            .filter(|v| *v > 0)
            .and_then(|v| i64::try_from(v).ok())
    }
}

/// The policies the console could list and read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyList {
    pub policies: Vec<AclPolicy>,
    /// Listed but not readable: (name, error).
    pub unreadable: Vec<(String, crate::vault::VaultError)>,
}

/// What `sys/capabilities(-self)` said about one path, and the policies of the token asked
/// about (from a token lookup, which may be refused on its own).
#[derive(Debug, Clone, PartialEq)]
pub struct CapabilityAnswer {
    pub path: String,
    /// Sorted, as the server gives them; `["root"]` for a root token.
    pub capabilities: Vec<String>,
    /// True: the console's own token; false: a token the user gave.
    pub own_token: bool,
    /// The token's policies (token and identity policies), or why they are not known.
    pub policies: Result<Vec<String>, crate::vault::VaultError>,
}
