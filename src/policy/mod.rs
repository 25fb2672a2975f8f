//! ACL policies, pure (no I/O): a tolerant HCL tokenizer and rule parser with spans, the
//! viewer's syntax classes, Vault's path matching and priority (for "why can't I read this?"),
//! a least-privilege lint and a line diff for the editor.

pub mod diff;
pub mod highlight;
pub mod lint;
pub mod matching;
pub mod parse;
pub mod token;

pub use lint::{Finding, Severity, lint};
pub use parse::{ParsedPolicy, Rule, parse};
