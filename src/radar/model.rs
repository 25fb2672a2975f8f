//! The radar over a set of items: the window's items, a histogram over time buckets (expired
//! and overdue items in the first one, marked), a bucket's items sorted by time, and counts per
//! mount / role with the lease-count alert.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration as ChronoDuration, Utc};

use super::{ItemKind, RadarItem, Window};

/// More leases than this under one mount is an alert (the server slows down, tidy and expiry
/// take long): flagged in the danger style.
pub const LEASE_ALERT: u64 = 10_000;

/// One bar of the histogram: `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub count: usize,
    /// Of `count`, the items already expired or overdue (only in the first bucket).
    pub overdue: usize,
}

/// Items of one kind under one mount or role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    pub kind: ItemKind,
    /// The mount (leases, certificates, secrets) or the creation path / role (tokens).
    pub group: String,
    /// Expiring (or overdue) within the window.
    pub in_window: u64,
    /// Every item the collectors found there, expiring or not.
    pub total: u64,
    /// A lease mount over [`LEASE_ALERT`].
    pub alert: bool,
}

/// Every item the collectors found, in order of arrival; what is shown is sorted by expiry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Radar {
    items: Vec<RadarItem>,
}

/// By expiry, then id (items without expiry last).
fn by_time(a: &&RadarItem, b: &&RadarItem) -> std::cmp::Ordering {
    match (a.expires_at, b.expires_at) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    }
}

impl Radar {
    pub fn new(items: Vec<RadarItem>) -> Radar {
        Radar { items }
    }

    pub fn add(&mut self, batch: Vec<RadarItem>) {
        self.items.extend(batch);
    }

    pub fn all(&self) -> &[RadarItem] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn end(now: DateTime<Utc>, window: Window) -> DateTime<Utc> {
        now + ChronoDuration::seconds(i64::try_from(window.duration().as_secs()).unwrap_or(0))
    }

    /// The items expiring before the window ends (overdue ones included), sorted by time.
    pub fn in_window(&self, now: DateTime<Utc>, window: Window) -> Vec<&RadarItem> {
        let end = Self::end(now, window);
        let mut v: Vec<&RadarItem> = self
            .items
            .iter()
            .filter(|i| i.expires_at.is_some_and(|t| t < end))
            .collect();
        v.sort_by(by_time);
        v
    }

    /// The width of one bucket, in seconds (at least one).
    pub fn bucket_secs(window: Window) -> i64 {
        let n = window.buckets().max(1) as u64;
        i64::try_from(window.duration().as_secs().div_ceil(n).max(1)).unwrap_or(1)
    }

    /// The bucket an item falls in (`None`: outside the window or no expiry).
    fn bucket_of(now: DateTime<Utc>, window: Window, item: &RadarItem) -> Option<usize> {
        let left = item.left(now)?;
        if left < 0 {
            return Some(0);
        }
        let i = usize::try_from(left / Self::bucket_secs(window)).ok()?;
        let in_window = u64::try_from(left).is_ok_and(|l| l < window.duration().as_secs());
        (in_window && i < window.buckets()).then_some(i)
    }

    /// The histogram over the window.
    pub fn buckets(&self, now: DateTime<Utc>, window: Window) -> Vec<Bucket> {
        let w = Self::bucket_secs(window);
        let mut out: Vec<Bucket> = (0..window.buckets())
            .map(|i| {
                let i = i64::try_from(i).unwrap_or(0);
                Bucket {
                    start: now + ChronoDuration::seconds(i * w),
                    end: now + ChronoDuration::seconds((i + 1) * w),
                    count: 0,
                    overdue: 0,
                }
            })
            .collect();
        for item in &self.items {
            if let Some(b) = Self::bucket_of(now, window, item).and_then(|i| out.get_mut(i)) {
                b.count += 1;
                if item.left(now).is_some_and(|l| l < 0) {
                    b.overdue += 1;
                }
            }
        }
        out
    }

    /// The items of bucket `i`, sorted by time (the drill-down).
    pub fn bucket_items(&self, now: DateTime<Utc>, window: Window, i: usize) -> Vec<&RadarItem> {
        let mut v: Vec<&RadarItem> = self
            .items
            .iter()
            .filter(|it| Self::bucket_of(now, window, it) == Some(i))
            .collect();
        v.sort_by(by_time);
        v
    }

    /// Counts per kind and mount (tokens: per creation path), lease alerts first, then the
    /// groups with the most items in the window.
    pub fn group_counts(&self, now: DateTime<Utc>, window: Window) -> Vec<GroupCount> {
        let end = Self::end(now, window);
        let mut map: BTreeMap<(ItemKind, &str), (u64, u64)> = BTreeMap::new();
        for it in &self.items {
            let group = match it.kind {
                ItemKind::Token => it.role.as_str(),
                _ => it.mount.as_str(),
            };
            let e = map.entry((it.kind, group)).or_default();
            e.1 += 1;
            if it.expires_at.is_some_and(|t| t < end) {
                e.0 += 1;
            }
        }
        let mut out: Vec<GroupCount> = map
            .into_iter()
            .map(|((kind, group), (in_window, total))| GroupCount {
                kind,
                group: group.to_string(),
                in_window,
                total,
                alert: kind == ItemKind::Lease && total > LEASE_ALERT,
            })
            .collect();
        out.sort_by(|a, b| {
            b.alert
                .cmp(&a.alert)
                .then(b.in_window.cmp(&a.in_window))
                .then(a.kind.cmp(&b.kind))
                .then(a.group.cmp(&b.group))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(
        kind: ItemKind,
        id: &str,
        mount: &str,
        left: Option<i64>,
        now: DateTime<Utc>,
    ) -> RadarItem {
        RadarItem {
            kind,
            id: id.into(),
            name: id.into(),
            mount: mount.into(),
            role: String::new(),
            expires_at: left.map(|s| now + ChronoDuration::seconds(s)),
            cert: None,
        }
    }

    #[test]
    fn buckets_hold_the_window_and_overdue_items_go_first() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let r = Radar::new(vec![
            item(ItemKind::Lease, "a", "db/", Some(30 * 60), now),
            item(ItemKind::Token, "b", "", Some(5 * 3_600), now),
            item(ItemKind::KvRotation, "c", "secret/", Some(-10), now),
            item(ItemKind::Certificate, "d", "pki/", Some(3 * 86_400), now),
            item(ItemKind::Lease, "e", "db/", None, now),
        ]);
        let day = r.buckets(now, Window::Day);
        assert_eq!(day.len(), 24);
        assert_eq!((day[0].count, day[0].overdue), (2, 1));
        assert_eq!(day[5].count, 1);
        assert_eq!(day.iter().map(|b| b.count).sum::<usize>(), 3);
        let hour = r.buckets(now, Window::Hour);
        assert_eq!(hour[0].count, 1);
        assert_eq!(hour[6].count, 1);
        let week = r.buckets(now, Window::Week);
        assert_eq!(week.iter().map(|b| b.count).sum::<usize>(), 4);
        assert_eq!(week[6].count, 1);
        let ids: Vec<&str> = r
            .bucket_items(now, Window::Day, 0)
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(ids, ["c", "a"]);
        let counts = r.group_counts(now, Window::Day);
        assert_eq!(counts[0].group, "db/");
        assert_eq!((counts[0].in_window, counts[0].total), (1, 2));
    }
}
