//! `treaty test`: checks each `expect` of a file against the analyses, with the difference
//! on failure, and finds the files to test under the paths given. `report::test` prints
//! the results; the CLI only loads files and picks the exit code.

use std::collections::BTreeMap;

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::analysis::{self, counts, AnalysisError, ClauseStatus, TreatyAnalysis};
use crate::model::names::{actor_ids, clause_name, items_text, target_text, values_text};
use crate::model::{
    ActorId, Ballot, BodyId, ClauseRef, CmpOp, ConflictItem, CountUnit, Expect, Expectation,
    ExpectedValue, Model, PositionId, PowerIndex, RuleId, Target, TreatyId,
};
use crate::{solve, voting};

/// The result of one expectation.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub passed: bool,
    /// What was found, when it differs (or a note).
    pub detail: Option<String>,
    /// The solver gave up on what the expectation needs (then `passed` is false and the
    /// expectation neither passed nor failed): why.
    pub gave_up: Option<String>,
}

fn pass() -> Outcome {
    Outcome {
        passed: true,
        detail: None,
        gave_up: None,
    }
}

fn fail(detail: String) -> Outcome {
    Outcome {
        passed: false,
        detail: Some(detail),
        gave_up: None,
    }
}

fn gave_up(why: String) -> Outcome {
    Outcome {
        passed: false,
        detail: None,
        gave_up: Some(why),
    }
}

fn compare(op: CmpOp, actual: &BigRational, expected: &ExpectedValue) -> bool {
    let want = BigRational::new(BigInt::from(expected.numer), BigInt::from(expected.denom));
    match (op, expected.decimals) {
        // `== 0.1963`: equal when rounded to the decimals written.
        (CmpOp::Eq, Some(d)) => {
            let scale = BigInt::from(10).pow(d);
            let scaled = actual * BigRational::from_integer(scale.clone());
            let rounded = (scaled + BigRational::new(BigInt::from(1), BigInt::from(2))).floor();
            let want_scaled = (want * BigRational::from_integer(scale)).round();
            rounded == want_scaled
        }
        (CmpOp::Eq, None) => *actual == want,
        (CmpOp::Ne, _) => *actual != want,
        (CmpOp::Lt, _) => *actual < want,
        (CmpOp::Le, _) => *actual <= want,
        (CmpOp::Gt, _) => *actual > want,
        (CmpOp::Ge, _) => *actual >= want,
    }
}

type Analyses = BTreeMap<TreatyId, TreatyAnalysis>;

