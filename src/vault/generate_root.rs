//! Generate a new root token from a quorum of unseal shares: the token-authenticated
//! `sys/generate-root-token/{attempt,update}` (answers in the `data` envelope), falling back to
//! the legacy unauthenticated `sys/generate-root/*` where the current ones answer 404/405.
//! The console makes the one-time password itself (base62 from the OS CSPRNG, the length the
//! server asks for) and decodes the encoded token locally (base64 without padding XOR the OTP).
//! Shares, the OTP, the encoded and the decoded token travel in [`SecretText`]s; request bodies
//! that carried one are wiped once sent.

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use zeroize::{Zeroize, Zeroizing};

use super::ceremony::wipe_strings;
use super::client::VaultClient;
use super::error::VaultError;
use super::models::wrapping::SecretText;
use super::worker::Worker;
use crate::reply::WriteResult;
use crate::write_gate::generate_root::GenerateRootMutation;

/// The current (token-authenticated) endpoints.
const CURRENT: &str = "sys/generate-root-token";
/// The legacy (unauthenticated) endpoints, off by default on OpenBao 2.5+.
const LEGACY: &str = "sys/generate-root";

/// The server's OTP alphabet.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// The longest OTP the console makes (the server asks for 26 or 28).
const OTP_MAX: usize = 128;

/// Where a root generation stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GenerateRootStatus {
    pub started: bool,
    pub nonce: String,
    pub progress: u32,
    /// Shares needed (the threshold).
    pub required: u32,
    pub complete: bool,
    /// On completion: the token XOR the OTP (base64), or the PGP-encrypted token (base64).
    pub encoded_token: Option<SecretText>,
    pub pgp_fingerprint: String,
    pub otp_length: usize,
    /// Answered by the legacy endpoints.
    pub legacy: bool,
}

impl GenerateRootStatus {
    /// The nonce's first 8 characters, for display.
    pub fn short_nonce(&self) -> &str {
        match self.nonce.char_indices().nth(8) {
            Some((i, _)) => &self.nonce[..i],
            None => &self.nonce,
        }
    }

    /// Started with a PGP key: the encoded token is encrypted, not XORed with an OTP.
    pub fn is_pgp(&self) -> bool {
        !self.pgp_fingerprint.is_empty()
    }
}

/// Why a token could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the encoded token is not base64")]
    NotBase64,
    #[error("the encoded token has {token} bytes but the one-time password {otp}")]
    Length { token: usize, otp: usize },
    #[error("the decoded token is not text")]
    NotText,
    #[error("cannot get random bytes from the system: {0}")]
    Random(String),
    #[error("the server asked for a one-time password of {0} characters")]
    OtpLength(usize),
}

/// A one-time password of `len` base62 characters from the OS CSPRNG (rejection sampling: no
/// character is likelier than another).
pub fn generate_otp(len: usize) -> Result<SecretText, DecodeError> {
    if len == 0 || len > OTP_MAX {
        return Err(DecodeError::OtpLength(len));
    }
    let mut out = Zeroizing::new(String::with_capacity(len));
    let mut buf = Zeroizing::new([0u8; 64]);
    // Each byte is kept with probability 248/256: a few rounds are plenty; bounded anyway.
    for _ in 0..64 {
        getrandom::getrandom(buf.as_mut()).map_err(|e| DecodeError::Random(e.to_string()))?;
        for b in buf.iter() {
            if out.len() == len {
                break;
            }
            if *b < 248 {
                out.push(char::from(BASE62[usize::from(*b % 62)]));
            }
        }
        if out.len() == len {
            return Ok(SecretText::from(out.as_str()));
        }
    }
    Err(DecodeError::Random("too few usable random bytes".into()))
}

/// The root token from the encoded token and the OTP: base64 (padding optional) XOR the OTP's
/// bytes. Intermediate bytes are wiped.
pub fn decode_root_token(encoded: &str, otp: &str) -> Result<SecretText, DecodeError> {
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    let bytes = Zeroizing::new(
        engine
            .decode(encoded.trim().trim_end_matches('='))
            .map_err(|_| DecodeError::NotBase64)?,
    );
    let otp = otp.as_bytes();
    if bytes.len() != otp.len() {
        return Err(DecodeError::Length {
            token: bytes.len(),
            otp: otp.len(),
        });
    }
    let mut plain: Vec<u8> = bytes.iter().zip(otp).map(|(a, b)| a ^ b).collect();
    match String::from_utf8(std::mem::take(&mut plain)) {
        Ok(s) => Ok(SecretText::from(s)),
        Err(e) => {
            e.into_bytes().zeroize();
            Err(DecodeError::NotText)
        }
    }
}

