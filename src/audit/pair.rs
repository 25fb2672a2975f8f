//! Pairing: a request line and its response line (same `request.id`) become one
//! [`AuditRecord`]. The rule, also written plainly in [`pair_reference`]:
//! - entries are taken in order (index `i`); a response pairs with the latest request of its id
//!   when at most [`WINDOW`] entries separate them; a request whose response did not come within
//!   the window, or was replaced by a newer request of the same id, stands alone; so does a
//!   response without its request (written in an earlier, unscanned file), a line without an id
//!   and a line of an unknown type;
//! - records come out in the order of their first line.
//!
//! [`Pairer`] applies the rule to the scanner's compact [`LineItem`]s with the filter already
//! evaluated per line ([`LineFilter`]): lines that cannot belong to a matching record are never
//! copied; a matching record's lines are parsed again into owned entries from the chunk buffer.
//! Memory is bounded by the window.

use std::collections::{HashMap, VecDeque};

use super::entry::{AuditEntry, EntryKind, EntrySource};
use super::line_filter::{LineFilter, MAIN_OK};
use super::record::AuditRecord;

/// Entries between a request and its response at most (requests wait this long).
pub const WINDOW: u64 = 4096;

/// A request id: a canonical lower-case UUID packed, another string kept, or none.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdKey {
    None,
    Uuid(u128),
    Other(Box<str>),
}

impl IdKey {
    pub fn of(id: &str) -> IdKey {
        if id.is_empty() {
            return IdKey::None;
        }
        let b = id.as_bytes();
        if b.len() == 36 {
            let mut v: u128 = 0;
            let mut ok = true;
            for (i, &c) in b.iter().enumerate() {
                if matches!(i, 8 | 13 | 18 | 23) {
                    ok &= c == b'-';
                    continue;
                }
                let d = match c {
                    b'0'..=b'9' => c - b'0',
                    b'a'..=b'f' => c - b'a' + 10,
                    _ => {
                        ok = false;
                        0
                    }
                };
                v = (v << 4) | u128::from(d);
            }
            if ok {
                return IdKey::Uuid(v);
            }
        }
        IdKey::Other(id.into())
    }
}

/// One parsed line, reduced to what pairing and filtering need.
#[derive(Debug, Clone)]
pub struct LineItem {
    pub kind: Option<EntryKind>,
    pub id: IdKey,
    pub flags: u8,
    pub time: Option<i64>,
    /// Where the line is in its chunk buffer.
    pub at: usize,
    pub len: usize,
    pub source: EntrySource,
}

#[derive(Debug)]
struct Side {
    item_at: usize,
    item_len: usize,
    source: EntrySource,
    entry: Option<AuditEntry>,
}

#[derive(Debug)]
struct Slot {
    first: u64,
    main_is_response: bool,
    main: Side,
    main_flags: u8,
    other: Option<(Side, u8)>,
    done: bool,
}

/// The pairing state of one node's stream.
pub struct Pairer {
    window: u64,
    next: u64,
    base: u64,
    queue: VecDeque<Slot>,
    /// id → (entry index of the request, its slot number when it may match).
    map: HashMap<IdKey, (u64, Option<u64>)>,
}

impl Pairer {
    pub fn new(window: u64) -> Self {
        Pairer {
            window: window.max(1),
            next: 0,
            base: 0,
            queue: VecDeque::new(),
            map: HashMap::new(),
        }
    }

    fn side(it: &LineItem) -> Side {
        Side {
            item_at: it.at,
            item_len: it.len,
            source: it.source,
            entry: None,
        }
    }

    fn slot_mut(&mut self, n: u64) -> Option<&mut Slot> {
        let i = usize::try_from(n.checked_sub(self.base)?).ok()?;
        self.queue.get_mut(i)
    }

    fn push(&mut self, s: Slot) -> u64 {
        self.queue.push_back(s);
        self.base + self.queue.len() as u64 - 1
    }

