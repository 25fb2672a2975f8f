//! Runbook token steps. `token.revoke_accessor {accessors}`: each accessor looked up (16 at a
//! time) for its display name; unknown ones (expired, revoked, mistyped) are named in the
//! details and left out. `token.revoke_matching {audit_accessors | filter}`: the HMAC'd
//! accessors an audit search found, matched against every live token's accessor through
//! `sys/audit-hash/<device>` (the first file device), or the tokens screen's filter. Both end
//! in one batch of revoke-accessor writes (typed "revoke N tokens"). The console's own token is
//! never revoked silently: named by accessor it is flagged `own` (its own typed phrase when
//! alone); matched by `revoke_matching` it is left out and named in the details.

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::client::VaultClient;
use super::error::VaultError;
use super::inventory::{DEFAULT_CONCURRENCY, InventoryEvent};
use super::models::tokens::TokenInfo;
use super::models::wrapping::SecretText;
use super::runbook_audit::{hash_device, hmac_prefix};
use super::runbook_ops::{bad, client, count, failed, optional, plan, shell_word};
use super::token_filter::TokenFilter;
use super::worker::Worker;
use crate::runbook::model::Op;
use crate::runbook::{ActionPlan, PlannedAction, PrepareSpec};
use crate::sanitize::sanitize;
use crate::write_gate::token::TokenMutation;
use crate::write_gate::{Mutation, Write};

/// The most tokens one step looks at (accessors given, or live tokens matched).
pub const MAX_TOKENS: usize = 10_000;
/// Look-ups and hashes in flight at once.
const CONCURRENCY: usize = 16;
/// Detail and CLI lines listed before "and N more".
const LISTED: usize = 50;

/// One token in words: "ci-deployer · policies default, deploy · accessor AbC…".
pub fn token_line(t: &TokenInfo, own: bool) -> String {
    let name = if t.display_name.is_empty() {
        "(no name)".to_string()
    } else {
        sanitize(&t.display_name).into_owned()
    };
    let policies = if t.policies.is_empty() {
        "none".to_string()
    } else {
        sanitize(&t.policies.join(", ")).into_owned()
    };
    format!(
        "{name} · policies {policies} · accessor {}{}",
        sanitize(&t.accessor),
        if own {
            " · THE CONSOLE'S OWN TOKEN: the console stops working after this"
        } else {
            ""
        }
    )
}

/// The revoke batch for `tokens` (details and CLI appended), or `Nothing` when empty.
pub fn revoke_plan(
    addr: &str,
    tokens: &[TokenInfo],
    own: Option<&str>,
    summary: String,
    mut details: Vec<String>,
) -> ActionPlan {
    if tokens.is_empty() {
        let note = "no token to revoke".to_string();
        details.push(note.clone());
        return plan(summary, details, Vec::new(), PlannedAction::Nothing(note));
    }
    let is_own = |t: &TokenInfo| own.is_some_and(|o| o == t.accessor);
    let bulk = tokens.len() > 1;
    let mut cli = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if i < LISTED {
            details.push(format!("revoke {}", token_line(t, is_own(t))));
            cli.push(format!(
                "bao token revoke -accessor {}",
                shell_word(&t.accessor)
            ));
        }
    }
    if tokens.len() > LISTED {
        details.push(format!("and {} more", tokens.len() - LISTED));
        cli.push(format!("# and {} more", tokens.len() - LISTED));
    }
    if tokens.iter().any(is_own) {
        details.push(
            "the console's own token is among them: the console stops working until you log in \
             again"
                .into(),
        );
    }
    details
        .push("by accessor OpenBao revokes each token's whole tree (its child tokens too)".into());
    let ms: Vec<Mutation> = tokens
        .iter()
        .map(|t| {
            Mutation::Token(TokenMutation::RevokeAccessor {
                addr: addr.to_string(),
                accessor: t.accessor.clone(),
                name: t.display_name.clone(),
                own: is_own(t),
                bulk,
            })
        })
        .collect();
    let write = match <[Mutation; 1]>::try_from(ms) {
        Ok([one]) => Write::One(one),
        Err(ms) => Write::Batch(ms),
    };
    plan(summary, details, cli, PlannedAction::Write(write))
}

