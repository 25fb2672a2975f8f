//! A least-privilege lint of one policy: wildcards on broad paths, `sudo` outside `sys/`,
//! root-like rules, and wildcard grants that reach sensitive endpoints without a `deny` for
//! them. Each finding names its rule's path and line and says why in one line.

use super::matching::{best_rule, matches};
use super::parse::{ParsedPolicy, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// The rule's path pattern.
    pub rule_path: String,
    pub line: usize,
    /// Short kind: "root-like", "broad wildcard", "sudo outside sys/", "no deny".
    pub kind: &'static str,
    pub why: String,
}

/// Sensitive endpoints a broad grant should deny: (a path to test, how to name it).
pub const SENSITIVE: &[(&str, &str)] = &[
    ("sys/raw/x", "sys/raw/*"),
    ("sys/rotate", "sys/rotate"),
    ("sys/rotate/root/init", "sys/rotate/root/*"),
    ("sys/seal", "sys/seal"),
    ("sys/step-down", "sys/step-down"),
    ("sys/generate-root/attempt", "sys/generate-root*"),
    (
        "sys/generate-root-token/attempt",
        "sys/generate-root-token/*",
    ),
    ("sys/audit", "sys/audit"),
    ("sys/audit/file", "sys/audit/*"),
    ("sys/audit-hash/file", "sys/audit-hash/*"),
    ("sys/policies/acl/x", "sys/policies/acl/*"),
    ("auth/token/root", "auth/token/root"),
];

/// Paths outside `sys/` where `sudo` is what the endpoint requires.
const SUDO_PATHS: &[&str] = &[
    "auth/token/accessors",
    "auth/token/create-orphan",
    "auth/token/revoke-orphan",
    "auth/token/root",
];

const WRITES: &[&str] = &["create", "update", "patch", "delete", "sudo"];

fn grants(r: &Rule) -> bool {
    !r.denies() && !r.capabilities.is_empty()
}

fn is_wild(p: &str) -> bool {
    p.contains('*') || p.contains('+')
}

/// `*`, `+…`, `sys/*`, `secret/*`: a wildcard at the top or right below a mount.
fn broad(p: &str) -> bool {
    if p.starts_with('+') || p == "*" {
        return true;
    }
    match p.split_once('/') {
        // `secret*`, `sys*`: the whole top level.
        None => p.ends_with('*'),
        Some((_, rest)) => rest == "*" || rest.starts_with('+'),
    }
}

fn root_like(r: &Rule) -> bool {
    matches!(r.path.as_str(), "*" | "sys/*" | "+/*" | "sys*")
        && WRITES.iter().any(|c| r.has(c))
        && !r.denies()
}

/// Lint a parsed policy; findings are sorted by severity (high first), then line.
pub fn lint(p: &ParsedPolicy) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in p.rules.iter().filter(|r| grants(r)) {
        let caps = r.capabilities.join(", ");
        if root_like(r) {
            out.push(Finding {
                severity: Severity::High,
                rule_path: r.path.clone(),
                line: r.line,
                kind: "root-like",
                why: format!(
                    "grants {caps} on \"{}\": nearly everything root can do",
                    r.path
                ),
            });
        } else if broad(&r.path) {
            let sev = if WRITES.iter().any(|c| r.has(c)) {
                Severity::Medium
            } else {
                Severity::Low
            };
            out.push(Finding {
                severity: sev,
                rule_path: r.path.clone(),
                line: r.line,
                kind: "broad wildcard",
                why: format!("{caps} on a whole mount or the top level; name the paths needed"),
            });
        }
        if r.has("sudo") && !r.path.starts_with("sys/") && !SUDO_PATHS.iter().any(|s| r.path == *s)
        {
            out.push(Finding {
                severity: Severity::Medium,
                rule_path: r.path.clone(),
                line: r.line,
                kind: "sudo outside sys/",
                why: "sudo only matters on root-protected endpoints (mostly sys/…)".into(),
            });
        }
        if is_wild(&r.path) {
            let reached: Vec<&str> = SENSITIVE
                .iter()
                .filter(|(probe, _)| matches(&r.path, probe))
                .filter(|(probe, _)| {
                    // Only where this rule is what applies (a more specific rule may deny).
                    best_rule(p, probe).is_some_and(|b| b.path == r.path && grants(b))
                })
                .map(|(_, name)| *name)
                .collect();
            if !reached.is_empty() {
                let mut names = reached
                    .iter()
                    .take(4)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ");
                if reached.len() > 4 {
                    names.push_str(&format!(" and {} more", reached.len() - 4));
                }
                out.push(Finding {
                    severity: Severity::High,
                    rule_path: r.path.clone(),
                    line: r.line,
                    kind: "no deny",
                    why: format!("reaches {names} without a deny rule for them"),
                });
            }
        }
    }
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.line.cmp(&b.line)));
    out
}

/// (high, medium, low) counts.
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::High), n(Severity::Medium), n(Severity::Low))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse::parse;

    fn kinds(src: &str) -> Vec<(Severity, &'static str, String)> {
        lint(&parse(src))
            .into_iter()
            .map(|f| (f.severity, f.kind, f.rule_path))
            .collect()
    }

    #[test]
    fn root_like_and_missing_deny() {
        let k = kinds("path \"sys/*\" { capabilities = [\"create\", \"update\", \"sudo\"] }");
        assert!(k.contains(&(Severity::High, "root-like", "sys/*".into())));
        assert!(k.contains(&(Severity::High, "no deny", "sys/*".into())));
        // With denies for every sensitive path, only root-like stays.
        let mut src = String::from("path \"sys/*\" { capabilities = [\"update\"] }\n");
        for (_, name) in SENSITIVE {
            src.push_str(&format!(
                "path \"{name}\" {{ capabilities = [\"deny\"] }}\n"
            ));
        }
        let k = kinds(&src);
        assert!(!k.iter().any(|(_, kind, _)| *kind == "no deny"), "{k:?}");
    }

    #[test]
    fn broad_wildcards_and_sudo() {
        let k = kinds(
            "path \"secret/*\" { capabilities = [\"read\"] }\npath \"secret/data/x\" { capabilities = [\"sudo\"] }\npath \"+/config\" { capabilities = [\"update\"] }",
        );
        assert!(k.contains(&(Severity::Medium, "broad wildcard", "+/config".into())));
        assert!(k.contains(&(
            Severity::Medium,
            "sudo outside sys/",
            "secret/data/x".into()
        )));
        assert!(k.contains(&(Severity::Low, "broad wildcard", "secret/*".into())));
        // A narrow policy is clean; a deny on a broad path is fine.
        assert!(kinds("path \"secret/data/app/*\" { capabilities = [\"read\"] }\npath \"*\" { capabilities = [\"deny\"] }\npath \"auth/token/accessors\" { capabilities = [\"sudo\", \"list\"] }").is_empty());
    }
}
