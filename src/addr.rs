//! Node addresses as users write them and as narrow columns show them. One place for the rules
//! that were copied into the cluster model, the write gate, the health screen and `status`.

/// `https://vault-1:8200/` → `vault-1:8200`: the address without its `http://` or `https://`
/// scheme and without trailing slashes, for columns and descriptions.
pub fn strip_scheme(addr: &str) -> &str {
    let a = addr.trim();
    a.strip_prefix("https://")
        .or_else(|| a.strip_prefix("http://"))
        .unwrap_or(a)
        .trim_end_matches('/')
}

/// `127.0.0.1:8200` → `https://127.0.0.1:8200`: an address with its scheme (`https` when none
/// is written, as `bao` assumes) and without trailing slashes, as the client and the cluster
/// model key nodes by it.
pub fn normalize(addr: &str) -> String {
    let a = addr.trim().trim_end_matches('/');
    if a.starts_with("http://") || a.starts_with("https://") {
        a.to_string()
    } else {
        format!("https://{a}")
    }
}

/// The `host:port` of an address (scheme, path and trailing slash removed); `None` when there is
/// no port after the host. IPv6 hosts keep their brackets: `[::1]:8200`.
pub fn host_port(addr: &str) -> Option<&str> {
    let rest = strip_scheme(addr);
    let hp = rest.split('/').next().unwrap_or(rest);
    let (host, port) = hp.rsplit_once(':')?;
    let bare_v6 = host.contains(':') && !host.ends_with(']');
    (!host.is_empty() && !bare_v6 && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        .then_some(hp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_slashes_go() {
        assert_eq!(strip_scheme("https://vault-1:8200/"), "vault-1:8200");
        assert_eq!(strip_scheme("http://127.0.0.1:8200"), "127.0.0.1:8200");
        assert_eq!(strip_scheme("127.0.0.1:8200"), "127.0.0.1:8200");
        // Only one scheme is removed: a strange address stays visibly strange.
        assert_eq!(strip_scheme("https://http://x:1"), "http://x:1");
    }

    #[test]
    fn normalised_addresses_have_a_scheme_and_no_slash() {
        assert_eq!(normalize("127.0.0.1:8200"), "https://127.0.0.1:8200");
        assert_eq!(normalize(" http://a:1/ "), "http://a:1");
        assert_eq!(normalize("https://[::1]:8200//"), "https://[::1]:8200");
    }

    #[test]
    fn host_and_port() {
        assert_eq!(host_port("https://vault:8200/v1/sys"), Some("vault:8200"));
        assert_eq!(host_port("http://[::1]:8200"), Some("[::1]:8200"));
        assert_eq!(host_port("vault.example"), None);
        assert_eq!(host_port("http://::1"), None);
        assert_eq!(host_port("http://vault:"), None);
        assert_eq!(host_port("http://vault:82a0"), None);
    }
}
