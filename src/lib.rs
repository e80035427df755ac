//! `treaty`: checks whether a treaty draft can work.
//!
//! The pipeline runs one way: text -> syntax tree (`syntax`) -> resolved model (`model`)
//! -> analyses (`voting` without a solver, `solve` with Z3) -> report (`report`).

pub mod model;
pub mod report;
pub mod voting;
