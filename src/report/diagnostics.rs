//! Renders `Diagnostic`s like rustc does (message, `file:line:column`, the source line
//! with the span underlined, `help:`), through miette. Output is deterministic: a fixed
//! width, no hyperlinks, and colour only when asked for.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use crate::diag::Diagnostic;
use crate::model::SourceFile;

/// Width the renderer wraps at; fixed so that output is the same on every terminal.
const WIDTH: usize = 100;

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

/// Lines longer than this are shown cut, by a plain renderer, rather than in full.
const MAX_SHOWN_LINE: usize = 160;

/// A compact rendering for a span on a very long line (generated input, minified files).
fn render_long_line(file: &SourceFile, d: &Diagnostic, start: usize) -> String {
    let (line, col) = file.line_col(start);
    let text = file.line_text(line);
    let from = col.saturating_sub(40).max(1);
    let shown: String = text.chars().skip(from - 1).take(100).collect();
    let gutter = line.to_string().len();
    let mut out = format!("error: {}\n", d.message);
    out.push_str(&format!(
        "{:gutter$}--> {}:{line}:{col}\n",
        "", file.display
    ));
    out.push_str(&format!(
        "{line} | {}{shown} ...\n",
        if from > 1 { "... " } else { "" }
    ));
    let pad = col - from + if from > 1 { 4 } else { 0 };
    out.push_str(&format!(
        "{:gutter$} | {:pad$}^ {}\n",
        "",
        "",
        d.label.as_deref().unwrap_or("")
    ));
    if let Some(h) = &d.help {
        out.push_str(&format!("  help: {h}\n"));
    }
    out
}

/// Renders one diagnostic to text (ending with a newline).
pub fn render(files: &[SourceFile], d: &Diagnostic, color: bool) -> String {
    if let Some(loc) = d.loc {
        let file = &files[loc.file];
        let (line, _) = file.line_col(loc.span.start);
        if file.line_text(line).chars().count() > MAX_SHOWN_LINE {
            return render_long_line(file, d, loc.span.start);
        }
    }
    let mut help = d.help.clone();
    let mut labels = Vec::new();
    let mut source = None;
    if let Some(loc) = d.loc {
        let file = &files[loc.file];
        source = Some(NamedSource::new(file.display.clone(), file.text.clone()));
        let len = loc.span.end.saturating_sub(loc.span.start);
        labels.push(LabeledSpan::new_primary_with_span(
            d.label.clone(),
            (loc.span.start.min(file.text.len()), len),
        ));
        for (rel, text) in &d.related {
            if rel.file == loc.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(text.clone()),
                    (rel.span.start, rel.span.end.saturating_sub(rel.span.start)),
                ));
            } else {
                let f = &files[rel.file];
                let (l, c) = f.line_col(rel.span.start);
                let note = format!("{text}: {}:{l}:{c}", f.display);
                help = Some(match help {
                    Some(h) => format!("{h}\n{note}"),
                    None => note,
                });
            }
        }
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
