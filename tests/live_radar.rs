//! The expiry radar against a real OpenBao dev server: a PKI mount with certificates of 30 m,
//! 5 h, 3 d and 30 d (and a revoked one, skipped), tokens with known TTLs, approle logins
//! (leases), KV v2 secrets made overdue by a 1 s rotation age. The radar job, run by the real
//! worker from `:radar`, puts each item in the bucket its TTL says; a token without sudo sees
//! leases and tokens denied while certificates and secrets still load; the headless
//! `strongroom expiring` exits 3 / 0 with plain and JSON output.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::{DevServer, http_request};
use strongroom::app::{App, AppInit};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::jobs::JobEvent;
use strongroom::keymap::Keymap;
use strongroom::radar::{ItemKind, RotationPolicy, Window};
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::radar::RadarScreen;
use strongroom::vault::radar::SourceState;
use strongroom::vault::worker::{Worker, WorkerHandle};

fn call(s: &DevServer, token: &str, method: &str, path: &str, body: &str) -> serde_json::Value {
    let (code, text) =
        http_request(s.port, method, &format!("/v1/{path}"), Some(token), body).expect("an answer");
    assert!((200..300).contains(&code), "{method} {path}: {code} {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

fn root(s: &DevServer, method: &str, path: &str, body: &str) -> serde_json::Value {
    call(s, &s.root_token, method, path, body)
}

/// PKI, tokens, approle logins and KV secrets of known lifetimes. Returns the revoked serial.
fn seed(s: &DevServer) -> String {
    root(
        s,
        "POST",
        "sys/mounts/pki",
        r#"{"type":"pki","config":{"max_lease_ttl":"8760h"}}"#,
    );
    root(
        s,
        "POST",
        "pki/root/generate/internal",
        r#"{"common_name":"example.com","ttl":"8760h"}"#,
    );
    root(
        s,
        "POST",
        "pki/roles/web",
        r#"{"allow_any_name":true,"max_ttl":"2000h"}"#,
    );
    for (cn, ttl) in [("a", "30m"), ("b", "5h"), ("c", "72h"), ("d", "720h")] {
        root(
            s,
            "POST",
            "pki/issue/web",
            &format!(r#"{{"common_name":"{cn}.example.com","ttl":"{ttl}"}}"#),
        );
    }
    let revoked = root(
        s,
        "POST",
        "pki/issue/web",
        r#"{"common_name":"gone.example.com","ttl":"5h"}"#,
    )["data"]["serial_number"]
        .as_str()
        .expect("a serial")
        .to_string();
    root(
        s,
        "POST",
        "pki/revoke",
        &format!(r#"{{"serial_number":"{revoked}"}}"#),
    );
    for ttl in ["20m", "20m", "5h"] {
        root(
            s,
            "POST",
            "auth/token/create",
            &format!(r#"{{"ttl":"{ttl}","display_name":"radar-{ttl}"}}"#),
        );
    }
    root(s, "POST", "sys/auth/approle", r#"{"type":"approle"}"#);
    root(
        s,
        "POST",
        "auth/approle/role/ci",
        r#"{"token_ttl":"2h","token_max_ttl":"4h"}"#,
    );
    let role_id = root(s, "GET", "auth/approle/role/ci/role-id", "")["data"]["role_id"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..2 {
        let secret_id =
            root(s, "POST", "auth/approle/role/ci/secret-id", "{}")["data"]["secret_id"]
                .as_str()
                .unwrap()
                .to_string();
        call(
            s,
            "",
            "POST",
            "auth/approle/login",
            &format!(r#"{{"role_id":"{role_id}","secret_id":"{secret_id}"}}"#),
        );
    }
    s.put_secret("apps/a", "k", "v1");
    s.put_secret("apps/a", "k", "v2");
    s.put_secret("apps/b", "k", "v1");
    s.put_secret("other/c", "k", "v1");
    revoked
}

fn rotation() -> RotationPolicy {
    RotationPolicy {
        default: Duration::from_secs(90 * 86_400),
        paths: vec![("secret/apps/".into(), Duration::from_secs(1))],
    }
}

fn app_for(s: &DevServer, token: &str) -> App {
    let profile = common::profile_for(std::slice::from_ref(&s.addr), Some(token));
    let mut app = App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: Utc::now(),
    });
    app.rotation = rotation();
    app
}

/// `:radar`, run through the real worker until the job is done (bounded).
async fn run_radar(app: &mut App) {
    let worker = Worker::new(&app.profile).expect("worker");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());
    let mut cmds: Vec<Command> = app.start();
    cmds.extend(app.run_command("radar"));
    for _ in 0..10_000 {
        for c in cmds.drain(..) {
            handle.send(&c);
        }
        let msg = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("a message within 30 s")
            .expect("the channel stays open");
        let done = matches!(
            &msg,
            Msg::Job {
                event: JobEvent::Done(_) | JobEvent::Failed(_),
                ..
            }
        );
        cmds = app.update(msg);
        if done {
            return;
        }
    }
    panic!("the radar job did not end");
}

fn radar(app: &App) -> &RadarScreen {
    match app.screen() {
        Screen::Radar(s) => s,
        other => panic!("not on the radar: {}", other.title()),
    }
}

/// Items of `kind` per bucket (only the non-empty buckets, as `(bucket, count)`).
fn per_bucket(r: &RadarScreen, kind: ItemKind, window: Window) -> Vec<(usize, usize)> {
    let now = Utc::now();
    (0..window.buckets())
        .map(|b| {
            let n = r
                .radar
                .bucket_items(now, window, b)
                .iter()
                .filter(|i| i.kind == kind)
                .count();
            (b, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buckets_match_the_known_ttls_and_a_token_without_sudo_sees_denied_sources() {
    let s = DevServer::start();
    let revoked = seed(&s);
    // The 1 s rotation age of secret/apps/ passes (bounded: one sleep).
    tokio::time::sleep(Duration::from_secs(2)).await;

    let mut app = app_for(&s, &s.root_token);
    run_radar(&mut app).await;
    let r = radar(&app);
    for (k, st) in &r.sources {
        assert_eq!(st.state, SourceState::Done, "{k:?}: {st:?}");
    }
    // Day window, hour buckets: overdue secrets and 20 m / 30 m items in bucket 0, the 2 h
    // logins in bucket 1 (a 2 h TTL minus the seconds gone by), 5 h items in bucket 4.
    let day = Window::Day;
    assert_eq!(per_bucket(r, ItemKind::Certificate, day), [(0, 1), (4, 1)]);
    assert_eq!(
        per_bucket(r, ItemKind::Token, day),
        [(0, 2), (1, 2), (4, 1)]
    );
    assert_eq!(
        per_bucket(r, ItemKind::Lease, day),
        [(0, 2), (1, 2), (4, 1)]
    );
    assert_eq!(per_bucket(r, ItemKind::KvRotation, day), [(0, 2)]);
    let overdue = r.radar.buckets(Utc::now(), day)[0].overdue;
    assert_eq!(overdue, 2, "the two secrets under secret/apps/");
    // Week window, half-day buckets: the 3 d certificate lands in bucket 5 (60–72 h); the 30 d
    // one and the CA (1 year) stay outside.
    let week = Window::Week;
    assert_eq!(per_bucket(r, ItemKind::Certificate, week), [(0, 2), (5, 1)]);
    assert!(
        r.radar.all().iter().all(|i| i.id != revoked),
        "a revoked certificate is skipped"
    );
    let certs = r
        .radar
        .all()
        .iter()
        .filter(|i| i.kind == ItemKind::Certificate)
        .count();
    assert_eq!(certs, 5, "4 issued + the CA");
    // secret/other/c follows the 90 d default.
    let c = r
        .radar
        .all()
        .iter()
        .find(|i| i.id == "secret/other/c")
        .expect("secret/other/c");
    assert!(c.left(Utc::now()).unwrap() > 89 * 86_400);
    let a = r
        .radar
        .all()
        .iter()
        .find(|i| i.id == "secret/apps/a")
        .expect("secret/apps/a");
    assert_eq!(a.name, "secret/apps/a (v2)");

    // A token without sudo: leases and tokens denied, certificates and secrets still load.
    root(&s, "PUT", "sys/policies/acl/radar-limited", &serde_json::json!({"policy":
        "path \"sys/mounts\" { capabilities = [\"read\"] }\npath \"sys/auth\" { capabilities = [\"read\"] }\npath \"pki/certs/*\" { capabilities = [\"list\"] }\npath \"secret/*\" { capabilities = [\"read\", \"list\", \"scan\"] }\npath \"sys/leases/lookup/*\" { capabilities = [\"list\"] }\npath \"auth/token/accessors\" { capabilities = [\"list\"] }\n"}).to_string());
    let limited = root(
        &s,
        "POST",
        "auth/token/create",
        r#"{"policies":["radar-limited"],"ttl":"30h"}"#,
    )["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut app = app_for(&s, &limited);
    run_radar(&mut app).await;
    let r = radar(&app);
    assert_eq!(r.sources[&ItemKind::Lease].state, SourceState::Denied);
    assert_eq!(r.sources[&ItemKind::Token].state, SourceState::Denied);
    assert_eq!(r.sources[&ItemKind::Certificate].state, SourceState::Done);
    assert_eq!(r.sources[&ItemKind::KvRotation].state, SourceState::Done);
    assert_eq!(per_bucket(r, ItemKind::KvRotation, day), [(0, 2)]);
    assert!(
        r.radar
            .all()
            .iter()
            .any(|i| i.kind == ItemKind::Certificate)
    );
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("permission denied for leases, tokens")),
        "{:?}",
        app.toasts
    );

    // Headless: exit 3 with the overdue secrets and the 20/30 m items within the hour.
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join("config")).expect("config dir");
    let config = home.path().join("config/config.toml");
    std::fs::write(
        &config,
        "[rotation]\ndefault = \"90d\"\n[rotation.paths]\n\"secret/apps/\" = \"1s\"\n",
    )
    .expect("config");
    let run = |args: &[&str]| {
        common::strongroom_command(home.path())
            .args(["--addr", &s.addr, "--token", &s.root_token, "expiring"])
            .args(args)
            .output()
            .expect("run strongroom")
    };
    let out = run(&["--within", "1h", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // 2 secrets + certificate a + 2 tokens of 20 m + their 2 leases.
    assert_eq!(json["count"], 7, "{json:#}");
    let kinds: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(&kinds[..2], ["kv-rotation", "kv-rotation"]);
    assert_eq!(json["items"][0]["overdue"], true);
    assert!(
        json["sources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["state"] == "done"),
        "{json:#}"
    );
    let out = run(&["--within", "1h"]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let times: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(times.len(), 7, "{text}");
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "sorted by time");
    assert!(
        text.contains("\tcertificate\tpki/\ta.example.com\t"),
        "{text}"
    );

    // Without the short rotation age nothing expires within 5 minutes: exit 0, no output.
    std::fs::write(&config, "[rotation]\ndefault = \"90d\"\n").expect("config");
    let out = run(&["--within", "5m"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    // A bad rotation age is the usual config error (exit 1).
    std::fs::write(&config, "[rotation]\ndefault = \"soon\"\n").expect("config");
    let out = run(&["--within", "5m"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2: rotation.default = \"soon\" is not a duration"),
        "{err}"
    );
    // A bad window too.
    std::fs::write(&config, "").expect("config");
    let out = run(&["--within", "soon"]);
    assert_eq!(out.status.code(), Some(1));
}

/// The fallback for servers without `certs/detailed` (reading each PEM) agrees with OpenBao's
/// detailed list on not-after and the common name of every certificate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pem_fallback_reads_the_same_not_after_as_the_detailed_list() {
    let s = DevServer::start();
    seed(&s);
    let client = strongroom::vault::worker::Worker::new(&common::profile_for(
        std::slice::from_ref(&s.addr),
        Some(&s.root_token),
    ))
    .expect("worker")
    .client(&s.addr)
    .expect("client");
    let detailed = client.pki_certs_detailed("pki/").await.expect("detailed");
    let by_pem = client.pki_certs_by_pem("pki/").await.expect("by PEM");
    assert_eq!(detailed.len(), 6, "CA + 5 issued");
    assert_eq!(by_pem.len(), detailed.len());
    for ((s1, d), (s2, p)) in detailed.iter().zip(&by_pem) {
        assert_eq!(s1, s2);
        assert_eq!(d.not_after, p.not_after, "{s1}");
        assert_eq!(d.common_name, p.common_name, "{s1}");
        assert!(p.not_after.is_some());
    }
    assert!(by_pem.iter().any(|(_, c)| c.common_name == "a.example.com"));
    assert!(
        by_pem.iter().all(|(_, c)| c.issuer == "CN=example.com"),
        "{by_pem:?}"
    );
}
