//! Themes: semantic style slots. Colours come from here only. Built-in themes are TOML files
//! embedded in the binary; a user file `<config dir>/themes/NAME.toml` overrides or adds one, and
//! may set only some slots (the others come from the default theme).

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::toml_pos::{line_of, toml_error};

/// Every slot the UI draws with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Theme {
    pub name: String,
    /// Base text and background.
    pub text: Style,
    pub title: Style,
    pub border: Style,
    pub border_focused: Style,
    pub header: Style,
    pub selection: Style,
    pub muted: Style,
    pub key_hint: Style,
    pub status_ok: Style,
    pub status_warn: Style,
    pub status_danger: Style,
    pub sealed: Style,
    pub stale: Style,
    pub secret_masked: Style,
    pub secret_revealed: Style,
    pub status_bar: Style,
    pub badge_sandbox: Style,
    pub badge_read_only: Style,
    pub warning_banner: Style,
    pub command_line: Style,
    pub dialog: Style,
    /// Policy text (HCL): keywords such as `path` and `capabilities`.
    pub syntax_keyword: Style,
    /// Policy text: quoted strings (path patterns).
    pub syntax_string: Style,
    /// Policy text: capability names in a `capabilities` list.
    pub syntax_capability: Style,
    /// Policy text: comments.
    pub syntax_comment: Style,
}

macro_rules! slots {
    ($($slot:ident),* $(,)?) => {
        /// Slot names as written in theme files.
        pub const SLOTS: &[&str] = &[$(stringify!($slot)),*];

        impl Theme {
            fn slot_mut(&mut self, name: &str) -> Option<&mut Style> {
                match name {
                    $(stringify!($slot) => Some(&mut self.$slot),)*
                    _ => None,
                }
            }

            fn for_each_slot(&mut self, mut f: impl FnMut(&mut Style)) {
                $(f(&mut self.$slot);)*
            }
        }
    };
}

slots!(
    text,
    title,
    border,
    border_focused,
    header,
    selection,
    muted,
    key_hint,
    status_ok,
    status_warn,
    status_danger,
    sealed,
    stale,
    secret_masked,
    secret_revealed,
    status_bar,
    badge_sandbox,
    badge_read_only,
    warning_banner,
    command_line,
    dialog,
    syntax_keyword,
    syntax_string,
    syntax_capability,
    syntax_comment,
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}, line {line}: {message}")]
pub struct ThemeError {
    pub origin: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    palette: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    styles: BTreeMap<String, toml::Spanned<StyleSpec>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<toml::Spanned<String>>,
    bg: Option<toml::Spanned<String>>,
    bold: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reversed: Option<bool>,
    dim: Option<bool>,
}

const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../themes/default.toml")),
    ("light", include_str!("../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../themes/mono.toml")),
];

fn parse_color(name: &str, palette: &BTreeMap<String, Color>) -> Option<Color> {
    palette
        .get(name)
        .copied()
        .or_else(|| Color::from_str(name).ok())
}

/// Parse a theme file over `base`.
pub fn parse_theme(
    name: &str,
    text: &str,
    base: &Theme,
    origin: &str,
) -> Result<Theme, ThemeError> {
    let err = |line: usize, message: String| ThemeError {
        origin: origin.to_string(),
        line,
        message,
    };
    let file: ThemeFile = toml::from_str(text).map_err(|e| {
        let (line, message) = toml_error(text, &e);
        err(line, message)
    })?;
    let mut palette = BTreeMap::new();
    for (key, value) in &file.palette {
        let c = Color::from_str(value.get_ref()).map_err(|_| {
            err(
                line_of(text, value.span().start),
                format!(
                    "invalid colour \"{}\" for palette.{key} (a colour name, \"#rrggbb\" or an index 0-255)",
                    value.get_ref()
                ),
            )
        })?;
        palette.insert(key.clone(), c);
    }
    let mut theme = base.clone();
    theme.name = name.to_string();
    for (slot, spec) in &file.styles {
        let line = line_of(text, spec.span().start);
        let known = SLOTS.join(", ");
        let style = theme.slot_mut(slot).ok_or_else(|| {
            err(
                line,
                format!("unknown style slot \"{slot}\" (known: {known})"),
            )
        })?;
        let spec = spec.get_ref();
        let mut s = Style::default();
        for (which, value) in [("fg", &spec.fg), ("bg", &spec.bg)] {
            if let Some(v) = value {
                let c = parse_color(v.get_ref(), &palette).ok_or_else(|| {
                    err(
                        line_of(text, v.span().start),
                        format!("invalid colour \"{}\" for {slot}.{which}", v.get_ref()),
                    )
                })?;
                s = if which == "fg" { s.fg(c) } else { s.bg(c) };
            }
        }
        for (flag, m) in [
            (spec.bold, Modifier::BOLD),
            (spec.italic, Modifier::ITALIC),
            (spec.underline, Modifier::UNDERLINED),
            (spec.reversed, Modifier::REVERSED),
            (spec.dim, Modifier::DIM),
        ] {
            if flag == Some(true) {
                s = s.add_modifier(m);
            }
        }
        *style = s;
    }
    Ok(theme)
}

