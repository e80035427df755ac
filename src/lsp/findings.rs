//! What the editor shows as diagnostics: load errors (each with its `help:` and a quick fix
//! for a did-you-mean hint), and the findings of the last analysis (conflicts on every item
//! they name, blocked clauses on the clause, violated guarantees on the red line, a
//! question the solver gave up on, on the treaty).
//!
//! Invariant: a diagnostic belongs to the file its place is in (`by_file`), so a conflict
//! between a clause and an imported red line is shown in both files.

use std::collections::BTreeMap;

use lsp_types::{
    Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Range,
};

use crate::diag::Diagnostic;
use crate::model::names::clause_name;
use crate::model::Model;
use crate::report::loaded::Place;
use crate::report::wire::{CheckDoc, ItemOut};
use crate::source::SourceFile;

use super::text::{line_range, path_uri, range};

/// Diagnostics grouped by the display name of their file (the path the files were loaded
/// under), each list in the order found.
pub type ByFile = BTreeMap<String, Vec<LspDiagnostic>>;

const SOURCE: &str = "treaty";

/// The replacement a did-you-mean hint proposes (`did you mean `X`?`), if any.
pub fn suggestion(help: &str) -> Option<&str> {
    let rest = help.split("did you mean ").nth(1)?;
    let rest = rest.strip_prefix("the keyword ").unwrap_or(rest);
    let (open, close) = match rest.chars().next()? {
        '`' => ('`', '`'),
        '"' => ('"', '"'),
        _ => return None,
    };
    let inner = rest.strip_prefix(open)?;
    let end = inner.find(close)?;
    let word = &inner[..end];
    Some(if open == '"' { &rest[..end + 2] } else { word })
}