/// Checks one expectation. `analyses` holds the analysis of each treaty by id, `powers`
/// the power indices of each (body, rule) an `expect power` names.
fn check(model: &Model, analyses: &Analyses, powers: &Powers, e: &Expect) -> Outcome {
    match &e.expectation {
        Expectation::Conflict(items) => conflict(model, analyses, items),
        Expectation::Consistent => consistent(analyses),
        Expectation::Veto {
            actor,
            clause,
            expected,
            mode,
        } => veto(model, analyses, *actor, *clause, *expected, *mode),
        Expectation::Force {
            actor,
            clause,
            expected,
        } => force(model, analyses, *actor, *clause, *expected),
        Expectation::Route {
            target,
            clause,
            open,
        } => route(model, analyses, *target, *clause, *open),
        Expectation::Impossible(c) => match status(analyses, *c) {
            Ok(s) if s.impossible() => pass(),
            Ok(_) => fail(format!(
                "every requirement of clause {} has a route whose preconditions can hold",
                clause_name(model, *c)
            )),
            Err(o) => o,
        },
        Expectation::Objection {
            actor,
            clause,
            expected,
        } => objection(model, analyses, *actor, *clause, *expected),
        Expectation::Blocked(c) => clause_state(model, analyses, *c, false),
        Expectation::Adoptable(c) => clause_state(model, analyses, *c, true),
        Expectation::Feasible { treaty, expected } => match analyses.get(treaty) {
            Some(a) if a.feasible == *expected => pass(),
            Some(a) => fail(format!(
                "the treaty is {}",
                if a.feasible { "feasible" } else { "infeasible" }
            )),
            None => fail("the treaty was not analysed".into()),
        },
        Expectation::NonParty {
            unit,
            treaty,
            count,
        } => match analyses.get(treaty) {
            Some(a) => counted(
                model,
                counts::non_party(model, a),
                *unit,
                *count,
                "non-parties",
            ),
            None => fail("the treaty was not analysed".into()),
        },
        Expectation::Group {
            group,
            unit,
            treaty,
            count,
        } => {
            let need = format!("group {}", model.groups[*group].id);
            counted(
                model,
                counts::group(model, *treaty, *group),
                *unit,
                *count,
                &need,
            )
        }
        Expectation::Guaranteed {
            position,
            index,
            treaty,
            expected,
        } => guaranteed(model, analyses, *treaty, *position, *index, *expected),
        Expectation::Power {
            body,
            rule,
            actor,
            index,
            op,
            value,
        } => match powers.get(&(*body, *rule)) {
            Some(computed) => power(model, *body, computed, *actor, *index, *op, value),
            // `check_file_with` computes every game an `expect power` names.
            None => fail("the power indices of the body were not computed".into()),
        },
        // Needs the repairs, which `check_file` computes (under the run's budget).
        Expectation::Repair { .. } => fail("the repairs of the treaty were not computed".into()),
        Expectation::WinOver { actors, clause } => win_over(model, analyses, actors, *clause),
        Expectation::Margin {
            clause,
            formula,
            literal,
            at_least,
            bound,
        } => margin(
            model, analyses, *clause, *formula, *literal, *at_least, *bound,
        ),
    }
}

/// `expect margin`: in every listed conflict with the clause, the values of its literal
/// that resolve the conflict are exactly the range written.
fn margin(
    model: &Model,
    analyses: &Analyses,
    clause: ClauseRef,
    formula: usize,
    literal: usize,
    at_least: bool,
    bound: i64,
) -> Outcome {
    use solve::margins::{Outcome as M, Owner};
    let Some(a) = analyses.get(&clause.treaty) else {
        return fail("the treaty was not analysed".into());
    };
    let item = ConflictItem::Clause(clause);
    let owner = Owner::Item(item.clone());
    let mut seen = 0;
    let mut wrong = Vec::new();
    for c in a
        .consistency
        .conflicts
        .iter()
        .filter(|c| c.items.contains(&item))
    {
        seen += 1;
        let found = c.margins.literals.iter().find(|m| {
            m.literal.owner == owner && m.literal.formula == formula && m.literal.index == literal
        });
        let got = match found.map(|m| &m.outcome) {
            Some(M::AtLeast(v)) if at_least && *v == bound => continue,
            Some(M::AtMost(v)) if !at_least && *v == bound => continue,
            Some(M::AtLeast(v)) => format!("exactly the values >= {v}"),
            Some(M::AtMost(v)) => format!("exactly the values <= {v}"),
            Some(M::Nearest { below, above }) => format!(
                "no range (nearest values {} below, {} above)",
                below.map_or("none".into(), |v| v.to_string()),
                above.map_or("none".into(), |v| v.to_string())
            ),
            Some(M::Never) => "no value".into(),
            Some(M::Unknown(why)) => format!("unknown ({why})"),
            None => "not computed (the conflict has more literals than get margins)".into(),
        };
        wrong.push(format!("{} is resolved by {got}", c.id));
    }
    if seen == 0 {
        fail(format!(
            "clause {} is in no listed conflict",
            clause_name(model, clause)
        ))
    } else if wrong.is_empty() {
        pass()
    } else {
        fail(wrong.join("; "))
    }
}

