//! The scanner's line parser: one audit line to a borrowed [`EntryRef`] without allocating
//! (strings borrow the line; only strings holding JSON escapes are decoded into a `String`).
//! It accepts and rejects exactly what the reference [`crate::audit::entry::parse_line`]
//! (serde_json) does, field for field: structs as objects or as arrays (serde's sequence form),
//! duplicate known fields refused, unknown fields checked and skipped, `null` as missing.
//! `tests/audit_fast.rs` compares the two with proptest.

use std::borrow::Cow;

use super::entry::{EntryKind, EntrySource, LineError, parse_time};
use super::entry_ref::{EntryRef, PoliciesRef};
use super::json_lex::{JResult, JsonError, Lex, unescape};

/// Parse one line (without its newline). `policies` is scratch space for the rare policy list
/// that holds escapes or commas (left untouched otherwise): pass a fresh `Vec::new()`, it does
/// not allocate unless used.
pub fn parse_entry_ref<'a>(
    line: &'a [u8],
    source: EntrySource,
    policies: &'a mut Vec<String>,
) -> Result<EntryRef<'a>, LineError> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Err(LineError::Blank);
    }
    let mut lex = Lex::new(line);
    let mut top = Top::default();
    let parsed = parse_struct(&mut lex, LINE_FIELDS, &mut |lex, f| top.field(lex, f)).and_then(
        |()| match lex.ws() {
            None => Ok(()),
            Some(_) => lex.err(),
        },
    );
    if let Err(JsonError(at)) = parsed {
        return Err(LineError::NotJson(format!("invalid JSON at byte {at}")));
    }
    let kind = match top.kind.as_deref() {
        Some("request") => Some(EntryKind::Request),
        Some("response") => Some(EntryKind::Response),
        Some(_) => None,
        None => return Err(LineError::NotAnEntry),
    };
    let auth = top.auth.unwrap_or_default();
    let req = top.request.unwrap_or_default();
    let created = top.created.unwrap_or_default();
    let policies = match auth.policies {
        None => PoliciesRef::default(),
        Some(Pol::Raw(r)) => PoliciesRef::Raw(r),
        Some(Pol::List(l)) => {
            *policies = l;
            PoliciesRef::List(policies)
        }
    };
    Ok(EntryRef {
        time: top.time.as_deref().and_then(parse_time),
        kind,
        request_id: req.id.unwrap_or_default(),
        operation: req.operation.unwrap_or_default(),
        path: req.path.unwrap_or_default(),
        mount_point: req.mount_point.unwrap_or_default(),
        mount_type: req.mount_type.unwrap_or_default(),
        display_name: auth.display_name.unwrap_or_default(),
        entity_id: auth.entity_id.unwrap_or_default(),
        remote_address: req.remote_address.unwrap_or_default(),
        policies,
        allowed: auth.allowed,
        error: top.error.filter(|e| !e.is_empty()),
        client_token: auth.client_token.unwrap_or_default(),
        accessor: auth.accessor.unwrap_or_default(),
        token_type: auth.token_type.unwrap_or_default(),
        token_ttl: auth.token_ttl,
        created_accessor: created.accessor.unwrap_or_default(),
        created_token_ttl: created.token_ttl,
        source,
    })
}

/// The owned entry of a line (the fast parser, then one allocation per field).
pub fn parse_entry(line: &[u8], source: EntrySource) -> Result<super::AuditEntry, LineError> {
    let mut scratch = Vec::new();
    parse_entry_ref(line, source, &mut scratch).map(|e| e.to_owned_entry())
}

const LINE_FIELDS: &[&str] = &["time", "type", "auth", "request", "response", "error"];
const AUTH_FIELDS: &[&str] = &[
    "client_token",
    "accessor",
    "display_name",
    "entity_id",
    "policies",
    "policy_results",
    "token_type",
    "token_ttl",
];
const RESULTS_FIELDS: &[&str] = &["allowed"];
const REQ_FIELDS: &[&str] = &[
    "id",
    "operation",
    "path",
    "mount_point",
    "mount_type",
    "remote_address",
];
const RESP_FIELDS: &[&str] = &["auth"];

type Field<'a, 'f> = &'f mut dyn FnMut(&mut Lex<'a>, usize) -> JResult<()>;

