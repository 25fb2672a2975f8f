//! Copy and move secrets with all their versions (the rules are in `jobs::copy`): the dry run
//! ([`plan`]: walk and metadata only, never a value) and the copy itself ([`execute`]: each live
//! version read and written in order with check-and-set, settings carried over, every copy read
//! back and compared; a move deletes the sources only when every copy was verified).

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::client::VaultClient;
use super::error::VaultError;
use super::models::kv::KvVersion;
use super::models::kv_secret::{MetadataUpdate, SecretFields, VersionState};
use super::mounts::find_secret_mount;
use crate::jobs::JobProgress;
use crate::jobs::copy::{
    COPY_CONCURRENCY, CopyItem, CopyPlan, CopySettings, KvMount, MAX_PLAN_ITEMS, common_folder,
    target_of,
};
use crate::jobs::walk::{WalkEvent, WalkSpec, walk};
use crate::reply::{ItemResult, WriteResult};
use crate::sanitize::sanitize;

/// The mount holding `path`, as a KV mount, and `path` relative to it.
async fn kv_mount_of(c: &VaultClient, path: &str) -> Result<(KvMount, String), VaultError> {
    let m = find_secret_mount(c, path).await?;
    let kv = m
        .kv_version
        .and_then(KvVersion::from_number)
        .ok_or_else(|| VaultError::Config(format!("{} is not a KV mount", sanitize(&m.path))))?;
    let trimmed = path.trim_start_matches('/');
    let rel = trimmed
        .strip_prefix(m.path.as_str())
        .or_else(|| trimmed.strip_prefix(m.path.trim_end_matches('/')))
        .unwrap_or_default()
        .trim_start_matches('/')
        .to_string();
    Ok((KvMount { path: m.path, kv }, rel))
}

/// `a/b/c` → (`a/b/`, `c`).
fn split_leaf(rel: &str) -> (String, String) {
    match rel.rsplit_once('/') {
        Some((d, l)) => (format!("{d}/"), l.to_string()),
        None => (String::new(), rel.to_string()),
    }
}

/// Is `rel` (no trailing `/`) a secret? Its parent folder is listed (no value is read).
async fn is_secret(c: &VaultClient, m: &KvMount, rel: &str) -> Result<bool, VaultError> {
    let (folder, leaf) = split_leaf(rel);
    Ok(c.kv_list(&m.path, m.kv, &folder).await?.contains(&leaf))
}

