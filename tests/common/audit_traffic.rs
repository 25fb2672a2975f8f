//! A dev server with a file audit device and traffic whose shape the audit tests know: reads,
//! writes, denied requests, failed logins, a long-TTL token, policy changes, and requests from a
//! second loopback address (127.0.0.2: Linux routes all of 127/8 to `lo`).
//!
//! Use: `let t = AuditTraffic::start();` then read `t.server.audit_log()` or the file at
//! `t.log_path()`. The counts below are what the traffic made (the test checks them against the
//! log); `PAYMENTS_VALUE` is a canary that must never appear in output.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;
use std::time::Duration;

use super::dev::{DevServer, http_exchange, http_request};

/// The secret the traffic writes and reads (at `secret/data/apps/payments`).
pub const PAYMENTS_PATH: &str = "secret/data/apps/payments";
/// Its value: a canary, never to be printed by strongroom.
pub const PAYMENTS_VALUE: &str = "canary-audit-7f3a9c-payments";
/// The userpass user whose logins fail `FAILED_LOGINS` times from 127.0.0.2, then succeed (a
/// fifth failure would lock the user out: OpenBao's default user lockout).
pub const USER: &str = "alice";
pub const FAILED_LOGINS: usize = 4;
/// Reads of the payments secret by the `reader` token from 127.0.0.1 (the baseline), then
/// `BURST_READS` reads of `secret/data/apps/burst` in a burst (volume above 3× baseline).
pub const READER_READS: usize = 3;
pub const BURST_READS: usize = 20;
/// The long-TTL token's TTL (700h); the other tokens have 1h.
pub const LONG_TTL_SECS: i64 = 700 * 3600;

pub struct AuditTraffic {
    pub server: DevServer,
    /// A token with the `reader` policy (reads secret/data/apps/*), TTL 1h.
    pub reader_token: String,
    pub reader_accessor: String,
    /// A token with only `default`, TTL 1h: its reads of the payments secret are denied.
    pub denied_token: String,
    pub denied_accessor: String,
    /// A token created with TTL 700h (`LONG_TTL_SECS`, unusually long; the dev server caps at 768h).
    pub long_ttl_accessor: String,
    /// alice's token after her successful login (from 127.0.0.2).
    pub alice_token: String,
}

fn call(
    server: &DevServer,
    from: Ipv4Addr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, String) {
    if from == Ipv4Addr::LOCALHOST {
        return http_request(server.port, method, path, token, body)
            .expect("request to the dev server");
    }
    http_request_from(from, server.port, method, path, token, body)
        .expect("request from a second loopback address")
}

/// `http_request` with the client socket bound to `from` (any 127.x.y.z address).
pub fn http_request_from(
    from: Ipv4Addr,
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, String)> {
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).ok()?;
    sock.bind(&SocketAddrV4::new(from, 0).into()).ok()?;
    sock.connect_timeout(
        &SocketAddrV4::new(Ipv4Addr::LOCALHOST, port).into(),
        Duration::from_secs(5),
    )
    .ok()?;
    http_exchange(sock.into(), method, path, token, body)
}

fn field(body: &str, path: &[&str]) -> String {
    let v: serde_json::Value = serde_json::from_str(body).expect("a JSON answer");
    let mut cur = &v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().unwrap_or_default().to_string()
}

const LOCAL: Ipv4Addr = Ipv4Addr::LOCALHOST;
const OTHER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

impl AuditTraffic {
    /// Start the server and make the traffic (a few seconds).
    pub fn start() -> AuditTraffic {
        Self::start_on(DevServer::start_with_audit())
    }

    /// The same traffic on a server whose audit device names its file by an absolute path
    /// (found on this machine through `sys/audit`, as `:audit` and runbooks do).
    pub fn start_abs() -> AuditTraffic {
        Self::start_on(DevServer::start_with_abs_audit())
    }

