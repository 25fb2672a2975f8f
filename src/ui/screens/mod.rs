//! One file per screen (and its parts).

pub mod health;
mod health_layout;
mod health_metrics;
mod health_nodes;
mod health_raft;
