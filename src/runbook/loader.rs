//! Loading a runbook file: TOML into [`Runbook`], every problem reported as
//! `<file>, line <n>: step "<id>", field "<field>": <what is wrong>` (all of them, in file
//! order). A runbook with an unknown operation, an undefined variable or a duplicate step id
//! does not load.

use std::collections::BTreeMap;

use toml::Spanned;

use super::model::{
    BUILTIN_VARS, Condition, DEFAULT_CONTAINMENT_MINUTES, Runbook, RunbookSource, Step, StepKind,
    Template, is_var_name,
};
use crate::toml_pos::{line_of, toml_error};

#[path = "loader_kinds.rs"]
mod kinds;

use kinds::{check_input, check_vault};

/// Runbook files above this size are refused (a runbook is a few KB).
pub const MAX_RUNBOOK_BYTES: usize = 256 * 1024;
/// Steps in one runbook, at most.
pub const MAX_STEPS: usize = 200;

type Table = BTreeMap<String, Spanned<toml::Value>>;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRunbook {
    title: Spanned<String>,
    #[serde(default)]
    summary: String,
    containment_minutes: Option<Spanned<i64>>,
    #[serde(default)]
    steps: Vec<Spanned<Table>>,
}

/// Keys every step may have.
const COMMON: [&str; 6] = ["id", "kind", "title", "guidance", "when", "contains"];

/// The keys of each kind, besides [`COMMON`].
fn kind_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "manual" => &["open"],
        "input" => &["var", "input", "prompt", "default", "choices", "optional"],
        "vault" => &["op", "args", "out"],
        "confirm" => &["phrase"],
        "notify" => &["audience", "note"],
        _ => return None,
    })
}

const KINDS: &str = "manual, input, vault, confirm, notify";

/// What the loader knows of a bound variable.
#[derive(Debug, Clone, Default)]
struct VarInfo {
    /// The choices of a `choice` input (a condition's value must be one of them).
    choices: Vec<String>,
    /// Bound by a `secret` input: only ever a whole argument.
    secret: bool,
}

/// The variables bound so far (in file order), and where each variable is bound at all (for
/// "bound only later" messages).
struct Vars {
    defined: BTreeMap<String, VarInfo>,
    binders: BTreeMap<String, String>,
}

impl Vars {
    fn new(steps: &[Spanned<Table>]) -> Self {
        let mut binders = BTreeMap::new();
        for st in steps {
            let t = st.get_ref();
            let get = |k: &str| t.get(k).and_then(|v| v.get_ref().as_str());
            let var = match get("kind") {
                Some("input") => get("var"),
                Some("vault") => get("out"),
                _ => None,
            };
            if let (Some(var), Some(id)) = (var, get("id")) {
                binders
                    .entry(var.to_string())
                    .or_insert_with(|| id.to_string());
            }
        }
        let defined = BUILTIN_VARS
            .iter()
            .map(|v| (v.to_string(), VarInfo::default()))
            .collect();
        Self { defined, binders }
    }

    fn has(&self, var: &str) -> bool {
        self.defined.contains_key(var)
    }

    fn secret(&self, var: &str) -> bool {
        self.defined.get(var).is_some_and(|i| i.secret)
    }

    /// The message for a variable used before (or without) being bound.
    fn undefined(&self, var: &str) -> String {
        match self.binders.get(var) {
            Some(step) => format!(
                "undefined variable \"{{{{{var}}}}}\" here (step \"{step}\" binds it later: move that step first)"
            ),
            None => format!(
                "undefined variable \"{{{{{var}}}}}\" (bind it in an earlier input step or a vault step's out)"
            ),
        }
    }
}

/// Collects problems with their line.
struct Problems<'a> {
    file: &'a str,
    text: &'a str,
    list: Vec<String>,
}

impl Problems<'_> {
    fn at(&mut self, span: std::ops::Range<usize>, step: Option<&str>, field: &str, msg: String) {
        let line = line_of(self.text, span.start);
        let mut s = format!("{}, line {line}: ", self.file);
        if let Some(id) = step {
            s.push_str(&format!("step \"{id}\", "));
        }
        if !field.is_empty() {
            s.push_str(&format!("field \"{field}\": "));
        }
        s.push_str(&msg);
        self.list.push(s);
    }
}

