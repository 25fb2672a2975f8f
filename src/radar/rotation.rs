//! Rotation ages of KV v2 secrets: a default and per mount or path prefix (`[rotation]` in the
//! config file). The longest matching prefix wins.

use std::time::Duration;

/// The rotation age when the config file sets none: 90 days.
pub const DEFAULT_ROTATION: Duration = Duration::from_secs(90 * 86_400);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationPolicy {
    pub default: Duration,
    /// `(prefix, age)`: `secret/apps/` → 30 days. Prefixes are full paths (mount included).
    pub paths: Vec<(String, Duration)>,
}

impl Default for RotationPolicy {
    fn default() -> Self {
        RotationPolicy {
            default: DEFAULT_ROTATION,
            paths: Vec::new(),
        }
    }
}

impl RotationPolicy {
    /// The age that applies to `path` (`secret/apps/x`) and the prefix that set it (`""` for the
    /// default): the longest matching prefix wins.
    pub fn age_for(&self, path: &str) -> (Duration, &str) {
        let path = path.trim_start_matches('/');
        self.paths
            .iter()
            .filter(|(p, _)| path.starts_with(p.trim_start_matches('/')))
            .max_by_key(|(p, _)| p.len())
            .map_or((self.default, ""), |(p, d)| (*d, p.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_wins() {
        let p = RotationPolicy {
            default: Duration::from_secs(90),
            paths: vec![
                ("secret/".into(), Duration::from_secs(60)),
                ("secret/apps/".into(), Duration::from_secs(30)),
                ("secret/apps/pay".into(), Duration::from_secs(10)),
            ],
        };
        assert_eq!(p.age_for("secret/apps/payments/db").0.as_secs(), 10);
        assert_eq!(p.age_for("secret/apps/x").0.as_secs(), 30);
        assert_eq!(p.age_for("secret/x").0.as_secs(), 60);
        assert_eq!(p.age_for("kv/x"), (Duration::from_secs(90), ""));
    }
}
