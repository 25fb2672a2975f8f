//! Markdown out of a run: the incident report (timeline, containment time, actions and results,
//! open items) for the post-mortem, and a notify step's prepared message (what leaked, when it
//! was detected, what was contained, what is open) to paste into the team's channel. Pure:
//! the caller writes or copies the text. Secret inputs never appear (the run does not give
//! them out); every string is sanitised.

use chrono::{DateTime, Utc};

use super::journal::Event;
use super::model::StepKind;
use super::runner::{Run, StepStatus};
use crate::sanitize::sanitize;

fn clean(s: &str) -> String {
    sanitize(s).replace('\n', " ")
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// "12 min 30 s".
pub fn duration_words(secs: i64) -> String {
    let secs = secs.max(0);
    match (secs / 3600, (secs % 3600) / 60, secs % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// The containment line: "contained after 12 min 30 s (target 15 min: met)".
pub fn containment_line(run: &Run, now: DateTime<Utc>) -> String {
    let clock = run.clock(now);
    let target = run.runbook.containment_minutes;
    match run.contained_at {
        Some(_) if run.read_only => format!(
            "rehearsal only: the containment steps were reached after {} (target {target} min); nothing was executed",
            duration_words(clock.elapsed_secs)
        ),
        Some(_) => {
            let met = if clock.elapsed_secs <= clock.target_secs {
                "met"
            } else {
                "missed"
            };
            format!(
                "contained after {} (target {target} min: {met})",
                duration_words(clock.elapsed_secs)
            )
        }
        None => format!(
            "NOT contained yet: {} since detection (target {target} min)",
            duration_words(clock.elapsed_secs)
        ),
    }
}

/// What the responder entered and the searches found (secrets excluded), as list items.
fn inputs(run: &Run) -> Vec<String> {
    run.plain_vars()
        .into_iter()
        .map(|(k, v)| format!("- {}: {}", clean(&k), clean(&v)))
        .collect()
}

/// Steps not settled: open items.
fn open_items(run: &Run) -> Vec<String> {
    let mut out = Vec::new();
    for (s, r) in run.runbook.steps.iter().zip(&run.steps) {
        let what = match &r.status {
            StepStatus::Done | StepStatus::Skipped(_) => continue,
            StepStatus::NotExecuted => "not executed (rehearsal)".to_string(),
            StepStatus::Failed(e) => format!("failed: {}", clean(e)),
            StepStatus::Uncertain => "uncertain: started before a restart, unchecked".to_string(),
            other => other.label().to_string(),
        };
        out.push(format!("- {} — {what}", clean(&s.title)));
    }
    out
}

/// The actions of done vault steps, with their results.
fn actions(run: &Run) -> Vec<String> {
    let mut out = Vec::new();
    for (s, r) in run.runbook.steps.iter().zip(&run.steps) {
        let StepKind::Vault { op, .. } = &s.kind else {
            continue;
        };
        let status = r.status.label();
        let result = r.result.as_deref().map(clean).unwrap_or_default();
        out.push(format!(
            "- **{}** (`{}`): {status}{}",
            clean(&s.title),
            op.name(),
            if result.is_empty() {
                String::new()
            } else {
                format!(" — {result}")
            }
        ));
        for d in &r.details {
            out.push(format!("  - {}", clean(d)));
        }
    }
    out
}

/// One timeline line per journal entry.
fn timeline(run: &Run) -> Vec<String> {
    let title = |id: &Option<String>| {
        id.as_deref()
            .and_then(|i| run.runbook.step(i))
            .map(|s| clean(&s.title))
            .unwrap_or_default()
    };
    run.journal
        .iter()
        .map(|e| {
            let step = title(&e.step);
            let what = match &e.event {
                Event::Started { read_only, .. } => {
                    if *read_only {
                        "run started (read-only rehearsal)".to_string()
                    } else {
                        "run started".to_string()
                    }
                }
                Event::Input { var, value } => format!(
                    "{step}: {} = {}",
                    clean(var),
                    value
                        .as_deref()
                        .map_or("(secret, not recorded)".into(), clean)
                ),
                Event::Done { note } => match note {
                    Some(n) => format!("{step}: done ({})", clean(n)),
                    None => format!("{step}: done"),
                },
                Event::Skipped { reason } => format!("{step}: skipped ({})", clean(reason)),
                Event::ActionStarted { summary, .. } => {
                    format!("{step}: started {}", clean(summary))
                }
                Event::ActionResult { ok, summary, .. } => format!(
                    "{step}: {} {}",
                    if *ok { "succeeded:" } else { "FAILED:" },
                    clean(summary)
                ),
                Event::NotExecuted { summary, .. } => {
                    format!("{step}: not executed (rehearsal): {}", clean(summary))
                }
                Event::Failed { error } => format!("{step}: failed: {}", clean(error)),
                Event::Reopened { reason } => format!("{step}: reopened ({})", clean(reason)),
                Event::Contained { minutes } => format!("contained after {minutes} min"),
                Event::Reported { path } => format!("report written to {}", clean(path)),
                Event::Finished { reason } => format!("run finished ({})", clean(reason)),
            };
            format!(
                "| {} | {} | {} |",
                clean(&e.at),
                clean(&e.operator),
                what.replace('|', "\\|")
            )
        })
        .collect()
}

/// The incident report.
pub fn incident_report(run: &Run, now: DateTime<Utc>) -> String {
    let mut md = Vec::new();
    md.push(format!("# Incident report: {}", clean(&run.runbook.title)));
    md.push(String::new());
    if run.read_only {
        md.push("> **Read-only rehearsal**: no action was executed on the server.".into());
        md.push(String::new());
    }
    md.push(format!("- Run: `{}`", clean(&run.run_id)));
    md.push(format!("- Context: {}", clean(&run.context)));
    md.push(format!("- Responder: {}", clean(&run.operator)));
    md.push(format!("- Detected: {}", time(run.detected_at)));
    md.push(format!("- Run started: {}", time(run.started_at)));
    md.push(format!("- Containment: {}", containment_line(run, now)));
    md.push(format!(
        "- Status: {}",
        run.finished
            .as_deref()
            .map_or("in progress".into(), |r| format!("finished ({})", clean(r)))
    ));
    md.push(String::new());
    md.push("## Inputs and findings".into());
    md.push(String::new());
    let ins = inputs(run);
    if ins.is_empty() {
        md.push("Nothing.".into());
    } else {
        md.extend(ins);
    }
    md.push(String::new());
    md.push("## Actions and results".into());
    md.push(String::new());
    let acts = actions(run);
    if acts.is_empty() {
        md.push("None.".into());
    } else {
        md.extend(acts);
    }
    md.push(String::new());
    md.push("## Open items".into());
    md.push(String::new());
    let open = open_items(run);
    if open.is_empty() {
        md.push("None.".into());
    } else {
        md.extend(open);
    }
    md.push(String::new());
    md.push("## Timeline".into());
    md.push(String::new());
    md.push("| Time (UTC) | Who | What |".into());
    md.push("|---|---|---|".into());
    md.extend(timeline(run));
    md.push(String::new());
    md.join("\n")
}

/// The prepared message of the notify step `step` (an index into the runbook's steps).
pub fn notify_message(run: &Run, step: usize, now: DateTime<Utc>) -> String {
    let (audience, note) = match run.runbook.steps.get(step).map(|s| &s.kind) {
        Some(StepKind::Notify { audience, note }) => (audience.clone(), note.clone()),
        _ => (String::new(), None),
    };
    let mut md = Vec::new();
    md.push(format!(
        "**Security incident: {}**{}",
        clean(&run.runbook.title),
        if run.read_only { " (REHEARSAL)" } else { "" }
    ));
    if !audience.is_empty() {
        md.push(format!("For: {}", clean(&audience)));
    }
    md.push(String::new());
    md.push(format!("- Detected: {}", time(run.detected_at)));
    md.push(format!("- Containment: {}", containment_line(run, now)));
    let ins = inputs(run);
    if !ins.is_empty() {
        md.push("- What leaked:".into());
        md.extend(ins.into_iter().map(|l| format!("  {l}")));
    }
    let done: Vec<String> = run
        .runbook
        .steps
        .iter()
        .zip(&run.steps)
        .filter(|(s, r)| matches!(s.kind, StepKind::Vault { .. }) && r.status == StepStatus::Done)
        .map(|(s, r)| {
            format!(
                "  - {}{}",
                clean(&s.title),
                r.result
                    .as_deref()
                    .map(|x| format!(": {}", clean(x)))
                    .unwrap_or_default()
            )
        })
        .collect();
    md.push("- Contained so far:".into());
    if done.is_empty() {
        md.push("  - nothing yet".into());
    } else {
        md.extend(done);
    }
    let open = open_items(run);
    md.push("- Still open:".into());
    if open.is_empty() {
        md.push("  - nothing".into());
    } else {
        md.extend(open.into_iter().map(|l| format!("  {l}")));
    }
    if let Some(n) = note {
        md.push(String::new());
        md.push(clean(&run.expand(&n)));
    }
    md.push(String::new());
    md.push(format!(
        "Responder: {} · run `{}`",
        clean(&run.operator),
        clean(&run.run_id)
    ));
    md.join("\n")
}
