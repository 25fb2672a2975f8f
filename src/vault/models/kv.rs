//! KV LIST / SCAN answers and `sys/capabilities-self`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `data` of a LIST or SCAN answer: `keys` (folders end in `/` in a LIST; a SCAN gives only
/// leaves, relative to the scanned folder, unsorted).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct KeyList {
    pub keys: Vec<String>,
}

/// A whole LIST or SCAN answer, only the part we read: `{"data":{"keys":[…]},…}`. `data`
/// missing or `null` is an empty list; every other field is skipped unread.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListReply {
    #[serde(default)]
    pub data: Option<KeyList>,
}

/// `data` of `sys/capabilities-self`: path → capabilities (sorted by the server).
pub type Capabilities = BTreeMap<String, Vec<String>>;

/// Major version of a KV engine: where its LIST and SCAN go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvVersion {
    /// `LIST <mount>/<path>`.
    V1,
    /// `LIST <mount>/metadata/<path>`.
    V2,
}

impl KvVersion {
    /// From a mount's `options.version` (see `Mount::kv_version`).
    pub fn from_number(n: u8) -> Option<KvVersion> {
        match n {
            1 => Some(KvVersion::V1),
            2 => Some(KvVersion::V2),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_answer_decodes_straight_from_its_bytes() {
        let body = br#"{"request_id":"r","lease_id":"","renewable":false,"lease_duration":0,
            "data":{"keys":["a/","b\u0020c"]},"wrap_info":null,"warnings":null,"auth":null}"#;
        let r: ListReply = serde_json::from_slice(body).unwrap();
        assert_eq!(r.data.unwrap().keys, ["a/", "b c"]);
        for empty in [&br#"{"data":null}"#[..], br#"{}"#, br#"{"data":{}}"#] {
            let r: ListReply = serde_json::from_slice(empty).unwrap();
            assert!(r.data.unwrap_or_default().keys.is_empty());
        }
        assert!(serde_json::from_slice::<ListReply>(br#"{"data":{"keys":"x"}}"#).is_err());
    }
}