/// `expect win over A, B for clause C`: the clause is blocked and {A, B} is one of its
/// smallest win-over sets.
fn win_over(model: &Model, analyses: &Analyses, actors: &[ActorId], clause: ClauseRef) -> Outcome {
    use crate::analysis::win_over::{passes_when_won_over, WinOverResult};
    let Some(a) = analyses.get(&clause.treaty) else {
        return fail("the treaty was not analysed".into());
    };
    let Some(i) = a.clauses.iter().position(|s| s.clause == clause) else {
        return fail("the clause was not analysed".into());
    };
    let name = clause_name(model, clause);
    let w = match a.win_over.clauses.get(i) {
        Some(Some(WinOverResult::Sets(w))) => w,
        Some(Some(WinOverResult::Cannot(_))) => {
            return fail(format!(
                "clause {name} cannot pass whatever the votes: nobody need be won over"
            ))
        }
        _ => {
            return fail(format!(
                "clause {name} is adoptable: nobody need be won over"
            ))
        }
    };
    let works = match passes_when_won_over(model, a, clause, actors) {
        Ok(b) => b,
        Err(e) => return fail(e.to_string()),
    };
    match w.is_smallest(actors, works) {
        Some(true) => pass(),
        verdict => {
            let who = actor_ids(model, actors).join(", ");
            let why = match (works, verdict) {
                (false, _) => format!("winning over {who} does not pass clause {name}"),
                (true, None) => format!(
                    "winning over {who} passes clause {name}; whether with the fewest is not decided: the search stopped at its budget"
                ),
                (true, _) => {
                    format!("winning over {who} passes clause {name}, but not with the fewest")
                }
            };
            let sets: Vec<String> = w
                .sets
                .iter()
                .map(|s| actor_ids(model, s).join(", "))
                .collect();
            let smallest = if w.at_least {
                format!("at least {}", w.size)
            } else {
                let more = if w.count > w.sets.len() as u64 {
                    format!(" | ...: {} sets in all", w.count)
                } else {
                    String::new()
                };
                format!("{} ({}{more})", w.size, sets.join(" | "))
            };
            fail(format!("{why}; the smallest sets to win over: {smallest}"))
        }
    }
}

/// `expect repair { ITEMS }`: some minimal correction set has exactly these items
/// (`expected == false`: none has).
fn repair(
    model: &Model,
    repairs: &BTreeMap<TreatyId, analysis::repair::Repairs>,
    treaty: TreatyId,
    items: &[ConflictItem],
    expected: bool,
) -> Outcome {
    let Some(r) = repairs.get(&treaty) else {
        return fail("the repairs of the treaty were not computed".into());
    };
    let found = r.repairs.iter().any(|rep| rep.items == items);
    if found == expected {
        return pass();
    }
    let all: Vec<String> = r
        .repairs
        .iter()
        .map(|rep| format!("{{ {} }}", items_text(model, &rep.items)))
        .collect();
    fail(if found {
        "it is a minimal correction set".into()
    } else if r.facts_contradiction {
        "the facts contradict each other: no repair exists".into()
    } else {
        format!("no such minimal correction set; found: {}", all.join(", "))
    })
}

fn conflict(model: &Model, analyses: &Analyses, items: &[ConflictItem]) -> Outcome {
    let conflicts = || {
        analyses
            .values()
            .flat_map(|a| a.consistency.conflicts.iter())
    };
    let found = conflicts().any(|c| {
        let mut got = c.items.clone();
        got.sort();
        got == items
    });
    if found {
        return pass();
    }
    let all: Vec<String> = conflicts()
        .map(|c| format!("{{ {} }}", items_text(model, &c.items)))
        .collect();
    fail(if all.is_empty() {
        "no conflict was found".into()
    } else {
        format!("no such minimal conflict; found: {}", all.join(", "))
    })
}

fn consistent(analyses: &Analyses) -> Outcome {
    // A list cut by `--max-conflicts` is never "consistent", even when nothing was listed.
    if analyses.values().all(|a| a.consistency.is_consistent()) {
        return pass();
    }
    let n: usize = analyses
        .values()
        .map(|a| a.consistency.conflicts.len())
        .sum();
    let cut = analyses.values().any(|a| a.consistency.truncated);
    fail(format!(
        "{}{n} conflict(s) found",
        if cut { "at least " } else { "" }
    ))
}

