//! The KV data API and the KV writes of the gate against a real `bao server -dev`: reads of any
//! version, subkeys, metadata, check-and-set, delete / undelete / destroy, rollback, metadata
//! settings, a KV v1 mount, and names with characters that need encoding.
#![allow(clippy::expect_used)]

mod common;
mod kv_support;

use common::dev::DevServer;
use kv_support::{call, client};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::json;
use strongroom::reply::WriteResult;
use strongroom::vault::VaultError;
use strongroom::vault::kv_area::kv_write_with;
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::kv_secret::{
    MetadataUpdate, SecretField, SecretFields, VersionState,
};
use strongroom::write_gate::kv::KvMutation;

fn fields(pairs: &[(&str, &str)]) -> SecretFields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), SecretField::text(*v)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_v2_versions_cas_delete_destroy_rollback_and_metadata() {
    let server = DevServer::start();
    let c = client(&server.addr, &server.root_token, None);
    let now = chrono::Utc::now() + chrono::Duration::seconds(5);
    let path = "apps/pay ments?x#y";

    // Create only (cas 0), then v2 and v3 with check-and-set.
    let v1 = c
        .kv_write(
            "secret/",
            KvVersion::V2,
            path,
            &fields(&[("user", "a"), ("password", "p1")]),
            Some(0),
        )
        .await
        .expect("create");
    assert_eq!(v1.map(|m| m.version), Some(1));
    let again = c
        .kv_write(
            "secret/",
            KvVersion::V2,
            path,
            &fields(&[("user", "b")]),
            Some(0),
        )
        .await;
    assert!(
        matches!(again, Err(VaultError::Http { status: 400, .. })),
        "{again:?}"
    );
    c.kv_write(
        "secret/",
        KvVersion::V2,
        path,
        &fields(&[("user", "a"), ("password", "p2")]),
        Some(1),
    )
    .await
    .expect("v2");
    let mut v3 = fields(&[("user", "a"), ("password", "p3")]);
    v3.insert("port".into(), SecretField::from_json(&json!(5432)));
    c.kv_write("secret/", KvVersion::V2, path, &v3, Some(2))
        .await
        .expect("v3");
    let stale = c
        .kv_write(
            "secret/",
            KvVersion::V2,
            path,
            &fields(&[("user", "z")]),
            Some(2),
        )
        .await;
    assert!(
        matches!(stale, Err(VaultError::Http { status: 400, .. })),
        "a stale cas fails: {stale:?}"
    );

    // The name reached the server as it is: the folder lists it.
    let keys = c
        .kv_list("secret/", KvVersion::V2, "apps/")
        .await
        .expect("list");
    assert_eq!(keys, ["pay ments?x#y"]);

    // Reads: newest, an older version; non-strings come back as JSON.
    let newest = c
        .kv_read("secret/", KvVersion::V2, path, None)
        .await
        .expect("read");
    assert_eq!(newest.fields["password"].value.expose_secret(), "p3");
    assert_eq!(newest.fields["port"].to_json(), json!(5432));
    assert_eq!(newest.version.as_ref().map(|v| v.version), Some(3));
    let old = c
        .kv_read("secret/", KvVersion::V2, path, Some(1))
        .await
        .expect("v1");
    assert_eq!(old.fields["password"].value.expose_secret(), "p1");

    // Subkeys: names, no values.
    let sub = c.kv_subkeys("secret/", path, None).await.expect("subkeys");
    let names: Vec<&str> = sub.keys.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["password", "port", "user"]);

    // Delete v2, undelete it; destroy v1.
    let addr = server.addr.clone();
    let run = |m: KvMutation| {
        let c = c.clone();
        async move { kv_write_with(&c, &m).await }
    };
    run(KvMutation::Delete {
        addr: addr.clone(),
        mount: "secret/".into(),
        kv: KvVersion::V2,
        path: path.into(),
        versions: vec![2],
    })
    .await
    .expect("delete");
    let deleted = c
        .kv_read("secret/", KvVersion::V2, path, Some(2))
        .await
        .expect("deleted read");
    assert!(deleted.fields.is_empty());
    assert_eq!(
        deleted.version.as_ref().map(|v| v.state(now)),
        Some(VersionState::Deleted)
    );
    run(KvMutation::Undelete {
        addr: addr.clone(),
        mount: "secret/".into(),
        path: path.into(),
        versions: vec![2],
    })
    .await
    .expect("undelete");
    let back = c
        .kv_read("secret/", KvVersion::V2, path, Some(2))
        .await
        .expect("back");
    assert_eq!(back.fields["password"].value.expose_secret(), "p2");
    run(KvMutation::Destroy {
        addr: addr.clone(),
        mount: "secret/".into(),
        path: path.into(),
        versions: vec![1],
    })
    .await
    .expect("destroy");
    let meta = c.kv_metadata("secret/", path).await.expect("metadata");
    assert_eq!(meta.current_version, 3);
    assert_eq!(meta.versions[&1].state(now), VersionState::Destroyed);
    assert_eq!(meta.versions[&2].state(now), VersionState::Live);

    // Rollback to v2 with check-and-set on v3 → v4 holds v2's data; a stale rollback fails.
    let r = run(KvMutation::Rollback {
        addr: addr.clone(),
        mount: "secret/".into(),
        path: path.into(),
        to_version: 2,
        current: 3,
    })
    .await
    .expect("rollback");
    assert_eq!(r, WriteResult::Version(4));
    let v4 = c
        .kv_read("secret/", KvVersion::V2, path, None)
        .await
        .expect("v4");
    assert_eq!(v4.fields["password"].value.expose_secret(), "p2");
    let stale = run(KvMutation::Rollback {
        addr: addr.clone(),
        mount: "secret/".into(),
        path: path.into(),
        to_version: 2,
        current: 3,
    })
    .await;
    assert!(stale.is_err(), "{stale:?}");
    let destroyed = run(KvMutation::Rollback {
        addr: addr.clone(),
        mount: "secret/".into(),
        path: path.into(),
        to_version: 1,
        current: 4,
    })
    .await;
    assert!(
        destroyed.is_err(),
        "no rollback to a destroyed version: {destroyed:?}"
    );

    // Settings.
    let update = MetadataUpdate {
        max_versions: Some(7),
        cas_required: Some(true),
        delete_version_after: Some("2h".into()),
        custom_metadata: Some([("owner".to_string(), "team-a".to_string())].into()),
    };
    run(KvMutation::WriteMetadata {
        addr: addr.clone(),
        mount: "secret/".into(),
        path: path.into(),
        update,
    })
    .await
    .expect("metadata write");
    let meta = c.kv_metadata("secret/", path).await.expect("metadata");
    assert_eq!((meta.max_versions, meta.cas_required), (7, true));
    assert_eq!(meta.delete_version_after, "2h0m0s");
    assert_eq!(meta.custom_metadata["owner"], "team-a");
    // cas_required: a write without cas is refused.
    let no_cas = c
        .kv_write("secret/", KvVersion::V2, path, &fields(&[("a", "b")]), None)
        .await;
    assert!(
        matches!(no_cas, Err(VaultError::Http { status: 400, .. })),
        "{no_cas:?}"
    );

    // Delete everything.
    run(KvMutation::DeleteMetadata {
        addr,
        mount: "secret/".into(),
        path: path.into(),
    })
    .await
    .expect("delete metadata");
    let gone = c.kv_read("secret/", KvVersion::V2, path, None).await;
    assert!(matches!(gone, Err(VaultError::NotFound { .. })), "{gone:?}");
    let gone = c.kv_metadata("secret/", path).await;
    assert!(matches!(gone, Err(VaultError::NotFound { .. })), "{gone:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_v1_write_read_delete() {
    let server = DevServer::start();
    let c = client(&server.addr, &server.root_token, None);
    call(
        &c,
        Method::POST,
        "sys/mounts/kv1",
        json!({"type": "kv", "options": {"version": "1"}}),
    )
    .await;
    c.kv_write(
        "kv1/",
        KvVersion::V1,
        "db/main",
        &fields(&[("password", "v1-secret")]),
        Some(5),
    )
    .await
    .expect("v1 write ignores cas");
    let d = c
        .kv_read("kv1/", KvVersion::V1, "db/main", None)
        .await
        .expect("read");
    assert_eq!(d.fields["password"].value.expose_secret(), "v1-secret");
    assert!(d.version.is_none());
    kv_write_with(
        &c,
        &KvMutation::Delete {
            addr: server.addr.clone(),
            mount: "kv1/".into(),
            kv: KvVersion::V1,
            path: "db/main".into(),
            versions: vec![],
        },
    )
    .await
    .expect("v1 delete");
    let gone = c.kv_read("kv1/", KvVersion::V1, "db/main", None).await;
    assert!(matches!(gone, Err(VaultError::NotFound { .. })), "{gone:?}");
    let meta = c
        .kv_write_metadata("kv1/", KvVersion::V1, "db/main", &MetadataUpdate::default())
        .await;
    assert!(meta.is_err(), "v1 has no metadata");
}

