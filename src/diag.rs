//! Diagnostics as plain data: what went wrong and where. Every stage (loading, parsing,
//! resolving) collects them instead of stopping at the first; `report::diagnostics`
//! renders them in one place.

use crate::source::Loc;

pub mod codes;
pub use codes::{Code, Severity};

/// Diagnostics rendered in one run; past this many the rest are counted, not shown
/// (`report::diagnostics::render_all`), and resolution stops looking for "did you mean"
/// hints that no one would see.
pub const MAX_SHOWN: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable error code (`codes`): what kind of problem, explained by `treaty explain`.
    pub code: Code,
    /// One lowercase sentence; user input in backticks.
    pub message: String,
    /// Where the problem is; `None` for problems with no source (an unreadable file
    /// named on the command line).
    pub loc: Option<Loc>,
    /// A short text under the underlined span.
    pub label: Option<String>,
    /// Advice: what to write instead.
    pub help: Option<String>,
    /// Other places worth showing (e.g. "first declared here").
    pub related: Vec<(Loc, String)>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>, loc: Loc) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            loc: Some(loc),
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// A problem that has no place in any source file.
    pub fn bare(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            loc: None,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// The same diagnostic with another code (a more specific one, found after it was made).
    pub fn with_code(mut self, code: Code) -> Self {
        self.code = code;
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, loc: Loc, text: impl Into<String>) -> Self {
        self.related.push((loc, text.into()));
        self
    }
}

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let d = if c.to_lowercase() == lower {
                0
            } else if c.chars().count().abs_diff(len) > limit {
                // The distance is at least the difference in length: too far, and cheap.
                limit + 1
            } else {
                edit_distance(name, c)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c.to_string())
}

/// Whether `c` may be part of a name.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// The word a hyphen at byte `hyphen` joins, when it stands between two name characters
/// with no space (`EU-council`): the byte range of the whole hyphenated word, for the
/// "hyphens in names" hint. `None` for what reads as a minus sign: spaced (`x - y`), before
/// a digit (`x-1`), or in a number or date (`2025-12-12`).
pub fn hyphenated_word(text: &str, hyphen: usize) -> Option<(usize, usize)> {
    if text.get(hyphen..hyphen + 1) != Some("-") {
        return None;
    }
    let before = text[..hyphen].chars().next_back()?;
    let after = text[hyphen + 1..].chars().next()?;
    if !(is_name_char(before) && (after.is_ascii_alphabetic() || after == '_')) {
        return None;
    }
    let start = text[..hyphen]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c) || *c == '-')
        .last()
        .map_or(hyphen, |(i, _)| i);
    let end = text[hyphen..]
        .char_indices()
        .find(|(_, c)| !(is_name_char(*c) || *c == '-'))
        .map_or(text.len(), |(i, _)| hyphen + i);
    let word = &text[start..end];
    // A word that starts with a digit is a number or a date, not a name.
    // `non-party` (in `expect non-party`) is the one keyword with a hyphen.
    let first = word.chars().next()?;
    ((first.is_ascii_alphabetic() || first == '_') && word != "non-party").then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(edit_distance("clause", "claus"), 1);
        assert_eq!(
            did_you_mean("NAT0", ["NATO", "EU"]),
            Some("NATO".to_string())
        );
        assert_eq!(did_you_mean("XYZ", ["NATO", "EU"]), None);
        assert_eq!(did_you_mean("ukr", ["UKR"]), Some("UKR".to_string()));
    }

    #[test]
    fn hyphens_inside_names_only() {
        let t = "actor EU-council \"x\"";
        assert_eq!(hyphenated_word(t, 8), Some((6, 16)));
        assert_eq!(hyphenated_word("x - y", 2), None);
        assert_eq!(hyphenated_word("x-1", 1), None);
        assert_eq!(hyphenated_word("2025-12-12", 4), None);
        assert_eq!(hyphenated_word("UKR.armed-forces >= 5", 9), Some((0, 16)));
        assert_eq!(hyphenated_word("-x", 0), None);
        assert_eq!(hyphenated_word("expect non-party clauses 7", 10), None);
    }
}
