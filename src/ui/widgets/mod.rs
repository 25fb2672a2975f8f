//! Reusable widgets and formatting helpers.

pub mod age;
pub mod table;