/// The dry run: which secrets, which versions, what is not carried, which targets exist.
/// `sources`: one path (a secret, or a folder) or several secrets (relative to their common
/// folder). Reports planned items through `progress`.
pub async fn plan(
    c: &VaultClient,
    addr: &str,
    sources: &[String],
    dst: &str,
    cancel: &CancellationToken,
    progress: &mut (dyn FnMut(JobProgress) + Send),
) -> Result<CopyPlan, VaultError> {
    let first = sources
        .first()
        .ok_or_else(|| VaultError::Config("nothing to copy".into()))?;
    let (src_mount, src_rel) = kv_mount_of(c, first).await?;
    let (dst_mount, dst_rel) = kv_mount_of(c, dst).await?;
    let mut denied = 0;
    let mut truncated = false;
    // (source relative to its mount, target relative to its mount)
    let pairs: Vec<(String, String)> = if sources.len() > 1 {
        let mut rels = Vec::new();
        for s in sources {
            let (m, r) = kv_mount_of(c, s).await?;
            if m != src_mount {
                return Err(VaultError::Config(
                    "the sources are in different mounts: copy one mount at a time".into(),
                ));
            }
            rels.push(r);
        }
        let base = common_folder(&rels);
        rels.iter()
            .map(|r| (r.clone(), target_of(&dst_rel, &r[base.len()..])))
            .collect()
    } else if !src_rel.is_empty()
        && !src_rel.ends_with('/')
        && is_secret(c, &src_mount, &src_rel).await?
    {
        let target = if dst.ends_with('/') || dst_rel.is_empty() {
            target_of(&dst_rel, &split_leaf(&src_rel).1)
        } else {
            dst_rel.clone()
        };
        vec![(src_rel.clone(), target)]
    } else {
        let folder = if src_rel.is_empty() || src_rel.ends_with('/') {
            src_rel.clone()
        } else {
            format!("{src_rel}/")
        };
        let spec = WalkSpec::new(&src_mount.path, src_mount.kv, &folder);
        let mut found = Vec::new();
        let mut sink = |e: WalkEvent| {
            if let WalkEvent::Found(b) = e {
                found.extend(b);
            }
        };
        let summary = walk(c, &spec, cancel, &mut sink).await?;
        denied = summary.progress.denied;
        truncated = summary.truncated || found.len() > MAX_PLAN_ITEMS;
        found.truncate(MAX_PLAN_ITEMS);
        let base = format!("{}{folder}", src_mount.path);
        found.sort();
        found
            .iter()
            .filter_map(|full| full.strip_prefix(&base))
            .map(|rel| (format!("{folder}{rel}"), target_of(&dst_rel, rel)))
            .collect()
    };
    if src_mount == dst_mount && pairs.iter().any(|(s, d)| s == d) {
        return Err(VaultError::Config("the target is the source itself".into()));
    }
    let total = pairs.len() as u64;
    let mut p = JobProgress {
        total: Some(total),
        ..JobProgress::default()
    };
    progress(p);
    let (sm, dm) = (&src_mount, &dst_mount);
    let v1_targets = match dm.kv {
        KvVersion::V1 => v1_existing(c, dm, pairs.iter().map(|(_, d)| d.as_str())).await?,
        KvVersion::V2 => BTreeSet::new(),
    };
    let mut results = futures::stream::iter(pairs.into_iter().enumerate())
        .map(|(i, (s, d))| {
            let exists = v1_targets.contains(&d);
            async move { (i, plan_item(c, sm, dm, s, d, exists).await) }
        })
        .buffer_unordered(COPY_CONCURRENCY);
    let mut items: Vec<(usize, CopyItem)> = Vec::new();
    let mut errors = Vec::new();
    // Bounded: one answer per planned pair.
    while let Some((i, r)) = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Err(VaultError::Config("cancelled".into())),
        n = results.next() => n,
    } {
        match r {
            Ok(item) => {
                items.push((i, item));
                p.done += 1;
            }
            Err((path, e)) => {
                errors.push((
                    sanitize(&path).into_owned(),
                    sanitize(&e.to_string()).into_owned(),
                ));
                p.failed += 1;
            }
        }
        progress(p);
    }
    items.sort_by_key(|(i, _)| *i);
    Ok(CopyPlan {
        addr: addr.to_string(),
        src_mount: src_mount.clone(),
        dst_mount: dst_mount.clone(),
        src_label: first.clone(),
        dst_label: dst.to_string(),
        items: items.into_iter().map(|(_, it)| it).collect(),
        denied,
        errors,
        truncated,
    })
}

/// The v1 targets that exist already: each parent folder listed once.
async fn v1_existing(
    c: &VaultClient,
    m: &KvMount,
    targets: impl Iterator<Item = &str>,
) -> Result<BTreeSet<String>, VaultError> {
    let mut by_folder: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in targets {
        let (folder, leaf) = split_leaf(t);
        by_folder.entry(folder).or_default().push(leaf);
    }
    let mut listed = futures::stream::iter(by_folder)
        .map(|(folder, leaves)| async move {
            let keys = c.kv_list(&m.path, m.kv, &folder).await;
            (folder, leaves, keys)
        })
        .buffer_unordered(COPY_CONCURRENCY);
    let mut out = BTreeSet::new();
    while let Some((folder, leaves, keys)) = listed.next().await {
        let keys = keys?;
        out.extend(
            leaves
                .into_iter()
                .filter(|l| keys.contains(l))
                .map(|l| format!("{folder}{l}")),
        );
    }
    Ok(out)
}

