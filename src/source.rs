//! Source positions: which file (`FileId`), which byte range (`Span`), both together
//! (`Loc`), and the loaded text they point into (`SourceFile`).
//!
//! The bottom layer of the crate: it imports nothing from the crate, and every other layer
//! (syntax, diagnostics, model, analyses, reports) may use it. Invariants: spans are byte
//! offsets into `SourceFile::text` with `start <= end`; the accessors here never panic on a
//! span or offset past the end or inside a UTF-8 character (they clamp or return "").

use std::sync::OnceLock;

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

/// A loaded source file. `display` is the path as the user should read it. Made with
/// `SourceFile::new`; the text does not change afterwards (the line index is built from it
/// on first use).
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub display: String,
    pub text: String,
    /// Byte offset of the start of each line, built on the first line/column question, so
    /// that each is a binary search instead of a scan from the start of the file.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(display: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            display: display.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(
                    self.text
                        .bytes()
                        .enumerate()
                        .filter(|&(_, b)| b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect()
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = self.line_starts();
        // The number of lines starting at or before `offset` (the first starts at 0).
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let line_start = starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .text
            .get(line_start..offset)
            .map_or(0, |t| t.chars().count())
            + 1;
        (line, col)
    }

    /// The text of the 1-based line `line`, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = starts
            .get(line.saturating_sub(1) + 1)
            .map_or(self.text.len(), |&next| next - 1);
        self.text
            .get(start..end)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers as the scan from the start of the file it replaced.
    #[test]
    fn line_index_agrees_with_a_scan() {
        fn scan_line_col(text: &str, offset: usize) -> (usize, usize) {
            let offset = offset.min(text.len());
            let before = &text[..floor_char_boundary(text, offset)];
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            (line, before[line_start..].chars().count() + 1)
        }
        fn scan_line_text(text: &str, line: usize) -> &str {
            text.split('\n')
                .nth(line.saturating_sub(1))
                .unwrap_or("")
                .trim_end_matches('\r')
        }
        for text in [
            "",
            "\n",
            "a",
            "ab\ncd",
            "é€x\r\n\nz\n",
            "x\n\n€\n",
            "\r\n\r\n",
        ] {
            let f = SourceFile::new("t", text);
            for offset in 0..text.len() + 3 {
                assert_eq!(
                    f.line_col(offset),
                    scan_line_col(text, offset),
                    "{text:?} {offset}"
                );
            }
            for line in 0..6 {
                assert_eq!(
                    f.line_text(line),
                    scan_line_text(text, line),
                    "{text:?} {line}"
                );
            }
        }
    }
}
