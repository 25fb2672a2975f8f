//! Rekey against a real 3-node OpenBao raft cluster, through the app, the gate and the worker: a
//! wrong share set (progress back to 0), a duplicate share, cancel, a rekey to new 5/3 (old shares
//! no longer unseal a restarted node, new ones do), a rekey with verification (a duplicate in the
//! verification gives a new nonce, then three new shares verify), read-only mode. Then the
//! canary: no share or root token in any file the flow wrote, nor in a `{:?}` or a render.
#![allow(clippy::expect_used, clippy::too_many_lines)]

mod ceremony_support;
mod common;

use crossterm::event::KeyCode;

use ceremony_support::{
    Harness, canary, ch, gpg_decrypt, gpg_key, key, spoil, take_all, unseal_with,
};
use common::cluster::TestCluster;
use strongroom::command::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rekey_end_to_end_with_verification_cancel_and_wrong_shares() {
    let tmp = tempfile::Builder::new()
        .prefix("strongroom-rekey-")
        .tempdir()
        .expect("temp dir");
    let log_dir = tmp.path().join("log");
    std::fs::create_dir_all(&log_dir).expect("log dir");
    let guard = strongroom::logging::init(Some("trace"), &log_dir)
        .expect("logging")
        .expect("a guard");

    let mut cluster = TestCluster::start();
    let old = cluster.shares();
    let root = cluster.root_token();
    let mut seen: Vec<String> = old.clone();
    seen.push(root.clone());
    let profile = cluster.profile();

    // Read-only mode refuses the start.
    let mut ro = Harness::new(&profile, true);
    ro.command("rekey").await;
    let cmds = ro.feed(ch('s')).await;
    assert!(!cmds.iter().any(|c| matches!(c, Command::Write { .. })));

    let mut h = Harness::new(&profile, false);
    h.command("rekey").await;
    assert_eq!(h.progress(), (0, false));
    assert!(!h.rekey().status.as_ref().expect("s").legacy);
    assert!(h.render().contains("none in progress"));

    // Start (typed confirmation), then a wrong share set: progress back to 0.
    h.confirmed('s', Some("rekey")).await;
    assert_eq!(h.progress(), (0, true), "{:?}", h.rekey().error);
    assert!(h.rekey().entering);
    h.share(&old[0]).await;
    assert_eq!(h.progress().0, 1);
    h.share(&old[1]).await;
    let bad = spoil(&old[2]);
    seen.push(bad.clone());
    h.share(&bad).await;
    let err = h.rekey().error.clone().expect("wrong share refused");
    assert!(err.contains("400"), "{err}");
    assert_eq!(h.progress(), (0, true), "progress back to 0");
    // A duplicate share.
    h.share(&old[0]).await;
    h.share(&old[0]).await;
    let err = h.rekey().error.clone().expect("duplicate refused");
    assert!(err.contains("already been provided"), "{err}");
    // A wrong nonce (through the worker, as the screen would send it): 400, said plainly.
    let worker = strongroom::vault::worker::Worker::new(&profile).expect("worker");
    let addr = h.rekey().addr.clone().expect("addr");
    let r = worker
        .write_one(&strongroom::write_gate::Mutation::Rekey(
            strongroom::write_gate::rekey::RekeyMutation::Update {
                addr,
                share: strongroom::vault::models::wrapping::SecretText::from(old[1].as_str()),
                nonce: "00000000-0000-0000-0000-000000000000".into(),
            },
        ))
        .await;
    match &r.result {
        Err(e) => assert_eq!(e.status(), Some(400), "{e}"),
        Ok(_) => panic!("a wrong nonce is refused"),
    }
    // Cancel.
    h.feed(key(KeyCode::Esc)).await;
    h.confirmed('X', None).await;
    assert_eq!(h.progress(), (0, false), "cancelled");

    // Rekey to new 5/3.
    h.confirmed('s', Some("rekey")).await;
    for s in &old[..3] {
        h.share(s).await;
    }
    assert!(h.rekey().finished, "{:?}", h.rekey().error);
    assert_eq!(h.rekey().secrets.items().len(), 5);
    let new = take_all(&mut h, true, &mut seen).await;

    // A restarted standby: the old shares no longer unseal it, the new ones do.
    let active = cluster.active_index().expect("an active node");
    let standby = (active + 1) % 3;
    let addr = cluster.addrs()[standby].clone();
    // Let the standby apply the new seal configuration before it goes down (a node restarted
    // right after the rekey may come back with the old one from its own raft store).
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    cluster.restart_node(standby);
    let r = unseal_with(&addr, &old[..3]).await;
    assert!(r.is_err(), "old shares refused: {r:?}");
    let ok = unseal_with(&addr, &new[..3]).await.expect("new shares");
    assert!(ok, "unsealed with the new shares");
    cluster.set_credentials(new.clone(), 3, &root);
    cluster.unseal_all();

    // Rekey with verification.
    h.feed(ch('v')).await;
    assert!(h.rekey().require_verification);
    h.confirmed('s', Some("rekey")).await;
    assert!(
        h.rekey().status.as_ref().expect("s").verification_required,
        "{:?}",
        h.rekey().error
    );
    for s in &new[..3] {
        h.share(s).await;
    }
    let nonce = h.rekey().verify_nonce.clone().expect("verification nonce");
    assert!(!h.rekey().finished);
    assert!(h.render().contains("waiting for verification"));
    let newer = take_all(&mut h, true, &mut seen).await;
    // A duplicate in the verification fails at the threshold and gives a new nonce.
    h.share(&newer[0]).await;
    h.share(&newer[0]).await;
    h.share(&newer[1]).await;
    let err = h.rekey().error.clone().expect("verification refused");
    assert!(err.contains("duplicate"), "{err}");
    let nonce2 = h.rekey().verify_nonce.clone().expect("a nonce");
    assert_ne!(nonce, nonce2, "a new verification nonce, read again");
    for s in &newer[..3] {
        h.share(s).await;
    }
    assert!(h.rekey().finished, "{:?}", h.rekey().error);
    assert!(h.rekey().verify_nonce.is_none());
    let standby = (cluster.active_index().expect("active") + 2) % 3;
    let addr = cluster.addrs()[standby].clone();
    // Let the standby apply the new seal configuration before it goes down (a node restarted
    // right after the rekey may come back with the old one from its own raft store).
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    cluster.restart_node(standby);
    let r = unseal_with(&addr, &new[..3]).await;
    assert!(r.is_err(), "the previous shares are refused: {r:?}");
    assert!(
        unseal_with(&addr, &newer[..3])
            .await
            .expect("newest shares")
    );
    cluster.set_credentials(newer.clone(), 3, &root);
    cluster.unseal_all();

    // A rekey to PGP-encrypted shares (3 of them, threshold 2, one throwaway key thrice): each
    // holder decrypts theirs; the decrypted shares unseal a restarted node.
    let home = tmp.path().join("gnupg");
    let (_fpr, public) = gpg_key(&home);
    h.feed(ch('v')).await;
    assert!(!h.rekey().require_verification);
    for (field, text) in [
        ("3".to_string(), 0usize),
        ("2".to_string(), 1),
        (format!("{public},{public},{public}"), 2),
    ]
    .into_iter()
    .map(|(t, f)| (f, t))
    {
        h.edit_field(field, &text).await;
    }
    h.confirmed('s', Some("rekey")).await;
    assert!(h.progress().1, "PGP start: {:?}", h.rekey().error);
    for s in &newer[..3] {
        h.share(s).await;
    }
    assert!(h.rekey().finished, "{:?}", h.rekey().error);
    assert_eq!(h.rekey().secrets.items().len(), 3);
    let encrypted = take_all(&mut h, true, &mut seen).await;
    let plain: Vec<String> = encrypted
        .iter()
        .map(|e| gpg_decrypt(&home, e).trim().to_string())
        .collect();
    seen.extend(plain.iter().cloned());
    let _ = std::fs::remove_file(home.join("token.gpg"));
    let standby = (cluster.active_index().expect("active") + 1) % 3;
    let addr = cluster.addrs()[standby].clone();
    // Let the standby apply the new seal configuration before it goes down (a node restarted
    // right after the rekey may come back with the old one from its own raft store).
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    cluster.restart_node(standby);
    assert!(
        unseal_with(&addr, &plain[..2])
            .await
            .expect("decrypted shares")
    );
    cluster.set_credentials(plain.clone(), 2, &root);
    cluster.unseal_all();

    let dbg = format!("{:?}", h.app.screen());
    for s in &seen {
        assert!(!dbg.contains(s.as_str()));
    }
    tracing::info!("rekey test done");
    drop(guard);
    canary(&[tmp.path(), cluster.dir()], &seen);
}
