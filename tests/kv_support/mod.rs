//! Shared by the KV live tests: clients, policies and tokens over HTTP, the seeded tree.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};
use strongroom::vault::{ClientSettings, VaultClient};

pub fn client(addr: &str, token: &str, namespace: Option<&str>) -> VaultClient {
    let settings = ClientSettings {
        token: Some(Arc::new(strongroom::secret::token_from(token))),
        namespace: namespace.map(str::to_string),
        ..ClientSettings::default()
    };
    VaultClient::connect(addr, settings).expect("client")
}

pub async fn call(c: &VaultClient, method: Method, path: &str, body: Value) -> Value {
    c.request(method, path, &[], Some(&body))
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A policy and a token holding only it (and `default`).
pub async fn token_with_policy(root: &VaultClient, name: &str, hcl: &str) -> String {
    call(
        root,
        Method::PUT,
        &format!("sys/policies/acl/{name}"),
        json!({ "policy": hcl }),
    )
    .await;
    let v = call(
        root,
        Method::POST,
        "auth/token/create",
        json!({ "policies": [name] }),
    )
    .await;
    v["auth"]["client_token"]
        .as_str()
        .expect("client_token")
        .to_string()
}

/// Paths below `tree/` of `secret/` (KV v2); `tree/hidden/` is the folder one policy denies.
pub const TREE: &[&str] = &[
    "tree/a/1",
    "tree/a/2",
    "tree/a/deep/x/y",
    "tree/b/1",
    "tree/hidden/s1",
    "tree/hidden/sub/s2",
    "tree/top",
];

pub async fn seed_v2(root: &VaultClient) {
    for p in TREE.iter().chain(&["outside/z"]) {
        call(
            root,
            Method::POST,
            &format!("secret/data/{p}"),
            json!({"data": {"k": "v"}}),
        )
        .await;
    }
}

pub fn expected(mount: &str, exclude: &str) -> BTreeSet<String> {
    TREE.iter()
        .filter(|p| exclude.is_empty() || !p.starts_with(exclude))
        .map(|p| format!("{mount}{p}"))
        .collect()
}
