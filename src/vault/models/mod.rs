//! Serde types of the API, one file per area.

pub mod kv;
pub mod metrics;
pub mod mounts;
pub mod raft;
pub mod sys;
