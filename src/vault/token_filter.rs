//! The token filter language, shared by the tokens screen (`/`, `:tokens FILTER`) and the
//! headless `strongroom tokens ls|revoke FILTER…`: space-separated terms, all of which must
//! match (AND).
//!
//! | term                      | matches                                                     |
//! |---------------------------|-------------------------------------------------------------|
//! | `policy=ci-*`             | a policy of the token (glob: `*` any text)                  |
//! | `name=ci-*`               | the display name (glob)                                     |
//! | `path=auth/approle`       | the creating path or role: a prefix of the path, or a glob  |
//! | `role=deployer`           | a token role: the path `auth/token/create/deployer` (glob)  |
//! | `created<2026-11-01`      | created before (a date, or an RFC 3339 time)                |
//! | `created>2026-11-01`      | created after                                               |
//! | `ttl>24h` / `ttl<10m`     | TTL left above / below (s, m, h, d, w; `1h30m`); a token that never expires is above any |
//! | `orphan=true` / `false`   | orphan tokens (or not)                                      |
//! | `accessor=AbC…`           | one token by its accessor (exact; the radar's jump)         |
//! | `text`                    | the text anywhere in display name, path, policies, accessor |
//!
//! Matching is case-insensitive. Parse errors name the term and say what was expected.

use chrono::{DateTime, NaiveDate, Utc};

use super::models::tokens::TokenInfo;

/// The keys a term may have, for error messages.
pub const KEYS: &str = "policy, name, path, role, created, ttl, orphan, accessor";

/// One condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Policy(String),
    Name(String),
    Path(String),
    Role(String),
    CreatedBefore(DateTime<Utc>),
    CreatedAfter(DateTime<Utc>),
    TtlAbove(i64),
    TtlBelow(i64),
    Orphan(bool),
    /// Exact, case-sensitive (accessors are).
    Accessor(String),
    Text(String),
}

/// Every term must match (an empty filter matches every token).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenFilter {
    pub terms: Vec<Term>,
}

impl TokenFilter {
    /// Parse a filter line: `policy=ci-deployer ttl>24h`.
    pub fn parse(text: &str) -> Result<TokenFilter, String> {
        let terms = text
            .split_whitespace()
            .map(parse_term)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TokenFilter { terms })
    }

    /// Parse several arguments (the headless commands), as one line.
    pub fn parse_args(args: &[String]) -> Result<TokenFilter, String> {
        Self::parse(&args.join(" "))
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// True when every term matches `t` at `now` (TTLs count down from `expire_time`).
    pub fn matches(&self, t: &TokenInfo, now: DateTime<Utc>) -> bool {
        self.terms.iter().all(|term| term_matches(term, t, now))
    }
}

fn parse_term(s: &str) -> Result<Term, String> {
    let Some(at) = s.find(['=', '<', '>']) else {
        return Ok(Term::Text(s.to_lowercase()));
    };
    let (key, rest) = s.split_at(at);
    let op = &rest[..1];
    let value = &rest[1..];
    let key = key.to_lowercase();
    if value.is_empty() {
        return Err(format!("\"{s}\": a value is missing after \"{key}{op}\""));
    }
    let wrong_op = |expected: &str| format!("\"{s}\": {key} takes {expected}, not \"{op}\"");
    match (key.as_str(), op) {
        ("policy" | "policies", "=") => Ok(Term::Policy(value.to_lowercase())),
        ("name" | "display_name", "=") => Ok(Term::Name(value.to_lowercase())),
        ("path", "=") => Ok(Term::Path(value.to_lowercase())),
        ("role", "=") => Ok(Term::Role(value.to_lowercase())),
        ("policy" | "policies" | "name" | "display_name" | "path" | "role", _) => {
            Err(wrong_op("\"=\""))
        }
        ("created", "<") => parse_time(value).map(Term::CreatedBefore),
        ("created", ">") => parse_time(value).map(Term::CreatedAfter),
        ("created", _) => Err(wrong_op("\"<\" or \">\"")),
        ("ttl", ">") => parse_duration(value).map(Term::TtlAbove),
        ("ttl", "<") => parse_duration(value).map(Term::TtlBelow),
        ("ttl", _) => Err(wrong_op("\"<\" or \">\"")),
        ("orphan", "=") => match value.to_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Term::Orphan(true)),
            "false" | "no" | "0" => Ok(Term::Orphan(false)),
            _ => Err(format!("\"{s}\": orphan is true or false")),
        },
        ("orphan", _) => Err(wrong_op("\"=\"")),
        ("accessor", "=") => Ok(Term::Accessor(value.to_string())),
        ("accessor", _) => Err(wrong_op("\"=\"")),
        _ => Err(format!("\"{s}\": unknown filter \"{key}\" (known: {KEYS})")),
    }
}

/// `2026-11-01` (midnight UTC) or an RFC 3339 time.
fn parse_time(v: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| format!("\"{v}\" is not a date (2026-11-01 or 2026-11-01T12:00:00Z)"))
}

/// `90`, `30s`, `10m`, `24h`, `7d`, `2w`, `1h30m` → seconds.
pub fn parse_duration(v: &str) -> Result<i64, String> {
    crate::radar::parse_secs(&v.to_ascii_lowercase())
        .and_then(|s| i64::try_from(s).ok())
        .ok_or_else(|| format!("\"{v}\" is not a duration (e.g. 90s, 10m, 24h, 7d, 1h30m)"))
}