/// A status from an answer: the `data` envelope (current) or the bare object (legacy). The
/// encoded token is moved into a secret; the rest of the answer is wiped.
pub fn parse_status(mut v: Value, legacy: bool) -> Result<GenerateRootStatus, VaultError> {
    let mut d = match v.get_mut("data") {
        Some(d) if d.is_object() => d.take(),
        _ => v.take(),
    };
    if !d.is_object() {
        return Err(VaultError::Decode(
            "generate-root: no status in the answer".into(),
        ));
    }
    let num = |k: &str| d.get(k).and_then(Value::as_u64).unwrap_or(0);
    let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let mut s = GenerateRootStatus {
        started: d.get("started").and_then(Value::as_bool).unwrap_or(false),
        nonce: text("nonce"),
        progress: u32::try_from(num("progress")).unwrap_or(u32::MAX),
        required: u32::try_from(num("required")).unwrap_or(u32::MAX),
        complete: d.get("complete").and_then(Value::as_bool).unwrap_or(false),
        encoded_token: None,
        pgp_fingerprint: text("pgp_fingerprint"),
        otp_length: usize::try_from(num("otp_length")).unwrap_or(0),
        legacy,
    };
    for key in ["encoded_token", "encoded_root_token"] {
        if s.encoded_token.is_none()
            && let Some(Value::String(t)) = d.get_mut(key).map(Value::take)
            && !t.is_empty()
        {
            s.encoded_token = Some(SecretText::from(t));
        }
    }
    wipe_strings(&mut d);
    Ok(s)
}

impl VaultClient {
    /// One call to `<base>/<leaf>`, the current endpoint first, then the legacy one. The body is
    /// wiped after both tries.
    async fn generate_root_call(
        &self,
        method: Method,
        leaf: &str,
        body: Option<Value>,
    ) -> Result<GenerateRootStatus, VaultError> {
        let (v, legacy) = self
            .ceremony_call(method.clone(), (CURRENT, LEGACY), leaf, body)
            .await?;
        if method == Method::DELETE {
            return Ok(GenerateRootStatus {
                legacy,
                ..GenerateRootStatus::default()
            });
        }
        parse_status(v, legacy)
    }

    /// `GET …/attempt`: where the root generation stands.
    pub async fn generate_root_status(&self) -> Result<GenerateRootStatus, VaultError> {
        self.generate_root_call(Method::GET, "attempt", None).await
    }

    /// `PUT …/attempt {"otp"}` or `{"pgp_key"}`: start an attempt.
    pub async fn generate_root_start(
        &self,
        otp: Option<&SecretText>,
        pgp_key: Option<&str>,
    ) -> Result<GenerateRootStatus, VaultError> {
        let body = match (otp, pgp_key) {
            (_, Some(k)) => json!({ "pgp_key": k }),
            (Some(o), None) => json!({ "otp": o.expose() }),
            (None, None) => json!({}),
        };
        self.generate_root_call(Method::PUT, "attempt", Some(body))
            .await
    }

    /// `PUT …/update {"key","nonce"}`: submit one share.
    pub async fn generate_root_update(
        &self,
        share: &SecretText,
        nonce: &str,
    ) -> Result<GenerateRootStatus, VaultError> {
        let body = json!({ "key": share.expose(), "nonce": nonce });
        self.generate_root_call(Method::PUT, "update", Some(body))
            .await
    }

    /// `DELETE …/attempt`: cancel the attempt (progress and nonce are gone).
    pub async fn generate_root_cancel(&self) -> Result<(), VaultError> {
        self.generate_root_call(Method::DELETE, "attempt", None)
            .await
            .map(|_| ())
    }
}

/// What the generate-root area is asked (reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenerateRootRequest {
    Status { addr: String },
}

/// What it answers.
#[derive(Debug, Clone, PartialEq)]
pub enum GenerateRootReply {
    Status(Result<GenerateRootStatus, VaultError>),
}

