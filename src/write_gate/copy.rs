//! What a copy or a move of secrets says about itself in the gate.

use super::{MutationSpec, Risk, capitalise, shown};

/// A copy or move: "copy 12 secrets (36 versions) to kv/new/"; a move needs "move 12 secrets"
/// typed.
pub(super) fn copy_spec(plan: &crate::jobs::copy::CopyPlan, delete_source: bool) -> MutationSpec {
    let n = plan.copy_count();
    let noun = if n == 1 { "secret" } else { "secrets" };
    let verb = if delete_source { "move" } else { "copy" };
    let dst = shown(&plan.dst_label);
    let mut description = format!(
        "{} {n} {noun} ({} versions) from {} to {dst}",
        capitalise(verb),
        plan.version_count(),
        shown(&plan.src_label)
    );
    if plan.conflicts() > 0 {
        description += &format!("; {} existing targets are skipped", plan.conflicts());
    }
    description += if delete_source {
        ". Each copy is read back and compared; only then are the sources deleted (every version and the metadata)."
    } else {
        ". Each copy is read back and compared."
    };
    MutationSpec {
        summary: format!("{verb} {n} {noun} to {dst}"),
        description,
        name: if delete_source {
            "moving secrets"
        } else {
            "copying secrets"
        },
        risk: if delete_source {
            Risk::Typed(format!("move {n} {noun}"))
        } else {
            Risk::Confirm
        },
        item: format!("{} → {dst}", shown(&plan.src_label)),
        batch_words: (verb, "secret"),
    }
}
