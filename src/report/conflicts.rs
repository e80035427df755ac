//! Rendering of the consistency analysis (`solve::Consistency`): human text pointing at
//! source lines, and JSON wire types with stable field names (separate from the model and
//! from `solve`'s result types, so either can change without changing the wire).

use std::fmt::Write as _;

use serde::Serialize;

use crate::model::eval::Value;
use crate::model::{ConflictItem, Loc, Model, RedLineKind, TreatyId};
use crate::solve::{Consistency, ConsistencyReport};

/// Where an item stands: `file`, 1-based `line` and `column`, and the text of that line.
struct Place {
    file: String,
    line: usize,
    column: usize,
    text: String,
}

fn place(model: &Model, loc: Loc) -> Place {
    match model.files.get(loc.file) {
        Some(f) => {
            let (line, column) = f.line_col(loc.span.start);
            Place {
                file: f.display.clone(),
                line,
                column,
                text: f.line_text(line).trim().to_string(),
            }
        }
        None => Place {
            file: String::new(),
            line: 0,
            column: 0,
            text: String::new(),
        },
    }
}

/// A clause is shown at its formula when it has exactly one (that is the content that
/// conflicts), else at its header.
fn item_loc(model: &Model, item: &ConflictItem) -> Loc {
    match item {
        ConflictItem::Clause(r) => {
            let c = model.clause(*r);
            match c.formulas.as_slice() {
                [one] => one.loc,
                _ => c.loc,
            }
        }
        ConflictItem::RedLine { position, index } => model.positions[*position]
            .red_lines
            .get(*index)
            .map_or(model.positions[*position].loc, |l| l.loc),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
    }
}

fn holders(model: &Model, position: usize) -> Vec<String> {
    model.positions[position]
        .held_by
        .iter()
        .map(|&a| {
            model
                .actors
                .get(a)
                .map_or("?", |a| a.id.as_str())
                .to_string()
        })
        .collect()
}

/// The human report of one treaty's consistency analysis.
pub fn render_human(model: &Model, treaty: TreatyId, outcome: &Consistency) -> String {
    let name = model.treaties.get(treaty).map_or("?", |t| t.id.as_str());
    let mut out = String::new();
    let report = match outcome {
        Consistency::Unknown { query, reason } => {
            let _ = writeln!(
                out,
                "treaty {name}: no verdict, the solver gave up ({reason}) on {query}"
            );
            return out;
        }
        Consistency::Checked(r) => r,
    };
    if let Some(facts) = &report.facts_contradiction {
        let _ = writeln!(
            out,
            "the facts contradict each other: {} facts cannot hold together (no conflict was looked for)",
            facts.len()
        );
        for &f in facts {
            if let Some(fact) = model.facts.get(f) {
                let p = place(model, fact.formula.loc);
                let _ = writeln!(out, "  fact {}", fact.formula.text);
                let _ = writeln!(out, "    at {}:{}:{}", p.file, p.line, p.column);
                let _ = writeln!(out, "    | {}", p.text);
            }
        }
        return out;
    }
    if report.conflicts.is_empty() && !report.truncated {
        let _ = writeln!(out, "treaty {name}: no conflict");
        if let Some(w) = &report.witness {
            if !w.is_empty() {
                let parts: Vec<String> = w
                    .iter()
                    .map(|(v, val)| {
                        let var = model.vars.get(*v).map_or("?", |v| v.name.as_str());
                        format!("{var} = {}", value_text(val))
                    })
                    .collect();
                let _ = writeln!(out, "  for example: {}", parts.join(", "));
            }
        }
        return out;
    }
    let n = report.conflicts.len();
    let _ = writeln!(
        out,
        "treaty {name}: {n} conflict{}{}",
        if n == 1 { "" } else { "s" },
        if report.truncated {
            " shown, and there are more (limit reached)"
        } else {
            ""
        }
    );
    for c in &report.conflicts {
        let _ = writeln!(out);
        let k = c.items.len();
        let _ = writeln!(
            out,
            "conflict {}: {k} item{} cannot hold together",
            c.id,
            if k == 1 { "" } else { "s" }
        );
        for item in &c.items {
            let _ = writeln!(out, "  {}", item_heading(model, item));
            let p = place(model, item_loc(model, item));
            let _ = writeln!(out, "    at {}:{}:{}", p.file, p.line, p.column);
            let _ = writeln!(out, "    | {}", p.text);
        }
        if let Some(r) = &c.reason {
            let _ = writeln!(out, "  reason: {r}");
        }
    }
    out
}

