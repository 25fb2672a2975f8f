//! Re-applying an edit on a newer version, field by field: what the user changed (compared with
//! the version they edited) is applied to the newer version; fields only the other writer
//! changed keep the newer values.

use crate::vault::models::kv_diff::{Change, FieldDiff, diff};
use crate::vault::models::kv_secret::SecretFields;

/// What changed in `newer` since `base`, and which of those fields the user changed too.
pub fn conflict_of(
    base: &SecretFields,
    mine: &SecretFields,
    newer: &SecretFields,
) -> (Vec<FieldDiff>, Vec<String>) {
    let theirs = diff(base, newer);
    let ours = diff(base, mine);
    let both = theirs
        .iter()
        .filter(|t| t.change != Change::Same)
        .filter(|t| {
            ours.iter()
                .any(|o| o.name == t.name && o.change != Change::Same)
                && mine.get(&t.name) != newer.get(&t.name)
        })
        .map(|t| t.name.clone())
        .collect();
    (theirs, both)
}

/// `newer` with the user's changes (from `base` to `mine`) applied.
pub fn reapply(base: &SecretFields, mine: &SecretFields, newer: &SecretFields) -> SecretFields {
    let mut out = newer.clone();
    for d in diff(base, mine) {
        match d.change {
            Change::Added | Change::Changed => {
                if let Some(v) = mine.get(&d.name) {
                    out.insert(d.name, v.clone());
                }
            }
            Change::Removed => {
                out.remove(&d.name);
            }
            Change::Same => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::models::kv_secret::SecretField;
    use secrecy::ExposeSecret;

    fn f(pairs: &[(&str, &str)]) -> SecretFields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), SecretField::text(*v)))
            .collect()
    }

    #[test]
    fn reapplies_the_users_changes_on_the_newer_version() {
        let base = f(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let mine = f(&[("a", "10"), ("c", "3"), ("d", "4")]); // a changed, b removed, d added
        let newer = f(&[("a", "100"), ("b", "2"), ("c", "30"), ("e", "5")]);
        let out = reapply(&base, &mine, &newer);
        let got: Vec<(&str, &str)> = out
            .iter()
            .map(|(k, v)| (k.as_str(), v.value.expose_secret()))
            .collect();
        assert_eq!(got, [("a", "10"), ("c", "30"), ("d", "4"), ("e", "5")]);
        let (theirs, both) = conflict_of(&base, &mine, &newer);
        assert_eq!(
            theirs.iter().filter(|d| d.change != Change::Same).count(),
            3
        );
        assert_eq!(both, ["a"]);
    }
}
