//! The `bao` command that does what the tools screen does, with placeholders where a secret
//! would go: never a token, value or input in it.

use super::{Tool, ToolsScreen};
use crate::vault::models::kv::KvVersion;

impl ToolsScreen {
    /// The equivalent `bao` command for the current tool.
    pub fn bao_command(&self) -> String {
        match self.tool {
            Tool::Unwrap => "BAO_TOKEN=<wrapping token> bao unwrap".into(),
            Tool::Lookup => "bao write sys/wrapping/lookup token=<wrapping token>".into(),
            Tool::Rewrap => "bao write sys/wrapping/rewrap token=<wrapping token>".into(),
            Tool::Random => {
                let (bytes, format) = super::actions::parse_random(&self.line.text).unwrap_or((
                    crate::vault::models::tools::DEFAULT_RANDOM_BYTES,
                    Default::default(),
                ));
                format!(
                    "bao write sys/tools/random/{bytes} format={}",
                    format.name()
                )
            }
            Tool::Hash => format!(
                "bao write sys/tools/hash/{} input=<base64 of the input> format=hex",
                self.hash_algorithm
            ),
            Tool::Share => match &self.share {
                Some(t) => {
                    let ttl = self.line.text.trim();
                    let mount = crate::sanitize::sanitize(t.mount.trim_end_matches('/'));
                    let path = crate::sanitize::sanitize(t.path.trim_start_matches('/'));
                    match (t.kv_version, t.version) {
                        (KvVersion::V2, Some(v)) => {
                            format!("bao kv get -wrap-ttl={ttl} -mount={mount} -version={v} {path}")
                        }
                        (KvVersion::V2, None) => {
                            format!("bao kv get -wrap-ttl={ttl} -mount={mount} {path}")
                        }
                        (KvVersion::V1, _) => {
                            format!("bao read -wrap-ttl={ttl} {mount}/{path}")
                        }
                    }
                }
                None => String::new(),
            },
        }
    }
}
