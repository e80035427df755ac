//! `treaty scenarios`: one row per scenario (the base model first) and treaty: the verdict,
//! the blocked clauses, the number of conflicts, the parties that do not sign, and what the
//! scenario's analysis reused; and the conditional answer of `--assume` (`given`). Human
//! text and JSON say the same facts in the same order.

use schemars::JsonSchema;
use serde::Serialize;

use crate::analysis::given::Given;
use crate::analysis::reuse::{Reused, ScenarioAnalyses};
use crate::analysis::{Analyses, Decider, TreatyAnalysis};
use crate::model::names::{actor_ids, clause_name};
use crate::model::{Ballot, Model};

/// Version of the `treaty scenarios` document.
pub const VERSION: u32 = 1;

#[derive(Serialize, JsonSchema)]
pub struct ScenariosDoc {
    pub version: u32,
    pub rows: Vec<RowOut>,
}

/// One treaty in one scenario (`scenario` null: the files as they are).
#[derive(Serialize, JsonSchema)]
pub struct RowOut {
    pub scenario: Option<String>,
    pub title: Option<String>,
    pub treaty: String,
    /// `feasible`, `infeasible`, or `undecided` (the solver gave up: nothing else is said).
    #[schemars(extend("enum" = ["feasible", "infeasible", "undecided"]))]
    pub verdict: &'static str,
    /// The clauses that cannot be adopted, in treaty order.
    pub blocked: Vec<String>,
    /// Listed minimal conflicts (`conflicts_truncated`: the listing was cut).
    pub conflicts: usize,
    pub conflicts_truncated: bool,
    /// Parties that do not sign.
    pub refusing: Vec<String>,
    /// What the analysis took from the base's (`null` for the base itself).
    pub reused: Option<Reused>,
}

fn row(
    model: &Model,
    scenario: Option<(&str, Option<&str>)>,
    a: &TreatyAnalysis,
    reused: Option<Reused>,
) -> RowOut {
    RowOut {
        scenario: scenario.map(|(s, _)| s.to_string()),
        title: scenario.and_then(|(_, t)| t.map(str::to_string)),
        treaty: model.treaties[a.treaty].id.clone(),
        verdict: if a.feasible { "feasible" } else { "infeasible" },
        blocked: a
            .clauses
            .iter()
            .filter(|c| !c.adoptable)
            .map(|c| clause_name(model, c.clause))
            .collect(),
        conflicts: a.consistency.conflicts.len(),
        conflicts_truncated: a.consistency.truncated,
        refusing: actor_ids(model, &a.refusing_parties),
        reused,
    }
}

fn rows(
    model: &Model,
    scenario: Option<(&str, Option<&str>)>,
    analyses: &Analyses,
    reused: &[Reused],
    out: &mut Vec<RowOut>,
) {
    let mut all: Vec<RowOut> = analyses
        .decided
        .iter()
        .enumerate()
        .map(|(i, a)| row(model, scenario, a, reused.get(i).copied()))
        .collect();
    for (t, _) in &analyses.undecided {
        all.push(RowOut {
            scenario: scenario.map(|(s, _)| s.to_string()),
            title: scenario.and_then(|(_, t)| t.map(str::to_string)),
            treaty: model.treaties[*t].id.clone(),
            verdict: "undecided",
            blocked: Vec::new(),
            conflicts: 0,
            conflicts_truncated: false,
            refusing: Vec::new(),
            reused: None,
        });
    }
    // Treaty order, whatever was decided.
    all.sort_by_key(|r| model.treaty_id(&r.treaty).map_or(usize::MAX, |t| t.index()));
    out.extend(all);
}

/// The document of `treaty scenarios`.
pub fn doc(model: &Model, base: &Analyses, scenarios: &[ScenarioAnalyses]) -> ScenariosDoc {
    let mut out = Vec::new();
    rows(model, None, base, &[], &mut out);
    for s in scenarios {
        let sc = &model.scenarios[s.scenario];
        rows(
            &sc.model,
            Some((&sc.id, sc.title.as_deref())),
            &s.analyses,
            &s.reused,
            &mut out,
        );
    }
    ScenariosDoc {
        version: VERSION,
        rows: out,
    }
}

fn ids_text(ids: &[String]) -> String {
    if ids.is_empty() {
        "-".to_string()
    } else {
        ids.join(", ")
    }
}

