//! Nodes found through `sys/ha-status`. The `bao` CLI does no discovery; the console does, under
//! rules that keep a server from steering it: a listed address must be a bare
//! `scheme://host:port` (no path, user, query or fragment), may not downgrade from https to http,
//! and at most [`MAX_DISCOVERED`] are followed (the rest are counted). A discovered node is polled
//! on the unauthenticated endpoints only: the token goes to configured addresses alone (the
//! worker enforces that).

use reqwest::Url;

use crate::sanitize::sanitize;

/// At most this many discovered nodes are followed; more listed ones are only counted.
pub const MAX_DISCOVERED: usize = 16;

/// How many listed addresses were not followed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiscoveryNote {
    /// Valid addresses beyond [`MAX_DISCOVERED`].
    pub not_followed: usize,
    /// Addresses refused (sanitised, shortened) with the reason; at most a few are kept.
    pub rejected: Vec<(String, &'static str)>,
    /// How many were refused in all.
    pub rejected_count: usize,
}

impl DiscoveryNote {
    pub fn is_empty(&self) -> bool {
        self.not_followed == 0 && self.rejected_count == 0
    }

    /// One line for the screen and stderr, empty when nothing was left out.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.not_followed > 0 {
            parts.push(format!(
                "{} more listed node{} not followed (at most {MAX_DISCOVERED})",
                self.not_followed,
                if self.not_followed == 1 { "" } else { "s" }
            ));
        }
        if self.rejected_count > 0 {
            let shown: Vec<String> = self
                .rejected
                .iter()
                .map(|(a, why)| format!("{a} ({why})"))
                .collect();
            parts.push(format!(
                "{} listed address{} refused: {}",
                self.rejected_count,
                if self.rejected_count == 1 { "" } else { "es" },
                shown.join(", ")
            ));
        }
        parts.join("; ")
    }

    pub(crate) fn reject(&mut self, addr: &str, why: &'static str) {
        const KEEP: usize = 3;
        self.rejected_count += 1;
        if self.rejected.len() < KEEP {
            let mut a: String = sanitize(addr).chars().take(60).collect();
            if addr.chars().count() > 60 {
                a.push('…');
            }
            self.rejected.push((a, why));
        }
    }
}

/// A listed API address as `scheme://host:port`, or why it is refused. `https_only` when any
/// configured address uses https.
pub fn discovered_addr(raw: &str, https_only: bool) -> Result<String, &'static str> {
    let raw = raw.trim();
    if raw.len() > 300 {
        return Err("too long");
    }
    let url = Url::parse(raw).map_err(|_| "not an address")?;
    let scheme = url.scheme();
    if scheme != "http" && scheme != "https" {
        return Err("not http or https");
    }
    if https_only && scheme == "http" {
        return Err("http where https is configured");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("has user info");
    }
    if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
        return Err("has a path or query");
    }
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or("no host")?;
    let port = url.port_or_known_default().ok_or("no port")?;
    Ok(format!("{scheme}://{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bare_addresses_are_followed() {
        assert_eq!(
            discovered_addr("http://127.0.0.1:8200", false),
            Ok("http://127.0.0.1:8200".into())
        );
        assert_eq!(
            discovered_addr("https://127.0.0.1:8200/", true),
            Ok("https://127.0.0.1:8200".into())
        );
        assert_eq!(
            discovered_addr("https://[::1]:8200", true),
            Ok("https://[::1]:8200".into())
        );
        assert_eq!(
            discovered_addr("https://vault.example:443", true),
            Ok("https://vault.example:443".into())
        );
        assert_eq!(
            discovered_addr("http://127.0.0.1:8200", true),
            Err("http where https is configured")
        );
        for bad in [
            "http://127.0.0.1:8200/evil/prefix",
            "http://127.0.0.1:8200/?x=1",
            "http://127.0.0.1:8200#frag",
        ] {
            assert_eq!(
                discovered_addr(bad, false),
                Err("has a path or query"),
                "{bad}"
            );
        }
        assert_eq!(
            discovered_addr("http://user:pw@127.0.0.1:8200", false),
            Err("has user info")
        );
        assert_eq!(
            discovered_addr("file:///etc/passwd", false),
            Err("not http or https")
        );
        assert!(discovered_addr("127.0.0.1:8200", false).is_err());
        assert_eq!(
            discovered_addr("localhost:8200", false),
            Err("not http or https")
        );
        assert_eq!(discovered_addr("", false), Err("not an address"));
        assert_eq!(discovered_addr(&"a".repeat(400), false), Err("too long"));
    }

    #[test]
    fn the_note_is_sanitised_and_bounded() {
        let mut n = DiscoveryNote::default();
        assert!(n.is_empty());
        assert_eq!(n.summary(), "");
        for _ in 0..10 {
            n.reject("http://\x1b[2Jevil:1/x", "has a path or query");
        }
        n.not_followed = 4984;
        let s = n.summary();
        assert!(!s.contains('\x1b'), "{s}");
        assert_eq!(n.rejected.len(), 3);
        assert!(
            s.starts_with(
                "4984 more listed nodes not followed (at most 16); 10 listed addresses refused: "
            ),
            "{s}"
        );
    }
}