/// Load errors as protocol diagnostics, by file.
pub fn load_errors(files: &[SourceFile], diagnostics: &[Diagnostic]) -> ByFile {
    let mut out = ByFile::new();
    for d in diagnostics {
        let Some(loc) = d.loc else {
            continue;
        };
        let Some(file) = files.get(loc.file) else {
            continue;
        };
        let mut message = d.message.clone();
        if let Some(label) = &d.label {
            message.push_str(&format!(" ({label})"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let related = d
            .related
            .iter()
            .filter_map(|(loc, text)| {
                let f = files.get(loc.file)?;
                Some(DiagnosticRelatedInformation {
                    location: Location::new(
                        path_uri(std::path::Path::new(&f.display))?,
                        range(&f.text, loc.span),
                    ),
                    message: text.clone(),
                })
            })
            .collect::<Vec<_>>();
        let data = d
            .help
            .as_deref()
            .and_then(suggestion)
            .map(|s| serde_json::json!({ "replacement": s }));
        out.entry(file.display.clone())
            .or_default()
            .push(LspDiagnostic {
                range: range(&file.text, loc.span),
                severity: Some(match d.severity() {
                    crate::diag::Severity::Warning => DiagnosticSeverity::WARNING,
                    _ => DiagnosticSeverity::ERROR,
                }),
                // `treaty explain CODE` tells more.
                code: Some(NumberOrString::String(d.code.id().to_string())),
                code_description: None,
                source: Some(SOURCE.to_string()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                tags: None,
                data,
            });
    }
    out
}

fn text_of<'m>(model: &'m Model, display: &str) -> Option<&'m str> {
    model
        .files
        .iter()
        .find(|f| f.display == display)
        .map(|f| f.text.as_str())
}

fn place_range(model: &Model, at: &Place) -> Option<Range> {
    Some(line_range(text_of(model, &at.file)?, at.line, at.column))
}

fn finding(
    range: Range,
    severity: DiagnosticSeverity,
    code: &str,
    message: String,
) -> LspDiagnostic {
    LspDiagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(code.to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message,
        related_information: None,
        tags: None,
        data: None,
    }
}

fn item_place(item: &ItemOut) -> (&Place, &str) {
    match item {
        ItemOut::Clause { at, name, .. } | ItemOut::RedLine { at, name, .. } => (at, name),
    }
}

/// The findings of an analysis, by file.
pub fn analysis(model: &Model, doc: &CheckDoc) -> ByFile {
    let mut out = ByFile::new();
    let mut push = |file: &str, d: LspDiagnostic| out.entry(file.to_string()).or_default().push(d);
    for treaty in &doc.treaties {
        for conflict in &treaty.conflicts {
            let names: Vec<&str> = conflict.items.iter().map(|i| item_place(i).1).collect();
            let mut message = format!(
                "conflict {} in {}: {} cannot hold together",
                conflict.id,
                treaty.treaty,
                names.join(", ")
            );
            if let Some(reason) = &conflict.reason {
                message.push_str(&format!("\nbecause {reason}"));
            }
            for fact in &conflict.facts {
                message.push_str(&format!("\ngiven the fact {}", fact.formula));
            }
            let places: Vec<(&Place, Range)> = conflict
                .items
                .iter()
                .filter_map(|i| {
                    let at = item_place(i).0;
                    Some((at, place_range(model, at)?))
                })
                .collect();
            for (k, (at, r)) in places.iter().enumerate() {
                let mut d = finding(*r, DiagnosticSeverity::ERROR, "conflict", message.clone());
                let related: Vec<_> = places
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .filter_map(|(j, (other, range))| {
                        Some(DiagnosticRelatedInformation {
                            location: Location::new(
                                path_uri(std::path::Path::new(&other.file))?,
                                *range,
                            ),
                            message: format!(
                                "{} is in conflict {}",
                                names.get(j).copied().unwrap_or(""),
                                conflict.id
                            ),
                        })
                    })
                    .collect();
                d.related_information = (!related.is_empty()).then_some(related);
                push(&at.file, d);
            }
        }
        for g in &treaty.violated_guarantees {
            if let Some(r) = place_range(model, &g.at) {
                let message = format!(
                    "{} is not guaranteed by treaty {}: the facts and clauses allow a world where `{}` is false",
                    g.name, treaty.treaty, g.formula
                );
                push(
                    &g.at.file,
                    finding(r, DiagnosticSeverity::WARNING, "not-guaranteed", message),
                );
            }
        }
        // Blocked clauses, on the clause's own line.
        let Some(t) = model.treaty_id(&treaty.treaty) else {
            continue;
        };
        for (c, clause) in model.treaties[t.index()].clauses.iter().enumerate() {
            let cref = crate::model::ClauseRef {
                treaty: t,
                clause: c,
            };
            let name = clause_name(model, cref);
            let Some(status) = treaty.clauses.iter().find(|s| s.clause == name) else {
                continue;
            };
            if status.adoptable {
                continue;
            }
            let mut message = format!("clause {name} is blocked in {}", treaty.treaty);
            if status.contradictory {
                message.push_str(": its content contradicts the facts");
            } else if status.impossible {
                message.push_str(": no route's precondition can hold");
            }
            for d in treaty
                .decisions
                .iter()
                .filter(|d| d.clause == name && d.status != "can_pass")
            {
                let what = match (&d.body, &d.rule, &d.actor) {
                    (Some(b), Some(r), _) => format!("{b} ({r})"),
                    (Some(b), None, _) => b.clone(),
                    (None, _, Some(a)) => format!("consent of {a}"),
                    _ => String::from("a decision"),
                };
                let status_word = d.status.replace('_', " ");
                message.push_str(&format!("\n{what}: {status_word}"));
                if !d.fixed_no.is_empty() {
                    message.push_str(&format!("; votes no: {}", d.fixed_no.join(", ")));
                }
            }
            let file = &model.files[clause.loc.file];
            let (line, column) = file.line_col(clause.loc.span.start);
            let r = line_range(&file.text, line, column);
            push(
                &file.display,
                finding(r, DiagnosticSeverity::WARNING, "blocked-clause", message),
            );
        }
    }
    for u in &doc.undecided {
        if let Some(r) = place_range(model, &u.at) {
            let message = format!(
                "the analysis of {} gave up on {}: {} (nothing is concluded)",
                u.treaty, u.query, u.reason
            );
            push(
                &u.at.file,
                finding(r, DiagnosticSeverity::INFORMATION, "gave-up", message),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::suggestion;

    #[test]
    fn suggestions_are_read_from_did_you_mean_hints() {
        assert_eq!(suggestion("did you mean `UKR`?"), Some("UKR"));
        assert_eq!(
            suggestion("did you mean `UKR`? (known: UKR, RUS)"),
            Some("UKR")
        );
        assert_eq!(
            suggestion("did you mean the keyword `decides`?"),
            Some("decides")
        );
        assert_eq!(suggestion("did you mean \"borders\"?"), Some("\"borders\""));
        assert_eq!(suggestion("lists are separated by commas"), None);
    }
}
