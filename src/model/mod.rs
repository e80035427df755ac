//! Names resolved, types checked: the `Model` every analysis reads (plain data, see
//! `types` for its invariants), built from syntax trees by `resolve`.

pub mod eval;
mod types;

pub use types::*;
