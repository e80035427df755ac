//! Renders `Diagnostic`s like rustc does (message, `file:line:column`, the source line
//! with the span underlined, `help:`), through miette. Output is deterministic: a fixed
//! width, no hyperlinks, and colour only when asked for.
//!
//! miette never sees a line longer than `MAX_SHOWN_LINE` characters (its column widths
//! panic past 65,535): a diagnostic with such a line among the lines it would show is
//! drawn by a plain renderer that cuts each line around its label.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use crate::diag::Diagnostic;
use crate::model::{FileId, Loc, SourceFile};

/// Width the renderer wraps at; fixed so that output is the same on every terminal.
const WIDTH: usize = 100;

/// Lines longer than this are shown cut, by a plain renderer, rather than in full.
const MAX_SHOWN_LINE: usize = 160;

/// Characters of a long line shown around a label, and before it.
const SHOWN_AROUND: usize = 100;
const SHOWN_BEFORE: usize = 40;

/// Longest label text shown; a longer one (it may quote a long name) is cut.
const MAX_LABEL: usize = 160;

#[derive(Debug)]
struct Rendered {
    message: String,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
}

/// A file with the byte offset of each of its lines, computed once, so that finding the
/// line of an offset is a binary search instead of a scan from the start of the file.
struct Lines<'a> {
    file: &'a SourceFile,
    /// Offset of the first byte of each line (after each `\n`); `starts[0] == 0`.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(file: &'a SourceFile) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(
            file.text
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { file, starts }
    }

    /// 0-based line of a byte offset (clamped to the text).
    fn line_of(&self, offset: usize) -> usize {
        let offset = floor_char_boundary(&self.file.text, offset.min(self.file.text.len()));
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// 1-based line and column (in characters) of a byte offset, as `SourceFile::line_col`.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = &self.file.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let col = text[self.starts[line]..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// The text of the 0-based line `line`, without its newline (nor a `\r` before it).
    fn text(&self, line: usize) -> &'a str {
        let text = &self.file.text;
        let Some(&start) = self.starts.get(line) else {
            return "";
        };
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        text.get(start..end).unwrap_or("").trim_end_matches('\r')
    }

    /// Whether the 0-based line `line` is longer than `MAX_SHOWN_LINE` characters.
    fn is_long(&self, line: usize) -> bool {
        let text = self.text(line);
        text.len() > MAX_SHOWN_LINE && text.chars().count() > MAX_SHOWN_LINE
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `s` cut to at most `max` characters, ending with `...` when it was cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(3)).collect();
        out.push_str("...");
        out
    }
}

/// The places of a diagnostic in its own file: the primary span first, then the related
/// ones in that file; each with its label.
fn places_in_file(d: &Diagnostic, loc: Loc) -> Vec<(Loc, Option<&str>)> {
    let mut places = vec![(loc, d.label.as_deref())];
    places.extend(
        d.related
            .iter()
            .filter(|(rel, _)| rel.file == loc.file)
            .map(|(rel, text)| (*rel, Some(text.as_str()))),
    );
    places
}

/// Whether miette would show a line longer than `MAX_SHOWN_LINE`: any line from the one
/// before the first label to the one after the last.
fn has_long_line(lines: &Lines, places: &[(Loc, Option<&str>)]) -> bool {
    let first = places
        .iter()
        .map(|(l, _)| lines.line_of(l.span.start))
        .min()
        .unwrap_or(0);
    let last = places
        .iter()
        .map(|(l, _)| lines.line_of(l.span.end.max(l.span.start)))
        .max()
        .unwrap_or(0);
    let last = (last + 1).min(lines.starts.len().saturating_sub(1));
    (first.saturating_sub(1)..=last).any(|l| lines.is_long(l))
}

/// Notes for related places in other files (`first declared here: file:line:column`),
/// appended to the help.
fn help_with_notes(files: &[SourceFile], d: &Diagnostic, own: FileId) -> Option<String> {
    let mut help = d.help.clone();
    for (rel, text) in &d.related {
        if rel.file == own {
            continue;
        }
        let Some(f) = files.get(rel.file) else {
            continue;
        };
        let (l, c) = Lines::new(f).line_col(rel.span.start);
        let note = format!("{text}: {}:{l}:{c}", f.display);
        help = Some(match help {
            Some(h) => format!("{h}\n{note}"),
            None => note,
        });
    }
    help
}

