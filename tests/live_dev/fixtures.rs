//! `tests/fixtures/api/*.json`: real answers of a dev server (and of an uninitialised server)
//! for other tests' render snapshots. Written only when `STRONGROOM_UPDATE_FIXTURES=1`; otherwise a
//! missing fixture fails, and the others are compared with the live answers' shape (every key path and JSON type), so a server
//! upgrade that changes a shape fails here with the command to refresh them. Addresses are
//! rewritten to 127.0.0.1:8200/8201; no file may hold a token.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::Value;

use super::{DevServer, worker};

const UPDATE_VAR: &str = "STRONGROOM_UPDATE_FIXTURES";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api")
}

/// (file, path, expected status) read with the root token from a running server.
async fn read(srv: &DevServer, path: &str, status: u16) -> Value {
    let token = (!srv.root_token.is_empty()).then_some(srv.root_token.as_str());
    let w = worker(std::slice::from_ref(&srv.addr), token);
    let raw = w
        .client(&srv.addr)
        .expect("a configured address")
        .raw(Method::GET, path, &[], None)
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(raw.status, status, "GET {path}: {}", raw.body);
    // Addresses carry random test ports; fixtures use the default ones.
    let text = raw
        .body
        .to_string()
        .replace(&format!("127.0.0.1:{}", srv.port), "127.0.0.1:8200")
        .replace(&format!("127.0.0.1:{}", srv.port + 1), "127.0.0.1:8201");
    serde_json::from_str(&text).expect("JSON")
}

