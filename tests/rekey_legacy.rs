//! The legacy fallback of rekey: where `sys/rotate/root/*` answers 405 (or 404), the calls go to
//! the unauthenticated `sys/rekey/*` (answers without the `data` envelope), against a small
//! loopback server that records what reached it; the new shares of the bare answer are read.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/hostile.rs"]
#[allow(dead_code)]
mod hostile;

use strongroom::vault::models::wrapping::SecretText;
use strongroom::vault::rekey::RekeyStart;

#[test]
fn legacy_endpoints_are_used_where_the_current_ones_answer_405() {
    let server = hostile::HostileServer::start(|seen| {
        let p = seen.path();
        if p.starts_with("/v1/sys/rotate/root/") {
            hostile::Reply::json(
                405,
                &serde_json::json!({"errors": ["unsupported operation"]}),
            )
        } else if p == "/v1/sys/rekey/init" && seen.method == "GET" {
            hostile::Reply::json(
                200,
                &serde_json::json!({"started": false, "n": 0, "t": 0, "progress": 0, "required": 3}),
            )
        } else if p == "/v1/sys/rekey/init" && seen.method == "PUT" {
            hostile::Reply::json(
                200,
                &serde_json::json!({"nonce": "77aa", "started": true, "n": 5, "t": 3,
                "progress": 0, "required": 3, "verification_required": false}),
            )
        } else if p == "/v1/sys/rekey/update" {
            hostile::Reply::json(
                200,
                &serde_json::json!({"nonce": "77aa", "complete": true,
                "keys_base64": ["bmV3MQ==", "bmV3Mg=="], "verification_nonce": ""}),
            )
        } else if p == "/v1/sys/rekey/init" && seen.method == "DELETE" {
            hostile::Reply::Body {
                status: 204,
                body: Vec::new(),
            }
        } else {
            hostile::Reply::json(404, &serde_json::json!({"errors": []}))
        }
    });
    let profile = strongroom::config::ConnectionProfile {
        token: Some(std::sync::Arc::new(strongroom::secret::token_from(
            "s.fixture",
        ))),
        token_source: strongroom::config::TokenSource::Flag,
        ..strongroom::config::ConnectionProfile::new("t", vec![server.addr.clone()])
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let w = strongroom::vault::worker::Worker::new(&profile).expect("worker");
        let c = w.client(&server.addr).expect("client");
        let st = c.rekey_status().await.expect("status");
        assert!(st.legacy && !st.started && st.required == 3);
        let st = c
            .rekey_start(&RekeyStart {
                shares: 5,
                threshold: 3,
                ..RekeyStart::default()
            })
            .await
            .expect("start");
        assert!(st.legacy && st.started && st.n == 5);
        let st = c
            .rekey_update(&SecretText::from("c2hhcmU="), "77aa")
            .await
            .expect("update");
        assert!(st.complete && st.keys.len() == 2);
        assert_eq!(st.keys[0].expose(), "bmV3MQ==");
        c.rekey_cancel().await.expect("cancel");
    });
    let paths: Vec<String> = server
        .seen()
        .iter()
        .map(|s| format!("{} {}", s.method, s.path()))
        .collect();
    assert_eq!(
        paths,
        vec![
            "GET /v1/sys/rotate/root/init",
            "GET /v1/sys/rekey/init",
            "PUT /v1/sys/rotate/root/init",
            "PUT /v1/sys/rekey/init",
            "PUT /v1/sys/rotate/root/update",
            "PUT /v1/sys/rekey/update",
            "DELETE /v1/sys/rotate/root/init",
            "DELETE /v1/sys/rekey/init",
        ]
    );
}