/// One secret's plan: its metadata (v2) and the target's.
async fn plan_item(
    c: &VaultClient,
    sm: &KvMount,
    dm: &KvMount,
    src: String,
    dst: String,
    v1_target_exists: bool,
) -> Result<CopyItem, (String, VaultError)> {
    let now = Utc::now();
    let mut notes = Vec::new();
    let (mut versions, settings) = match sm.kv {
        KvVersion::V1 => (vec![0], None),
        KvVersion::V2 => {
            let meta = c
                .kv_metadata(&sm.path, &src)
                .await
                .map_err(|e| (format!("{}{src}", sm.path), e))?;
            let mut live = Vec::new();
            for (n, v) in &meta.versions {
                match v.state(now) {
                    VersionState::Live => live.push(*n),
                    VersionState::Deleted => notes.push(format!("v{n} deleted")),
                    VersionState::Destroyed => notes.push(format!("v{n} destroyed")),
                }
            }
            let settings = CopySettings {
                max_versions: meta.max_versions,
                cas_required: meta.cas_required,
                delete_version_after: meta.delete_version_after,
                custom_metadata: meta.custom_metadata,
            };
            (live, Some(settings))
        }
    };
    let settings = match dm.kv {
        KvVersion::V2 => settings,
        KvVersion::V1 => {
            if versions.len() > 1 {
                let older = versions.len() - 1;
                notes.push(format!("{older} older version(s) not carried (v1 target)"));
                versions = versions.split_off(older);
            }
            if settings.is_some_and(|s| s != CopySettings::default()) {
                notes.push("metadata not carried (v1 target)".into());
            }
            None
        }
    };
    let conflict = match dm.kv {
        KvVersion::V1 => v1_target_exists.then_some(1),
        KvVersion::V2 => match c.kv_metadata(&dm.path, &dst).await {
            Ok(m) => Some(m.current_version.max(1)),
            Err(VaultError::NotFound { .. }) => None,
            Err(e) => return Err((format!("{}{dst}", dm.path), e)),
        },
    };
    Ok(CopyItem {
        src,
        dst,
        versions,
        notes,
        settings,
        conflict,
    })
}

/// Copy every item of the plan with bounded concurrency, then (a move) delete the sources if
/// every copy was verified. One result per item, in plan order; skipped items (conflicts,
/// nothing live) are not listed.
pub async fn execute(
    c: &VaultClient,
    plan: &CopyPlan,
    delete_source: bool,
    progress: &mut (dyn FnMut(JobProgress) + Send),
) -> Vec<ItemResult> {
    let todo: Vec<&CopyItem> = plan.to_copy().collect();
    let mut p = JobProgress {
        total: Some(todo.len() as u64),
        ..JobProgress::default()
    };
    progress(p);
    // Indices, not references, go through the stream: its closure must hold for any lifetime.
    let todo_ref = &todo;
    let mut running = futures::stream::iter(0..todo.len())
        .map(|i| async move {
            let r = match todo_ref.get(i) {
                Some(item) => copy_item(c, plan, item).await,
                None => Err(VaultError::NotAsked("not copied")),
            };
            (i, r)
        })
        .buffer_unordered(COPY_CONCURRENCY);
    let mut results: Vec<Option<Result<u64, VaultError>>> = vec![None; todo.len()];
    // Bounded: one answer per item.
    while let Some((i, r)) = running.next().await {
        if r.is_ok() {
            p.done += 1;
        } else {
            p.failed += 1;
        }
        progress(p);
        if let Some(slot) = results.get_mut(i) {
            *slot = Some(r);
        }
    }
    drop(running);
    let all_verified = p.failed == 0 && results.iter().all(|r| matches!(r, Some(Ok(_))));
    let delete = delete_source && all_verified && plan.movable().is_ok();
    let mut out = Vec::with_capacity(todo.len());
    for (item, r) in todo.iter().zip(results) {
        let label = format!(
            "{} → {}",
            sanitize(&plan.src_full(item)),
            sanitize(&plan.dst_full(item))
        );
        let result = match r {
            Some(Ok(versions)) => Ok((versions, false)),
            Some(Err(e)) => Err(e),
            None => Err(VaultError::NotAsked("not copied")),
        };
        out.push((label, item, result));
    }
    if delete {
        let srcs: Vec<String> = out.iter().map(|(_, item, _)| item.src.clone()).collect();
        let m = &plan.src_mount;
        let mut deletes = futures::stream::iter(srcs.into_iter().enumerate())
            .map(|(i, src)| async move {
                let r = match m.kv {
                    KvVersion::V2 => c.kv_delete_metadata(&m.path, &src).await,
                    KvVersion::V1 => c.kv_delete(&m.path, m.kv, &src, &[]).await,
                };
                (i, r)
            })
            .buffer_unordered(COPY_CONCURRENCY);
        let mut deleted: Vec<(usize, Result<(), VaultError>)> = Vec::new();
        while let Some(d) = deletes.next().await {
            deleted.push(d);
        }
        drop(deletes);
        for (i, r) in deleted {
            if let Some((_, _, result)) = out.get_mut(i) {
                *result = match (std::mem::replace(result, Ok((0, false))), r) {
                    (Ok((v, _)), Ok(())) => Ok((v, true)),
                    (Ok(_), Err(e)) => Err(e),
                    (Err(e), _) => Err(e),
                };
            }
        }
    }
    out.into_iter()
        .map(|(item, _, r)| ItemResult {
            item,
            result: r.map(|(versions, source_deleted)| WriteResult::Copied {
                versions,
                source_deleted,
            }),
        })
        .collect()
}

