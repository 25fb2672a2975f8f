//! The settings form of a secret: `max_versions`, `cas_required`, `delete_version_after` and
//! `custom_metadata` (one `key=value` per line). Validated before anything is sent; only what
//! changed goes into the update (the server replaces `custom_metadata` wholesale, so it is sent
//! whole when any entry changed).

use std::collections::BTreeMap;

use crossterm::event::KeyEvent;

use crate::input::LineInput;
use crate::vault::models::kv_secret::{KvMetadata, MetadataUpdate};

/// The fixed rows before the custom metadata lines.
pub const FIXED_ROWS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct SettingsForm {
    pub max_versions: LineInput,
    pub cas_required: bool,
    pub delete_after: LineInput,
    /// `key=value` lines; the last one is always empty (typing into it adds a line).
    pub custom: Vec<LineInput>,
    /// 0 max versions, 1 check-and-set, 2 delete after, 3.. custom lines.
    pub focus: usize,
    /// Why the form cannot be saved, after a try.
    pub error: Option<String>,
    original: KvMetadata,
}

impl SettingsForm {
    pub fn new(meta: &KvMetadata) -> SettingsForm {
        let mut custom: Vec<LineInput> = meta
            .custom_metadata
            .iter()
            .map(|(k, v)| LineInput::with_text(&format!("{k}={v}")))
            .collect();
        custom.push(LineInput::default());
        SettingsForm {
            max_versions: LineInput::with_text(&meta.max_versions.to_string()),
            cas_required: meta.cas_required,
            delete_after: LineInput::with_text(&meta.delete_version_after),
            custom,
            focus: 0,
            error: None,
            original: meta.clone(),
        }
    }

    pub fn rows(&self) -> usize {
        FIXED_ROWS + self.custom.len()
    }

    pub fn move_focus(&mut self, delta: isize) {
        let last = self.rows() - 1;
        self.focus = self.focus.saturating_add_signed(delta).min(last);
    }

    fn focused_input(&mut self) -> Option<&mut LineInput> {
        match self.focus {
            0 => Some(&mut self.max_versions),
            1 => None,
            2 => Some(&mut self.delete_after),
            n => self.custom.get_mut(n - FIXED_ROWS),
        }
    }

    /// A text key: edits the focused line; on the check-and-set row, space toggles, y / n set.
    pub fn on_text_key(&mut self, key: KeyEvent) {
        self.error = None;
        if self.focus == 1 {
            // The character typed, without reading key codes here.
            let mut typed = LineInput::default();
            typed.handle_key(key);
            if let Some(c) = typed.text.chars().next() {
                match c {
                    ' ' => self.cas_required = !self.cas_required,
                    'y' | 'Y' | 't' => self.cas_required = true,
                    'n' | 'N' | 'f' => self.cas_required = false,
                    _ => {}
                }
            }
            return;
        }
        if let Some(input) = self.focused_input() {
            input.handle_key(key);
        }
        self.tidy_custom();
    }

    pub fn on_paste(&mut self, text: &str) {
        self.error = None;
        if let Some(input) = self.focused_input() {
            input.insert_str(text);
        }
        self.tidy_custom();
    }

    /// Keep exactly one empty line at the end of the custom metadata.
    fn tidy_custom(&mut self) {
        if self.custom.last().is_none_or(|l| !l.text.is_empty()) {
            self.custom.push(LineInput::default());
        }
        while self.custom.len() > 1
            && self.custom[self.custom.len() - 1].text.is_empty()
            && self.custom[self.custom.len() - 2].text.is_empty()
            && self.focus < FIXED_ROWS + self.custom.len() - 1
        {
            self.custom.pop();
        }
    }

