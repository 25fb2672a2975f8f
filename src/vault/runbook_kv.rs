//! Runbook KV steps. `kv.write_new_version {path, field, value?}`: one field gets a new value in
//! a new version with HTTP PATCH (check-and-set on the newest version), so the console never
//! reads the other values; a missing `value` is 32 random URL-safe characters. KV v1 has no
//! versions and no PATCH: the step fails and says so. `kv.destroy_versions {path, versions?}`:
//! `all-but-latest` (the default: every version not yet destroyed except the newest) or a list
//! (`1,2`), read from the metadata (never the values).

use chrono::Utc;

use super::error::VaultError;
use super::kv_area::{OpenAs, Resolved, resolve};
use super::models::kv::KvVersion;
use super::models::kv_secret::{KvMetadata, VersionState};
use super::models::wrapping::SecretText;
use super::runbook_ops::{bad, client, failed, mount_name, plan, required, shell_word};
use super::worker::Worker;
use crate::runbook::action::ArgValue;
use crate::runbook::model::Op;
use crate::runbook::{ActionPlan, PlannedAction, PrepareSpec};
use crate::sanitize::sanitize;
use crate::write_gate::kv::KvMutation;
use crate::write_gate::{Mutation, Write};

/// Characters of a generated value.
pub const GENERATED_LEN: usize = 32;
/// The alphabet of a generated value (URL-safe base64's): 64 characters, so a random byte
/// modulo 64 is uniform.
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// 32 random URL-safe characters from the operating system's generator.
pub fn generate_value() -> Result<SecretText, VaultError> {
    let mut bytes = [0u8; GENERATED_LEN];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| VaultError::Runbook(format!("cannot generate a random value: {e}")))?;
    let s: String = bytes
        .iter()
        .map(|b| char::from(URL_SAFE[usize::from(b % 64)]))
        .collect();
    zeroize::Zeroize::zeroize(&mut bytes);
    Ok(SecretText::from(s))
}

/// Find the KV mount of `path` and check it names a secret (not a folder).
async fn secret_of(
    op: Op,
    c: &super::client::VaultClient,
    path: &str,
) -> Result<Resolved, VaultError> {
    let r = resolve(c, path, OpenAs::Versions).await.map_err(|e| {
        failed(
            op,
            &format!("finding the KV mount of {}", sanitize(path)),
            e,
        )
    })?;
    if r.path.is_empty() || r.path.ends_with('/') {
        return Err(bad(
            op,
            format!("{} is a folder, not a secret", sanitize(path)),
        ));
    }
    Ok(r)
}

async fn metadata_of(
    op: Op,
    c: &super::client::VaultClient,
    r: &Resolved,
    path: &str,
) -> Result<KvMetadata, VaultError> {
    match c.kv_metadata(&r.mount, &r.path).await {
        Ok(m) if m.current_version > 0 => Ok(m),
        Ok(_) | Err(VaultError::NotFound { .. }) => {
            Err(bad(op, format!("there is no secret at {}", sanitize(path))))
        }
        Err(e) => Err(failed(
            op,
            &format!("reading the metadata of {}", sanitize(path)),
            e,
        )),
    }
}

fn v1_refused(op: Op, path: &str, what: &str) -> VaultError {
    bad(
        op,
        format!(
            "{} is on a KV v1 mount: v1 keeps no versions, so {what} is not possible (rotate the \
             value in the secrets screen instead)",
            sanitize(path)
        ),
    )
}

