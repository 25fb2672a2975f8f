//! The init and rekey live tests' harness: the app with a worker on a real cluster, keys,
//! pastes, the gate's confirmations, renders, and the canary's file scan.
// Test crate: helpers fail the test with a message via expect; each binary uses a part.
#![allow(clippy::expect_used, dead_code)]

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

use strongroom::app::{App, AppInit, Mode};
use strongroom::command::Command;
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::secret::SecretString;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::init::InitScreen;
use strongroom::ui::screens::rekey::RekeyScreen;
use strongroom::vault::worker::{Worker, WorkerHandle};

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub struct Harness {
    pub app: App,
    handle: WorkerHandle,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Harness {
    pub fn new(profile: &ConnectionProfile, read_only: bool) -> Harness {
        let worker = Worker::new(profile).expect("worker");
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());
        let app = App::new(AppInit {
            profile: profile.clone(),
            contexts: vec![profile.clone()],
            theme: "default".into(),
            themes: ThemeRegistry::load(None, false),
            keymap: Keymap::load(None).0,
            poll_interval: Duration::from_secs(2),
            force_read_only: read_only,
            warnings: vec![],
            now: Utc::now(),
        });
        Harness { app, handle, rx }
    }

    pub async fn feed(&mut self, msg: Msg) -> Vec<Command> {
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

    pub async fn command(&mut self, line: &str) {
        self.feed(ch(':')).await;
        for c in line.chars() {
            self.feed(ch(c)).await;
        }
        self.feed(key(KeyCode::Enter)).await;
    }

    /// A write through the gate: the key, then `y` (or the typed phrase) when it asks.
    pub async fn confirmed(&mut self, k: char, phrase: Option<&str>) -> Vec<Command> {
        let mut cmds = self.feed(ch(k)).await;
        if self.app.mode == Mode::Confirm {
            match phrase {
                Some(p) => {
                    for c in p.chars() {
                        cmds.extend(self.feed(ch(c)).await);
                    }
                    cmds.extend(self.feed(key(KeyCode::Enter)).await);
                }
                None => cmds.extend(self.feed(ch('y')).await),
            }
        }
        cmds
    }

    pub fn init(&self) -> &InitScreen {
        match self.app.screen() {
            Screen::Init(s) => s,
            other => panic!("not the init screen: {}", other.title()),
        }
    }

    pub fn rekey(&self) -> &RekeyScreen {
        match self.app.screen() {
            Screen::Rekey(s) => s,
            other => panic!("not the rekey screen: {}", other.title()),
        }
    }

    /// Put `text` into field `field` of the rekey form (moving there with up/down).
    pub async fn edit_field(&mut self, field: usize, text: &str) {
        for _ in 0..4 {
            self.feed(key(KeyCode::Up)).await;
        }
        for _ in 0..field {
            self.feed(key(KeyCode::Down)).await;
        }
        assert_eq!(self.rekey().field, field);
        self.feed(ch('e')).await;
        assert!(self.rekey().editing);
        for _ in 0..8 {
            self.feed(key(KeyCode::Backspace)).await;
        }
        self.feed(Msg::Paste(text.to_string())).await;
        self.feed(key(KeyCode::Enter)).await;
        assert_eq!(self.rekey().fields[field].text, text);
    }

    /// A share into the rekey screen's hidden input.
    pub async fn share(&mut self, share: &str) {
        if !self.rekey().entering {
            self.feed(ch('e')).await;
        }
        self.feed(Msg::Paste(share.to_string())).await;
        self.feed(key(KeyCode::Enter)).await;
        assert!(self.rekey().share.0.is_empty(), "the input is wiped");
    }

    pub fn progress(&self) -> (u32, bool) {
        let st = self.rekey().status.clone().expect("a status");
        (st.progress, st.started)
    }

    pub fn render(&self) -> String {
        let mut term = Terminal::new(TestBackend::new(140, 40)).expect("terminal");
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
}

pub fn spoil(share: &str) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    let mut b = engine.decode(share).expect("base64 share");
    b[0] ^= 0x5a;
    engine.encode(b)
}

pub fn files(dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
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

pub fn contains(hay: &[u8], needle: &str) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

pub fn canary(dirs: &[&Path], seen: &[String]) {
    let mut all = Vec::new();
    for d in dirs {
        files(d, &mut all);
    }
    assert!(
        all.iter()
            .any(|(p, b)| p.to_string_lossy().contains("log") && !b.is_empty()),
        "the flow wrote files (the log)"
    );
    for (p, b) in &all {
        for s in seen {
            assert!(!contains(b, s), "a share or token in {}", p.display());
        }
    }
}

/// Take every value the once-secrets list holds (the holders' copies), checking the render is
/// masked, then confirm each receipt.
pub async fn take_all(h: &mut Harness, rekey: bool, seen: &mut Vec<String>) -> Vec<String> {
    let secrets = if rekey {
        h.rekey().secrets.clone()
    } else {
        h.init().secrets.clone()
    };
    let n = secrets.items().len();
    let values: Vec<String> = (0..n)
        .map(|i| secrets.value(i).expect("held").expose().to_string())
        .collect();
    drop(secrets);
    seen.extend(values.iter().cloned());
    let masked = h.render();
    for v in &values {
        assert!(!masked.contains(v.as_str()), "masked until revealed");
    }
    let dbg = format!("{:?}", h.app.screen());
    for v in &values {
        assert!(!dbg.contains(v.as_str()), "no value in the state's Debug");
    }
    // Reveal the first: it shows; copy it.
    h.feed(ch('r')).await;
    // (A long PGP-encrypted share wraps: its beginning shows.)
    let head: String = values[0].chars().take(40).collect();
    assert!(h.render().contains(head.as_str()), "revealed");
    let cmds = h.feed(ch('c')).await;
    assert!(cmds.iter().any(|c| matches!(c, Command::Copy { .. })));
    for _ in 0..n {
        h.feed(ch('y')).await;
    }
    let after = if rekey {
        &h.rekey().secrets
    } else {
        &h.init().secrets
    };
    assert!(after.all_received() && !after.holds_values());
    let r = h.render();
    assert!(r.contains("received"), "{r}");
    for v in &values {
        assert!(!r.contains(v.as_str()));
    }
    values
}

pub async fn unseal_with(addr: &str, shares: &[String]) -> Result<bool, String> {
    let w = Worker::new(&super::common::profile_for(&[addr.to_string()], None)).expect("worker");
    let c = w.client(addr).expect("client");
    let mut sealed = true;
    for s in shares {
        match c.unseal(&SecretString::from(s.clone())).await {
            Ok(st) => sealed = st.sealed,
            Err(e) => return Err(e.to_string()),
        }
    }
    // A raft node may answer the last share with `sealed:true, progress:0` and unseal a few
    // seconds later: poll (bounded).
    for _ in 0..60 {
        if !sealed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        if let Ok(st) = c.seal_status().await {
            if st.progress != 0 {
                break;
            }
            sealed = st.sealed;
        }
    }
    Ok(!sealed)
}

/// A throwaway RSA key in its own GNUPGHOME: (home, fingerprint, base64 public key).
pub fn gpg_key(home: &Path) -> (String, String) {
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

pub fn gpg_decrypt(home: &Path, encoded: &str) -> String {
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
