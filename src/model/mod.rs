//! Names resolved, types checked: the `Model` every analysis reads (plain data, see
//! `types` for its invariants). `load` reads files and follows `use`; `resolve` turns
//! their syntax trees into the model, collecting every error. `synth` builds models in
//! Rust, without source text, for tests, benchmarks and tools.

pub mod display;
pub mod eval;
pub mod library;
pub mod literals;
mod load;
mod lookup;
pub mod names;
mod resolve;
pub mod scenario;
pub mod synth;
mod types;

pub use load::{
    display_path, load_files, load_files_in, load_text, search_path, Loaded, MAX_IMPORT_DEPTH,
    SEARCH_PATH_VAR,
};
pub use resolve::resolve;
pub use types::*;

// Source positions live in `crate::source` (below every layer); re-exported so that users
// of the model find them here too.
pub use crate::source::{FileId, Loc, SourceFile, Span};
// Small enums that the syntax tree defines and the model keeps as they are.
pub use crate::syntax::ast::{CmpOp, CountUnit, StanceKind, VarType};

use crate::diag::{Code, Diagnostic};

/// Loads, parses and resolves; on any error, every diagnostic found, with the files
/// (needed to render them).
pub fn build(loaded: Loaded) -> Result<Model, (Vec<SourceFile>, Vec<Diagnostic>)> {
    let mut diagnostics = loaded.diagnostics;
    for (file, ast) in &loaded.asts {
        if ast.items.is_empty() {
            let name = &loaded.files[*file].display;
            diagnostics.push(
                Diagnostic::error(
                    Code::DeclaresNothing,
                    format!("`{name}` declares nothing"),
                    Loc {
                        file: *file,
                        span: Span { start: 0, end: 0 },
                    },
                )
                .with_label("no declarations in this file")
                .with_help("a treaty file declares actors, bodies, variables, treaties or positions; is this the right file?"),
            );
        }
    }
    if !diagnostics.is_empty() {
        return Err((loaded.files, diagnostics));
    }
    let files = loaded.files.clone();
    let mut model = resolve(loaded.files, &loaded.asts).map_err(|d| (files.clone(), d))?;
    // Scenarios are resolved once, here, so that their errors stop every command.
    model.syntax = std::sync::Arc::new(loaded.asts);
    scenario::resolve_all(&mut model).map_err(|d| (files, d))?;
    Ok(model)
}
