//! Renders `Diagnostic`s like rustc does (message, `file:line:column`, the source line
//! with the span underlined, `help:`), through miette. Output is deterministic: a fixed
//! width, no hyperlinks, and colour only when asked for.
//!
//! miette never sees a line longer than `MAX_SHOWN_LINE` characters (its column widths
//! panic past 65,535): a diagnostic with such a line among the lines it would show is
//! drawn by a plain renderer that cuts each line around its label.
//!
//! Cost: each file gets a line index once; a diagnostic then reads only the lines it shows
//! (miette is given a view of the file, not a copy, that answers from the index), and
//! past `MAX_SHOWN` diagnostics the rest are only counted. So rendering is linear in the
//! size of the files, however many problems they have.

use std::cell::OnceCell;
use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

pub mod json;

use super::shorten;
use crate::diag::{Diagnostic, Severity, MAX_SHOWN};
use crate::model::{FileId, Loc, SourceFile};
use crate::source::floor_char_boundary;

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
struct Rendered<'a> {
    severity: miette::Severity,
    message: String,
    source: Option<View<'a>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

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
#[derive(Debug)]
struct Lines<'a> {
    file: &'a SourceFile,
    /// Offset of the first byte of each line (after each `\n`); `starts[0] == 0`.
    starts: Vec<usize>,
    /// The same as miette counts lines (a lone `\r` ends one too), when that differs.
    miette_starts: Option<Vec<usize>>,
}