/// `*` matches any text; without `*` the whole text must be equal. Both sides lowercase.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn term_matches(term: &Term, t: &TokenInfo, now: DateTime<Utc>) -> bool {
    match term {
        Term::Policy(p) => t.policies.iter().any(|x| glob(p, &x.to_lowercase())),
        Term::Name(n) => glob(n, &t.display_name.to_lowercase()),
        Term::Path(p) => {
            let path = t.path.to_lowercase();
            let prefix = p.trim_end_matches('/');
            glob(p, &path) || path == prefix || path.starts_with(&format!("{prefix}/"))
        }
        Term::Role(r) => {
            let path = t.path.to_lowercase();
            path.strip_prefix("auth/token/create/")
                .is_some_and(|role| glob(r, role))
        }
        Term::CreatedBefore(d) => t.created().is_some_and(|c| c < *d),
        Term::CreatedAfter(d) => t.created().is_some_and(|c| c > *d),
        Term::TtlAbove(s) => t.ttl_at(now).is_none_or(|ttl| ttl > *s),
        Term::TtlBelow(s) => t.ttl_at(now).is_some_and(|ttl| ttl < *s),
        Term::Orphan(o) => t.orphan == *o,
        Term::Accessor(a) => t.accessor == *a,
        Term::Text(x) => {
            t.display_name.to_lowercase().contains(x)
                || t.path.to_lowercase().contains(x)
                || t.accessor.to_lowercase().contains(x)
                || t.policies.iter().any(|p| p.to_lowercase().contains(x))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(
        name: &str,
        policies: &[&str],
        path: &str,
        created: i64,
        ttl: Option<i64>,
    ) -> TokenInfo {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        serde_json::from_value(serde_json::json!({
            "accessor": format!("acc-{name}"), "display_name": name, "policies": policies,
            "path": path, "creation_time": created, "orphan": name.contains("orphan"),
            "expire_time": ttl.map(|s| (now + chrono::Duration::seconds(s)).to_rfc3339()),
        }))
        .unwrap()
    }

    #[test]
    fn an_accessor_term_picks_exactly_one_token() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let a = token("a", &["default"], "auth/token/create", 1_790_000_000, None);
        let b = token("ab", &["default"], "auth/token/create", 1_790_000_000, None);
        let f = TokenFilter::parse("accessor=acc-a").unwrap();
        assert!(f.matches(&a, now));
        assert!(!f.matches(&b, now));
        assert!(TokenFilter::parse("accessor>x").is_err());
    }

    #[test]
    fn terms_combine_with_and() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ci = token(
            "token-ci-1",
            &["ci-deployer", "default"],
            "auth/token/create",
            1_790_000_000,
            Some(7200),
        );
        let long = token(
            "token-orphan-long",
            &["ops"],
            "auth/token/create-orphan",
            1_700_000_000,
            Some(200 * 3600),
        );
        let role = token(
            "token-r",
            &["default"],
            "auth/token/create/deployer",
            1_799_000_000,
            None,
        );
        let app = token(
            "approle",
            &["app"],
            "auth/approle/login",
            1_799_999_000,
            Some(60),
        );
        let all = [&ci, &long, &role, &app];
        let pick = |f: &str| -> Vec<String> {
            let f = TokenFilter::parse(f).unwrap();
            all.iter()
                .filter(|t| f.matches(t, now))
                .map(|t| t.display_name.clone())
                .collect()
        };
        assert_eq!(pick("policy=ci-deployer"), ["token-ci-1"]);
        assert_eq!(pick("policy=ci-*"), ["token-ci-1"]);
        assert_eq!(
            pick("name=token-*"),
            ["token-ci-1", "token-orphan-long", "token-r"]
        );
        assert_eq!(pick("path=auth/approle"), ["approle"]);
        assert_eq!(pick("role=deployer"), ["token-r"]);
        assert_eq!(pick("ttl>24h"), ["token-orphan-long", "token-r"]);
        assert_eq!(pick("ttl<2m"), ["approle"]);
        assert_eq!(pick("orphan=true"), ["token-orphan-long"]);
        assert_eq!(pick("created<2026-01-01"), ["token-orphan-long"]);
        assert_eq!(pick("created>2027-01-01 ttl>1h"), ["token-r"]);
        assert_eq!(pick("CI"), ["token-ci-1"]);
        assert_eq!(pick("").len(), 4);
    }

    #[test]
    fn errors_are_plain() {
        assert_eq!(
            TokenFilter::parse("colour=red").unwrap_err(),
            "\"colour=red\": unknown filter \"colour\" (known: policy, name, path, role, created, ttl, orphan, accessor)"
        );
        assert!(
            TokenFilter::parse("ttl>soon")
                .unwrap_err()
                .contains("not a duration")
        );
        assert!(
            TokenFilter::parse("created<yesterday")
                .unwrap_err()
                .contains("not a date")
        );
        assert!(
            TokenFilter::parse("ttl=1h")
                .unwrap_err()
                .contains("ttl takes")
        );
        assert!(
            TokenFilter::parse("orphan=maybe")
                .unwrap_err()
                .contains("true or false")
        );
        assert!(
            TokenFilter::parse("policy=")
                .unwrap_err()
                .contains("value is missing")
        );
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("90"), Ok(90));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b", "ab-c"));
    }
}
