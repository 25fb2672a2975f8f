//! The log screen against a real `bao server -dev` through the app and a real worker: `:logs`
//! streams the node's log, a line the test provokes (a KV mount at a random path) shows on the
//! screen parsed and coloured, and `esc` closes the screen, cancels the job and closes the
//! stream's connection (checked in `/proc/self/net/tcp`, bounded wait).
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
mod leases_support;

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::dev::{DevServer, http_request};
use leases_support::{app_for, pump, worker_for};
use strongroom::action::Action;
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobReport};
use strongroom::ui::screens::Screen;

/// Our process's established TCP connections to `port` (client side).
fn connections_to(port: u16) -> usize {
    let hex = format!(":{port:04X}");
    ["/proc/self/net/tcp", "/proc/self/net/tcp6"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|t| t.lines().skip(1).map(str::to_string).collect::<Vec<_>>())
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 3 && f[2].ends_with(&hex) && f[3] == "01"
        })
        .count()
}

fn has_line(m: &Msg, path: &str) -> bool {
    match m {
        Msg::Job {
            event: JobEvent::Report(r),
            ..
        } => match r.as_ref() {
            JobReport::Log(b) => b
                .lines
                .iter()
                .any(|l| l.message.contains(&format!("path={path}/"))),
            _ => false,
        },
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_shows_a_provoked_line_and_esc_closes_the_stream() {
    let dev = DevServer::start();
    let mut app = app_for(&dev.addr, &dev.root_token, false);
    app.size = (120, 30);
    let (handle, mut rx) = worker_for(&app);
    let cmds = app.run_command("logs");
    pump(&mut app, &handle, &mut rx, cmds, |_, m| {
        matches!(m, Msg::Job { event: JobEvent::Report(r), .. }
            if matches!(r.as_ref(), JobReport::Log(b)
                if matches!(b.status, Some(strongroom::vault::monitor::StreamStatus::Connected { .. }))))
    })
    .await;
    let path = format!("tmp{}x", std::process::id());
    let r = http_request(
        dev.port,
        "POST",
        &format!("/v1/sys/mounts/{path}"),
        Some(&dev.root_token),
        r#"{"type":"kv"}"#,
    );
    assert_eq!(r.map(|(c, _)| c), Some(204));
    let p = path.clone();
    pump(&mut app, &handle, &mut rx, vec![], move |_, m| {
        has_line(m, &p)
    })
    .await;

    let mut term = Terminal::new(TestBackend::new(120, 30)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol().to_string())
        .collect();
    assert!(screen.contains("● streaming since"), "{screen}");
    assert!(screen.contains("core: successful mount"), "{screen}");
    assert!(
        connections_to(dev.port) >= 1,
        "the stream's connection is open"
    );

    let cmds = app.on_action(Action::Back);
    assert!(matches!(app.screen(), Screen::Health(_)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, strongroom::command::Command::CancelJob { .. }))
    );
    for c in &cmds {
        handle.send(c);
    }
    // The connection closes (bounded wait; no timing asserted).
    let mut closed = false;
    for _ in 0..200 {
        if connections_to(dev.port) == 0 {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(closed, "the stream's connection stays open after esc");
}
