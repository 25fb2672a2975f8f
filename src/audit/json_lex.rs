//! A small strict JSON lexer over one audit line, written to accept and reject exactly what
//! `serde_json::from_slice` does for the reference parser's types (`crate::audit::entry`):
//! ignored values are checked like serde_json's `ignore_value` (syntax, escapes, control
//! characters; no UTF-8 check and no depth limit), kept strings like its `parse_str` (strict
//! surrogates, UTF-8). Hand-written rather than a crate: a general JSON parser either allocates
//! or skips the validation the reference does; the property tests in `tests/audit_fast.rs`
//! compare the two on generated lines.

use std::borrow::Cow;

pub use super::json_unescape::unescape;

/// A syntax or type error at a byte offset (the line is counted as bad).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError(pub usize);

pub type JResult<T> = Result<T, JsonError>;

pub struct Lex<'a> {
    pub b: &'a [u8],
    pub i: usize,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Bytes of `x` that are zero (the lowest one is exact; that is all the scanner needs).
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The first byte at or after `i` that is `"`, `\` or a control character (< 0x20).
#[inline(always)]
fn next_special(b: &[u8], mut i: usize) -> usize {
    while i + 8 <= b.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let m = zero_bytes(x ^ (ONES * u64::from(b'"')))
            | zero_bytes(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGHS);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] != b'"' && b[i] != b'\\' && b[i] >= 0x20 {
        i += 1;
    }
    i
}

pub(crate) fn hex4(b: &[u8], i: usize) -> Option<u16> {
    let s = b.get(i..i + 4)?;
    let mut v: u16 = 0;
    for &c in s {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | u16::from(d);
    }
    Some(v)
}

impl<'a> Lex<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Lex { b, i: 0 }
    }

    #[inline]
    pub fn err<T>(&self) -> JResult<T> {
        Err(JsonError(self.i))
    }

    /// Skip JSON whitespace; the next byte (not consumed).
    #[inline]
    pub fn ws(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\n' | b'\t' | b'\r') {
                self.i += 1;
            } else {
                return Some(c);
            }
        }
        None
    }

    #[inline]
    pub fn expect(&mut self, c: u8) -> JResult<()> {
        if self.ws() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            self.err()
        }
    }

    fn ident(&mut self, rest: &[u8]) -> JResult<()> {
        if self.b.get(self.i..self.i + rest.len()) == Some(rest) {
            self.i += rest.len();
            Ok(())
        } else {
            self.err()
        }
    }

    /// After a `"`: the raw bytes up to the closing quote (consumed) and whether they hold an
    /// escape. Escapes are checked as serde_json's `ignore_str` does (4 hex digits after `\u`).
    #[inline]
    pub fn raw_str(&mut self) -> JResult<(usize, usize, bool)> {
        let start = self.i;
        let mut esc = false;
        let mut i = start;
        loop {
            i = next_special(self.b, i);
            match self.b.get(i) {
                Some(b'"') => {
                    self.i = i + 1;
                    return Ok((start, i, esc));
                }
                Some(b'\\') => {
                    esc = true;
                    match self.b.get(i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                        Some(b'u') if hex4(self.b, i + 2).is_some() => i += 6,
                        _ => return Err(JsonError(i)),
                    }
                }
                _ => return Err(JsonError(i)),
            }
        }
    }

    /// A string value kept as text (serde_json `parse_str`: strict surrogates, UTF-8).
    pub fn str_val(&mut self) -> JResult<Cow<'a, str>> {
        if self.ws() != Some(b'"') {
            return self.err();
        }
        self.i += 1;
        let (s, e, esc) = self.raw_str()?;
        let raw = &self.b[s..e];
        if !esc {
            return utf8(raw).map(Cow::Borrowed).ok_or(JsonError(s));
        }
        let out = unescape(raw).ok_or(JsonError(s))?;
        String::from_utf8(out)
            .map(Cow::Owned)
            .map_err(|_| JsonError(s))
    }

    /// `null` (consumed) or not.
    #[inline]
    pub fn null(&mut self) -> JResult<bool> {
        if self.ws() == Some(b'n') {
            self.i += 1;
            self.ident(b"ull")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub fn opt_str(&mut self) -> JResult<Option<Cow<'a, str>>> {
        if self.null()? {
            return Ok(None);
        }
        self.str_val().map(Some)
    }

    pub fn opt_bool(&mut self) -> JResult<Option<bool>> {
        if self.null()? {
            return Ok(None);
        }
        match self.ws() {
            Some(b't') => {
                self.i += 1;
                self.ident(b"rue")?;
                Ok(Some(true))
            }
            Some(b'f') => {
                self.i += 1;
                self.ident(b"alse")?;
                Ok(Some(false))
            }
            _ => self.err(),
        }
    }

    /// An `i64` as serde_json reads one: an integer in range; `-0`, fractions, exponents and
    /// out-of-range values are errors.
    pub fn opt_i64(&mut self) -> JResult<Option<i64>> {
        if self.null()? {
            return Ok(None);
        }
        let neg = self.ws() == Some(b'-');
        if neg {
            self.i += 1;
        }
        let start = self.i;
        let mut mag: u64 = 0;
        let mut overflow = false;
        match self.b.get(self.i) {
            Some(b'0') => {
                self.i += 1;
                if matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                    return self.err();
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(&c @ b'0'..=b'9') = self.b.get(self.i) {
                    match mag
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(u64::from(c - b'0')))
                    {
                        Some(m) => mag = m,
                        None => overflow = true,
                    }
                    self.i += 1;
                }
            }
            _ => return Err(JsonError(start)),
        }
        if overflow || matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E')) {
            return Err(JsonError(start));
        }
        if neg {
            if mag == 0 || mag > 1u64 << 63 {
                return Err(JsonError(start));
            }
            Ok(Some((mag as i64).wrapping_neg()))
        } else {
            i64::try_from(mag).map(Some).map_err(|_| JsonError(start))
        }
    }

    /// Skip a number as serde_json's `ignore_integer` does (after an optional `-`).
    fn skip_number(&mut self) -> JResult<()> {
        match self.b.get(self.i) {
            Some(b'0') => {
                self.i += 1;
                if matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                    return self.err();
                }
            }
            Some(b'1'..=b'9') => {
                while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                    self.i += 1;
                }
            }
            _ => return self.err(),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            let d = self.i;
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i == d {
                return self.err();
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let d = self.i;
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i == d {
                return self.err();
            }
        }
        Ok(())
    }

    /// Skip any value (serde_json `ignore_value`: no depth limit; a bit stack, growing on the
    /// heap only past 64 levels).
    pub fn skip_value(&mut self) -> JResult<()> {
        let mut stack = BitStack::default();
        loop {
            // A value.
            match self.ws() {
                Some(b'n') => {
                    self.i += 1;
                    self.ident(b"ull")?;
                }
                Some(b't') => {
                    self.i += 1;
                    self.ident(b"rue")?;
                }
                Some(b'f') => {
                    self.i += 1;
                    self.ident(b"alse")?;
                }
                Some(b'-') => {
                    self.i += 1;
                    self.skip_number()?;
                }
                Some(b'0'..=b'9') => self.skip_number()?,
                Some(b'"') => {
                    self.i += 1;
                    self.raw_str()?;
                }
                Some(c @ (b'[' | b'{')) => {
                    self.i += 1;
                    let obj = c == b'{';
                    let close = if obj { b'}' } else { b']' };
                    if self.ws() == Some(close) {
                        self.i += 1;
                    } else {
                        stack.push(obj);
                        if obj {
                            self.key_colon()?;
                        }
                        continue;
                    }
                }
                _ => return self.err(),
            }
            // After a value: close frames or go on to the next element.
            loop {
                let Some(obj) = stack.top() else {
                    return Ok(());
                };
                match self.ws() {
                    Some(b',') => {
                        self.i += 1;
                        if obj {
                            self.key_colon()?;
                        }
                        break;
                    }
                    Some(b'}') if obj => {
                        self.i += 1;
                        stack.pop();
                    }
                    Some(b']') if !obj => {
                        self.i += 1;
                        stack.pop();
                    }
                    _ => return self.err(),
                }
            }
        }
    }

    /// `"key":` of an ignored object.
    fn key_colon(&mut self) -> JResult<()> {
        if self.ws() != Some(b'"') {
            return self.err();
        }
        self.i += 1;
        self.raw_str()?;
        self.expect(b':')
    }
}

