//! The console against a hostile server: an imitation Vault that answers with crafted replies
//! (listed addresses on other ports, schemes and paths; thousands of listed nodes; huge and lying
//! bodies; long fields and terminal escapes) and a capture server that records every header.
//! The token must never reach an address the user did not configure; fan-out, reply sizes and
//! cell widths stay bounded; the console keeps running and says what happened.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::Ordering;

use common::hostile::{HostileServer, Reply, Seen, node_reply, token_of};
use strongroom::cluster::{ClusterState, MAX_DISCOVERED};
use strongroom::vault::VaultError;
use strongroom::vault::worker::Worker;
use strongroom::write_gate::{Mutation, Write};

const TOKEN: &str = "s.hostile-canary-token-9f3a";

fn strongroom(home: &Path) -> Command {
    let mut cmd = common::strongroom_command(home);
    cmd.env("NO_COLOR", "1").env("BAO_TOKEN", TOKEN);
    cmd
}

fn status(home: &Path, addr: &str, format: &str) -> Output {
    strongroom(home)
        .args(["status", "--addr", addr, "--format", format])
        .output()
        .expect("run strongroom status")
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A node that answers as a standby and records what it is sent.
fn capture() -> HostileServer {
    HostileServer::start(|s: &Seen| {
        node_reply(s, true, "http://127.0.0.1:1").unwrap_or(Reply::json(
            403,
            &serde_json::json!({"errors": ["permission denied"]}),
        ))
    })
}

/// The configured node: active, and its HA status lists `listed`.
fn lister(listed: Vec<String>) -> HostileServer {
    HostileServer::start(move |s: &Seen| {
        if let Some(r) = node_reply(s, false, "http://127.0.0.1:1") {
            return r;
        }
        match s.path() {
            "/v1/sys/ha-status" => {
                let nodes: Vec<serde_json::Value> = listed
                    .iter()
                    .map(|a| {
                        serde_json::json!({"hostname": "h", "api_address": a,
                            "cluster_address": "", "active_node": false})
                    })
                    .collect();
                Reply::json(200, &serde_json::json!({"data": {"nodes": nodes}}))
            }
            _ => Reply::json(404, &serde_json::json!({"errors": []})),
        }
    })
}

#[test]
fn the_token_never_reaches_a_discovered_node() {
    let home = tempfile::tempdir().expect("tempdir");
    let b = capture();
    let c = capture();
    // B is a plain listed node; C is listed with a path prefix (refused); 5,000 more are listed
    // on ports nothing listens on (at most 16 followed, the rest counted).
    let mut listed = vec![b.addr.clone(), format!("{}/evil/prefix", c.addr)];
    listed.extend((0..5_000).map(|i| format!("http://127.0.0.1:{}", 1 + i % 50)));
    listed.extend((0..5_000).map(|i| format!("http://127.0.0.2:{}", 10_000 + i)));
    let a = lister(listed);

    for format in ["json", "table"] {
        let out = status(home.path(), &a.addr, format);
        let all = text(&out);
        assert!(!all.contains(TOKEN), "{all}");
        assert!(
            all.contains("more listed nodes not followed (at most 16)"),
            "{all}"
        );
        assert!(all.contains("has a path or query"), "{all}");
        if format == "json" {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            let nodes = v["nodes"].as_array().expect("nodes");
            assert_eq!(nodes.len(), 1 + MAX_DISCOVERED, "{all}");
            assert!(nodes.iter().any(|n| n["addr"] == b.addr.as_str()), "{all}");
        }
    }
    // A got the token on its authenticated reads; B was polled without it; C never asked.
    let a_seen = a.seen();
    assert!(
        a_seen
            .iter()
            .any(|s| s.path() == "/v1/sys/ha-status" && token_of(s) == Some(TOKEN)),
        "{a_seen:?}"
    );
    assert!(
        a_seen
            .iter()
            .filter(|s| s.path() == "/v1/sys/health")
            .all(|s| token_of(s).is_none())
    );
    let b_seen = b.seen();
    assert!(
        b_seen.iter().any(|s| s.path() == "/v1/sys/health"),
        "B was polled"
    );
    for s in &b_seen {
        assert_eq!(token_of(s), None, "token sent to B: {s:?}");
        assert!(
            matches!(
                s.path(),
                "/v1/sys/health" | "/v1/sys/seal-status" | "/v1/sys/leader"
            ),
            "B was asked an authenticated path: {s:?}"
        );
    }
    assert!(c.seen().is_empty(), "{:?}", c.seen());
}

#[tokio::test]
async fn a_discovered_node_is_never_written_to_and_drops_off_when_unlisted() {
    let b = capture();
    let a = lister(vec![b.addr.clone()]);
    let profile = common::profile_for(std::slice::from_ref(&a.addr), Some(TOKEN));
    let worker = Worker::new(&profile).expect("worker");
    let mut state = ClusterState::new(&profile.addrs);
    state.apply(worker.poll_cluster(&state.node_addrs()).await);
    state.apply(worker.poll_cluster(&state.node_addrs()).await);
    assert_eq!(state.nodes.len(), 2);
    assert!(state.nodes[1].discovered);
    let out = worker
        .write(
            &Write::One(Mutation::SealNode {
                addr: b.addr.clone(),
            }),
            &mut |_| {},
        )
        .await;
    assert!(
        matches!(out.first_error(), Some(VaultError::NotConfigured { .. })),
        "{out:?}"
    );
    assert!(b.seen().iter().all(|s| s.path() != "/v1/sys/seal"));
    assert!(b.seen().iter().all(|s| token_of(s).is_none()));

    // The next HA status no longer lists B: it drops off.
    let a2 = lister(vec![]);
    let profile = common::profile_for(std::slice::from_ref(&a2.addr), Some(TOKEN));
    let worker = Worker::new(&profile).expect("worker");
    let mut state = ClusterState::new(&profile.addrs);
    state.apply(worker.poll_cluster(&state.node_addrs()).await);
    assert_eq!(state.nodes.len(), 1);
}

#[test]
fn huge_replies_are_refused_early_as_an_error_of_that_node() {
    let home = tempfile::tempdir().expect("tempdir");
    // Claims 200 MB up front.
    let lying = HostileServer::start(|s: &Seen| match s.path() {
        "/v1/sys/health" => Reply::LyingLength {
            claimed: 200 * 1024 * 1024,
            send: 1024 * 1024,
        },
        _ => Reply::json(404, &serde_json::json!({})),
    });
    // Says nothing, and sends until the client hangs up (bounded at 200 MB).
    let endless = HostileServer::start(|s: &Seen| match s.path() {
        "/v1/sys/health" => Reply::Endless {
            max: 200 * 1024 * 1024,
        },
        _ => Reply::json(404, &serde_json::json!({})),
    });
    for srv in [&lying, &endless] {
        let out = status(home.path(), &srv.addr, "table");
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(all.contains("reply too large from sys/health"), "{all}");
        assert!(all.contains("error"), "{all}");
    }
    // The endless reply was cut short: far less than 200 MB went out.
    let sent = endless.body_bytes_sent.load(Ordering::Relaxed);
    assert!(sent < 64 * 1024 * 1024, "{sent} bytes were sent");
}

#[test]
fn long_fields_and_escapes_are_capped_and_sanitised() {
    let home = tempfile::tempdir().expect("tempdir");
    let srv = HostileServer::start(|s: &Seen| {
        let mut r = node_reply(s, false, "http://127.0.0.1:1");
        if s.path() == "/v1/sys/health" {
            let mut h = common::hostile::health_body(false);
            h["version"] = serde_json::json!("9".repeat(70_000));
            h["cluster_name"] = serde_json::json!("\x1b[2J\x1b]52;c;aGk=\x07\x1b]0;pwned\x07name");
            r = Some(Reply::json(200, &h));
        }
        r.unwrap_or(Reply::json(
            403,
            &serde_json::json!({"errors": ["\x1b[2Jdenied"]}),
        ))
    });
    for format in ["table", "json"] {
        let out = status(home.path(), &srv.addr, format);
        let all = text(&out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            &all[..all.len().min(2000)]
        );
        assert!(!all.contains('\x1b'), "an escape reached the output");
        assert!(!all.contains('\x07'), "a BEL reached the output");
        if format == "table" {
            assert!(
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .all(|l| l.chars().count() < 1000),
                "a line too long"
            );
        }
    }
}

#[test]
fn a_ca_file_that_is_not_pem_is_refused() {
    let home = tempfile::tempdir().expect("tempdir");
    let ca = home.path().join("ca.der");
    std::fs::write(&ca, [0x30u8, 0x82, 0x01, 0x0a, 0x02, 0x82]).expect("write");
    let out = strongroom(home.path())
        .args(["status", "--addr", "https://127.0.0.1:1", "--ca-cert"])
        .arg(&ca)
        .output()
        .expect("run");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("no PEM certificate"), "{all}");
}

