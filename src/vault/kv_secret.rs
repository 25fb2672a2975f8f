//! KV secrets: read (a value is read only when the user reveals or copies it), subkeys and
//! metadata (what browsing uses: names without values), write with check-and-set, delete,
//! undelete, destroy, metadata writes. KV v1 has one version, no metadata and no subkeys.

use reqwest::Method;
use serde_json::{Value, json};
use zeroize::Zeroize;

use super::client::{VaultClient, check};
use super::error::VaultError;
use super::models::kv::KvVersion;
use super::models::kv_secret::{
    KvMetadata, MetadataUpdate, SecretData, SecretFields, Subkeys, VersionMeta, fields_of, json_of,
};
use super::models::wrapping::SecretText;

/// `secret/` + `data` + `apps/x` → `secret/data/apps/x` (v2); `kv1/apps/x` (v1).
pub fn api_path(mount: &str, version: KvVersion, part: &str, path: &str) -> String {
    let mount = mount.trim_matches('/');
    let path = path.trim_start_matches('/');
    match version {
        KvVersion::V1 => format!("{mount}/{path}"),
        KvVersion::V2 => format!("{mount}/{part}/{path}"),
    }
}

fn v2_only(version: KvVersion, what: &str) -> Result<(), VaultError> {
    match version {
        KvVersion::V2 => Ok(()),
        KvVersion::V1 => Err(VaultError::Config(format!("{what} needs a KV v2 mount"))),
    }
}

impl VaultClient {
    /// Read a secret (`version`: `None` = the newest). A deleted or destroyed v2 version comes
    /// back with no fields and its metadata saying so; a missing secret is `NotFound`.
    pub async fn kv_read(
        &self,
        mount: &str,
        kv: KvVersion,
        path: &str,
        version: Option<u64>,
    ) -> Result<SecretData, VaultError> {
        let api = api_path(mount, kv, "data", path);
        let v = version.map(|n| n.to_string());
        let query: Vec<(&str, &str)> = match (&v, kv) {
            (Some(n), KvVersion::V2) => vec![("version", n.as_str())],
            _ => Vec::new(),
        };
        let mut reply = self.send(Method::GET, &api, &query, None).await?;
        let parsed: Result<Value, VaultError> = if reply.bytes.is_empty() {
            Ok(Value::Null)
        } else {
            serde_json::from_slice(&reply.bytes)
                .map_err(|e| VaultError::Decode(format!("{api}: {e}")))
        };
        // The answer held the values: wipe our copy of its bytes.
        reply.bytes.zeroize();
        let body = parsed?;
        let status = reply.status;
        let data = body.get("data");
        if status.is_success() {
            let fields = match kv {
                KvVersion::V1 => data,
                KvVersion::V2 => data.and_then(|d| d.get("data")),
            };
            if fields.is_some_and(|f| !f.is_object() && !f.is_null()) {
                return Err(VaultError::Decode(format!(
                    "{api}: the secret's data is not an object"
                )));
            }
            return Ok(match kv {
                KvVersion::V1 => SecretData {
                    fields: data
                        .and_then(Value::as_object)
                        .map(fields_of)
                        .unwrap_or_default(),
                    version: None,
                },
                KvVersion::V2 => SecretData {
                    fields: data
                        .and_then(|d| d.get("data"))
                        .and_then(Value::as_object)
                        .map(fields_of)
                        .unwrap_or_default(),
                    version: data.and_then(|d| d.get("metadata")).and_then(version_meta),
                },
            });
        }
        // A deleted or destroyed version: 404 with its metadata.
        if status.as_u16() == 404
            && let Some(meta) = data.and_then(|d| d.get("metadata")).and_then(version_meta)
        {
            return Ok(SecretData {
                fields: SecretFields::new(),
                version: Some(meta),
            });
        }
        check(super::client::RawResponse {
            status: status.as_u16(),
            body,
            location: reply.location,
        })
        .map(|_| SecretData::default())
    }

    /// The field names of a v2 secret without their values (`GET <mount>/subkeys/<path>`).
    pub async fn kv_subkeys(
        &self,
        mount: &str,
        path: &str,
        version: Option<u64>,
    ) -> Result<Subkeys, VaultError> {
        let api = api_path(mount, KvVersion::V2, "subkeys", path);
        let v = version.map(|n| n.to_string());
        let mut query = vec![("depth", "2")];
        if let Some(n) = &v {
            query.push(("version", n.as_str()));
        }
        let raw = self.raw(Method::GET, &api, &query, None).await?;
        let data = raw.body.get("data");
        let meta = data.and_then(|d| d.get("metadata")).and_then(version_meta);
        if raw.status == 404
            && let Some(meta) = meta
        {
            return Ok(Subkeys {
                keys: Vec::new(),
                version: Some(meta),
            });
        }
        let body = check(raw)?;
        let tree = body
            .get("data")
            .and_then(|d| d.get("subkeys"))
            .cloned()
            .unwrap_or(Value::Null);
        let meta = body
            .get("data")
            .and_then(|d| d.get("metadata"))
            .and_then(version_meta);
        Ok(Subkeys::from_tree(&tree, meta))
    }