/// The analysis of `clause`, or the failure to report when it has none.
fn status(analyses: &Analyses, clause: ClauseRef) -> Result<&ClauseStatus, Outcome> {
    analyses
        .get(&clause.treaty)
        .and_then(|a| a.clause(clause))
        .ok_or_else(|| fail("the clause was not analysed".into()))
}

/// "`actor` can (cannot) VERB clause C HOW; WHO: a, b" (or `none_word`).
fn actor_fails(
    model: &Model,
    actor: ActorId,
    has: bool,
    (verb, clause, how): (&str, ClauseRef, &str),
    (label, list, none_word): (&str, &[ActorId], &str),
) -> Outcome {
    let ids = actor_ids(model, list);
    fail(format!(
        "{} {} {verb} clause {}{how}; {label}: {}",
        model.actors[actor].id,
        if has { "can" } else { "cannot" },
        clause_name(model, clause),
        if ids.is_empty() {
            none_word.to_string()
        } else {
            ids.join(", ")
        }
    ))
}

fn veto(
    model: &Model,
    analyses: &Analyses,
    actor: ActorId,
    clause: ClauseRef,
    expected: bool,
    mode: Option<Ballot>,
) -> Outcome {
    let s = match status(analyses, clause) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let has = match mode {
        None => s.vetoes.contains(&actor),
        // A requirement whose every possible route the actor closes in that way.
        Some(m) => s.requirements.iter().any(|r| {
            r.vetoes
                .iter()
                .zip(&r.veto_ballots)
                .any(|(v, by)| *v == actor && by.contains(&m))
        }),
    };
    if has == expected {
        return pass();
    }
    let how = mode
        .map(|m| format!(" by {}", m.verb()))
        .unwrap_or_default();
    actor_fails(
        model,
        actor,
        has,
        ("veto", clause, &how),
        ("vetoes", &s.vetoes, "none"),
    )
}

fn force(
    model: &Model,
    analyses: &Analyses,
    actor: ActorId,
    clause: ClauseRef,
    expected: bool,
) -> Outcome {
    let s = match status(analyses, clause) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let has = s.forcers.contains(&actor);
    if has == expected {
        return pass();
    }
    actor_fails(
        model,
        actor,
        has,
        ("force", clause, " alone"),
        ("who can", &s.forcers, "nobody"),
    )
}

fn objection(
    model: &Model,
    analyses: &Analyses,
    actor: ActorId,
    clause: ClauseRef,
    expected: bool,
) -> Outcome {
    let Some(a) = analyses.get(&clause.treaty) else {
        return fail("the treaty was not analysed".into());
    };
    let has = a.objects_to(actor, clause);
    if has == expected {
        return pass();
    }
    let objected: Vec<String> = a
        .objections
        .iter()
        .filter(|o| o.actor == actor)
        .flat_map(|o| o.clauses.iter().map(|(c, _)| clause_name(model, *c)))
        .collect();
    fail(format!(
        "{} {} clause {}; it objects to {}",
        model.actors[actor].id,
        if has {
            "objects to"
        } else {
            "does not object to"
        },
        clause_name(model, clause),
        match objected.len() {
            0 => "no clause (the treaty violates none of its red lines)".into(),
            1 => format!("clause {}", objected[0]),
            _ => format!("clauses {}", objected.join(", ")),
        }
    ))
}

fn route(
    model: &Model,
    analyses: &Analyses,
    target: Target,
    clause: ClauseRef,
    open: bool,
) -> Outcome {
    let s = match status(analyses, clause) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let routes: Vec<_> = s
        .requirements
        .iter()
        .flat_map(|r| r.routes.iter())
        .filter(|r| r.target == target)
        .collect();
    if routes.iter().any(|r| r.open == open) {
        return pass();
    }
    let name = target_text(model, target);
    fail(match routes.first() {
        None => format!(
            "clause {} has no route through {name}",
            clause_name(model, clause)
        ),
        Some(r) if !r.possible => {
            format!("the route through {name} is closed: a precondition cannot hold")
        }
        Some(r) if r.open => format!("the route through {name} is open"),
        Some(_) => format!("the route through {name} is closed: a decision on it is blocked"),
    })
}