/// Copy one secret: each version read and written in order (check-and-set on v2), the settings
/// written, then everything read back and compared. The number of versions written.
async fn copy_item(c: &VaultClient, plan: &CopyPlan, item: &CopyItem) -> Result<u64, VaultError> {
    let (sm, dm) = (&plan.src_mount, &plan.dst_mount);
    let mut written: Vec<SecretFields> = Vec::with_capacity(item.versions.len());
    for (i, v) in item.versions.iter().enumerate() {
        let version = (sm.kv == KvVersion::V2).then_some(*v);
        let data = c.kv_read(&sm.path, sm.kv, &item.src, version).await?;
        if data.fields.is_empty()
            && data
                .version
                .as_ref()
                .is_some_and(|m| m.state(Utc::now()) != VersionState::Live)
        {
            return Err(VaultError::Config(format!(
                "v{v} was deleted since the plan was made"
            )));
        }
        let cas = (dm.kv == KvVersion::V2).then_some(i as u64);
        c.kv_write(&dm.path, dm.kv, &item.dst, &data.fields, cas)
            .await?;
        written.push(data.fields);
    }
    if let (Some(s), KvVersion::V2) = (&item.settings, dm.kv) {
        let update = MetadataUpdate {
            max_versions: Some(s.max_versions),
            cas_required: Some(s.cas_required),
            delete_version_after: Some(s.delete_version_after.clone()),
            custom_metadata: Some(s.custom_metadata.clone()),
        };
        c.kv_write_metadata(&dm.path, dm.kv, &item.dst, &update)
            .await?;
    }
    verify(c, dm, item, &written).await?;
    Ok(written.len() as u64)
}

/// Read the copy back: the same fields for each version (target versions 1, 2, … on v2), the
/// same settings.
async fn verify(
    c: &VaultClient,
    dm: &KvMount,
    item: &CopyItem,
    written: &[SecretFields],
) -> Result<(), VaultError> {
    let differs = |what: String| VaultError::Decode(format!("verification failed: {what}"));
    match dm.kv {
        KvVersion::V1 => {
            let back = c.kv_read(&dm.path, dm.kv, &item.dst, None).await?;
            if written.last() != Some(&back.fields) {
                return Err(differs("the copy differs".into()));
            }
        }
        KvVersion::V2 => {
            for (i, fields) in written.iter().enumerate() {
                let n = i as u64 + 1;
                let back = c.kv_read(&dm.path, dm.kv, &item.dst, Some(n)).await?;
                if &back.fields != fields {
                    return Err(differs(format!("v{n} of the copy differs")));
                }
            }
            if let Some(s) = &item.settings {
                let meta = c.kv_metadata(&dm.path, &item.dst).await?;
                if meta.custom_metadata != s.custom_metadata
                    || meta.max_versions != s.max_versions
                    || meta.cas_required != s.cas_required
                {
                    return Err(differs("the copy's metadata differs".into()));
                }
            }
        }
    }
    Ok(())
}

impl super::worker::Worker {
    /// Run a copy that passed the gate on its planned node (a configured one).
    pub async fn copy_secrets(
        &self,
        plan: &CopyPlan,
        delete_source: bool,
        progress: &mut (dyn FnMut(JobProgress) + Send),
    ) -> Vec<ItemResult> {
        match self.client(&plan.addr) {
            Ok(c) => execute(&c, plan, delete_source, progress).await,
            Err(e) => vec![ItemResult {
                item: sanitize(&plan.src_label).into_owned(),
                result: Err(e),
            }],
        }
    }
}
