//! The `bao` command that does what the console shows, for the selected item and action. Never
//! with a value in it: names only, shell-quoted, sanitised.

use crate::sanitize::sanitize;

/// A word for a POSIX shell: as it is when it is plain, else in single quotes.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn base(verb: &str, mount: &str, namespace: Option<&str>) -> String {
    let mut cmd = format!("bao kv {verb}");
    if let Some(ns) = namespace.filter(|n| !n.is_empty()) {
        cmd += &format!(" -namespace={}", shell_quote(&sanitize(ns)));
    }
    cmd += &format!(
        " -mount={}",
        shell_quote(&sanitize(mount.trim_end_matches('/')))
    );
    cmd
}

/// `bao kv list -mount=secret apps/`.
pub fn list(mount: &str, folder: &str, namespace: Option<&str>) -> String {
    let mut cmd = base("list", mount, namespace);
    if !folder.is_empty() {
        cmd += &format!(" {}", shell_quote(&sanitize(folder)));
    }
    cmd
}

/// `bao kv get -mount=secret [-field=password] [-version=3] apps/x`.
pub fn get(
    mount: &str,
    path: &str,
    field: Option<&str>,
    version: Option<u64>,
    namespace: Option<&str>,
) -> String {
    let mut cmd = base("get", mount, namespace);
    if let Some(v) = version {
        cmd += &format!(" -version={v}");
    }
    if let Some(f) = field {
        cmd += &format!(" -field={}", shell_quote(&sanitize(f)));
    }
    cmd + &format!(" {}", shell_quote(&sanitize(path)))
}

/// `bao kv get -mount=secret -version=3 apps/x` for one version of a secret.
pub fn get_version(mount: &str, path: &str, version: u64, namespace: Option<&str>) -> String {
    get(mount, path, None, Some(version), namespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_quote_names_and_never_carry_values() {
        assert_eq!(
            list("secret/", "apps/", None),
            "bao kv list -mount=secret apps/"
        );
        assert_eq!(
            get(
                "secret/",
                "apps/it's x",
                Some("pass word"),
                Some(3),
                Some("team-a")
            ),
            "bao kv get -namespace=team-a -mount=secret -version=3 -field='pass word' 'apps/it'\\''s x'"
        );
        assert_eq!(
            get("kv/", "a\u{1b}[2Jb", None, None, None),
            "bao kv get -mount=kv 'a\u{fffd}[2Jb'"
        );
    }
}
