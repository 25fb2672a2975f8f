//! Style rules kept true by a test: colours come only from the theme module, and key codes are
//! matched only by the keymap and the text inputs (which read their own editing keys). Test code
//! (`#[cfg(test)]` items, `tests.rs` / `*_tests.rs` files) may build key events and colours freely.

use std::path::{Path, PathBuf};

/// Where colour literals may appear (a path prefix, relative to the crate root).
const COLOUR_ALLOWED: &[&str] = &["src/theme.rs", "src/theme/"];

/// Where key codes may be matched: the keymap and the text-input widgets.
const KEY_CODE_ALLOWED: &[&str] = &[
    "src/keymap/",
    "src/input.rs",
    "src/ui/widgets/secret_input.rs",
];

/// `ratatui::style::Stylize` shorthands that set a colour (`"x".red()`, `.on_blue()`).
const STYLIZE_COLOURS: &[&str] = &[
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "dark_gray",
    "light_red",
    "light_green",
    "light_yellow",
    "light_blue",
    "light_magenta",
    "light_cyan",
    "white",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Colour,
    KeyCode,
}

impl Rule {
    fn explain(self) -> &'static str {
        match self {
            Rule::Colour => "colour literal outside the theme module (use a theme slot)",
            Rule::KeyCode => "key code outside the keymap and text inputs (use a keymap action)",
        }
    }
}

fn allowed(path: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| path.starts_with(p))
}

fn is_test_file(path: &str) -> bool {
    path.ends_with("/tests.rs") || path.ends_with("_tests.rs") || path.contains("/tests/")
}

fn has_colour(code: &str) -> bool {
    if code.contains("Color::") {
        return true;
    }
    STYLIZE_COLOURS
        .iter()
        .any(|c| code.contains(&format!(".{c}()")) || code.contains(&format!(".on_{c}()")))
}

/// The code of a line without its `//` comment (doc comments may name what they avoid).
fn code_of(line: &str) -> &str {
    line.find("//").map_or(line, |i| &line[..i])
}

/// Brace balance of a line, ignoring `'{'` / `'}'` char literals.
fn brace_delta(code: &str) -> i64 {
    let code = code.replace("'{'", "").replace("'}'", "");
    let opens = code.matches('{').count();
    let closes = code.matches('}').count();
    i64::try_from(opens).unwrap_or(0) - i64::try_from(closes).unwrap_or(0)
}

/// Offenders in one file's text: (line number, rule, line).
fn offenders_in(path: &str, text: &str) -> Vec<(usize, Rule, String)> {
    if is_test_file(path) {
        return Vec::new();
    }
    let check_colour = !allowed(path, COLOUR_ALLOWED);
    let check_keys = !allowed(path, KEY_CODE_ALLOWED);
    let mut found = Vec::new();
    // Skipping a `#[cfg(test)]` item: waiting for its first line, then its brace depth.
    let mut skip_pending = false;
    let mut skip_depth: Option<i64> = None;
    for (i, line) in text.lines().enumerate() {
        let code = code_of(line);
        if let Some(depth) = skip_depth.as_mut() {
            *depth += brace_delta(code);
            if *depth <= 0 {
                skip_depth = None;
            }
            continue;
        }
        if code.trim_start().starts_with("#[cfg(test)]") {
            skip_pending = true;
            continue;
        }
        if skip_pending {
            let t = code.trim();
            if t.is_empty() || t.starts_with("#[") {
                continue;
            }
            skip_pending = false;
            let depth = brace_delta(code);
            if depth > 0 || !(t.ends_with(';') || t.ends_with('}')) {
                skip_depth = Some(depth);
            }
            continue;
        }
        if check_colour && has_colour(code) {
            found.push((i + 1, Rule::Colour, line.trim().to_string()));
        }
        if check_keys && code.contains("KeyCode::") {
            found.push((i + 1, Rule::KeyCode, line.trim().to_string()));
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("entry in {}: {e}", dir.display()))
                .path()
        })
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_colour_literal_or_key_code_outside_their_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(
        files.len() > 20,
        "src/ walk found only {} files",
        files.len()
    );
    let mut report = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(root)
            .expect("under the crate root")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("read {rel}: {e}"));
        for (line, rule, code) in offenders_in(&rel, &text) {
            report.push(format!("{rel}:{line}: {}: {code}", rule.explain()));
        }
    }
    assert!(
        report.is_empty(),
        "{} style rule offender(s):\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn the_scanner_flags_what_it_should_and_only_that() {
    let ui = "src/ui/screens/x.rs";
    let flagged = |path: &str, text: &str| -> Vec<(usize, Rule)> {
        offenders_in(path, text)
            .into_iter()
            .map(|(l, r, _)| (l, r))
            .collect()
    };
    assert_eq!(
        flagged(ui, "let s = Style::new().fg(Color::Red);"),
        [(1, Rule::Colour)]
    );
    assert_eq!(flagged(ui, "let s = \"x\".on_blue();"), [(1, Rule::Colour)]);
    assert_eq!(
        flagged(ui, "fn f() {}\nif k.code == KeyCode::Enter {}"),
        [(2, Rule::KeyCode)]
    );
    // Comments, the allowed modules and test code are not flagged.
    assert!(flagged(ui, "// no Color:: here, nor KeyCode::Enter").is_empty());
    assert!(flagged("src/theme.rs", "Color::Rgb(1, 2, 3)").is_empty());
    assert!(flagged("src/keymap/chord.rs", "KeyCode::Tab").is_empty());
    assert!(flagged("src/input.rs", "KeyCode::Tab").is_empty());
    assert!(flagged("src/app/tests.rs", "KeyCode::Tab").is_empty());
    let with_tests = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn k() {\n        let c = KeyCode::Char('{');\n    }\n}\nfn b() { Color::Red }\n";
    assert_eq!(flagged(ui, with_tests), [(8, Rule::Colour)]);
    let external = "#[cfg(test)]\nmod tests;\nconst K: KeyCode = KeyCode::Esc;\n";
    assert_eq!(flagged(ui, external), [(3, Rule::KeyCode)]);
    // The theme slot's name is not a colour literal.
    assert!(flagged(ui, "let s = theme.secret_masked;").is_empty());
}
