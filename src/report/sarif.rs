//! SARIF 2.1.0 output (`treaty check --format sarif`): one log with one run whose results
//! are the findings of the check document (built from `wire::CheckDoc`, never from the
//! analyses) or, when the files do not load, the diagnostics. Code-scanning services read
//! it to annotate the clause files. Field order is declaration order and every list keeps
//! the document's order, so the same input gives the same bytes.

use std::path::{Component, Path};

use serde::Serialize;

use super::loaded::Place;
use super::wire::{CheckDoc, DecisionOut, ItemOut, TreatyOut};
use crate::diag::Diagnostic;
use crate::source::{Loc, SourceFile};

/// The SARIF version written, and the schema it follows.
pub const SARIF_VERSION: &str = "2.1.0";
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The rules of the analysis, in the order `tool.driver.rules` lists them.
pub const CONFLICT: &str = "treaty/conflict";
pub const BLOCKED_CLAUSE: &str = "treaty/blocked-clause";
pub const GUARANTEE_OPEN: &str = "treaty/guarantee-open";
pub const FACTS_CONTRADICTION: &str = "treaty/facts-contradiction";
pub const UNDECIDED: &str = "treaty/undecided";

/// Each analysis rule: id, name, description, level.
const ANALYSIS_RULES: [(&str, &str, &str, Level); 5] = [
    (
        CONFLICT,
        "Conflict",
        "Clauses and red lines that cannot all hold together (with the facts)",
        Level::Error,
    ),
    (
        BLOCKED_CLAUSE,
        "BlockedClause",
        "A clause that cannot be adopted: a decision it needs is blocked by the votes the positions fix, or cannot take place",
        Level::Error,
    ),
    (
        GUARANTEE_OPEN,
        "GuaranteeOpen",
        "A guaranteed red line that the facts and the clauses leave open",
        Level::Error,
    ),
    (
        FACTS_CONTRADICTION,
        "FactsContradiction",
        "Facts that contradict each other (nothing else is checked)",
        Level::Error,
    ),
    (
        UNDECIDED,
        "Undecided",
        "A treaty the solver gave up on within its budget: nothing about it is concluded",
        Level::Warning,
    ),
];

/// The rule id of a diagnostic (an error in the input). Every diagnostic rule id comes
/// from here, so stable error codes map in this one place.
pub fn diagnostic_rule_id(d: &Diagnostic) -> String {
    format!("treaty/{}", d.code.id())
}

/// What a diagnostic rule id stands for, as `tool.driver.rules` describes it: the code's
/// title (`treaty explain CODE` gives the whole explanation).
fn diagnostic_rule_text(id: &str) -> &'static str {
    id.strip_prefix("treaty/")
        .and_then(crate::diag::Code::parse)
        .map_or(
            "An error in the input: the files could not be loaded",
            |c| c.title(),
        )
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

#[derive(Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    /// Columns count characters (Unicode code points), as the rest of the tool does.
    pub column_kind: &'static str,
    pub results: Vec<SarifResult>,
}

#[derive(Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: &'static str,
    pub semantic_version: &'static str,
    pub rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub short_description: Message,
    pub default_configuration: Configuration,
}

#[derive(Serialize)]
pub struct Configuration {
    pub level: Level,
}

#[derive(Serialize, Clone)]
pub struct Message {
    pub text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    pub rule_index: usize,
    pub level: Level,
    pub message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Set on related locations (unique within the result).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    pub physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    /// `%SRCROOT%` for a relative URI (the directory the tool ran in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
}

/// 1-based; `end_column` is the column just after the region.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// The rule list and results of one run, as they are collected.
struct Builder<'a> {
    cwd: Option<&'a Path>,
    rules: Vec<Rule>,
    results: Vec<SarifResult>,
}

impl<'a> Builder<'a> {
    fn new(cwd: Option<&'a Path>) -> Self {
        Builder {
            cwd,
            rules: ANALYSIS_RULES
                .iter()
                .map(|(id, name, text, level)| Rule {
                    id: (*id).to_string(),
                    name: (*name).to_string(),
                    short_description: message(text),
                    default_configuration: Configuration { level: *level },
                })
                .collect(),
            results: Vec::new(),
        }
    }