impl Worker {
    pub async fn generate_root(&self, r: GenerateRootRequest) -> GenerateRootReply {
        match r {
            GenerateRootRequest::Status { addr } => {
                GenerateRootReply::Status(match self.client(&addr) {
                    Ok(c) => c.generate_root_status().await,
                    Err(e) => Err(e),
                })
            }
        }
    }

    /// Perform one generate-root write that passed the gate.
    pub async fn generate_root_write_one(
        &self,
        m: &GenerateRootMutation,
    ) -> Result<WriteResult, VaultError> {
        let c = self.client(m.addr())?;
        generate_root_write_with(&c, m).await
    }
}

/// One generate-root write with this client (the worker's, or a test's).
pub async fn generate_root_write_with(
    c: &VaultClient,
    m: &GenerateRootMutation,
) -> Result<WriteResult, VaultError> {
    match m {
        GenerateRootMutation::Start { otp, pgp_key, .. } => c
            .generate_root_start(otp.as_ref(), pgp_key.as_deref())
            .await
            .map(WriteResult::GenerateRoot),
        GenerateRootMutation::Update { share, nonce, .. } => c
            .generate_root_update(share, nonce)
            .await
            .map(WriteResult::GenerateRoot),
        GenerateRootMutation::Cancel { .. } => c
            .generate_root_cancel()
            .await
            .map(|()| WriteResult::GenerateRoot(GenerateRootStatus::default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_as_the_recipe_says() {
        // The recipe: token = base64decode(encoded) XOR otp.
        let otp = "g1d9jtvlaRTN8NhSeErSVKPsiV";
        let token = "s.PRACTICEONLYTOKEN0123456";
        assert_eq!(token.len(), otp.len());
        let xored: Vec<u8> = token.bytes().zip(otp.bytes()).map(|(a, b)| a ^ b).collect();
        let enc = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&xored);
        assert_eq!(
            decode_root_token(&enc, otp).expect("decodes").expose(),
            token
        );
        // Padded input decodes too.
        let padded = base64::engine::general_purpose::STANDARD.encode(&xored);
        assert_eq!(
            decode_root_token(&padded, otp).expect("decodes").expose(),
            token
        );
    }

    #[test]
    fn the_recorded_shape_decodes_to_26_bytes() {
        // 35 base64 characters without padding are 26 bytes (as OpenBao answered).
        let enc = "FB8QdycuIC0AGDoCdytaKQN9PwUQOTMnCiM";
        let otp = "g1d9jtvlaRTN8NhSeErSVKPsiV";
        let t = decode_root_token(enc, otp).expect("decodes");
        assert_eq!(t.chars(), 26);
        assert!(t.expose().starts_with("s."));
    }

    #[test]
    fn decode_errors() {
        assert_eq!(decode_root_token("!!", "ab"), Err(DecodeError::NotBase64));
        assert!(matches!(
            decode_root_token("AAAA", "abcdef"),
            Err(DecodeError::Length { token: 3, otp: 6 })
        ));
    }

    #[test]
    fn otps_are_base62_of_the_asked_length_and_differ() {
        let a = generate_otp(26).expect("otp");
        let b = generate_otp(26).expect("otp");
        assert_eq!(a.chars(), 26);
        assert!(a.expose().bytes().all(|c| BASE62.contains(&c)));
        assert_ne!(a, b);
        assert!(generate_otp(0).is_err());
        assert!(format!("{a:?}").contains("REDACTED"));
    }

    #[test]
    fn statuses_parse_from_both_shapes() {
        let cur = json!({"data": {"complete": false, "nonce": "18ef0123-aaaa", "otp": "", "otp_length": 26,
            "progress": 1, "required": 3, "started": true}});
        let s = parse_status(cur, false).expect("parses");
        assert!(s.started && !s.complete);
        assert_eq!((s.progress, s.required, s.otp_length), (1, 3, 26));
        assert_eq!(s.short_nonce(), "18ef0123");
        let legacy = json!({"nonce": "4522", "started": true, "progress": 3, "required": 3,
            "complete": true, "encoded_token": "", "encoded_root_token": "QUJD", "pgp_fingerprint": ""});
        let s = parse_status(legacy, true).expect("parses");
        assert!(s.complete && s.legacy);
        assert_eq!(
            s.encoded_token.as_ref().map(SecretText::expose),
            Some("QUJD")
        );
        assert!(!format!("{s:?}").contains("QUJD"));
    }
}
