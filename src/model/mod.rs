//! Names resolved, types checked: the `Model` every analysis reads (plain data, see
//! `types` for its invariants). `load` reads files and follows `use`; `resolve` turns
//! their syntax trees into the model, collecting every error.

pub mod display;
pub mod eval;
mod load;
mod resolve;
mod types;

pub use load::{display_path, load_files, load_text, Loaded};
pub use resolve::resolve;
pub use types::*;

use crate::diag::Diagnostic;

/// Loads, parses and resolves; on any error, every diagnostic found, with the files
/// (needed to render them).
pub fn build(loaded: Loaded) -> Result<Model, (Vec<SourceFile>, Vec<Diagnostic>)> {
    if !loaded.diagnostics.is_empty() {
        return Err((loaded.files, loaded.diagnostics));
    }
    let files = loaded.files.clone();
    resolve(loaded.files, &loaded.asts).map_err(|d| (files, d))
}
