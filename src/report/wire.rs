//! The report document of `treaty check` and `treaty vetoes`: built once from the analyses,
//! then printed as JSON (version 2) or rendered as human text by `report::check`, so both
//! carry the same facts in the same order by construction.
//!
//! These are types of their own, separate from the model and the analyses, so that the
//! JSON changes only on purpose. Field order is declaration order; lists keep the
//! analyses' stable order. Fields marked `#[serde(skip)]` serve the human text only
//! (source excerpts, rule texts) and are not part of the JSON format.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::loaded::{place, requirement, LoadedOut, Place, RequirementOut};
use super::margins::{margins, JointMarginOut, MarginOut};
use crate::analysis::win_over::{CannotPass, WinOverResult};
use crate::analysis::{
    caveats, counts, Analyses, Decider, Decision, NoReason, Objection, TreatyAnalysis,
};
use crate::model::display::rule_text;
use crate::model::eval::Value;
use crate::model::names::{actor_ids, clause_name, member_name, red_line_name, target_text};
use crate::model::{ActorId, Ballot, ConflictItem, Loc, Model, PositionId, RedLineKind, VarId};
use crate::solve::{Conflict, ViolatedGuarantee};
use crate::voting::Vote;

/// The version of this format; bumped on any incompatible change.
pub const VERSION: u32 = 2;

#[derive(Serialize, JsonSchema)]
pub struct CheckDoc {
    pub version: u32,
    pub treaties: Vec<TreatyOut>,
    /// Treaties the solver gave up on (absent when there is none): nothing about them is
    /// concluded but what `found_so_far` says.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<UndecidedOut>,
    /// What was loaded (the `--list` listing as data).
    pub loaded: LoadedOut,
    /// The scenario analysed (`--scenario`; absent: the files as they are).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// With `--assume`: each decision an assumed ballot is cast in, and who else can block it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<super::scenarios::GivenOut>,
    /// The files checked each as a unit of its own, when there were several
    /// (`report::units`); absent for one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct VetoesDoc {
    pub version: u32,
    pub treaties: Vec<TreatyDecisionsOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<UndecidedOut>,
    /// As in `CheckDoc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<super::scenarios::GivenOut>,
    /// As in `CheckDoc`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
}

/// A treaty whose analysis the solver gave up on.
#[derive(Serialize, JsonSchema)]
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
    /// The file whose unit it belongs to, when several were checked; absent for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct TreatyDecisionsOut {
    pub treaty: String,
    pub decisions: Vec<DecisionOut>,
    /// As in `UndecidedOut`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct TreatyOut {
    pub treaty: String,
    /// `feasible` or `infeasible`.
    #[schemars(extend("enum" = ["feasible", "infeasible"]))]
    pub verdict: &'static str,
    /// The facts that contradict each other, when they do (then nothing else is checked).
    pub facts_contradiction: Option<Vec<FactOut>>,
    pub conflicts: Vec<ConflictOut>,
    /// `--max-conflicts` cut the list: more conflicts exist.
    pub conflicts_truncated: bool,
    /// Values satisfying everything, when nothing conflicts (re-checked), by variable name.
    pub witness: Option<BTreeMap<String, serde_json::Value>>,
    /// The `guaranteed` red lines the treaty does not guarantee, in model order.
    pub violated_guarantees: Vec<GuaranteeOut>,
    /// Every actor whose red lines the treaty violates (or whose guaranteed red line it
    /// leaves open): the clauses it objects to, and whether it rejects the package.
    pub objections: Vec<ObjectionOut>,
    pub refusing_parties: Vec<String>,
    pub decisions: Vec<DecisionOut>,
    pub clauses: Vec<ClauseOut>,
    pub vetoes_by_actor: Vec<VetoesOut>,
    pub summary: SummaryOut,
    /// The date of the treaty's text (`as of`, `YYYY-MM-DD`); absent when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The bodies whose data the decisions use, with the date of that data; absent when
    /// neither the treaty nor any of those bodies gives a date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataOut>,
    /// Aggregate actors that the conclusions about some clauses name; absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aggregates: Vec<AggregateOut>,
    #[serde(skip)]
    pub title: Option<String>,
    #[serde(skip)]
    pub at: Place,
    /// As in `UndecidedOut`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct DataOut {
    pub body: String,
    /// `YYYY-MM-DD`, or null when the file gives no `as of`.
    pub as_of: Option<String>,
    /// Over a year older than the treaty's text (both dated).
    pub over_a_year_older: bool,
}