/// Look each accessor up, 16 at a time: the live tokens (in the order given) and the unknown.
async fn look_up(
    op: Op,
    c: &VaultClient,
    accessors: Vec<String>,
    cancel: Option<&CancellationToken>,
) -> Result<(Vec<TokenInfo>, Vec<String>), VaultError> {
    let mut found = futures::stream::iter(accessors)
        .map(|a| {
            let c = c.clone();
            async move {
                let r = c.token_lookup_accessor(&a).await;
                (a, r)
            }
        })
        .buffered(CONCURRENCY);
    let (mut live, mut gone) = (Vec::new(), Vec::new());
    loop {
        let next = match cancel {
            Some(cancel) => tokio::select! {
                () = cancel.cancelled() => return Err(bad(op, "cancelled")),
                n = found.next() => n,
            },
            None => found.next().await,
        };
        let Some((a, r)) = next else { break };
        match r {
            Ok(Some(t)) => live.push(t),
            Ok(None) => gone.push(a),
            Err(e) => return Err(failed(op, "looking up a token by accessor", e)),
        }
    }
    Ok((live, gone))
}

/// A matched set never takes the console's own token along: the run needs it for its next
/// steps. It is left out and named in the details (revoke it by accessor, or log out, last).
pub fn keep_own_out(tokens: &mut Vec<TokenInfo>, own: Option<&str>, details: &mut Vec<String>) {
    let Some(own) = own else { return };
    let before = tokens.len();
    tokens.retain(|t| t.accessor != own);
    if tokens.len() < before {
        details.push(
            "the console's own token matched too: left out so the run can go on; revoke it \
             yourself once the run is over (token.revoke_accessor, or the tokens screen)"
                .into(),
        );
    }
}

async fn own_accessor(c: &VaultClient) -> Option<String> {
    c.token_lookup_self().await.ok().map(|t| t.accessor)
}

/// `token.revoke_accessor`.
pub async fn revoke_accessors(
    worker: &Worker,
    spec: &PrepareSpec,
) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let mut accessors: Vec<String> = Vec::new();
    for a in spec.op.items("accessors") {
        if !accessors.contains(&a) {
            accessors.push(a);
        }
    }
    if accessors.is_empty() {
        return Err(bad(op, "the argument \"accessors\" is missing or empty"));
    }
    if accessors.len() > MAX_TOKENS {
        return Err(bad(
            op,
            format!(
                "{} accessors given: at most {MAX_TOKENS} per step",
                accessors.len()
            ),
        ));
    }
    let c = client(worker, spec)?;
    let own = own_accessor(&c).await;
    let asked = accessors.len();
    let (live, gone) = look_up(op, &c, accessors, None).await?;
    let mut details = vec![format!(
        "{} given: {} live, {} unknown",
        count(asked, "accessor"),
        live.len(),
        gone.len()
    )];
    for a in gone.iter().take(LISTED) {
        details.push(format!(
            "unknown accessor {} (expired, revoked or mistyped): left out",
            sanitize(a)
        ));
    }
    Ok(revoke_plan(
        &spec.addr,
        &live,
        own.as_deref(),
        format!("revoke {}", count(live.len(), "token")),
        details,
    ))
}

/// `token.revoke_matching`.
pub async fn revoke_matching(
    worker: &Worker,
    spec: &PrepareSpec,
    cancel: &CancellationToken,
) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let has_hmacs = spec.op.args.contains_key("audit_accessors");
    let filter = optional(spec, "filter");
    match (has_hmacs, filter) {
        (true, Some(_)) => Err(bad(
            op,
            "give exactly one of \"audit_accessors\" and \"filter\", not both",
        )),
        (false, None) => Err(bad(
            op,
            "give one of \"audit_accessors\" (from an audit.search) or \"filter\"",
        )),
        (true, None) => by_hmacs(worker, spec, cancel).await,
        (false, Some(f)) => by_filter(worker, spec, &f, cancel).await,
    }
}