pub async fn check_or_capture() {
    let mut live: Vec<(&str, Value)> = Vec::new();
    let mut tokens = Vec::new();
    {
        let dev = DevServer::start();
        tokens.push(dev.root_token.clone());
        live.push((
            "health_200_active.json",
            read(&dev, "sys/health", 200).await,
        ));
        live.push((
            "seal_status_unsealed.json",
            read(&dev, "sys/seal-status", 200).await,
        ));
        live.push(("leader_dev.json", read(&dev, "sys/leader", 200).await));
        live.push(("ha_status_dev.json", read(&dev, "sys/ha-status", 200).await));
        let w = worker(std::slice::from_ref(&dev.addr), Some(&dev.root_token));
        super::settled_metrics(&w.client(&dev.addr).expect("a configured address")).await;
        live.push(("metrics_dev.json", read(&dev, "sys/metrics", 200).await));
        live.push((
            "raft_configuration_404_dev.json",
            read(&dev, "sys/storage/raft/configuration", 404).await,
        ));
        dev.seal();
        live.push((
            "health_503_sealed.json",
            read(&dev, "sys/health", 503).await,
        ));
        live.push((
            "seal_status_sealed.json",
            read(&dev, "sys/seal-status", 200).await,
        ));
    }
    {
        let srv = DevServer::start_uninitialized();
        live.push((
            "health_501_uninitialized.json",
            read(&srv, "sys/health", 501).await,
        ));
        live.push((
            "seal_status_uninitialized.json",
            read(&srv, "sys/seal-status", 200).await,
        ));
    }

    let update = std::env::var_os(UPDATE_VAR).is_some_and(|v| !v.is_empty());
    let problems = reconcile(&dir(), &live, &tokens, update);
    assert!(
        problems.is_empty(),
        "the fixtures do not match the server's answers; after checking why, refresh them with \
         `{UPDATE_VAR}=1 cargo test --release --test live_dev api_fixtures`:\n{}",
        problems.join("\n")
    );
    // Every file in the directory, captured here or not, is free of tokens and parses.
    for entry in std::fs::read_dir(dir()).expect("fixtures dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("read");
            let name = path.display().to_string();
            assert_no_token(&name, &text, &tokens);
            serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    parse_with_the_models();
}

/// Compare the live answers with the fixtures in `dir`: a missing fixture or a changed shape is a
/// problem. With `update`, the live answers are written instead (the only way a fixture gets into
/// the tree). Every answer is checked for tokens first, in both modes.
fn reconcile(dir: &Path, live: &[(&str, Value)], tokens: &[String], update: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if update {
        std::fs::create_dir_all(dir).expect("fixtures dir");
    }
    for (file, value) in live {
        let text = serde_json::to_string_pretty(value).expect("JSON") + "\n";
        assert_no_token(file, &text, tokens);
        let path = dir.join(file);
        if update {
            std::fs::write(&path, text).expect("write fixture");
            continue;
        }
        let saved = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{file}: missing ({e})"));
                continue;
            }
        };
        let saved: Value = serde_json::from_str(&saved).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (want, got) = (shape(&saved), shape(value));
        // Array items come and go with the server's state (a metrics window may hold no
        // counters at all): new shapes, or missing fields outside arrays, mean a change.
        let missing: Vec<&String> = want
            .difference(&got)
            .filter(|p| !p.contains("[]"))
            .collect();
        if got.difference(&want).next().is_some() || !missing.is_empty() {
            problems.push(format!(
                "{file}: changed shape: only in the fixture {:?}, only in the live answer {:?}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    problems
}

#[test]
fn a_missing_or_changed_fixture_fails_and_only_an_update_writes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path().join("api");
    let live = [("a.json", serde_json::json!({ "sealed": false, "n": 1 }))];
    let problems = reconcile(&d, &live, &[], false);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("a.json: missing"), "{problems:?}");
    assert!(!d.exists(), "nothing written without {UPDATE_VAR}");

    assert!(reconcile(&d, &live, &[], true).is_empty());
    assert!(d.join("a.json").exists());
    assert!(reconcile(&d, &live, &[], false).is_empty(), "same shape");

    let changed = [("a.json", serde_json::json!({ "sealed": "no", "n": 1 }))];
    let problems = reconcile(&d, &changed, &[], false);
    assert!(problems[0].contains("changed shape"), "{problems:?}");
}

/// The fixtures decode into the client's models the way the live answers do.
fn parse_with_the_models() {
    use strongroom::vault::models::metrics::MetricsSummary;
    use strongroom::vault::models::sys::{
        HaStatus, HealthResponse, LeaderStatus, NodeRole, SealStatus,
    };
    fn load<T: serde::de::DeserializeOwned>(file: &str) -> T {
        let text = std::fs::read_to_string(dir().join(file)).expect("fixture");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
    }
    for (file, status, role) in [
        ("health_200_active.json", 200, NodeRole::Active),
        ("health_503_sealed.json", 503, NodeRole::Sealed),
        (
            "health_501_uninitialized.json",
            501,
            NodeRole::Uninitialized,
        ),
    ] {
        let h: HealthResponse = load(file);
        assert_eq!(NodeRole::from_status(status, &h), Some(role), "{file}");
    }
    let s: SealStatus = load("seal_status_sealed.json");
    assert!(s.sealed && s.initialized);
    let l: LeaderStatus = load("leader_dev.json");
    assert!(!l.ha_enabled);
    let ha: Value = load("ha_status_dev.json");
    let ha: HaStatus = serde_json::from_value(ha["data"].clone()).expect("ha data");
    assert_eq!(ha.nodes[0].api_address, "http://127.0.0.1:8200");
    let m: MetricsSummary = load("metrics_dev.json");
    assert_eq!(m.gauge("vault.core.unsealed"), Some(1.0));
}

/// Every key path with its JSON type. Arrays merge their elements' shapes; metric labels
/// (free-form keys) are not descended into.
fn shape(v: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, at: &str, out: &mut BTreeSet<String>) {
        let kind = match v {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        out.insert(format!("{at}: {kind}"));
        match v {
            Value::Array(items) => {
                for i in items {
                    walk(i, &format!("{at}[]"), out);
                }
            }
            Value::Object(map) if !at.ends_with(".Labels") => {
                for (k, v) in map {
                    walk(v, &format!("{at}.{k}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(v, "", &mut out);
    out
}

/// No server token, and nothing shaped like one (`s.` or `hvs.` + 24 or more characters).
fn assert_no_token(name: &str, text: &str, tokens: &[String]) {
    for t in tokens.iter().filter(|t| !t.is_empty()) {
        assert!(!text.contains(t.as_str()), "{name} holds the root token");
    }
    let looks_like_token = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.');
        ["s.", "hvs.", "b."].iter().any(|p| {
            w.strip_prefix(p)
                .is_some_and(|r| r.len() >= 24 && r.chars().all(|c| c.is_ascii_alphanumeric()))
        })
    };
    assert!(
        !text.split(['"', ' ', ',']).any(looks_like_token),
        "{name} holds something that looks like a token"
    );
}
