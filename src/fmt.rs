//! `treaty fmt`: which files to format (`files`), one file formatted, checked or rewritten
//! (`file`), and the unified diff `--check` prints (`diff`). The layout itself is
//! `syntax::format_source`.
//!
//! Invariants: a file is written only when its formatted text differs, and never when it
//! does not parse; the walk is sorted, so output is in a stable order.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::source::SourceFile;
use crate::syntax::format_file;

/// The files to format: `files::treaty_files`, the same walk as `treaty test` (hidden
/// directories, `target` and directories holding `files::SKIP_MARKER`, such as the fixtures
/// that must not parse, are left out).
pub fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    crate::files::treaty_files(paths)
}

/// What became of one file.
#[derive(Debug)]
pub enum Outcome {
    /// Already in the canonical layout.
    Formatted,
    /// Not formatted: the formatted text and the diff to it (with `--check` the diff is
    /// printed; otherwise the file was rewritten).
    Changed { formatted: String, diff: String },
    /// Unreadable, or it does not parse: the diagnostics (rendered against `file`); the
    /// file is left alone.
    Broken {
        file: SourceFile,
        diags: Vec<Diagnostic>,
    },
}

/// Formats the file at `path`; rewrites it when it changes, unless `check`.
pub fn file(path: &Path, check: bool) -> Outcome {
    let display = path.display().to_string();
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => return unreadable(display, "is not UTF-8 text"),
        Err(e) => return unreadable(display, &e.to_string().to_lowercase()),
    };
    let out = text_outcome(&display, text);
    if let (Outcome::Changed { formatted, .. }, false) = (&out, check) {
        if let Err(e) = std::fs::write(path, formatted) {
            return unreadable(display, &format!("cannot be written: {e}"));
        }
    }
    out
}

/// Formats `text`, read from `display` (`<stdin>` for standard input).
pub fn text_outcome(display: &str, text: String) -> Outcome {
    match format_file(&text, 0) {
        Ok(new) if new == text => Outcome::Formatted,
        Ok(new) => Outcome::Changed {
            diff: diff(&text, &new, display),
            formatted: new,
        },
        Err(diags) => Outcome::Broken {
            file: SourceFile::new(display, text),
            diags,
        },
    }
}

fn unreadable(display: String, why: &str) -> Outcome {
    let d = Diagnostic::bare(Code::Unreadable, format!("the file `{display}` {why}"));
    Outcome::Broken {
        file: SourceFile::new(display, String::new()),
        diags: vec![d],
    }
}

/// The unified diff (3 lines of context) from `old` to `new`, both named `name`.
pub fn diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}