/// `kv.write_new_version`.
pub async fn write_new_version(
    worker: &Worker,
    spec: &PrepareSpec,
) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let path = required(spec, "path")?;
    let field = required(spec, "field")?;
    let c = client(worker, spec)?;
    let r = secret_of(op, &c, &path).await?;
    if r.kv == KvVersion::V1 {
        return Err(v1_refused(op, &path, "writing a new version"));
    }
    let meta = metadata_of(op, &c, &r, &path).await?;
    let current = meta.current_version;
    let state = meta.versions.get(&current).map(|v| v.state(Utc::now()));
    if state != Some(VersionState::Live) {
        return Err(bad(
            op,
            format!(
                "the newest version v{current} of {} is deleted or destroyed: undelete it or \
                 write the secret again first",
                sanitize(&path)
            ),
        ));
    }
    // Field names only (never values): whether the field is replaced or added.
    let existed = c
        .kv_subkeys(&r.mount, &r.path, None)
        .await
        .ok()
        .map(|s| s.keys.iter().any(|(k, _)| *k == field));
    let (value, source) = match spec.op.args.get("value") {
        Some(ArgValue::Secret(s)) if !s.is_empty() => (s.clone(), "the value entered"),
        Some(ArgValue::Text(t)) if !t.trim().is_empty() => {
            (SecretText::from(t.as_str()), "the value given")
        }
        _ => (
            generate_value()?,
            "generated: 32 random URL-safe characters",
        ),
    };
    let full = format!("{}{}", r.mount, r.path);
    let f = sanitize(&field).into_owned();
    let field_line = match existed {
        Some(true) => format!("field {f}: replaced; every other field stays as it is (never read)"),
        Some(false) => {
            format!("field {f}: added (not in v{current}); the other fields stay as they are")
        }
        None => format!("field {f}: set; the other fields stay as they are (never read)"),
    };
    let details = vec![
        format!("secret {full} (KV v2 mount {})", r.mount),
        format!("current version v{current} → new version v{}", current + 1),
        field_line,
        format!("new value: {source}; never shown, never journaled"),
        format!("check-and-set: only if v{current} is still the newest"),
    ];
    let cli = vec![format!(
        "bao kv patch -mount={} -cas={current} {} {}=…",
        shell_word(&mount_name(&r.mount)),
        shell_word(&r.path),
        shell_word(&field)
    )];
    let write = Write::One(Mutation::Kv(KvMutation::Patch {
        addr: spec.addr.clone(),
        mount: r.mount.clone(),
        path: r.path.clone(),
        field,
        value,
        cas: current,
    }));
    Ok(plan(
        format!("write a new version of {full} (field {f})"),
        details,
        cli,
        PlannedAction::Write(write),
    ))
}

/// What `versions` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionsArg {
    /// Every version not yet destroyed except the newest.
    AllButLatest,
    List(Vec<u64>),
}

/// `all-but-latest` (also when empty) or numbers separated by commas or spaces.
pub fn parse_versions(items: &[String]) -> Result<VersionsArg, String> {
    match items {
        [] => Ok(VersionsArg::AllButLatest),
        [one] if one.eq_ignore_ascii_case("all-but-latest") => Ok(VersionsArg::AllButLatest),
        _ => {
            let mut out = Vec::new();
            for i in items {
                let n: u64 = i
                    .trim_start_matches(['v', 'V'])
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        format!(
                            "\"{}\" is not a version: give all-but-latest or numbers like 1,2",
                            sanitize(i)
                        )
                    })?;
                if !out.contains(&n) {
                    out.push(n);
                }
            }
            out.sort_unstable();
            Ok(VersionsArg::List(out))
        }
    }
}

/// The versions to destroy and notes on the ones left out.
pub fn versions_to_destroy(meta: &KvMetadata, arg: &VersionsArg) -> (Vec<u64>, Vec<String>) {
    let newest = meta.current_version;
    let mut notes = Vec::new();
    let chosen: Vec<u64> = match arg {
        VersionsArg::AllButLatest => meta
            .versions
            .iter()
            .filter(|(n, v)| **n != newest && !v.destroyed)
            .map(|(n, _)| *n)
            .collect(),
        VersionsArg::List(l) => l
            .iter()
            .copied()
            .filter(|n| match meta.versions.get(n) {
                None => {
                    notes.push(format!("v{n} does not exist (or was pruned): left out"));
                    false
                }
                Some(v) if v.destroyed => {
                    notes.push(format!("v{n} is destroyed already: left out"));
                    false
                }
                Some(_) => true,
            })
            .collect(),
    };
    (chosen, notes)
}

