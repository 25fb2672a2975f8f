//! Which rule of a policy applies to a path, the way Vault/OpenBao decide: a pattern matches
//! exactly, with a trailing `*` as a prefix glob, and with `+` standing for one whole segment.
//! When several match, the most specific wins (Vault's priority rules):
//! 1. the pattern whose first wildcard (`+` or `*`) comes later wins;
//! 2. a pattern not ending in `*` beats one that does;
//! 3. fewer `+` segments win;
//! 4. the longer pattern wins;
//! 5. the lexicographically larger pattern wins.
//!
//! Across policies, the rules of the same pattern are merged (capabilities added up, `deny`
//! wins) and then the best match decides.

use std::cmp::Ordering;

use super::parse::{ParsedPolicy, Rule};

/// Does `pattern` match `path`?
pub fn matches(pattern: &str, path: &str) -> bool {
    let (body, glob) = match pattern.strip_suffix('*') {
        Some(b) => (b, true),
        None => (pattern, false),
    };
    if !body.contains('+') {
        return if glob {
            path.starts_with(body)
        } else {
            path == body
        };
    }
    let pat: Vec<&str> = body.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    if segs.len() < pat.len() || (!glob && segs.len() != pat.len()) {
        return false;
    }
    let last = pat.len() - 1;
    for (i, (p, s)) in pat.iter().zip(&segs).enumerate() {
        let ok = if *p == "+" {
            // `+` is one whole segment; as the last piece before `*` it still needs one.
            !(glob && i == last && s.is_empty() && segs.len() == pat.len())
        } else if glob && i == last {
            s.starts_with(p)
        } else {
            p == s
        };
        if !ok {
            return false;
        }
    }
    // A glob's last piece is a prefix of its segment; anything may follow.
    true
}

/// Compare two patterns by priority: `Greater` means `a` wins over `b`.
pub fn priority(a: &str, b: &str) -> Ordering {
    fn first_wild(p: &str) -> usize {
        p.find(['+', '*']).unwrap_or(p.len())
    }
    fn plus_segments(p: &str) -> usize {
        p.trim_end_matches('*')
            .split('/')
            .filter(|s| *s == "+")
            .count()
    }
    first_wild(a)
        .cmp(&first_wild(b))
        .then_with(|| b.ends_with('*').cmp(&a.ends_with('*')))
        .then_with(|| plus_segments(b).cmp(&plus_segments(a)))
        .then_with(|| a.len().cmp(&b.len()))
        .then_with(|| a.cmp(b))
}

/// The rule of one policy that applies to `path` (with duplicates of its pattern merged).
pub fn best_rule<'p>(policy: &'p ParsedPolicy, path: &str) -> Option<&'p Rule> {
    policy
        .rules
        .iter()
        .filter(|r| matches(&r.path, path))
        .max_by(|a, b| priority(&a.path, &b.path))
}

/// A rule that matches the path being explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub policy: String,
    pub pattern: String,
    pub line: usize,
    pub capabilities: Vec<String>,
    /// This rule's pattern is the one that decides.
    pub decides: bool,
}

/// Why a token has the capabilities it has on a path, from its policies' rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Explanation {
    /// Every matching rule, the deciding pattern's first, then by priority.
    pub matches: Vec<RuleMatch>,
    /// The deciding pattern and its merged capabilities (`deny` alone when any rule denies).
    pub decided: Option<(String, Vec<String>)>,
}

/// Explain `path` against these policies (name, parsed text).
pub fn explain(policies: &[(String, &ParsedPolicy)], path: &str) -> Explanation {
    let mut found: Vec<RuleMatch> = Vec::new();
    for (name, p) in policies {
        for r in p.rules.iter().filter(|r| matches(&r.path, path)) {
            found.push(RuleMatch {
                policy: name.clone(),
                pattern: r.path.clone(),
                line: r.line,
                capabilities: r.capabilities.clone(),
                decides: false,
            });
        }
    }
    found.sort_by(|a, b| {
        priority(&b.pattern, &a.pattern)
            .then_with(|| a.policy.cmp(&b.policy))
            .then_with(|| a.line.cmp(&b.line))
    });
    let Some(top) = found.first().map(|m| m.pattern.clone()) else {
        return Explanation::default();
    };
    let mut caps: Vec<String> = Vec::new();
    for m in found.iter_mut().filter(|m| m.pattern == top) {
        m.decides = true;
        for c in &m.capabilities {
            if !caps.contains(c) {
                caps.push(c.clone());
            }
        }
    }
    if caps.iter().any(|c| c == "deny") {
        caps = vec!["deny".to_string()];
    }
    caps.sort();
    Explanation {
        matches: found,
        decided: Some((top, caps)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse::parse;

    #[test]
    fn globs_and_segments() {
        assert!(matches("secret/data/*", "secret/data/a/b"));
        assert!(!matches("secret/data/*", "secret/data"));
        assert!(matches("secret/*", "secret/"));
        assert!(matches("secret*", "secrets/x"));
        assert!(matches("a/b", "a/b"));
        assert!(!matches("a/b", "a/b/c"));
        assert!(matches("secret/+/x", "secret/foo/x"));
        assert!(!matches("secret/+/x", "secret/foo/bar/x"));
        assert!(matches("secret/+/x/*", "secret/foo/x/y/z"));
        assert!(matches("+/*", "sys/raw/x"));
        assert!(matches("*", "anything"));
        assert!(matches("secret/+/te*", "secret/a/test/b"));
    }

    #[test]
    fn the_most_specific_pattern_wins() {
        use Ordering::Greater;
        assert_eq!(priority("secret/a/b", "secret/a/*"), Greater);
        assert_eq!(priority("secret/a/*", "secret/*"), Greater);
        assert_eq!(priority("secret/a/+", "secret/+/b"), Greater);
        assert_eq!(priority("secret/a", "secret/a*"), Greater);
        assert_eq!(priority("a/b/+", "a/+/+"), Greater);
    }

    #[test]
    fn deny_and_merging_across_policies() {
        let a = parse(
            "path \"secret/*\" { capabilities = [\"read\"] }\npath \"secret/x\" { capabilities = [\"deny\"] }",
        );
        let b = parse("path \"secret/x\" { capabilities = [\"update\"] }");
        let e = explain(&[("a".into(), &a), ("b".into(), &b)], "secret/x");
        assert_eq!(e.decided, Some(("secret/x".into(), vec!["deny".into()])));
        assert_eq!(e.matches.len(), 3);
        assert!(e.matches[0].decides && e.matches[1].decides && !e.matches[2].decides);
        let e = explain(&[("b".into(), &b)], "secret/y");
        assert_eq!(e, Explanation::default());
    }
}
