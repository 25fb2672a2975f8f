//! Reusable widgets and formatting helpers.

pub mod age;
pub mod once_secrets;
pub mod secret_input;
pub mod table;
