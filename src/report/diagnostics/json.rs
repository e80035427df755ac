//! `--error-format json`: diagnostics as one JSON document on stderr (version 1), for
//! editors and CI. Each diagnostic gives its code, severity, message, help, file, labels
//! (the primary place first, then related places) with byte spans and 1-based
//! line/column (columns in characters, as the human rendering), and the primary line's
//! text. The same facts as the human rendering, in the same order.

use serde::Serialize;

use super::{Lines, Sources};
use crate::diag::Diagnostic;
use crate::model::{Loc, SourceFile};

/// The version of the errors document; bumped on any incompatible change.
pub const VERSION: u32 = 1;

/// A source line longer than this (in bytes) is given as `null` in `source_line`.
const MAX_SOURCE_LINE: usize = 1000;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ErrorsDoc {
    pub version: u32,
    pub diagnostics: Vec<DiagnosticOut>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DiagnosticOut {
    /// `E0101`: `treaty explain E0101` says more.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    pub message: String,
    pub help: Option<String>,
    /// The file of the primary place; `null` for a problem with no place in a file.
    pub file: Option<String>,
    /// The primary place first (labelled or not), then related places.
    pub labels: Vec<LabelOut>,
    /// The text of the primary place's first line; `null` without a place or when that
    /// line is over 1,000 bytes.
    pub source_line: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LabelOut {
    pub message: Option<String>,
    /// The file of this place (a related place may be in another file).
    pub file: String,
    pub span: SpanOut,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Byte offsets into the file, end exclusive.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SpanOut {
    pub start: usize,
    pub end: usize,
}

fn label(lines: &Lines, loc: Loc, message: Option<&str>) -> LabelOut {
    let (line, column) = lines.line_col(loc.span.start);
    let (end_line, end_column) = lines.line_col(loc.span.end.max(loc.span.start));
    LabelOut {
        message: message.map(str::to_string),
        file: lines.file.display.clone(),
        span: SpanOut {
            start: loc.span.start,
            end: loc.span.end,
        },
        line,
        column,
        end_line,
        end_column,
    }
}

fn one(sources: &Sources, d: &Diagnostic) -> DiagnosticOut {
    let mut out = DiagnosticOut {
        code: d.code.id().to_string(),
        severity: d.severity().as_str().to_string(),
        message: d.message.clone(),
        help: d.help.clone(),
        file: None,
        labels: Vec::new(),
        source_line: None,
    };
    if let Some(loc) = d.loc {
        if let Some(lines) = sources.lines(loc.file) {
            out.file = Some(lines.file.display.clone());
            out.labels.push(label(lines, loc, d.label.as_deref()));
            let text = lines.text(lines.line_of(loc.span.start));
            out.source_line = (text.len() <= MAX_SOURCE_LINE).then(|| text.to_string());
        }
    }
    for (rel, text) in &d.related {
        if let Some(lines) = sources.lines(rel.file) {
            out.labels.push(label(lines, *rel, Some(text)));
        }
    }
    out
}

/// Every diagnostic (all of them, not only the first `MAX_SHOWN`) as wire types.
pub fn diagnostics(files: &[SourceFile], diags: &[Diagnostic]) -> Vec<DiagnosticOut> {
    let sources = Sources::new(files);
    diags.iter().map(|d| one(&sources, d)).collect()
}

/// The document printed on stderr.
pub fn doc(diagnostics: Vec<DiagnosticOut>) -> ErrorsDoc {
    ErrorsDoc {
        version: VERSION,
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::model::Span;

    #[test]
    fn places_are_lines_and_characters() {
        let f = SourceFile::new("t.treaty", "actor A \"é\"\nfact x = 1\n");
        let at = |start, end| Loc {
            file: 0,
            span: Span { start, end },
        };
        let eq = f.text.find('=').unwrap_or(0);
        let d = Diagnostic::error(Code::SingleEquals, "m", at(eq, eq + 1))
            .with_label("write `==` here")
            .with_related(at(0, 5), "first");
        let out = diagnostics(std::slice::from_ref(&f), &[d]);
        assert_eq!(out.len(), 1);
        let o = &out[0];
        assert_eq!(o.code, "E0104");
        assert_eq!(o.file.as_deref(), Some("t.treaty"));
        assert_eq!(o.source_line.as_deref(), Some("fact x = 1"));
        assert_eq!((o.labels[0].line, o.labels[0].column), (2, 8));
        assert_eq!((o.labels[0].end_line, o.labels[0].end_column), (2, 9));
        assert_eq!(o.labels[1].message.as_deref(), Some("first"));
        assert_eq!((o.labels[1].line, o.labels[1].column), (1, 1));
        let bare = diagnostics(&[], &[Diagnostic::bare(Code::GaveUp, "gave up")]);
        assert_eq!(bare[0].file, None);
        assert!(bare[0].labels.is_empty());
    }
}