/// Parse and check one runbook file. `file` is the name used in messages; `id` the file stem.
pub fn parse_runbook(
    text: &str,
    file: &str,
    id: &str,
    source: RunbookSource,
) -> Result<Runbook, Vec<String>> {
    if text.len() > MAX_RUNBOOK_BYTES {
        return Err(vec![format!(
            "{file}: larger than {} KB",
            MAX_RUNBOOK_BYTES / 1024
        )]);
    }
    let raw: RawRunbook = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let (line, msg) = toml_error(text, &e);
            return Err(vec![format!("{file}, line {line}: {msg}")]);
        }
    };
    let mut p = Problems {
        file,
        text,
        list: Vec::new(),
    };
    if raw.title.get_ref().trim().is_empty() {
        p.at(raw.title.span(), None, "title", "must not be empty".into());
    }
    let containment = match &raw.containment_minutes {
        None => DEFAULT_CONTAINMENT_MINUTES,
        Some(m) => match u32::try_from(*m.get_ref()) {
            Ok(v) if (1..=24 * 60).contains(&v) => v,
            _ => {
                let msg = format!("{} is not between 1 and 1440", m.get_ref());
                p.at(m.span(), None, "containment_minutes", msg);
                DEFAULT_CONTAINMENT_MINUTES
            }
        },
    };
    if raw.steps.is_empty() {
        p.list
            .push(format!("{file}: a runbook needs at least one [[steps]]"));
    }
    if raw.steps.len() > MAX_STEPS {
        p.list.push(format!("{file}: more than {MAX_STEPS} steps"));
    }
    let mut vars = Vars::new(&raw.steps);
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut steps = Vec::new();
    for (n, st) in raw.steps.iter().take(MAX_STEPS).enumerate() {
        if let Some(step) = check_step(&mut p, st, n, &mut vars, &mut ids) {
            steps.push(step);
        }
    }
    if !p.list.is_empty() {
        return Err(p.list);
    }
    Ok(Runbook {
        id: id.to_string(),
        title: raw.title.into_inner().trim().to_string(),
        summary: raw.summary.trim().to_string(),
        containment_minutes: containment,
        steps,
        source,
    })
}

/// One field's text, or a problem when it is not a string.
fn text_field(
    p: &mut Problems,
    t: &Table,
    step: &str,
    key: &str,
    whole: std::ops::Range<usize>,
    required: bool,
) -> Option<String> {
    match t.get(key) {
        Some(v) => match v.get_ref() {
            toml::Value::String(s) => Some(s.clone()),
            _ => {
                p.at(v.span(), Some(step), key, "must be a string".into());
                None
            }
        },
        None => {
            if required {
                p.at(whole, Some(step), key, "is missing".into());
            }
            None
        }
    }
}

fn bool_field(p: &mut Problems, t: &Table, step: &str, key: &str) -> bool {
    match t.get(key) {
        Some(v) => match v.get_ref() {
            toml::Value::Boolean(b) => *b,
            _ => {
                p.at(v.span(), Some(step), key, "must be true or false".into());
                false
            }
        },
        None => false,
    }
}

/// Check that every `{{var}}` of a template is defined by now.
fn check_template(
    p: &mut Problems,
    t: &Table,
    step: &str,
    key: &str,
    text: &str,
    vars: &Vars,
) -> Template {
    let tpl = Template::new(text);
    let span = t.get(key).map_or(0..0, Spanned::span);
    match tpl.vars() {
        Ok(used) => {
            for v in used.iter().filter(|v| !vars.has(v)) {
                p.at(span.clone(), Some(step), key, vars.undefined(v));
            }
        }
        Err(e) => p.at(span, Some(step), key, e),
    }
    tpl
}

/// A step's `when`: parsed, its variable bound by now, its value one of a choice's choices.
fn check_when(p: &mut Problems, t: &Table, id: &str, w: &str, vars: &Vars) -> Option<Condition> {
    let span = t.get("when").map_or(0..0, Spanned::span);
    let c = match Condition::parse(w) {
        Ok(c) => c,
        Err(e) => {
            p.at(span, Some(id), "when", e);
            return None;
        }
    };
    let var = c.var();
    match vars.defined.get(var) {
        None => {
            let msg = match vars.binders.get(var) {
                Some(step) => format!(
                    "undefined variable \"{var}\" in the condition (step \"{step}\" binds it later: move that step first)"
                ),
                None => format!("undefined variable \"{var}\" in the condition"),
            };
            p.at(span, Some(id), "when", msg);
        }
        Some(info) => {
            let value = match &c {
                Condition::Equals { value, .. } | Condition::NotEquals { value, .. } => Some(value),
                Condition::Set { .. } => None,
            };
            if let Some(value) = value
                && !info.choices.is_empty()
                && !info.choices.iter().any(|ch| ch.eq_ignore_ascii_case(value))
            {
                let msg = format!(
                    "\"{value}\" is not one of the choices of \"{var}\" ({})",
                    info.choices.join(", ")
                );
                p.at(span, Some(id), "when", msg);
            }
        }
    }
    Some(c)
}

