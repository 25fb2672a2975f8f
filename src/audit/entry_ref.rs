//! A borrowed view of one audit line: what the fast scanner produces without allocating, and
//! what the aggregators (anomaly signals, the compliance report) consume. Strings borrow the
//! line when they hold no JSON escape (the usual case) and are unescaped otherwise.

use std::borrow::Cow;

use super::entry::{AuditEntry, EntryKind, EntrySource};

/// `auth.policies`: the raw JSON array text of a line (`["default","reader"]`), or an owned list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoliciesRef<'a> {
    Raw(&'a str),
    List(&'a [String]),
}

impl<'a> PoliciesRef<'a> {
    /// The policy names (a raw array is split on `","`; policy names hold no quotes).
    pub fn iter(&self) -> Box<dyn Iterator<Item = &'a str> + 'a> {
        match *self {
            PoliciesRef::List(l) => Box::new(l.iter().map(String::as_str)),
            PoliciesRef::Raw(r) => {
                let inner = r
                    .trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .trim();
                if inner.is_empty() {
                    Box::new(std::iter::empty())
                } else {
                    Box::new(inner.split(',').map(|p| p.trim().trim_matches('"')))
                }
            }
        }
    }
}

impl Default for PoliciesRef<'_> {
    fn default() -> Self {
        PoliciesRef::List(&[])
    }
}

/// The same fields as [`AuditEntry`], borrowed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntryRef<'a> {
    pub time: Option<i64>,
    pub kind: Option<EntryKind>,
    pub request_id: Cow<'a, str>,
    pub operation: Cow<'a, str>,
    pub path: Cow<'a, str>,
    pub mount_point: Cow<'a, str>,
    pub mount_type: Cow<'a, str>,
    pub display_name: Cow<'a, str>,
    pub entity_id: Cow<'a, str>,
    pub remote_address: Cow<'a, str>,
    pub policies: PoliciesRef<'a>,
    pub allowed: Option<bool>,
    pub error: Option<Cow<'a, str>>,
    pub client_token: Cow<'a, str>,
    pub accessor: Cow<'a, str>,
    pub token_type: Cow<'a, str>,
    pub token_ttl: Option<i64>,
    pub created_accessor: Cow<'a, str>,
    pub created_token_ttl: Option<i64>,
    pub source: EntrySource,
}

impl EntryRef<'_> {
    pub fn is_denied(&self) -> bool {
        self.allowed == Some(false)
            || self
                .error
                .as_deref()
                .is_some_and(|e| e.contains("permission denied"))
    }

    pub fn is_error(&self) -> bool {
        self.error.is_some() || self.allowed == Some(false)
    }

    /// The owned entry (allocates).
    pub fn to_owned_entry(&self) -> AuditEntry {
        AuditEntry {
            time: self.time,
            kind: self.kind,
            request_id: self.request_id.to_string(),
            operation: self.operation.to_string(),
            path: self.path.to_string(),
            mount_point: self.mount_point.to_string(),
            mount_type: self.mount_type.to_string(),
            display_name: self.display_name.to_string(),
            entity_id: self.entity_id.to_string(),
            remote_address: self.remote_address.to_string(),
            policies: self.policies.iter().map(str::to_string).collect(),
            allowed: self.allowed,
            error: self.error.as_ref().map(|e| e.to_string()),
            client_token: self.client_token.to_string(),
            accessor: self.accessor.to_string(),
            token_type: self.token_type.to_string(),
            token_ttl: self.token_ttl,
            created_accessor: self.created_accessor.to_string(),
            created_token_ttl: self.created_token_ttl,
            source: self.source,
        }
    }
}

impl AuditEntry {
    /// A borrowed view (for aggregators fed by the reference parser, in tests).
    pub fn as_entry_ref(&self) -> EntryRef<'_> {
        fn b(s: &str) -> Cow<'_, str> {
            Cow::Borrowed(s)
        }
        EntryRef {
            time: self.time,
            kind: self.kind,
            request_id: b(&self.request_id),
            operation: b(&self.operation),
            path: b(&self.path),
            mount_point: b(&self.mount_point),
            mount_type: b(&self.mount_type),
            display_name: b(&self.display_name),
            entity_id: b(&self.entity_id),
            remote_address: b(&self.remote_address),
            policies: PoliciesRef::List(&self.policies),
            allowed: self.allowed,
            error: self.error.as_deref().map(b),
            client_token: b(&self.client_token),
            accessor: b(&self.accessor),
            token_type: b(&self.token_type),
            token_ttl: self.token_ttl,
            created_accessor: b(&self.created_accessor),
            created_token_ttl: self.created_token_ttl,
            source: self.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_policies_split() {
        let p = PoliciesRef::Raw(r#"["default","reader"]"#);
        assert_eq!(p.iter().collect::<Vec<_>>(), vec!["default", "reader"]);
        assert_eq!(PoliciesRef::Raw("[]").iter().count(), 0);
    }
}
