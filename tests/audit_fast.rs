//! The scanner's fast line parser against the serde_json reference parser, on generated audit
//! lines: escapes, unicode, reordered keys, nested data objects holding keys named like the
//! fields (`path`, `error`, `time`), missing fields, wrong types, duplicates, the array form of
//! structs, and garbage (truncated lines, stray bytes). Same entry, or both errors of one kind.

use proptest::prelude::*;
use strongroom::audit::entry::parse_line;
use strongroom::audit::fast::parse_entry;
use strongroom::audit::{EntrySource, LineError};

fn check(line: &[u8]) -> Result<(), TestCaseError> {
    let src = EntrySource {
        file: 1,
        offset: 7,
        len: 3,
    };
    let want = parse_line(line, src);
    let got = parse_entry(line, src);
    match (&want, &got) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(a), Err(b)) => prop_assert_eq!(kind(a), kind(b), "{} / {}", a, b),
        _ => prop_assert!(
            false,
            "{:?}: reference {:?}, fast {:?}",
            String::from_utf8_lossy(line),
            want,
            got
        ),
    }
    Ok(())
}

fn kind(e: &LineError) -> u8 {
    match e {
        LineError::Blank => 0,
        LineError::NotJson(_) => 1,
        LineError::NotAnEntry => 2,
    }
}

/// The inside of a JSON string: plain text, unicode, escapes (valid and not).
fn str_body() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            1000 => "[a-z0-9/:._ -]{0,8}",
            30 => Just("\\n".to_string()),
            10 => Just("\\\"".to_string()),
            1 => Just("\\\\".to_string()),
            1 => Just("\\/".to_string()),
            30 => Just("\\u00e9".to_string()),
            1 => Just("\\u0041".to_string()),
            1 => Just("\\ud83d\\ude00".to_string()),
            1 => Just("\\ud800".to_string()),
            1 => Just("\\udc00".to_string()),
            1 => Just("\\x".to_string()),
            30 => Just("é€😀".to_string()),
            1 => Just(",".to_string()),
            1 => Just("\t".to_string()),
            30 => Just("permission denied".to_string()),
        ],
        0..5,
    )
    .prop_map(|v| v.concat())
}

fn json_str() -> impl Strategy<Value = String> {
    str_body().prop_map(|s| format!("\"{s}\""))
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        40 => (-5i64..100_000).prop_map(|n| n.to_string()),
        1 => Just("-0".to_string()),
        1 => Just("1.5".to_string()),
        1 => Just("1e3".to_string()),
        1 => Just("01".to_string()),
        1 => Just("9223372036854775807".to_string()),
        1 => Just("9223372036854775808".to_string()),
        1 => Just("-9223372036854775808".to_string()),
        1 => Just("-9223372036854775809".to_string()),
        1 => Just("99999999999999999999999".to_string()),
    ]
}

fn time() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..28, 0u32..24, 0u32..1_000_000_000).prop_map(|(d, h, n)| format!(
            "\"2026-12-{:02}T{:02}:20:43.{n:09}Z\"",
            d + 1,
            h
        )),
        Just("\"2026-12-06T06:20:43+01:00\"".to_string()),
        Just("\"yesterday\"".to_string()),
        json_str(),
    ]
}

/// Any JSON value (data objects with keys named like the fields), a few levels deep.
fn any_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        json_str(),
        number(),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("path"),
                        Just("error"),
                        Just("time"),
                        Just("type"),
                        Just("id"),
                        Just("data")
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(|v| {
                let kv: Vec<String> = v.iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                format!("{{{}}}", kv.join(","))
            }),
        ]
    })
}

/// A field's value: mostly the right type, sometimes null or anything.
fn typed(right: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop_oneof![30 => right, 1 => Just("null".to_string()), 1 => any_value()].boxed()
}

