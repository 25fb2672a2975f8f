//! PKI certificates for the expiry radar: `LIST <mount>/certs/detailed` (OpenBao: serial,
//! common name, issuer, not-before, not-after of each certificate, paginated with
//! `after`/`limit`) and `LIST <mount>/certs/revoked` (the detailed list says nothing about
//! revocation). HashiCorp Vault has no detailed list: the collector then reads each PEM
//! (`vault::pki_pem`).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Deserialize;

use super::client::{VaultClient, check};
use super::error::VaultError;

/// Keys asked per page.
pub const PAGE: usize = 1_000;
/// Pages read at most from one list (a million certificates).
pub const MAX_PAGES: usize = 1_000;
/// Reply bound for one page.
const PAGE_LIMIT: usize = 16 * 1024 * 1024;

/// One entry of `key_info` in `certs/detailed`. Server text: sanitise before drawing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct CertInfo {
    pub common_name: String,
    pub issuer: String,
    #[serde(deserialize_with = "crate::vault::models::leases::lenient_time")]
    pub not_before: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "crate::vault::models::leases::lenient_time")]
    pub not_after: Option<DateTime<Utc>>,
}

#[derive(Deserialize, Default)]
struct Page {
    #[serde(default)]
    data: Option<PageData>,
}

#[derive(Deserialize, Default)]
struct PageData {
    #[serde(default)]
    keys: Vec<String>,
    #[serde(default)]
    key_info: BTreeMap<String, CertInfo>,
}

fn list_method() -> Method {
    Method::from_bytes(b"LIST").unwrap_or(Method::GET)
}

impl VaultClient {
    /// One page of a LIST: its keys and `key_info`; a path with nothing below is empty.
    async fn pki_page(&self, path: &str, after: Option<&str>) -> Result<PageData, VaultError> {
        let limit = PAGE.to_string();
        let mut query: Vec<(&str, &str)> = vec![("limit", limit.as_str())];
        if let Some(a) = after {
            query.push(("after", a));
        }
        let reply = self
            .with_reply_limit(PAGE_LIMIT)
            .send(list_method(), path, &query, None)
            .await?;
        if reply.status.is_success() {
            if reply.bytes.is_empty() {
                return Ok(PageData::default());
            }
            let page: Page = serde_json::from_slice(&reply.bytes)
                .map_err(|e| VaultError::Decode(format!("{path}: {e}")))?;
            return Ok(page.data.unwrap_or_default());
        }
        match check(reply.into_raw(path)?) {
            Ok(_) => Ok(PageData::default()),
            Err(VaultError::NotFound { errors }) if errors.is_empty() => Ok(PageData::default()),
            Err(e) => Err(e),
        }
    }

    /// Every page of a LIST, `after` the last key of the page before; stops on a short page,
    /// a page with nothing new (a server that ignores `after`) or at [`MAX_PAGES`].
    async fn pki_all(&self, path: &str) -> Result<PageData, VaultError> {
        let mut all = PageData::default();
        let mut seen: HashSet<String> = HashSet::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self.pki_page(path, after.as_deref()).await?;
            let n = page.keys.len();
            let mut new = 0usize;
            for k in page.keys {
                if seen.insert(k.clone()) {
                    new += 1;
                    all.keys.push(k);
                }
            }
            all.key_info.extend(page.key_info);
            if n < PAGE || new == 0 {
                break;
            }
            after = all.keys.last().cloned();
        }
        Ok(all)
    }

    /// `LIST <mount>/certs/detailed`, every page: `(serial, info)` sorted by serial.
    pub async fn pki_certs_detailed(
        &self,
        mount: &str,
    ) -> Result<Vec<(String, CertInfo)>, VaultError> {
        let path = format!("{}/certs/detailed", mount.trim_matches('/'));
        let mut page = self.pki_all(&path).await?;
        Ok(page
            .keys
            .into_iter()
            .map(|k| {
                let info = page.key_info.remove(&k).unwrap_or_default();
                (k, info)
            })
            .collect())
    }

    /// Every key of a paginated LIST (`<mount>/certs`).
    pub async fn pki_list_keys(&self, path: &str) -> Result<Vec<String>, VaultError> {
        Ok(self.pki_all(path).await?.keys)
    }

    /// `LIST <mount>/certs/revoked`, every page: the revoked serials.
    pub async fn pki_revoked(&self, mount: &str) -> Result<HashSet<String>, VaultError> {
        let path = format!("{}/certs/revoked", mount.trim_matches('/'));
        Ok(self.pki_all(&path).await?.keys.into_iter().collect())
    }

    /// `SCAN <mount>/detailed-metadata/` (OpenBao): every KV v2 secret below the mount with its
    /// metadata, in one request (needs the `scan` capability); `LIST` of one folder otherwise.
    /// Keys are relative to `folder`; folders (LIST only) end in `/`.
    pub async fn kv_detailed_metadata(
        &self,
        mount: &str,
        folder: &str,
        scan: bool,
    ) -> Result<Vec<(String, crate::vault::models::kv_secret::KvMetadata)>, VaultError> {
        let path = format!(
            "{}/detailed-metadata/{}",
            mount.trim_matches('/'),
            folder.trim_start_matches('/')
        );
        let method =
            Method::from_bytes(if scan { b"SCAN" } else { b"LIST" }).unwrap_or(Method::GET);
        let reply = self
            .with_reply_limit(crate::vault::kv::KV_REPLY_LIMIT)
            .send(method, &path, &[], None)
            .await?;
        #[derive(Deserialize, Default)]
        struct Data {
            #[serde(default)]
            keys: Vec<String>,
            #[serde(default)]
            key_info: BTreeMap<String, serde_json::Value>,
        }
        #[derive(Deserialize, Default)]
        struct Reply {
            #[serde(default)]
            data: Option<Data>,
        }
        if !reply.status.is_success() {
            return match check(reply.into_raw(&path)?) {
                Ok(_) => Ok(Vec::new()),
                Err(VaultError::NotFound { errors }) if errors.is_empty() => Ok(Vec::new()),
                Err(e) => Err(e),
            };
        }
        if reply.bytes.is_empty() {
            return Ok(Vec::new());
        }
        let r: Reply = serde_json::from_slice(&reply.bytes)
            .map_err(|e| VaultError::Decode(format!("{path}: {e}")))?;
        let mut data = r.data.unwrap_or_default();
        Ok(data
            .keys
            .into_iter()
            .map(|k| {
                let meta = data
                    .key_info
                    .remove(&k)
                    .and_then(|v| serde_json::from_value(v).ok())
                    .unwrap_or_default();
                (k, meta)
            })
            .collect())
    }
}