/// All themes available: built-ins, then the user's.
#[derive(Debug, Clone, Default)]
pub struct ThemeRegistry {
    themes: BTreeMap<String, Theme>,
    warnings: Vec<String>,
}

impl ThemeRegistry {
    pub fn load(user_dir: Option<&Path>, no_color: bool) -> ThemeRegistry {
        let mut reg = ThemeRegistry::default();
        let empty = Theme::default();
        let mut default = Theme::default();
        for (name, text) in BUILTIN {
            let base = if *name == "default" { &empty } else { &default };
            match parse_theme(name, text, base, &format!("themes/{name}.toml")) {
                Ok(t) => {
                    if *name == "default" {
                        default = t.clone();
                    }
                    reg.themes.insert((*name).to_string(), t);
                }
                Err(e) => reg.warnings.push(e.to_string()),
            }
        }
        if let Some(dir) = user_dir
            && let Ok(entries) = std::fs::read_dir(dir)
        {
            let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            files.sort();
            for path in files
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            {
                let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                    continue;
                };
                let origin = path.display().to_string();
                match std::fs::read_to_string(path) {
                    Ok(text) => match parse_theme(name, &text, &default, &origin) {
                        Ok(t) => {
                            reg.themes.insert(name.to_string(), t);
                        }
                        Err(e) => reg.warnings.push(format!("{e}; theme skipped")),
                    },
                    Err(e) => reg.warnings.push(format!("{origin}: {e}")),
                }
            }
        }
        if no_color {
            // NO_COLOR: every theme becomes the mono styles, which carry their cues in attributes.
            if let Some(mono) = reg.themes.get("mono").cloned() {
                for t in reg.themes.values_mut() {
                    let name = std::mem::take(&mut t.name);
                    *t = Theme {
                        name,
                        ..mono.clone()
                    };
                    t.for_each_slot(|s| {
                        s.fg = None;
                        s.bg = None;
                    });
                }
            }
        }
        reg
    }

    pub fn get(&self, name: &str) -> Option<&Theme> {
        self.themes.get(name)
    }

    /// Sorted, "default" first.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.themes.keys().cloned().collect();
        names.sort_by_key(|n| (n != "default", n.clone()));
        names
    }

    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse_and_differ() {
        let reg = ThemeRegistry::load(None, false);
        assert!(reg.warnings().is_empty(), "{:?}", reg.warnings());
        assert_eq!(
            reg.names(),
            vec!["default", "high-contrast", "light", "mono"]
        );
        let d = reg.get("default").expect("default");
        assert_ne!(d.sealed, d.text);
        assert_ne!(reg.get("light"), Some(d));
    }

    #[test]
    fn no_color_keeps_attribute_cues() {
        let reg = ThemeRegistry::load(None, true);
        for name in reg.names() {
            let mut t = reg.get(&name).expect("theme").clone();
            assert_eq!(t.name, name);
            t.for_each_slot(|s| assert!(s.fg.is_none() && s.bg.is_none(), "{name}: {s:?}"));
            let has = |s: &Style, m: Modifier| s.add_modifier.contains(m);
            assert!(has(&t.selection, Modifier::REVERSED), "{name}");
            for s in [&t.sealed, &t.status_danger] {
                assert!(has(s, Modifier::BOLD | Modifier::REVERSED), "{name}");
            }
            assert!(has(&t.status_warn, Modifier::BOLD), "{name}");
            assert!(has(&t.muted, Modifier::DIM), "{name}");
        }
    }

    #[test]
    fn sealed_and_danger_stand_out_in_every_theme() {
        let reg = ThemeRegistry::load(None, false);
        for name in reg.names() {
            let t = reg.get(&name).expect("theme");
            for s in [&t.sealed, &t.status_danger] {
                assert_ne!(s, &t.text, "{name}");
                assert_ne!(s, &t.status_ok, "{name}");
                assert!(s.add_modifier.contains(Modifier::BOLD), "{name}");
            }
            assert_ne!(t.selection, t.text, "{name}");
        }
    }

    #[test]
    fn palette_entries_are_checked() {
        let e = parse_theme(
            "x",
            "[palette]\nok = \"#12\"\n",
            &Theme::default(),
            "x.toml",
        )
        .expect_err("bad");
        assert!(
            e.to_string()
                .starts_with("x.toml, line 2: invalid colour \"#12\" for palette.ok"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_the_line_and_value() {
        let base = Theme::default();
        let e = parse_theme(
            "x",
            "[styles]\ntext = { fg = \"blurple\" }\n",
            &base,
            "x.toml",
        )
        .expect_err("bad");
        assert_eq!(
            e.to_string(),
            "x.toml, line 2: invalid colour \"blurple\" for text.fg"
        );
        let e = parse_theme("x", "[styles]\n\ntxt = {}\n", &base, "x.toml").expect_err("bad");
        assert!(
            e.to_string()
                .starts_with("x.toml, line 3: unknown style slot \"txt\""),
            "{e}"
        );
    }
}
