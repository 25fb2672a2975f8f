//! Runbook steps on leases, the database and transit engines and the seal.
//! - `lease.revoke_prefix {prefix}`: the leases below the prefix counted (LIST walk, bounded),
//!   then one revoke-prefix write whose typed phrase names the count; none → nothing to do.
//! - `database.rotate_root {mount, connection}` / `database.rotate_role {mount, role}`: the
//!   connection or static role read first (its config: user names, never a password).
//! - `transit.rotate_key {mount, key}`: the key's newest version read first.
//! - `sys.seal {}`: every configured, unsealed node of the context, one typed confirmation.

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use reqwest::Method;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::error::VaultError;
use super::leases::normalize_prefix;
use super::runbook_ops::{bad, client, count, failed, mount_name, plan, required, shell_word};
use super::worker::Worker;
use crate::reply::WriteResult;
use crate::runbook::model::Op;
use crate::runbook::{ActionPlan, PlannedAction, PrepareSpec};
use crate::sanitize::sanitize;
use crate::write_gate::database::{DatabaseMutation, full_name};
use crate::write_gate::lease::LeaseMutation;
use crate::write_gate::raft::RaftMutation;
use crate::write_gate::transit::TransitMutation;
use crate::write_gate::{Mutation, Write};

/// The most leases a prefix may hold for a runbook step (the count goes in the typed phrase).
pub const MAX_LEASES: u64 = 100_000;
/// The most LIST requests of one count.
const MAX_LISTS: usize = 10_000;
/// LISTs in flight at once.
const LIST_CONCURRENCY: usize = 8;

/// Count the leases below `prefix` (normalised, ending in `/`).
async fn count_leases(
    op: Op,
    c: &super::client::VaultClient,
    prefix: &str,
    cancel: &CancellationToken,
) -> Result<u64, VaultError> {
    let mut queue = vec![prefix.to_string()];
    let mut running = FuturesUnordered::new();
    let (mut leases, mut lists) = (0u64, 0usize);
    loop {
        while running.len() < LIST_CONCURRENCY {
            let Some(p) = queue.pop() else { break };
            lists += 1;
            if lists > MAX_LISTS {
                return Err(bad(
                    op,
                    format!("more than {MAX_LISTS} folders below {}", sanitize(prefix)),
                ));
            }
            let c = c.clone();
            running.push(async move {
                let r = c.lease_list(&p).await;
                (p, r)
            });
        }
        let next = tokio::select! {
            () = cancel.cancelled() => return Err(bad(op, "cancelled")),
            n = running.next() => n,
        };
        let Some((p, r)) = next else { break };
        let keys =
            r.map_err(|e| failed(op, &format!("listing the leases below {}", sanitize(&p)), e))?;
        for k in keys {
            if k.ends_with('/') {
                queue.push(format!("{p}{k}"));
            } else {
                leases += 1;
            }
        }
        if leases > MAX_LEASES {
            return Err(bad(
                op,
                format!(
                    "more than {MAX_LEASES} leases below {}: revoke them from the leases screen",
                    sanitize(prefix)
                ),
            ));
        }
    }
    Ok(leases)
}

/// `lease.revoke_prefix`.
pub async fn revoke_prefix(
    worker: &Worker,
    spec: &PrepareSpec,
    cancel: &CancellationToken,
) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let prefix = normalize_prefix(&required(spec, "prefix")?);
    if prefix.is_empty() {
        return Err(bad(
            op,
            "an empty prefix would revoke every lease: name one",
        ));
    }
    let c = client(worker, spec)?;
    let n = count_leases(op, &c, &prefix, cancel).await?;
    let p = sanitize(&prefix).into_owned();
    let summary = format!("revoke {} below {p}", count(n as usize, "lease"));
    if n == 0 {
        let note = format!("no lease below {p}: nothing to revoke");
        return Ok(plan(
            summary,
            vec![note.clone()],
            Vec::new(),
            PlannedAction::Nothing(note),
        ));
    }
    let details = vec![
        format!(
            "{} below {p} (counted now; new ones until the write are revoked too)",
            count(n as usize, "lease")
        ),
        "sync: the server answers once the secret engine revoked each credential at its source"
            .into(),
    ];
    let cli = vec![format!("bao lease revoke -prefix {}", shell_word(&prefix))];
    let write = Write::One(Mutation::Lease(LeaseMutation::RevokePrefix {
        addr: spec.addr.clone(),
        prefix,
        count: n,
        sync: true,
    }));
    Ok(plan(summary, details, cli, PlannedAction::Write(write)))
}

