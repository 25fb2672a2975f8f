//! The runbooks screen (`:runbook [ID]`): the library (every runbook with its steps and source,
//! and the files that did not load), the unfinished runs found in the runs dir (newest first,
//! to resume), a start form (detection time, read-only rehearsal) and the run itself: its steps
//! with their state, the current step's guidance, input, plan and the containment clock. The
//! run is the pure state machine of `crate::runbook::runner`; every transition's journal
//! entries leave as [`Effect::Journal`] before anything acts on them, and a `vault` step's write
//! is journaled as started only when the gate lets it go ([`RunbookScreen::on_write_sent`]).

mod actions;
mod env;
mod events;
mod list_view;
mod run_view;

pub use env::RunbookEnv;
pub use list_view::RunbookView;

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::KeyEvent;

use crate::action::Action;
use crate::input::LineInput;
use crate::runbook::Run;
use crate::runbook::model::Runbook;
use crate::ui::widgets::secret_input::{SecretInput, SecretInputMode};

/// The key of the prepare job of a `vault` step.
pub const PREPARE_JOB: &str = "runbook prepare";

/// The footer's offer on the list.
pub const LIST_HINTS: &[Action] = &[Action::Help, Action::Select, Action::Back];
/// The footer's offer on the start form.
pub const START_HINTS: &[Action] = &[Action::Select, Action::FocusNext, Action::Back];
/// The footer's offer in a run.
pub const RUN_HINTS: &[Action] = &[
    Action::Help,
    Action::Select,
    Action::SkipStep,
    Action::RetryStep,
    Action::MarkStepDone,
    Action::OpenStepCommand,
    Action::CopyNotify,
    Action::ExportReport,
    Action::Back,
];

/// A secret input step's answer while it is typed: masked, zeroized, redacted. It has one home:
/// a clone starts empty, and two are equal when both are empty or both are not.
#[derive(Debug)]
pub struct SecretField(pub SecretInput);

impl Default for SecretField {
    fn default() -> Self {
        Self(SecretInput::new(SecretInputMode::Masked))
    }
}

impl Clone for SecretField {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for SecretField {
    fn eq(&self, o: &Self) -> bool {
        self.0.is_empty() == o.0.is_empty()
    }
}

/// A question the run view asks on its last lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    /// An input step's answer.
    Answer(LineInput),
    /// A secret input step's answer (masked; handed to the run and wiped on enter).
    Secret(SecretField),
    /// The confirm step's phrase.
    Phrase(LineInput),
    /// Why the current step is skipped.
    Skip(LineInput),
}

/// The start form of a runbook.
#[derive(Debug, Clone, PartialEq)]
pub struct StartForm {
    pub runbook: Arc<Runbook>,
    /// The detection time: RFC 3339, `now`, or `-30m`…
    pub detected: LineInput,
    pub rehearsal: bool,
    /// The console is read-only: the run can only be a rehearsal.
    pub forced: bool,
    pub error: Option<String>,
}

/// A run on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct RunState {
    pub run: Run,
    /// Its journal file.
    pub path: PathBuf,
    pub prompt: Option<Prompt>,
    /// The last refused transition, in words.
    pub error: Option<String>,
}

/// What the screen shows.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    List,
    Start(Box<StartForm>),
    Run(Box<RunState>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunbookScreen {
    pub env: RunbookEnv,
    /// The cluster context runs are started against.
    pub context: String,
    /// The console was read-only when the screen opened (rehearsals only).
    pub read_only: bool,
    pub view: View,
    /// The list's cursor: unfinished runs first, then runbooks.
    pub selected: usize,
    /// `:runbook ID`: open this runbook's start form when the screen opens.
    pub start_with: Option<String>,
}

impl RunbookScreen {
    pub fn new(env: RunbookEnv, context: &str, read_only: bool) -> RunbookScreen {
        RunbookScreen {
            env,
            context: context.to_string(),
            read_only,
            view: View::List,
            selected: 0,
            start_with: None,
        }
    }

    /// Rows of the list: unfinished runs, then runbooks.
    pub fn rows(&self) -> usize {
        self.env.unfinished.len() + self.env.library.runbooks.len()
    }

    pub fn run(&self) -> Option<&RunState> {
        match &self.view {
            View::Run(r) => Some(r),
            _ => None,
        }
    }

    pub fn hints(&self) -> &'static [Action] {
        match self.view {
            View::List => LIST_HINTS,
            View::Start(_) => START_HINTS,
            View::Run(_) => RUN_HINTS,
        }
    }

    /// Typing goes to the start form's time, or to an open prompt.
    pub fn takes_text(&self) -> bool {
        match &self.view {
            View::Start(_) => true,
            View::Run(r) => r.prompt.is_some(),
            View::List => false,
        }
    }

    /// The containment clock runs on screen until the run is contained.
    pub fn wants_tick(&self) -> bool {
        self.run()
            .is_some_and(|r| r.run.contained_at.is_none() && r.run.finished.is_none())
    }

    /// Another screen opens on top: a secret being typed is wiped.
    pub fn on_cover(&mut self) {
        if let View::Run(r) = &mut self.view
            && let Some(Prompt::Secret(f)) = &mut r.prompt
        {
            f.0.clear();
            r.prompt = None;
        }
    }

    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<super::Effect> {
        match &mut self.view {
            View::Start(f) => {
                f.detected.handle_key(key);
                f.error = None;
            }
            View::Run(r) => {
                match &mut r.prompt {
                    Some(Prompt::Answer(l) | Prompt::Phrase(l) | Prompt::Skip(l)) => {
                        l.handle_key(key);
                    }
                    Some(Prompt::Secret(f)) => {
                        f.0.on_key(key);
                    }
                    None => {}
                }
                r.error = None;
            }
            View::List => {}
        }
        Vec::new()
    }

    pub fn on_paste(&mut self, text: &str) {
        match &mut self.view {
            View::Start(f) => f.detected.insert_str(text),
            View::Run(r) => match &mut r.prompt {
                Some(Prompt::Answer(l) | Prompt::Phrase(l) | Prompt::Skip(l)) => l.insert_str(text),
                Some(Prompt::Secret(f)) => f.0.paste(text),
                None => {}
            },
            View::List => {}
        }
    }
}
