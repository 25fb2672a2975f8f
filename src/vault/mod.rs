//! The Vault/OpenBao client: a thin typed layer over reqwest, one file per API area.

pub mod ceremony;
pub mod client;
pub mod cluster;
pub mod copy;
pub mod database;
pub mod error;
pub mod generate_root;
pub mod inventory;
pub mod jobs;
pub mod kv;
pub mod kv_area;
pub mod kv_secret;
pub mod lease_writes;
pub mod leases;
pub mod login;
pub mod metrics;
pub mod models;
pub mod mounts;
pub mod own_token;
pub mod pki;
pub mod pki_pem;
pub mod radar;
pub mod raft;
pub mod raft_writes;
pub mod snapshot;
pub mod sys;
pub mod token_filter;
pub mod token_jobs;
pub mod token_writes;
pub mod tokens;
pub mod tools;
pub mod unseal;
pub mod worker;
pub mod wrapping;

pub use client::{ClientSettings, VaultClient};
pub use error::VaultError;
