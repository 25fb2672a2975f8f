//! strongroom: a terminal operations console for HashiCorp Vault and OpenBao.

pub mod action;
pub mod addr;
pub mod app;
pub mod cli;
pub mod cli_extras;
pub mod cluster;
pub mod command;
pub mod config;
pub mod event;
pub mod headless;
pub mod input;
pub mod jobs;
pub mod keymap;
pub mod logging;
pub mod remote;
pub mod reply;
pub mod runtime;
pub mod sandbox;
pub mod sanitize;
pub mod secret;
pub mod theme;
pub mod toml_pos;
pub mod tui;
pub mod ui;
pub mod vault;
pub mod write_gate;
