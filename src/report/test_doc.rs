//! `treaty test --format json` (the document below, version 1) and `--format junit`
//! (JUnit XML rendered from that document): every file tested, each expectation with its
//! place and result, and the totals. No times or timestamps: the same run gives the same
//! bytes.

use schemars::JsonSchema;
use serde::Serialize;

use crate::expect::{ExpectResult, Tally};

/// The version of this format; bumped on any incompatible change.
pub const VERSION: u32 = 1;

#[derive(Serialize, JsonSchema)]
pub struct TestDoc {
    pub version: u32,
    /// Every `.treaty` file found, in the order tested.
    pub files: Vec<TestFileOut>,
    pub totals: TotalsOut,
}

#[derive(Serialize, JsonSchema)]
pub struct TestFileOut {
    /// The path as found (relative when the path given was).
    pub file: String,
    /// False: the file could not be loaded (its diagnostics are on stderr) and nothing in
    /// it was checked.
    pub loaded: bool,
    /// Its expectations in source order, then those checked in each scenario's model.
    pub expectations: Vec<ExpectationOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct ExpectationOut {
    pub file: String,
    /// 1-based line and column of the `expect`.
    pub line: usize,
    pub column: usize,
    /// The expectation as written, whitespace-normalised.
    pub text: String,
    pub passed: bool,
    /// What was found when it failed (or a note); null when there is nothing to say.
    pub message: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct TotalsOut {
    pub files: usize,
    pub passed: usize,
    pub failed: usize,
    /// Files that could not be loaded.
    pub broken: usize,
}

/// The document of a run: each file with its results (`None`: it did not load).
pub fn doc(files: &[(String, Option<Vec<ExpectResult>>)], tally: &Tally) -> TestDoc {
    TestDoc {
        version: VERSION,
        files: files
            .iter()
            .map(|(file, results)| TestFileOut {
                file: file.clone(),
                loaded: results.is_some(),
                expectations: results
                    .iter()
                    .flatten()
                    .map(|r| ExpectationOut {
                        file: r.file.clone(),
                        line: r.line,
                        column: r.column,
                        text: r.text.clone(),
                        passed: r.outcome.passed,
                        message: r.outcome.detail.clone(),
                    })
                    .collect(),
            })
            .collect(),
        totals: TotalsOut {
            files: files.len(),
            passed: tally.passed,
            failed: tally.failed,
            broken: tally.broken,
        },
    }
}

/// JUnit XML: `<testsuites>` with one `<testsuite>` per file and one `<testcase>` per
/// expectation (a failed one with a `<failure>`); a file that did not load is a suite with
/// one `<testcase name="load">` in `<error>`.
pub fn junit(doc: &TestDoc) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let t = &doc.totals;
    out.push_str(&format!(
        "<testsuites name=\"treaty test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
        t.passed + t.failed + t.broken,
        t.failed,
        t.broken
    ));
    for f in &doc.files {
        let failures = f.expectations.iter().filter(|e| !e.passed).count();
        let (tests, errors) = if f.loaded {
            (f.expectations.len(), 0)
        } else {
            (1, 1)
        };
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n",
            escape(&f.file)
        ));
        if !f.loaded {
            out.push_str(&format!(
                "    <testcase name=\"load\" classname=\"{}\" file=\"{}\">\n      <error message=\"the file could not be loaded\" type=\"load\"/>\n    </testcase>\n",
                escape(&f.file),
                escape(&f.file)
            ));
        }
        for e in &f.expectations {
            let open = format!(
                "    <testcase name=\"{}:{}: {}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
                e.line,
                e.column,
                escape(&e.text),
                escape(&f.file),
                escape(&e.file),
                e.line
            );
            if e.passed {
                out.push_str(&open);
                out.push_str("/>\n");
            } else {
                let found = e
                    .message
                    .as_deref()
                    .unwrap_or("the expectation does not hold");
                out.push_str(&format!(
                    "{open}>\n      <failure message=\"{}\" type=\"expectation\">{}:{}:{}: {}\nfound: {}</failure>\n    </testcase>\n",
                    escape(found),
                    escape(&e.file),
                    e.line,
                    e.column,
                    escape(&e.text),
                    escape(found)
                ));
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text as XML 1.0 attribute or element content: the five markup characters as entities,
/// tabs and line breaks as character references, and characters XML 1.0 cannot carry at
/// all (other control characters, U+FFFE, U+FFFF) as U+FFFD.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#10;\u{FFFD}"
        );
    }
}
