//! Secret newtypes. Tokens, unseal shares and secret values live in these: redacted `Debug`,
//! zeroized on drop, never serialised.

pub use secrecy::{ExposeSecret, SecretString};

/// A Vault/OpenBao token.
pub type Token = SecretString;

/// Build a token from a string, trimming surrounding whitespace (token helper files end in a newline).
pub fn token_from(raw: &str) -> Token {
    SecretString::from(raw.trim().to_string())
}
