//! Voting questions in Z3: one decision (can it pass, who can veto it, how many more no
//! votes block it) and the joint question of a treaty (which clauses can be adopted, with
//! their content and all their decisions at once, and is the treaty feasible).
//!
//! Job: the solver-backed counterpart of `crate::voting`. For one decision it must give the
//! same answers (checked against brute force in `tests/voting_differential.rs`); for a
//! treaty it poses the whole question as one problem instead of arguing that decisions are
//! independent, so `crate::analysis` has an independent check.
//!
//! Invariants:
//! - One Bool per (decision, member): true is a yes vote. Fixed votes are assumption
//!   literals (one decision) or hard assertions (a treaty); free votes are unconstrained.
//! - Exact arithmetic: every threshold is a linear constraint over unbounded `Int` sums
//!   `sum w * x` of 0/1 yes indicators (`x` in {0, 1}, `vote <=> x >= 1`; the same as
//!   `ite(vote, w, 0)`, but one shared variable per member, see `RuleLowering`), e.g.
//!   `yes * 100 * denom >= numer * total`. No pseudo-Boolean
//!   constraint (their `i32` coefficients overflow on population weights) and no host
//!   arithmetic that could overflow: products of constants are built as Z3 terms.
//! - One fresh Z3 context and one long-lived solver per public call; every query goes
//!   through assumptions or `push`/`pop` on that solver.
//! - Z3's `unknown` becomes `JointError::GaveUp`: never read as sat or unsat.
//! - `can pass` and `veto players` are asked exactly (existentially over the free votes)
//!   and need no monotonicity. The smallest blocking coalition is searched as "a profile
//!   that fails with at most `k` free no votes, every other free member voting yes", which
//!   is the same question because every rule form is monotone (docs/semantics.md, "Voting rules").
//! - Results are plain data; member lists are member indices, sorted ascending.

use std::collections::{BTreeMap, BTreeSet};

use z3::ast::{Bool, Int};
use z3::{Config, Model as Z3Model, Solver};

use super::lower::Lowering;
use super::query::{Abort, Answer, Budget};
use super::Options;
use crate::budget::GaveUp;
use crate::model::{ActorId, Body, ClauseRef, Dim, Model, Rule, Target, TreatyId};
use crate::voting::Vote;

/// Why a voting question got no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JointError {
    /// Z3 answered `unknown` (budget exhausted or incompleteness); nothing is concluded.
    #[error(transparent)]
    GaveUp(#[from] GaveUp),
    /// The body, rule or votes break an invariant of the resolved model.
    #[error("invalid voting question: {0}")]
    Invalid(String),
    #[error("there is no treaty with index {0}")]
    NoSuchTreaty(TreatyId),
    /// A bug: a broken invariant inside this module.
    #[error("internal error in the joint voting analysis: {0}")]
    Internal(String),
}

impl From<Abort> for JointError {
    fn from(a: Abort) -> JointError {
        match a {
            Abort::GaveUp(g) => JointError::GaveUp(g),
            Abort::Internal(msg) => JointError::Internal(msg),
        }
    }
}

/// The three answers for one decision, from one solver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionSummary {
    /// Some assignment of the free votes makes the rule pass.
    pub can_pass: bool,
    /// Members not fixed yes whose vote decides: with the other fixed votes kept, some
    /// profile passes with their yes and none with their no (as `crate::voting`).
    pub veto_players: Vec<usize>,
    /// The fewest free members whose added no votes make passing impossible: `Some(0)`
    /// when it is already impossible, `None` when even all free no votes cannot block.
    pub min_blocking_size: Option<usize>,
}

/// Can the decision pass, given the fixed votes? `votes[i]` is member `i`'s vote.
pub fn decision_can_pass(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
    options: &Options,
) -> Result<bool, JointError> {
    with_decision(body, rule, votes, options, |d| d.can_pass())
}

