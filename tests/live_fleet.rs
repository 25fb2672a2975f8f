//! The fleet against real OpenBao: a 3-node raft cluster (stands for the sandbox), a dev
//! server, an address that refuses (a free port, nothing listening) and one that accepts and
//! never answers, polled by the runtime's fleet poller; and `strongroom status --all-contexts`
//! as a process (exit 0, 2 with a sealed context, 1 with an unreachable one; the JSON shape).
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::cluster::TestCluster;
use common::dev::DevServer;
use strongroom::command::{Origin, RequestKey, Ticket};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::fleet::{FleetState, RowState, RowSummary, TokenTtl};
use strongroom::reply::Reply;
use strongroom::vault::fleet::{FleetPoller, FleetReply, FleetRequest};

fn named(name: &str, mut p: ConnectionProfile) -> ConnectionProfile {
    p.context = name.into();
    p
}

#[test]
fn a_dead_cluster_never_holds_up_the_others() {
    let cluster = TestCluster::start();
    let dev = DevServer::start();
    let refused = format!("http://127.0.0.1:{}", common::free_port());
    // Bound but never accepting: the kernel completes the handshake, no answer ever comes.
    let blackhole = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hole = format!(
        "http://127.0.0.1:{}",
        blackhole.local_addr().expect("addr").port()
    );
    let profiles = [
        named("sandbox", cluster.profile()),
        named(
            "dev",
            common::profile_for(std::slice::from_ref(&dev.addr), Some(&dev.root_token)),
        ),
        named("gone", common::profile_for(&[refused], Some("t"))),
        named("hole", common::profile_for(&[hole], None)),
    ];
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let arrivals: Vec<(String, strongroom::fleet::PollOutcome)> = rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Msg>();
        let cancel = tokio_util::sync::CancellationToken::new();
        let mut poller = FleetPoller::new(tx, cancel.clone()).with_timeout(Duration::from_secs(4));
        // The dead one first: it must not delay the others.
        for (seq, p) in profiles.iter().rev().enumerate() {
            let ticket = Ticket {
                seq: seq as u64 + 1,
                epoch: 0,
                key: RequestKey::new(
                    Origin::Screen(strongroom::command::ScreenKind::Fleet),
                    p.context.clone(),
                ),
            };
            poller.send(
                ticket,
                FleetRequest::Poll {
                    profile: Box::new(p.clone()),
                },
            );
        }
        let mut got = Vec::new();
        while got.len() < profiles.len() {
            let msg = tokio::time::timeout(Duration::from_secs(60), rx.recv())
                .await
                .expect("every poll answers (the poller has a time limit)")
                .expect("channel open");
            if let Msg::Vault {
                reply: Reply::Fleet(FleetReply::Polled { context, outcome }),
                ..
            } = msg
            {
                got.push((context, outcome));
            }
        }
        cancel.cancel();
        got
    });
    let order: Vec<&str> = arrivals.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        order.last(),
        Some(&"hole"),
        "the silent one answers last: {order:?}"
    );
    let mut state = FleetState::new(
        profiles.iter().map(|p| p.context.clone()),
        Duration::from_secs(5),
    );
    for (c, o) in arrivals {
        state.apply(&c, o);
    }
    let now = chrono::Utc::now();
    let row = |i: usize| RowSummary::of(&state.rows[i], now, state.interval);

    let s = row(0);
    assert_eq!(s.state, RowState::Ok, "{s:?}");
    assert_eq!((s.up, s.total), (3, 3), "{s:?}");
    assert!(s.leader.is_some(), "{s:?}");
    assert_eq!(s.versions.len(), 1, "{s:?}");
    let raft = s.raft.expect("autopilot on a raft cluster");
    assert!(raft.healthy, "{s:?}");
    assert_eq!(raft.failure_tolerance, 1, "{s:?}");
    assert_eq!(s.token, TokenTtl::NoExpiry, "a root token");

    let d = row(1);
    assert_eq!(d.state, RowState::Ok, "{d:?}");
    assert_eq!((d.up, d.total), (1, 1), "{d:?}");
    assert!(d.raft.is_none(), "no raft on a dev server: {d:?}");
    assert_eq!(d.token, TokenTtl::NoExpiry);

    let g = row(2);
    assert_eq!(g.state, RowState::Unreachable, "{g:?}");
    assert_eq!(g.unreachable, 1);
    assert_eq!(g.token, TokenTtl::Unknown, "no lookup without an answer");

    let h = row(3);
    assert_eq!(h.state, RowState::Unreachable, "{h:?}");
    assert_eq!(h.problem.as_deref(), Some("no answer within 4s"));
    assert_eq!(h.token, TokenTtl::Unknown, "never answered");
    drop(blackhole);
}