/// The worker's KV area as the screens use it: `:cd` resolution (folder, secret, mount root,
/// KV v1, not KV), a denied LIST, capabilities of a restricted token, a tagged read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_kv_area_resolves_paths_lists_and_checks_capabilities() {
    use strongroom::vault::kv_area::{KvReply, KvRequest, OpenAs, Resolved};
    use strongroom::vault::worker::Worker;

    let server = DevServer::start();
    let root = client(&server.addr, &server.root_token, None);
    call(
        &root,
        Method::POST,
        "sys/mounts/kv1",
        json!({"type": "kv", "options": {"version": "1"}}),
    )
    .await;
    call(
        &root,
        Method::POST,
        "sys/mounts/pki",
        json!({"type": "pki"}),
    )
    .await;
    for p in ["apps/payments/db", "apps/top"] {
        root.kv_write(
            "secret/",
            KvVersion::V2,
            p,
            &fields(&[("password", "strongroom-canary-live")]),
            None,
        )
        .await
        .expect("seed");
    }
    root.kv_write(
        "kv1/",
        KvVersion::V1,
        "legacy/db",
        &fields(&[("k", "v")]),
        None,
    )
    .await
    .expect("seed v1");
    let worker = Worker::new(&common::profile_for(
        std::slice::from_ref(&server.addr),
        Some(&server.root_token),
    ))
    .expect("worker");
    let resolve = |path: &str| {
        let worker = worker.clone();
        let addr = server.addr.clone();
        let path = path.to_string();
        async move {
            match worker
                .kv(KvRequest::Resolve {
                    addr,
                    path,
                    then: OpenAs::Browse,
                })
                .await
            {
                KvReply::Resolved { result, .. } => result,
                other => panic!("{other:?}"),
            }
        }
    };
    let r = |mount: &str, kv, path: &str| Resolved {
        mount: mount.into(),
        kv,
        path: path.into(),
    };
    assert_eq!(
        resolve("secret/apps").await,
        Ok(r("secret/", KvVersion::V2, "apps/"))
    );
    assert_eq!(
        resolve("secret/apps/payments/db").await,
        Ok(r("secret/", KvVersion::V2, "apps/payments/db"))
    );
    assert_eq!(resolve("secret").await, Ok(r("secret/", KvVersion::V2, "")));
    assert_eq!(
        resolve("/kv1/legacy/").await,
        Ok(r("kv1/", KvVersion::V1, "legacy/"))
    );
    assert!(matches!(
        resolve("pki/issue/x").await,
        Err(VaultError::Config(_))
    ));
    assert!(resolve("nosuchmount/x").await.is_err());

    // A token that may read one secret and list nothing.
    let token = kv_support::token_with_policy(
        &root,
        "one-secret",
        r#"path "secret/data/apps/payments/db" { capabilities = ["read"] }"#,
    )
    .await;
    let restricted = Worker::new(&common::profile_for(
        std::slice::from_ref(&server.addr),
        Some(&token),
    ))
    .expect("worker");
    let list = restricted
        .kv(KvRequest::List {
            addr: server.addr.clone(),
            mount: "secret/".into(),
            kv: KvVersion::V2,
            folder: "apps/".into(),
        })
        .await;
    assert!(
        matches!(
            list,
            KvReply::List {
                result: Err(VaultError::PermissionDenied { .. }),
                ..
            }
        ),
        "{list:?}"
    );
    let paths = vec![
        "secret/data/apps/payments/db".to_string(),
        "secret/metadata/apps/payments/db".to_string(),
    ];
    let caps = restricted
        .kv(KvRequest::Capabilities {
            addr: server.addr.clone(),
            paths: paths.clone(),
        })
        .await;
    let KvReply::Capabilities {
        result: Ok(caps), ..
    } = caps
    else {
        panic!("{caps:?}")
    };
    assert_eq!(caps[&paths[0]], ["read"]);
    assert_eq!(caps[&paths[1]], ["deny"]);
    let read = restricted
        .kv(KvRequest::Read {
            addr: server.addr.clone(),
            mount: "secret/".into(),
            kv: KvVersion::V2,
            path: "apps/payments/db".into(),
            version: None,
            tag: "reveal:password".into(),
        })
        .await;
    let KvReply::Read {
        tag,
        result: Ok(data),
        ..
    } = read
    else {
        panic!("{read:?}")
    };
    assert_eq!(tag, "reveal:password");
    assert_eq!(
        data.fields["password"].value.expose_secret(),
        "strongroom-canary-live"
    );
    // The reply's Debug never shows the value.
    assert!(!format!("{data:?}").contains("strongroom-canary"));
}
