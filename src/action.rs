//! `Action`: what the user wants. Keys map to actions through the keymap; help is generated from
//! the names and descriptions here.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($($variant:ident => $name:literal, $desc:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $($variant,)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The snake_case name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// One line for help and the footer.
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $desc,)* }
            }

            pub fn from_name(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    Quit => "quit", "quit strongroom";
    ForceQuit => "force_quit", "quit at once";
    Help => "help", "show or hide this help";
    CommandLine => "command_line", "open the : command line";
    Filter => "filter", "filter the focused list";
    Back => "back", "close the overlay, clear the filter or go back";
    Up => "up", "move up";
    Down => "down", "move down";
    PageUp => "page_up", "move a page up";
    PageDown => "page_down", "move a page down";
    Top => "top", "go to the first row";
    Bottom => "bottom", "go to the last row";
    Select => "select", "open the selected row (on screens that have details)";
    Refresh => "refresh", "poll the cluster now";
    FocusNext => "focus_next", "focus the next panel";
    FocusPrev => "focus_prev", "focus the previous panel";
    Suspend => "suspend", "suspend to the shell (fg to return)";
    NextTheme => "next_theme", "cycle through the themes";
    StepDown => "step_down", "ask the active node to step down";
    SealNode => "seal_node", "seal the selected node (typed confirmation)";
    SealAll => "seal_all", "seal every configured unsealed node, as one batch (typed confirmation)";
    Confirm => "confirm", "confirm the write (a typed one when the phrase matches)";
    Cancel => "cancel", "cancel the write";
    MarkVersion => "mark_version", "mark or unmark the selected version (diff, or a write on several)";
    DiffVersions => "diff_versions", "diff the marked versions, or the selected one with the one before";
    CompareVersions => "compare_versions", "read both versions of the diff to compare their values";
    ShowValue => "show_value", "reveal or mask the selected field's value (reads that version)";
    ShowAllValues => "show_all_values", "reveal or mask every value (reads that version)";
    RollbackVersion => "rollback_version", "write the selected version again as the newest (check-and-set)";
    DeleteVersions => "delete_versions", "soft-delete the marked (or selected) versions";
    UndeleteVersions => "undelete_versions", "undelete the marked (or selected) versions";
    DestroyVersions => "destroy_versions", "destroy the marked (or selected) versions for good (typed confirmation)";
    DeleteAllVersions => "delete_all_versions", "delete the secret with every version and its metadata (typed confirmation)";
    EditSettings => "edit_settings", "edit max versions, check-and-set, delete after and custom metadata";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(*a));
            let json = serde_json::to_string(a).expect("serialise");
            assert_eq!(json, format!("\"{}\"", a.name()));
            assert!(!a.description().is_empty());
        }
    }
}
