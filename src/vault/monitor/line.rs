//! Lines of `sys/monitor`: the level filter, the parsed line, and the splitter that cuts the
//! chunked body into bounded lines.
//!
//! The text form is `2026-11-23T13:11:03.449Z [INFO]  core: successful mount: path=tmp1/ …`
//! (OPENBAO.md "sys/monitor"). A line that does not parse keeps its raw text as the message.
//! Every line is sanitised here, at ingestion, before anything stores or draws it.

use chrono::{DateTime, Utc};

use crate::sanitize::sanitize;

/// The longest line kept, in bytes; the rest of a longer line is dropped and the line marked.
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// The log levels of `sys/monitor?log_level=`, most verbose first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum LogLevel {
    Trace,
    Debug,
    #[default]
    Info,
    Warn,
    Error,
}

impl LogLevel {
    pub const ALL: [LogLevel; 5] = [
        LogLevel::Trace,
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warn,
        LogLevel::Error,
    ];

    /// The query value and the label: `trace` … `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }

    /// `info`, `INFO`, `warning` …; `None` for anything else.
    pub fn parse(s: &str) -> Option<LogLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "trace" => Some(LogLevel::Trace),
            "debug" => Some(LogLevel::Debug),
            "info" => Some(LogLevel::Info),
            "warn" | "warning" => Some(LogLevel::Warn),
            "error" | "err" => Some(LogLevel::Error),
            _ => None,
        }
    }

    /// The next level of the cycle (trace → debug → … → error → trace).
    pub fn next(self) -> LogLevel {
        let i = LogLevel::ALL.iter().position(|l| *l == self).unwrap_or(0);
        LogLevel::ALL[(i + 1) % LogLevel::ALL.len()]
    }
}

/// One line of the server's log, sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The entry's time, when the line parsed.
    pub time: Option<DateTime<Utc>>,
    pub level: Option<LogLevel>,
    /// `core`, `storage.raft` … (empty when the line did not parse or has none).
    pub module: String,
    /// The message; the whole raw line when it did not parse.
    pub message: String,
    /// Bytes dropped from the end of an over-long line (0: whole).
    pub cut_bytes: usize,
}

impl LogLine {
    /// Parse one raw line (already bounded), sanitising it first.
    pub fn parse(raw: &str, cut_bytes: usize) -> LogLine {
        let clean = sanitize(raw.trim_end_matches(['\r', '\n']));
        parse_clean(&clean)
            .unwrap_or_else(|| LogLine {
                time: None,
                level: None,
                module: String::new(),
                message: clean.into_owned(),
                cut_bytes,
            })
            .with_cut(cut_bytes)
    }

    fn with_cut(mut self, cut_bytes: usize) -> LogLine {
        self.cut_bytes = cut_bytes;
        self
    }

    /// The bytes this line holds (for the buffer's size).
    pub fn bytes(&self) -> usize {
        self.module.len() + self.message.len() + std::mem::size_of::<LogLine>()
    }

    /// True when `needle` (lower case) is in the module or message, ignoring case.
    pub fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.message.to_lowercase().contains(needle)
            || self.module.to_lowercase().contains(needle)
            || self.level.is_some_and(|l| l.as_str().contains(needle))
    }
}

fn parse_clean(line: &str) -> Option<LogLine> {
    let (stamp, rest) = line.split_once(' ')?;
    let time = DateTime::parse_from_rfc3339(stamp)
        .ok()?
        .with_timezone(&Utc);
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('[')?;
    let (level, rest) = rest.split_once(']')?;
    let level = LogLevel::parse(level)?;
    let rest = rest.trim_start();
    let (module, message) = match rest.split_once(": ") {
        Some((m, msg)) if !m.is_empty() && !m.contains(' ') => (m.to_string(), msg.to_string()),
        _ => (String::new(), rest.to_string()),
    };
    Some(LogLine {
        time: Some(time),
        level: Some(level),
        module,
        message,
        cut_bytes: 0,
    })
}

