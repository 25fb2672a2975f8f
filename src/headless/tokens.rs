//! `strongroom tokens ls [FILTER…] [--format plain|json]` and `strongroom tokens revoke
//! [FILTER…] [--yes] [--include-self] [--format plain|json]`: the token inventory (the accessor
//! list and a lookup each, bounded concurrency) filtered with the screen's filter language
//! ([`crate::vault::token_filter`]).
//!
//! - `ls`, plain: one line per token (accessor, display name, policies, path, created, TTL,
//!   orphan; `*` marks strongroom's own token); json: one array of objects with `accessor`,
//!   `display_name`, `policies`, `path`, `creation_time` (RFC 3339), `expire_time`, `ttl` (seconds
//!   left now, `null`: never expires), `explicit_max_ttl`, `orphan`, `renewable`, `num_uses`,
//!   `entity_id`, `meta`, `type`, `own`. Exit 0 (none matched included), 1 on error.
//! - `revoke`: without `--yes` a dry run (prints what it would revoke, changes nothing, exit 0).
//!   With `--yes`, one batch through the worker's write path (16 in flight), each token by
//!   accessor (its whole tree). Output: `revoked|already gone|failed ACCESSOR NAME [reason]`
//!   (json: an array of `{accessor, display_name, result, error}`), a summary on stderr.
//!   The own token is left out unless `--include-self`. Exit 0 all revoked or already gone;
//!   1 error before any revoke (bad or empty filter, list failed, read-only mode); 2 some failed.
// Headless subcommand: its job is to print results to stdout and errors to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::cli::{TokensAction, TokensFormat};
use crate::config::ConnectionProfile;
use crate::reply::WriteResult;
use crate::sanitize::sanitize;
use crate::vault::VaultError;
use crate::vault::inventory::{DEFAULT_CONCURRENCY, InventoryEvent};
use crate::vault::models::tokens::TokenInfo;
use crate::vault::token_filter::TokenFilter;
use crate::vault::tokens::token_inventory;
use crate::vault::worker::Worker;
use crate::write_gate::token::TokenMutation;
use crate::write_gate::{Mutation, Write};

/// Run a `tokens` subcommand; the exit code.
pub async fn run(profile: &ConnectionProfile, read_only: bool, action: TokensAction) -> i32 {
    match action {
        TokensAction::Ls { filter, format } => match load(profile, &filter).await {
            Ok((_, tokens, own)) => {
                print_list(&tokens, own.as_deref(), format, Utc::now());
                0
            }
            Err(e) => {
                eprintln!("strongroom: tokens ls: {e}");
                1
            }
        },
        TokensAction::Revoke {
            filter,
            yes,
            include_self,
            format,
        } => {
            if filter.is_empty() {
                eprintln!(
                    "strongroom: tokens revoke: give a filter (e.g. policy=ci-deployer); an empty one would revoke every token"
                );
                return 1;
            }
            if yes && (read_only || profile.read_only) {
                eprintln!(
                    "strongroom: tokens revoke: read-only mode: revoking tokens is not allowed"
                );
                return 1;
            }
            match load(profile, &filter).await {
                Ok((worker, tokens, own)) => {
                    revoke(
                        &worker,
                        profile,
                        tokens,
                        own.as_deref(),
                        yes,
                        include_self,
                        format,
                    )
                    .await
                }
                Err(e) => {
                    eprintln!("strongroom: tokens revoke: {e}");
                    1
                }
            }
        }
    }
}

/// The worker, the tokens the filter matches (sorted by display name) and the own accessor.
async fn load(
    profile: &ConnectionProfile,
    filter: &[String],
) -> Result<(Worker, Vec<TokenInfo>, Option<String>), String> {
    let f = TokenFilter::parse_args(filter)?;
    let worker = Worker::new(profile).map_err(|e| e.to_string())?;
    let addr = profile
        .addrs
        .first()
        .ok_or_else(|| "no address configured (--addr or BAO_ADDR)".to_string())?;
    let client = worker.client(addr).map_err(|e| e.to_string())?;
    let own = client.token_lookup_self().await.ok().map(|t| t.accessor);
    let mut all = Vec::new();
    let mut sink = |e: InventoryEvent<TokenInfo>| {
        if let InventoryEvent::Items(items) = e {
            all.extend(items);
        }
    };
    let cancel = CancellationToken::new();
    let summary = token_inventory(&client, DEFAULT_CONCURRENCY, &cancel, &mut sink)
        .await
        .map_err(|e| sanitize(&e.to_string()).into_owned())?;
    if let Some(e) = &summary.first_error {
        eprintln!(
            "strongroom: note: {} lookups failed (first: {})",
            summary.progress.failed,
            sanitize(&e.to_string())
        );
    }
    let now = Utc::now();
    let mut tokens: Vec<TokenInfo> = all.into_iter().filter(|t| f.matches(t, now)).collect();
    tokens.sort_by(|a, b| (&a.display_name, &a.accessor).cmp(&(&b.display_name, &b.accessor)));
    Ok((worker, tokens, own))
}

fn ttl_secs(t: &TokenInfo, now: DateTime<Utc>) -> Option<i64> {
    t.ttl_at(now).map(|s| s.max(0))
}

