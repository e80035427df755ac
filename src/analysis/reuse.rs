//! Analysing a variant of a model (a scenario, or the base with `--assume`) with what the
//! analysis of the base model already found.
//!
//! The consistency analysis (`solve`, the expensive part) reads only the variables, the
//! facts, the treaty's clauses, and the positions' red lines with their holders. When a
//! variant leaves all of these as they are (it changes stances, ballots, membership of
//! bodies that hold no red lines, groups), the base's `ConsistencyReport` is its answer
//! and only the later stages (objections, votes, decisions) are run again. The precondition
//! answers of the decisions read only the variables, the facts and the clauses, so they are
//! reused whenever those are unchanged (a scenario that only drops a position, say). A
//! variant that adds a fact runs the solver again from scratch.
//!
//! Invariant: a reused answer is the answer the solver would give for the variant, because
//! it is a function of inputs that compare equal; `tests/scenarios.rs` checks the result
//! against a fresh analysis of the edited files.

use serde::Serialize;

use super::{analyse_after, decisions, AnalysisError, TreatyAnalysis};
use crate::model::{Model, TreatyId};
use crate::solve;

/// What a variant's analysis took from the base's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reused {
    /// The consistency analysis and the precondition answers: only the votes were redone.
    Consistency,
    /// The precondition answers; the consistency analysis was run again.
    Preconditions,
    /// Nothing: the facts or the clauses differ.
    Nothing,
}

/// The variables, the facts and the clauses of `treaty` are the same in both models.
pub fn same_content(a: &Model, b: &Model, treaty: TreatyId) -> bool {
    let vars = a.vars.len() == b.vars.len()
        && a.vars
            .iter()
            .zip(&b.vars)
            .all(|(x, y)| x.name == y.name && x.ty == y.ty);
    let facts = a.facts.len() == b.facts.len()
        && a.facts
            .iter()
            .zip(&b.facts)
            .all(|(x, y)| x.formula.expr == y.formula.expr && x.formula.text == y.formula.text);
    let clauses = match (
        a.treaties.get(treaty.index()),
        b.treaties.get(treaty.index()),
    ) {
        (Some(x), Some(y)) => {
            x.id == y.id
                && x.clauses.len() == y.clauses.len()
                && x.clauses.iter().zip(&y.clauses).all(|(c, d)| {
                    c.id == d.id
                        && c.formulas.len() == d.formulas.len()
                        && c.formulas
                            .iter()
                            .zip(&d.formulas)
                            .all(|(f, g)| f.expr == g.expr && f.text == g.text && f.loc == g.loc)
                })
        }
        _ => false,
    };
    vars && facts && clauses
}

/// Everything the consistency analysis of `treaty` reads is the same in both models: the
/// content (`same_content`), the actors, and every position's red lines and, for a position
/// with red lines, its holders.
pub fn same_consistency_inputs(a: &Model, b: &Model, treaty: TreatyId) -> bool {
    same_content(a, b, treaty)
        && a.actors.len() == b.actors.len()
        && a.actors.iter().zip(&b.actors).all(|(x, y)| x.id == y.id)
        && a.positions.len() == b.positions.len()
        && a.positions.iter().zip(&b.positions).all(|(p, q)| {
            p.id == q.id
                && p.red_lines.len() == q.red_lines.len()
                && p.red_lines.iter().zip(&q.red_lines).all(|(x, y)| {
                    x.label == y.label
                        && x.kind == y.kind
                        && x.formula.expr == y.formula.expr
                        && x.formula.text == y.formula.text
                })
                && (p.red_lines.is_empty() || p.held_by == q.held_by)
        })
}

/// Analyses `treaty` of `model`, a variant of `base_model` whose analysis is `base`, reusing
/// what it can (see the module documentation); says what it reused.
pub fn analyse_variant(
    base_model: &Model,
    base: &TreatyAnalysis,
    model: &Model,
    options: &solve::Options,
) -> Result<(TreatyAnalysis, Reused), AnalysisError> {
    let treaty = base.treaty;
    if !same_content(base_model, model, treaty) {
        return Ok((super::analyse(model, treaty, options)?, Reused::Nothing));
    }
    let known = decisions::preconditions_of(&base.decisions);
    if same_consistency_inputs(base_model, model, treaty) {
        let a = analyse_after(model, treaty, options, base.consistency.clone(), known)?;
        return Ok((a, Reused::Consistency));
    }
    let consistency = solve::check_consistency(model, treaty, options)?;
    let a = analyse_after(model, treaty, options, consistency, known)?;
    Ok((a, Reused::Preconditions))
}

/// The analyses of one scenario of a run, and what each treaty's took from the base's.
#[derive(Clone, Debug)]
pub struct ScenarioAnalyses {
    /// Index into `Model::scenarios`.
    pub scenario: usize,
    pub analyses: super::Analyses,
    /// For each decided treaty (in the order of `analyses.decided`), what was reused.
    pub reused: Vec<Reused>,
}

/// `treaty scenarios`: the base model's analyses and every scenario's, each scenario reusing
/// the base's work where it can. A treaty the solver gives up on is undecided in that run
/// only; any other error stops everything.
pub fn analyse_scenarios(
    model: &Model,
    options: &solve::Options,
) -> Result<(super::Analyses, Vec<ScenarioAnalyses>), AnalysisError> {
    analyse_scenarios_with(model, options, &mut |_| {})
}

/// `analyse_scenarios`, calling `step(i)` before scenario `i` (0 is the files as written,
/// `i` the scenario `i - 1`): a progress indicator's feed.
pub fn analyse_scenarios_with(
    model: &Model,
    options: &solve::Options,
    step: &mut dyn FnMut(usize),
) -> Result<(super::Analyses, Vec<ScenarioAnalyses>), AnalysisError> {
    step(0);
    let base = super::analyse_all(model, options)?;
    let mut out = Vec::new();
    for (i, sc) in model.scenarios.iter().enumerate() {
        step(i + 1);
        let mut run = ScenarioAnalyses {
            scenario: i,
            analyses: super::Analyses::default(),
            reused: Vec::new(),
        };
        for t in (0..sc.model.treaties.len()).map(TreatyId) {
            let found = base.decided.iter().find(|a| a.treaty == t);
            let result = match found {
                Some(b) => analyse_variant(model, b, &sc.model, options),
                None => super::analyse(&sc.model, t, options).map(|a| (a, Reused::Nothing)),
            };
            match result {
                Ok((a, r)) => {
                    run.analyses.decided.push(a);
                    run.reused.push(r);
                }
                Err(AnalysisError::GaveUp(g)) => run.analyses.undecided.push((t, g)),
                Err(other) => return Err(other),
            }
        }
        out.push(run);
    }
    Ok((base, out))
}
