//! Reusable widgets and formatting helpers.

pub mod age;
pub mod secret_input;
pub mod table;
pub mod once_secrets;