/// `GET <mount>/<what>/<name>`'s data; 404 (or a 400 "no … found") is `None`.
async fn read_config(
    c: &super::client::VaultClient,
    mount: &str,
    what: &str,
    name: &str,
) -> Result<Option<Value>, VaultError> {
    let path = format!(
        "{}/{what}/{}",
        mount.trim_matches('/'),
        name.trim_matches('/')
    );
    match c.request(Method::GET, &path, &[], None).await {
        Ok(mut v) => Ok(v.get_mut("data").map(Value::take).filter(|d| d.is_object())),
        Err(VaultError::NotFound { .. }) => Ok(None),
        Err(VaultError::Http {
            status: 400,
            errors,
        }) if errors
            .iter()
            .any(|e| e.contains("no ") && e.contains("found")) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// `database.rotate_root`.
pub async fn rotate_root(worker: &Worker, spec: &PrepareSpec) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let mount = required(spec, "mount")?;
    let connection = required(spec, "connection")?;
    let full = full_name(&mount, &connection);
    let c = client(worker, spec)?;
    let cfg = read_config(&c, &mount, "config", &connection)
        .await
        .map_err(|e| {
            failed(
                op,
                &format!("reading the connection {}", sanitize(&full)),
                e,
            )
        })?
        .ok_or_else(|| {
            bad(
                op,
                format!("there is no database connection {}", sanitize(&full)),
            )
        })?;
    let user = str_at(&cfg, "/connection_details/username");
    let details = vec![
        format!(
            "connection {full}: plugin {}, Vault's database user {}",
            str_at(&cfg, "/plugin_name"),
            if user.is_empty() { "(not shown)" } else { user }
        ),
        format!(
            "Vault sets a new password for that user: the old root password stops working for good"
        ),
        "only Vault knows the new password afterwards (dynamic and static roles keep working)"
            .into(),
    ];
    let cli = vec![format!(
        "bao write -f {}",
        shell_word(&format!(
            "{}/rotate-root/{}",
            mount_name(&mount),
            connection
        ))
    )];
    let write = Write::One(Mutation::Database(DatabaseMutation::RotateRoot {
        addr: spec.addr.clone(),
        mount: mount.clone(),
        connection,
    }));
    Ok(plan(
        format!("rotate root of {full}"),
        details,
        cli,
        PlannedAction::Write(write),
    ))
}

/// `database.rotate_role`.
pub async fn rotate_role(worker: &Worker, spec: &PrepareSpec) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let mount = required(spec, "mount")?;
    let role = required(spec, "role")?;
    let full = full_name(&mount, &role);
    let c = client(worker, spec)?;
    let cfg = read_config(&c, &mount, "static-roles", &role)
        .await
        .map_err(|e| {
            failed(
                op,
                &format!("reading the static role {}", sanitize(&full)),
                e,
            )
        })?
        .ok_or_else(|| bad(op, format!("there is no static role {}", sanitize(&full))))?;
    let last = str_at(&cfg, "/last_vault_rotation");
    let details = vec![
        format!(
            "static role {full}: database user {} on connection {}",
            str_at(&cfg, "/username"),
            str_at(&cfg, "/db_name")
        ),
        format!(
            "last rotated {}; the new password is set now and the old one stops working",
            if last.is_empty() { "never" } else { last }
        ),
    ];
    let cli = vec![format!(
        "bao write -f {}",
        shell_word(&format!("{}/rotate-role/{}", mount_name(&mount), role))
    )];
    let write = Write::One(Mutation::Database(DatabaseMutation::RotateRole {
        addr: spec.addr.clone(),
        mount: mount.clone(),
        role,
    }));
    Ok(plan(
        format!("rotate static role {full}"),
        details,
        cli,
        PlannedAction::Write(write),
    ))
}