/// The veto players of the decision (see `DecisionSummary::veto_players`).
pub fn decision_veto_players(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
    options: &Options,
) -> Result<Vec<usize>, JointError> {
    with_decision(body, rule, votes, options, |d| d.veto_players())
}

/// The size of the smallest blocking coalition among the free members (see
/// `DecisionSummary::min_blocking_size`).
pub fn decision_min_blocking_size(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
    options: &Options,
) -> Result<Option<usize>, JointError> {
    with_decision(body, rule, votes, options, |d| d.min_blocking_size())
}

/// All three answers on one solver.
pub fn decision_summary(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
    options: &Options,
) -> Result<DecisionSummary, JointError> {
    with_decision(body, rule, votes, options, |d| {
        Ok(DecisionSummary {
            can_pass: d.can_pass()?,
            veto_players: d.veto_players()?,
            min_blocking_size: d.min_blocking_size()?,
        })
    })
}

/// Runs `f` on a decision solver in a fresh context: Z3's choices depend on the context's
/// history, and answers must not depend on what ran before.
fn with_decision<T: Send + Sync>(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
    options: &Options,
    f: impl FnOnce(&DecisionSolver) -> Result<T, JointError> + Send + Sync,
) -> Result<T, JointError> {
    let cfg = Config::new();
    z3::with_z3_config(&cfg, || {
        let d = DecisionSolver::new(body, rule, votes, options)?;
        f(&d)
    })
}

/// One decision on one long-lived solver: `pass <=> rule(vote vars)` is asserted, fixed
/// votes and `pass`/`not pass` are assumptions.
struct DecisionSolver {
    solver: Solver,
    budget: Budget,
    vars: Vec<Bool>,
    votes: Vec<Vote>,
    pass: Bool,
    /// The free members, and the number of yes votes among them.
    free: Vec<usize>,
    /// The 0/1 yes indicator of each member (see `RuleLowering`).
    ones: Vec<Int>,
}

impl DecisionSolver {
    fn new(
        body: &Body,
        rule: &Rule,
        votes: &[Vote],
        options: &Options,
    ) -> Result<DecisionSolver, JointError> {
        let n = body.members.len();
        if votes.len() != n {
            return Err(JointError::Invalid(format!(
                "expected {n} votes (one per member), got {}",
                votes.len()
            )));
        }
        let vars: Vec<Bool> = (0..n).map(|i| Bool::new_const(format!("v{i}"))).collect();
        let mut lowering = RuleLowering::new(body, &vars)?;
        let formula = lowering.lower(rule)?;
        let solver = Solver::new();
        let budget = Budget::new(options.timeout_ms, options.rlimit);
        budget.configure(&solver);
        for a in lowering.axioms() {
            solver.assert(&a);
        }
        let pass = Bool::new_const("pass");
        solver.assert(pass.iff(&formula));
        let free: Vec<usize> = (0..n).filter(|&i| votes[i] == Vote::Free).collect();
        let ones = lowering.ones.clone();
        Ok(DecisionSolver {
            solver,
            budget,
            vars,
            votes: votes.to_vec(),
            pass,
            free,
            ones,
        })
    }

    /// The fixed-vote literals, leaving out member `skip`'s.
    fn fixed(&self, skip: Option<usize>) -> Vec<Bool> {
        self.votes
            .iter()
            .enumerate()
            .filter(|&(i, _)| Some(i) != skip)
            .filter_map(|(i, v)| match v {
                Vote::Yes => Some(self.vars[i].clone()),
                Vote::No | Vote::Abstain | Vote::Absent => Some(self.vars[i].not()),
                Vote::Free => None,
            })
            .collect()
    }

    /// Checks the fixed votes (less `skip`'s) and `extra`; the model when satisfiable.
    fn check(
        &self,
        skip: Option<usize>,
        extra: &[Bool],
        query: &dyn Fn() -> String,
    ) -> Result<Option<Z3Model>, JointError> {
        let mut a = self.fixed(skip);
        a.extend_from_slice(extra);
        match self.budget.check(&self.solver, &a, query)? {
            Answer::Unsat => Ok(None),
            Answer::Sat => self
                .solver
                .get_model()
                .map(Some)
                .ok_or_else(|| JointError::Internal("Z3 gave no model".into())),
        }
    }