/// `raw` as text when it is valid UTF-8.
#[inline]
pub fn utf8(raw: &[u8]) -> Option<&str> {
    std::str::from_utf8(raw).ok()
}

/// Object (`true`) or array frames of an ignored value.
#[derive(Default)]
struct BitStack {
    bits: u64,
    len: u32,
    spill: Vec<bool>,
}

impl BitStack {
    fn push(&mut self, obj: bool) {
        if self.len < 64 {
            if obj {
                self.bits |= 1 << self.len;
            } else {
                self.bits &= !(1 << self.len);
            }
        } else {
            self.spill.push(obj);
        }
        self.len += 1;
    }

    fn top(&self) -> Option<bool> {
        match self.len {
            0 => None,
            n if n <= 64 => Some(self.bits & (1 << (n - 1)) != 0),
            _ => self.spill.last().copied(),
        }
    }

    fn pop(&mut self) {
        if self.len > 64 {
            self.spill.pop();
        }
        self.len = self.len.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(s: &str) -> bool {
        let mut l = Lex::new(s.as_bytes());
        l.skip_value().is_ok() && l.ws().is_none()
    }

    #[test]
    fn skips_like_serde() {
        for s in [
            r#"{"a":[1,2.5e-3,{"b":null}],"c":"x\u00e9\n"}"#,
            "[]",
            "{}",
            "-0",
            r#""\ud800""#,
        ] {
            assert!(skip(s), "{s}");
            assert!(serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok());
        }
        for s in [
            "[1,]",
            "{,}",
            "01",
            "1.",
            "[1 2]",
            "{\"a\" 1}",
            "\"\u{1}\"",
            "tru",
            "[}",
            "\"\\x\"",
        ] {
            assert!(!skip(s), "{s}");
        }
    }

    #[test]
    fn next_special_finds_the_first() {
        let b = b"abcdefghijklmnop\"q";
        assert_eq!(next_special(b, 0), 16);
        assert_eq!(next_special(b"ab\x01", 0), 2);
        assert_eq!(next_special(b"abcdefgh\\", 0), 8);
    }
}
