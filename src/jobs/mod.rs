//! Long work with progress and cancel. The KV walker is independent of the job plumbing.

pub mod walk;