    fn can_pass(&self) -> Result<bool, JointError> {
        let q = || "whether the decision can pass".to_string();
        Ok(self
            .check(None, std::slice::from_ref(&self.pass), &q)?
            .is_some())
    }

    fn value(&self, m: &Z3Model, i: usize) -> Option<bool> {
        m.eval(&self.vars[i], true).and_then(|b| b.as_bool())
    }

    fn veto_players(&self) -> Result<Vec<usize>, JointError> {
        let n = self.vars.len();
        let pass = self.pass.clone();
        let q_base = || "whether the decision can pass".to_string();
        let base = self.check(None, std::slice::from_ref(&pass), &q_base)?;
        let mut out = Vec::new();
        // Known from some passing profile (fixed votes kept): member i can vote yes / no.
        let mut yes_ok = vec![false; n];
        let mut no_ok = vec![false; n];
        let learn = |m: &Z3Model, yes_ok: &mut [bool], no_ok: &mut [bool]| {
            for i in 0..n {
                match self.value(m, i) {
                    Some(true) => yes_ok[i] = true,
                    Some(false) => no_ok[i] = true,
                    None => {}
                }
            }
        };
        if let Some(m) = &base {
            learn(m, &mut yes_ok, &mut no_ok);
        }
        // Fixed no: with its no kept the profile is `base`; a veto needs `base` blocked and
        // a pass once this member alone switches to yes.
        if base.is_none() {
            for i in (0..n).filter(|&i| self.votes[i] == Vote::No) {
                let q = || format!("whether the decision can pass with member {i} voting yes");
                let yes = [pass.clone(), self.vars[i].clone()];
                if self.check(Some(i), &yes, &q)?.is_some() {
                    out.push(i);
                }
            }
            // Blocked: no profile passes, so none passes with a yes from a free member.
            return Ok(out);
        }
        // Free members: a veto player can vote yes in a passing profile and no in none.
        // Candidates are the free members no passing profile found so far has voting no.
        let mut cand: Vec<usize> = Vec::new();
        for &i in &self.free {
            if no_ok[i] {
                continue;
            }
            if !yes_ok[i] {
                let q = || format!("whether the decision can pass with member {i} voting yes");
                match self.check(None, &[pass.clone(), self.vars[i].clone()], &q)? {
                    Some(m) => learn(&m, &mut yes_ok, &mut no_ok),
                    None => continue,
                }
            }
            cand.push(i);
        }
        cand.retain(|&i| !no_ok[i]);
        // Group testing instead of one query per member: ask for a passing profile in which
        // at least `want` candidates vote no; each one found clears them all, and an
        // unsatisfiable query halves `want`. At `want == 1` unsat means every remaining
        // candidate's no alone sinks the decision.
        let mut want = cand.len().div_ceil(2);
        while !cand.is_empty() {
            want = want.clamp(1, cand.len());
            let yes = self.yes_count(&cand);
            let bound = Int::add(&[yes, Int::from_u64(want as u64)]);
            let q = || {
                format!(
                    "whether the decision can pass with {want} candidate veto players voting no"
                )
            };
            self.solver.push();
            self.solver
                .assert(bound.le(Int::from_u64(cand.len() as u64)));
            let r = self.check(None, std::slice::from_ref(&pass), &q);
            self.solver.pop(1);
            match r? {
                Some(m) => {
                    learn(&m, &mut yes_ok, &mut no_ok);
                    cand.retain(|&i| !no_ok[i]);
                }
                None if want == 1 => {
                    out.append(&mut cand);
                }
                None => want /= 2,
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// The number of yes votes among `members`.
    fn yes_count(&self, members: &[usize]) -> Int {
        sum(members
            .iter()
            .filter_map(|&i| self.ones.get(i).cloned())
            .collect())
    }

    fn min_blocking_size(&self) -> Result<Option<usize>, JointError> {
        let free = &self.free;
        let n_free = Int::from_u64(free.len() as u64);
        let free_yes = self.yes_count(free);
        let fail = [self.pass.not()];
        let count = |m: &Z3Model| {
            free.iter()
                .filter(|&&i| self.value(m, i) != Some(true))
                .count()
        };
        let q = |k: Option<usize>| {
            move || match k {
                None => "whether any free no votes block the decision".to_string(),
                Some(k) => format!("whether {k} free no votes can block the decision"),
            }
        };
        let Some(m) = self.check(None, &fail, &q(None))? else {
            return Ok(None);
        };
        // Binary search on the bound; every failing profile found tightens the upper end.
        let (mut lo, mut hi) = (0usize, count(&m));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            self.solver.push();
            // At most `mid` free no votes: free yes + mid >= free.
            let bound = Int::add(&[free_yes.clone(), Int::from_u64(mid as u64)]);
            self.solver.assert(bound.ge(&n_free));
            let r = self.check(None, &fail, &q(Some(mid)));
            self.solver.pop(1);
            match r? {
                Some(m) => hi = count(&m).min(mid),
                None => lo = mid + 1,
            }
        }
        Ok(Some(hi))
    }
}

fn sum(terms: Vec<Int>) -> Int {
    if terms.is_empty() {
        Int::from_u64(0)
    } else {
        Int::add(&terms)
    }
}

/// Lowers rules of one body over one decision's vote variables. Every sum reads one 0/1
/// Int per member, tied to its vote by `axioms` (`0 <= x <= 1`, `vote <=> x >= 1`): the
/// arithmetic relaxation then sees one variable per member shared by every threshold and
/// count. Measured on a 200-member body: separate `ite(vote, w, 0)` terms per sum left the
/// relaxation unlinked and one smallest-blocking query ran for minutes; `ite(vote, 1, 0)`
/// shared took about 1 s, the bound-linked Int 0.03-0.3 s. The yes sum of each dimension
/// is built once.
struct RuleLowering<'a> {
    body: &'a Body,
    votes: &'a [Bool],
    ones: Vec<Int>,
    sums: BTreeMap<Dim, (Int, u128)>,
}

impl<'a> RuleLowering<'a> {
    fn new(body: &'a Body, votes: &'a [Bool]) -> Result<RuleLowering<'a>, JointError> {
        if body.members.is_empty() {
            return Err(JointError::Invalid(format!(
                "body `{}` has no members",
                body.id
            )));
        }
        if votes.len() != body.members.len() {
            return Err(JointError::Internal(format!(
                "{} vote variables for the {} members of `{}`",
                votes.len(),
                body.members.len(),
                body.id
            )));
        }
        Ok(RuleLowering {
            body,
            votes,
            ones: (0..votes.len()).map(|_| Int::fresh_const("yes")).collect(),
            sums: BTreeMap::new(),
        })
    }

