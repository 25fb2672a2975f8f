//! Policies against a real `bao server -dev`: list and read (with OpenBao's version), the
//! capabilities of the console's token and of a restricted token on allowed and denied paths
//! (with the rules that decide), a policy saved from the screen through the gate with
//! check-and-set (a stale version refused with the server's message), a bad HCL text rejected
//! with the server's parse error, read-only mode refusing the save while the server keeps the
//! old text, a typed delete (root and default refused before asking), and the lint's findings on
//! real policies.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
mod leases_support;

use crossterm::event::KeyCode;
use reqwest::Method;
use serde_json::json;

use common::dev::DevServer;
use leases_support::{app_for, call, ctrl, key, keys, pump, worker_for, write_done};
use strongroom::app::App;
use strongroom::event::Msg;
use strongroom::reply::Reply;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::policies::{CapState, Load, Pane, PoliciesScreen};
use strongroom::vault::VaultClient;
use strongroom::vault::models::wrapping::SecretText;
use strongroom::write_gate::Confirmation;

const READER: &str = "path \"secret/data/apps/*\" {\n  capabilities = [\"read\", \"list\"]\n}\npath \"secret/data/apps/vault-admin\" {\n  capabilities = [\"deny\"]\n}\n";

fn client_with(dev: &DevServer, token: &str) -> VaultClient {
    let settings = strongroom::vault::ClientSettings {
        token: Some(std::sync::Arc::new(strongroom::secret::token_from(token))),
        ..Default::default()
    };
    VaultClient::connect(&dev.addr, settings).expect("client")
}

fn screen(app: &App) -> &PoliciesScreen {
    match app.screen() {
        Screen::Policies(s) => s,
        other => panic!("not on the policies screen: {}", other.title()),
    }
}

fn policies_reply(_: &App, m: &Msg) -> bool {
    matches!(
        m,
        Msg::Vault {
            reply: Reply::Policies(_),
            ..
        }
    )
}

/// A token with only the reader policy (and default).
async fn reader_token(root: &VaultClient) -> String {
    root.write_policy("apps-reader", READER, None)
        .await
        .expect("write apps-reader");
    let v = call(
        root,
        Method::POST,
        "auth/token/create",
        json!({"policies": ["apps-reader"], "ttl": "1h"}),
    )
    .await;
    v["auth"]["client_token"]
        .as_str()
        .expect("client_token")
        .to_string()
}

/// Open `:policies` and wait for the list.
async fn open(
    app: &mut App,
    handle: &strongroom::vault::worker::WorkerHandle,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
) {
    let cmds = app.run_command("policies");
    pump(app, handle, rx, cmds, policies_reply).await;
    assert!(
        matches!(screen(app).load, Load::Ready(_)),
        "{:?}",
        screen(app).load
    );
}

