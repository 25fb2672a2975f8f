//! Fixture policies for the policies screen's render and update-flow tests: a narrow reader, a
//! root-like admin, a policy with a hostile name and escape sequences in its text, default and
//! root as the server gives them.
#![allow(dead_code)]

use strongroom::vault::models::policies::AclPolicy;

pub const READER: &str = "# Apps read their own secrets\npath \"secret/data/apps/*\" {\n  capabilities = [\"read\", \"list\"]\n}\n\npath \"secret/data/apps/vault-admin\" {\n  capabilities = [\"deny\"]\n}\n";

pub const ADMIN: &str = "/* break-glass operators */\npath \"sys/*\" {\n  capabilities = [\"create\", \"update\", \"sudo\"]\n}\npath \"secret/*\" {\n  capabilities = [\"read\", \"update\", \"delete\"]\n}\npath \"secret/data/ci/*\" {\n  capabilities = [\"sudo\"] // why?\n}\n";

pub const DEFAULT: &str = "\n# Allow tokens to look up their own properties\npath \"auth/token/lookup-self\" {\n    capabilities = [\"read\"]\n}\n";

pub fn policy(name: &str, text: &str, version: Option<u64>) -> AclPolicy {
    AclPolicy {
        name: name.into(),
        policy: text.into(),
        version,
        cas_required: false,
        modified: None,
    }
}

pub fn fixtures() -> Vec<AclPolicy> {
    vec![
        policy("apps-reader", READER, Some(3)),
        policy("ops-admin", ADMIN, Some(1)),
        policy("default", DEFAULT, Some(1)),
        policy("root", "", Some(0)),
        policy(
            "evil\x1b[31m",
            "path \"x\x1b]0;pwned\x07\" { capabilities = [\"read\"] }\n",
            Some(1),
        ),
    ]
}
