//! The leases screen without a server: update flows (`:leases` → the inventory job; batches,
//! progress, cancel with esc, refresh, the tree and drill-down, `/` filter, the renew prompt,
//! revoke / revoke-prefix / force / tidy through the gate, read-only mode refusing each, the
//! refresh of the touched prefix after a write, redraws while a countdown shows). The render
//! snapshots are in `render_leases.rs`.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

mod leases_fixture;

use leases_fixture::{app, app_ro, fixture, now};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use strongroom::app::{App, Mode};
use strongroom::command::{Command, Origin, ScreenKind, Ticket};
use strongroom::event::Msg;
use strongroom::jobs::leases::LeaseBatch;
use strongroom::jobs::{JobEvent, JobProgress, JobReport, JobSpec};
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::leases::{Focus, LeasesScreen, Phase};
use strongroom::vault::inventory::InventoryProgress;
use strongroom::vault::models::leases::LeaseInfo;
use strongroom::write_gate::lease::LeaseMutation;
use strongroom::write_gate::{Confirmation, Mutation, Write};

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

fn leases(app: &App) -> &LeasesScreen {
    match app.screen() {
        Screen::Leases(s) => s,
        other => panic!("not on the leases screen: {}", other.title()),
    }
}

fn batch(leases: Vec<LeaseInfo>, loaded: u64, found: u64) -> JobEvent {
    JobEvent::Report(Box::new(JobReport::Leases(LeaseBatch {
        leases,
        progress: InventoryProgress {
            listed: 3,
            found,
            loaded,
            gone: 0,
            failed: 0,
        },
        first_error: None,
    })))
}

fn started(cmds: &[Command]) -> (Ticket, String) {
    let found = cmds.iter().find_map(|c| match c {
        Command::StartJob {
            ticket,
            spec: JobSpec::LeaseInventory { prefix, .. },
        } => Some((ticket.clone(), prefix.clone())),
        _ => None,
    });
    found.unwrap_or_else(|| panic!("no inventory job in {cmds:?}"))
}

/// `:leases` with the fixture loaded and done.
fn loaded() -> (App, Ticket) {
    let mut app = app();
    let (job, _) = started(&app.run_command("leases"));
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(fixture(), 6, 6),
    });
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Done(JobProgress::default()),
    });
    (app, job)
}

/// Select the tree row of `prefix`, then open its leases.
fn drill(app: &mut App, prefix: &str) {
    app.update(key(KeyCode::Home));
    for _ in 0..20 {
        if leases(app).selected_prefix() == prefix {
            break;
        }
        app.update(key(KeyCode::Down));
    }
    assert_eq!(leases(app).selected_prefix(), prefix);
    app.update(key(KeyCode::Enter));
    assert_eq!(leases(app).focus, Focus::Leases);
}

#[test]
fn the_inventory_arrives_in_batches_and_esc_cancels_it() {
    let mut app = app();
    let cmds = app.run_command("leases auth");
    let (job, prefix) = started(&cmds);
    assert_eq!(prefix, "auth/");
    assert_eq!(job.key.origin, Origin::Screen(ScreenKind::Leases));
    assert!(leases(&app).loading());
    let auth: Vec<LeaseInfo> = fixture()
        .into_iter()
        .filter(|l| l.id.starts_with("auth/"))
        .collect();
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(auth[..2].to_vec(), 2, 4),
    });
    let s = leases(&app);
    assert_eq!(s.tree.len(), 2);
    assert_eq!(s.progress.found, 4);
    assert_eq!(
        s.tree.stats("auth/approle/login/").map(|p| p.count),
        Some(2)
    );
    // The soonest expiry of a prefix is its earliest lease.
    assert_eq!(
        s.tree.stats("auth/").and_then(|p| p.soonest),
        Some(now() + chrono::Duration::seconds(3540))
    );
    // The root's leases show as they arrive.
    assert_eq!(s.shown_len(), 2);
    // esc stops the job; what arrived stays; late events change nothing.
    let cmds = app.update(key(KeyCode::Esc));
    assert_eq!(cmds, vec![Command::CancelJob { id: job.seq }]);
    assert_eq!(leases(&app).phase, Phase::Cancelled);
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(auth[2..].to_vec(), 4, 4),
    });
    assert_eq!(leases(&app).tree.len(), 2);
    // ctrl-r loads again: a new job, the whole tree is replaced when it is done.
    let (job2, prefix) = started(&app.update(ctrl('r')));
    assert_eq!(prefix, "auth/");
    app.update(Msg::Job {
        ticket: job2.clone(),
        event: batch(auth.clone(), 4, 4),
    });
    app.update(Msg::Job {
        ticket: job2,
        event: JobEvent::Done(JobProgress::default()),
    });
    assert_eq!(leases(&app).phase, Phase::Ready);
    assert_eq!(leases(&app).tree.len(), 4);
    assert_eq!(leases(&app).loaded_at, Some(now()));
    // esc on a loaded tree goes back.
    app.update(key(KeyCode::Esc));
    assert!(matches!(app.screen(), Screen::Health(_)));
}

