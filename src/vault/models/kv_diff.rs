//! What changed between two versions of a secret, field by field. Only names and a change kind:
//! the values stay in their secret types (a view shows them only where the user revealed them).

use secrecy::ExposeSecret;

use super::kv_secret::SecretFields;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
    Same,
}

/// One field of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    pub name: String,
    pub change: Change,
}

/// Every field of `old` and `new`, sorted by name, with how it changed from `old` to `new`.
pub fn diff(old: &SecretFields, new: &SecretFields) -> Vec<FieldDiff> {
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let change = match (old.get(name), new.get(name)) {
                (None, Some(_)) => Change::Added,
                (Some(_), None) => Change::Removed,
                (Some(a), Some(b)) => {
                    if a.json == b.json && a.value.expose_secret() == b.value.expose_secret() {
                        Change::Same
                    } else {
                        Change::Changed
                    }
                }
                (None, None) => Change::Same,
            };
            FieldDiff {
                name: name.clone(),
                change,
            }
        })
        .collect()
}

/// "2 changed · 1 added · 1 removed" (or "no changes").
pub fn summary(d: &[FieldDiff]) -> String {
    let count = |c: Change| d.iter().filter(|f| f.change == c).count();
    let parts: Vec<String> = [
        (Change::Changed, "changed"),
        (Change::Added, "added"),
        (Change::Removed, "removed"),
    ]
    .iter()
    .filter_map(|(c, w)| match count(*c) {
        0 => None,
        n => Some(format!("{n} {w}")),
    })
    .collect();
    if parts.is_empty() {
        "no changes".into()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::models::kv_secret::SecretField;

    fn f(pairs: &[(&str, &str)]) -> SecretFields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), SecretField::text(*v)))
            .collect()
    }

    #[test]
    fn added_removed_changed_same() {
        let d = diff(
            &f(&[("a", "1"), ("b", "2"), ("c", "3")]),
            &f(&[("b", "2"), ("c", "4"), ("d", "5")]),
        );
        let kinds: Vec<(&str, Change)> = d.iter().map(|x| (x.name.as_str(), x.change)).collect();
        assert_eq!(
            kinds,
            [
                ("a", Change::Removed),
                ("b", Change::Same),
                ("c", Change::Changed),
                ("d", Change::Added)
            ]
        );
        assert_eq!(summary(&d), "1 changed · 1 added · 1 removed");
        assert_eq!(summary(&diff(&f(&[]), &f(&[]))), "no changes");
    }
}
