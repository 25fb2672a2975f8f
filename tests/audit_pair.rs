//! The pairer with small windows (expiry, replaced requests, orphans, lines without an id)
//! against the plain reference rule, with and without a filter, the lines split over chunks.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use proptest::prelude::*;
use strongroom::audit::entry::parse_line;
use strongroom::audit::filter::PathMatch;
use strongroom::audit::line_filter::LineFilter;
use strongroom::audit::pair::{Pairer, pair_reference};
use strongroom::audit::scan::{ChunkItems, scan_lines};
use strongroom::audit::{AuditFilter, AuditRecord, EntrySource};

fn line(i: usize, kind: &str, id: u32, path: u8, denied: bool) -> String {
    let id = if id == 0 {
        String::new()
    } else {
        format!("00000000-0000-0000-0000-{id:012x}")
    };
    let mut v = serde_json::json!({
        "time": format!("2026-12-06T06:{:02}:{:02}Z", i / 60 % 60, i % 60),
        "type": kind,
        "auth": {"policy_results": {"allowed": !denied}},
        "request": {"id": id, "path": format!("secret/data/p{path}")},
    });
    if denied {
        v["error"] = "permission denied".into();
    }
    v.to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn small_windows_agree_with_the_reference(
        lines_gen in prop::collection::vec((0u8..5, 0u32..4, 0u8..2, any::<bool>()), 0..60),
        window in 1u64..5,
        split in 1usize..8,
        filtered in any::<bool>(),
    ) {
        let mut text = String::new();
        for (i, (k, id, path, denied)) in lines_gen.iter().enumerate() {
            let kind = match k { 0 | 1 => "request", 2 | 3 => "response", _ => "other" };
            // As the audit device writes them: both lines of a request hold its path.
            let path = if *id == 0 { *path } else { (*id % 2) as u8 };
            text.push_str(&line(i, kind, *id, path, *denied));
            text.push('\n');
        }
        let filter = if filtered {
            AuditFilter { path: Some(PathMatch::parse("secret/data/p1")), denied_only: true, ..AuditFilter::default() }
        } else {
            AuditFilter::default()
        };
        let lf = LineFilter::new(&filter);
        // Chunks of `split` lines, as the pipeline hands them over.
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut pairer = Pairer::new(window);
        let mut got: Vec<AuditRecord> = Vec::new();
        let mut offset = 0u64;
        let mut last = String::new();
        for chunk in lines.chunks(split) {
            let data = chunk.concat();
            let mut items = ChunkItems::default();
            scan_lines(data.as_bytes(), offset, 0, &lf, &mut items);
            pairer.feed(&items.items, data.as_bytes(), &lf, &mut got);
            pairer.end_chunk(data.as_bytes());
            offset += data.len() as u64;
            last = data;
        }
        pairer.flush(last.as_bytes(), &lf, &mut got);
        let mut entries = Vec::new();
        let mut off = 0u64;
        for l in &lines {
            let body = l.strip_suffix('\n').unwrap_or(l);
            let src = EntrySource { file: 0, offset: off, len: body.len() as u32 };
            entries.push(parse_line(body.as_bytes(), src).expect("an entry"));
            off += l.len() as u64;
        }
        let want: Vec<AuditRecord> = pair_reference(&entries, window)
            .into_iter()
            .filter(|r| filter.matches(r))
            .collect();
        prop_assert_eq!(got, want);
    }
}