fn clause_state(model: &Model, analyses: &Analyses, c: ClauseRef, adoptable: bool) -> Outcome {
    match status(analyses, c) {
        Ok(s) if s.adoptable == adoptable => pass(),
        Ok(s) => fail(format!(
            "clause {} is {}",
            clause_name(model, c),
            if s.adoptable { "adoptable" } else { "blocked" }
        )),
        Err(o) => o,
    }
}

/// A `guaranteed` red line is guaranteed unless the treaty's analysis lists it as violated
/// (also when the facts or the clauses contradict themselves: nothing is allowed then).
fn guaranteed(
    model: &Model,
    analyses: &Analyses,
    treaty: TreatyId,
    position: PositionId,
    index: usize,
    expected: bool,
) -> Outcome {
    let Some(a) = analyses.get(&treaty) else {
        return fail("the treaty was not analysed".into());
    };
    let c = &a.consistency;
    let violated = c
        .violated_guarantees
        .iter()
        .find(|g| g.position == position && g.index == index);
    match (violated, expected) {
        (None, true) | (Some(_), false) => pass(),
        (Some(g), true) => {
            let formula = &model.positions[position].red_lines[index].formula.text;
            fail(if g.counterexample.is_empty() {
                format!("`{formula}` is false in every world the treaty allows")
            } else {
                format!(
                    "the treaty allows a world where `{formula}` is false: {}",
                    values_text(model, &g.counterexample)
                )
            })
        }
        (None, false) if c.facts_contradiction.is_some() => {
            fail("the facts contradict each other, so no guarantee is violated".into())
        }
        (None, false) if c.self_contradictory => {
            fail("the clauses contradict each other, so no guarantee is violated".into())
        }
        (None, false) => fail("the treaty guarantees it".into()),
    }
}

/// Whether `count` clauses or points (as `unit` says) need what `need` names.
fn counted(
    model: &Model,
    got: counts::Count,
    unit: CountUnit,
    count: usize,
    need: &str,
) -> Outcome {
    let (n, listed, what) = match unit {
        CountUnit::Clauses => (
            got.clauses.len(),
            got.clauses
                .iter()
                .map(|&c| clause_name(model, c))
                .collect::<Vec<_>>(),
            "clauses",
        ),
        CountUnit::Points => (got.points.len(), got.points, "points"),
    };
    if n == count {
        pass()
    } else {
        fail(format!("{n} {what} need {need}: {}", listed.join(", ")))
    }
}

/// The power indices of each (body, rule) the expectations name, computed once each.
type Powers = BTreeMap<(BodyId, RuleId), Result<voting::PowerIndices, voting::PowerError>>;

fn power(
    model: &Model,
    body: BodyId,
    computed: &Result<voting::PowerIndices, voting::PowerError>,
    actor: ActorId,
    index: PowerIndex,
    op: CmpOp,
    value: &ExpectedValue,
) -> Outcome {
    let b = &model.bodies[body];
    // Resolution checked membership; a miss would be a bug, said as a failure.
    let Some(m) = b.member_index(actor) else {
        return fail("not a member".into());
    };
    let p = match computed {
        Ok(p) => p,
        Err(err) => return fail(format!("cannot compute: {err}")),
    };
    let mp = &p.members[m.index()];
    let actual = match index {
        PowerIndex::Swings => Some(BigRational::from_integer(BigInt::from(mp.swings.clone()))),
        PowerIndex::Banzhaf => Some(mp.banzhaf.clone()),
        PowerIndex::BanzhafAbsolute => Some(mp.banzhaf_absolute.clone()),
        PowerIndex::ShapleyShubik => mp.shapley_shubik.clone(),
    };
    match actual {
        Some(v) if compare(op, &v, value) => pass(),
        Some(v) => fail(format!(
            "the value is {v} ≈ {}",
            crate::model::display::decimal(&v, 6)
        )),
        None => fail("Shapley–Shubik is too large to compute exactly for this rule".into()),
    }
}

