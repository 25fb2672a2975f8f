//! `sys/audit` (the enabled audit devices; on OpenBao declared in the server config, see
//! `../shared/OPENBAO.md`) and `sys/audit-hash/<device>` (the HMAC a device writes for a plain
//! value, to find that value in the log without ever printing it).

use reqwest::Method;
use serde_json::{Value, json};

use super::client::VaultClient;
use super::error::VaultError;
use super::models::audit::AuditDevice;
use super::models::wrapping::SecretText;

impl VaultClient {
    /// `GET sys/audit` → the devices, sorted by path. The answer repeats the devices at the top
    /// level and under `data`; `data` is read when present.
    pub async fn audit_devices(&self) -> Result<Vec<AuditDevice>, VaultError> {
        let v = self.get_json::<Value>("sys/audit").await?;
        Ok(devices_of(&v))
    }

    /// `POST sys/audit-hash/<device> {"input"}` → `hmac-sha256:…`. The value is sent in the
    /// body only (never a URL, never a log line).
    pub async fn audit_hash(&self, device: &str, input: &SecretText) -> Result<String, VaultError> {
        let path = format!("sys/audit-hash/{}", device.trim_end_matches('/'));
        let mut body = json!({ "input": input.expose() });
        let v = self.request(Method::POST, &path, &[], Some(&body)).await;
        super::ceremony::wipe_strings(&mut body);
        let v = v?;
        v.get("data")
            .and_then(|d| d.get("hash"))
            .or_else(|| v.get("hash"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| VaultError::Decode(format!("{path}: no hash")))
    }
}

/// The devices of a `sys/audit` answer (bounded: at most 256 are kept).
pub fn devices_of(v: &Value) -> Vec<AuditDevice> {
    let map = match v.get("data").and_then(Value::as_object) {
        Some(m) => m,
        None => match v.as_object() {
            Some(m) => m,
            None => return Vec::new(),
        },
    };
    let mut out: Vec<AuditDevice> = map
        .iter()
        .filter(|(k, v)| k.ends_with('/') && v.is_object())
        .take(256)
        .filter_map(|(k, v)| {
            let mut d: AuditDevice = serde_json::from_value(options_as_strings(v)).ok()?;
            d.path = k.clone();
            Some(d)
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Option values may be non-strings on some servers: make them strings.
fn options_as_strings(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(opts) = v.get_mut("options").and_then(Value::as_object_mut) {
        for val in opts.values_mut() {
            if !val.is_string() {
                *val = Value::String(val.to_string());
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_from_a_real_answer() {
        let v = json!({"file/":{"description":"","local":false,"options":{"file_path":"/tmp/a.log"},"path":"file/","type":"file"},
            "data":{"file/":{"description":"","local":false,"options":{"file_path":"/tmp/a.log"},"path":"file/","type":"file"}}});
        let d = devices_of(&v);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].file_path(), Some("/tmp/a.log"));
        assert_eq!(d[0].name(), "file");
    }
}
