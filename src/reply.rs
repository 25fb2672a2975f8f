//! What comes back from the worker, by API area. Outcomes carry data: a write answers with its
//! per-item results.

use crate::vault::VaultError;
use crate::vault::cluster::ClusterReply;
use crate::vault::kv_area::KvReply;
use crate::vault::mounts::MountsReply;

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Cluster(ClusterReply),
    Mounts(MountsReply),
    Kv(KvReply),
    Write(WriteOutcome),
    Tools(crate::vault::tools::ToolsReply),
    GenerateRoot(crate::vault::generate_root::GenerateRootReply),
    Rekey(crate::vault::rekey::RekeyReply),
    OwnToken(crate::vault::own_token::OwnTokenReply),
    Unseal(crate::vault::unseal::UnsealReply),
    Policies(crate::vault::policies::PoliciesReply),
    Audit(crate::vault::audit_area::AuditReply),
    Fleet(crate::vault::fleet::FleetReply),
}

/// What a successful write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteResult {
    /// Done; nothing to hand back.
    Done,
    /// A wrapping token was made (a shared secret, a rewrap): shown once by the screen.
    Wrapped(crate::vault::models::wrapping::WrapInfo),
    /// A KV v2 write made this version.
    Version(u64),
    /// A secret copied with this many versions, read back and compared; its source deleted
    /// (a move).
    Copied { versions: u64, source_deleted: bool },
    /// Nothing to do: it was gone already (a revoked or expired token's accessor).
    AlreadyGone,
    /// A lease renewed: its new duration (seconds) and the server's warnings (a capped TTL).
    Renewed {
        lease_duration: i64,
        warnings: Vec<String>,
    },
    /// A `sys/unseal` answer: the node's seal status after the share or the reset.
    Seal(crate::vault::unseal::SealAnswer),
    /// A generate-root step: where the attempt stands after it.
    GenerateRoot(crate::vault::generate_root::GenerateRootStatus),
    /// `sys/init`: the shares and root token, shown once.
    Init(crate::vault::ceremony::InitSecrets),
    /// A rekey step: where the rekey (or its verification) stands after it.
    Rekey(crate::vault::rekey::RekeyStatus),
}

/// One item of a write.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResult {
    /// The item, in words (sanitised): "127.0.0.1:8200".
    pub item: String,
    pub result: Result<WriteResult, VaultError>,
}

/// The outcome of a write: one item, or every item of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteOutcome {
    /// What was done, for the toast and the log ("sealed 127.0.0.1:8200", "sealed 3 nodes").
    pub summary: String,
    pub items: Vec<ItemResult>,
}

impl WriteOutcome {
    pub fn failed(&self) -> usize {
        self.items.iter().filter(|i| i.result.is_err()).count()
    }

    /// The first error, for a one-item write.
    pub fn first_error(&self) -> Option<&VaultError> {
        self.items.iter().find_map(|i| i.result.as_ref().err())
    }

    /// One line for a toast.
    pub fn message(&self) -> String {
        let failed = self.failed();
        match (self.items.len(), failed) {
            (_, 0) => self.summary.clone(),
            (1, _) => match self.first_error() {
                Some(e) => format!("{} failed: {e}", self.summary),
                None => self.summary.clone(),
            },
            (n, f) => {
                let first = self
                    .items
                    .iter()
                    .find_map(|i| i.result.as_ref().err().map(|e| format!("{}: {e}", i.item)))
                    .unwrap_or_default();
                format!("{}: {f} of {n} failed ({first})", self.summary)
            }
        }
    }
}