/// The table, one line per row, columns aligned.
pub fn human(doc: &ScenariosDoc) -> String {
    let header = [
        "scenario",
        "treaty",
        "verdict",
        "blocked",
        "conflicts",
        "refusing",
    ];
    let mut lines: Vec<[String; 6]> = vec![header.map(str::to_string)];
    for r in &doc.rows {
        let blocked = if r.blocked.is_empty() {
            "0".to_string()
        } else {
            format!("{}: {}", r.blocked.len(), r.blocked.join(", "))
        };
        let conflicts = format!(
            "{}{}",
            r.conflicts,
            if r.conflicts_truncated { "+" } else { "" }
        );
        lines.push([
            r.scenario
                .clone()
                .unwrap_or_else(|| "(as written)".to_string()),
            r.treaty.clone(),
            r.verdict.to_string(),
            if r.verdict == "undecided" {
                "?".to_string()
            } else {
                blocked
            },
            if r.verdict == "undecided" {
                "?".to_string()
            } else {
                conflicts
            },
            if r.verdict == "undecided" {
                "?".to_string()
            } else {
                ids_text(&r.refusing)
            },
        ]);
    }
    let mut widths = [0usize; 6];
    for l in &lines {
        for (w, cell) in widths.iter_mut().zip(l) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for l in &lines {
        let mut line = String::new();
        for (k, (cell, w)) in l.iter().zip(widths).enumerate() {
            if k + 1 == l.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  "));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let titled: Vec<&RowOut> = doc.rows.iter().filter(|r| r.title.is_some()).collect();
    let mut seen: Vec<&str> = Vec::new();
    for r in titled {
        if let (Some(s), Some(t)) = (&r.scenario, &r.title) {
            if !seen.contains(&s.as_str()) {
                if seen.is_empty() {
                    out.push('\n');
                }
                seen.push(s);
                out.push_str(&format!("{s}: {t}\n"));
            }
        }
    }
    out
}

/// The conditional answer of one decision, as data.
#[derive(Clone, Serialize, JsonSchema)]
pub struct GivenOut {
    pub treaty: String,
    pub clause: String,
    /// `EU by qmv`, or a body's default rule as `EU`.
    pub decision: String,
    pub assumed: Vec<AssumedOut>,
    /// It can still pass with the assumed (and every other fixed) ballots.
    pub can_pass: bool,
    /// When it cannot: a smallest group of the withholding voters that blocks it.
    pub blocked_by: Vec<String>,
    /// When it can: the fewest other voters whose withholding blocks it (`null`: not even
    /// all of them).
    pub joining_block: Option<Vec<String>>,
    /// When it can: the other voters who block it alone.
    pub alone: Vec<String>,
}

#[derive(Clone, Serialize, JsonSchema)]
pub struct AssumedOut {
    pub actor: String,
    pub ballot: Ballot,
}

/// The wire form of the conditional answers of one treaty.
pub fn given_out(model: &Model, a: &TreatyAnalysis, given: &[Given]) -> Vec<GivenOut> {
    given
        .iter()
        .filter_map(|g| {
            let d = a.decisions.get(g.decision)?;
            let decision = match d.decider {
                Decider::Body { body, rule } => {
                    let b = &model.bodies[body];
                    match rule {
                        crate::model::RuleId::Default => b.id.clone(),
                        r => format!("{} by {}", b.id, b.rule(r).name),
                    }
                }
                Decider::Consent { actor } => model.actors[actor].id.clone(),
            };
            Some(GivenOut {
                treaty: model.treaties[a.treaty].id.clone(),
                clause: clause_name(model, d.clause),
                decision,
                assumed: g
                    .assumed
                    .iter()
                    .map(|&(actor, ballot)| AssumedOut {
                        actor: model.actors[actor].id.clone(),
                        ballot,
                    })
                    .collect(),
                can_pass: g.can_pass,
                blocked_by: actor_ids(model, &g.blockers),
                joining_block: g.joining.as_deref().map(|j| actor_ids(model, j)),
                alone: actor_ids(model, &g.alone),
            })
        })
        .collect()
}

fn ballot_word(b: Ballot) -> &'static str {
    match b {
        Ballot::Yes => "yes",
        Ballot::No => "no",
        Ballot::Abstain => "abstain",
        Ballot::Absent => "stay away",
    }
}

fn and_list(ids: &[String]) -> String {
    match ids {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "given HUN and SVK vote no, DEU and FRA joining them block; no one else alone", one
/// line per decision.
pub fn given_human(given: &[GivenOut]) -> String {
    if given.is_empty() {
        return String::new();
    }
    let mut out = String::from("Given the assumed ballots:\n");
    for g in given {
        // Actors grouped by ballot, in order of first appearance.
        let mut groups: Vec<(Ballot, Vec<String>)> = Vec::new();
        for a in &g.assumed {
            match groups.iter_mut().find(|(b, _)| *b == a.ballot) {
                Some((_, ids)) => ids.push(a.actor.clone()),
                None => groups.push((a.ballot, vec![a.actor.clone()])),
            }
        }
        let given_text = groups
            .iter()
            .map(|(b, ids)| {
                let verb = if ids.len() == 1 { "votes" } else { "vote" };
                let verb = match b {
                    Ballot::Abstain | Ballot::Absent if ids.len() == 1 => "",
                    _ => verb,
                };
                match (b, verb) {
                    (Ballot::Abstain, "") => format!("{} abstains", and_list(ids)),
                    (Ballot::Absent, "") => format!("{} stays away", and_list(ids)),
                    (Ballot::Abstain, _) => format!("{} abstain", and_list(ids)),
                    (Ballot::Absent, _) => format!("{} stay away", and_list(ids)),
                    _ => format!("{} {verb} {}", and_list(ids), ballot_word(*b)),
                }
            })
            .collect::<Vec<_>>()
            .join(" and ");
        let answer = if !g.can_pass {
            format!("blocked by {}", and_list(&g.blocked_by))
        } else {
            let joining = match &g.joining_block {
                Some(j) if j.is_empty() => "already blocked".to_string(),
                Some(j) => format!("{} joining them block", and_list(j)),
                None => "no one else can block it".to_string(),
            };
            let alone = if g.alone.is_empty() {
                "no one else alone".to_string()
            } else {
                format!("{} alone can block", and_list(&g.alone))
            };
            format!("{joining}; {alone}")
        };
        out.push_str(&format!(
            "  clause {} ({}): given {given_text}, {answer}\n",
            g.clause, g.decision
        ));
    }
    out.push('\n');
    out
}