/// A compact rendering for a diagnostic that shows a very long line (generated input,
/// minified files): each place's line cut around it, a caret under its start.
fn render_plain(files: &[SourceFile], lines: &Lines, d: &Diagnostic, loc: Loc) -> String {
    let places = places_in_file(d, loc);
    let at: Vec<(usize, usize)> = places
        .iter()
        .map(|(l, _)| lines.line_col(l.span.start))
        .collect();
    let gutter = at
        .iter()
        .map(|(line, _)| line.to_string().len())
        .max()
        .unwrap_or(1);
    let display = &lines.file.display;
    let mut out = format!("error: {}\n", d.message);
    for (k, ((line, col), (_, label))) in at.iter().zip(&places).enumerate() {
        let (line, col) = (*line, *col);
        let arrow = if k == 0 { "-->" } else { ":::" };
        out.push_str(&format!("{:gutter$}{arrow} {display}:{line}:{col}\n", ""));
        let text = lines.text(line - 1);
        let from = col.saturating_sub(SHOWN_BEFORE).max(1);
        let shown: String = text.chars().skip(from - 1).take(SHOWN_AROUND).collect();
        let cut_after = text.chars().count() > from - 1 + SHOWN_AROUND;
        out.push_str(&format!(
            "{line:>gutter$} | {}{shown}{}\n",
            if from > 1 { "... " } else { "" },
            if cut_after { " ..." } else { "" }
        ));
        let pad = col - from + if from > 1 { 4 } else { 0 };
        let label = match label {
            Some(l) if !l.is_empty() => format!(" {}", shorten(l, MAX_LABEL)),
            _ => String::new(),
        };
        out.push_str(&format!("{:gutter$} | {}^{label}\n", "", " ".repeat(pad)));
    }
    if let Some(h) = help_with_notes(files, d, loc.file) {
        out.push_str(&format!("  help: {h}\n"));
    }
    out
}

/// Renders one diagnostic to text (ending with a newline).
pub fn render(files: &[SourceFile], d: &Diagnostic, color: bool) -> String {
    let mut labels = Vec::new();
    let mut source = None;
    let mut help = d.help.clone();
    if let Some(loc) = d.loc {
        let Some(file) = files.get(loc.file) else {
            return format!("error: {}\n", d.message);
        };
        let lines = Lines::new(file);
        let places = places_in_file(d, loc);
        if has_long_line(&lines, &places) {
            return render_plain(files, &lines, d, loc);
        }
        source = Some(NamedSource::new(file.display.clone(), file.text.clone()));
        for (k, (place, label)) in places.iter().enumerate() {
            let start = place.span.start.min(file.text.len());
            let len = place.span.end.saturating_sub(place.span.start);
            let label = label.map(|l| shorten(l, MAX_LABEL));
            labels.push(if k == 0 {
                LabeledSpan::new_primary_with_span(label, (start, len))
            } else {
                LabeledSpan::new_with_span(label, (start, len))
            });
        }
        help = help_with_notes(files, d, loc.file);
    }
    let r = Rendered {
        message: d.message.clone(),
        source,
        labels,
        help,
    };
    let mut theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Say "error:" where miette draws "×", as compilers do, so that logs grep well.
    theme.characters.error = "error:".into();
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        // Never split a path or a name across lines, not even at a hyphen.
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, &r).is_err() {
        // Rendering only fails on a span outside its source; fall back to plain text.
        out = format!("error: {}\n", d.message);
    }
    // miette indents the first line by two spaces; a compiler's "error:" starts the line.
    let out = out.strip_prefix("  ").map_or(out.clone(), str::to_string);
    if out.ends_with('\n') {
        out
    } else {
        out + "\n"
    }
}

/// Renders all diagnostics and a closing count.
pub fn render_all(files: &[SourceFile], diags: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render(files, d, color));
        out.push('\n');
    }
    let n = diags.len();
    out.push_str(&format!(
        "error: {n} problem{} found; nothing was analysed\n",
        if n == 1 { "" } else { "s" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            display: "t.treaty".into(),
            text: text.into(),
        }
    }

    fn at(start: usize, end: usize) -> Loc {
        Loc {
            file: 0,
            span: Span { start, end },
        }
    }

    #[test]
    fn lines_agree_with_the_source_file() {
        let f = file("ab\r\ncé\n\nxyz");
        let lines = Lines::new(&f);
        for offset in 0..=f.text.len() + 2 {
            assert_eq!(
                lines.line_col(offset),
                f.line_col(offset),
                "offset {offset}"
            );
        }
        for line in 1..=5 {
            assert_eq!(lines.text(line - 1), f.line_text(line), "line {line}");
        }
    }

    /// Long words in the message, the label and the help, and labels far to the right:
    /// no panic, and no rendered line is longer than a cut source line.
    #[test]
    fn long_lines_labels_and_words_do_not_panic() {
        let long = "x".repeat(70_000);
        let text = format!("actor A \"{long}\" actor B \"y\"\nactor B \"z\"\nactor C \"w\"\n");
        let f = file(&text);
        let b2 = text.find("actor B \"z\"").unwrap_or(0);
        let b1 = text.find("actor B \"y\"").unwrap_or(0);
        let c = text.find("actor C").unwrap_or(0);
        let cases = [
            Diagnostic::error("twice", at(b2, b2 + 5)).with_related(at(b1, b1 + 5), "first"),
            Diagnostic::error("twice", at(b1, b1 + 5)).with_related(at(b2, b2 + 5), "second"),
            Diagnostic::error(format!("message `{long}`"), at(c, c + 5))
                .with_label(long.clone())
                .with_help(format!("help `{long}`")),
            Diagnostic::error("spans lines", at(0, c)).with_label("all of it"),
        ];
        for d in &cases {
            let out = render(std::slice::from_ref(&f), d, false);
            assert!(out.starts_with("error: "), "{out}");
        }
        let out = render(std::slice::from_ref(&f), &cases[0], false);
        assert!(out.contains("t.treaty:2:1"), "{out}");
        assert!(out.contains("::: t.treaty:1:70012"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
    }
}
