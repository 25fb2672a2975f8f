//! A real PostgreSQL server for the live tests, through the console's own manager
//! (`strongroom::sandbox::postgres`): on 127.0.0.1, stopped by PID when the last test of the
//! binary holding it is done (also when one fails: the guard drops while unwinding). Tests
//! running at the same time share one server; each gets its own roles so they do not meet.

use std::sync::{Arc, Mutex, Weak};

use secrecy::SecretString;
use strongroom::sandbox::postgres::{PgError, Postgres};
use strongroom::sandbox::seed_db::{DbTarget, configure_database};
use strongroom::vault::VaultClient;

/// The server and the temporary directory it lives in (dropped in this order).
pub struct PgServer {
    pub pg: Postgres,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for PgServer {
    type Target = Postgres;
    fn deref(&self) -> &Postgres {
        &self.pg
    }
}

static SHARED: Mutex<Weak<PgServer>> = Mutex::new(Weak::new());

/// The binary's PostgreSQL server: started on first use, stopped when no test holds it.
pub fn shared() -> Arc<PgServer> {
    let mut slot = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(pg) = slot.upgrade() {
        return pg;
    }
    let pg = Arc::new(start());
    *slot = Arc::downgrade(&pg);
    pg
}

/// A server of its own. Never a silent skip: without PostgreSQL the test fails and says how
/// to get it (CI runs `scripts/test`, which installs it).
pub fn start() -> PgServer {
    let dir = tempfile::Builder::new()
        .prefix("strongroom-pgtest-")
        .tempdir()
        .expect("tempdir");
    match Postgres::start(dir.path()) {
        Ok(pg) => PgServer { pg, _dir: dir },
        Err(e) => panic!("{}", missing_message(&e)),
    }
}

fn missing_message(e: &PgError) -> String {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    format!(
        "this test needs a real PostgreSQL server: {e}{}",
        if ci {
            " (CI=true: `bash scripts/test` installs PostgreSQL before running the tests)"
        } else {
            ""
        }
    )
}

/// A superuser of this test's own (so a root rotation elsewhere does not lock it out) and the
/// mount target using it; generated user names start with `prefix`.
pub fn target_for(pg: &Postgres, prefix: &str) -> (String, DbTarget) {
    let user = format!("vault_{prefix}");
    let password: SecretString = pg
        .create_role(&user, true)
        .unwrap_or_else(|e| panic!("creating {user}: {e}"));
    let target = DbTarget {
        url_template: pg.template_url(),
        username: user.clone(),
        password,
        username_template: Some(format!(
            "{{{{ printf \"{prefix}-%s-%s\" (.RoleName | truncate 8) (random 16) }}}}"
        )),
    };
    (user, target)
}

/// `database/` on a dev server, pointed at `pg` as this test's own superuser, with the role
/// `readonly` (1 h, at most 24 h). Returns that superuser and the target (its password).
pub async fn database_mount(
    client: &VaultClient,
    pg: &Postgres,
    prefix: &str,
) -> (String, DbTarget) {
    let (user, target) = target_for(pg, prefix);
    configure_database(client, "database", &target)
        .await
        .unwrap_or_else(|e| panic!("configuring database/: {e}"));
    (user, target)
}