/// One expectation's result, with where it was written.
#[derive(Clone, Debug)]
pub struct ExpectResult {
    /// `file:line:column` of the `expect`.
    pub at: String,
    /// The same place as parts: the file as displayed, 1-based line and column.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The expectation as written, whitespace-normalised.
    pub text: String,
    pub outcome: Outcome,
}

/// Checks the expectations written in the model's first file (imported files are tested on
/// their own), analysing the treaties only when some expectation needs them. When the
/// solver gives up on a treaty (or on a treaty's repairs), the expectations that need it
/// are reported as given up (`Outcome::gave_up`) and the others are still checked; any
/// other error (a bug) stops.
pub fn check_file(
    model: &Model,
    options: &solve::Options,
) -> Result<Vec<ExpectResult>, AnalysisError> {
    check_file_with(
        model,
        options,
        voting::PowerBudget::default(),
        &mut PowerCache::default(),
    )
}

/// The power indices computed during one `treaty test` run, by game, so that a body and
/// rule named by the expectations of several files (or of a file and its scenarios) is
/// computed once per run. The key is everything the computation reads of the body (its
/// id, for error messages; its dimension count; every member's weights) and the rule,
/// so an entry never answers for a different game.
#[derive(Default)]
pub struct PowerCache {
    games: Vec<(GameKey, Result<voting::PowerIndices, voting::PowerError>)>,
}

#[derive(PartialEq)]
struct GameKey {
    body: String,
    dimensions: usize,
    weights: Vec<Vec<u64>>,
    rule: crate::model::Rule,
}

impl PowerCache {
    /// How many games have been computed.
    pub fn len(&self) -> usize {
        self.games.len()
    }

    pub fn is_empty(&self) -> bool {
        self.games.is_empty()
    }

    fn power(
        &mut self,
        body: &crate::model::Body,
        rule: &crate::model::Rule,
        budget: voting::PowerBudget,
    ) -> Result<voting::PowerIndices, voting::PowerError> {
        let key = GameKey {
            body: body.id.clone(),
            dimensions: body.dimensions.len(),
            weights: body.members.iter().map(|m| m.weights.clone()).collect(),
            rule: rule.clone(),
        };
        if let Some((_, computed)) = self.games.iter().find(|(k, _)| *k == key) {
            return computed.clone();
        }
        let computed = voting::power_within(body, rule, budget);
        self.games.push((key, computed.clone()));
        computed
    }
}

