//! The runbooks the console knows: the built-in ones (`assets/runbooks/*.toml`, compiled in) and
//! the user's (`<config dir>/runbooks/*.toml`), which add runbooks or override a built-in of the
//! same id (file stem). A user file that does not load is reported and left out; the others
//! still load.

use std::path::Path;
use std::sync::Arc;

use super::loader::parse_runbook;
use super::model::{Runbook, RunbookSource};

/// The built-in runbooks: (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "leaked-kv-secret.toml",
        include_str!("../../assets/runbooks/leaked-kv-secret.toml"),
    ),
    (
        "leaked-vault-token.toml",
        include_str!("../../assets/runbooks/leaked-vault-token.toml"),
    ),
    (
        "leaked-database-credential.toml",
        include_str!("../../assets/runbooks/leaked-database-credential.toml"),
    ),
    (
        "unseal-key-compromise.toml",
        include_str!("../../assets/runbooks/unseal-key-compromise.toml"),
    ),
    (
        "infrastructure-incident.toml",
        include_str!("../../assets/runbooks/infrastructure-incident.toml"),
    ),
];

/// User runbook files read at most.
pub const MAX_USER_FILES: usize = 200;

/// Every runbook, sorted by title (ignoring case), and the problems of files that did not load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Library {
    pub runbooks: Vec<Arc<Runbook>>,
    /// One line per problem (`file, line n: step "x", field "y": …`).
    pub errors: Vec<String>,
}

impl Library {
    pub fn get(&self, id: &str) -> Option<&Arc<Runbook>> {
        self.runbooks.iter().find(|r| r.id == id)
    }
}

fn stem(name: &str) -> &str {
    name.strip_suffix(".toml").unwrap_or(name)
}

/// The built-ins only.
pub fn builtin() -> Library {
    let mut lib = Library::default();
    for (name, text) in BUILTIN {
        let source = RunbookSource::BuiltIn((*name).to_string());
        match parse_runbook(text, name, stem(name), source) {
            Ok(r) => lib.runbooks.push(Arc::new(r)),
            Err(e) => lib.errors.extend(e),
        }
    }
    lib
}

/// The built-ins, then the user's runbooks from `user_dir` (missing dir: none).
pub fn load(user_dir: Option<&Path>) -> Library {
    let mut lib = builtin();
    if let Some(dir) = user_dir
        && let Ok(rd) = std::fs::read_dir(dir)
    {
        let mut paths: Vec<_> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("toml"))
            .take(MAX_USER_FILES)
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    lib.errors.push(format!("{name}: cannot read it: {e}"));
                    continue;
                }
            };
            let source = RunbookSource::User(path.clone());
            match parse_runbook(&text, &name, stem(&name), source) {
                Ok(r) => {
                    lib.runbooks.retain(|x| x.id != r.id);
                    lib.runbooks.push(Arc::new(r));
                }
                Err(e) => lib.errors.extend(e),
            }
        }
    }
    lib.runbooks
        .sort_by(|a, b| (a.title.to_lowercase(), &a.id).cmp(&(b.title.to_lowercase(), &b.id)));
    lib
}

/// `<config dir>/runbooks`.
pub fn user_dir(config_dir: &Path) -> std::path::PathBuf {
    config_dir.join("runbooks")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_loads() {
        let lib = builtin();
        assert!(lib.errors.is_empty(), "{:?}", lib.errors);
        assert_eq!(lib.runbooks.len(), BUILTIN.len());
    }
}
