//! Unit tests of the runbook loader (the fixtures in `tests/fixtures/runbook_invalid/` cover
//! every message; `tests/runbooks.rs` checks them).

use super::*;

fn load(text: &str) -> Result<Runbook, Vec<String>> {
    parse_runbook(text, "t.toml", "t", RunbookSource::BuiltIn("t.toml".into()))
}

#[test]
fn a_good_runbook_loads() {
    let rb = load(
        r#"
title = "T"
[[steps]]
id = "path"
kind = "input"
title = "Which secret?"
var = "secret_path"
[[steps]]
id = "rotate"
kind = "vault"
title = "Rotate"
op = "kv.write_new_version"
args = { path = "{{secret_path}}", field = "password" }
contains = true
[[steps]]
id = "search"
kind = "vault"
title = "Who read it"
op = "audit.search"
args = { path = "{{secret_path}}", since = "{{detected_at}}" }
out = "readers"
[[steps]]
id = "revoke"
kind = "vault"
title = "Revoke them"
when = "readers"
op = "token.revoke_matching"
args = { audit_accessors = "{{readers}}" }
"#,
    )
    .expect("valid");
    assert_eq!(rb.steps.len(), 4);
    assert_eq!(rb.containment_minutes, 15);
    assert!(rb.steps[1].contains);
}

#[test]
fn problems_name_file_line_step_and_field() {
    let errs = load(
        r#"title = "T"
[[steps]]
id = "a"
kind = "vault"
title = "x"
op = "kv.nuke"
[[steps]]
id = "a"
kind = "manual"
title = "y"
guidance = "use {{nope}}"
"#,
    )
    .expect_err("invalid");
    assert_eq!(
        errs,
        vec![
            "t.toml, line 6: step \"a\", field \"op\": unknown operation \"kv.nuke\" (known: kv.write_new_version, kv.destroy_versions, lease.revoke_prefix, token.revoke_accessor, token.revoke_matching, database.rotate_root, database.rotate_role, transit.rotate_key, audit.search, sys.seal)".to_string(),
            "t.toml, line 8: step \"a\", field \"id\": duplicate step id \"a\" (also step #1)".to_string(),
            "t.toml, line 11: step \"a\", field \"guidance\": undefined variable \"{{nope}}\" (bind it in an earlier input step or a vault step's out)".to_string(),
        ]
    );
}
