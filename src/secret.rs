//! Secret newtypes. Tokens, unseal shares and secret values live in these: redacted `Debug`,
//! zeroized on drop, never serialised.

pub use secrecy::{ExposeSecret, SecretString};

/// Text for the clipboard (a value, a whole secret, a command): redacted `Debug`, zeroized on
/// drop; compared by content (tests compare effects).
#[derive(Clone)]
pub struct CopyText(pub SecretString);

impl CopyText {
    pub fn plain(s: String) -> CopyText {
        CopyText(SecretString::from(s))
    }
}

impl From<SecretString> for CopyText {
    fn from(s: SecretString) -> CopyText {
        CopyText(s)
    }
}

impl PartialEq for CopyText {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl std::fmt::Debug for CopyText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CopyText([REDACTED])")
    }
}

/// A Vault/OpenBao token.
pub type Token = SecretString;

/// Build a token from a string, trimming surrounding whitespace (token helper files end in a newline).
pub fn token_from(raw: &str) -> Token {
    SecretString::from(raw.trim().to_string())
}

/// A secret given as a command-line value (`--token`): redacted `Debug`, zeroized on drop, so a
/// `{:?}` of the parsed flags never shows it. (The process arguments themselves stay visible to
/// the system: that is why a token given as a flag gets a warning.)
#[derive(Clone)]
pub struct SecretArg(SecretString);

impl SecretArg {
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

impl std::fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretArg([REDACTED])")
    }
}

impl std::str::FromStr for SecretArg {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(SecretString::from(s)))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    #[test]
    fn parsed_token_flag_is_redacted_in_debug() {
        let canary = "s.CanaryToken-4f9d";
        let cli =
            Cli::try_parse_from(["strongroom", "--token", canary, "status"]).expect("flags parse");
        let dbg = format!("{cli:?} {cli:#?}");
        assert!(!dbg.contains(canary), "{dbg}");
        assert!(dbg.contains("REDACTED"), "{dbg}");
        let token = cli.token.as_ref().expect("token given");
        assert_eq!(token.secret().expose_secret(), canary);
    }

    #[test]
    fn token_from_trims_the_helper_file_newline() {
        assert_eq!(token_from(" s.abc\n").expose_secret(), "s.abc");
    }
}