    /// `GET <mount>/metadata/<path>` (v2).
    pub async fn kv_metadata(&self, mount: &str, path: &str) -> Result<KvMetadata, VaultError> {
        self.get_data(&api_path(mount, KvVersion::V2, "metadata", path))
            .await
    }

    /// Write a secret. `cas`: `Some(n)` only succeeds if the current version is `n` (`Some(0)`:
    /// only if it does not exist yet); v1 ignores it. Returns the new version's metadata (v2).
    pub async fn kv_write(
        &self,
        mount: &str,
        kv: KvVersion,
        path: &str,
        fields: &SecretFields,
        cas: Option<u64>,
    ) -> Result<Option<VersionMeta>, VaultError> {
        let api = api_path(mount, kv, "data", path);
        let body = match kv {
            KvVersion::V1 => json_of(fields),
            KvVersion::V2 => {
                let mut b = json!({ "data": json_of(fields) });
                if let Some(n) = cas {
                    b["options"] = json!({ "cas": n });
                }
                b
            }
        };
        let v = self.request(Method::POST, &api, &[], Some(&body)).await?;
        Ok(v.get("data").and_then(version_meta))
    }

    /// Set one field of a v2 secret in a new version (`PATCH <mount>/data/<path>`, JSON merge
    /// patch, check-and-set `cas`): the other fields stay as they are and are never read here.
    /// Returns the new version's metadata.
    pub async fn kv_patch(
        &self,
        mount: &str,
        path: &str,
        field: &str,
        value: &SecretText,
        cas: u64,
    ) -> Result<Option<VersionMeta>, VaultError> {
        let api = api_path(mount, KvVersion::V2, "data", path);
        let mut data = serde_json::Map::new();
        data.insert(field.to_string(), Value::String(value.expose().to_string()));
        let mut body = json!({ "data": Value::Object(data), "options": { "cas": cas } });
        let merge = reqwest::header::HeaderValue::from_static("application/merge-patch+json");
        let reply = self
            .send_with_headers(
                Method::PATCH,
                &api,
                &[],
                Some(&body),
                &[("Content-Type", merge)],
            )
            .await;
        super::ceremony::wipe_strings(&mut body);
        let v = check(reply?.into_raw(&api)?)?;
        Ok(v.get("data").and_then(version_meta))
    }

    /// Soft-delete versions (v2), or delete the secret (v1, `versions` ignored).
    pub async fn kv_delete(
        &self,
        mount: &str,
        kv: KvVersion,
        path: &str,
        versions: &[u64],
    ) -> Result<(), VaultError> {
        match kv {
            KvVersion::V1 => self
                .request(
                    Method::DELETE,
                    &api_path(mount, kv, "data", path),
                    &[],
                    None,
                )
                .await
                .map(drop),
            KvVersion::V2 => self.kv_versions_op(mount, "delete", path, versions).await,
        }
    }

    /// Undelete soft-deleted versions (v2).
    pub async fn kv_undelete(
        &self,
        mount: &str,
        path: &str,
        versions: &[u64],
    ) -> Result<(), VaultError> {
        self.kv_versions_op(mount, "undelete", path, versions).await
    }

    /// Destroy versions for good (v2).
    pub async fn kv_destroy(
        &self,
        mount: &str,
        path: &str,
        versions: &[u64],
    ) -> Result<(), VaultError> {
        self.kv_versions_op(mount, "destroy", path, versions).await
    }

    async fn kv_versions_op(
        &self,
        mount: &str,
        op: &str,
        path: &str,
        versions: &[u64],
    ) -> Result<(), VaultError> {
        if versions.is_empty() {
            return Err(VaultError::Config(format!("{op}: no version given")));
        }
        let body = json!({ "versions": versions });
        self.request(
            Method::POST,
            &api_path(mount, KvVersion::V2, op, path),
            &[],
            Some(&body),
        )
        .await
        .map(drop)
    }

    /// Delete every version and the metadata of a v2 secret (`DELETE <mount>/metadata/<path>`).
    pub async fn kv_delete_metadata(&self, mount: &str, path: &str) -> Result<(), VaultError> {
        self.request(
            Method::DELETE,
            &api_path(mount, KvVersion::V2, "metadata", path),
            &[],
            None,
        )
        .await
        .map(drop)
    }

    /// Change a v2 secret's settings (`POST <mount>/metadata/<path>`).
    pub async fn kv_write_metadata(
        &self,
        mount: &str,
        kv: KvVersion,
        path: &str,
        update: &MetadataUpdate,
    ) -> Result<(), VaultError> {
        v2_only(kv, "metadata")?;
        self.request(
            Method::POST,
            &api_path(mount, kv, "metadata", path),
            &[],
            Some(&update.body()),
        )
        .await
        .map(drop)
    }
}

fn version_meta(v: &Value) -> Option<VersionMeta> {
    if !v.is_object() {
        return None;
    }
    serde_json::from_value(v.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_by_version() {
        assert_eq!(
            api_path("secret/", KvVersion::V2, "data", "apps/x"),
            "secret/data/apps/x"
        );
        assert_eq!(
            api_path("secret", KvVersion::V2, "subkeys", "/a"),
            "secret/subkeys/a"
        );
        assert_eq!(api_path("kv1/", KvVersion::V1, "data", "a/b"), "kv1/a/b");
    }
}
