//! Leak-response runbooks: TOML files of steps (`manual`, `input`, `vault`, `confirm`,
//! `notify`), loaded and validated ([`loader`]), walked by a pure state machine ([`runner`])
//! whose every transition is journaled append-only on disk ([`journal`]), and exported as a
//! Markdown incident report ([`report`]). `vault` steps name operations from a fixed allow-list
//! ([`model::Op`]); the worker turns them into plans and writes ([`action`]).

pub mod action;
pub mod journal;
pub mod library;
pub mod loader;
pub mod model;
pub mod report;
pub mod runner;

pub use action::{ActionPlan, ActionResult, ArgValue, PlannedAction, PrepareSpec, ResolvedOp};
pub use model::{Op, Runbook, Step, StepKind};
pub use runner::{Run, RunStart, StepStatus};