/// "1,2,3".
pub fn versions_csv(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

/// `kv.destroy_versions`.
pub async fn destroy_versions(
    worker: &Worker,
    spec: &PrepareSpec,
) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let path = required(spec, "path")?;
    let arg = parse_versions(&spec.op.items("versions")).map_err(|e| bad(op, e))?;
    let c = client(worker, spec)?;
    let r = secret_of(op, &c, &path).await?;
    if r.kv == KvVersion::V1 {
        return Err(v1_refused(op, &path, "destroying versions"));
    }
    let meta = metadata_of(op, &c, &r, &path).await?;
    let full = format!("{}{}", r.mount, r.path);
    let (chosen, notes) = versions_to_destroy(&meta, &arg);
    let newest = meta.current_version;
    let mut details = vec![format!(
        "secret {full}: {} version(s) kept in the metadata, newest v{newest}",
        meta.versions.len()
    )];
    if chosen.contains(&newest) {
        details.push(format!(
            "v{newest} is the newest version: destroying it leaves the secret without a readable \
             version"
        ));
    }
    details.extend(notes);
    if chosen.is_empty() {
        let note = match arg {
            VersionsArg::AllButLatest => {
                format!("nothing to destroy: {full} has no version but v{newest} left")
            }
            VersionsArg::List(_) => format!("nothing to destroy in {full}"),
        };
        details.push(note.clone());
        return Ok(plan(
            format!("destroy old versions of {full}"),
            details,
            Vec::new(),
            PlannedAction::Nothing(sanitize(&note).into_owned()),
        ));
    }
    let label: Vec<String> = chosen.iter().map(|n| format!("v{n}")).collect();
    details.push(format!(
        "destroy {} for good: the data of {} is removed and cannot be brought back",
        label.join(", "),
        if chosen.len() == 1 {
            "this version"
        } else {
            "these versions"
        }
    ));
    if matches!(arg, VersionsArg::AllButLatest) {
        details.push(format!("v{newest} (the newest) is kept"));
    }
    let cli = vec![format!(
        "bao kv destroy -mount={} -versions={} {}",
        shell_word(&mount_name(&r.mount)),
        versions_csv(&chosen),
        shell_word(&r.path)
    )];
    let write = Write::One(Mutation::Kv(KvMutation::Destroy {
        addr: spec.addr.clone(),
        mount: r.mount.clone(),
        path: r.path.clone(),
        versions: chosen.clone(),
    }));
    Ok(plan(
        format!("destroy {} of {full}", label.join(", ")),
        details,
        cli,
        PlannedAction::Write(write),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::models::kv_secret::VersionMeta;

    fn meta(current: u64, destroyed: &[u64]) -> KvMetadata {
        let versions = (1..=current)
            .map(|n| {
                (
                    n,
                    VersionMeta {
                        version: n,
                        destroyed: destroyed.contains(&n),
                        ..VersionMeta::default()
                    },
                )
            })
            .collect();
        KvMetadata {
            current_version: current,
            versions,
            ..KvMetadata::default()
        }
    }

    #[test]
    fn versions_argument() {
        assert_eq!(parse_versions(&[]), Ok(VersionsArg::AllButLatest));
        assert_eq!(
            parse_versions(&["all-but-latest".into()]),
            Ok(VersionsArg::AllButLatest)
        );
        assert_eq!(
            parse_versions(&["2".into(), "v1".into(), "2".into()]),
            Ok(VersionsArg::List(vec![1, 2]))
        );
        assert!(parse_versions(&["0".into()]).is_err());
        let e = parse_versions(&["x\u{1b}".into()]).unwrap_err();
        assert!(!e.contains('\u{1b}'), "{e}");
    }

    #[test]
    fn all_but_latest_skips_the_newest_and_the_destroyed() {
        let m = meta(4, &[1]);
        assert_eq!(
            versions_to_destroy(&m, &VersionsArg::AllButLatest),
            (vec![2, 3], vec![])
        );
        let (v, notes) = versions_to_destroy(&m, &VersionsArg::List(vec![1, 3, 9]));
        assert_eq!(v, vec![3]);
        assert_eq!(notes.len(), 2);
        assert_eq!(versions_csv(&[1, 2]), "1,2");
        assert!(
            versions_to_destroy(&meta(1, &[]), &VersionsArg::AllButLatest)
                .0
                .is_empty()
        );
    }

    #[test]
    fn generated_values_are_url_safe_and_random() {
        let a = generate_value().unwrap_or_else(|e| panic!("{e}"));
        let b = generate_value().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.chars(), GENERATED_LEN);
        assert!(a.expose().bytes().all(|c| URL_SAFE.contains(&c)));
        assert_ne!(a.expose(), b.expose());
        assert_eq!(format!("{a:?}"), "[REDACTED]");
    }
}