    /// Ties each member's indicator to its vote: `0 <= x <= 1` and `vote <=> x >= 1`.
    fn axioms(&self) -> Vec<Bool> {
        let (zero, one) = (Int::from_u64(0), Int::from_u64(1));
        self.ones
            .iter()
            .zip(self.votes)
            .flat_map(|(x, v)| [x.ge(&zero), x.le(&one), v.iff(x.ge(&one))])
            .collect()
    }

    /// The yes total of `dim` as an Int term, and the dimension's total.
    fn yes_sum(&mut self, dim: Dim) -> Result<(Int, u128), JointError> {
        if let Some(s) = self.sums.get(&dim) {
            return Ok(s.clone());
        }
        let mut terms = Vec::with_capacity(self.votes.len());
        let mut total: u128 = 0;
        for (i, m) in self.body.members.iter().enumerate() {
            let w = match dim {
                Dim::Members => 1,
                Dim::Weight(d) => m.weights.get(d).copied().ok_or_else(|| {
                    JointError::Invalid(format!(
                        "member {i} of body `{}` has no value for dimension {d}",
                        self.body.id
                    ))
                })?,
            };
            total += u128::from(w);
            match w {
                0 => {}
                1 => terms.push(self.ones[i].clone()),
                _ => terms.push(Int::mul(&[Int::from_u64(w), self.ones[i].clone()])),
            }
        }
        let s = (sum(terms), total);
        self.sums.insert(dim, s.clone());
        Ok(s)
    }