/// `transit.rotate_key`.
pub async fn rotate_transit(worker: &Worker, spec: &PrepareSpec) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let mount = required(spec, "mount")?;
    let key = required(spec, "key")?;
    let full = format!("{}/keys/{}", mount_name(&mount), key.trim_matches('/'));
    let c = client(worker, spec)?;
    let k = match c.transit_key(&mount, &key).await {
        Ok(k) => k,
        Err(VaultError::NotFound { .. }) => {
            return Err(bad(
                op,
                format!("there is no transit key {}", sanitize(&full)),
            ));
        }
        Err(e) => return Err(failed(op, &format!("reading {}", sanitize(&full)), e)),
    };
    let n = k.latest_version;
    let details = vec![
        format!("key {full} ({}): version {n} → {}", k.key_type, n + 1),
        format!(
            "new data is encrypted with version {}; versions from {} still decrypt",
            n + 1,
            k.min_decryption_version.max(1)
        ),
    ];
    let cli = vec![format!(
        "bao write -f {}",
        shell_word(&format!(
            "{}/keys/{}/rotate",
            mount_name(&mount),
            key.trim_matches('/')
        ))
    )];
    let write = Write::One(Mutation::Transit(TransitMutation::RotateKey {
        addr: spec.addr.clone(),
        mount,
        key,
        from_version: n,
    }));
    Ok(plan(
        format!("rotate transit key {full}"),
        details,
        cli,
        PlannedAction::Write(write),
    ))
}

/// `sys.seal`.
pub async fn seal(worker: &Worker, spec: &PrepareSpec) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let mut addrs: Vec<String> = Vec::new();
    let mut cluster = String::new();
    let mut details = Vec::new();
    let mut nodes: Vec<String> = spec.addrs.clone();
    if nodes.is_empty() {
        nodes.push(spec.addr.clone());
    }
    for a in nodes {
        if !worker.is_configured(&a) || addrs.contains(&a) {
            continue;
        }
        match worker.anonymous_client(&a).health().await {
            Ok(h) if !h.body.sealed && h.body.initialized => {
                if cluster.is_empty() {
                    cluster = h.body.cluster_name.clone().unwrap_or_default();
                }
                addrs.push(a);
            }
            Ok(_) => details.push(format!(
                "{}: sealed or not initialised already",
                sanitize(&a)
            )),
            Err(e) => details.push(format!("{}: not reachable ({e}): left out", sanitize(&a))),
        }
    }
    if addrs.is_empty() {
        return Err(bad(op, "no configured node is unsealed: nothing to seal"));
    }
    let name = if cluster.is_empty() {
        "this cluster".to_string()
    } else {
        cluster.clone()
    };
    details.insert(
        0,
        format!(
            "seal {} of cluster {name}: {}",
            count(addrs.len(), "node"),
            addrs
                .iter()
                .map(|a| sanitize(crate::addr::strip_scheme(a)).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    details
        .push("every request fails until key holders unseal each node again (last resort)".into());
    let cli = addrs
        .iter()
        .map(|a| format!("BAO_ADDR={} bao operator seal", shell_word(a)))
        .collect();
    let write = Write::One(Mutation::Raft(RaftMutation::SealCluster {
        cluster: name.clone(),
        addrs,
    }));
    Ok(plan(
        format!("seal cluster {name}"),
        details,
        cli,
        PlannedAction::Write(write),
    ))
}

impl Worker {
    /// One gated database write.
    pub async fn database_write_one(
        &self,
        m: &DatabaseMutation,
    ) -> Result<WriteResult, VaultError> {
        let c = self.client(m.addr())?;
        match m {
            DatabaseMutation::RotateRoot {
                mount, connection, ..
            } => c.database_rotate_root(mount, connection).await?,
            DatabaseMutation::RotateRole { mount, role, .. } => {
                c.database_rotate_role(mount, role).await?;
            }
        }
        Ok(WriteResult::Done)
    }
}
