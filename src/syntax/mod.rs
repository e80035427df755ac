//! Text to syntax tree. The grammar in `grammar/treaty.pest` decides what parses; this
//! module builds an owned AST with byte spans (no pest types escape it) and turns pest
//! errors into diagnostics. Invariants: input nesting is bounded (`MAX_NESTING`,
//! `MAX_FORMULA_DEPTH`), so later recursive walks cannot overflow the stack; a file with a
//! syntax error yields no AST, only diagnostics.
//!
//! Parts: `grammar` (the generated pest parser), `parse` (pest pairs to `ast`), `errors`
//! (syntax errors in the reader's words, and error recovery), `keywords` (the one list of
//! the language's words, checked against the grammar), `format` (the canonical layout of
//! `treaty fmt`).

pub mod ast;
mod errors;
mod format;
mod grammar;
pub mod keywords;
mod parse;

pub use format::{format_file, format_source};
pub use keywords::{Keyword, KEYWORDS};
pub use parse::{parse_source, MAX_FORMULA_DEPTH, MAX_NESTING};
