use proptest::prelude::*;
use secrecy::ExposeSecret;

use super::*;

fn fields(pairs: &[(&str, &str, bool)]) -> SecretFields {
    pairs
        .iter()
        .map(|(k, v, json)| {
            (
                k.to_string(),
                SecretField {
                    value: SecretString::from(v.to_string()),
                    json: *json,
                },
            )
        })
        .collect()
}

fn lines(text: &str) -> Vec<String> {
    text.split('\n').map(str::to_string).collect()
}

fn plain(f: &SecretFields) -> Vec<(String, String, bool)> {
    f.iter()
        .map(|(k, v)| (k.clone(), v.value.expose_secret().to_string(), v.json))
        .collect()
}

#[test]
fn json_form_escapes_control_characters_and_keeps_json_values() {
    let f = fields(&[
        ("user", "fake-user", false),
        ("bin", "a\x1b[31m\u{7f}\u{9b}\u{202e}b\nc", false),
        ("port", "5432", true),
        ("tags", "[\"x\",1]", true),
    ]);
    let l = to_lines(&f, Format::Json);
    assert_eq!(
        l,
        [
            "{",
            r#"  "bin": "a\u001b[31m\u007f\u009b\u202eb\nc","#,
            r#"  "port": 5432,"#,
            r#"  "tags": ["x",1],"#,
            r#"  "user": "fake-user""#,
            "}"
        ]
    );
    assert!(!l.concat().chars().any(must_escape));
    assert_eq!(plain(&parse(&l, Format::Json).unwrap()), plain(&f));
}

#[test]
fn key_value_form_quotes_what_needs_it() {
    let f = fields(&[
        ("url", "postgres://h/db?sslmode=require&a=b", false),
        ("multi", "line1\nline2", false),
        ("padded", " x ", false),
        ("quoted", "\"q", false),
        ("a=b", "v", false),
        ("port", "5432", true),
        ("empty", "", false),
    ]);
    let l = to_lines(&f, Format::KeyValue);
    assert_eq!(
        l,
        [
            r#""a=b"=v"#,
            "empty=",
            r#"multi="line1\nline2""#,
            r#"padded=" x ""#,
            "port:=5432",
            r#"quoted="\"q""#,
            "url=postgres://h/db?sslmode=require&a=b",
        ]
    );
    assert_eq!(plain(&parse(&l, Format::KeyValue).unwrap()), plain(&f));
}

#[test]
fn key_value_skips_blank_and_comment_lines() {
    let f = parse(
        &lines("# a comment\n\n  user = fake\nn:=1"),
        Format::KeyValue,
    )
    .unwrap();
    assert_eq!(
        plain(&f),
        [
            ("n".to_string(), "1".to_string(), true),
            ("user".to_string(), " fake".to_string(), false)
        ]
    );
}

#[test]
fn errors_name_the_line_and_hold_no_value() {
    let e = |t: &str, f| parse(&lines(t), f).unwrap_err().to_string();
    assert_eq!(
        e("a=1\nno equals sign here", Format::KeyValue),
        "line 2: expected key=value (no \"=\" on this line)"
    );
    assert_eq!(
        e("a=1\nb=2\na=hunter2", Format::KeyValue),
        "line 3: duplicate field \"a\" (first on line 1)"
    );
    assert_eq!(e("=hunter2", Format::KeyValue), "line 1: empty field name");
    assert_eq!(
        e("a=\"unterminated", Format::KeyValue),
        "line 1: a quoted value must end with its closing quote"
    );
    assert!(e("n:={bad", Format::KeyValue).starts_with("line 1: invalid JSON after :=:"));
    assert_eq!(
        e("{\n  \"a\": \"1\",\n  \"a\": \"hunter2\"\n}", Format::Json),
        "line 3: duplicate field \"a\""
    );
    assert_eq!(
        e("{\n  \"a\": \"1\"\n  \"b\": \"2\"\n}", Format::Json),
        "line 3: expected `,` or `}`"
    );
    assert_eq!(
        e("[1, 2]", Format::Json),
        "line 1: the text must be one JSON object ({\"field\": \"value\", …})"
    );
    assert_eq!(e("not json", Format::Json), "line 1: expected ident");
    assert_eq!(
        e("{\n\"\": \"x\"\n}", Format::Json),
        "line 2: empty field name"
    );
    for msg in [
        e("a=1\nb=2\na=hunter2", Format::KeyValue),
        e("{\"a\": \"hunter2\", \"a\": 1}", Format::Json),
    ] {
        assert!(!msg.contains("hunter2"), "{msg}");
    }
}

#[test]
fn empty_secret_round_trips_in_both_forms() {
    let f = SecretFields::new();
    for form in [Format::Json, Format::KeyValue] {
        assert!(parse(&to_lines(&f, form), form).unwrap().is_empty());
    }
}

fn any_fields() -> impl Strategy<Value = Vec<(String, String, bool)>> {
    let json_value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        any::<String>().prop_map(|s| serde_json::json!([s, {"k": 1}]).to_string()),
    ];
    proptest::collection::vec(
        (
            ".{1,12}",
            prop_oneof![
                any::<String>().prop_map(|s| (s, false)),
                json_value.prop_map(|s| (s, true))
            ],
        )
            .prop_map(|(k, (v, j))| (k, v, j)),
        0..6,
    )
}

proptest! {
    #[test]
    fn both_forms_round_trip_and_hold_no_control_characters(v in any_fields()) {
        let f: SecretFields = v
            .into_iter()
            .map(|(k, s, json)| (k, SecretField { value: SecretString::from(s), json }))
            .collect();
        for form in [Format::Json, Format::KeyValue] {
            let l = to_lines(&f, form);
            prop_assert!(!l.iter().any(|x| x.chars().any(must_escape)));
            let back = parse(&l, form).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(plain(&back), plain(&f));
        }
    }
}

proptest! {
    #[test]
    fn parsing_any_text_never_panics_and_errors_name_a_real_line(
        // Lines as the text area holds them: no newline inside one.
        text in proptest::collection::vec("[^\n]{0,40}", 0..6)
    ) {
        for form in [Format::Json, Format::KeyValue] {
            if let Err(e) = parse(&text, form) {
                prop_assert!(e.line >= 1 && e.line <= text.len().max(1), "{e}");
            }
        }
    }
}
