//! Serde types of the API, one file per area.

pub mod ceremony;
pub mod cluster;
pub mod metrics;
pub mod raft;
pub mod sys;