fn item_heading(model: &Model, item: &ConflictItem) -> String {
    match item {
        ConflictItem::Clause(r) => {
            let c = model.clause(*r);
            let t = &model.treaties[r.treaty].id;
            match &c.title {
                Some(title) => format!("clause {} \"{title}\" of {t}", c.id),
                None => format!("clause {} of {t}", c.id),
            }
        }
        ConflictItem::RedLine { position, index } => {
            let p = &model.positions[*position];
            let (label, kind) = p
                .red_lines
                .get(*index)
                .map_or(("?", RedLineKind::Must), |l| (l.label.as_str(), l.kind));
            let word = match kind {
                RedLineKind::Must => "red line",
                RedLineKind::Possible => "possible red line",
            };
            let hs = holders(model, *position);
            const SHOWN: usize = 5;
            let mut held = hs
                .iter()
                .take(SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if hs.len() > SHOWN {
                let _ = write!(held, " and {} more", hs.len() - SHOWN);
            }
            format!("{word} \"{label}\" of position {} (held by {held})", p.id)
        }
    }
}

/// JSON wire form of one treaty's consistency analysis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsistencyJson {
    pub treaty: String,
    /// `consistent`, `conflicts`, `facts_contradiction` or `unknown`.
    pub status: &'static str,
    pub facts_contradiction: Option<Vec<FactJson>>,
    pub conflicts: Vec<ConflictJson>,
    pub truncated: bool,
    pub witness: Option<Vec<AssignmentJson>>,
    pub unknown: Option<UnknownJson>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactJson {
    pub formula: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConflictJson {
    pub id: String,
    pub items: Vec<ItemJson>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemJson {
    Clause {
        treaty: String,
        id: String,
        title: Option<String>,
        file: String,
        line: usize,
        column: usize,
        text: String,
    },
    RedLine {
        position: String,
        label: String,
        /// `must` or `possible`.
        strength: RedLineKind,
        holders: Vec<String>,
        file: String,
        line: usize,
        column: usize,
        text: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssignmentJson {
    pub var: String,
    pub value: ValueJson,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ValueJson {
    Bool(bool),
    Int(i128),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnknownJson {
    pub query: String,
    pub reason: String,
}

fn item_json(model: &Model, item: &ConflictItem) -> ItemJson {
    let p = place(model, item_loc(model, item));
    match item {
        ConflictItem::Clause(r) => {
            let c = model.clause(*r);
            ItemJson::Clause {
                treaty: model.treaties[r.treaty].id.clone(),
                id: c.id.clone(),
                title: c.title.clone(),
                file: p.file,
                line: p.line,
                column: p.column,
                text: p.text,
            }
        }
        ConflictItem::RedLine { position, index } => {
            let pos = &model.positions[*position];
            let (label, strength) = pos
                .red_lines
                .get(*index)
                .map_or((String::new(), RedLineKind::Must), |l| {
                    (l.label.clone(), l.kind)
                });
            ItemJson::RedLine {
                position: pos.id.clone(),
                label,
                strength,
                holders: holders(model, *position),
                file: p.file,
                line: p.line,
                column: p.column,
                text: p.text,
            }
        }
    }
}

/// The JSON wire form of one treaty's consistency analysis.
pub fn to_json(model: &Model, treaty: TreatyId, outcome: &Consistency) -> ConsistencyJson {
    let name = model
        .treaties
        .get(treaty)
        .map_or_else(String::new, |t| t.id.clone());
    let report: &ConsistencyReport = match outcome {
        Consistency::Unknown { query, reason } => {
            return ConsistencyJson {
                treaty: name,
                status: "unknown",
                facts_contradiction: None,
                conflicts: Vec::new(),
                truncated: false,
                witness: None,
                unknown: Some(UnknownJson {
                    query: query.clone(),
                    reason: reason.clone(),
                }),
            }
        }
        Consistency::Checked(r) => r,
    };
    let facts = report.facts_contradiction.as_ref().map(|fs| {
        fs.iter()
            .filter_map(|&f| model.facts.get(f))
            .map(|fact| {
                let p = place(model, fact.formula.loc);
                FactJson {
                    formula: fact.formula.text.clone(),
                    file: p.file,
                    line: p.line,
                    column: p.column,
                    text: p.text,
                }
            })
            .collect()
    });
    let status = if facts.is_some() {
        "facts_contradiction"
    } else if report.conflicts.is_empty() && !report.truncated {
        "consistent"
    } else {
        "conflicts"
    };
    ConsistencyJson {
        treaty: name,
        status,
        facts_contradiction: facts,
        conflicts: report
            .conflicts
            .iter()
            .map(|c| ConflictJson {
                id: c.id.clone(),
                items: c.items.iter().map(|i| item_json(model, i)).collect(),
                reason: c.reason.clone(),
            })
            .collect(),
        truncated: report.truncated,
        witness: report.witness.as_ref().map(|w| {
            w.iter()
                .map(|(v, val)| AssignmentJson {
                    var: model
                        .vars
                        .get(*v)
                        .map_or_else(String::new, |v| v.name.clone()),
                    value: match val {
                        Value::Bool(b) => ValueJson::Bool(*b),
                        Value::Int(i) => ValueJson::Int(*i),
                    },
                })
                .collect()
        }),
        unknown: None,
    }
}
