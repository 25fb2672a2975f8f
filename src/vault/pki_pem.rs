//! The fallback for servers without `certs/detailed` (HashiCorp Vault): `LIST <mount>/certs`
//! (paginated) and `GET <mount>/cert/<serial>` for each certificate (at most
//! [`PEM_CONCURRENCY`] in flight), reading not-before, not-after and the subject's common name
//! from the PEM. Hand-written: the DER walk needs five fields of one fixed structure (RFC 5280
//! `TBSCertificate`), and the crate tree has no X.509 parser (x509-parser would add nom, asn1-rs
//! and der-parser for this).

use base64::Engine;
use chrono::{DateTime, NaiveDateTime, Utc};
use futures::StreamExt;
use reqwest::Method;
use serde_json::Value;

use super::VaultClient;
use super::error::VaultError;
use super::pki::CertInfo;

/// Certificate reads in flight.
pub const PEM_CONCURRENCY: usize = 8;

/// One TLV: its tag, its content and what follows it.
fn tlv(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = d.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// UTCTime (`YYMMDDHHMMSSZ`, 1950–2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn time(tag: u8, content: &[u8]) -> Option<DateTime<Utc>> {
    let s = std::str::from_utf8(content).ok()?;
    let full = match tag {
        0x17 => {
            let yy: u32 = s.get(..2)?.parse().ok()?;
            format!("{}{s}", if yy >= 50 { "19" } else { "20" })
        }
        0x18 => s.to_string(),
        _ => return None,
    };
    NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%SZ")
        .ok()
        .map(|t| t.and_utc())
}

/// The common name (OID 2.5.4.3) of a `Name`.
fn common_name(mut name: &[u8]) -> Option<String> {
    while let Some((_, set, rest)) = tlv(name) {
        name = rest;
        let mut set = set;
        while let Some((_, atv, more)) = tlv(set) {
            set = more;
            let (oid_tag, oid, value) = tlv(atv)?;
            if oid_tag == 0x06 && oid == [0x55, 0x04, 0x03] {
                let (_, v, _) = tlv(value)?;
                return Some(String::from_utf8_lossy(v).into_owned());
            }
        }
    }
    None
}

/// Not-before, not-after and the subject's common name of a DER certificate.
pub fn parse_der(der: &[u8]) -> Option<CertInfo> {
    let (_, cert, _) = tlv(der)?;
    let (_, tbs, _) = tlv(cert)?;
    let mut rest = tbs;
    let (tag, _, after) = tlv(rest)?;
    if tag == 0xa0 {
        rest = after; // [0] version
    }
    let (_, _, rest) = tlv(rest)?; // serialNumber
    let (_, _, rest) = tlv(rest)?; // signature
    let (_, issuer, rest) = tlv(rest)?;
    let (_, validity, rest) = tlv(rest)?;
    let (_, subject, _) = tlv(rest)?;
    let (t1, nb, v) = tlv(validity)?;
    let (t2, na, _) = tlv(v)?;
    Some(CertInfo {
        common_name: common_name(subject).unwrap_or_default(),
        issuer: common_name(issuer)
            .map(|cn| format!("CN={cn}"))
            .unwrap_or_default(),
        not_before: time(t1, nb),
        not_after: time(t2, na),
    })
}

/// The first certificate of a PEM text, parsed.
pub fn parse_pem(pem: &str) -> Option<CertInfo> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .map(str::trim)
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    parse_der(&der)
}

impl VaultClient {
    /// Every certificate of a PKI mount read one by one (`LIST certs` + `GET cert/<serial>`):
    /// `(serial, info)`; a certificate whose PEM does not parse keeps its serial and no times.
    pub async fn pki_certs_by_pem(
        &self,
        mount: &str,
    ) -> Result<Vec<(String, CertInfo)>, VaultError> {
        let mount = mount.trim_matches('/');
        let serials = self.pki_list_keys(&format!("{mount}/certs")).await?;
        let reads = futures::stream::iter(serials.into_iter().map(|serial| async move {
            let path = format!("{mount}/cert/{serial}");
            let v = self.request(Method::GET, &path, &[], None).await?;
            let pem = v
                .pointer("/data/certificate")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Ok::<_, VaultError>((serial, parse_pem(pem).unwrap_or_default()))
        }))
        .buffer_unordered(PEM_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
        let mut out = reads.into_iter().collect::<Result<Vec<_>, _>>()?;
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}

/// True when the server has no `certs/detailed` (a HashiCorp Vault server): fall back to PEMs.
pub fn no_detailed_list(e: &VaultError) -> bool {
    match e {
        VaultError::NotFound { errors } => !errors.is_empty(),
        VaultError::Http { status, .. } => *status == 405 || *status == 400,
        _ => false,
    }
}
