//! The kind-specific checks of the loader: `input` steps (what they bind) and `vault` steps
//! (the operation, its arguments, its `out`).

use std::collections::BTreeMap;

use toml::Spanned;

use super::{Problems, Table, VarInfo, Vars, check_template, text_field};
use crate::runbook::model::{BUILTIN_VARS, InputKind, Op, StepKind, Template, is_var_name};

/// A variable name a step binds (`var`, `out`): well-formed and not a built-in.
fn check_binding(p: &mut Problems, t: &Table, id: &str, key: &str, var: &str) -> bool {
    let span = t.get(key).map_or(0..0, Spanned::span);
    if !is_var_name(var) {
        let msg = format!("\"{var}\" is not a variable name");
        p.at(span, Some(id), key, msg);
        return false;
    }
    if BUILTIN_VARS.contains(&var) {
        let msg = format!("\"{var}\" is a built-in variable");
        p.at(span, Some(id), key, msg);
        return false;
    }
    true
}

pub(super) fn check_input(
    p: &mut Problems,
    t: &Table,
    id: &str,
    whole: std::ops::Range<usize>,
    vars: &mut Vars,
) -> Option<StepKind> {
    let var = text_field(p, t, id, "var", whole.clone(), true)?;
    check_binding(p, t, id, "var", &var);
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
        .map(|d| check_template(p, t, id, "default", &d, vars));
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
                "must be a non-empty list of strings".into(),
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
    if !choices.is_empty() && input != InputKind::Choice {
        let span = t.get("choices").map_or(0..0, Spanned::span);
        let msg = format!("only a choice input has choices (this one is {kind_text})");
        p.at(span, Some(id), "choices", msg);
    }
    if input == InputKind::Choice
        && let Some(d) = &default
        && !choices.is_empty()
        && d.vars().is_ok_and(|v| v.is_empty())
        && !choices.iter().any(|c| c.eq_ignore_ascii_case(d.as_str()))
    {
        let span = t.get("default").map_or(0..0, Spanned::span);
        let msg = format!(
            "\"{}\" is not one of the choices ({})",
            d.as_str(),
            choices.join(", ")
        );
        p.at(span, Some(id), "default", msg);
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
    let optional = super::bool_field(p, t, id, "optional");
    let info = VarInfo {
        choices: if input == InputKind::Choice {
            choices.clone()
        } else {
            Vec::new()
        },
        secret: input == InputKind::Secret,
    };
    vars.defined.insert(var.clone(), info);
    Some(StepKind::Input {
        var,
        input,
        prompt,
        default,
        choices,
        optional,
    })
}

/// One argument's template: its variables bound by now, a secret only as the whole argument.
fn check_arg(
    p: &mut Problems,
    span: &std::ops::Range<usize>,
    id: &str,
    field: &str,
    tpl: &Template,
    vars: &Vars,
) {
    match tpl.vars() {
        Ok(used) => {
            for var in &used {
                if !vars.has(var) {
                    p.at(span.clone(), Some(id), field, vars.undefined(var));
                } else if vars.secret(var) && tpl.as_str().trim() != format!("{{{{{var}}}}}") {
                    let arg = field.strip_prefix("args.").unwrap_or(field);
                    let msg = format!(
                        "the secret \"{{{{{var}}}}}\" must be the whole argument (write {arg} = \"{{{{{var}}}}}\")"
                    );
                    p.at(span.clone(), Some(id), field, msg);
                }
            }
        }
        Err(e) => p.at(span.clone(), Some(id), field, e),
    }
}

pub(super) fn check_vault(
    p: &mut Problems,
    t: &Table,
    id: &str,
    whole: std::ops::Range<usize>,
    vars: &mut Vars,
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
    // The arguments written (a bad one is reported once, not also as missing).
    let mut written: Vec<String> = Vec::new();
    let args_span = t.get("args").map_or(whole.clone(), Spanned::span);
    match t.get("args").map(Spanned::get_ref) {
        Some(toml::Value::Table(tab)) => {
            for (k, v) in tab {
                written.push(k.clone());
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
                check_arg(p, &args_span, id, &field, &tpl, vars);
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
        if !written.iter().any(|w| w == a.name) {
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
        && written.iter().any(|w| w == "audit_accessors") == written.iter().any(|w| w == "filter")
    {
        let msg = "token.revoke_matching needs exactly one of \"audit_accessors\" and \"filter\"";
        p.at(args_span, Some(id), "args", msg.into());
    }
    let out = text_field(p, t, id, "out", whole, false);
    if let Some(o) = &out {
        if !op.has_output() {
            let span = t.get("out").map_or(0..0, Spanned::span);
            let msg = format!("{} has no output to bind", op.name());
            p.at(span, Some(id), "out", msg);
        } else if check_binding(p, t, id, "out", o) {
            vars.defined.insert(o.clone(), VarInfo::default());
        }
    }
    Some(StepKind::Vault { op, args, out })
}
