//! Serde types of the API, one file per area.

pub mod audit;
pub mod ceremony;
pub mod cluster;
pub mod kv;
pub mod kv_diff;
pub mod kv_secret;
pub mod leases;
pub mod metrics;
pub mod mounts;
pub mod policies;
pub mod raft;
pub mod sys;
pub mod tokens;
pub mod tools;
pub mod wrapping;
