//! Text to syntax tree. The grammar in `grammar/treaty.pest` decides what parses; this
//! module builds an owned AST with byte spans (no pest types escape it) and turns pest
//! errors into diagnostics. Invariants: input nesting is bounded (`MAX_NESTING`,
//! `MAX_FORMULA_DEPTH`), so later recursive walks cannot overflow the stack; a file with a
//! syntax error yields no AST, only diagnostics.

pub mod ast;
mod parse;

pub use parse::{parse_source, MAX_FORMULA_DEPTH, MAX_NESTING};