    /// The index of rule `id` (added, as an input-error rule, when it is not listed).
    fn rule_index(&mut self, id: &str) -> usize {
        if let Some(i) = self.rules.iter().position(|r| r.id == id) {
            return i;
        }
        self.rules.push(Rule {
            id: id.to_string(),
            name: "InputError".to_string(),
            short_description: message(diagnostic_rule_text(id)),
            default_configuration: Configuration {
                level: Level::Error,
            },
        });
        self.rules.len() - 1
    }

    fn location(&self, at: &Place, text: Option<String>) -> Location {
        Location {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: artifact(&at.file, self.cwd),
                region: Region {
                    start_line: at.line,
                    start_column: at.column,
                    end_line: at.end_line.max(at.line),
                    end_column: if at.end_line > at.line {
                        at.end_column
                    } else {
                        at.end_column.max(at.column)
                    },
                },
            },
            message: text.map(|t| message(&t)),
        }
    }

    fn push(
        &mut self,
        rule: &str,
        level: Level,
        text: String,
        locations: Vec<Location>,
        related: Vec<Location>,
    ) {
        let rule_index = self.rule_index(rule);
        let related_locations = related
            .into_iter()
            .enumerate()
            .map(|(i, mut l)| {
                l.id = Some(i + 1);
                l
            })
            .collect();
        self.results.push(SarifResult {
            rule_id: rule.to_string(),
            rule_index,
            level,
            message: message(&text),
            locations,
            related_locations,
        });
    }

    fn log(self) -> Log {
        Log {
            schema: SARIF_SCHEMA,
            version: SARIF_VERSION,
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: "treaty",
                        version: env!("CARGO_PKG_VERSION"),
                        semantic_version: env!("CARGO_PKG_VERSION"),
                        rules: self.rules,
                    },
                },
                column_kind: "unicodeCodePoints",
                results: self.results,
            }],
        }
    }
}

fn message(text: &str) -> Message {
    Message {
        text: text.to_string(),
    }
}

/// The SARIF log of a check document: per treaty, in order, contradictory facts, each
/// conflict, each guaranteed red line left open, each clause that cannot be adopted; then
/// each treaty the solver gave up on. File URIs are relative to `cwd` where they can be.
pub fn check(doc: &CheckDoc, cwd: Option<&Path>) -> Log {
    let mut b = Builder::new(cwd);
    for t in &doc.treaties {
        treaty(&mut b, t);
    }
    for u in &doc.undecided {
        let text = format!(
            "the solver gave up on treaty {}: {} ({}); nothing about it is concluded",
            u.treaty, u.query, u.reason
        );
        let at = b.location(&u.at, None);
        b.push(UNDECIDED, Level::Warning, text, vec![at], Vec::new());
    }
    b.log()
}

