//! The radar's items from the server's answers (lease lookups, token lookups, KV metadata from
//! `detailed-metadata`) and the headless plain line: mounts, roles, rotation due times, skipped
//! secrets, windows.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Duration;

use chrono::{DateTime, Utc};

use strongroom::headless::expiring::plain_line;
use strongroom::radar::{ItemKind, RotationPolicy, Window};
use strongroom::vault::models::kv_secret::KvMetadata;
use strongroom::vault::radar::{kv_item, lease_item, token_item};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn leases_and_tokens_know_their_mount_and_role() {
    let l = lease_item(
        serde_json::from_value(serde_json::json!({"id":"database/creds/readonly/5gz",
            "expire_time":"2026-11-23T11:00:00Z","ttl":60}))
        .unwrap(),
    );
    assert_eq!(
        (l.kind, l.mount.as_str(), l.role.as_str(), l.name.as_str()),
        (
            ItemKind::Lease,
            "database/",
            "database/creds/readonly/",
            "5gz"
        )
    );
    let l = lease_item(
        serde_json::from_value(serde_json::json!({"id":"auth/approle/login/h65"})).unwrap(),
    );
    assert_eq!((l.mount.as_str(), l.expires_at), ("auth/approle/", None));
    let tok = token_item(
        serde_json::from_value(
            serde_json::json!({"accessor":"acc","display_name":"approle",
            "path":"auth/approle/login","expire_time":"2026-11-23T11:00:00Z"}),
        )
        .unwrap(),
    );
    assert_eq!(
        (tok.id.as_str(), tok.mount.as_str(), tok.role.as_str()),
        ("acc", "auth/approle/", "auth/approle/login")
    );
}

#[test]
fn a_secret_is_due_its_rotation_age_after_its_current_version_and_deleted_ones_are_skipped() {
    let now = t("2026-11-23T12:00:00Z");
    let policy = RotationPolicy {
        default: Duration::from_secs(86_400),
        paths: vec![("secret/apps/".into(), Duration::from_secs(3_600))],
    };
    let meta: KvMetadata = serde_json::from_value(serde_json::json!({"current_version":2,
        "versions":{"1":{"created_time":"2026-11-01T00:00:00Z","deletion_time":"","destroyed":false},
                    "2":{"created_time":"2026-11-23T10:00:00Z","deletion_time":"","destroyed":false}}}))
    .unwrap();
    let it = kv_item("secret/", "apps/a", &meta, &policy, now).expect("an item");
    assert_eq!(it.id, "secret/apps/a");
    assert_eq!(it.name, "secret/apps/a (v2)");
    assert_eq!(it.role, "secret/apps/");
    assert_eq!(it.expires_at, Some(t("2026-11-23T11:00:00Z")));
    assert_eq!(it.left(now), Some(-3_600), "an hour overdue");
    let other = kv_item("secret/", "b", &meta, &policy, now).expect("an item");
    assert_eq!(
        (other.role.as_str(), other.expires_at),
        ("default", Some(t("2026-11-24T10:00:00Z")))
    );
    let deleted: KvMetadata = serde_json::from_value(serde_json::json!({"current_version":1,
        "versions":{"1":{"created_time":"2026-11-01T00:00:00Z","deletion_time":"2026-11-02T00:00:00Z","destroyed":false}}}))
    .unwrap();
    assert!(kv_item("secret/", "c", &deleted, &policy, now).is_none());
    assert!(kv_item("secret/", "folder/", &KvMetadata::default(), &policy, now).is_none());
}

#[test]
fn windows_parse_and_plain_lines_are_tab_separated() {
    assert_eq!(Window::parse(""), Ok(Window::Day));
    assert_eq!(Window::parse("1h"), Ok(Window::Hour));
    assert_eq!(Window::parse("7d"), Ok(Window::Week));
    assert_eq!(
        Window::parse("6h"),
        Ok(Window::Custom(Duration::from_secs(21_600)))
    );
    assert!(Window::parse("later").is_err());
    let now = t("2026-11-23T12:00:00Z");
    let l = lease_item(
        serde_json::from_value(serde_json::json!({"id":"database/creds/ro/x\u{1b}[31m",
            "expire_time":"2026-11-23T12:29:00Z"}))
        .unwrap(),
    );
    let line = plain_line(&l, now);
    assert!(
        line.starts_with("2026-11-23T12:29:00Z\tin 29m\tlease\tdatabase/\t"),
        "{line}"
    );
    assert!(
        !line.contains('\u{1b}'),
        "server text is sanitised: {line:?}"
    );
}

proptest::proptest! {
    /// The DER walk of the PEM fallback never panics on arbitrary bytes.
    #[test]
    fn the_der_walk_takes_any_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        let _ = strongroom::vault::pki_pem::parse_der(&bytes);
        let mut seq = vec![0x30, 0x82, 0x01, 0xff];
        seq.extend(&bytes);
        let _ = strongroom::vault::pki_pem::parse_der(&seq);
    }
}