#[derive(Serialize, JsonSchema)]
pub struct AggregateOut {
    pub actor: String,
    /// Its name, which says what it stands for.
    pub name: String,
    /// The clauses whose vetoes, forcers, blocking coalitions or no votes name it.
    pub clauses: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct GroupCountOut {
    pub group: String,
    pub title: Option<String>,
    /// The clauses that require a member of the group, and their points.
    pub clauses: Vec<String>,
    pub points: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct FactOut {
    pub formula: String,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize, JsonSchema)]
pub struct ConflictOut {
    /// `C1`, `C2`, ... in the order listed.
    pub id: String,
    pub reason: Option<String>,
    pub items: Vec<ItemOut>,
    /// A minimal set of facts the conflict relies on.
    pub facts: Vec<FactOut>,
    /// Each integer literal of the items and facts, with the values of it that resolve the
    /// conflict (docs/semantics.md, "Margins").
    pub margins: Vec<MarginOut>,
    /// Pareto-optimal joint moves of two literals that interact.
    pub joint_margins: Vec<JointMarginOut>,
    /// The conflict has more literals than have margins.
    pub margins_cut: bool,
    /// Not every pair of literals was examined for joint moves.
    pub joint_margins_cut: bool,
    /// Why, when the solver gave up on a pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joint_margins_gave_up: Option<String>,
}

/// One line of a source file, as quoted under a conflict's item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLine {
    /// 1-based line number.
    pub line: usize,
    pub text: String,
}

#[derive(Serialize, JsonSchema)]
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

/// A `guaranteed` red line that the treaty does not guarantee.
#[derive(Serialize, JsonSchema)]
pub struct GuaranteeOut {
    pub position: String,
    pub label: String,
    pub formula: String,
    pub holders: Vec<String>,
    pub doc: Option<String>,
    #[serde(flatten)]
    pub at: Place,
    /// A world that the facts and the clauses allow and in which the formula is false:
    /// the variables of the formula's component (re-checked), by name.
    pub counterexample: BTreeMap<String, serde_json::Value>,
    /// `POSITION."label"`.
    #[serde(skip)]
    pub name: String,
    #[serde(skip)]
    pub excerpt: Vec<SourceLine>,
}

#[derive(Serialize, JsonSchema, Clone, PartialEq, Eq)]
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
    /// The treaty does not guarantee the `guaranteed` red line `label` of `position` (a no
    /// on every decision of the treaty).
    Guarantee { position: String, label: String },
    /// A knock-on no: `position` says `rejects package`, and the treaty violates the
    /// actor's red lines, as `conflicts` show (none of them holds this clause).
    Package {
        position: String,
        conflicts: Vec<String>,
    },
    /// `position` opposes the clause.
    Opposes { position: String },
    /// The no is assumed: by `scenario`, or (`null`) by the command line's `--assume`.
    Assumed { scenario: Option<String> },
}

