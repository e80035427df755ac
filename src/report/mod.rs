//! Human and JSON output. Reports read the model and analysis results and never change
//! them; every list is emitted in a stable order so that the same input gives the same
//! bytes. JSON documents are built from wire types defined here, separate from the model.

pub mod check;
pub mod diagnostics;
pub mod diff;
pub mod dot;
pub mod html;
pub mod loaded;
pub mod margins;
pub(crate) mod paint;
pub mod power;
pub mod power_order;
pub mod progress;
pub mod repair;
pub mod sarif;
pub mod scenarios;
pub mod schema;
pub mod test;
pub mod test_doc;
pub mod units;
pub mod wire;

/// `s` cut to at most `max` characters, the last of them `mark` (e.g. `...` or `…`) when
/// it was cut; widths given to a renderer or to `{:width$}` stay bounded this way.
pub(crate) fn shorten(s: &str, max: usize, mark: &str) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(mark.chars().count());
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(mark);
    out
}
