//! The text of `treaty test`: one line per expectation (`pass` / `FAIL` with what was
//! found), and the closing count that CI reads.

use crate::expect::{ExpectResult, Tally};

/// The lines of one file's results.
pub fn results(results: &[ExpectResult]) -> String {
    let mut out = String::new();
    for r in results {
        if let Some(why) = &r.outcome.gave_up {
            out.push_str(&format!("GAVE UP  {}  {}\n", r.at, r.text));
            out.push_str(&format!("        {why}\n"));
        } else if r.outcome.passed {
            out.push_str(&format!("pass  {}  {}\n", r.at, r.text));
        } else {
            out.push_str(&format!("FAIL  {}  {}\n", r.at, r.text));
            if let Some(d) = &r.outcome.detail {
                out.push_str(&format!("        found: {d}\n"));
            }
        }
    }
    out
}

/// The closing lines: files that could not be loaded, then `N passed, N failed`.
pub fn summary(t: &Tally) -> String {
    let mut out = String::new();
    if t.broken > 0 {
        out.push_str(&format!("{} file(s) could not be loaded\n", t.broken));
    }
    if t.gave_up > 0 {
        out.push_str(&format!(
            "{} expectation(s) not decided: the solver gave up\n",
            t.gave_up
        ));
    }
    out.push_str(&format!("{} passed, {} failed\n", t.passed, t.failed));
    out
}
