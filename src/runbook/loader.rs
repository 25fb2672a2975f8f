//! Loading a runbook file: TOML into [`Runbook`], every problem reported as
//! `<file>, line <n>: step "<id>", field "<field>": <what is wrong>` (all of them, in file
//! order). A runbook with an unknown operation, an undefined variable or a duplicate step id
//! does not load.

use std::collections::{BTreeMap, BTreeSet};

use toml::Spanned;

use super::model::{
    BUILTIN_VARS, Condition, DEFAULT_CONTAINMENT_MINUTES, InputKind, Op, Runbook, RunbookSource,
    Step, StepKind, Template, is_var_name,
};
use crate::toml_pos::{line_of, toml_error};

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
    let mut defined: BTreeSet<String> = BUILTIN_VARS.iter().map(|s| s.to_string()).collect();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut steps = Vec::new();
    for (n, st) in raw.steps.iter().take(MAX_STEPS).enumerate() {
        if let Some(step) = check_step(&mut p, st, n, &mut defined, &mut ids) {
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
    defined: &BTreeSet<String>,
) -> Template {
    let tpl = Template::new(text);
    let span = t.get(key).map_or(0..0, Spanned::span);
    match tpl.vars() {
        Ok(vars) => {
            for v in vars {
                if !defined.contains(&v) {
                    let msg = format!(
                        "undefined variable \"{{{{{v}}}}}\" (bind it in an earlier input step or a vault step's out)"
                    );
                    p.at(span.clone(), Some(step), key, msg);
                }
            }
        }
        Err(e) => p.at(span, Some(step), key, e),
    }
    tpl
}

fn check_step(
    p: &mut Problems,
    st: &Spanned<Table>,
    n: usize,
    defined: &mut BTreeSet<String>,
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
                p.at(span.clone(), Some(&fallback), "id", msg);
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
    let guidance = check_template(p, t, &id, "guidance", &guidance_text, defined);
    let when = match text_field(p, t, &id, "when", whole.clone(), false) {
        Some(w) => {
            let span = t.get("when").map_or(0..0, Spanned::span);
            match Condition::parse(&w) {
                Ok(c) => {
                    if !defined.contains(c.var()) {
                        let msg = format!("undefined variable \"{}\" in the condition", c.var());
                        p.at(span, Some(&id), "when", msg);
                    }
                    Some(c)
                }
                Err(e) => {
                    p.at(span, Some(&id), "when", e);
                    None
                }
            }
        }
        None => None,
    };
    let contains = bool_field(p, t, &id, "contains");
    let kind = match kind.as_str() {
        "manual" => StepKind::Manual {
            open: text_field(p, t, &id, "open", whole, false),
        },
        "input" => check_input(p, t, &id, whole, defined)?,
        "vault" => check_vault(p, t, &id, whole, defined)?,
        "confirm" => {
            let phrase = text_field(p, t, &id, "phrase", whole, true).unwrap_or_default();
            if phrase.trim().is_empty() {
                let span = t.get("phrase").map_or(0..0, Spanned::span);
                p.at(span, Some(&id), "phrase", "must not be empty".into());
            }
            StepKind::Confirm {
                phrase: check_template(p, t, &id, "phrase", &phrase, defined),
            }
        }
        _ => {
            let audience = text_field(p, t, &id, "audience", whole, true).unwrap_or_default();
            let note = text_field(p, t, &id, "note", 0..0, false)
                .map(|n| check_template(p, t, &id, "note", &n, defined));
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

fn check_input(
    p: &mut Problems,
    t: &Table,
    id: &str,
    whole: std::ops::Range<usize>,
    defined: &mut BTreeSet<String>,
) -> Option<StepKind> {
    let var = text_field(p, t, id, "var", whole.clone(), true)?;
    let var_span = t.get("var").map_or(0..0, Spanned::span);
    if !is_var_name(&var) {
        let msg = format!("\"{var}\" is not a variable name");
        p.at(var_span.clone(), Some(id), "var", msg);
    }
    if BUILTIN_VARS.contains(&var.as_str()) {
        let msg = format!("\"{var}\" is a built-in variable");
        p.at(var_span, Some(id), "var", msg);
    }
    let kind_text = text_field(p, t, id, "input", whole.clone(), false).unwrap_or("text".into());
    let input = InputKind::ALL.into_iter().find(|k| k.name() == kind_text);
    let Some(input) = input else {
        let span = t.get("input").map_or(0..0, Spanned::span);
        let known: Vec<&str> = InputKind::ALL.iter().map(|k| k.name()).collect();
        let msg = format!(
            "unknown input \"{kind_text}\" (known: {})",
            known.join(", ")
        );
        p.at(span, Some(id), "input", msg);
        return None;
    };
    let prompt = text_field(p, t, id, "prompt", whole.clone(), false).unwrap_or_default();
    let default = text_field(p, t, id, "default", whole.clone(), false)
        .map(|d| check_template(p, t, id, "default", &d, defined));
    let mut choices = Vec::new();
    match t.get("choices") {
        Some(v) => match v.get_ref() {
            toml::Value::Array(a) if a.iter().all(|x| x.is_str()) && !a.is_empty() => {
                choices = a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect();
            }
            _ => p.at(
                v.span(),
                Some(id),
                "choices",
                "must be a list of strings".into(),
            ),
        },
        None if input == InputKind::Choice => {
            p.at(
                whole,
                Some(id),
                "choices",
                "is missing (a choice input needs them)".into(),
            );
        }
        None => {}
    }
    if input == InputKind::Secret && default.is_some() {
        let span = t.get("default").map_or(0..0, Spanned::span);
        p.at(
            span,
            Some(id),
            "default",
            "a secret input has no default".into(),
        );
    }
    let optional = bool_field(p, t, id, "optional");
    defined.insert(var.clone());
    Some(StepKind::Input {
        var,
        input,
        prompt,
        default,
        choices,
        optional,
    })
}

fn check_vault(
    p: &mut Problems,
    t: &Table,
    id: &str,
    whole: std::ops::Range<usize>,
    defined: &mut BTreeSet<String>,
) -> Option<StepKind> {
    let name = text_field(p, t, id, "op", whole.clone(), true)?;
    let Some(op) = Op::from_name(&name) else {
        let span = t.get("op").map_or(0..0, Spanned::span);
        let known: Vec<&str> = Op::ALL.iter().map(|o| o.name()).collect();
        let msg = format!("unknown operation \"{name}\" (known: {})", known.join(", "));
        p.at(span, Some(id), "op", msg);
        return None;
    };
    let mut args = BTreeMap::new();
    let args_span = t.get("args").map_or(whole.clone(), Spanned::span);
    match t.get("args").map(Spanned::get_ref) {
        Some(toml::Value::Table(tab)) => {
            for (k, v) in tab {
                let field = format!("args.{k}");
                if !op.args().iter().any(|a| a.name == k) {
                    let known: Vec<&str> = op.args().iter().map(|a| a.name).collect();
                    let msg = format!(
                        "{} takes no argument \"{k}\" (it takes: {})",
                        op.name(),
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    );
                    p.at(args_span.clone(), Some(id), &field, msg);
                    continue;
                }
                let Some(s) = v.as_str() else {
                    p.at(
                        args_span.clone(),
                        Some(id),
                        &field,
                        "must be a string".into(),
                    );
                    continue;
                };
                let tpl = Template::new(s);
                match tpl.vars() {
                    Ok(vars) => {
                        for var in vars.iter().filter(|v| !defined.contains(*v)) {
                            let msg = format!(
                                "undefined variable \"{{{{{var}}}}}\" (bind it in an earlier input step or a vault step's out)"
                            );
                            p.at(args_span.clone(), Some(id), &field, msg);
                        }
                    }
                    Err(e) => p.at(args_span.clone(), Some(id), &field, e),
                }
                args.insert(k.clone(), tpl);
            }
        }
        Some(_) => p.at(
            args_span.clone(),
            Some(id),
            "args",
            "must be a table".into(),
        ),
        None => {}
    }
    for a in op.args().iter().filter(|a| a.required) {
        if !args.contains_key(a.name) {
            let msg = format!("{} needs the argument \"{}\"", op.name(), a.name);
            p.at(
                args_span.clone(),
                Some(id),
                &format!("args.{}", a.name),
                msg,
            );
        }
    }
    if op == Op::TokenRevokeMatching
        && args.contains_key("audit_accessors") == args.contains_key("filter")
    {
        let msg = "token.revoke_matching needs exactly one of \"audit_accessors\" and \"filter\"";
        p.at(args_span, Some(id), "args", msg.into());
    }
    let out = text_field(p, t, id, "out", whole, false);
    if let Some(o) = &out {
        let span = t.get("out").map_or(0..0, Spanned::span);
        if !op.has_output() {
            let msg = format!("{} has no output to bind", op.name());
            p.at(span, Some(id), "out", msg);
        } else if !is_var_name(o) {
            let msg = format!("\"{o}\" is not a variable name");
            p.at(span, Some(id), "out", msg);
        } else {
            defined.insert(o.clone());
        }
    }
    Some(StepKind::Vault { op, args, out })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Runbook, Vec<String>> {
        parse_runbook(text, "t.toml", "t", RunbookSource::BuiltIn("t.toml".into()))
    }

    #[test]
    fn a_good_runbook_loads() {
        let rb = load(
            r#"
title = "T"
[[steps]]
id = "path"
kind = "input"
title = "Which secret?"
var = "secret_path"
[[steps]]
id = "rotate"
kind = "vault"
title = "Rotate"
op = "kv.write_new_version"
args = { path = "{{secret_path}}", field = "password" }
contains = true
[[steps]]
id = "search"
kind = "vault"
title = "Who read it"
op = "audit.search"
args = { path = "{{secret_path}}", since = "{{detected_at}}" }
out = "readers"
[[steps]]
id = "revoke"
kind = "vault"
title = "Revoke them"
when = "readers"
op = "token.revoke_matching"
args = { audit_accessors = "{{readers}}" }
"#,
        )
        .expect("valid");
        assert_eq!(rb.steps.len(), 4);
        assert_eq!(rb.containment_minutes, 15);
        assert!(rb.steps[1].contains);
    }

    #[test]
    fn problems_name_file_line_step_and_field() {
        let errs = load(
            r#"title = "T"
[[steps]]
id = "a"
kind = "vault"
title = "x"
op = "kv.nuke"
[[steps]]
id = "a"
kind = "manual"
title = "y"
guidance = "use {{nope}}"
"#,
        )
        .expect_err("invalid");
        assert_eq!(
            errs,
            vec![
                "t.toml, line 6: step \"a\", field \"op\": unknown operation \"kv.nuke\" (known: kv.write_new_version, kv.destroy_versions, lease.revoke_prefix, token.revoke_accessor, token.revoke_matching, database.rotate_root, database.rotate_role, transit.rotate_key, audit.search, sys.seal)".to_string(),
                "t.toml, line 8: step \"a\", field \"id\": duplicate step id \"a\" (also step #1)".to_string(),
                "t.toml, line 11: step \"a\", field \"guidance\": undefined variable \"{{nope}}\" (bind it in an earlier input step or a vault step's out)".to_string(),
            ]
        );
    }
}
