//! A snapshot of the environment, and the config and state directories.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// A snapshot of the environment, so precedence can be tested without touching the process env.
/// It holds `BAO_TOKEN`/`VAULT_TOKEN`: `Debug` shows only the names, and the values are zeroized
/// on drop.
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("names", &self.vars.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        for v in self.vars.values_mut() {
            zeroize::Zeroize::zeroize(v);
        }
    }
}

impl Env {
    pub fn from_process() -> Env {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    pub fn from_pairs(pairs: &[(&str, &str)]) -> Env {
        Env {
            vars: pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        }
    }

    /// A variable's value; empty counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        self.vars.get(name).filter(|v| !v.is_empty()).cloned()
    }

    /// `BAO_<name>` wins over `VAULT_<name>`; returns the value and the variable it came from.
    pub fn bao_or_vault(&self, name: &str) -> Option<(String, String)> {
        ["BAO_", "VAULT_"].iter().find_map(|p| {
            let var = format!("{p}{name}");
            self.get(&var).map(|v| (v, var))
        })
    }
}

/// `1`, `true`, `yes` (and `on`), in any case.
pub(crate) fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "strongroom")
}

/// `<config dir>`: `STRONGROOM_CONFIG_DIR`, else the platform config dir.
pub fn config_dir(env: &Env) -> PathBuf {
    env.get("STRONGROOM_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| project_dirs().map(|d| d.config_dir().to_path_buf()))
        .unwrap_or_else(|| PathBuf::from(".strongroom"))
}

/// `<state dir>` (the log file): `STRONGROOM_STATE_DIR`, else the platform state (or data) dir.
pub fn state_dir(env: &Env) -> PathBuf {
    env.get("STRONGROOM_STATE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            project_dirs().map(|d| {
                d.state_dir()
                    .unwrap_or_else(|| d.data_local_dir())
                    .to_path_buf()
            })
        })
        .unwrap_or_else(|| PathBuf::from(".strongroom"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_names_not_values() {
        let env = Env::from_pairs(&[("BAO_TOKEN", "s.canary"), ("BAO_ADDR", "http://a:1")]);
        let d = format!("{env:?}");
        assert!(d.contains("BAO_TOKEN") && !d.contains("s.canary"), "{d}");
        assert_eq!(env.get("BAO_TOKEN").as_deref(), Some("s.canary"));
        assert_eq!(
            env.bao_or_vault("ADDR"),
            Some(("http://a:1".to_string(), "BAO_ADDR".to_string()))
        );
        assert!(truthy("YES") && truthy(" 1 ") && !truthy("0") && !truthy("no"));
    }

    #[test]
    fn directories_can_be_moved() {
        let env = Env::from_pairs(&[
            ("STRONGROOM_CONFIG_DIR", "/tmp/sr-conf"),
            ("STRONGROOM_STATE_DIR", "/tmp/sr-state"),
        ]);
        assert_eq!(config_dir(&env), PathBuf::from("/tmp/sr-conf"));
        assert_eq!(state_dir(&env), PathBuf::from("/tmp/sr-state"));
        let platform = config_dir(&Env::default());
        assert!(
            platform.to_string_lossy().ends_with("strongroom"),
            "{}",
            platform.display()
        );
    }
}