/// `check_file` with power indices computed under `power_budget` (threads), each game
/// once: taken from `cache` when an earlier file of the run computed it, else computed
/// and added to it.
pub fn check_file_with(
    model: &Model,
    options: &solve::Options,
    power_budget: voting::PowerBudget,
    cache: &mut PowerCache,
) -> Result<Vec<ExpectResult>, AnalysisError> {
    let own: Vec<&Expect> = model.expects.iter().filter(|e| e.loc.file == 0).collect();
    let needs_analysis = own
        .iter()
        .any(|e| !matches!(e.expectation, Expectation::Power { .. }));
    let mut analyses = BTreeMap::new();
    // The first treaty the solver gave up on, and why.
    let mut undecided: Option<String> = None;
    if needs_analysis {
        for t in 0..model.treaties.len() {
            let t = TreatyId(t);
            match analysis::analyse(model, t, options) {
                Ok(a) => {
                    analyses.insert(t, a);
                }
                Err(AnalysisError::GaveUp(g)) => {
                    undecided
                        .get_or_insert_with(|| format!("treaty {}: {g}", model.treaties[t.0].id));
                }
                Err(other) => return Err(other),
            }
        }
    }
    // The repairs of each treaty an `expect repair` names, complete (no cap).
    let mut repairs = BTreeMap::new();
    let mut repairs_undecided = BTreeMap::new();
    for e in &own {
        if let Expectation::Repair { treaty, .. } = e.expectation {
            if repairs.contains_key(&treaty) || repairs_undecided.contains_key(&treaty) {
                continue;
            }
            match analysis::repair::repairs(model, treaty, options, None) {
                Ok(r) => {
                    repairs.insert(treaty, r);
                }
                Err(AnalysisError::GaveUp(g)) => {
                    repairs_undecided.insert(treaty, g.to_string());
                }
                Err(other) => return Err(other),
            }
        }
    }
    let mut powers = Powers::new();
    for e in &own {
        if let Expectation::Power { body, rule, .. } = e.expectation {
            powers.entry((body, rule)).or_insert_with(|| {
                let b = &model.bodies[body];
                cache.power(b, &b.rule(rule).rule, power_budget)
            });
        }
    }
    Ok(own
        .into_iter()
        .map(|e| {
            let (line, column) = model.files[e.loc.file].line_col(e.loc.span.start);
            (e, line, column)
        })
        .map(|(e, line, column)| ExpectResult {
            at: model.describe_loc(e.loc),
            file: model.files[e.loc.file].display.clone(),
            line,
            column,
            text: e.text.clone(),
            outcome: match (&e.expectation, &undecided) {
                // Power needs no solver: answered even when a treaty is undecided.
                (Expectation::Power { .. }, _) => check(model, &analyses, &powers, e),
                (Expectation::Repair { treaty, .. }, _)
                    if repairs_undecided.contains_key(treaty) =>
                {
                    gave_up(repairs_undecided[treaty].clone())
                }
                (
                    Expectation::Repair {
                        treaty,
                        items,
                        expected,
                    },
                    _,
                ) => repair(model, &repairs, *treaty, items, *expected),
                (_, Some(why)) => gave_up(why.clone()),
                (_, None) => check(model, &analyses, &powers, e),
            },
        })
        .collect())
}

pub use crate::files::{treaty_files, SKIP_MARKER};

/// Counts over a `treaty test` run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    /// Files that could not be loaded (their diagnostics were shown).
    pub broken: usize,
    /// Expectations the solver gave up on (neither passed nor failed).
    pub gave_up: usize,
}

impl Tally {
    pub fn add(&mut self, results: &[ExpectResult]) {
        for r in results {
            if r.outcome.gave_up.is_some() {
                self.gave_up += 1;
            } else if r.outcome.passed {
                self.passed += 1;
            } else {
                self.failed += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_file(population: u64, expected: &str) -> Model {
        let text = format!(
            "actors {{ POL \"Poland\", HUN \"Hungary\", CZE \"Czechia\" }}\n\
             body EU \"Council\" {{\n\
               members {{ POL population 36, HUN population 9, CZE population {population} }}\n\
               decides by at least 60% of population\n\
             }}\n\
             expect power EU POL swings == {expected}\n"
        );
        match crate::load_str("t.treaty", &text) {
            Ok(m) => m,
            Err((_, d)) => panic!("{d:?}"),
        }
    }

    /// Two files naming the same game share one computation; a different game is
    /// computed on its own, and each answers its own expectation.
    #[test]
    fn power_cache_computes_each_game_once_per_run() {
        let options = solve::Options::default();
        let budget = voting::PowerBudget::default();
        let mut cache = PowerCache::default();
        let passed = |r: &[ExpectResult]| r.len() == 1 && r.iter().all(|x| x.outcome.passed);
        // 36 + 9 + 10 = 55, quota 33: POL wins alone, so it swings in all 4 coalitions
        // with it.
        let first = check_file_with(&body_file(10, "4"), &options, budget, &mut cache);
        let again = check_file_with(&body_file(10, "4"), &options, budget, &mut cache);
        assert_eq!(cache.len(), 1);
        // 36 + 9 + 50 = 95, quota 57: POL swings only in {POL, CZE} (86; CZE alone 50;
        // all three still win without POL: 59).
        let other = check_file_with(&body_file(50, "1"), &options, budget, &mut cache);
        assert_eq!(cache.len(), 2);
        for r in [first, again, other] {
            match r {
                Ok(r) => assert!(passed(&r), "{r:?}"),
                Err(e) => panic!("{e}"),
            }
        }
    }
}