/// A manual step's `open`: a `:` command of the console (its first word).
fn check_open(
    p: &mut Problems,
    t: &Table,
    id: &str,
    whole: std::ops::Range<usize>,
) -> Option<String> {
    let open = text_field(p, t, id, "open", whole, false)?;
    let cmd = open.trim().trim_start_matches(':');
    let word = cmd.split_whitespace().next().unwrap_or("");
    if !crate::app::COMMANDS.iter().any(|(c, _)| *c == word) {
        let span = t.get("open").map_or(0..0, Spanned::span);
        let msg =
            format!("\"{open}\" is not a : command of the console (like rekey, unseal, leases)");
        p.at(span, Some(id), "open", msg);
        return None;
    }
    Some(cmd.to_string())
}

fn check_step(
    p: &mut Problems,
    st: &Spanned<Table>,
    n: usize,
    vars: &mut Vars,
    ids: &mut BTreeMap<String, usize>,
) -> Option<Step> {
    let whole = st.span();
    let t = st.get_ref();
    let fallback = format!("#{}", n + 1);
    let id = match t.get("id").map(|v| (v.get_ref(), v.span())) {
        Some((toml::Value::String(s), span)) => {
            if !is_var_name(s) {
                let msg = format!(
                    "\"{s}\" is not a step id (letters, digits, _ and -, starting with a letter)"
                );
                p.at(span.clone(), Some(s), "id", msg);
            }
            if let Some(first) = ids.get(s) {
                let msg = format!("duplicate step id \"{s}\" (also step #{})", first + 1);
                p.at(span, Some(s), "id", msg);
            } else {
                ids.insert(s.clone(), n);
            }
            s.clone()
        }
        Some((_, span)) => {
            p.at(span, Some(&fallback), "id", "must be a string".into());
            fallback
        }
        None => {
            p.at(whole.clone(), Some(&fallback), "id", "is missing".into());
            fallback
        }
    };
    let kind = text_field(p, t, &id, "kind", whole.clone(), true)?;
    let Some(extra) = kind_keys(&kind) else {
        let span = t.get("kind").map_or(whole.clone(), Spanned::span);
        let msg = format!("unknown kind \"{kind}\" (known: {KINDS})");
        p.at(span, Some(&id), "kind", msg);
        return None;
    };
    for (k, v) in t {
        if !COMMON.contains(&k.as_str()) && !extra.contains(&k.as_str()) {
            let msg = format!(
                "unknown field for a {kind} step (known: {})",
                COMMON
                    .iter()
                    .chain(extra.iter())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            p.at(v.span(), Some(&id), k, msg);
        }
    }
    let title = text_field(p, t, &id, "title", whole.clone(), true).unwrap_or_default();
    let guidance_text = text_field(p, t, &id, "guidance", whole.clone(), false).unwrap_or_default();
    let guidance = check_template(p, t, &id, "guidance", &guidance_text, vars);
    let when = text_field(p, t, &id, "when", whole.clone(), false)
        .and_then(|w| check_when(p, t, &id, &w, vars));
    let contains = bool_field(p, t, &id, "contains");
    let kind = match kind.as_str() {
        "manual" => StepKind::Manual {
            open: check_open(p, t, &id, whole),
        },
        "input" => check_input(p, t, &id, whole, vars)?,
        "vault" => check_vault(p, t, &id, whole, vars)?,
        "confirm" => {
            let phrase = text_field(p, t, &id, "phrase", whole, true);
            if let Some(ph) = &phrase
                && ph.trim().is_empty()
            {
                let span = t.get("phrase").map_or(0..0, Spanned::span);
                p.at(span, Some(&id), "phrase", "must not be empty".into());
            }
            let phrase = phrase.unwrap_or_default();
            StepKind::Confirm {
                phrase: check_template(p, t, &id, "phrase", &phrase, vars),
            }
        }
        _ => {
            let audience = text_field(p, t, &id, "audience", whole, true).unwrap_or_default();
            let note = text_field(p, t, &id, "note", 0..0, false)
                .map(|n| check_template(p, t, &id, "note", &n, vars));
            StepKind::Notify { audience, note }
        }
    };
    Some(Step {
        id,
        title,
        guidance,
        when,
        contains,
        kind,
    })
}

#[cfg(test)]
#[path = "loader_tests.rs"]
mod tests;
