//! The report document of `treaty check` and `treaty vetoes`: built once from the analyses,
//! then printed as JSON (version 1) or rendered as human text by `report::check`, so both
//! carry the same facts in the same order by construction.
//!
//! These are types of their own, separate from the model and the analyses, so that the
//! JSON changes only on purpose. Field order is declaration order; lists keep the
//! analyses' stable order. Fields marked `#[serde(skip)]` serve the human text only
//! (source excerpts, rule texts) and are not part of the JSON format.

use std::collections::BTreeMap;

use serde::Serialize;

use super::loaded::{place, requirement, LoadedOut, Place, RequirementOut};
use crate::analysis::{Analyses, Decider, Decision, NoReason, Objection, TreatyAnalysis};
use crate::model::display::rule_text;
use crate::model::eval::Value;
use crate::model::names::{actor_ids, clause_name, member_name};
use crate::model::{ConflictItem, Loc, Model, PositionId, RedLineKind};
use crate::solve::Conflict;
use crate::voting::Vote;

/// The version of this format; bumped on any incompatible change.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
pub struct CheckDoc {
    pub version: u32,
    pub treaties: Vec<TreatyOut>,
    /// Treaties the solver gave up on (absent when there is none): nothing about them is
    /// concluded but what `found_so_far` says.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<UndecidedOut>,
    /// What was loaded (the `--list` listing as data).
    pub loaded: LoadedOut,
}

#[derive(Serialize)]
pub struct VetoesDoc {
    pub version: u32,
    pub treaties: Vec<TreatyDecisionsOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<UndecidedOut>,
}

/// A treaty whose analysis the solver gave up on.
#[derive(Serialize)]
pub struct UndecidedOut {
    pub treaty: String,
    /// The question it gave up on, in words, and why (`timeout`, a resource limit, ...).
    pub query: String,
    pub reason: String,
    /// What was established before it gave up (e.g. conflicts found so far).
    pub found_so_far: Vec<String>,
    #[serde(skip)]
    pub title: Option<String>,
    #[serde(skip)]
    pub at: Place,
}

#[derive(Serialize)]
pub struct TreatyDecisionsOut {
    pub treaty: String,
    pub decisions: Vec<DecisionOut>,
}

#[derive(Serialize)]
pub struct TreatyOut {
    pub treaty: String,
    /// `feasible` or `infeasible`.
    pub verdict: &'static str,
    /// The facts that contradict each other, when they do (then nothing else is checked).
    pub facts_contradiction: Option<Vec<FactOut>>,
    pub conflicts: Vec<ConflictOut>,
    /// `--max-conflicts` cut the list: more conflicts exist.
    pub conflicts_truncated: bool,
    /// Values satisfying everything, when nothing conflicts (re-checked), by variable name.
    pub witness: Option<BTreeMap<String, serde_json::Value>>,
    /// Every actor whose red lines the treaty violates: the clauses it objects to, and
    /// whether it rejects the package.
    pub objections: Vec<ObjectionOut>,
    pub refusing_parties: Vec<String>,
    pub decisions: Vec<DecisionOut>,
    pub clauses: Vec<ClauseOut>,
    pub vetoes_by_actor: Vec<VetoesOut>,
    pub summary: SummaryOut,
    #[serde(skip)]
    pub title: Option<String>,
    #[serde(skip)]
    pub at: Place,
}

#[derive(Serialize)]
pub struct FactOut {
    pub formula: String,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize)]
pub struct ConflictOut {
    /// `C1`, `C2`, ... in the order listed.
    pub id: String,
    pub reason: Option<String>,
    pub items: Vec<ItemOut>,
    /// A minimal set of facts the conflict relies on.
    pub facts: Vec<FactOut>,
}

/// One line of a source file, as quoted under a conflict's item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLine {
    /// 1-based line number.
    pub line: usize,
    pub text: String,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemOut {
    Clause {
        treaty: String,
        id: String,
        title: Option<String>,
        formulas: Vec<String>,
        doc: Option<String>,
        #[serde(flatten)]
        at: Place,
        /// `clause 7` (`clause Plan28.7` when several treaties are loaded).
        #[serde(skip)]
        name: String,
        /// The clause's line, then its formulas written on other lines.
        #[serde(skip)]
        excerpt: Vec<SourceLine>,
    },
    RedLine {
        position: String,
        label: String,
        possible: bool,
        formula: String,
        holders: Vec<String>,
        doc: Option<String>,
        #[serde(flatten)]
        at: Place,
        /// `POSITION."label"`.
        #[serde(skip)]
        name: String,
        #[serde(skip)]
        excerpt: Vec<SourceLine>,
    },
}