    fn member(&self, i: usize) -> Result<Bool, JointError> {
        self.votes.get(i).cloned().ok_or_else(|| {
            JointError::Invalid(format!(
                "rule names member {i}, but body `{}` has {} members",
                self.body.id,
                self.votes.len()
            ))
        })
    }

    fn lower(&mut self, rule: &Rule) -> Result<Bool, JointError> {
        let n = self.votes.len() as u64;
        Ok(match rule {
            Rule::Unanimity => Bool::and(self.votes),
            Rule::Majority => {
                let (yes, _) = self.yes_sum(Dim::Members)?;
                Int::mul(&[Int::from_u64(2), yes]).gt(Int::from_u64(n))
            }
            Rule::Share {
                dim,
                strict,
                percent,
            } => {
                if percent.denom == 0 {
                    return Err(JointError::Invalid("a percentage has denominator 0".into()));
                }
                let (yes, total) = self.yes_sum(*dim)?;
                // yes / total >= numer / (100 * denom), cross-multiplied in Z3 integers.
                let lhs = Int::mul(&[yes, Int::from_u64(100), Int::from_u64(percent.denom)]);
                let rhs = Int::mul(&[Int::from_u64(percent.numer), Int::from_u128(total)]);
                if *strict {
                    lhs.gt(rhs)
                } else {
                    lhs.ge(rhs)
                }
            }
            Rule::Count { dim, strict, count } => {
                let (yes, _) = self.yes_sum(*dim)?;
                let count = Int::from_u64(*count);
                if *strict {
                    yes.gt(count)
                } else {
                    yes.ge(count)
                }
            }
            Rule::ShareOf { .. } | Rule::Withheld { .. } | Rule::Quorum { .. } => {
                return Err(JointError::Invalid(
                    "WIP: four-valued rule forms are not yet encoded".into(),
                ))
            }
            Rule::AtMostAgainst(k) => {
                // n - yes <= k, kept free of subtraction on the host.
                let (yes, _) = self.yes_sum(Dim::Members)?;
                Int::add(&[yes, Int::from_u64(*k)]).ge(Int::from_u64(n))
            }
            Rule::NoVetoFrom(list) | Rule::AllOf(list) => {
                let parts = list
                    .iter()
                    .map(|&i| self.member(i))
                    .collect::<Result<Vec<_>, _>>()?;
                and_all(&parts)
            }
            Rule::And(rules) => {
                let parts = rules
                    .iter()
                    .map(|r| self.lower(r))
                    .collect::<Result<Vec<_>, _>>()?;
                and_all(&parts)
            }
            Rule::Or(rules) => {
                let parts = rules
                    .iter()
                    .map(|r| self.lower(r))
                    .collect::<Result<Vec<_>, _>>()?;
                if parts.is_empty() {
                    Bool::from_bool(false)
                } else {
                    Bool::or(&parts)
                }
            }
        })
    }
}

fn and_all(parts: &[Bool]) -> Bool {
    if parts.is_empty() {
        Bool::from_bool(true)
    } else {
        Bool::and(parts)
    }
}

/// The fixed votes of a treaty's decisions, as plain data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JointInput {
    /// Actors that reject the package: no in every decision; a party among them does not
    /// sign.
    pub rejecting: Vec<ActorId>,
    /// An actor's vote on every decision of one clause (`supports` / `opposes`). A no (or a
    /// rejection) wins over a yes for the same actor and clause: a wrong "adoptable" is the
    /// worse error.
    pub fixed: Vec<(ActorId, ClauseRef, Vote)>,
}

