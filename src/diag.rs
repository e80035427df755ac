//! Diagnostics as plain data: what went wrong and where. Every stage (loading, parsing,
//! resolving) collects them instead of stopping at the first; `report::diagnostics`
//! renders them in one place.

use crate::source::Loc;

/// Diagnostics rendered in one run; past this many the rest are counted, not shown
/// (`report::diagnostics::render_all`), and resolution stops looking for "did you mean"
/// hints that no one would see.
pub const MAX_SHOWN: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
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
    pub fn error(message: impl Into<String>, loc: Loc) -> Self {
        Diagnostic {
            message: message.into(),
            loc: Some(loc),
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// A problem that has no place in any source file.
    pub fn bare(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            loc: None,
            label: None,
            help: None,
            related: Vec::new(),
        }
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
}
