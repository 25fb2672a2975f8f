//! Response wrapping: wrap info, lookup, unwrapped data. Wrapping tokens and unwrapped values
//! are secrets ([`SecretText`]: redacted `Debug`, zeroized on drop, compared in constant time).

use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::Value;

use crate::secret::SecretString;

/// A secret text that commands and replies can carry and tests can compare: a wrapping token,
/// an unwrapped value, random bytes.
#[derive(Clone)]
pub struct SecretText(SecretString);

impl SecretText {
    pub fn new(s: SecretString) -> Self {
        Self(s)
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// Characters, for a mask of the same length.
    pub fn chars(&self) -> usize {
        self.expose().chars().count()
    }
}

impl From<&str> for SecretText {
    fn from(s: &str) -> Self {
        Self(SecretString::from(s))
    }
}

impl From<String> for SecretText {
    fn from(s: String) -> Self {
        Self(SecretString::from(s))
    }
}

impl From<SecretString> for SecretText {
    fn from(s: SecretString) -> Self {
        Self(s)
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl PartialEq for SecretText {
    fn eq(&self, o: &Self) -> bool {
        crate::clipboard::same_text(self.expose(), o.expose())
    }
}

impl Eq for SecretText {}

/// `wrap_info` of a wrapped answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WrapInfo {
    #[serde(deserialize_with = "secret_text")]
    pub token: SecretText,
    #[serde(default)]
    pub accessor: String,
    /// Seconds.
    #[serde(default)]
    pub ttl: u64,
    #[serde(default)]
    pub creation_time: String,
    #[serde(default)]
    pub creation_path: String,
}

fn secret_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SecretText, D::Error> {
    SecretString::deserialize(d).map(SecretText)
}

/// `sys/wrapping/lookup`: what a wrapping token wraps, without unwrapping it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WrapLookup {
    #[serde(default)]
    pub creation_path: String,
    #[serde(default)]
    pub creation_time: String,
    /// Seconds.
    #[serde(default)]
    pub creation_ttl: u64,
}

/// What a wrapping token held: its fields (each value a secret: a string as is, anything else
/// as compact JSON) and the whole as pretty JSON, for a copy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unwrapped {
    pub fields: Vec<(String, SecretText)>,
    pub json: Option<SecretText>,
}

impl Unwrapped {
    /// From an unwrap answer: its `data`, or (a wrapped login) its `auth.client_token`.
    pub fn from_answer(body: &Value) -> Unwrapped {
        if let Some(Value::Object(map)) = body.get("data") {
            let fields = map
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => SecretText::from(s.as_str()),
                        other => SecretText::from(other.to_string()),
                    };
                    (k.clone(), text)
                })
                .collect();
            let json = serde_json::to_string_pretty(&Value::Object(map.clone()))
                .ok()
                .map(SecretText::from);
            return Unwrapped { fields, json };
        }
        if let Some(t) = body
            .get("auth")
            .and_then(|a| a.get("client_token"))
            .and_then(Value::as_str)
        {
            return Unwrapped {
                fields: vec![("token".into(), SecretText::from(t))],
                json: None,
            };
        }
        Unwrapped::default()
    }
}

/// A wrap TTL as typed: whole seconds (`600`) or a number with `s`, `m`, `h` or `d` (`1h`).
/// Between 1 s and 30 days. The normalised form goes in `X-Vault-Wrap-TTL`.
pub fn parse_wrap_ttl(s: &str) -> Result<String, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 's')) => (&t[..i], 1),
        Some((i, 'm')) => (&t[..i], 60),
        Some((i, 'h')) => (&t[..i], 3600),
        Some((i, 'd')) => (&t[..i], 86_400),
        _ => (t, 1),
    };
    let secs = num
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|n| (1..=30 * 86_400).contains(n));
    match secs {
        Some(n) => Ok(format!("{n}s")),
        None => Err(format!(
            "TTL \"{}\" is not a duration from 1s to 30d (e.g. 600, 15m, 1h)",
            crate::sanitize::sanitize(t)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_forms() {
        assert_eq!(parse_wrap_ttl("1h"), Ok("3600s".into()));
        assert_eq!(parse_wrap_ttl(" 90 "), Ok("90s".into()));
        assert_eq!(parse_wrap_ttl("15m"), Ok("900s".into()));
        assert_eq!(parse_wrap_ttl("2d"), Ok("172800s".into()));
        for bad in ["", "0", "h", "-1h", "31d", "1w", "1.5h"] {
            assert!(parse_wrap_ttl(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unwrapped_fields_are_secrets() {
        let body = serde_json::json!({"data": {"password": "canary-pw", "n": 3}});
        let u = Unwrapped::from_answer(&body);
        assert_eq!(u.fields.len(), 2);
        assert_eq!(u.fields[1].0, "password");
        assert_eq!(u.fields[1].1.expose(), "canary-pw");
        assert_eq!(u.fields[0].1.expose(), "3");
        let dbg = format!("{u:?}");
        assert!(!dbg.contains("canary"), "{dbg}");
        let info: WrapInfo = serde_json::from_value(serde_json::json!({
            "token": "s.canarytoken", "accessor": "acc", "ttl": 120,
            "creation_time": "t", "creation_path": "sys/wrapping/wrap"
        }))
        .expect("wrap info");
        assert_eq!(info.token.expose(), "s.canarytoken");
        assert!(!format!("{info:?}").contains("canarytoken"));
    }
}