/// One clause of the joint answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseOutcome {
    pub clause: ClauseRef,
    /// The clause's content holds together with the facts.
    pub content_holds: bool,
    /// For each requirement of the clause, in order: its decision can pass on its own.
    pub decisions_pass: Vec<bool>,
    /// Content and every decision hold at once.
    pub adoptable: bool,
}

/// The joint answer for one treaty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointOutcome {
    pub treaty: TreatyId,
    /// The facts and the content of every clause hold together.
    pub content_consistent: bool,
    pub clauses: Vec<ClauseOutcome>,
    /// Parties among the rejecting actors (they do not sign).
    pub refusing_parties: Vec<ActorId>,
    /// Facts, every clause's content and every decision hold at once, and every party signs.
    pub feasible: bool,
}

/// The joint question of a treaty in one solver. Each decision (a `requires` of a clause:
/// a body under a rule, or an actor's consent as a one-member decision) gets its own vote
/// variables, fixed by `input`; the facts and each clause's content are lowered with the
/// model's variables, so clauses interact through their content.
///
/// A clause is adoptable when its content (with the facts) and all its decisions can hold
/// at once; the treaty is feasible when everything holds at once and no party refuses.
/// Unlike `crate::analysis`, contradictory facts make every clause unadoptable here.
pub fn treaty_feasibility(
    model: &Model,
    treaty: TreatyId,
    input: &JointInput,
    options: &Options,
) -> Result<JointOutcome, JointError> {
    if treaty.index() >= model.treaties.len() {
        return Err(JointError::NoSuchTreaty(treaty));
    }
    let cfg = Config::new();
    z3::with_z3_config(&cfg, || joint(model, treaty, input, options))
}