/// An actor whose red lines the treaty violates.
#[derive(Serialize, JsonSchema)]
pub struct ObjectionOut {
    pub actor: String,
    /// The clauses it objects to (it votes no on their decisions), each with why.
    pub clauses: Vec<ObjectedClauseOut>,
    /// The positions it holds that say `rejects package` (then it votes no on every
    /// decision of the treaty); empty when it votes no only on the clauses it objects to.
    pub rejects_package: Vec<String>,
    /// The listed conflicts that show its red lines violated.
    pub conflicts: Vec<String>,
    /// Its `guaranteed` red lines the treaty leaves open (`P."label"`): it votes no on
    /// every decision of the treaty.
    pub guarantees: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct ObjectedClauseOut {
    pub clause: String,
    /// `red_line` reasons: each listed conflict with this clause and the actor's red lines.
    pub because: Vec<ReasonOut>,
}

/// A no vote in a decision, with why: `knock_on` when every reason is a package rejection
/// (the actor does not object to this clause itself), else a direct no.
#[derive(Serialize, JsonSchema)]
pub struct BlockerOut {
    pub actor: String,
    pub knock_on: bool,
    pub because: Vec<ReasonOut>,
}

/// A precondition of a decision (`when F`) and whether it can hold.
#[derive(Serialize, JsonSchema)]
pub struct PreconditionOut {
    pub formula: String,
    pub possible: bool,
    /// When it cannot hold: the facts that rule it out with the clause's content (empty:
    /// the content alone does).
    pub ruled_out_by: Vec<FactOut>,
    #[serde(flatten)]
    pub at: Place,
}

/// A veto player and the ways of withholding that work for it.
#[derive(Serialize, JsonSchema)]
pub struct VetoWayOut {
    pub actor: String,
    /// `no`, `abstain`, `absent` (or `yes` for a lapse: voting to renew).
    pub by: Vec<Ballot>,
}

#[derive(Serialize, JsonSchema)]
pub struct DecisionOut {
    pub clause: String,
    /// The requirement of the clause (from 1), the route of that requirement (from 1) and
    /// how many routes it has (more than one for `any of`).
    pub requirement: usize,
    pub route: usize,
    pub routes: usize,
    /// `body` (a vote of `body` under `rule`) or `consent` (of the actor `actor`).
    #[schemars(extend("enum" = ["body", "consent"]))]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The actor whose consent this decision gives (a domestic procedure, or a member of
    /// `each of`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_of: Option<String>,
    /// The clause needs this decision to fail (`lapse of`).
    pub lapse: bool,
    /// `can_pass` (it can go the clause's way: pass, or for a lapse fail), `blocked`, or
    /// `impossible` (a precondition cannot hold), given the fixed votes.
    #[schemars(extend("enum" = ["can_pass", "blocked", "impossible"]))]
    pub status: &'static str,
    pub preconditions: Vec<PreconditionOut>,
    /// Ballots fixed by the positions, on the decision itself (for a lapse, those against
    /// the clause vote yes to renew).
    pub fixed_yes: Vec<String>,
    pub fixed_no: Vec<String>,
    pub fixed_abstain: Vec<String>,
    pub fixed_absent: Vec<String>,
    /// With every vote free: who can stop it alone (for a lapse: prevent the lapse).
    pub veto_players: Vec<String>,
    /// The same actors, each with the ways that work.
    pub veto_ways: Vec<VetoWayOut>,
    /// With every vote free: who can alone make it go the clause's way (for a lapse: force
    /// the lapse by withholding).
    pub can_force_alone: Vec<String>,
    /// With every vote free: the fewest who can stop it together (`null`: nobody can, or
    /// not computed, see `coalition_known`; for a lapse, the fewest whose yes votes renew
    /// it whatever the others cast), and the ballot each casts.
    pub smallest_blocking_coalition: Option<Vec<String>>,
    pub coalition_ballots: Vec<Ballot>,
    /// False when the smallest coalition was not computed (a lapse under a rule whose
    /// members can withhold in several incomparable ways, past the search's budget).
    pub coalition_known: bool,
    /// When blocked: a smallest group of the no votes that blocks on its own, with reasons.
    pub blocked_by: Vec<BlockerOut>,
    /// Every voter against the clause, in member order, with reasons: a fixed no (for a
    /// lapse, a vote to renew).
    pub no_votes: Vec<BlockerOut>,
    /// When it cannot go the clause's way: who must be won over (absent when it can).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_over: Option<WinOverOut>,
    /// The rule in words (empty for a consent).
    #[serde(skip)]
    pub rule_text: String,
    /// How many vote.
    #[serde(skip)]
    pub voters: usize,
}

/// One route of a requirement, as the analysis found it.
#[derive(Serialize, JsonSchema)]
pub struct RouteStatusOut {
    /// The route as written: `EU by qmv`, `lapse of EU`, `each of NATO`, `USA`.
    pub route: String,
    /// Every precondition can hold.
    pub possible: bool,
    /// Possible, and every decision of it can go the clause's way.
    pub open: bool,
}

#[derive(Serialize, JsonSchema)]
pub struct RequirementStatusOut {
    pub routes: Vec<RouteStatusOut>,
    pub met: bool,
    /// No route's preconditions can hold.
    pub impossible: bool,
    /// Who can alone close every possible route.
    pub vetoes: Vec<String>,
    /// Who can alone open some possible route.
    pub can_force_alone: Vec<String>,
    /// The fewest who together close every possible route (`null`: nobody can, or not
    /// computed, see `coalition_known`).
    pub smallest_blocking_coalition: Option<Vec<String>>,
    pub coalition_known: bool,
}

#[derive(Serialize, JsonSchema)]
pub struct ClauseOut {
    pub clause: String,
    /// Its point: the number its id starts with (`13a` is in point 13).
    pub point: String,
    pub adoptable: bool,
    /// Its content contradicts the facts on its own.
    pub contradictory: bool,
    /// Some requirement has no route whose preconditions can hold.
    pub impossible: bool,
    pub vetoes: Vec<String>,
    /// Who can alone meet every requirement.
    pub can_force_alone: Vec<String>,
    pub requirements: Vec<RequirementStatusOut>,
    pub non_parties: Vec<String>,
    /// When it is not adoptable: who must be won over to pass it (absent when adoptable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_over: Option<WinOverOut>,
    /// What it requires, in source order.
    #[serde(skip)]
    pub requires: Vec<RequirementOut>,
    /// Its title, when it has one.
    pub title: Option<String>,
    /// The clause's place (for SARIF; the JSON gives it under `loaded`).
    #[serde(skip)]
    pub at: Place,
}

/// Who must be won over to pass a blocked decision or clause (docs/semantics.md, "Winning
/// over").
#[derive(Serialize, JsonSchema)]
pub struct WinOverOut {
    /// False: it cannot pass whatever the votes, for the reason `cannot_pass_because`.
    pub can_pass: bool,
    /// `precondition`, `contradictory` (the clause's content contradicts the facts),
    /// `facts` (the facts contradict each other) or `votes`; null when `can_pass`.
    pub cannot_pass_because: Option<&'static str>,
    /// The fewest actors to win over; a lower bound when `at_least`.
    pub size: usize,
    /// The search stopped at its budget before finding a set of `size`.
    pub at_least: bool,
    /// In every smallest set.
    pub always: Vec<String>,
    /// The smallest sets are exactly `always` with any `k` of `of` (null when they are not,
    /// or when there is one set).
    pub any_of: Option<AnyOfOut>,
    /// The smallest sets, the first 20.
    pub sets: Vec<Vec<String>>,
    /// How many smallest sets there are (a lower bound when not `complete`).
    pub count: u64,
    /// False: the search stopped at its budget (the run exits 3).
    pub complete: bool,
}

#[derive(Serialize, JsonSchema)]
pub struct AnyOfOut {
    pub k: usize,
    pub of: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct VetoesOut {
    pub actor: String,
    pub clauses: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct SummaryOut {
    pub clauses: usize,
    pub adoptable: usize,
    pub blocked: usize,
    pub conflicts: usize,
    pub clauses_needing_non_parties: usize,
    /// The treaty's points (a clause's point is the number its id starts with).
    pub points: usize,
    pub points_needing_non_parties: usize,
    /// For each `group`, in source order: the clauses and points that require a member.
    pub groups: Vec<GroupCountOut>,
}

/// The document of `treaty check`.
pub fn check(model: &Model, analyses: &Analyses) -> CheckDoc {
    CheckDoc {
        version: VERSION,
        treaties: analyses.decided.iter().map(|a| treaty(model, a)).collect(),
        undecided: undecided(model, analyses),
        loaded: super::loaded::loaded(model),
        scenario: None,
        given: Vec::new(),
        units: Vec::new(),
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
                decisions: a
                    .decisions
                    .iter()
                    .enumerate()
                    .map(|(i, d)| decision(model, a, i, d))
                    .collect(),
                unit: None,
            })
            .collect(),
        undecided: undecided(model, analyses),
        scenario: None,
        given: Vec::new(),
        units: Vec::new(),
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
                unit: None,
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
            .map(|x| {
                let (margins, joint_margins, margins_cut, joint_margins_cut, gave_up) =
                    margins(model, &x.margins);
                ConflictOut {
                    id: x.id.clone(),
                    reason: x.reason.clone(),
                    items: x.items.iter().map(|i| item(model, i)).collect(),
                    facts: x.facts.iter().map(|&f| fact(model, f)).collect(),
                    margins,
                    joint_margins,
                    margins_cut,
                    joint_margins_cut,
                    joint_margins_gave_up: gave_up,
                }
            })
            .collect(),
        conflicts_truncated: c.truncated,
        witness: c.witness.as_ref().map(|w| values(model, w)),
        violated_guarantees: c
            .violated_guarantees
            .iter()
            .map(|g| guarantee(model, g))
            .collect(),
        objections: a
            .objections
            .iter()
            .map(|o| objection(model, &c.conflicts, o))
            .collect(),
        refusing_parties: actor_ids(model, &a.refusing_parties),
        decisions: a
            .decisions
            .iter()
            .enumerate()
            .map(|(i, d)| decision(model, a, i, d))
            .collect(),
        clauses: a
            .clauses
            .iter()
            .zip(&a.win_over.clauses)
            .map(|(s, w)| ClauseOut {
                clause: clause_name(model, s.clause),
                point: model.clause(s.clause).point().to_string(),
                adoptable: s.adoptable,
                contradictory: s.contradictory,
                impossible: s.impossible(),
                vetoes: actor_ids(model, &s.vetoes),
                can_force_alone: actor_ids(model, &s.forcers),
                requirements: s
                    .requirements
                    .iter()
                    .map(|r| RequirementStatusOut {
                        routes: r
                            .routes
                            .iter()
                            .map(|x| RouteStatusOut {
                                route: format!(
                                    "{}{}",
                                    if x.lapse { "lapse of " } else { "" },
                                    target_text(model, x.target)
                                ),
                                possible: x.possible,
                                open: x.open,
                            })
                            .collect(),
                        met: r.met,
                        impossible: r.impossible,
                        vetoes: actor_ids(model, &r.vetoes),
                        can_force_alone: actor_ids(model, &r.forcers),
                        smallest_blocking_coalition: r
                            .smallest_blocking_coalition
                            .as_ref()
                            .map(|c| actor_ids(model, c)),
                        coalition_known: r.coalition_known,
                    })
                    .collect(),
                non_parties: actor_ids(model, &s.non_parties),
                win_over: w.as_ref().map(|w| win_over(model, w)),
                requires: model
                    .clause(s.clause)
                    .requires
                    .iter()
                    .map(|r| requirement(model, r))
                    .collect(),
                title: model.clause(s.clause).title.clone(),
                at: place(model, model.clause(s.clause).loc),
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
        summary: summary(model, a),
        as_of: t.as_of.map(|d| d.to_string()),
        data: data_dates(model, a)
            .into_iter()
            .map(|d| DataOut {
                body: model.bodies[d.body].id.clone(),
                as_of: d.as_of.map(|x| x.to_string()),
                over_a_year_older: d.old,
            })
            .collect(),
        aggregates: caveats::aggregates(model, a)
            .into_iter()
            .map(|u| AggregateOut {
                actor: model.actors[u.actor].id.clone(),
                name: model.actors[u.actor].name.clone(),
                clauses: u.clauses.iter().map(|&c| clause_name(model, c)).collect(),
            })
            .collect(),
        title: t.title.clone(),
        at: place(model, t.loc),
        unit: None,
    }
}

/// The data dates, when something is dated (else none: the list would say nothing).
fn data_dates(model: &Model, a: &TreatyAnalysis) -> Vec<caveats::DataDate> {
    let dates = caveats::data_dates(model, a);
    let dated = model.treaties[a.treaty].as_of.is_some() || dates.iter().any(|d| d.as_of.is_some());
    if dated {
        dates
    } else {
        Vec::new()
    }
}

fn summary(model: &Model, a: &TreatyAnalysis) -> SummaryOut {
    let adoptable = a.clauses.iter().filter(|s| s.adoptable).count();
    let non_party = counts::non_party(model, a);
    SummaryOut {
        clauses: a.clauses.len(),
        adoptable,
        blocked: a.clauses.len() - adoptable,
        conflicts: a.consistency.conflicts.len(),
        clauses_needing_non_parties: non_party.clauses.len(),
        points: counts::all_points(model, a.treaty).len(),
        points_needing_non_parties: non_party.points.len(),
        groups: (0..model.groups.len())
            .map(|g| {
                let count = counts::group(model, a.treaty, g);
                GroupCountOut {
                    group: model.groups[g].id.clone(),
                    title: model.groups[g].title.clone(),
                    clauses: count
                        .clauses
                        .iter()
                        .map(|&c| clause_name(model, c))
                        .collect(),
                    points: count.points,
                }
            })
            .collect(),
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

fn guarantee(model: &Model, g: &ViolatedGuarantee) -> GuaranteeOut {
    let p = &model.positions[g.position];
    let r = &p.red_lines[g.index];
    GuaranteeOut {
        position: p.id.clone(),
        label: r.label.clone(),
        formula: r.formula.text.clone(),
        holders: actor_ids(model, &p.held_by),
        doc: r.doc.clone(),
        at: place(model, r.loc),
        counterexample: values(model, &g.counterexample),
        name: red_line_name(&p.id, &r.label),
        excerpt: vec![source_line(model, r.loc)],
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
        guarantees: o
            .guarantees
            .iter()
            .filter_map(|r| match r {
                NoReason::Guarantee { position, red_line } => {
                    let p = &model.positions[*position];
                    p.red_lines
                        .get(*red_line)
                        .map(|l| red_line_name(&p.id, &l.label))
                }
                _ => None,
            })
            .collect(),
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
        NoReason::Guarantee { position, red_line } => {
            let p = &model.positions[*position];
            ReasonOut::Guarantee {
                position: p.id.clone(),
                label: p
                    .red_lines
                    .get(*red_line)
                    .map_or_else(String::new, |l| l.label.clone()),
            }
        }
        NoReason::Opposes { position } => ReasonOut::Opposes {
            position: model.positions[*position].id.clone(),
        },
        NoReason::Assumed { scenario } => ReasonOut::Assumed {
            scenario: scenario.clone(),
        },
    }
}

fn decision(model: &Model, a: &TreatyAnalysis, index: usize, d: &Decision) -> DecisionOut {
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
    let impossible = d.preconditions.iter().any(|p| !p.possible);
    DecisionOut {
        clause: clause_name(model, d.clause),
        requirement: d.requirement + 1,
        route: d.route + 1,
        routes: model.clause(d.clause).requires[d.requirement].routes.len(),
        kind,
        body,
        rule,
        actor,
        consent_of: d.consent_of.map(|a| model.actors[a].id.clone()),
        lapse: d.lapse,
        status: if impossible {
            "impossible"
        } else if d.can_pass {
            "can_pass"
        } else {
            "blocked"
        },
        preconditions: d
            .preconditions
            .iter()
            .map(|p| PreconditionOut {
                formula: p.formula.text.clone(),
                possible: p.possible,
                ruled_out_by: p.facts.iter().map(|&f| fact(model, f)).collect(),
                at: place(model, p.formula.loc),
            })
            .collect(),
        fixed_yes: fixed(Vote::Yes),
        fixed_no: fixed(Vote::No),
        fixed_abstain: fixed(Vote::Abstain),
        fixed_absent: fixed(Vote::Absent),
        veto_players: actor_ids(model, &d.structural_vetoes),
        veto_ways: d
            .structural_vetoes
            .iter()
            .zip(&d.veto_ballots)
            .map(|(a, by)| VetoWayOut {
                actor: model.actors[*a].id.clone(),
                by: by.clone(),
            })
            .collect(),
        can_force_alone: actor_ids(model, &d.forcers),
        coalition_ballots: d.coalition_ballots.clone(),
        coalition_known: d.coalition_known,
        smallest_blocking_coalition: d
            .smallest_blocking_coalition
            .as_ref()
            .map(|c| actor_ids(model, c)),
        blocked_by: d.blockers.iter().map(|&v| no_vote(v)).collect(),
        no_votes: d
            .voters
            .iter()
            .filter(|v| d.no_reasons.contains_key(v))
            .map(|&v| no_vote(v))
            .collect(),
        win_over: a
            .win_over
            .decisions
            .get(index)
            .and_then(|w| w.as_ref())
            .map(|w| win_over(model, w)),
        rule_text: rule_words,
        voters: d.voters.len(),
    }
}

pub(super) fn win_over(model: &Model, w: &WinOverResult) -> WinOverOut {
    let ids = |xs: &[ActorId]| actor_ids(model, xs);
    match w {
        WinOverResult::Cannot(why) => WinOverOut {
            can_pass: false,
            cannot_pass_because: Some(match why {
                CannotPass::Precondition => "precondition",
                CannotPass::Contradictory => "contradictory",
                CannotPass::Facts => "facts",
                CannotPass::Votes => "votes",
            }),
            size: 0,
            at_least: false,
            always: Vec::new(),
            any_of: None,
            sets: Vec::new(),
            count: 0,
            complete: true,
        },
        WinOverResult::Sets(w) => WinOverOut {
            can_pass: true,
            cannot_pass_because: None,
            size: w.size,
            at_least: w.at_least,
            always: ids(&w.always),
            any_of: w
                .any_of
                .as_ref()
                .map(|(k, of)| AnyOfOut { k: *k, of: ids(of) }),
            sets: w.sets.iter().map(|s| ids(s)).collect(),
            count: w.count,
            complete: w.complete,
        },
    }
}

/// Values of variables by name (integers as strings).
fn values(model: &Model, vs: &[(VarId, Value)]) -> BTreeMap<String, serde_json::Value> {
    vs.iter()
        .map(|(v, x)| (model.vars[*v].name.clone(), value(x)))
        .collect()
}

fn value(v: &Value) -> serde_json::Value {
    match v {
        Value::Bool(b) => serde_json::Value::Bool(*b),
        // As a string: an i128 need not fit a JSON number that every reader accepts.
        Value::Int(i) => serde_json::Value::String(i.to_string()),
    }
}
