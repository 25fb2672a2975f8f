//! Reusable widgets and formatting helpers.

pub mod age;
