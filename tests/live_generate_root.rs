//! Generate-root against a real 3-node OpenBao raft cluster (5 shares, threshold 3), through the
//! app, the gate and the worker: the status, a start with the console's OTP (confirmed), a
//! wrong share set (progress back to 0, the attempt still open), a wrong nonce (500), a quorum
//! that completes and a decoded token that works (lookup-self shows the root policy), the token
//! shown once (masked, revealed, copied, wiped by esc), cancel, a PGP start whose encrypted token
//! a throwaway gpg key decrypts, and read-only mode refusing every step. Then the ceremony
//! canary: with the console's file logging on (trace), no share, OTP or new root token appears in
//! any file under the log dir or the test's temp dir, nor in a `{:?}` or a render of the state
//! unless revealed.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::too_many_lines)]

mod common;

use std::path::Path;
use std::process::Command as Proc;
use std::time::Duration;

use base64::Engine;
use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::cluster::TestCluster;
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::generate_root::{Entry, GenerateRootScreen, Outcome};
use strongroom::vault::VaultError;
use strongroom::vault::models::wrapping::SecretText;
use strongroom::vault::worker::{Worker, WorkerHandle};
use strongroom::write_gate::Mutation;
use strongroom::write_gate::generate_root::GenerateRootMutation;

fn app_for(cluster: &TestCluster, read_only: bool) -> App {
    let profile = cluster.profile();
    App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: read_only,
        warnings: vec![],
        now: Utc::now(),
    })
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

struct Harness {
    app: App,
    handle: WorkerHandle,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Harness {
    fn new(cluster: &TestCluster, read_only: bool) -> Harness {
        let worker = Worker::new(&cluster.profile()).expect("worker");
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());
        Harness {
            app: app_for(cluster, read_only),
            handle,
            rx,
        }
    }

    /// Feed a message; send what it asks of the worker and feed the answers back until nothing
    /// is pending (bounded). Returns every command seen.
    async fn feed(&mut self, msg: Msg) -> Vec<Command> {
        let mut seen = Vec::new();
        let mut pending = 0usize;
        let mut cmds = self.app.update(msg);
        for _ in 0..40 {
            for c in &cmds {
                if matches!(c, Command::Fetch { .. } | Command::Write { .. }) {
                    pending += 1;
                    self.handle.send(c);
                }
            }
            seen.append(&mut cmds);
            if pending == 0 {
                break;
            }
            let msg = tokio::time::timeout(Duration::from_secs(30), self.rx.recv())
                .await
                .expect("an answer within 30 s")
                .expect("open channel");
            if matches!(msg, Msg::Vault { .. }) {
                pending -= 1;
            }
            cmds = self.app.update(msg);
        }
        seen
    }

    async fn command(&mut self, line: &str) {
        self.feed(ch(':')).await;
        for c in line.chars() {
            self.feed(ch(c)).await;
        }
        self.feed(key(KeyCode::Enter)).await;
    }

    /// A write through the gate: the key, then `y` when it asks.
    async fn confirmed(&mut self, k: char) -> Vec<Command> {
        let mut cmds = self.feed(ch(k)).await;
        if self.app.mode == Mode::Confirm {
            cmds.extend(self.feed(ch('y')).await);
        }
        cmds
    }

    async fn share(&mut self, share: &str) {
        if self.screen().entry != Entry::Share {
            self.feed(ch('e')).await;
        }
        self.feed(Msg::Paste(share.to_string())).await;
        self.feed(key(KeyCode::Enter)).await;
    }

    fn screen(&self) -> &GenerateRootScreen {
        match self.app.screen() {
            Screen::GenerateRoot(s) => s,
            other => panic!("not the generate-root screen: {}", other.title()),
        }
    }

    fn render(&self) -> String {
        let mut term = Terminal::new(TestBackend::new(120, 30)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &self.app))
            .expect("draw");
        let buf = term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    fn progress(&self) -> (u32, u32, bool, String) {
        let st = self.screen().status.clone().expect("a status");
        (st.progress, st.required, st.started, st.nonce)
    }
}

