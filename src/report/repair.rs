//! The report of `treaty repair`: every minimal correction set of each treaty's content,
//! ranked, with who concedes and the verdict after it. Built once (`doc`), then printed as
//! JSON (version 1, docs/json.md) or rendered as human text (`human`) from the document
//! only, so both say the same facts in the same order.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;

use super::loaded::{place, Place};
use super::wire::WinOverOut;
use crate::analysis::repair::{Concession, Repairs};
use crate::analysis::TreatyAnalysis;
use crate::model::names::{actor_ids, clause_name, item_name};
use crate::model::{ConflictItem, Model, RedLineKind};

/// The version of this format; bumped on any incompatible change.
pub const VERSION: u32 = 1;

#[derive(Serialize, JsonSchema)]
pub struct RepairDoc {
    pub version: u32,
    pub treaties: Vec<TreatyRepairsOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct TreatyRepairsOut {
    pub treaty: String,
    pub title: Option<String>,
    #[serde(flatten)]
    pub at: Place,
    /// The treaty as it is.
    pub before: VerdictOut,
    /// The facts contradict each other: no repair is possible (`repairs` is empty).
    pub facts_contradiction: bool,
    /// Something needs repairing (else `repairs` holds one empty repair).
    pub needed: bool,
    /// Every minimal correction set is listed (`false`: cut by `--max-repairs`).
    pub complete: bool,
    /// The conflicts a repair must break: clause-only ones and those of one actor.
    pub conflicts: Vec<Vec<String>>,
    /// The guaranteed red lines the whole text leaves open (every repair drops them).
    pub unguaranteed: Vec<String>,
    pub repairs: Vec<RepairOut>,
    /// The clauses blocked as the text stands, with who must be won over to pass each (a
    /// content repair removes no veto and no missing vote: docs/semantics.md, "Winning over").
    pub to_pass: Vec<ToPassOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct ToPassOut {
    pub clause: String,
    pub win_over: WinOverOut,
}

/// A verdict: the treaty as it is, or after a repair.
#[derive(Serialize, JsonSchema)]
pub struct VerdictOut {
    pub feasible: bool,
    pub clauses: usize,
    /// The clauses that cannot be adopted.
    pub blocked: Vec<String>,
    pub refusing_parties: Vec<String>,
    /// Minimal conflicts listed by the analysis (after a repair: of red lines only, or
    /// of red lines of several actors, which make nobody object).
    pub conflicts: usize,
}

#[derive(Serialize, JsonSchema)]
pub struct RepairOut {
    /// `R1`, `R2`, ... in rank order.
    pub id: String,
    /// `drafters` (clauses only), `holders` (red lines only) or `both`.
    pub concession: &'static str,
    /// The holders of the red lines dropped.
    pub holders: Vec<String>,
    pub items: Vec<RepairItemOut>,
    /// The treaty re-analysed without the items.
    pub after: VerdictOut,
}

#[derive(Serialize, JsonSchema)]
pub struct RepairItemOut {
    /// `clause` or `red_line`.
    #[schemars(extend("enum" = ["clause", "red_line"]))]
    pub kind: &'static str,
    /// `clause 6` or `POSITION."label"`.
    pub name: String,
    /// For a red line: `must`, `possible` or `guaranteed`.
    pub red_line: Option<&'static str>,
    /// The clause's formulas, or the red line's formula.
    pub formulas: Vec<String>,
    /// For a red line: its holders.
    pub holders: Vec<String>,
    #[serde(flatten)]
    pub at: Place,
}

fn verdict(model: &Model, a: &TreatyAnalysis) -> VerdictOut {
    VerdictOut {
        feasible: a.feasible,
        clauses: a.clauses.len(),
        blocked: a
            .clauses
            .iter()
            .filter(|c| !c.adoptable)
            .map(|c| clause_name(model, c.clause))
            .collect(),
        refusing_parties: actor_ids(model, &a.refusing_parties),
        conflicts: a.consistency.conflicts.len(),
    }
}

fn item(model: &Model, i: &ConflictItem) -> RepairItemOut {
    let name = item_name(model, i);
    match i {
        ConflictItem::Clause(c) => {
            let cl = model.clause(*c);
            RepairItemOut {
                kind: "clause",
                name,
                red_line: None,
                formulas: cl.formulas.iter().map(|f| f.text.clone()).collect(),
                holders: Vec::new(),
                at: place(model, cl.loc),
            }
        }
        ConflictItem::RedLine { position, index } => {
            let p = &model.positions[*position];
            let r = &p.red_lines[*index];
            RepairItemOut {
                kind: "red_line",
                name,
                red_line: Some(match r.kind {
                    RedLineKind::Must => "must",
                    RedLineKind::Possible => "possible",
                    RedLineKind::Guaranteed => "guaranteed",
                }),
                formulas: vec![r.formula.text.clone()],
                holders: actor_ids(model, &p.held_by),
                at: place(model, r.loc),
            }
        }
    }
}

/// The document of one run, treaties in the order given.
pub fn doc(model: &Model, all: &[Repairs]) -> RepairDoc {
    RepairDoc {
        version: VERSION,
        treaties: all.iter().map(|r| treaty(model, r)).collect(),
    }
}

fn treaty(model: &Model, r: &Repairs) -> TreatyRepairsOut {
    let t = &model.treaties[r.treaty];
    TreatyRepairsOut {
        treaty: t.id.clone(),
        title: t.title.clone(),
        at: place(model, t.loc),
        before: verdict(model, &r.before),
        facts_contradiction: r.facts_contradiction,
        needed: !r.none_needed(),
        complete: r.complete,
        conflicts: r
            .conflicts
            .iter()
            .map(|c| c.iter().map(|i| item_name(model, i)).collect())
            .collect(),
        unguaranteed: r.unguaranteed.iter().map(|i| item_name(model, i)).collect(),
        repairs: r
            .repairs
            .iter()
            .enumerate()
            .map(|(k, rep)| RepairOut {
                id: format!("R{}", k + 1),
                concession: match rep.concession {
                    Concession::Drafters => "drafters",
                    Concession::Holders => "holders",
                    Concession::Both => "both",
                },
                holders: actor_ids(model, &rep.holders),
                items: rep.items.iter().map(|i| item(model, i)).collect(),
                after: verdict(model, &rep.after),
            })
            .collect(),
        to_pass: r
            .before
            .clauses
            .iter()
            .zip(&r.before.win_over.clauses)
            .filter_map(|(s, w)| {
                Some(ToPassOut {
                    clause: clause_name(model, s.clause),
                    win_over: super::wire::win_over(model, w.as_ref()?),
                })
            })
            .collect(),
    }
}

fn verdict_text(v: &VerdictOut) -> String {
    let refusing = if v.refusing_parties.is_empty() {
        String::new()
    } else {
        format!(
            ", parties refusing to sign: {}",
            v.refusing_parties.join(", ")
        )
    };
    format!(
        "{} — {} of {} clauses blocked{refusing}",
        if v.feasible { "feasible" } else { "INFEASIBLE" },
        v.blocked.len(),
        v.clauses
    )
}

fn after_text(v: &VerdictOut) -> String {
    if v.feasible {
        "no content finding left; verdict feasible".to_string()
    } else {
        format!(
            "no content finding left; still INFEASIBLE: {} of {} clauses blocked by votes or procedures: {} (a content repair removes no veto)",
            v.blocked.len(),
            v.clauses,
            shortlist(&v.blocked)
        )
    }
}

fn shortlist(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("clause {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        let _ = write!(s, " and {} more", names.len() - SHOWN);
    }
    s
}

/// The human text of the document.
pub fn human(d: &RepairDoc) -> String {
    let mut o = String::new();
    for (k, t) in d.treaties.iter().enumerate() {
        if k > 0 {
            o.push('\n');
        }
        let title = t
            .title
            .as_ref()
            .map(|s| format!(" \"{s}\""))
            .unwrap_or_default();
        let _ = writeln!(o, "treaty {}{title}  ({})", t.treaty, t.at);
        let _ = writeln!(o, "verdict: {}", verdict_text(&t.before));
        if t.facts_contradiction {
            let _ = writeln!(
                o,
                "repairs: none possible — the facts contradict each other, and dropping clauses or red lines cannot change that"
            );
            continue;
        }
        if !t.needed {
            let _ = writeln!(
                o,
                "repairs: none needed — the clauses hold together with the facts, no actor's red lines are violated and every guaranteed red line is guaranteed"
            );
            continue;
        }
        let mut content = match t.conflicts.len() {
            0 => "content: no conflict to break".to_string(),
            1 => "content: 1 conflict to break".to_string(),
            n => format!("content: {n} conflicts to break"),
        };
        if !t.unguaranteed.is_empty() {
            let _ = write!(
                content,
                "; not guaranteed by the whole text, so dropped by every repair: {}",
                t.unguaranteed.join(", ")
            );
        }
        let _ = writeln!(o, "{content}");
        let _ = writeln!(
            o,
            "\nrepairs ({}{}, {})",
            if t.complete { "" } else { "at least " },
            t.repairs.len(),
            if t.complete {
                "complete"
            } else {
                "cut by --max-repairs: the smallest are listed"
            }
        );
        for r in &t.repairs {
            let names: Vec<&str> = r.items.iter().map(|i| i.name.as_str()).collect();
            let who = match r.concession {
                "drafters" => "the drafters concede".to_string(),
                "holders" => format!(
                    "{} {}",
                    r.holders.join(", "),
                    if r.holders.len() == 1 {
                        "concedes"
                    } else {
                        "concede"
                    }
                ),
                _ => format!("the drafters and {} concede", r.holders.join(", ")),
            };
            let _ = writeln!(
                o,
                "  {}: drop {} — {who} — after: {}",
                r.id,
                names.join(", "),
                after_text(&r.after)
            );
            for i in &r.items {
                let _ = writeln!(
                    o,
                    "      {}  {}:{}  {}",
                    i.name,
                    i.at.file,
                    i.at.line,
                    i.formulas.join("; ")
                );
            }
        }
        if !t.to_pass.is_empty() {
            let _ = writeln!(
                o,
                "\nto pass the blocked clauses as the text stands (a content repair removes no veto)"
            );
            for p in &t.to_pass {
                let _ = writeln!(
                    o,
                    "  clause {}: {}",
                    p.clause,
                    super::check::win_over_text(&p.win_over)
                );
            }
        }
    }
    o
}