fn treaty(b: &mut Builder<'_>, t: &TreatyOut) {
    if let Some(facts) = &t.facts_contradiction {
        let locations = facts
            .iter()
            .map(|f| b.location(&f.at, Some(format!("fact `{}`", f.formula))))
            .collect();
        let text = format!(
            "the facts contradict each other in treaty {}: {}",
            t.treaty,
            facts
                .iter()
                .map(|f| format!("`{}`", f.formula))
                .collect::<Vec<_>>()
                .join(", ")
        );
        b.push(
            FACTS_CONTRADICTION,
            Level::Error,
            text,
            locations,
            Vec::new(),
        );
    }
    for c in &t.conflicts {
        let names: Vec<String> = c.items.iter().map(|i| item_name(i).to_string()).collect();
        let mut text = format!(
            "conflict {} in treaty {}: {} cannot all hold",
            c.id,
            t.treaty,
            names.join(", ")
        );
        if !c.facts.is_empty() {
            text.push_str(&format!(
                " with the facts {}",
                c.facts
                    .iter()
                    .map(|f| format!("`{}`", f.formula))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(r) = &c.reason {
            text.push_str(&format!(": {r}"));
        }
        let item_locations: Vec<Location> = c
            .items
            .iter()
            .map(|i| b.location(item_place(i), Some(item_text(i))))
            .collect();
        // Every item is where the conflict is; the related locations repeat the items
        // after the first (viewers that show one location link to them) and add the facts.
        let mut related: Vec<Location> = item_locations.iter().skip(1).cloned().collect();
        related.extend(
            c.facts
                .iter()
                .map(|f| b.location(&f.at, Some(format!("fact `{}`", f.formula)))),
        );
        b.push(CONFLICT, Level::Error, text, item_locations, related);
    }
    for g in &t.violated_guarantees {
        let mut text = format!(
            "treaty {} does not guarantee the red line {} (`{}`)",
            t.treaty, g.name, g.formula
        );
        if !g.holders.is_empty() {
            text.push_str(&format!(", held by {}", g.holders.join(", ")));
        }
        if !g.counterexample.is_empty() {
            text.push_str(&format!(
                "; it fails when {}",
                g.counterexample
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", plain(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let at = b.location(&g.at, None);
        b.push(GUARANTEE_OPEN, Level::Error, text, vec![at], Vec::new());
    }
    for c in t.clauses.iter().filter(|c| !c.adoptable) {
        let mut why: Vec<String> = Vec::new();
        if c.contradictory {
            why.push("its content contradicts the facts".to_string());
        }
        let mut related = Vec::new();
        for d in t
            .decisions
            .iter()
            .filter(|d| d.clause == c.clause && d.status != "can_pass")
        {
            why.push(decision_text(d));
            for p in d.preconditions.iter().filter(|p| !p.possible) {
                related.push(b.location(
                    &p.at,
                    Some(format!("precondition `{}` cannot hold", p.formula)),
                ));
            }
        }
        if why.is_empty() {
            why.push("no route of a requirement can be taken".to_string());
        }
        let text = format!(
            "clause {} of treaty {} cannot be adopted: {}",
            c.clause,
            t.treaty,
            why.join("; ")
        );
        let at = b.location(&c.at, None);
        b.push(BLOCKED_CLAUSE, Level::Error, text, vec![at], related);
    }
}

/// A decision that does not go the clause's way, in words: who decides, how it ends, who
/// votes against the clause.
fn decision_text(d: &DecisionOut) -> String {
    let who = match (&d.body, &d.rule, &d.actor) {
        (Some(body), Some(rule), _) if rule == "default" => format!("the vote of {body}"),
        (Some(body), Some(rule), _) => format!("the vote of {body} by rule {rule}"),
        (_, _, Some(actor)) => format!("the consent of {actor}"),
        _ => "a decision".to_string(),
    };
    let who = match &d.consent_of {
        Some(a) if d.actor.as_deref() != Some(a.as_str()) => format!("{who} (consent of {a})"),
        _ => who,
    };
    let who = if d.lapse {
        format!("the lapse of {who}")
    } else {
        who
    };
    if d.status == "impossible" {
        return format!("{who} cannot take place (a precondition cannot hold)");
    }
    let no: Vec<&str> = d.no_votes.iter().map(|v| v.actor.as_str()).collect();
    let mut votes: Vec<String> = Vec::new();
    if !no.is_empty() {
        let how = if d.lapse { "voting to renew" } else { "no" };
        votes.push(format!("{how}: {}", no.join(", ")));
    }
    for (how, who) in [
        ("abstaining", &d.fixed_abstain),
        ("absent", &d.fixed_absent),
    ] {
        if !who.is_empty() {
            votes.push(format!("{how}: {}", who.join(", ")));
        }
    }
    if votes.is_empty() {
        format!("{who} is blocked")
    } else {
        format!("{who} is blocked ({})", votes.join("; "))
    }
}

fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn item_name(i: &ItemOut) -> &str {
    match i {
        ItemOut::Clause { name, .. } | ItemOut::RedLine { name, .. } => name,
    }
}

fn item_place(i: &ItemOut) -> &Place {
    match i {
        ItemOut::Clause { at, .. } | ItemOut::RedLine { at, .. } => at,
    }
}

fn item_text(i: &ItemOut) -> String {
    match i {
        ItemOut::Clause { name, formulas, .. } => format!(
            "{name}: {}",
            formulas
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ItemOut::RedLine { name, formula, .. } => format!("red line {name}: `{formula}`"),
    }
}

/// The SARIF log of files that did not load: each diagnostic a result (rule id from
/// `diagnostic_rule_id`), with its place and related places.
pub fn diagnostics(sources: &[SourceFile], diags: &[Diagnostic], cwd: Option<&Path>) -> Log {
    let mut b = Builder::new(cwd);
    for d in diags {
        let mut text = d.message.clone();
        if let Some(l) = &d.label {
            text.push_str(&format!(" ({l})"));
        }
        if let Some(h) = &d.help {
            text.push_str(&format!("; help: {h}"));
        }
        let locations = d
            .loc
            .and_then(|loc| source_place(sources, loc))
            .map(|p| b.location(&p, None))
            .into_iter()
            .collect();
        let related = d
            .related
            .iter()
            .filter_map(|(loc, t)| source_place(sources, *loc).map(|p| (p, t)))
            .map(|(p, t)| b.location(&p, Some(t.clone())))
            .collect();
        let rule = diagnostic_rule_id(d);
        b.push(&rule, Level::Error, text, locations, related);
    }
    b.log()
}

fn source_place(sources: &[SourceFile], loc: Loc) -> Option<Place> {
    let f = sources.get(loc.file)?;
    let (line, column) = f.line_col(loc.span.start);
    let (end_line, end_column) = f.line_col(loc.span.end.max(loc.span.start));
    Some(Place {
        file: f.display.clone(),
        line,
        column,
        end_line,
        end_column,
    })
}

/// The artifact location of `file`: a relative URI reference (against `%SRCROOT%`, the
/// directory the tool ran in) when the path is relative or lies under `cwd`, else a
/// `file://` URI of the absolute path.
fn artifact(file: &str, cwd: Option<&Path>) -> ArtifactLocation {
    let path = Path::new(file);
    let relative = if path.is_absolute() {
        cwd.and_then(|c| path.strip_prefix(c).ok())
    } else {
        Some(path)
    };
    match relative {
        Some(rel) => ArtifactLocation {
            uri: encode_path(rel),
            uri_base_id: Some("%SRCROOT%"),
        },
        None => ArtifactLocation {
            uri: format!("file://{}", encode_path(path)),
            uri_base_id: None,
        },
    }
}

/// A path as a URI path: segments joined by `/` (`.` segments dropped), every byte but the
/// unreserved characters percent-encoded.
fn encode_path(path: &Path) -> String {
    let mut out = String::new();
    let mut first = true;
    for c in path.components() {
        let segment = match c {
            Component::CurDir => continue,
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::ParentDir => "..".to_string(),
            Component::Prefix(p) => p.as_os_str().to_string_lossy().into_owned(),
            Component::Normal(s) => s.to_string_lossy().into_owned(),
        };
        if !first && !out.ends_with('/') {
            out.push('/');
        }
        first = false;
        for byte in segment.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                out.push(char::from(byte));
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uri_references() {
        let a = artifact("./rules/a b.treaty", None);
        assert_eq!(a.uri, "rules/a%20b.treaty");
        assert_eq!(a.uri_base_id, Some("%SRCROOT%"));
        let cwd = Path::new("/home/x/repo");
        let b = artifact("/home/x/repo/t/ü.treaty", Some(cwd));
        assert_eq!(b.uri, "t/%C3%BC.treaty");
        let c = artifact("/elsewhere/t.treaty", Some(cwd));
        assert_eq!(c.uri, "file:///elsewhere/t.treaty");
        assert_eq!(c.uri_base_id, None);
        assert_eq!(artifact("../up/t.treaty", None).uri, "../up/t.treaty");
    }

    #[test]
    fn diagnostic_rules_are_listed_once_after_the_analysis_rules() {
        let d = Diagnostic::bare(crate::diag::Code::Unreadable, "cannot read `x`");
        let log = diagnostics(&[], &[d.clone(), d], None);
        let run = &log.runs[0];
        assert_eq!(run.tool.driver.rules.len(), ANALYSIS_RULES.len() + 1);
        assert!(run
            .results
            .iter()
            .all(|r| r.rule_index == ANALYSIS_RULES.len() && r.rule_id == "treaty/E0001"));
        assert!(run.results.iter().all(|r| r.locations.is_empty()));
    }
}
