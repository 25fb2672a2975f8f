//! The line diff shown before a policy is saved (old → new), with `similar` (the diff crate
//! `insta` already brings in).

use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    Same,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: DiffKind,
    /// The line without its newline.
    pub text: String,
}

/// The lines of `old` and `new`, as a unified list.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| DiffLine {
            kind: match c.tag() {
                ChangeTag::Equal => DiffKind::Same,
                ChangeTag::Insert => DiffKind::Added,
                ChangeTag::Delete => DiffKind::Removed,
            },
            text: c.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect()
}

/// (added, removed) line counts.
pub fn counts(lines: &[DiffLine]) -> (usize, usize) {
    let n = |k| lines.iter().filter(|l| l.kind == k).count();
    (n(DiffKind::Added), n(DiffKind::Removed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line() {
        let d = diff_lines("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(counts(&d), (1, 1));
        assert_eq!(d[1].kind, DiffKind::Removed);
        assert_eq!(d[1].text, "b");
        assert_eq!(d[2].text, "B");
    }
}