/// A config file with one context per (name, address, token).
fn write_config(home: &Path, contexts: &[(&str, &str, Option<&str>)]) {
    let cfg = home.join("config");
    std::fs::create_dir_all(&cfg).expect("config dir");
    let mut text = format!("default_context = \"{}\"\n", contexts[0].0);
    for (name, addr, token) in contexts {
        text += &format!("\n[contexts.{name}]\naddrs = [\"{addr}\"]\n");
        if let Some(t) = token {
            let f = home.join(format!("{name}.token"));
            std::fs::write(&f, t).expect("token file");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                    .expect("chmod");
            }
            text += &format!("token_file = \"{}\"\n", f.display());
        }
    }
    std::fs::write(cfg.join("config.toml"), text).expect("config");
}

fn status_all(home: &Path, format: &str) -> std::process::Output {
    common::strongroom_command(home)
        .env("NO_COLOR", "1")
        .args(["status", "--all-contexts", "--format", format])
        .output()
        .expect("run strongroom status --all-contexts")
}

fn shown(o: &std::process::Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn status_all_contexts_exit_codes_and_json() {
    let a = DevServer::start();
    let b = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    let dead = format!("http://127.0.0.1:{}", common::free_port());

    write_config(
        home.path(),
        &[
            ("alpha", &a.addr, Some(&a.root_token)),
            ("beta", &b.addr, None),
        ],
    );
    let o = status_all(home.path(), "table");
    assert_eq!(o.status.code(), Some(0), "{}", shown(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("context alpha — ok") && out.contains("context beta — ok"),
        "{}",
        shown(&o)
    );
    assert!(!out.contains(&a.root_token), "no token printed");

    b.seal();
    let o = status_all(home.path(), "json");
    assert_eq!(o.status.code(), Some(2), "{}", shown(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["overall"], "sealed");
    assert_eq!(v["contexts"][0]["context"], "alpha");
    assert_eq!(v["contexts"][0]["overall"], "ok");
    assert_eq!(v["contexts"][0]["nodes"][0]["state"], "active");
    assert_eq!(v["contexts"][1]["overall"], "sealed");
    assert_eq!(v["contexts"][1]["nodes"][0]["sealed"], true);
    assert!(
        v["contexts"][0].get("error").is_none(),
        "no error field when polled"
    );

    // An unreachable context: error wins over sealed.
    write_config(
        home.path(),
        &[
            ("alpha", &a.addr, Some(&a.root_token)),
            ("beta", &b.addr, None),
            ("gone", &dead, None),
        ],
    );
    let o = status_all(home.path(), "json");
    assert_eq!(o.status.code(), Some(1), "{}", shown(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["overall"], "error");
    assert_eq!(v["contexts"][2]["overall"], "error");
    assert_eq!(v["contexts"][2]["nodes"][0]["state"], "unreachable");
    let o = status_all(home.path(), "table");
    assert_eq!(o.status.code(), Some(1), "{}", shown(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("context gone — error"),
        "{}",
        shown(&o)
    );
}