    /// The update to send (`Default` when nothing changed), or why the form is not valid.
    pub fn update(&self) -> Result<MetadataUpdate, String> {
        let o = &self.original;
        let mut u = MetadataUpdate::default();
        let max = self.max_versions.text.trim();
        let max: u64 = max.parse().map_err(|_| {
            format!(
                "max versions must be a whole number (0: the mount's default), not \"{}\"",
                crate::sanitize::sanitize(max)
            )
        })?;
        if max != o.max_versions {
            u.max_versions = Some(max);
        }
        if self.cas_required != o.cas_required {
            u.cas_required = Some(self.cas_required);
        }
        let d = self.delete_after.text.trim();
        if !valid_duration(d) {
            return Err(format!(
                "delete after must be a duration like 30m, 1h, 1h30m or 0s (off), not \"{}\"",
                crate::sanitize::sanitize(d)
            ));
        }
        if !same_duration(d, &o.delete_version_after) {
            u.delete_version_after = Some(d.to_string());
        }
        let lines: Vec<&str> = self.custom.iter().map(|l| l.text.as_str()).collect();
        let custom = parse_custom(&lines)?;
        if custom != o.custom_metadata {
            u.custom_metadata = Some(custom);
        }
        Ok(u)
    }
}

/// Durations as the server takes them: `0`, `90` (seconds), or number+unit parts `1h30m`,
/// `10s`, `500ms`, `2d`.
pub fn valid_duration(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        if digits == 0 || rest[..digits].matches('.').count() > 1 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ms", "us", "µs", "ns", "h", "m", "s", "d"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

/// Seconds of a simple duration (h/m/s/d parts or plain seconds), for "did it change".
fn seconds(s: &str) -> Option<f64> {
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let mut total = 0.0;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        let mult = match c {
            'd' => 86_400.0,
            'h' => 3_600.0,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0.001
            }
            'm' => 60.0,
            's' => 1.0,
            _ => return None,
        };
        total += n * mult;
    }
    num.is_empty().then_some(total)
}

fn same_duration(a: &str, b: &str) -> bool {
    a == b || matches!((seconds(a), seconds(b)), (Some(x), Some(y)) if (x - y).abs() < 1e-9)
}

/// `key=value` lines (blank lines skipped) into a map; a line without `=`, an empty key or a
/// key given twice is an error naming the line.
pub fn parse_custom(lines: &[&str]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("custom metadata line {}: write key=value", i + 1));
        };
        let k = k.trim();
        if k.is_empty() {
            return Err(format!("custom metadata line {}: the key is empty", i + 1));
        }
        if out.insert(k.to_string(), v.trim().to_string()).is_some() {
            return Err(format!(
                "custom metadata line {}: \"{}\" is given twice",
                i + 1,
                crate::sanitize::sanitize(k)
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for ok in [
            "0s", "30m", "1h", "1h30m", "1h0m0s", "90", "0", "2d", "500ms", "1.5h",
        ] {
            assert!(valid_duration(ok), "{ok}");
        }
        for bad in ["", "h", "1x", "1 h", "-1h", "1h-", "abc", "1..5h"] {
            assert!(!valid_duration(bad), "{bad}");
        }
        assert!(same_duration("1h", "1h0m0s"));
        assert!(same_duration("0s", "0"));
        assert!(!same_duration("30m", "1h0m0s"));
    }

    #[test]
    fn custom_lines() {
        let m = parse_custom(&["owner=team-a", "", " env = prod "]).expect("valid");
        assert_eq!(m.get("env").map(String::as_str), Some("prod"));
        assert_eq!(m.len(), 2);
        assert!(parse_custom(&["novalue"]).is_err());
        assert!(parse_custom(&["=x"]).is_err());
        assert!(parse_custom(&["a=1", "a=2"]).is_err());
        assert_eq!(
            parse_custom(&["url=a=b"])
                .expect("valid")
                .get("url")
                .map(String::as_str),
            Some("a=b")
        );
    }

    #[test]
    fn only_changes_are_sent() {
        let meta = KvMetadata {
            max_versions: 5,
            delete_version_after: "1h0m0s".into(),
            custom_metadata: [("owner".to_string(), "a".to_string())].into(),
            ..Default::default()
        };
        let mut f = SettingsForm::new(&meta);
        assert_eq!(f.update(), Ok(MetadataUpdate::default()));
        f.delete_after.set("1h");
        assert_eq!(f.update(), Ok(MetadataUpdate::default()));
        f.max_versions.set("x");
        assert!(f.update().is_err());
        f.max_versions.set("7");
        f.custom[0].set("owner=b");
        let u = f.update().expect("valid");
        assert_eq!(u.max_versions, Some(7));
        assert_eq!(u.delete_version_after, None);
        assert_eq!(
            u.custom_metadata,
            Some([("owner".to_string(), "b".to_string())].into())
        );
    }
}
