//! Shared by the runbook end-to-end tests: the release binary in tmux (started through a wrapper
//! that writes its PID, so a test can SIGKILL it), the walk through the leaked-vault-token
//! runbook's steps, and the run's files in the state dir.
#![allow(dead_code, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::unistd::Pid;

use super::common::dev::DevServer;
use super::common::tmux::{Tmux, console_env};
use strongroom::runbook::journal::{self, Entry};

pub const WAIT: Duration = Duration::from_secs(30);

/// Starts the console with `exec`, so the PID written is the console's.
const WRAPPER: &str = r#"pidfile=$1; shift
rm -f "$pidfile"
sh -c 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@"
echo "__EXIT_$?__"
"#;

pub struct Console {
    pub t: Tmux,
    pub pid: Pid,
}

/// The console in a new tmux session `name`, on the server, with `args` (`--read-only`).
pub fn start(name: &str, home: &Path, server: &DevServer, args: &str) -> Console {
    std::fs::write(home.join("wrap.sh"), WRAPPER).expect("write the wrapper");
    let env = console_env(home, &server.addr, &server.root_token);
    let t = Tmux::start(name, 110, 32, &env, home);
    t.type_text(&format!(
        "sh wrap.sh console.pid {} {args}",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown", WAIT, |s| s.contains(host_port));
    let pid = read_pid(&home.join("console.pid"));
    Console { t, pid }
}

fn read_pid(path: &Path) -> Pid {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(pid) = std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok())
        {
            return Pid::from_raw(pid);
        }
        assert!(
            Instant::now() < deadline,
            "no PID file at {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Console {
    /// Kill the console at once (no chance to clean up), and wait for the shell to see it.
    pub fn kill9(&self) {
        nix::sys::signal::kill(self.pid, nix::sys::signal::Signal::SIGKILL).expect("SIGKILL");
        self.t.wait_for("__EXIT_137__", WAIT);
    }

    pub fn quit(&self) {
        self.t.keys(&["Escape"]);
        self.t.type_text(":q");
        self.t.keys(&["Enter"]);
        self.t.wait_for("__EXIT_0__", WAIT);
    }

    pub fn step(&self, n: usize) -> String {
        self.t.wait_for(&format!("Step {n} of 9"), WAIT)
    }

    /// `:runbook leaked-vault-token`, the start form (rehearsal switched on with tab when asked).
    pub fn start_run(&self, rehearsal: bool) {
        self.t.type_text(":runbook leaked-vault-token");
        self.t.keys(&["Enter"]);
        self.t.wait_for("Start: Leaked Vault token", WAIT);
        if rehearsal {
            self.t.keys(&["Tab"]);
            self.t.wait_for("[x]", WAIT);
        }
        self.t.keys(&["Enter"]);
        self.step(1);
    }

    /// Scope done, the accessor entered: at the exposure time.
    pub fn scope_and_accessor(&self, accessor: &str) {
        self.step(1);
        self.t.keys(&["Enter"]);
        // An input step takes typing at once (its prompt is open).
        self.step(2);
        self.t.wait_for("answer>", WAIT);
        self.t.type_text(accessor);
        self.t.keys(&["Enter"]);
        self.step(3);
    }

    /// The exposure time (its default, -24h): the revoke is planned.
    pub fn exposed_since(&self) {
        self.step(3);
        self.t.wait_for("enter keeps: -24h", WAIT);
        self.t.keys(&["Enter"]);
        self.step(4);
    }

    /// Wait for the revoke's plan.
    pub fn revoke_planned(&self, rehearsal: bool) -> String {
        let ready = if rehearsal {
            "will not be executed"
        } else {
            "enter executes it"
        };
        self.t.wait_for(ready, WAIT)
    }

    /// Enter on the planned revoke and confirm at the gate (`y`, or the phrase it asks).
    pub fn revoke(&self) {
        self.t.keys(&["Enter"]);
        let s = self.t.wait_until("the gate's dialog", WAIT, |s| {
            s.contains("Proceed? y / enter") || s.contains(" to confirm:")
        });
        match typed_phrase(&s) {
            Some(p) => {
                self.t.type_text(&p);
                self.t.keys(&["Enter"]);
            }
            None => self.t.keys(&["y"]),
        }
        self.step(5);
    }

    /// The rest: contained, the audit search, rotate, notify, post-mortem; the report.
    pub fn contain_and_finish(&self) {
        self.step(5);
        self.t.wait_for("phrase>", WAIT);
        self.t.type_text("contained");
        self.t.keys(&["Enter"]);
        // The audit search runs by itself (read-only) and settles.
        self.step(7);
        self.t.keys(&["Enter"]);
        self.step(8);
        self.t.keys(&["n"]);
        self.t.keys(&["Enter"]);
        self.step(9);
        self.t.keys(&["Enter"]);
        self.t.wait_for("Run finished", WAIT);
        self.t.keys(&["e"]);
        self.t.wait_for("-report.md", WAIT);
    }
}

/// The phrase a typed confirmation asks: `Type <phrase> to confirm:`.
fn typed_phrase(screen: &str) -> Option<String> {
    let line = screen.lines().find(|l| l.contains(" to confirm:"))?;
    let start = line.find("Type ")? + "Type ".len();
    let end = line.find(" to confirm:")?;
    Some(line.get(start..end)?.trim().to_string())
}

pub fn runs_dir(home: &Path) -> PathBuf {
    journal::runs_dir(&home.join("state"))
}

/// The one run journal in the state dir.
pub fn journal_path(home: &Path) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(runs_dir(home))
        .expect("the runs dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    assert_eq!(found.len(), 1, "one run journal: {found:?}");
    found.remove(0)
}

pub fn entries(home: &Path) -> Vec<Entry> {
    let r = journal::read(&journal_path(home)).expect("read the journal");
    assert_eq!(r.bad_lines, 0, "no torn line (fsynced entries)");
    r.entries
}

/// Every file under the state dir (log, journal, report), as text.
pub fn state_text(home: &Path) -> String {
    let mut out = String::new();
    let mut dirs = vec![home.join("state")];
    let mut n = 0;
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            n += 1;
            assert!(n < 10_000, "too many files under the state dir");
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out += &String::from_utf8_lossy(&std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}
