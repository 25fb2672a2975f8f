//! Decoding a JSON string's escapes, with serde_json's strict rules for strings it keeps
//! (surrogates must pair; the result is checked as UTF-8 by the caller).

use super::json_lex::hex4;

/// Decode the escapes of a string's raw bytes (serde_json's strict rules); `None`: invalid.
pub fn unescape(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let e = *raw.get(i + 1)?;
        i += 2;
        let simple = match e {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'u' => None,
            _ => return None,
        };
        if let Some(s) = simple {
            out.push(s);
            continue;
        }
        let n = hex4(raw, i)?;
        i += 4;
        let cp = match n {
            0xDC00..=0xDFFF => return None,
            0xD800..=0xDBFF => {
                if raw.get(i..i + 2) != Some(b"\\u") {
                    return None;
                }
                let n2 = hex4(raw, i + 2)?;
                if !(0xDC00..=0xDFFF).contains(&n2) {
                    return None;
                }
                i += 6;
                (((u32::from(n) - 0xD800) << 10) | (u32::from(n2) - 0xDC00)) + 0x1_0000
            }
            _ => u32::from(n),
        };
        let ch = char::from_u32(cp)?;
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
    Some(out)
}
