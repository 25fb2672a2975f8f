//! The local practice cluster: three OpenBao raft nodes on 127.0.0.1, started, initialised,
//! unsealed and seeded with demo data (`strongroom sandbox …`). The cluster part
//! ([`ClusterSpec`] → [`RunningCluster`]) is also the harness of the live tests.

pub mod cli;
pub mod cluster;
pub mod error;
pub mod files;
pub mod hcl;
pub mod init;
pub mod lock;
pub mod ports;
pub mod postgres;
pub mod process;
pub mod ready;
pub mod seed;
pub mod seed_auth;
pub mod seed_db;
pub mod seed_pki;
pub mod state;
pub mod up;
pub mod up_pg;

pub use cli::run_action;
pub use cluster::{ClusterSpec, NodeProc, RunningCluster};
pub use error::SandboxError;
pub use init::Credentials;
pub use up::up;