fn joint(
    model: &Model,
    treaty: TreatyId,
    input: &JointInput,
    options: &Options,
) -> Result<JointOutcome, JointError> {
    let t = &model.treaties[treaty];
    let rejecting: BTreeSet<ActorId> = input.rejecting.iter().copied().collect();
    let mut fixed: BTreeMap<(ActorId, ClauseRef), Vote> = BTreeMap::new();
    for &(a, c, v) in &input.fixed {
        let e = fixed.entry((a, c)).or_insert(v);
        if v == Vote::No || *e == Vote::Free {
            *e = v;
        }
    }
    let vote_of = |a: ActorId, c: ClauseRef| -> Vote {
        if rejecting.contains(&a) {
            Vote::No
        } else {
            fixed.get(&(a, c)).copied().unwrap_or(Vote::Free)
        }
    };
    let internal = |e: super::SolveError| JointError::Internal(e.to_string());

    let solver = Solver::new();
    let budget = Budget::new(options.timeout_ms, options.rlimit);
    budget.configure(&solver);
    let lowering = Lowering::new(model);
    let facts_sel = Bool::new_const("facts");
    let facts: Vec<&crate::model::Expr> = model.facts.iter().map(|f| &f.formula.expr).collect();
    solver.assert(facts_sel.implies(lowering.all(&facts).map_err(internal)?));

    // Selectors: one per clause content, one per decision (clause, requirement).
    let mut content_sel = Vec::with_capacity(t.clauses.len());
    let mut decision_sel: Vec<Vec<Bool>> = Vec::with_capacity(t.clauses.len());
    for (ci, clause) in t.clauses.iter().enumerate() {
        let cref = ClauseRef { treaty, clause: ci };
        let sel = Bool::new_const(format!("content{ci}"));
        let exprs: Vec<&crate::model::Expr> = clause.formulas.iter().map(|f| &f.expr).collect();
        solver.assert(sel.implies(lowering.all(&exprs).map_err(internal)?));
        content_sel.push(sel);
        let mut sels = Vec::with_capacity(clause.requires.len());
        for (ri, req) in clause.requires.iter().enumerate() {
            let prefix = format!("c{ci}r{ri}");
            let [route] = req.routes.as_slice() else {
                return Err(JointError::Invalid(
                    "WIP: routes are not yet encoded".into(),
                ));
            };
            let (voters, formula) = match route.target {
                Target::Body { body, rule } => {
                    let b = &model.bodies[body];
                    let r = b.rule(rule);
                    let vars: Vec<Bool> = b
                        .members
                        .iter()
                        .map(|m| Bool::new_const(format!("{prefix}:{}", m.actor)))
                        .collect();
                    let mut lowering = RuleLowering::new(b, &vars)?;
                    let f = lowering.lower(&r.rule)?;
                    for a in lowering.axioms() {
                        solver.assert(&a);
                    }
                    let voters: Vec<(ActorId, Bool)> =
                        b.members.iter().map(|m| m.actor).zip(vars).collect();
                    (voters, f)
                }
                Target::Actor(actor) => {
                    let v = Bool::new_const(format!("{prefix}:{actor}"));
                    (vec![(actor, v.clone())], v)
                }
                Target::EachOf(_) => {
                    return Err(JointError::Invalid(
                        "WIP: each of is not yet encoded".into(),
                    ))
                }
            };
            for (a, v) in &voters {
                match vote_of(*a, cref) {
                    Vote::Yes => solver.assert(v),
                    Vote::No | Vote::Abstain | Vote::Absent => solver.assert(v.not()),
                    Vote::Free => {}
                }
            }
            let sel = Bool::new_const(format!("decision{ci}r{ri}"));
            solver.assert(sel.implies(&formula));
            sels.push(sel);
        }
        decision_sel.push(sels);
    }

    let sat = |a: &[Bool], q: &dyn Fn() -> String| -> Result<bool, JointError> {
        Ok(budget.check(&solver, a, q)? == Answer::Sat)
    };
    let mut clauses = Vec::with_capacity(t.clauses.len());
    for (ci, clause) in t.clauses.iter().enumerate() {
        let id = &clause.id;
        let mut decisions_pass = Vec::with_capacity(decision_sel[ci].len());
        for (ri, sel) in decision_sel[ci].iter().enumerate() {
            let q = || format!("whether decision {} of clause {id} can pass", ri + 1);
            decisions_pass.push(sat(std::slice::from_ref(sel), &q)?);
        }
        let content = [facts_sel.clone(), content_sel[ci].clone()];
        let q = || format!("whether clause {id} holds with the facts");
        let content_holds = sat(&content, &q)?;
        let mut all = content.to_vec();
        all.extend(decision_sel[ci].iter().cloned());
        let q = || format!("whether clause {id} can be adopted");
        // Skip the query when a part already fails: the conjunction cannot hold then.
        let adoptable = content_holds && decisions_pass.iter().all(|&p| p) && sat(&all, &q)?;
        clauses.push(ClauseOutcome {
            clause: ClauseRef { treaty, clause: ci },
            content_holds,
            decisions_pass,
            adoptable,
        });
    }
    let mut contents = vec![facts_sel.clone()];
    contents.extend(content_sel.iter().cloned());
    let q = || format!("whether the content of {} holds with the facts", t.id);
    let content_consistent = sat(&contents, &q)?;
    let refusing_parties: Vec<ActorId> = t
        .parties
        .iter()
        .copied()
        .filter(|p| rejecting.contains(p))
        .collect();
    let everything = || {
        let mut a = contents.clone();
        a.extend(decision_sel.iter().flatten().cloned());
        a
    };
    let q = || format!("whether all of {} can hold and pass at once", t.id);
    let feasible = content_consistent
        && refusing_parties.is_empty()
        && clauses.iter().all(|c| c.adoptable)
        && sat(&everything(), &q)?;
    Ok(JointOutcome {
        treaty,
        content_consistent,
        clauses,
        refusing_parties,
        feasible,
    })
}