#[derive(Serialize, Clone, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReasonOut {
    /// A direct no: the clause is in conflict `conflict` with red lines of `position`.
    RedLine {
        position: String,
        conflict: String,
        /// Those red lines, `POSITION."label"`.
        #[serde(skip)]
        lines: Vec<String>,
    },
    /// A knock-on no: `position` says `rejects package`, and the treaty violates the
    /// actor's red lines, as `conflicts` show (none of them holds this clause).
    Package {
        position: String,
        conflicts: Vec<String>,
    },
    /// `position` opposes the clause.
    Opposes { position: String },
}

/// An actor whose red lines the treaty violates.
#[derive(Serialize)]
pub struct ObjectionOut {
    pub actor: String,
    /// The clauses it objects to (it votes no on their decisions), each with why.
    pub clauses: Vec<ObjectedClauseOut>,
    /// The positions it holds that say `rejects package` (then it votes no on every
    /// decision of the treaty); empty when it votes no only on the clauses it objects to.
    pub rejects_package: Vec<String>,
    /// The listed conflicts that show its red lines violated.
    pub conflicts: Vec<String>,
}

#[derive(Serialize)]
pub struct ObjectedClauseOut {
    pub clause: String,
    /// `red_line` reasons: each listed conflict with this clause and the actor's red lines.
    pub because: Vec<ReasonOut>,
}

/// A no vote in a decision, with why: `knock_on` when every reason is a package rejection
/// (the actor does not object to this clause itself), else a direct no.
#[derive(Serialize)]
pub struct BlockerOut {
    pub actor: String,
    pub knock_on: bool,
    pub because: Vec<ReasonOut>,
}

#[derive(Serialize)]
pub struct DecisionOut {
    pub clause: String,
    /// `body` (a vote of `body` under `rule`) or `consent` (of the actor `actor`).
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// `can_pass` or `blocked`, given the fixed votes.
    pub status: &'static str,
    pub fixed_yes: Vec<String>,
    pub fixed_no: Vec<String>,
    /// With every vote free: who can sink it alone.
    pub veto_players: Vec<String>,
    /// With every vote free: the fewest who can sink it together (`null`: nobody can).
    pub smallest_blocking_coalition: Option<Vec<String>>,
    /// When blocked: a smallest group of the no votes that blocks on its own, with reasons.
    pub blocked_by: Vec<BlockerOut>,
    /// Every fixed no vote, in member order, with reasons.
    pub no_votes: Vec<BlockerOut>,
    /// The rule in words (empty for a consent).
    #[serde(skip)]
    pub rule_text: String,
    /// How many vote.
    #[serde(skip)]
    pub voters: usize,
}

#[derive(Serialize)]
pub struct ClauseOut {
    pub clause: String,
    pub adoptable: bool,
    /// Its content contradicts the facts on its own.
    pub contradictory: bool,
    pub vetoes: Vec<String>,
    pub non_parties: Vec<String>,
    /// What it requires, in source order.
    #[serde(skip)]
    pub requires: Vec<RequirementOut>,
}

#[derive(Serialize)]
pub struct VetoesOut {
    pub actor: String,
    pub clauses: Vec<String>,
}

#[derive(Serialize)]
pub struct SummaryOut {
    pub clauses: usize,
    pub adoptable: usize,
    pub blocked: usize,
    pub conflicts: usize,
    pub clauses_needing_non_parties: usize,
}

/// The document of `treaty check`.
pub fn check(model: &Model, analyses: &Analyses) -> CheckDoc {
    CheckDoc {
        version: VERSION,
        treaties: analyses.decided.iter().map(|a| treaty(model, a)).collect(),
        undecided: undecided(model, analyses),
        loaded: super::loaded::loaded(model),
    }
}

/// The document of `treaty vetoes`.
pub fn vetoes(model: &Model, analyses: &Analyses) -> VetoesDoc {
    VetoesDoc {
        version: VERSION,
        treaties: analyses
            .decided
            .iter()
            .map(|a| TreatyDecisionsOut {
                treaty: model.treaties[a.treaty].id.clone(),
                decisions: a.decisions.iter().map(|d| decision(model, a, d)).collect(),
            })
            .collect(),
        undecided: undecided(model, analyses),
    }
}