#[tokio::test]
async fn the_console_draws_hostile_replies_without_panicking_or_escapes() {
    use ratatui::{Terminal, backend::TestBackend};
    let srv = HostileServer::start(|s: &Seen| {
        if s.path() == "/v1/sys/health" {
            let mut h = common::hostile::health_body(false);
            h["version"] = serde_json::json!("9".repeat(70_000));
            h["cluster_name"] = serde_json::json!("\x1b]52;c;aGk=\x07\x1b[2Jname");
            h["server_time_utc"] = serde_json::json!(i64::MIN);
            return Reply::json(200, &h);
        }
        node_reply(s, false, "http://127.0.0.1:1").unwrap_or(Reply::json(
            500,
            &serde_json::json!({"errors": ["\x1b[2J\x1b]0;t\x07boom"]}),
        ))
    });
    let profile = common::profile_for(std::slice::from_ref(&srv.addr), Some(TOKEN));
    let worker = Worker::new(&profile).expect("worker");
    let mut app = strongroom::app::App::new(strongroom::app::AppInit {
        profile: profile.clone(),
        contexts: vec![profile.clone()],
        theme: "default".into(),
        themes: strongroom::theme::ThemeRegistry::load(None, false),
        keymap: strongroom::keymap::Keymap::load(None).0,
        poll_interval: std::time::Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: chrono::Utc::now(),
    });
    app.cluster
        .apply(worker.poll_cluster(&app.cluster.node_addrs()).await);
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        let buf = term.backend().buffer();
        for cell in buf.content() {
            assert!(
                !cell.symbol().chars().any(char::is_control),
                "a control character was drawn"
            );
        }
    }
}

