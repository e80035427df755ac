//! Source positions: which file (`FileId`), which byte range (`Span`), both together
//! (`Loc`), and the loaded text they point into (`SourceFile`).
//!
//! The bottom layer of the crate: it imports nothing from the crate, and every other layer
//! (syntax, diagnostics, model, analyses, reports) may use it. Invariants: spans are byte
//! offsets into `SourceFile::text` with `start <= end`; the accessors here never panic on a
//! span or offset past the end or inside a UTF-8 character (they clamp or return "").

use serde::Serialize;

/// Index of a loaded source file in `Model::files`.
pub type FileId = usize;

/// A byte range in one source file.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    schemars::JsonSchema,
    Default,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Where something was written: a file and a byte range in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

/// A loaded source file. `display` is the path as the user should read it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub display: String,
    pub text: String,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    /// The text of the 1-based line `line`, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        self.text
            .split('\n')
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// The largest character boundary of `text` at or before `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