impl<'a> Lines<'a> {
    fn new(file: &'a SourceFile) -> Lines<'a> {
        let bytes = file.text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        let miette_starts = (0..bytes.len()).any(lone_cr).then(|| {
            let mut m = vec![0];
            m.extend(
                (0..bytes.len())
                    .filter(|&i| bytes[i] == b'\n' || lone_cr(i))
                    .map(|i| i + 1),
            );
            m
        });
        Lines {
            file,
            starts,
            miette_starts,
        }
    }

    /// Line starts as miette counts them.
    fn miette_starts(&self) -> &[usize] {
        self.miette_starts.as_deref().unwrap_or(&self.starts)
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

/// The files of a run, each with its line index, built when first needed.
struct Sources<'a> {
    files: &'a [SourceFile],
    lines: Vec<OnceCell<Lines<'a>>>,
}

impl<'a> Sources<'a> {
    fn new(files: &'a [SourceFile]) -> Sources<'a> {
        Sources {
            files,
            lines: files.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    fn lines(&self, file: FileId) -> Option<&Lines<'a>> {
        let f = self.files.get(file)?;
        Some(self.lines.get(file)?.get_or_init(|| Lines::new(f)))
    }
}

/// What miette reads a file through: each `read_span` runs miette's own reading on the
/// few lines around the span (found with the line index) and shifts the answer back to
/// file offsets and line numbers, so the result is the same as on the whole text, at the
/// cost of the lines shown.
#[derive(Debug)]
struct View<'a> {
    lines: &'a Lines<'a>,
}

impl SourceCode for View<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.lines.file.text.as_bytes();
        let starts = self.lines.miette_starts();
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = span.offset();
        let last = start + span.len().saturating_sub(1);
        if last > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // From one line before the first context line (so that an empty span never starts
        // the window, where miette's `offset + len - 1` would differ) to two lines past the
        // last context line: miette stops reading within that.
        let first = line_of(start).saturating_sub(context_lines_before + 1);
        let end_line = line_of(last) + context_lines_after + 2;
        let from = starts[first];
        let to = starts.get(end_line + 1).copied().unwrap_or(text.len());
        let window = &text[from..to];
        let inner = window.read_span(
            &SourceSpan::new((start - from).into(), span.len()),
            context_lines_before,
            context_lines_after,
        )?;
        let data: &'b [u8] = inner.data();
        Ok(Box::new(MietteSpanContents::new_named(
            self.lines.file.display.clone(),
            data,
            SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
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
fn help_with_notes(sources: &Sources, d: &Diagnostic, own: FileId) -> Option<String> {
    let mut help = d.help.clone();
    for (rel, text) in &d.related {
        if rel.file == own {
            continue;
        }
        let Some(lines) = sources.lines(rel.file) else {
            continue;
        };
        let (l, c) = lines.line_col(rel.span.start);
        let note = format!("{text}: {}:{l}:{c}", lines.file.display);
        help = Some(match help {
            Some(h) => format!("{h}\n{note}"),
            None => note,
        });
    }
    help
}

/// A compact rendering for a diagnostic that shows a very long line (generated input,
/// minified files): each place's line cut around it, a caret under its start.
fn render_plain(sources: &Sources, lines: &Lines, d: &Diagnostic, loc: Loc) -> String {
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
    let mut out = format!("{} {}\n", head(d), d.message);
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
            Some(l) if !l.is_empty() => format!(" {}", shorten(l, MAX_LABEL, "...")),
            _ => String::new(),
        };
        out.push_str(&format!("{:gutter$} | {}^{label}\n", "", " ".repeat(pad)));
    }
    if let Some(h) = help_with_notes(sources, d, loc.file) {
        out.push_str(&format!("  help: {h}\n"));
    }
    out
}

/// Renders one diagnostic to text (ending with a newline).
pub fn render(files: &[SourceFile], d: &Diagnostic, color: bool) -> String {
    render_in(&Sources::new(files), d, color)
}

fn render_in(sources: &Sources, d: &Diagnostic, color: bool) -> String {
    let mut labels = Vec::new();
    let mut source = None;
    let mut help = d.help.clone();
    if let Some(loc) = d.loc {
        let Some(lines) = sources.lines(loc.file) else {
            return format!("{} {}\n", head(d), d.message);
        };
        let file = lines.file;
        let places = places_in_file(d, loc);
        if has_long_line(lines, &places) {
            return render_plain(sources, lines, d, loc);
        }
        source = Some(View { lines });
        for (k, (place, label)) in places.iter().enumerate() {
            let start = place.span.start.min(file.text.len());
            let len = place.span.end.saturating_sub(place.span.start);
            let label = label.map(|l| shorten(l, MAX_LABEL, "..."));
            labels.push(if k == 0 {
                LabeledSpan::new_primary_with_span(label, (start, len))
            } else {
                LabeledSpan::new_with_span(label, (start, len))
            });
        }
        help = help_with_notes(sources, d, loc.file);
    }
    let r = Rendered {
        severity: match d.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
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
    // Say "error[E0101]:" where miette draws "×", as compilers do, so that logs grep well.
    theme.characters.error = head(d);
    theme.characters.warning = head(d);
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
        out = format!("{} {}\n", head(d), d.message);
    }
    // miette indents the first line by two spaces; a compiler's "error:" starts the line.
    let out = out.strip_prefix("  ").map_or(out.clone(), str::to_string);
    if out.ends_with('\n') {
        out
    } else {
        out + "\n"
    }
}

/// Renders the first `MAX_SHOWN` diagnostics and a closing count of all of them.
pub fn render_all(files: &[SourceFile], diags: &[Diagnostic], color: bool) -> String {
    let sources = Sources::new(files);
    let mut out = String::new();
    for d in diags.iter().take(MAX_SHOWN) {
        out.push_str(&render_in(&sources, d, color));
        out.push('\n');
    }
    let n = diags.len();
    let shown = if n > MAX_SHOWN {
        format!(" (the first {MAX_SHOWN} shown)")
    } else {
        String::new()
    };
    out.push_str(&format!(
        "error: {} problem{} found{shown}; nothing was analysed\n",
        thousands(n),
        if n == 1 { "" } else { "s" }
    ));
    if let Some(first) = diags.first() {
        let code = first.code.id();
        out.push_str(&format!(
            "for more about an error code, run `treaty explain {code}`\n"
        ));
    }
    out
}

/// `error[E0101]:` (or `warning[E0902]:`): the severity and the code, as compilers say them.
fn head(d: &Diagnostic) -> String {
    format!("{}[{}]:", d.severity().as_str(), d.code.id())
}

/// `n` with `,` between groups of three digits: `100,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::model::Span;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t.treaty", text)
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

    /// The view answers every `read_span` exactly as miette's own reading of the whole
    /// text would.
    #[test]
    fn the_view_reads_as_miette_does() {
        let texts = [
            "",
            "a",
            "ab\ncd\n",
            "one\ntwo\nthree\nfour\nfive\nsix\n",
            "x\r\ny\r\n\r\nz",
            "lone\rcarriage\rreturns\n\nand é accents\n",
            "\n\n\nblank\n\n",
        ];
        for text in texts {
            let f = file(text);
            let lines = Lines::new(&f);
            let view = View { lines: &lines };
            let whole = miette::NamedSource::new(f.display.clone(), f.text.clone());
            // Out of the text, miette's own reading may panic; the view says `Err`.
            let past = SourceSpan::new((text.len() + 1).into(), 0);
            assert!(view.read_span(&past, 1, 1).is_err());
            for start in 0..=text.len() {
                for len in 0..=text.len() - start {
                    for (before, after) in [(0, 0), (1, 1), (2, 0), (0, 3)] {
                        let span = SourceSpan::new(start.into(), len);
                        let want = whole.read_span(&span, before, after);
                        let got = view.read_span(&span, before, after);
                        let key = format!("{text:?} {start}+{len} ({before}, {after})");
                        match (want, got) {
                            (Ok(w), Ok(g)) => {
                                assert_eq!(w.data(), g.data(), "{key}");
                                assert_eq!(w.span(), g.span(), "{key}");
                                assert_eq!(w.line(), g.line(), "{key}");
                                assert_eq!(w.column(), g.column(), "{key}");
                                assert_eq!(w.line_count(), g.line_count(), "{key}");
                                assert_eq!(w.name(), g.name(), "{key}");
                            }
                            (Err(_), Err(_)) => {}
                            (w, g) => panic!("{key}: {:?} vs {:?}", w.is_ok(), g.is_ok()),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(150), "150");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
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
            Diagnostic::error(Code::DeclaredTwice, "twice", at(b2, b2 + 5))
                .with_related(at(b1, b1 + 5), "first"),
            Diagnostic::error(Code::DeclaredTwice, "twice", at(b1, b1 + 5))
                .with_related(at(b2, b2 + 5), "second"),
            Diagnostic::error(Code::Syntax, format!("message `{long}`"), at(c, c + 5))
                .with_label(long.clone())
                .with_help(format!("help `{long}`")),
            Diagnostic::error(Code::Syntax, "spans lines", at(0, c)).with_label("all of it"),
        ];
        for d in &cases {
            let out = render(std::slice::from_ref(&f), d, false);
            assert!(out.starts_with("error[E0"), "{out}");
        }
        let out = render(std::slice::from_ref(&f), &cases[0], false);
        assert!(out.contains("t.treaty:2:1"), "{out}");
        assert!(out.contains("::: t.treaty:1:70012"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
    }
}