fn undecided(model: &Model, analyses: &Analyses) -> Vec<UndecidedOut> {
    analyses
        .undecided
        .iter()
        .map(|(t, g)| {
            let t = &model.treaties[*t];
            UndecidedOut {
                treaty: t.id.clone(),
                query: g.query.clone(),
                reason: g.reason.clone(),
                found_so_far: g.found.clone(),
                title: t.title.clone(),
                at: place(model, t.loc),
            }
        })
        .collect()
}

fn treaty(model: &Model, a: &TreatyAnalysis) -> TreatyOut {
    let c = &a.consistency;
    let t = &model.treaties[a.treaty];
    TreatyOut {
        treaty: t.id.clone(),
        verdict: if a.feasible { "feasible" } else { "infeasible" },
        facts_contradiction: c
            .facts_contradiction
            .as_ref()
            .map(|fs| fs.iter().map(|&f| fact(model, f)).collect()),
        conflicts: c
            .conflicts
            .iter()
            .map(|x| ConflictOut {
                id: x.id.clone(),
                reason: x.reason.clone(),
                items: x.items.iter().map(|i| item(model, i)).collect(),
                facts: x.facts.iter().map(|&f| fact(model, f)).collect(),
            })
            .collect(),
        conflicts_truncated: c.truncated,
        witness: c.witness.as_ref().map(|w| {
            w.iter()
                .map(|(v, x)| (model.vars[*v].name.clone(), value(x)))
                .collect()
        }),
        objections: a
            .objections
            .iter()
            .map(|o| objection(model, &c.conflicts, o))
            .collect(),
        refusing_parties: actor_ids(model, &a.refusing_parties),
        decisions: a.decisions.iter().map(|d| decision(model, a, d)).collect(),
        clauses: a
            .clauses
            .iter()
            .map(|s| ClauseOut {
                clause: clause_name(model, s.clause),
                adoptable: s.adoptable,
                contradictory: s.contradictory,
                vetoes: actor_ids(model, &s.vetoes),
                non_parties: actor_ids(model, &s.non_parties),
                requires: model
                    .clause(s.clause)
                    .requires
                    .iter()
                    .map(|r| requirement(model, r))
                    .collect(),
            })
            .collect(),
        vetoes_by_actor: a
            .vetoes_by_actor()
            .iter()
            .map(|(actor, cs)| VetoesOut {
                actor: model.actors[*actor].id.clone(),
                clauses: cs.iter().map(|c| clause_name(model, *c)).collect(),
            })
            .collect(),
        summary: summary(a),
        title: t.title.clone(),
        at: place(model, t.loc),
    }
}

fn summary(a: &TreatyAnalysis) -> SummaryOut {
    let adoptable = a.clauses.iter().filter(|s| s.adoptable).count();
    SummaryOut {
        clauses: a.clauses.len(),
        adoptable,
        blocked: a.clauses.len() - adoptable,
        conflicts: a.consistency.conflicts.len(),
        clauses_needing_non_parties: a
            .clauses
            .iter()
            .filter(|s| !s.non_parties.is_empty())
            .count(),
    }
}

fn fact(model: &Model, f: usize) -> FactOut {
    let fact = &model.facts[f];
    FactOut {
        formula: fact.formula.text.clone(),
        at: place(model, fact.formula.loc),
    }
}

/// The source line at `loc`, trimmed.
fn source_line(model: &Model, loc: Loc) -> SourceLine {
    let f = &model.files[loc.file];
    let (line, _) = f.line_col(loc.span.start);
    SourceLine {
        line,
        text: f.line_text(line).trim().to_string(),
    }
}

fn item(model: &Model, item: &ConflictItem) -> ItemOut {
    let name = crate::model::names::item_name(model, item);
    match item {
        ConflictItem::Clause(c) => {
            let cl = model.clause(*c);
            let first = source_line(model, cl.loc);
            let mut excerpt = vec![first.clone()];
            for fm in &cl.formulas {
                let (line, _) = model.files[fm.loc.file].line_col(fm.loc.span.start);
                if line != first.line {
                    excerpt.push(SourceLine {
                        line,
                        text: fm.text.clone(),
                    });
                }
            }
            ItemOut::Clause {
                treaty: model.treaties[c.treaty].id.clone(),
                id: cl.id.clone(),
                title: cl.title.clone(),
                formulas: cl.formulas.iter().map(|f| f.text.clone()).collect(),
                doc: cl.doc.clone(),
                at: place(model, cl.loc),
                name,
                excerpt,
            }
        }
        ConflictItem::RedLine { position, index } => {
            let p = &model.positions[*position];
            let r = &p.red_lines[*index];
            ItemOut::RedLine {
                position: p.id.clone(),
                label: r.label.clone(),
                possible: r.kind == RedLineKind::Possible,
                formula: r.formula.text.clone(),
                holders: actor_ids(model, &p.held_by),
                doc: r.doc.clone(),
                at: place(model, r.loc),
                name,
                excerpt: vec![source_line(model, r.loc)],
            }
        }
    }
}