fn object(fields: Vec<(&'static str, BoxedStrategy<String>)>) -> BoxedStrategy<String> {
    let parts: Vec<BoxedStrategy<Option<String>>> = fields
        .into_iter()
        .map(|(k, v)| {
            prop_oneof![4 => v.prop_map(move |x| Some(format!("\"{k}\":{x}"))), 1 => Just(None)]
                .boxed()
        })
        .collect();
    (
        parts,
        prop::collection::vec(any_value(), 0..2),
        prop::bool::weighted(0.03),
    )
        .prop_flat_map(|(p, extra, dup)| {
            let mut kv: Vec<String> = p.into_iter().flatten().collect();
            for (i, x) in extra.into_iter().enumerate() {
                kv.push(format!("\"data{i}\":{x}"));
            }
            if dup && let Some(first) = kv.first().cloned() {
                kv.push(first);
            }
            Just(kv).prop_shuffle()
        })
        .prop_map(|kv| format!("{{{}}}", kv.join(",")))
        .boxed()
}

fn policies() -> BoxedStrategy<String> {
    prop::collection::vec(json_str(), 0..4)
        .prop_map(|v| format!("[{}]", v.join(",")))
        .boxed()
}

fn auth() -> BoxedStrategy<String> {
    object(vec![
        ("client_token", typed(json_str().boxed())),
        ("accessor", typed(json_str().boxed())),
        ("display_name", typed(json_str().boxed())),
        ("entity_id", typed(json_str().boxed())),
        ("policies", typed(policies())),
        (
            "policy_results",
            typed(
                prop_oneof![
                    Just("{\"allowed\":true}".to_string()),
                    Just("{\"allowed\":false,\"granting_policies\":[]}".to_string()),
                    Just("{\"allowed\":null}".to_string()),
                    Just("[true]".to_string()),
                ]
                .boxed(),
            ),
        ),
        ("token_type", typed(json_str().boxed())),
        ("token_ttl", typed(number().boxed())),
    ])
}

fn request() -> BoxedStrategy<String> {
    object(vec![
        ("id", typed(json_str().boxed())),
        ("operation", typed(json_str().boxed())),
        ("path", typed(json_str().boxed())),
        ("mount_point", typed(json_str().boxed())),
        ("mount_type", typed(json_str().boxed())),
        ("remote_address", typed(json_str().boxed())),
        ("data", any_value().boxed()),
    ])
}

fn line() -> impl Strategy<Value = String> {
    object(vec![
        ("time", typed(time().boxed())),
        (
            "type",
            typed(
                prop_oneof![
                    4 => Just("\"request\"".to_string()),
                    4 => Just("\"response\"".to_string()),
                    1 => json_str(),
                ]
                .boxed(),
            ),
        ),
        ("auth", typed(auth())),
        ("request", typed(request())),
        (
            "response",
            typed(object(vec![("auth", typed(auth())), ("data", any_value().boxed())]).boxed()),
        ),
        ("error", typed(json_str().boxed())),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_lines_agree(l in line()) {
        check(l.as_bytes())?;
    }

    #[test]
    fn spaced_lines_agree(l in line()) {
        let spaced = l.replace(':', " :\t").replace(',', "\n, ");
        check(format!("  {spaced} \r").as_bytes())?;
    }

    #[test]
    fn damaged_lines_agree(l in line(), at in any::<prop::sample::Index>(), b in any::<u8>(), cut in any::<bool>()) {
        let mut bytes = l.into_bytes();
        let i = at.index(bytes.len().max(1));
        if cut {
            bytes.truncate(i);
        } else if i < bytes.len() {
            bytes[i] = b;
        }
        check(&bytes)?;
    }

    #[test]
    fn arbitrary_bytes_agree(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        check(&bytes)?;
    }

    #[test]
    fn array_form_agrees(t in time(), a in auth(), r in request(), n in 0usize..7) {
        let all = [t, "\"request\"".to_string(), a, r, "{}".to_string(), "\"e\"".to_string(), "1".to_string()];
        check(format!("[{}]", all[..n].join(",")).as_bytes())?;
    }
}

/// The generator makes mostly valid entries (else the comparison above proves little).
#[test]
fn most_generated_lines_are_entries() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = line();
    let mut ok = 0;
    for _ in 0..400 {
        let l = strategy.new_tree(&mut runner).expect("a line").current();
        if parse_line(l.as_bytes(), EntrySource::default()).is_ok() {
            ok += 1;
        }
    }
    assert!(ok > 100, "only {ok} of 400 generated lines are entries");
}
