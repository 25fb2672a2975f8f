//! Property tests of the policy parser, highlighter, lint and matcher: no input makes them
//! panic; the tokens and the highlighted lines give the text back exactly; every rule line is
//! a line of the text.

use proptest::prelude::*;

use strongroom::policy::highlight::highlight;
use strongroom::policy::matching::{explain, matches};
use strongroom::policy::token::tokenize;
use strongroom::policy::{lint, parse};

/// HCL-ish text: the policy language's pieces in any order, with odd characters among them.
fn hclish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("path ".to_string()),
        Just("\"secret/*\"".to_string()),
        Just("\"sys/+/x\"".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("capabilities = ".to_string()),
        Just("\"read\", ".to_string()),
        Just("\"deny\"".to_string()),
        Just("policy = \"write\"".to_string()),
        Just("# c\n".to_string()),
        Just("// c\n".to_string()),
        Just("/* c ".to_string()),
        Just("*/".to_string()),
        Just("<<EOF\nx\nEOF\n".to_string()),
        Just("<<-".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\n".to_string()),
        "[ -~]{0,6}",
        "\\PC{0,3}",
        "[\\x00-\\x1f\\u{7f}\\u{9b}\\u{202e}é漢🙂]{0,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn hcl_like_input_never_panics_and_round_trips(src in hclish()) {
        let tokens = tokenize(&src);
        let joined: String = tokens.iter().map(|t| t.text(&src)).collect();
        prop_assert_eq!(&joined, &src);
        let p = parse(&src);
        let lines = src.split('\n').count();
        for r in &p.rules {
            prop_assert!(r.line >= 1 && r.line <= lines);
        }
        let _ = lint(&p);
        let h = highlight(&src);
        let back: Vec<String> = h.iter().map(|l| l.iter().map(|(_, t)| t.as_str()).collect()).collect();
        prop_assert_eq!(back.join("\n"), src.clone());
        let _ = explain(&[("p".to_string(), &p)], "secret/data/x");
    }

    #[test]
    fn any_text_never_panics(src in "\\PC{0,200}|[\\x00-\\u{10ffff}]{0,100}") {
        let p = parse(&src);
        let _ = lint(&p);
        let _ = highlight(&src);
    }

    #[test]
    fn deep_nesting_never_overflows(n in 1usize..20_000) {
        let src = "[".repeat(n) + &"{".repeat(n);
        let p = parse(&src);
        prop_assert!(!p.issues.is_empty());
    }

    #[test]
    fn a_pattern_without_wildcards_matches_only_itself(a in "[a-z/]{0,12}", b in "[a-z/]{0,12}") {
        prop_assert_eq!(matches(&a, &b), a == b);
        let glob = format!("{a}*");
        let path = format!("{a}{b}");
        prop_assert!(matches(&glob, &path));
    }
}
