//! One OpenBao server config per node (the layout recorded in OPENBAO.md, "Three raft nodes on
//! one machine"), and where each node's files live inside the cluster directory.

use std::path::{Path, PathBuf};

/// The audit device's `file_path`, relative to the node's working directory.
///
/// Config-declared audit devices are replicated in the audit table, and a standby whose config
/// differs from the table refuses to finish unsealing ("modifications to audit devices are not
/// allowed: … file_path differs"). So every node declares the same relative path and runs in its
/// own directory; `<dir>/node<i>-audit.log` is a symlink to the real file.
pub const AUDIT_FILE: &str = "audit.log";

/// Where node `id` (1-based) keeps its files inside the cluster directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePaths {
    pub config: PathBuf,
    /// Raft data.
    pub data: PathBuf,
    /// Working directory of the process (holds the real audit log).
    pub run_dir: PathBuf,
    /// stdout and stderr of `bao server`.
    pub log: PathBuf,
    /// `<dir>/node<i>-audit.log`: a symlink to `run_dir/audit.log`.
    pub audit_log: PathBuf,
}

impl NodePaths {
    pub fn new(dir: &Path, id: usize) -> Self {
        Self {
            config: dir.join(format!("node{id}.hcl")),
            data: dir.join("data").join(format!("node{id}")),
            run_dir: dir.join(format!("node{id}")),
            log: dir.join(format!("node{id}.log")),
            audit_log: dir.join(format!("node{id}-audit.log")),
        }
    }

    /// The audit log file the node writes (what `audit_log` points at).
    pub fn audit_target(&self) -> PathBuf {
        self.run_dir.join(AUDIT_FILE)
    }
}

/// What the config of one node needs.
#[derive(Debug, Clone)]
pub struct NodeHcl<'a> {
    pub id: usize,
    pub cluster_name: &'a str,
    pub api_port: u16,
    pub cluster_port: u16,
    pub paths: &'a NodePaths,
    /// API ports of the nodes to `retry_join` (empty for the node that is initialised).
    pub join_api_ports: &'a [u16],
}

/// HCL string literal: quotes and backslashes escaped (paths may hold either).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Render the config of one node.
pub fn render(n: &NodeHcl<'_>) -> String {
    let api = format!("127.0.0.1:{}", n.api_port);
    let cluster = format!("127.0.0.1:{}", n.cluster_port);
    let mut joins = String::new();
    for p in n.join_api_ports {
        joins.push_str(&format!(
            "  retry_join {{\n    leader_api_addr = {}\n  }}\n",
            quoted(&format!("http://127.0.0.1:{p}"))
        ));
    }
    format!(
        r#"# strongroom sandbox node{id}: practice only, do not store real secrets here.
ui            = false
disable_mlock = true
cluster_name  = {name}
api_addr      = {api_addr}
cluster_addr  = {cluster_addr}

storage "raft" {{
  path                   = {data}
  node_id                = {node_id}
  performance_multiplier = 1
  # Promote joiners to voters within seconds (defaults: 10 s reconcile, 2 s update).
  autopilot_reconcile_interval = "1s"
  autopilot_update_interval    = "1s"
{joins}}}

listener "tcp" {{
  address         = {api}
  cluster_address = {cluster}
  tls_disable     = true
}}

telemetry {{
  prometheus_retention_time = "60s"
  disable_hostname          = true
  usage_gauge_period        = "30s"
}}

audit "file" "file" {{
  options {{
    file_path = {audit}
  }}
}}
"#,
        id = n.id,
        name = quoted(n.cluster_name),
        api_addr = quoted(&format!("http://{api}")),
        cluster_addr = quoted(&format!("https://{cluster}")),
        data = quoted(&n.paths.data.to_string_lossy()),
        node_id = quoted(&format!("node{}", n.id)),
        api = quoted(&api),
        cluster = quoted(&cluster),
        audit = quoted(AUDIT_FILE),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joiner_config_has_everything() {
        let paths = NodePaths::new(Path::new("/tmp/sb"), 2);
        let s = render(&NodeHcl {
            id: 2,
            cluster_name: "sandbox",
            api_port: 21000,
            cluster_port: 21001,
            paths: &paths,
            join_api_ports: &[20000, 22000],
        });
        assert!(s.contains(r#"api_addr      = "http://127.0.0.1:21000""#));
        assert!(s.contains(r#"cluster_addr  = "https://127.0.0.1:21001""#));
        assert!(s.contains(r#"path                   = "/tmp/sb/data/node2""#));
        assert!(s.contains(r#"leader_api_addr = "http://127.0.0.1:20000""#));
        assert!(s.contains(r#"leader_api_addr = "http://127.0.0.1:22000""#));
        assert!(s.contains(r#"file_path = "audit.log""#));
        assert_eq!(paths.audit_target(), Path::new("/tmp/sb/node2/audit.log"));
        assert!(s.contains("performance_multiplier = 1"));
        assert!(s.contains(r#"usage_gauge_period        = "30s""#));
        assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