async fn by_hmacs(
    worker: &Worker,
    spec: &PrepareSpec,
    cancel: &CancellationToken,
) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let wanted: BTreeSet<String> = spec
        .op
        .items("audit_accessors")
        .into_iter()
        .filter(|h| !h.is_empty())
        .collect();
    let summary_of = |n: usize| format!("revoke {} found in the audit log", count(n, "token"));
    if wanted.is_empty() {
        return Ok(revoke_plan(
            &spec.addr,
            &[],
            None,
            summary_of(0),
            vec!["no HMAC'd accessor to match: the audit search found no token".into()],
        ));
    }
    let c = client(worker, spec)?;
    let device = hash_device(op, &c).await?;
    let mut accessors = c
        .token_accessors()
        .await
        .map_err(|e| failed(op, "listing the token accessors", e))?;
    let mut details = vec![format!(
        "{} to match against {} live token(s), hashed with the audit device {}",
        count(wanted.len(), "HMAC'd accessor"),
        accessors.len(),
        sanitize(&device)
    )];
    if accessors.len() > MAX_TOKENS {
        details.push(format!(
            "only the first {MAX_TOKENS} of {} tokens were checked",
            accessors.len()
        ));
        accessors.truncate(MAX_TOKENS);
    }
    let mut hashed = futures::stream::iter(accessors)
        .map(|a| {
            let (c, device) = (c.clone(), device.clone());
            async move {
                let h = c.audit_hash(&device, &SecretText::from(a.as_str())).await;
                (a, h)
            }
        })
        .buffer_unordered(CONCURRENCY);
    let mut matched: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let next = tokio::select! {
            () = cancel.cancelled() => return Err(bad(op, "cancelled")),
            n = hashed.next() => n,
        };
        let Some((a, h)) = next else { break };
        let h = h.map_err(|e| failed(op, &format!("sys/audit-hash/{}", sanitize(&device)), e))?;
        if wanted.contains(&h) {
            matched.insert(h, a);
        }
    }
    let stale: Vec<&String> = wanted
        .iter()
        .filter(|h| !matched.contains_key(*h))
        .collect();
    if !stale.is_empty() {
        details.push(format!(
            "{} matched no live token (expired or revoked already)",
            count(stale.len(), "HMAC'd accessor")
        ));
        for h in stale.iter().take(LISTED) {
            details.push(format!("no live token: {}", hmac_prefix(h)));
        }
    }
    let own = own_accessor(&c).await;
    let (mut live, _gone) = look_up(op, &c, matched.into_values().collect(), Some(cancel)).await?;
    keep_own_out(&mut live, own.as_deref(), &mut details);
    live.sort_by(|a, b| {
        a.display_name
            .cmp(&b.display_name)
            .then(a.accessor.cmp(&b.accessor))
    });
    Ok(revoke_plan(
        &spec.addr,
        &live,
        own.as_deref(),
        summary_of(live.len()),
        details,
    ))
}