#[test]
fn tree_drill_down_filter_and_the_countdown_redraws() {
    let (mut app, _) = loaded();
    // Every prefix below the root, each with its count.
    let (rows, _) = leases(&app).tree_rows();
    let names: Vec<String> = rows.iter().map(|r| r.prefix.to_string()).collect();
    assert_eq!(names[0], "");
    assert!(
        names.contains(&"database/creds/readonly/".to_string()),
        "{names:?}"
    );
    drop(rows);
    // space folds a prefix.
    app.update(key(KeyCode::Down));
    assert_eq!(leases(&app).selected_prefix(), "auth/");
    app.update(key(KeyCode::Char(' ')));
    let (rows, _) = leases(&app).tree_rows();
    assert!(!rows.iter().any(|r| r.prefix == "auth/approle/"));
    drop(rows);
    app.update(key(KeyCode::Char(' ')));
    drill(&mut app, "database/creds/readonly/");
    assert_eq!(leases(&app).shown_len(), 2);
    // `/` filters the leases by id.
    app.update(key(KeyCode::Char('/')));
    typed(&mut app, "7hq");
    app.update(key(KeyCode::Enter));
    assert_eq!(leases(&app).shown_len(), 1);
    assert!(
        leases(&app)
            .selected()
            .is_some_and(|l| l.id.ends_with("7Hq2LmNoPqRsTuVwXyZaBcDe"))
    );
    // The TTL column counts down: each tick redraws.
    app.dirty = false;
    app.update(Msg::Tick(now() + chrono::Duration::seconds(1)));
    assert!(app.dirty);
    // esc in the lease list: back to the tree (the filter stays), then clears the filter.
    app.update(key(KeyCode::Esc));
    assert_eq!(leases(&app).focus, Focus::Tree);
}

#[test]
fn renew_prompts_for_the_increment_and_shows_a_capped_ttl() {
    let (mut app, _) = loaded();
    drill(&mut app, "database/creds/readonly/");
    app.update(key(KeyCode::Char('r')));
    let prompt = leases(&app).prompt.clone().expect("the renew prompt");
    assert_eq!(prompt.input.text, "1h");
    // A bad increment says so and stays.
    app.update(ctrl('u'));
    typed(&mut app, "soon");
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    assert!(
        leases(&app)
            .prompt
            .as_ref()
            .is_some_and(|p| p.error.is_some())
    );
    app.update(ctrl('u'));
    typed(&mut app, "30m");
    let cmds = app.update(key(KeyCode::Enter));
    let [Command::Write { ticket, write }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let Write::One(Mutation::Lease(LeaseMutation::Renew {
        lease_id,
        increment,
        ..
    })) = write
    else {
        panic!("{write:?}")
    };
    assert!(lease_id.starts_with("database/creds/readonly/"));
    assert_eq!(*increment, Some(1800));
    assert!(leases(&app).prompt.is_none());
    // The outcome: the new TTL, the server's cap warning, and the prefix taken again.
    let cmds = app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Write(WriteOutcome {
            summary: "renew".into(),
            items: vec![ItemResult {
                item: lease_id.clone(),
                result: Ok(WriteResult::Renewed {
                    lease_duration: 1200,
                    warnings: vec![
                        "TTL of \"30m\" exceeded the effective max_ttl of \"20m\"; TTL value is capped accordingly".into(),
                    ],
                }),
            }],
        }),
    });
    assert!(
        app.toasts.iter().any(|t| t.text.contains("TTL now 20m")),
        "{:?}",
        app.toasts
    );
    assert!(
        app.toasts.iter().any(|t| t.text.starts_with("capped: ")),
        "{:?}",
        app.toasts
    );
    let (_, prefix) = started(&cmds);
    assert_eq!(prefix, "database/creds/readonly/");
    // Only that prefix was dropped for its new inventory.
    assert_eq!(leases(&app).tree.len(), 4);
    // A lease that does not renew, and a token's lease (the server renews no token there):
    // a toast, no prompt.
    let (mut app, _) = loaded();
    drill(&mut app, "auth/token/create/");
    app.update(key(KeyCode::Char('r')));
    assert!(leases(&app).prompt.is_none());
    let (mut app, _) = loaded();
    drill(&mut app, "auth/approle/login/");
    app.update(key(KeyCode::Char('r')));
    assert!(leases(&app).prompt.is_none());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("is a token's lease")),
        "{:?}",
        app.toasts
    );
}

