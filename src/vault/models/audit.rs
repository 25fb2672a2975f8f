//! `sys/audit`: the enabled audit devices.

use serde::Deserialize;

/// One audit device, from `GET sys/audit` (keyed by path, `file/`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(default)]
pub struct AuditDevice {
    /// `file/` (from the key; the body repeats it).
    pub path: String,
    /// `file`, `socket`, `syslog`.
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    pub local: bool,
    /// `file_path`, `format`, `hmac_accessor`, …
    pub options: std::collections::BTreeMap<String, String>,
}

impl AuditDevice {
    /// The log file of a `file` device (`None` for other types, or `stdout`/`discard`).
    pub fn file_path(&self) -> Option<&str> {
        if self.kind != "file" {
            return None;
        }
        self.options
            .get("file_path")
            .or_else(|| self.options.get("path"))
            .map(String::as_str)
            .filter(|p| !matches!(*p, "stdout" | "discard"))
    }

    /// The device name `sys/audit-hash/<name>` takes: the path without its trailing `/`.
    pub fn name(&self) -> &str {
        self.path.trim_end_matches('/')
    }
}
