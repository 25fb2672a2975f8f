//! Drive a real terminal: the binary runs in a detached tmux session; tests send keys and read
//! the screen with capture-pane.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    pub session: String,
    socket: String,
}

fn tmux_path() -> &'static str {
    if Command::new("tmux").arg("-V").output().is_err() {
        panic!("tmux is not installed: the README test command installs it (apt-get install tmux)");
    }
    "tmux"
}

impl Tmux {
    /// A new session running an interactive shell, `width`×`height`, with `env` exported.
    pub fn start(name: &str, width: u16, height: u16, env: &[(&str, String)], cwd: &Path) -> Tmux {
        let socket = format!("strongroom-test-{}-{name}", std::process::id());
        let t = Tmux {
            session: name.to_string(),
            socket,
        };
        let mut cmd = Command::new(tmux_path());
        cmd.args([
            "-L",
            &t.socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            name,
        ])
        .args(["-x", &width.to_string(), "-y", &height.to_string()])
        .arg("-c")
        .arg(cwd);
        for (k, v) in env {
            cmd.args(["-e", &format!("{k}={v}")]);
        }
        cmd.args(["bash", "--norc", "--noprofile"]);
        let out = cmd.output().expect("start tmux");
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.run(&["set-option", "-t", name, "status", "off"]);
        t
    }

    /// Run a tmux command on this session's server (`show-buffer`, `set-option -g …`).
    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new(tmux_path())
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Type text literally (no key names).
    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", &self.session, "-l", text]);
    }

    /// Send tmux key names: "Enter", "Escape", "C-c", "Tab".
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        self.run(&args);
        if keys.last() == Some(&"Escape") {
            // An escape read together with the next key is one alt-chord (`esc` then `q` would
            // arrive as alt-q): give the console a moment to read the escape on its own. Not a
            // guarantee on a starved machine; tests that must be exact wait for the screen.
            std::thread::sleep(std::time::Duration::from_millis(150));
        }
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", &self.session])
    }

    /// Is the pane in the alternate screen?
    pub fn alternate_on(&self) -> bool {
        self.run(&[
            "display-message",
            "-p",
            "-t",
            &self.session,
            "#{alternate_on}",
        ])
        .trim()
            == "1"
    }

    /// A pane format variable, e.g. `cursor_flag`, `mouse_any_flag`, `alternate_on` ("0"/"1").
    pub fn pane_var(&self, name: &str) -> String {
        self.run(&[
            "display-message",
            "-p",
            "-t",
            &self.session,
            &format!("#{{{name}}}"),
        ])
        .trim()
        .to_string()
    }

    /// Wait until the screen contains `text`, or panic with the screen after `timeout`.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out after {timeout:?} waiting for {text:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait until `pred` holds for the screen.
    pub fn wait_until(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out after {timeout:?} waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The environment of a console run in tmux: its own HOME, config and state directories,
/// a known terminal, and the server to talk to.
pub fn console_env(home: &std::path::Path, addr: &str, token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", home.display().to_string()),
        ("TERM", "xterm-256color".into()),
        ("LANG", "C.UTF-8".into()),
        (
            "STRONGROOM_CONFIG_DIR",
            home.join("config").display().to_string(),
        ),
        (
            "STRONGROOM_STATE_DIR",
            home.join("state").display().to_string(),
        ),
        ("BAO_ADDR", addr.to_string()),
        ("BAO_TOKEN", token.to_string()),
        ("PS1", "$ ".into()),
    ]
}