/// A derived `Deserialize` struct with `#[serde(default)]`: an object (known keys once each,
/// others skipped) or an array of the fields in order (missing trailing ones default).
fn parse_struct<'a>(lex: &mut Lex<'a>, fields: &[&str], on: Field<'a, '_>) -> JResult<()> {
    match lex.ws() {
        Some(b'{') => {
            lex.i += 1;
            let mut seen: u32 = 0;
            let mut first = true;
            loop {
                match lex.ws() {
                    Some(b'}') => {
                        lex.i += 1;
                        return Ok(());
                    }
                    Some(b',') if !first => {
                        lex.i += 1;
                    }
                    Some(_) if first => {}
                    _ => return lex.err(),
                }
                first = false;
                if lex.ws() != Some(b'"') {
                    return lex.err();
                }
                lex.i += 1;
                let (ks, ke, esc) = lex.raw_str()?;
                let raw = &lex.b[ks..ke];
                let found = if esc {
                    let k = unescape(raw)
                        .and_then(|k| String::from_utf8(k).ok())
                        .ok_or(JsonError(ks))?;
                    fields.iter().position(|f| f.as_bytes() == k.as_bytes())
                } else {
                    match fields.iter().position(|f| f.as_bytes() == raw) {
                        Some(i) => Some(i),
                        None if raw.is_ascii() || std::str::from_utf8(raw).is_ok() => None,
                        None => return Err(JsonError(ks)),
                    }
                };
                lex.expect(b':')?;
                match found {
                    Some(idx) => {
                        if seen & (1 << idx) != 0 {
                            return lex.err();
                        }
                        seen |= 1 << idx;
                        on(lex, idx)?;
                    }
                    None => lex.skip_value()?,
                }
            }
        }
        Some(b'[') => {
            lex.i += 1;
            let mut first = true;
            for idx in 0..fields.len() {
                match lex.ws() {
                    Some(b']') => break,
                    Some(b',') if !first => {
                        lex.i += 1;
                        if matches!(lex.ws(), Some(b']') | None) {
                            return lex.err();
                        }
                    }
                    Some(_) if first => {}
                    _ => return lex.err(),
                }
                first = false;
                on(lex, idx)?;
            }
            lex.expect(b']')
        }
        _ => lex.err(),
    }
}

#[derive(Default)]
struct Top<'a> {
    time: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
    auth: Option<Auth<'a>>,
    request: Option<Req<'a>>,
    created: Option<Auth<'a>>,
    error: Option<Cow<'a, str>>,
}

impl<'a> Top<'a> {
    fn field(&mut self, lex: &mut Lex<'a>, f: usize) -> JResult<()> {
        match f {
            0 => self.time = lex.opt_str()?,
            1 => self.kind = lex.opt_str()?,
            2 => self.auth = opt_auth(lex)?,
            3 => {
                if !lex.null()? {
                    let mut r = Req::default();
                    parse_struct(lex, REQ_FIELDS, &mut |lex, f| r.field(lex, f))?;
                    self.request = Some(r);
                }
            }
            4 => {
                if !lex.null()? {
                    let mut created = None;
                    parse_struct(lex, RESP_FIELDS, &mut |lex, _| {
                        created = opt_auth(lex)?;
                        Ok(())
                    })?;
                    self.created = created;
                }
            }
            _ => self.error = lex.opt_str()?,
        }
        Ok(())
    }
}

enum Pol<'a> {
    Raw(&'a str),
    List(Vec<String>),
}

#[derive(Default)]
struct Auth<'a> {
    client_token: Option<Cow<'a, str>>,
    accessor: Option<Cow<'a, str>>,
    display_name: Option<Cow<'a, str>>,
    entity_id: Option<Cow<'a, str>>,
    policies: Option<Pol<'a>>,
    allowed: Option<bool>,
    token_type: Option<Cow<'a, str>>,
    token_ttl: Option<i64>,
}

fn opt_auth<'a>(lex: &mut Lex<'a>) -> JResult<Option<Auth<'a>>> {
    if lex.null()? {
        return Ok(None);
    }
    let mut a = Auth::default();
    parse_struct(lex, AUTH_FIELDS, &mut |lex, f| a.field(lex, f))?;
    Ok(Some(a))
}

impl<'a> Auth<'a> {
    fn field(&mut self, lex: &mut Lex<'a>, f: usize) -> JResult<()> {
        match f {
            0 => self.client_token = lex.opt_str()?,
            1 => self.accessor = lex.opt_str()?,
            2 => self.display_name = lex.opt_str()?,
            3 => self.entity_id = lex.opt_str()?,
            4 => self.policies = policies(lex)?,
            5 => {
                if !lex.null()? {
                    let mut allowed = None;
                    parse_struct(lex, RESULTS_FIELDS, &mut |lex, _| {
                        allowed = lex.opt_bool()?;
                        Ok(())
                    })?;
                    self.allowed = allowed;
                }
            }
            6 => self.token_type = lex.opt_str()?,
            _ => self.token_ttl = lex.opt_i64()?,
        }
        Ok(())
    }
}