async fn by_filter(
    worker: &Worker,
    spec: &PrepareSpec,
    text: &str,
    cancel: &CancellationToken,
) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let filter = TokenFilter::parse(text).map_err(|e| bad(op, format!("filter: {e}")))?;
    if filter.is_empty() {
        return Err(bad(op, "the filter is empty: it would match every token"));
    }
    let c = client(worker, spec)?;
    let own = own_accessor(&c).await;
    let mut tokens: Vec<TokenInfo> = Vec::new();
    let mut sink = |e: InventoryEvent<TokenInfo>| {
        if let InventoryEvent::Items(items) = e {
            tokens.extend(items);
        }
    };
    let summary = super::tokens::token_inventory(&c, DEFAULT_CONCURRENCY, cancel, &mut sink)
        .await
        .map_err(|e| failed(op, "listing the tokens", e))?;
    if summary.cancelled {
        return Err(bad(op, "cancelled"));
    }
    if let Some(e) = summary.first_error
        && summary.progress.loaded == 0
    {
        return Err(failed(op, "looking up the tokens", e));
    }
    let now = chrono::Utc::now();
    let mut matched: Vec<TokenInfo> = tokens
        .into_iter()
        .filter(|t| filter.matches(t, now))
        .collect();
    matched.sort_by(|a, b| {
        a.display_name
            .cmp(&b.display_name)
            .then(a.accessor.cmp(&b.accessor))
    });
    matched.truncate(MAX_TOKENS);
    let mut notes = Vec::new();
    keep_own_out(&mut matched, own.as_deref(), &mut notes);
    let mut details = vec![format!(
        "filter {}: {} of {} live token(s) match",
        sanitize(text),
        matched.len() + notes.len(),
        summary.progress.loaded
    )];
    details.extend(notes);
    Ok(revoke_plan(
        &spec.addr,
        &matched,
        own.as_deref(),
        format!(
            "revoke {} matching {}",
            count(matched.len(), "token"),
            sanitize(text)
        ),
        details,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write_gate::Risk;

    fn token(acc: &str, name: &str) -> TokenInfo {
        serde_json::from_value(serde_json::json!({
            "accessor": acc, "display_name": name, "policies": ["default"]
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn one_token_is_confirmed_several_are_typed_with_the_count() {
        let addr = "http://127.0.0.1:8200";
        let one = revoke_plan(addr, &[token("a1", "ci")], None, "s".into(), vec![]);
        let PlannedAction::Write(w) = &one.action else {
            panic!("a write");
        };
        assert_eq!(w.spec().risk, Risk::Confirm);
        assert_eq!(one.cli, ["bao token revoke -accessor a1"]);
        let two = revoke_plan(
            addr,
            &[token("a1", "ci"), token("me", "root")],
            Some("me"),
            "s".into(),
            vec![],
        );
        let PlannedAction::Write(w) = &two.action else {
            panic!("a write");
        };
        assert_eq!(w.spec().risk, Risk::Typed("revoke 2 tokens".into()));
        let own: Vec<bool> = w
            .mutations()
            .iter()
            .map(|m| {
                matches!(
                    m,
                    Mutation::Token(TokenMutation::RevokeAccessor { own: true, .. })
                )
            })
            .collect();
        assert_eq!(own, [false, true]);
        assert!(two.details.iter().any(|d| d.contains("OWN TOKEN")));
        let none = revoke_plan(addr, &[], None, "s".into(), vec![]);
        assert!(matches!(none.action, PlannedAction::Nothing(_)));
    }

    #[test]
    fn a_matched_set_leaves_the_own_token_out_and_says_so() {
        let mut ts = vec![token("a1", "ci"), token("me", "root")];
        let mut notes = Vec::new();
        keep_own_out(&mut ts, Some("me"), &mut notes);
        assert_eq!(ts.len(), 1);
        assert_eq!(notes.len(), 1);
        keep_own_out(&mut ts, Some("me"), &mut notes);
        assert_eq!(notes.len(), 1, "nothing said when it was not there");
    }

    #[test]
    fn hostile_names_are_sanitised() {
        let p = revoke_plan(
            "http://127.0.0.1:8200",
            &[token("a1", "evil\u{1b}[2J"), token("a2;rm", "x")],
            None,
            "s".into(),
            vec![],
        );
        let all = format!("{:?} {:?}", p.details, p.cli);
        assert!(!all.contains('\u{1b}'), "{all}");
        assert!(p.cli.iter().any(|l| l.ends_with("'a2;rm'")), "{:?}", p.cli);
        assert_eq!(
            hmac_prefix("hmac-sha256:0123456789abcdef"),
            "hmac-sha256:0123456789…"
        );
    }
}