/// The KV area against a server that answers with escapes in names, wrong shapes and a LIST
/// that never ends: typed errors or sanitised text, nothing drawn with a control character.
#[tokio::test]
async fn kv_answers_with_escapes_wrong_shapes_and_no_end_are_handled() {
    use ratatui::{Terminal, backend::TestBackend};
    use strongroom::ui::screens::Screen;
    use strongroom::ui::screens::secrets::{Folder, Listing, SecretView, SecretsScreen};
    use strongroom::vault::kv_area::{KvReply, KvRequest};
    use strongroom::vault::models::kv::KvVersion;
    use strongroom::vault::models::kv_secret::Subkeys;

    let srv = HostileServer::start(|s: &Seen| match s.path() {
        "/v1/secret/metadata/evil/" => Reply::json(
            200,
            &serde_json::json!({"data": {"keys": ["\x1b]52;c;aGk=\x07x", "\x1b[2Jy/", "ok"]}}),
        ),
        "/v1/secret/metadata/endless/" => Reply::Endless { max: 80 << 20 },
        "/v1/secret/subkeys/evil/x" => Reply::json(
            200,
            &serde_json::json!({"data": {"subkeys": {"\x1b[31mred": null, "n": {"\x07": null}},
                "metadata": {"version": "seven", "destroyed": "no"}}}),
        ),
        "/v1/secret/data/evil/x" => Reply::json(
            200,
            &serde_json::json!({"data": {"data": ["not", "a", "map"]}}),
        ),
        "/v1/secret/metadata/evil/x" => Reply::json(
            200,
            &serde_json::json!({"data": {"versions": {"1": "no"}, "current_version": -1}}),
        ),
        _ => Reply::json(404, &serde_json::json!({"errors": []})),
    });
    let profile = common::profile_for(std::slice::from_ref(&srv.addr), Some(TOKEN));
    let worker = Worker::new(&profile).expect("worker");
    let ask = |r: KvRequest| {
        let w = worker.clone();
        async move { w.kv(r).await }
    };
    let addr = srv.addr.clone();
    let list = |folder: &str| KvRequest::List {
        addr: addr.clone(),
        mount: "secret/".into(),
        kv: KvVersion::V2,
        folder: folder.into(),
    };
    let KvReply::List {
        result: Ok(keys), ..
    } = ask(list("evil/")).await
    else {
        panic!("a listing")
    };
    let endless = ask(list("endless/")).await;
    assert!(
        matches!(
            endless,
            KvReply::List {
                result: Err(VaultError::ReplyTooLarge { .. }),
                ..
            }
        ),
        "{endless:?}"
    );
    let sub = ask(KvRequest::Subkeys {
        addr: addr.clone(),
        mount: "secret/".into(),
        path: "evil/x".into(),
        version: None,
    })
    .await;
    // A version that is not a number: the metadata is dropped, the names kept.
    let KvReply::Subkeys {
        result: Ok(sub), ..
    } = sub
    else {
        panic!("{sub:?}")
    };
    assert!(sub.version.is_none());
    let read = ask(KvRequest::Read {
        addr: addr.clone(),
        mount: "secret/".into(),
        kv: KvVersion::V2,
        path: "evil/x".into(),
        version: None,
        tag: "reveal-all".into(),
    })
    .await;
    assert!(
        matches!(
            read,
            KvReply::Read {
                result: Err(VaultError::Decode(_)),
                ..
            }
        ),
        "{read:?}"
    );
    let meta = ask(KvRequest::Metadata {
        addr: addr.clone(),
        mount: "secret/".into(),
        path: "evil/x".into(),
    })
    .await;
    assert!(
        matches!(
            meta,
            KvReply::Metadata {
                result: Err(VaultError::Decode(_)),
                ..
            }
        ),
        "{meta:?}"
    );

    let now = chrono::Utc::now();
    let mut browser = SecretsScreen::new("secret/", KvVersion::V2, "evil/");
    browser.set_listing(Folder::Listed(Listing::new(keys)), now);
    let mut view = SecretView::new("secret/", KvVersion::V2, "evil/x");
    view.subkeys.succeed(
        Subkeys {
            keys: sub.keys,
            version: None,
        },
        now,
    );
    for screen in [Screen::Secrets(browser), Screen::Secret(Box::new(view))] {
        let app = app_on(&profile, screen);
        for (w, h) in [(100, 30), (60, 16)] {
            let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
            for cell in term.backend().buffer().content() {
                assert!(
                    !cell.symbol().chars().any(char::is_control),
                    "a control character was drawn"
                );
            }
        }
    }
}

fn app_on(
    profile: &strongroom::config::ConnectionProfile,
    screen: strongroom::ui::screens::Screen,
) -> strongroom::app::App {
    let mut app = strongroom::app::App::new(strongroom::app::AppInit {
        profile: profile.clone(),
        contexts: vec![profile.clone()],
        theme: "default".into(),
        themes: strongroom::theme::ThemeRegistry::load(None, false),
        keymap: strongroom::keymap::Keymap::load(None).0,
        poll_interval: std::time::Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: chrono::Utc::now(),
    });
    app.push_screen(screen);
    app
}