/// `Option<Vec<String>>`: the raw array text when every name is plain (no escape, no comma:
/// what `PoliciesRef::Raw` splits correctly), else the decoded names.
fn policies<'a>(lex: &mut Lex<'a>) -> JResult<Option<Pol<'a>>> {
    if lex.null()? {
        return Ok(None);
    }
    if lex.ws() != Some(b'[') {
        return lex.err();
    }
    let start = lex.i;
    lex.i += 1;
    let mut simple = true;
    let mut names: Vec<String> = Vec::new();
    let mut first = true;
    loop {
        match lex.ws() {
            Some(b']') => {
                lex.i += 1;
                break;
            }
            Some(b',') if !first => {
                lex.i += 1;
                if matches!(lex.ws(), Some(b']') | None) {
                    return lex.err();
                }
            }
            Some(_) if first => {}
            _ => return lex.err(),
        }
        first = false;
        let s = lex.str_val()?;
        if simple && (matches!(s, Cow::Owned(_)) || s.contains(',')) {
            simple = false;
            // Decode the names seen so far again, from the start of the array.
            let mut again = Lex::new(lex.b);
            again.i = start + 1;
            names.clear();
            while again.i < lex.i {
                match again.ws() {
                    Some(b'"') => names.push(again.str_val()?.into_owned()),
                    _ => again.i += 1,
                }
            }
            continue;
        }
        if !simple {
            names.push(s.into_owned());
        }
    }
    if simple {
        std::str::from_utf8(&lex.b[start..lex.i])
            .map(|r| Some(Pol::Raw(r)))
            .map_err(|_| JsonError(start))
    } else {
        Ok(Some(Pol::List(names)))
    }
}

#[derive(Default)]
struct Req<'a> {
    id: Option<Cow<'a, str>>,
    operation: Option<Cow<'a, str>>,
    path: Option<Cow<'a, str>>,
    mount_point: Option<Cow<'a, str>>,
    mount_type: Option<Cow<'a, str>>,
    remote_address: Option<Cow<'a, str>>,
}

impl<'a> Req<'a> {
    fn field(&mut self, lex: &mut Lex<'a>, f: usize) -> JResult<()> {
        let v = lex.opt_str()?;
        match f {
            0 => self.id = v,
            1 => self.operation = v,
            2 => self.path = v,
            3 => self.mount_point = v,
            4 => self.mount_type = v,
            _ => self.remote_address = v,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::entry::parse_line;

    fn same(line: &str) {
        let src = EntrySource::default();
        let a = parse_line(line.as_bytes(), src);
        let b = parse_entry(line.as_bytes(), src);
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{line}"),
            (Err(a), Err(b)) => assert_eq!(
                std::mem::discriminant(&a),
                std::mem::discriminant(&b),
                "{line}: {a} / {b}"
            ),
            (a, b) => panic!("{line}: {a:?} / {b:?}"),
        }
    }

    #[test]
    fn agrees_with_the_reference_on_odd_lines() {
        for l in [
            r#"{"time":"2026-12-06T06:20:43.1Z","type":"request","auth":{"policies":["a","b"],"policy_results":{"allowed":false},"token_ttl":5},"request":{"id":"x","path":"p\/q","data":{"path":"no"}},"error":"1 error occurred:\n\t* permission denied\n\n"}"#,
            r#"["2026-12-06T06:20:43Z","response",["ct","acc","dn"],{"id":"i"}]"#,
            r#"{"type":"request","auth":{"policies":["a,b","c"]}}"#,
            r#"{"type":"request","auth":{"policies":["x","\u0061"]}}"#,
            r#"{"type":"request","type":"request"}"#,
            r#"{"type":"request","x":1,"x":2}"#,
            r#"{"type":"request","auth":{"token_ttl":-0}}"#,
            r#"{"type":"request","auth":{"token_ttl":-9223372036854775808}}"#,
            r#"{"type":"request","auth":{"token_ttl":9223372036854775808}}"#,
            r#"{"type":null}"#,
            r#"{"t\u0079pe":"response"}"#,
            r#"{"type":"request","request":[]} x"#,
            r#"{"type":"request","error":"\ud800"}"#,
            r#"{"type":"request","other":"\ud800"}"#,
            "{\"type\":\"request\",\"other\":\"\u{1}\"}",
            r#"{"type":"request","auth":{"policies":[]},"response":{"auth":null}}"#,
            r#"{"type":"request",}"#,
            r#"[]"#,
            r#"["a","request","x"]"#,
        ] {
            same(l);
        }
    }
}