    /// Take one chunk's items (in order); matching records complete so far go to `out`.
    pub fn feed(
        &mut self,
        items: &[LineItem],
        buf: &[u8],
        lf: &LineFilter,
        out: &mut Vec<AuditRecord>,
    ) {
        for it in items {
            let idx = self.next;
            self.next += 1;
            match (it.kind, &it.id) {
                (Some(EntryKind::Request), id) if *id != IdKey::None => {
                    if let Some((_, Some(sn))) = self.map.remove(id)
                        && let Some(s) = self.slot_mut(sn)
                    {
                        s.done = true;
                    }
                    let slot = if it.flags & MAIN_OK != 0 {
                        Some(self.push(Slot {
                            first: idx,
                            main_is_response: false,
                            main: Self::side(it),
                            main_flags: it.flags,
                            other: None,
                            done: false,
                        }))
                    } else {
                        None
                    };
                    self.map.insert(it.id.clone(), (idx, slot));
                }
                (Some(EntryKind::Response), id) if *id != IdKey::None => {
                    match self.map.remove(id) {
                        Some((j, slot)) if idx - j <= self.window => {
                            if let Some(sn) = slot
                                && let Some(s) = self.slot_mut(sn)
                            {
                                s.other = Some((Self::side(it), it.flags));
                                s.done = true;
                            }
                        }
                        _ => self.alone(idx, it, true, lf),
                    }
                }
                (kind, _) => self.alone(idx, it, kind == Some(EntryKind::Response), lf),
            }
            self.pop_ready(buf, lf, out);
            if idx.is_multiple_of(self.window) {
                let (next, w) = (self.next, self.window);
                self.map.retain(|_, (j, _)| next - *j <= w);
            }
        }
    }

    fn alone(&mut self, idx: u64, it: &LineItem, response: bool, lf: &LineFilter) {
        if lf.record_matches(it.flags, None) {
            self.push(Slot {
                first: idx,
                main_is_response: response,
                main: Self::side(it),
                main_flags: it.flags,
                other: None,
                done: true,
            });
        }
    }

    fn pop_ready(&mut self, buf: &[u8], lf: &LineFilter, out: &mut Vec<AuditRecord>) {
        while let Some(head) = self.queue.front() {
            let expired = self.next - head.first > self.window;
            if !(head.done || expired) {
                break;
            }
            self.base += 1;
            if let Some(s) = self.queue.pop_front() {
                emit(s, buf, lf, out);
            }
        }
    }

    /// End of a chunk: copy the lines of waiting records out of the buffer about to be reused.
    pub fn end_chunk(&mut self, buf: &[u8]) {
        for s in &mut self.queue {
            materialize(&mut s.main, buf);
            if let Some((o, _)) = &mut s.other {
                materialize(o, buf);
            }
        }
    }

    /// Every waiting request stands alone now (end of the scan, or an idle live file).
    pub fn flush(&mut self, buf: &[u8], lf: &LineFilter, out: &mut Vec<AuditRecord>) {
        self.map.clear();
        while let Some(s) = self.queue.pop_front() {
            self.base += 1;
            emit(s, buf, lf, out);
        }
    }

    /// Requests waiting for their response.
    pub fn waiting(&self) -> usize {
        self.queue.len()
    }
}

fn materialize(s: &mut Side, buf: &[u8]) {
    if s.entry.is_none() {
        let line = buf
            .get(s.item_at..s.item_at + s.item_len)
            .unwrap_or_default();
        s.entry = super::fast::parse_entry(line, s.source).ok();
    }
}

fn emit(mut s: Slot, buf: &[u8], lf: &LineFilter, out: &mut Vec<AuditRecord>) {
    if !lf.record_matches(s.main_flags, s.other.as_ref().map(|o| o.1)) {
        return;
    }
    materialize(&mut s.main, buf);
    let mut rec = AuditRecord::default();
    if s.main_is_response {
        rec.response = s.main.entry;
    } else {
        rec.request = s.main.entry;
        if let Some((mut o, _)) = s.other {
            materialize(&mut o, buf);
            rec.response = o.entry;
        }
    }
    out.push(rec);
}

/// The pairing rule on owned entries, plainly (the reference for tests).
pub fn pair_reference(entries: &[AuditEntry], window: u64) -> Vec<AuditRecord> {
    let mut slots: Vec<(AuditRecord, bool)> = Vec::new(); // (record, waiting)
    let mut open: HashMap<&str, (u64, usize)> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let i = i as u64;
        let id = e.request_id.as_str();
        match e.kind {
            Some(EntryKind::Request) if !id.is_empty() => {
                if let Some((_, s)) = open.remove(id) {
                    slots[s].1 = false;
                }
                open.insert(id, (i, slots.len()));
                slots.push((record(Some(e.clone()), None), true));
            }
            Some(EntryKind::Response) if !id.is_empty() => match open.remove(id) {
                Some((j, s)) if i - j <= window && slots[s].1 => {
                    slots[s].0.response = Some(e.clone());
                    slots[s].1 = false;
                }
                _ => slots.push((record(None, Some(e.clone())), false)),
            },
            Some(EntryKind::Response) => slots.push((record(None, Some(e.clone())), false)),
            _ => slots.push((record(Some(e.clone()), None), false)),
        }
    }
    slots.into_iter().map(|(r, _)| r).collect()
}

fn record(request: Option<AuditEntry>, response: Option<AuditEntry>) -> AuditRecord {
    AuditRecord {
        request,
        response,
        node: 0,
    }
}