fn select(app: &mut App, name: &str) {
    app.update(key(KeyCode::Home));
    for _ in 0..50 {
        if screen(app).selected_entry().map(|e| e.name()) == Some(name) {
            return;
        }
        app.update(key(KeyCode::Down));
    }
    panic!("no policy {name} in the list");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_read_and_the_capabilities_of_a_restricted_token() {
    let dev = DevServer::start();
    let root = client_with(&dev, &dev.root_token);
    let reader = reader_token(&root).await;

    // The API: list, read with its version, capabilities of each token.
    let names = root.policy_names().await.expect("list");
    assert!(names.contains(&"apps-reader".to_string()) && names.contains(&"default".into()));
    let p = root.read_policy("apps-reader").await.expect("read");
    assert_eq!(p.policy, READER);
    assert_eq!(p.version, Some(1));
    assert_eq!(p.cas(), Some(1));
    assert_eq!(
        root.read_policy("nope")
            .await
            .map(|_| ())
            .err()
            .and_then(|e| e.status()),
        Some(404)
    );
    let restricted = client_with(&dev, &reader);
    assert_eq!(
        restricted
            .capabilities_self_on("secret/data/apps/db")
            .await
            .expect("caps"),
        vec!["list", "read"]
    );
    assert_eq!(
        restricted
            .capabilities_self_on("secret/data/apps/vault-admin")
            .await
            .expect("caps"),
        vec!["deny"]
    );
    assert_eq!(
        restricted
            .capabilities_self_on("sys/seal")
            .await
            .expect("caps"),
        vec!["deny"]
    );
    let token = SecretText::from(reader.clone());
    assert_eq!(
        root.capabilities_of(&token, "secret/data/apps/db")
            .await
            .expect("caps"),
        vec!["list", "read"]
    );
    // The default policy may not ask about other tokens; an unknown token is a 400.
    assert_eq!(
        restricted
            .capabilities_of(&token, "secret/data/apps/db")
            .await
            .err()
            .and_then(|e| e.status()),
        Some(403)
    );
    let bogus = SecretText::from("s.not-a-real-token-000000".to_string());
    assert_eq!(
        root.capabilities_of(&bogus, "x")
            .await
            .err()
            .and_then(|e| e.status()),
        Some(400)
    );
    let mut pols = root.token_policies(Some(&token)).await.expect("lookup");
    pols.sort();
    assert_eq!(pols, vec!["apps-reader", "default"]);
    assert_eq!(
        root.token_policies(None).await.expect("lookup-self"),
        vec!["root"]
    );

    // The screen, as root: the list with rule counts, then "why can't I read this?" for the
    // restricted token (typed into the masked input) on a denied path.
    let mut app = app_for(&dev.addr, &dev.root_token, false);
    let (handle, mut rx) = worker_for(&app);
    open(&mut app, &handle, &mut rx).await;
    let e = screen(&app).entry("apps-reader").expect("loaded");
    assert_eq!(e.parsed.rules.len(), 2);
    assert!(screen(&app).entry("root").is_some());
    app.update(key(KeyCode::Char('c')));
    keys(&mut app, "secret/data/apps/vault-admin");
    app.update(key(KeyCode::Enter));
    keys(&mut app, &reader);
    let cmds = app.update(key(KeyCode::Enter));
    pump(&mut app, &handle, &mut rx, cmds, policies_reply).await;
    let Pane::Capabilities(q) = &screen(&app).pane else {
        panic!("no capabilities pane: {:?}", screen(&app).pane);
    };
    assert!(q.other_token);
    let CapState::Ready(a) = &q.state else {
        panic!("no answer: {:?}", q.state);
    };
    assert_eq!(a.capabilities, vec!["deny"]);
    let x = screen(&app).explain(a);
    assert_eq!(
        x.explanation.decided,
        Some(("secret/data/apps/vault-admin".into(), vec!["deny".into()]))
    );
    assert_eq!(x.explanation.matches.len(), 2);
    assert!(x.unknown.is_empty(), "{:?}", x.unknown);
    // The token went with the request: nothing of it is left in the screen.
    assert!(!format!("{:?}", screen(&app)).contains(&reader));

    // The console's own (root) token on an allowed path.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('c')));
    keys(&mut app, "secret/data/apps/db");
    app.update(key(KeyCode::Enter));
    let cmds = app.update(key(KeyCode::Enter));
    pump(&mut app, &handle, &mut rx, cmds, policies_reply).await;
    let Pane::Capabilities(q) = &screen(&app).pane else {
        panic!("no capabilities pane");
    };
    let CapState::Ready(a) = &q.state else {
        panic!("no answer: {:?}", q.state);
    };
    assert!(!q.other_token);
    assert_eq!(a.capabilities, vec!["root"]);
    assert!(screen(&app).explain(a).root);

    // The restricted token may not list policies: a readable 403, and the console goes on.
    let mut app = app_for(&dev.addr, &reader, false);
    let (handle, mut rx) = worker_for(&app);
    let cmds = app.run_command("policies");
    pump(&mut app, &handle, &mut rx, cmds, policies_reply).await;
    let Load::Failed(e) = &screen(&app).load else {
        panic!("not failed: {:?}", screen(&app).load);
    };
    assert_eq!(e.status(), Some(403));
    assert_eq!(e.to_string(), "permission denied");
    // Its own capabilities still work from here.
    app.update(key(KeyCode::Char('c')));
    keys(&mut app, "secret/data/apps/db");
    app.update(key(KeyCode::Enter));
    let cmds = app.update(key(KeyCode::Enter));
    pump(&mut app, &handle, &mut rx, cmds, policies_reply).await;
    let Pane::Capabilities(q) = &screen(&app).pane else {
        panic!("no capabilities pane");
    };
    let CapState::Ready(a) = &q.state else {
        panic!("no answer: {:?}", q.state);
    };
    assert_eq!(a.capabilities, vec!["list", "read"]);
    // Its policies are known (lookup-self), their rules are not (not readable here).
    let x = screen(&app).explain(a);
    assert_eq!(x.unknown, vec!["apps-reader", "default"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_save_with_cas_bad_hcl_read_only_and_delete() {
    let dev = DevServer::start();
    let root = client_with(&dev, &dev.root_token);
    root.write_policy("apps-reader", READER, None)
        .await
        .expect("write");
    root.write_policy(
        "ops-admin",
        "path \"sys/*\" {\n  capabilities = [\"create\", \"update\", \"sudo\"]\n}\n",
        None,
    )
    .await
    .expect("write");

    let mut app = app_for(&dev.addr, &dev.root_token, false);
    let (handle, mut rx) = worker_for(&app);
    open(&mut app, &handle, &mut rx).await;

    // The lint on real policies: ops-admin is root-like and reaches sys/raw without a deny.
    let kinds: Vec<&str> = screen(&app)
        .entry("ops-admin")
        .expect("loaded")
        .findings
        .iter()
        .map(|f| f.kind)
        .collect();
    assert!(
        kinds.contains(&"root-like") && kinds.contains(&"no deny"),
        "{kinds:?}"
    );
    assert!(
        screen(&app)
            .entry("apps-reader")
            .expect("loaded")
            .findings
            .is_empty()
    );

    // Edit apps-reader: a comment line on top, ctrl-s shows the diff, enter asks, y saves.
    select(&mut app, "apps-reader");
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Char('e')));
    keys(&mut app, "# reviewed");
    app.update(key(KeyCode::Enter));
    app.update(ctrl('s'));
    let Pane::Diff(e) = &screen(&app).pane else {
        panic!("no diff: {:?}", screen(&app).pane);
    };
    assert_eq!(strongroom::policy::diff::counts(&e.diff), (1, 0));
    assert_eq!(e.cas, Some(1));
    app.update(key(KeyCode::Enter));
    assert_eq!(
        app.gate.pending().map(|p| p.confirmation.clone()),
        Some(Confirmation::YesNo)
    );
    let cmds = app.update(key(KeyCode::Char('y')));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    pump(&mut app, &handle, &mut rx, Vec::new(), policies_reply).await;
    let p = root.read_policy("apps-reader").await.expect("read");
    assert_eq!(p.version, Some(2));
    assert!(p.policy.starts_with("# reviewed\npath"), "{}", p.policy);
    assert!(matches!(&screen(&app).pane, Pane::View { name, .. } if name == "apps-reader"));
    assert_eq!(
        screen(&app)
            .entry("apps-reader")
            .expect("entry")
            .policy
            .version,
        Some(2)
    );

    // Someone else saves meanwhile: the check-and-set refuses ours with the server's message.
    app.update(key(KeyCode::Char('e')));
    keys(&mut app, "# mine");
    app.update(key(KeyCode::Enter));
    root.write_policy("apps-reader", READER, None)
        .await
        .expect("their write");
    app.update(ctrl('s'));
    app.update(key(KeyCode::Enter));
    let cmds = app.update(key(KeyCode::Char('y')));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    let Pane::Edit(e) = &screen(&app).pane else {
        panic!("not back in the editor: {:?}", screen(&app).pane);
    };
    let err = e.error.clone().unwrap_or_default();
    assert!(
        err.contains("check-and-set") && err.contains("did not match"),
        "{err}"
    );
    assert_eq!(
        root.read_policy("apps-reader").await.expect("read").version,
        Some(3)
    );
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Esc));
    assert!(
        matches!(screen(&app).pane, Pane::List),
        "{:?}",
        screen(&app).pane
    );

    // A new policy with bad HCL: the server's parse error comes back under the text.
    app.update(key(KeyCode::Char('n')));
    keys(&mut app, "broken");
    app.update(key(KeyCode::Enter));
    keys(&mut app, "path \"x\" { capabilities = [\"reed\"] }");
    app.update(key(KeyCode::Enter));
    app.update(ctrl('s'));
    let Pane::Diff(e) = &screen(&app).pane else {
        panic!("no diff");
    };
    assert_eq!(e.cas, Some(-1));
    app.update(key(KeyCode::Enter));
    let cmds = app.update(key(KeyCode::Char('y')));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    let Pane::Edit(e) = &screen(&app).pane else {
        panic!("not back in the editor");
    };
    let err = e.error.clone().unwrap_or_default();
    assert!(
        err.contains("failed to parse policy") && err.contains("reed"),
        "{err}"
    );
    assert_eq!(
        root.read_policy("broken")
            .await
            .map(|_| ())
            .err()
            .and_then(|e| e.status()),
        Some(404)
    );
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Esc));

    // Delete: default is refused before asking; ops-admin needs the typed phrase.
    select(&mut app, "default");
    let cmds = app.update(key(KeyCode::Char('d')));
    assert!(cmds.is_empty() && app.gate.pending().is_none());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("cannot be deleted"))
    );
    select(&mut app, "ops-admin");
    app.update(key(KeyCode::Char('d')));
    assert_eq!(
        app.gate.pending().map(|p| p.confirmation.clone()),
        Some(Confirmation::Typed {
            phrase: "delete policy ops-admin".into()
        })
    );
    keys(&mut app, "delete policy ops-admin");
    let cmds = app.update(key(KeyCode::Enter));
    pump(&mut app, &handle, &mut rx, cmds, write_done).await;
    pump(&mut app, &handle, &mut rx, Vec::new(), policies_reply).await;
    assert!(
        !root
            .policy_names()
            .await
            .expect("list")
            .contains(&"ops-admin".to_string())
    );
    assert!(screen(&app).entry("ops-admin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_mode_refuses_the_save() {
    let dev = DevServer::start();
    let root = client_with(&dev, &dev.root_token);
    root.write_policy("apps-reader", READER, None)
        .await
        .expect("write");
    let mut app = app_for(&dev.addr, &dev.root_token, true);
    let (handle, mut rx) = worker_for(&app);
    open(&mut app, &handle, &mut rx).await;
    select(&mut app, "apps-reader");
    app.update(key(KeyCode::Char('e')));
    keys(&mut app, "# nope");
    app.update(key(KeyCode::Enter));
    app.update(ctrl('s'));
    let cmds = app.update(key(KeyCode::Enter));
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, strongroom::command::Command::Write { .. })),
        "{cmds:?}"
    );
    assert!(app.gate.pending().is_none());
    assert!(
        app.toasts.iter().any(|t| t
            .text
            .contains("read-only mode: writing a policy is not allowed")),
        "{:?}",
        app.toasts
    );
    let Pane::Diff(e) = &screen(&app).pane else {
        panic!("the diff stays");
    };
    assert!(!e.saving);
    let p = root.read_policy("apps-reader").await.expect("read");
    assert_eq!((p.version, p.policy.as_str()), (Some(1), READER));
}
