//! `treaty`: checks whether a treaty draft can work.
//!
//! The pipeline runs one way: text -> syntax tree (`syntax`) -> resolved model (`model`)
//! -> analyses (`voting` without a solver, `solve` with Z3) -> report (`report`).
//!
//! Modules import only from layers below their own, in this order: `source` (positions in
//! files), `diag` (diagnostics), `syntax`, `model`, `voting`, `solve` (Z3), `budget` (the
//! one "gave up" type), `analysis`, `expect`, `report`; the binary, `main.rs`, above them
//! all. ARCHITECTURE.md has the code map and what this surface promises.

// The unit tests share the brute-force oracle of the integration tests
// (tests/brute/mod.rs), which names this crate `treaty`.
#[cfg(test)]
extern crate self as treaty;

pub mod analysis;
pub mod budget;
pub mod diag;
pub mod expect;
pub mod files;
pub mod fmt;
pub mod lsp;
pub mod model;
pub mod report;
pub mod solve;
pub mod source;
pub mod syntax;
pub mod voting;

use std::path::PathBuf;

use diag::Diagnostic;
use model::Model;
use source::SourceFile;

/// Loads the files (and their imports), parses and resolves them. On failure: the files
/// read (to render diagnostics against) and every problem found.
pub fn load(paths: &[PathBuf]) -> Result<Model, (Vec<SourceFile>, Vec<Diagnostic>)> {
    model::build(model::load_files(paths))
}

/// Loads source text given directly (no file system, except for its `use` imports).
pub fn load_str(display: &str, text: &str) -> Result<Model, (Vec<SourceFile>, Vec<Diagnostic>)> {
    model::build(model::load_text(display, text))
}

/// `treaty --version`: this crate's version and the linked Z3's.
pub fn version_text() -> String {
    format!("{} (Z3 {})", env!("CARGO_PKG_VERSION"), solve::z3_version())
}