    fn start_on(server: DevServer) -> AuditTraffic {
        let root = server.root_token.clone();
        let r = Some(root.as_str());
        // Writes by root.
        let body = format!("{{\"data\":{{\"api_key\":\"{PAYMENTS_VALUE}\"}}}}");
        assert_eq!(
            call(
                &server,
                LOCAL,
                "POST",
                &format!("/v1/{PAYMENTS_PATH}"),
                r,
                &body
            )
            .0,
            200
        );
        assert_eq!(
            call(
                &server,
                LOCAL,
                "POST",
                "/v1/secret/data/apps/burst",
                r,
                "{\"data\":{\"k\":\"v\"}}"
            )
            .0,
            200
        );
        // A policy change (create, then update).
        let reader = r#"{"policy":"path \"secret/data/apps/*\" { capabilities = [\"read\"] }"}"#;
        assert_eq!(
            call(
                &server,
                LOCAL,
                "PUT",
                "/v1/sys/policies/acl/reader",
                r,
                reader
            )
            .0,
            204
        );
        let reader2 =
            r#"{"policy":"path \"secret/data/apps/*\" { capabilities = [\"read\", \"list\"] }"}"#;
        assert_eq!(
            call(
                &server,
                LOCAL,
                "PUT",
                "/v1/sys/policies/acl/reader",
                r,
                reader2
            )
            .0,
            204
        );
        // Tokens: a reader (1h), a default-only one (1h), a long-TTL one (700h).
        let (c, b) = call(
            &server,
            LOCAL,
            "POST",
            "/v1/auth/token/create",
            r,
            r#"{"policies":["reader"],"ttl":"1h","display_name":"reader"}"#,
        );
        assert_eq!(c, 200, "{b}");
        let (reader_token, reader_accessor) = (
            field(&b, &["auth", "client_token"]),
            field(&b, &["auth", "accessor"]),
        );
        let (c, b) = call(
            &server,
            LOCAL,
            "POST",
            "/v1/auth/token/create",
            r,
            r#"{"policies":["default"],"ttl":"1h","display_name":"nosy"}"#,
        );
        assert_eq!(c, 200, "{b}");
        let (denied_token, denied_accessor) = (
            field(&b, &["auth", "client_token"]),
            field(&b, &["auth", "accessor"]),
        );
        let (c, b) = call(
            &server,
            LOCAL,
            "POST",
            "/v1/auth/token/create",
            r,
            r#"{"policies":["default"],"ttl":"700h","display_name":"forever"}"#,
        );
        assert_eq!(c, 200, "{b}");
        let long_ttl_accessor = field(&b, &["auth", "accessor"]);
        // The reader reads the payments secret from 127.0.0.1 (its usual address) …
        for _ in 0..READER_READS {
            assert_eq!(
                call(
                    &server,
                    LOCAL,
                    "GET",
                    &format!("/v1/{PAYMENTS_PATH}"),
                    Some(&reader_token),
                    ""
                )
                .0,
                200
            );
        }
        // … then once from a new address.
        assert_eq!(
            call(
                &server,
                OTHER,
                "GET",
                &format!("/v1/{PAYMENTS_PATH}"),
                Some(&reader_token),
                ""
            )
            .0,
            200
        );
        // A burst on one path.
        for _ in 0..BURST_READS {
            assert_eq!(
                call(
                    &server,
                    LOCAL,
                    "GET",
                    "/v1/secret/data/apps/burst",
                    Some(&reader_token),
                    ""
                )
                .0,
                200
            );
        }
        // Denied: a default-only token, and a bad token.
        assert_eq!(
            call(
                &server,
                LOCAL,
                "GET",
                &format!("/v1/{PAYMENTS_PATH}"),
                Some(&denied_token),
                ""
            )
            .0,
            403
        );
        assert_eq!(
            call(
                &server,
                LOCAL,
                "GET",
                &format!("/v1/{PAYMENTS_PATH}"),
                Some("s.notavalidtokenatall00000"),
                ""
            )
            .0,
            403
        );
        // userpass: alice fails FAILED_LOGINS times from 127.0.0.2, then logs in.
        assert_eq!(
            call(
                &server,
                LOCAL,
                "POST",
                "/v1/sys/auth/userpass",
                r,
                r#"{"type":"userpass"}"#
            )
            .0,
            204
        );
        assert_eq!(
            call(
                &server,
                LOCAL,
                "POST",
                &format!("/v1/auth/userpass/users/{USER}"),
                r,
                r#"{"password":"right-pw","token_policies":"reader"}"#
            )
            .0,
            204
        );
        for _ in 0..FAILED_LOGINS {
            let c = call(
                &server,
                OTHER,
                "POST",
                &format!("/v1/auth/userpass/login/{USER}"),
                None,
                r#"{"password":"wrong"}"#,
            )
            .0;
            assert_eq!(c, 400);
        }
        let (c, b) = call(
            &server,
            OTHER,
            "POST",
            &format!("/v1/auth/userpass/login/{USER}"),
            None,
            r#"{"password":"right-pw"}"#,
        );
        assert_eq!(c, 200, "{b}");
        let alice_token = field(&b, &["auth", "client_token"]);
        // alice (a human auth method) reads the payments secret.
        assert_eq!(
            call(
                &server,
                OTHER,
                "GET",
                &format!("/v1/{PAYMENTS_PATH}"),
                Some(&alice_token),
                ""
            )
            .0,
            200
        );
        // A policy deleted.
        assert_eq!(
            call(
                &server,
                LOCAL,
                "PUT",
                "/v1/sys/policies/acl/tmp",
                r,
                r#"{"policy":"path \"x\" { capabilities = [\"read\"] }"}"#
            )
            .0,
            204
        );
        assert_eq!(
            call(&server, LOCAL, "DELETE", "/v1/sys/policies/acl/tmp", r, "").0,
            204
        );
        AuditTraffic {
            server,
            reader_token,
            reader_accessor,
            denied_token,
            denied_accessor,
            long_ttl_accessor,
            alice_token,
        }
    }

    /// The audit log file (grows while the server runs).
    pub fn log_path(&self) -> PathBuf {
        self.server.dir().join("audit.log")
    }
}