#[test]
fn revocations_go_through_the_gate_with_the_count_in_the_phrase() {
    let (mut app, _) = loaded();
    drill(&mut app, "database/creds/readonly/");
    // `d`: revoke one, confirmed with y; sync on by default.
    assert!(app.update(key(KeyCode::Char('d'))).is_empty());
    assert_eq!(app.mode, Mode::Confirm);
    let pending = app.gate.pending().expect("pending");
    assert_eq!(pending.confirmation, Confirmation::YesNo);
    assert!(matches!(
        &pending.write,
        Write::One(Mutation::Lease(LeaseMutation::Revoke { sync: true, .. }))
    ));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    // `s` turns sync off; `D` on the tree: the typed phrase names the count.
    app.update(key(KeyCode::Char('s')));
    assert!(!leases(&app).sync);
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('D')));
    let pending = app.gate.pending().expect("pending");
    assert_eq!(
        pending.confirmation,
        Confirmation::Typed {
            phrase: "revoke 2 leases at database/creds/readonly/".into()
        }
    );
    assert!(pending.spec.description.contains("202"));
    typed(&mut app, "revoke 2 leases at database/creds/readonly/");
    let cmds = app.update(key(KeyCode::Enter));
    let [Command::Write { ticket, write }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(matches!(
        write,
        Write::One(Mutation::Lease(LeaseMutation::RevokePrefix {
            count: 2,
            sync: false,
            ..
        }))
    ));
    let cmds = app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Write(WriteOutcome {
            summary: "revoke".into(),
            items: vec![ItemResult {
                item: "database/creds/readonly/".into(),
                result: Ok(WriteResult::Done),
            }],
        }),
    });
    let (_, prefix) = started(&cmds);
    assert_eq!(prefix, "database/creds/readonly/");
    assert_eq!(leases(&app).tree.stats("database/"), None);
    // Once taken again, the selection moves up to what is left.
    let (job, _) = started(&cmds);
    app.update(Msg::Job {
        ticket: job,
        event: JobEvent::Done(JobProgress::default()),
    });
    assert_eq!(leases(&app).selected_prefix(), "");
    // `F`: the forced form warns that credentials may stay valid.
    let (mut app, _) = loaded();
    drill(&mut app, "auth/approle/login/");
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('F')));
    let pending = app.gate.pending().expect("pending");
    assert_eq!(
        pending.confirmation,
        Confirmation::Typed {
            phrase: "force-revoke 2 leases at auth/approle/login/".into()
        }
    );
    assert!(
        pending
            .spec
            .description
            .contains("may stay valid at their source")
    );
    app.update(key(KeyCode::Esc));
    // `t`: tidy, confirmed with y.
    app.update(key(KeyCode::Char('t')));
    assert_eq!(
        app.gate.pending().map(|p| p.confirmation.clone()),
        Some(Confirmation::YesNo)
    );
}

#[test]
fn a_prefix_revoke_waits_for_a_final_count() {
    let mut app = app();
    let (job, _) = started(&app.run_command("leases"));
    app.update(Msg::Job {
        ticket: job,
        event: batch(fixture(), 6, 600),
    });
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char('D')));
    assert!(app.gate.pending().is_none());
    assert!(
        app.toasts.iter().any(|t| t.text.contains("still loading")),
        "{:?}",
        app.toasts
    );
}

#[test]
fn read_only_mode_refuses_every_lease_write() {
    let mut app = app_ro(true);
    let (job, _) = started(&app.run_command("leases"));
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(fixture(), 6, 6),
    });
    app.update(Msg::Job {
        ticket: job,
        event: JobEvent::Done(JobProgress::default()),
    });
    drill(&mut app, "database/creds/readonly/");
    let mut refused = Vec::new();
    // renew (after its prompt), revoke, then on the tree: revoke-prefix, force, tidy.
    app.update(key(KeyCode::Char('r')));
    refused.push(app.update(key(KeyCode::Enter)));
    refused.push(app.update(key(KeyCode::Char('d'))));
    app.update(key(KeyCode::Esc));
    for k in ['D', 'F', 't'] {
        refused.push(app.update(key(KeyCode::Char(k))));
    }
    for cmds in &refused {
        assert!(cmds.is_empty(), "{cmds:?}");
    }
    assert!(app.gate.pending().is_none());
    assert_eq!(app.mode, Mode::Normal);
    for name in [
        "renewing a lease",
        "revoking a lease",
        "revoking a lease prefix",
        "force-revoking a lease prefix",
        "tidying leases",
    ] {
        let msg = format!("read-only mode: {name} is not allowed");
        assert!(
            app.toasts.iter().any(|t| t.text == msg),
            "{msg}: {:?}",
            app.toasts
        );
    }
    assert!(leases(&app).pending_write.is_none());
}

#[test]
fn a_prefix_lists_its_leases_soonest_first_and_those_without_expiry_last() {
    let ls = vec![
        leases_fixture::lease("database/creds/ro/c", Some(7200), true),
        leases_fixture::lease("database/creds/ro/a", None, false),
        leases_fixture::lease("database/creds/ro/b", Some(60), true),
        leases_fixture::lease("database/creds/ro/d", Some(600), true),
    ];
    let s = LeasesScreen::with_leases("database/", ls, now());
    let order: Vec<&str> = (0..s.shown_len())
        .filter_map(|i| s.shown(i))
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "database/creds/ro/b",
            "database/creds/ro/d",
            "database/creds/ro/c",
            "database/creds/ro/a"
        ]
    );
}
