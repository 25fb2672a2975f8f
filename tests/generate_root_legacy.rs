//! The legacy fallback of generate-root: where `sys/generate-root-token/*` answers 405 (or 404),
//! the calls go to the unauthenticated `sys/generate-root/*` (answers without the `data`
//! envelope), against a small loopback server that records what reached it.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/hostile.rs"]
#[allow(dead_code)]
mod hostile;

#[test]
fn legacy_endpoints_are_used_where_the_current_ones_answer_405() {
    let server = hostile::HostileServer::start(|seen| {
        let p = seen.path();
        if p.starts_with("/v1/sys/generate-root-token/") {
            hostile::Reply::json(
                405,
                &serde_json::json!({"errors": ["unsupported operation"]}),
            )
        } else if p == "/v1/sys/generate-root/attempt" && seen.method == "GET" {
            hostile::Reply::json(
                200,
                &serde_json::json!({"started": false, "progress": 0,
                "required": 3, "complete": false, "otp_length": 26, "nonce": "", "pgp_fingerprint": ""}),
            )
        } else if p == "/v1/sys/generate-root/attempt" && seen.method == "PUT" {
            hostile::Reply::json(
                200,
                &serde_json::json!({"nonce": "4522aa", "started": true,
                "progress": 0, "required": 3, "complete": false, "encoded_token": "",
                "encoded_root_token": "", "pgp_fingerprint": "", "otp": "", "otp_length": 26}),
            )
        } else if p == "/v1/sys/generate-root/attempt" && seen.method == "DELETE" {
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
        let st = c.generate_root_status().await.expect("status");
        assert!(st.legacy && !st.started && st.required == 3);
        let otp = strongroom::vault::generate_root::generate_otp(26).expect("otp");
        let st = c
            .generate_root_start(Some(&otp), None)
            .await
            .expect("start");
        assert!(st.legacy && st.started);
        assert_eq!(st.nonce, "4522aa");
        c.generate_root_cancel().await.expect("cancel");
    });
    let paths: Vec<String> = server
        .seen()
        .iter()
        .map(|s| format!("{} {}", s.method, s.path()))
        .collect();
    assert_eq!(
        paths,
        vec![
            "GET /v1/sys/generate-root-token/attempt",
            "GET /v1/sys/generate-root/attempt",
            "PUT /v1/sys/generate-root-token/attempt",
            "PUT /v1/sys/generate-root/attempt",
            "DELETE /v1/sys/generate-root-token/attempt",
            "DELETE /v1/sys/generate-root/attempt",
        ]
    );
}