/// A wrong share: a real one with its first byte changed (its x coordinate stays its own).
fn spoil(share: &str) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    let mut b = engine.decode(share).expect("base64 share");
    b[0] ^= 0x5a;
    engine.encode(b)
}

async fn lookup_self_policies(cluster: &TestCluster, token: &str) -> Vec<String> {
    let addrs = cluster.addrs();
    let w = Worker::new(&common::profile_for(&addrs, Some(token))).expect("worker");
    let c = w.client(&addrs[0]).expect("client");
    let v: serde_json::Value = c
        .get_data("auth/token/lookup-self")
        .await
        .expect("lookup-self with the new token");
    v["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .filter_map(|p| p.as_str().map(str::to_string))
        .collect()
}

/// Every file below `dir` (bounded), as bytes.
fn files(dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten().take(10_000) {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if let Ok(b) = std::fs::read(&p) {
            out.push((p, b));
        }
    }
}

fn contains(hay: &[u8], needle: &str) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A throwaway RSA key in its own GNUPGHOME: (home, fingerprint, base64 public key).
fn gpg_key(home: &Path) -> (String, String) {
    std::fs::create_dir_all(home).expect("gnupg home");
    let params = home.join("params");
    std::fs::write(
        &params,
        "%no-protection\nKey-Type: RSA\nKey-Length: 2048\nSubkey-Type: RSA\nSubkey-Length: 2048\n\
         Name-Real: strongroom test\nName-Email: test@example.invalid\nExpire-Date: 0\n%commit\n",
    )
    .expect("params");
    let gpg = |args: &[&str]| {
        let out = Proc::new("gpg")
            .env("GNUPGHOME", home)
            .args(["--batch", "--quiet"])
            .args(args)
            .output()
            .expect("gpg runs");
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    gpg(&["--gen-key", params.to_str().expect("utf-8 path")]);
    let listing = String::from_utf8(gpg(&["--with-colons", "--list-keys"])).expect("utf-8");
    let fpr = listing
        .lines()
        .find(|l| l.starts_with("fpr:"))
        .and_then(|l| l.split(':').nth(9))
        .expect("a fingerprint")
        .to_lowercase();
    let public = gpg(&["--export"]);
    (
        fpr,
        base64::engine::general_purpose::STANDARD.encode(public),
    )
}

fn gpg_decrypt(home: &Path, encoded: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64 encrypted token");
    let file = home.join("token.gpg");
    std::fs::write(&file, bytes).expect("write");
    let out = Proc::new("gpg")
        .env("GNUPGHOME", home)
        .args(["--batch", "--quiet", "--decrypt"])
        .arg(&file)
        .output()
        .expect("gpg runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 token")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_root_end_to_end_with_the_ceremony_canary() {
    let tmp = tempfile::Builder::new()
        .prefix("strongroom-genroot-")
        .tempdir()
        .expect("temp dir");
    let log_dir = tmp.path().join("log");
    std::fs::create_dir_all(&log_dir).expect("log dir");
    let guard = strongroom::logging::init(Some("trace"), &log_dir)
        .expect("logging")
        .expect("a guard");

    let cluster = TestCluster::start();
    let shares = cluster.shares();
    assert_eq!(shares.len(), 5);
    // What the test saw and must find nowhere.
    let mut seen: Vec<String> = shares.clone();

    let mut h = Harness::new(&cluster, false);
    h.command("generate-root").await;
    let (p, t, started, _) = h.progress();
    assert_eq!((p, t, started), (0, 3, false));
    assert!(!h.screen().status.as_ref().expect("status").legacy);
    assert!(h.render().contains("none in progress"));

    // Start with the console's OTP, confirmed at the gate.
    let cmds = h.confirmed('s').await;
    assert!(
        cmds.iter().any(|c| matches!(c, Command::Write { .. })),
        "{cmds:?}"
    );
    let otp = h.screen().otp.clone().expect("the OTP is held");
    seen.push(otp.expose().to_string());
    let (p, t, started, nonce) = h.progress();
    assert_eq!((p, t, started), (0, 3, true));
    assert_eq!(
        otp.chars(),
        h.screen().status.as_ref().expect("s").otp_length
    );
    assert_eq!(h.screen().entry, Entry::Share, "ready for shares");

    // A wrong share set: two good ones, a spoiled third. At the threshold the server refuses;
    // progress goes back to 0 and the attempt stays open with the same nonce.
    h.share(&shares[0]).await;
    assert_eq!(h.progress().0, 1);
    assert!(
        h.screen().share.0.is_empty(),
        "the input is wiped after submit"
    );
    h.share(&shares[1]).await;
    assert_eq!(h.progress().0, 2);
    let bad = spoil(&shares[2]);
    seen.push(bad.clone());
    h.share(&bad).await;
    let err = h.screen().error.clone().expect("an error shown");
    assert!(err.contains("500"), "{err}");
    let (p, _, started, nonce_after) = h.progress();
    assert_eq!(
        (p, started),
        (0, true),
        "progress back to 0, attempt still open"
    );
    assert_eq!(nonce_after, nonce);
    assert!(h.screen().outcome.is_none());

    // A duplicate share is refused plainly.
    h.share(&shares[0]).await;
    h.share(&shares[0]).await;
    let err = h.screen().error.clone().expect("duplicate refused");
    assert!(err.contains("already been provided"), "{err}");
    assert_eq!(h.progress().0, 1);

    // A wrong nonce (through the worker, as the screen would send it): 500, said plainly.
    let worker = Worker::new(&cluster.profile()).expect("worker");
    let addr = h.screen().addr.clone().expect("addr");
    let r = worker
        .write_one(&Mutation::GenerateRoot(GenerateRootMutation::Update {
            addr: addr.clone(),
            share: SecretText::from(shares[1].as_str()),
            nonce: "00000000-0000-0000-0000-000000000000".into(),
        }))
        .await;
    match &r.result {
        Err(e @ VaultError::Server { status: 500, .. }) => {
            let text = e.to_string();
            assert!(text.contains("incorrect nonce"), "{text}");
        }
        other => panic!("a wrong nonce answers 500: {other:?}"),
    }

    // The quorum: the token is decoded here and shown once, masked.
    h.share(&shares[1]).await;
    h.share(&shares[2]).await;
    let token = match h.screen().outcome.clone() {
        Some(Outcome::Token(t)) => t,
        other => panic!("no token: {other:?} (error {:?})", h.screen().error),
    };
    seen.push(token.expose().to_string());
    assert!(token.expose().starts_with("s."), "a token");
    assert!(h.screen().otp.is_none(), "the OTP is wiped once used");
    assert!(!h.screen().revealed);
    let masked = h.render();
    assert!(!masked.contains(token.expose()), "{masked}");
    assert!(masked.contains("new root token"), "{masked}");
    let policies = lookup_self_policies(&cluster, token.expose()).await;
    assert_eq!(policies, vec!["root".to_string()]);
    // Nothing secret in the state's Debug.
    let dbg = format!("{:?}", h.app.screen());
    for s in &seen {
        assert!(!dbg.contains(s.as_str()), "a secret in the state's Debug");
    }
    // Reveal, copy, then esc wipes it.
    h.feed(ch('r')).await;
    assert!(h.render().contains(token.expose()), "revealed");
    let cmds = h.feed(ch('c')).await;
    assert!(
        cmds.iter().any(|c| matches!(c, Command::Copy { .. })),
        "{cmds:?}"
    );
    h.feed(key(KeyCode::Esc)).await;
    assert!(h.screen().outcome.is_none() && h.screen().otp.is_none());
    assert!(!h.render().contains(token.expose()));

    // Start again and cancel.
    h.confirmed('s').await;
    assert!(h.progress().2, "started");
    seen.push(h.screen().otp.clone().expect("otp").expose().to_string());
    h.share(&shares[3]).await;
    assert_eq!(h.progress().0, 1);
    h.feed(key(KeyCode::Esc)).await;
    h.confirmed('X').await;
    let (p, _, started, _) = h.progress();
    assert_eq!((p, started), (0, false), "cancelled");
    assert!(h.screen().otp.is_none());

    // Read-only mode refuses every step.
    let mut ro = Harness::new(&cluster, true);
    ro.command("generate-root").await;
    let cmds = ro.feed(ch('s')).await;
    assert!(
        !cmds.iter().any(|c| matches!(c, Command::Write { .. })),
        "{cmds:?}"
    );
    assert!(ro.screen().otp.is_none(), "an OTP never sent is wiped");
    assert!(
        ro.app
            .toasts
            .iter()
            .any(|t| t.text.contains("read-only mode")),
        "{:?}",
        ro.app.toasts
    );

    // PGP: the new token is encrypted to a throwaway key; its holder decrypts it.
    let home = tmp.path().join("gnupg");
    let (fpr, public) = gpg_key(&home);
    h.feed(ch('p')).await;
    assert_eq!(h.screen().entry, Entry::PgpKey);
    h.feed(Msg::Paste(public)).await;
    h.feed(key(KeyCode::Enter)).await;
    if h.app.mode == Mode::Confirm {
        h.feed(ch('y')).await;
    }
    let st = h.screen().status.clone().expect("status");
    assert!(st.started, "PGP start: {:?}", h.screen().error);
    assert_eq!(st.pgp_fingerprint.to_lowercase(), fpr);
    assert!(h.screen().otp.is_none(), "no OTP with PGP");
    for s in &shares[2..5] {
        h.share(s).await;
    }
    let (encoded, fp) = match h.screen().outcome.clone() {
        Some(Outcome::Encoded {
            encoded,
            pgp_fingerprint,
        }) => (encoded, pgp_fingerprint),
        other => panic!("no encoded token: {other:?} (error {:?})", h.screen().error),
    };
    assert_eq!(fp.to_lowercase(), fpr);
    let pgp_token = gpg_decrypt(&home, encoded.expose());
    seen.push(pgp_token.clone());
    assert_eq!(
        lookup_self_policies(&cluster, &pgp_token).await,
        vec!["root".to_string()]
    );
    assert!(!h.render().contains(encoded.expose()), "masked");
    h.feed(key(KeyCode::Esc)).await;
    assert!(h.screen().outcome.is_none());
    // The decrypted token file is the test's own doing: remove it before the scan.
    let _ = std::fs::remove_file(home.join("token.gpg"));

    // The canary: flush the log, then look everywhere the flow wrote.
    tracing::info!("generate-root test done");
    drop(guard);
    let mut all = Vec::new();
    files(tmp.path(), &mut all);
    files(cluster.dir(), &mut all);
    let log_bytes: usize = all
        .iter()
        .filter(|(p, _)| p.starts_with(&log_dir))
        .map(|(_, b)| b.len())
        .sum();
    assert!(log_bytes > 0, "the console logged something");
    let log_text: String = all
        .iter()
        .filter(|(p, _)| p.starts_with(&log_dir))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(
        log_text.contains("start root token generation")
            && log_text.contains("submit a root generation share"),
        "the flow's writes are in the log"
    );
    for (path, bytes) in &all {
        for (i, s) in seen.iter().enumerate() {
            assert!(
                !contains(bytes, s),
                "secret #{i} found in {}",
                path.display()
            );
        }
    }
    let dbg = format!("{:?}", h.app.screen());
    let shown = h.render();
    for s in &seen {
        assert!(!dbg.contains(s.as_str()) && !shown.contains(s.as_str()));
    }
}
