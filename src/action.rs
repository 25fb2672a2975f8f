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
    Chart => "chart", "chart the selected metric's last hour with its threshold";
    SealAll => "seal_all", "seal every configured unsealed node, as one batch (typed confirmation)";
    Describe => "describe", "show the selected mount's configuration";
    Parent => "parent", "go to the parent folder";
    Reveal => "reveal", "reveal the selected value (reads the secret once)";
    RevealAll => "reveal_all", "reveal every value of the secret (reads it once)";
    Hide => "hide", "mask the values again (drops them from memory)";
    CopyValue => "copy_value", "copy the selected value without showing it";
    CopyJson => "copy_json", "copy the whole secret as JSON";
    CopyEnv => "copy_env", "copy the secret as KEY=value lines";
    CopyCli => "copy_cli", "copy the equivalent bao command (never with a value)";
    Share => "share", "share the secret as a response-wrapped token";
    Versions => "versions", "the secret's versions and metadata (KV v2)";
    Edit => "edit", "edit the secret in memory";
    NewSecret => "new_secret", "create a secret in this folder";
    DeleteSecret => "delete_secret", "delete the newest version (KV v2) or the secret (KV v1)";
    Confirm => "confirm", "confirm the write (a typed one when the phrase matches)";
    Cancel => "cancel", "cancel the write";
    Save => "save", "save the secret (check-and-set on the version you loaded)";
    ToggleFormat => "toggle_format", "switch the editor between JSON and key=value lines";
    Revert => "revert", "put the loaded values back in the editor";
    Reapply => "reapply", "re-apply your edit on the newer version (after a conflict)";
    Discard => "discard", "discard your edit and close the editor";
    RevealOutput => "reveal_output", "show or mask the secret output (tools screen)";
    CopyOutput => "copy_output", "copy the selected output to the clipboard (cleared after a while)";
    CopyAllOutput => "copy_all_output", "copy all unwrapped data as JSON";
    EditInput => "edit_input", "type into the input again";
    Mark => "mark", "mark or unmark the selected row (search results to copy with :cp DST)";
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
    MarkAll => "mark_all", "mark every filtered row (again: unmark them all)";
    RevokeToken => "revoke_token", "revoke the selected token by accessor (its whole tree)";
    RevokeTokens => "revoke_tokens", "bulk revoke the marked tokens, or every filtered one (typed confirmation)";
    RevokeByValue => "revoke_by_value", "revoke a token by its value (paste it; tree, or orphan its children)";
    RevokeTree => "revoke_tree", "in the revoke dialog: revoke each token's tree by accessor";
    RevokeOrphan => "revoke_orphan", "in the revoke dialog: orphan the children instead (needs the token value)";
    IncludeOwn => "include_own", "in the revoke dialog: include or leave out the console's own token";
    WindowHour => "window_hour", "radar: what expires in the next hour";
    WindowDay => "window_day", "radar: what expires in the next day";
    WindowWeek => "window_week", "radar: what expires in the next week";
    PrevBucket => "prev_bucket", "radar: the bucket before (from the first: the whole window)";
    NextBucket => "next_bucket", "radar: the next time bucket (drill down into its items)";
    LoginMethod => "login_method", "switch the login method: token, userpass, approle";
    TogglePrefix => "toggle_prefix", "fold or unfold the selected lease prefix";
    RenewLease => "renew_lease", "renew the selected lease (asks for the increment, e.g. 1h)";
    RevokeLease => "revoke_lease", "revoke the selected lease";
    RevokePrefix => "revoke_prefix", "revoke every lease below the selected prefix (typed confirmation with the count)";
    ForceRevokePrefix => "force_revoke_prefix", "force-revoke the prefix: ignores backend errors (typed confirmation)";
    ToggleSync => "toggle_sync", "switch sync on or off for lease revocations (off: 202, in the background)";
    TidyLeases => "tidy_leases", "tidy the lease store (sys/leases/tidy)";
    UnsealTarget => "unseal_target", "unseal: submit shares to the selected node, or to every sealed node";
    UnsealReset => "unseal_reset", "unseal: reset the selected node's unseal round (progress back to 0)";
    HolderMode => "holder_mode", "unseal: holder mode on or off (the screen clears between key holders)";
    SaveCeremonyLog => "save_ceremony_log", "unseal: save the ceremony log to a file (no shares in it)";
    StartRootGeneration => "start_root_generation", "start root generation with a console-made OTP";
    StartRootGenerationPgp => "start_root_generation_pgp", "start root generation with a PGP public key";
    CancelRootGeneration => "cancel_root_generation", "cancel the root generation in progress";
    StartInit => "start_init", "init: initialise the cluster with the form's shares (confirmed)";
    ConfirmReceipt => "confirm_receipt", "the selected holder took their secret (wipes it)";
    OpenUnseal => "open_unseal", "open the unseal ceremony (:unseal)";
    StartRekey => "start_rekey", "rekey: start with the form's new shares (typed confirmation)";
    CancelRekey => "cancel_rekey", "rekey: cancel the rekey in progress";
    ToggleVerification => "toggle_verification", "rekey: verify the new shares before they apply, on or off";
    SaveSnapshot => "save_snapshot", "raft: save a snapshot of the active node to a file (0600; size and SHA-256)";
    RestoreSnapshot => "restore_snapshot", "raft: restore a snapshot file to the active node (typed confirmation)";
    ForceRestoreSnapshot => "force_restore_snapshot", "raft: force-restore another cluster's snapshot (every node seals; its keys apply)";
    RemovePeer => "remove_peer", "raft: remove the selected peer from the raft configuration (typed confirmation)";
    PromotePeer => "promote_peer", "raft: promote the selected peer to a voter (autopilot applies it)";
    DemotePeer => "demote_peer", "raft: demote the selected peer to a non-voter (autopilot applies it)";
    Capabilities => "capabilities", "policies: why can't I read this? the capabilities on a path (own or a given token) and the rules that decide";
    NewPolicy => "new_policy", "policies: create a policy (edited in memory, diff before saving)";
    DeletePolicy => "delete_policy", "policies: delete the selected policy (typed confirmation; not root or default)";
    ToggleFollow => "toggle_follow", "audit: follow the live logs (new entries appear as they are written), on or off";
    AuditFilters => "audit_filters", "audit: the filter form (time window, path, operations, identity, address) for a new scan";
    DeniedOnly => "denied_only", "audit: only denied requests, on or off (a new scan)";
    ErrorsOnly => "errors_only", "audit: only requests with an error, on or off (a new scan)";
    AuditHash => "audit_hash", "audit: find a plain value (token, accessor, secret) by its HMAC; never shown";
    AnomalySignals => "anomaly_signals", "audit: the anomaly signals of the loaded rows (enter shows a signal's evidence)";
    AuditReport => "audit_report", "audit: write a compliance report (md, csv or json) over the current filters";
    SkipStep => "skip_step", "runbook: skip the current step (asks a reason, journaled)";
    RetryStep => "retry_step", "runbook: plan a failed or uncertain step again (nothing repeats by itself)";
    MarkStepDone => "mark_step_done", "runbook: an uncertain step was checked on the server and is done";
    OpenStepCommand => "open_step_command", "runbook: open the screen the manual step names (e.g. :rekey)";
    CopyNotify => "copy_notify", "runbook: copy the notify step's prepared message";
    ExportReport => "export_report", "runbook: write the Markdown incident report (state dir, 0600)";
    PauseLog => "pause_log", "logs: pause the view (lines keep arriving, counted in the header); again to resume";
    FollowLog => "follow_log", "logs: follow the newest lines again (scrolling up stops following)";
    LogLevel => "log_level", "logs: the next level (trace, debug, info, warn, error); restarts the stream";
    LogNode => "log_node", "logs: the next configured node of the cluster; restarts the stream";
    ReopenLog => "reopen_log", "logs: open the stream again (after a restore or step-down closed it)";
    FleetSort => "fleet_sort", "fleet: sort the rows by name, then by state (worst first), then by data age";
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