/// One token as JSON (strings sanitised).
pub fn token_json(t: &TokenInfo, own: Option<&str>, now: DateTime<Utc>) -> Value {
    let s = |x: &str| sanitize(x).into_owned();
    json!({
        "accessor": s(&t.accessor),
        "display_name": s(&t.display_name),
        "policies": t.policies.iter().map(|p| s(p)).collect::<Vec<_>>(),
        "path": s(&t.path),
        "creation_time": t.created().map(|c| c.to_rfc3339()),
        "expire_time": t.expire_time.map(|e| e.to_rfc3339()),
        "ttl": ttl_secs(t, now),
        "explicit_max_ttl": t.explicit_max_ttl,
        "orphan": t.orphan,
        "renewable": t.renewable,
        "num_uses": t.num_uses,
        "entity_id": s(&t.entity_id),
        "meta": t.meta.iter().map(|(k, v)| (s(k), Value::String(s(v)))).collect::<serde_json::Map<_, _>>(),
        "type": s(&t.token_type),
        "own": own == Some(t.accessor.as_str()),
    })
}

/// One plain line.
pub fn token_line(t: &TokenInfo, own: Option<&str>, now: DateTime<Utc>) -> String {
    let ttl = crate::ui::screens::tokens::ttl_text(t.ttl_at(now));
    let created = t
        .created()
        .map_or_else(|| "-".into(), |c| c.format("%Y-%m-%dT%H:%MZ").to_string());
    format!(
        "{}{:<24}  {:<24}  {:<24}  {:<28}  {:<17}  {:>8}  {}",
        if own == Some(t.accessor.as_str()) {
            "*"
        } else {
            " "
        },
        sanitize(&t.accessor),
        sanitize(&t.display_name),
        sanitize(&t.policies.join(",")),
        sanitize(&t.path),
        created,
        ttl,
        if t.orphan { "orphan" } else { "-" },
    )
}

fn print_list(tokens: &[TokenInfo], own: Option<&str>, format: TokensFormat, now: DateTime<Utc>) {
    match format {
        TokensFormat::Json => {
            let v: Vec<Value> = tokens.iter().map(|t| token_json(t, own, now)).collect();
            println!("{}", Value::Array(v));
        }
        TokensFormat::Plain => {
            for t in tokens {
                println!("{}", token_line(t, own, now));
            }
            eprintln!("strongroom: {} tokens", tokens.len());
        }
    }
}

async fn revoke(
    worker: &Worker,
    profile: &ConnectionProfile,
    tokens: Vec<TokenInfo>,
    own: Option<&str>,
    yes: bool,
    include_self: bool,
    format: TokensFormat,
) -> i32 {
    let (chosen, left_out): (Vec<TokenInfo>, Vec<TokenInfo>) = tokens
        .into_iter()
        .partition(|t| include_self || own != Some(t.accessor.as_str()));
    if !left_out.is_empty() {
        eprintln!(
            "strongroom: strongroom's own token ({}) matches the filter: left out (--include-self revokes it too)",
            sanitize(&left_out[0].accessor)
        );
    }
    let now = Utc::now();
    if !yes {
        match format {
            TokensFormat::Json => print_list(&chosen, own, format, now),
            TokensFormat::Plain => {
                for t in &chosen {
                    println!("would revoke {}", token_line(t, own, now).trim_start());
                }
            }
        }
        eprintln!(
            "strongroom: dry run: {} tokens (and their child tokens) would be revoked; nothing changed (add --yes)",
            chosen.len()
        );
        return 0;
    }
    let Some(addr) = profile.addrs.first() else {
        return 1;
    };
    let batch = Write::Batch(
        chosen
            .iter()
            .map(|t| {
                Mutation::Token(TokenMutation::RevokeAccessor {
                    addr: addr.clone(),
                    accessor: t.accessor.clone(),
                    name: t.display_name.clone(),
                    own: own == Some(t.accessor.as_str()),
                    bulk: true,
                })
            })
            .collect(),
    );
    let outcome = worker.write(&batch, &mut |_| {}).await;
    let (mut revoked, mut gone, mut failed) = (0, 0, 0);
    let mut out = Vec::new();
    for (t, item) in chosen.iter().zip(&outcome.items) {
        let (result, error): (&str, Option<&VaultError>) = match &item.result {
            Ok(WriteResult::AlreadyGone) => {
                gone += 1;
                ("already gone", None)
            }
            Ok(_) => {
                revoked += 1;
                ("revoked", None)
            }
            Err(e) => {
                failed += 1;
                ("failed", Some(e))
            }
        };
        let error = error.map(|e| sanitize(&e.to_string()).into_owned());
        match format {
            TokensFormat::Json => out.push(json!({
                "accessor": sanitize(&t.accessor),
                "display_name": sanitize(&t.display_name),
                "result": result,
                "error": error,
            })),
            TokensFormat::Plain => println!(
                "{result} {} {}{}",
                sanitize(&t.accessor),
                sanitize(&t.display_name),
                error.map(|e| format!(": {e}")).unwrap_or_default()
            ),
        }
    }
    if format == TokensFormat::Json {
        println!("{}", Value::Array(out));
    }
    eprintln!("strongroom: {revoked} revoked · {gone} already gone · {failed} failed");
    if failed > 0 { 2 } else { 0 }
}
