//! `sys/tools`: random bytes and hashes.

/// The output format of `sys/tools/random`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RandomFormat {
    #[default]
    Base64,
    Hex,
}

impl RandomFormat {
    pub fn name(self) -> &'static str {
        match self {
            RandomFormat::Base64 => "base64",
            RandomFormat::Hex => "hex",
        }
    }

    pub fn parse(s: &str) -> Option<RandomFormat> {
        match s {
            "base64" => Some(RandomFormat::Base64),
            "hex" => Some(RandomFormat::Hex),
            _ => None,
        }
    }
}

/// The bounds of a random request, in bytes.
pub const RANDOM_BYTES: std::ops::RangeInclusive<u32> = 1..=1024;
/// The default number of random bytes.
pub const DEFAULT_RANDOM_BYTES: u32 = 32;

/// The algorithms `sys/tools/hash` accepts (OpenBao refuses `sha1` and `md5`).
pub const HASH_ALGORITHMS: &[&str] = &[
    "sha2-256", "sha2-224", "sha2-384", "sha2-512", "sha3-224", "sha3-256", "sha3-384", "sha3-512",
];

/// A known algorithm name.
pub fn hash_algorithm(s: &str) -> Option<&'static str> {
    HASH_ALGORITHMS.iter().copied().find(|a| *a == s)
}