/// Cuts a chunked body into lines of at most [`MAX_LINE_BYTES`]; what a line holds beyond that
/// is counted and dropped, so the buffer never grows past one line's bound.
#[derive(Debug, Default)]
pub struct LineSplitter {
    buf: Vec<u8>,
    cut: usize,
}

impl LineSplitter {
    /// Feed a chunk; complete lines are parsed into `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<LogLine>) {
        let mut rest = chunk;
        while !rest.is_empty() {
            match rest.iter().position(|b| *b == b'\n') {
                Some(i) => {
                    self.take(&rest[..i]);
                    rest = &rest[i + 1..];
                    self.emit(out);
                }
                None => {
                    self.take(rest);
                    rest = &[];
                }
            }
        }
    }

    /// The stream ended: a last line without its newline, if any.
    pub fn finish(&mut self, out: &mut Vec<LogLine>) {
        if !self.buf.is_empty() || self.cut > 0 {
            self.emit(out);
        }
    }

    fn take(&mut self, bytes: &[u8]) {
        let room = MAX_LINE_BYTES.saturating_sub(self.buf.len());
        let n = room.min(bytes.len());
        self.buf.extend_from_slice(&bytes[..n]);
        self.cut += bytes.len() - n;
    }

    fn emit(&mut self, out: &mut Vec<LogLine>) {
        let text = String::from_utf8_lossy(&self.buf);
        if !text.trim().is_empty() || self.cut > 0 {
            out.push(LogLine::parse(&text, self.cut));
        }
        self.buf.clear();
        self.cut = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_text_line() {
        let l = LogLine::parse(
            "2026-11-23T13:11:03.449Z [INFO]  core: successful mount: namespace=\"\" path=tmp1/ type=kv",
            0,
        );
        assert_eq!(l.level, Some(LogLevel::Info));
        assert_eq!(l.module, "core");
        assert_eq!(
            l.message,
            "successful mount: namespace=\"\" path=tmp1/ type=kv"
        );
        assert_eq!(
            l.time.map(|t| t.to_rfc3339()),
            Some("2026-11-23T13:11:03.449+00:00".to_string())
        );
    }

    #[test]
    fn keeps_the_raw_line_when_it_does_not_parse() {
        for raw in [
            "hello world",
            "2026-11-23 [INFO] x",
            "2026-11-23T13:11:03Z [LOUD] x",
            "",
        ] {
            let l = LogLine::parse(raw, 0);
            assert_eq!(l.level, None);
            assert_eq!(l.message, raw);
        }
        let l = LogLine::parse("2026-11-23T13:11:03.449Z [WARN]  no module here", 0);
        assert_eq!(l.level, Some(LogLevel::Warn));
        assert_eq!(l.module, "");
        assert_eq!(l.message, "no module here");
    }

    #[test]
    fn sanitises_and_cuts() {
        let mut s = LineSplitter::default();
        let mut out = Vec::new();
        let long = "x".repeat(MAX_LINE_BYTES + 100);
        s.push(
            b"2026-11-23T13:11:03.449Z [ERROR] core: \x1b[31mred\x07\n",
            &mut out,
        );
        s.push(long.as_bytes(), &mut out);
        s.push(b"\npart", &mut out);
        s.push(b"ial\r\n", &mut out);
        s.push(b"tail", &mut out);
        s.finish(&mut out);
        assert_eq!(out.len(), 4);
        assert_eq!(out[0].message, "�[31mred�");
        assert_eq!(out[1].message.len(), MAX_LINE_BYTES);
        assert_eq!(out[1].cut_bytes, 100);
        assert_eq!(out[2].message, "partial");
        assert_eq!(out[3].message, "tail");
    }

    #[test]
    fn levels_cycle_and_parse() {
        assert_eq!(LogLevel::Error.next(), LogLevel::Trace);
        assert_eq!(LogLevel::Info.next(), LogLevel::Warn);
        assert_eq!(LogLevel::parse("WARNING"), Some(LogLevel::Warn));
        assert_eq!(LogLevel::parse("loud"), None);
    }
}