fn objection(model: &Model, conflicts: &[Conflict], o: &Objection) -> ObjectionOut {
    ObjectionOut {
        actor: model.actors[o.actor].id.clone(),
        clauses: o
            .clauses
            .iter()
            .map(|(c, why)| ObjectedClauseOut {
                clause: clause_name(model, *c),
                because: why.iter().map(|r| reason(model, conflicts, r)).collect(),
            })
            .collect(),
        rejects_package: o
            .package
            .iter()
            .map(|&p| model.positions[p].id.clone())
            .collect(),
        conflicts: o.conflicts.clone(),
    }
}

/// The names of the red lines of `position` in the listed conflict `id`.
fn lines_in(model: &Model, conflicts: &[Conflict], position: PositionId, id: &str) -> Vec<String> {
    conflicts
        .iter()
        .filter(|c| c.id == id)
        .flat_map(|c| c.items.iter())
        .filter(|i| matches!(i, ConflictItem::RedLine { position: p, .. } if *p == position))
        .map(|i| crate::model::names::item_name(model, i))
        .collect()
}

fn reason(model: &Model, conflicts: &[Conflict], r: &NoReason) -> ReasonOut {
    match r {
        NoReason::RedLine { position, conflict } => ReasonOut::RedLine {
            position: model.positions[*position].id.clone(),
            conflict: conflict.clone(),
            lines: lines_in(model, conflicts, *position, conflict),
        },
        NoReason::Package {
            position,
            conflicts,
        } => ReasonOut::Package {
            position: model.positions[*position].id.clone(),
            conflicts: conflicts.clone(),
        },
        NoReason::Opposes { position } => ReasonOut::Opposes {
            position: model.positions[*position].id.clone(),
        },
    }
}

fn decision(model: &Model, a: &TreatyAnalysis, d: &Decision) -> DecisionOut {
    let no_vote = |voter| {
        let why = d.no_reasons.get(&voter).map_or(&[][..], |rs| rs.as_slice());
        BlockerOut {
            actor: model.actors[voter].id.clone(),
            knock_on: NoReason::all_knock_on(why),
            because: why
                .iter()
                .map(|r| reason(model, &a.consistency.conflicts, r))
                .collect(),
        }
    };
    let fixed = |v: Vote| {
        d.votes
            .iter()
            .zip(&d.voters)
            .filter(|(x, _)| **x == v)
            .map(|(_, &a)| model.actors[a].id.clone())
            .collect()
    };
    let (kind, body, rule, actor, rule_words) = match d.decider {
        Decider::Body { body, rule } => {
            let b = &model.bodies[body];
            let named = b.rule(rule);
            let words = rule_text(b, &named.rule, &member_name(model, b), false);
            (
                "body",
                Some(b.id.clone()),
                Some(named.name.clone()),
                None,
                words,
            )
        }
        Decider::Consent { actor } => (
            "consent",
            None,
            None,
            Some(model.actors[actor].id.clone()),
            String::new(),
        ),
    };
    DecisionOut {
        clause: clause_name(model, d.clause),
        kind,
        body,
        rule,
        actor,
        status: if d.can_pass { "can_pass" } else { "blocked" },
        fixed_yes: fixed(Vote::Yes),
        fixed_no: fixed(Vote::No),
        veto_players: actor_ids(model, &d.structural_vetoes),
        smallest_blocking_coalition: d
            .smallest_blocking_coalition
            .as_ref()
            .map(|c| actor_ids(model, c)),
        blocked_by: d.blockers.iter().map(|&v| no_vote(v)).collect(),
        no_votes: d
            .voters
            .iter()
            .zip(&d.votes)
            .filter(|(_, v)| **v == Vote::No)
            .map(|(&v, _)| no_vote(v))
            .collect(),
        rule_text: rule_words,
        voters: d.voters.len(),
    }
}

fn value(v: &Value) -> serde_json::Value {
    match v {
        Value::Bool(b) => serde_json::Value::Bool(*b),
        // As a string: an i128 need not fit a JSON number that every reader accepts.
        Value::Int(i) => serde_json::Value::String(i.to_string()),
    }
}
