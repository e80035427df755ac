//! Voting questions in Z3: one decision (can it pass, who can veto it and how, how many
//! members must withhold to block it, who can make it pass alone) and the joint question of
//! a treaty (which requirements, routes and clauses can be met, and is the treaty feasible),
//! with four-valued ballots (yes, no, abstain, absent).
//!
//! Job: the solver-backed counterpart of `crate::voting` and of the staged analysis. For one
//! decision it must give the same answers (checked against brute force over every ballot
//! profile in `tests/voting_differential.rs`); for a treaty it poses the whole question as
//! one problem instead of arguing that decisions and preconditions are independent, so
//! `crate::analysis` has an independent check (`check --verify`).
//!
//! Invariants:
//! - One ballot per (decision, member): a 0/1 `Int` indicator for each way of withholding
//!   (no, abstain, absent), at most one of them 1, each tied to a `Bool` literal
//!   (`lit <=> x >= 1`) that assumptions and models use; a yes is none of them
//!   (`BallotVar`). Fixed votes are assumption literals (one decision) or assertions behind
//!   the decision's selector (a treaty); free ballots are unconstrained.
//! - Every rule form is encoded as `model::eval::passes_ballots` defines it, from the `Rule`
//!   as written (not from `voting`'s normalised game): the weight of the members casting a
//!   set of ballots is linear in the indicators (`sum w * (x_b1 + ...)`, or for a set with
//!   yes in it the dimension's total less the weight withholding in the other ways), and
//!   every threshold is a cross-multiplied comparison such as `yes * b >= a * cast`; a share
//!   of votes cast or of members present needs its base to weigh something, as in
//!   `passes_ballots` (a share of the whole body does not, as a percentage does not).
//! - Exact arithmetic: no pseudo-Boolean constraint (their `i32` coefficients overflow on
//!   population weights) and no host arithmetic that could overflow: products of constants
//!   are built as Z3 terms.
//! - One fresh Z3 context and one long-lived solver per public call; every query goes
//!   through assumptions or `push`/`pop` on that solver.
//! - Z3's `unknown` becomes `JointError::GaveUp`: never read as sat or unsat.
//! - "Can pass", veto players and sole passers are asked existentially over the free
//!   ballots and need no monotonicity: a free member vetoes by ballot `b` when no passing
//!   profile has it casting `b` (with yes the best ballot, the same as "it fails when every
//!   other free member votes yes", `voting`'s definition). The smallest blocking coalition
//!   is "a failing profile with at most `k` free members not voting yes", which is exactly
//!   `voting`'s question (the others may vote anything, yes included).
//! - The joint question expands routes as `analysis::decisions` does (a procedure per
//!   domestic `consent`, a consent per member for `each of`), with its own code. Each
//!   precondition is asked of its own copy of the model's variables (with the facts and
//!   the clause's content), as the staged analysis asks it on its own.
//! - One decision's answers may start from `voting`'s claim (`confirm`): a claim is taken
//!   only when Z3 confirms it on this encoding (each certificate profile evaluated by Z3,
//!   each "no profile does it" claim an `unsat` query); any part not confirmed is
//!   answered by the free search below, so every answer is Z3's.
//! - Results are plain data; member lists are member indices, sorted ascending.

use std::collections::{BTreeMap, BTreeSet};

use z3::ast::{Bool, Int};
use z3::{Config, Model as Z3Model, Solver};

use super::lower::Lowering;
use super::query::{Abort, Answer, Budget};
use super::Options;
use crate::budget::GaveUp;
use crate::model::{
    ActorId, Ballot, Base, Body, BodyId, Bound, ClauseRef, Dim, Expr, Formula, Model, Ratio, Rule,
    RuleId, Target, TreatyId,
};
use crate::voting::{DecisionClaim, SolePassersClaim, Vote};

mod confirm;

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

/// The answers for one decision, from one solver (as `voting::DecisionAnalysis` defines
/// them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionSummary {
    /// Some ballots of the free members make the rule pass (the fixed ones kept).
    pub can_pass: bool,
    /// Some ballots of the free members make it fail.
    pub can_fail: bool,
    /// When it can pass: the free members some withholding ballot of whom makes it fail
    /// whatever the other free members cast, each with every such ballot
    /// (`veto_ballots[i]` for `veto_players[i]`, in the order no, abstain, absent). When
    /// it cannot: the fixed withholding members whose switch to yes would let it pass,
    /// each with its fixed ballot.
    pub veto_players: Vec<usize>,
    pub veto_ballots: Vec<Vec<Ballot>>,
    /// The fewest free members whose withholding (each in any way, the other free members
    /// voting yes, the fixed ballots kept) makes it fail: `Some(0)` when it cannot pass,
    /// `None` when even all free members cannot block.
    pub min_blocking_size: Option<usize>,
}

impl DecisionSummary {
    /// The summary of these answers (`can_fail` is whether some coalition blocks).
    fn of(
        can_pass: bool,
        vetoes: Vec<(usize, Vec<Ballot>)>,
        min_blocking_size: Option<usize>,
    ) -> DecisionSummary {
        let (veto_players, veto_ballots) = vetoes.into_iter().unzip();
        DecisionSummary {
            can_pass,
            can_fail: min_blocking_size.is_some(),
            veto_players,
            veto_ballots,
            min_blocking_size,
        }
    }
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

/// The veto players of the decision, each with the ballots that work (see
/// `DecisionSummary::veto_players`).
pub fn decision_veto_players(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
    options: &Options,
) -> Result<Vec<(usize, Vec<Ballot>)>, JointError> {
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

/// Members who can alone make the rule pass whatever every other member casts (every vote
/// free): no profile with their yes fails. As `voting::sole_passers`, whose claim (with
/// certificates) Z3 confirms; searched when there is no claim or Z3 does not confirm it.
pub fn decision_sole_passers(
    body: &Body,
    rule: &Rule,
    options: &Options,
) -> Result<Vec<usize>, JointError> {
    let claim = crate::voting::sole_passers_claim(body, rule).ok();
    decision_sole_passers_with(body, rule, claim.as_ref(), options)
}

/// `decision_sole_passers` with the claim to confirm given (`None`: Z3's free search).
pub fn decision_sole_passers_with(
    body: &Body,
    rule: &Rule,
    claim: Option<&SolePassersClaim>,
    options: &Options,
) -> Result<Vec<usize>, JointError> {
    let free = vec![Vote::Free; body.members.len()];
    with_decision(body, rule, &free, options, |d| d.sole_passers_from(claim))
}

/// All the answers of `DecisionSummary` on one solver: `voting`'s claim (with
/// certificates) confirmed by Z3 where it can be, Z3's free search for every part it does
/// not confirm (or all of them when `voting` has no answer), so every answer is Z3's and a
/// wrong claim comes out as Z3's different answer.
pub fn decision_summary(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
    options: &Options,
) -> Result<DecisionSummary, JointError> {
    let claim = crate::voting::decision_claim(body, rule, votes).ok();
    decision_summary_with(body, rule, votes, claim.as_ref(), options)
}

/// `decision_summary` with the claim to confirm given (`None`: Z3's free search).
pub fn decision_summary_with(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
    claim: Option<&DecisionClaim>,
    options: &Options,
) -> Result<DecisionSummary, JointError> {
    with_decision(body, rule, votes, options, |d| d.summary_from(claim))
}

/// What `check --verify` asks of one body and rule, every vote free, on one solver:
/// `decision_summary` and `decision_sole_passers`, each from `voting`'s claim as there.
pub fn decision_structure(
    body: &Body,
    rule: &Rule,
    options: &Options,
) -> Result<(DecisionSummary, Vec<usize>), JointError> {
    let free = vec![Vote::Free; body.members.len()];
    let claim = crate::voting::decision_claim(body, rule, &free).ok();
    let sole = crate::voting::sole_passers_claim(body, rule).ok();
    with_decision(body, rule, &free, options, |d| {
        Ok((
            d.summary_from(claim.as_ref())?,
            d.sole_passers_from(sole.as_ref())?,
        ))
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

// ---------------------------------------------------------------- ballots

/// One member's ballot in one decision: a `Bool` literal and a 0/1 `Int` indicator for
/// each way of withholding (no, abstain, absent), at most one of them set; a yes is none of
/// them. Every weight sum reads the indicators (so the arithmetic relaxation sees one
/// variable per member and ballot, shared by every threshold); assumptions, assertions and
/// models use the literals. With no literal set meaning yes, Z3's default phase (false)
/// starts every search from the profile where everyone votes yes: measured on the IMF
/// (191 weighted members, four rules, every vote free), veto players took 0.4-1.1 s per
/// rule, against 0.5-3.1 s with a literal and an indicator for each of the four ballots.
struct BallotVar {
    /// Indexed by `Ballot::index() - 1` (no, abstain, absent).
    ind: [Int; 3],
    lit: [Bool; 3],
}

impl BallotVar {
    /// Constants named `{name}={ballot}`; the caller keeps `name` unique.
    fn new(name: &str) -> BallotVar {
        let tag = ["no", "abstain", "absent"];
        BallotVar {
            ind: tag.map(|t| Int::new_const(format!("{name}={t}#"))),
            lit: tag.map(|t| Bool::new_const(format!("{name}={t}"))),
        }
    }

    /// `0 <= x_b <= 1`, `lit_b <=> x_b >= 1`, `sum_b x_b <= 1`, and no two literals set.
    fn axioms(&self) -> Vec<Bool> {
        let (zero, one) = (Int::from_u64(0), Int::from_u64(1));
        let mut out = Vec::with_capacity(13);
        for (x, l) in self.ind.iter().zip(&self.lit) {
            out.push(x.ge(&zero));
            out.push(x.le(&one));
            out.push(l.iff(x.ge(&one)));
        }
        out.push(Int::add(&self.ind).le(&one));
        for (i, a) in self.lit.iter().enumerate() {
            for b in &self.lit[i + 1..] {
                out.push(Bool::and(&[a, b]).not());
            }
        }
        out
    }

    /// The slot of a withholding ballot; `None` for yes.
    fn slot(b: Ballot) -> Option<usize> {
        b.index().checked_sub(1)
    }

    /// "This member casts `b`", as a formula.
    fn is(&self, b: Ballot) -> Bool {
        match Self::slot(b) {
            Some(k) => self.lit[k].clone(),
            None => Bool::or(&self.lit).not(),
        }
    }

    /// "This member casts `b`", as assumption literals (constants or their negations).
    fn cast(&self, b: Ballot) -> Vec<Bool> {
        match Self::slot(b) {
            Some(k) => vec![self.lit[k].clone()],
            None => self.lit.iter().map(Bool::not).collect(),
        }
    }

    /// The literals fixing a vote (none when free).
    fn fixed(&self, v: Vote) -> Vec<Bool> {
        v.fixed().map(|b| self.cast(b)).unwrap_or_default()
    }

    /// The indicator of a withholding ballot (`None` for yes).
    fn ind(&self, b: Ballot) -> Option<&Int> {
        Self::slot(b).and_then(|k| self.ind.get(k))
    }

    /// 1 when this member withholds in any way, else 0.
    fn withholding(&self) -> Int {
        Int::add(&self.ind)
    }

    /// The ballot cast in a Z3 model.
    fn read(&self, m: &Z3Model) -> Option<Ballot> {
        let mut set = Vec::new();
        for (l, b) in self.lit.iter().zip(Ballot::WITHHOLDING) {
            if m.eval(l, true)?.as_bool()? {
                set.push(b);
            }
        }
        match set.as_slice() {
            [] => Some(Ballot::Yes),
            [b] => Some(*b),
            _ => None,
        }
    }
}

fn sum(mut terms: Vec<Int>) -> Int {
    match terms.len() {
        0 => Int::from_u64(0),
        1 => terms.pop().unwrap_or_else(|| Int::from_u64(0)),
        _ => Int::add(&terms),
    }
}

fn and_all(parts: &[Bool]) -> Bool {
    match parts {
        [] => Bool::from_bool(true),
        [one] => one.clone(),
        _ => Bool::and(parts),
    }
}

fn or_any(parts: &[Bool]) -> Bool {
    match parts {
        [] => Bool::from_bool(false),
        [one] => one.clone(),
        _ => Bool::or(parts),
    }
}

/// A set of ballots, as a bit mask over `Ballot::index`.
type Ballots = u8;

fn ballots_where(pick: impl Fn(Ballot) -> bool) -> Ballots {
    Ballot::ALL
        .into_iter()
        .filter(|&b| pick(b))
        .fold(0, |m, b| m | 1 << b.index())
}

/// Lowers rules of one body over one decision's ballots, as `passes_ballots` reads them.
/// Each weight sum (a dimension over a set of ballots) is built once.
struct RuleLowering<'a> {
    body: &'a Body,
    ballots: &'a [BallotVar],
    sums: BTreeMap<(Dim, Ballots), Int>,
}

impl<'a> RuleLowering<'a> {
    fn new(body: &'a Body, ballots: &'a [BallotVar]) -> Result<RuleLowering<'a>, JointError> {
        if body.members.is_empty() {
            return Err(JointError::Invalid(format!(
                "body `{}` has no members",
                body.id
            )));
        }
        if ballots.len() != body.members.len() {
            return Err(JointError::Internal(format!(
                "{} ballots for the {} members of `{}`",
                ballots.len(),
                body.members.len(),
                body.id
            )));
        }
        Ok(RuleLowering {
            body,
            ballots,
            sums: BTreeMap::new(),
        })
    }

    fn weight(&self, i: usize, dim: Dim) -> Result<u64, JointError> {
        match dim {
            Dim::Members => Ok(1),
            Dim::Weight(d) => self
                .body
                .members
                .get(i)
                .and_then(|m| m.weights.get(d))
                .copied()
                .ok_or_else(|| {
                    JointError::Invalid(format!(
                        "member {i} of body `{}` has no value for dimension {d}",
                        self.body.id
                    ))
                }),
        }
    }

    /// The dimension's total over every member, as a constant.
    fn total(&self, dim: Dim) -> Result<Int, JointError> {
        let mut total: u128 = 0;
        for i in 0..self.ballots.len() {
            total += u128::from(self.weight(i, dim)?);
        }
        Ok(Int::from_u128(total))
    }

    /// The weight of `dim` over the members casting a ballot of `set`: the withholding
    /// indicators of `set`, weighted; or, when `set` holds yes, the total less the
    /// withholding indicators outside `set`.
    fn sum(&mut self, dim: Dim, set: Ballots) -> Result<Int, JointError> {
        if let Some(s) = self.sums.get(&(dim, set)) {
            return Ok(s.clone());
        }
        let has_yes = set & 1 << Ballot::Yes.index() != 0;
        let picked: Vec<Ballot> = Ballot::WITHHOLDING
            .into_iter()
            .filter(|b| (set >> b.index() & 1 == 1) != has_yes)
            .collect();
        let mut terms = Vec::with_capacity(self.ballots.len());
        for (i, bv) in self.ballots.iter().enumerate() {
            let w = self.weight(i, dim)?;
            if w == 0 || picked.is_empty() {
                continue;
            }
            let x = sum(picked.iter().filter_map(|&b| bv.ind(b).cloned()).collect());
            terms.push(if w == 1 {
                x
            } else {
                Int::mul(&[Int::from_u64(w), x])
            });
        }
        let picked_sum = sum(terms);
        let s = if has_yes {
            let total = self.total(dim)?;
            if picked.is_empty() {
                total
            } else {
                Int::sub(&[total, picked_sum])
            }
        } else {
            picked_sum
        };
        self.sums.insert((dim, set), s.clone());
        Ok(s)
    }

    fn yes(&mut self, dim: Dim) -> Result<Int, JointError> {
        self.sum(dim, ballots_where(|b| b == Ballot::Yes))
    }

    /// `x / base >= a / b` (`>` when `strict`), cross-multiplied: `x * b >= a * base`.
    fn at_least(x: Int, base: Int, (a, b): (u128, u128), strict: bool) -> Bool {
        let lhs = Int::mul(&[x, Int::from_u128(b)]);
        let rhs = Int::mul(&[Int::from_u128(a), base]);
        if strict {
            lhs.gt(rhs)
        } else {
            lhs.ge(rhs)
        }
    }

    /// `x` against a bound: an upper bound (`x <= bound`, `<` when strict) or a lower one
    /// (`x >= bound`, `>` when strict); a share bound is a share of `dim`'s total.
    fn bound(
        &self,
        x: Int,
        dim: Dim,
        bound: Bound,
        strict: bool,
        upper: bool,
    ) -> Result<Bool, JointError> {
        Ok(match bound {
            Bound::Count(c) => {
                let c = Int::from_u64(c);
                match (upper, strict) {
                    (true, false) => x.le(c),
                    (true, true) => x.lt(c),
                    (false, false) => x.ge(c),
                    (false, true) => x.gt(c),
                }
            }
            Bound::Share(r) => {
                let total = self.total(dim)?;
                if upper {
                    // x <= r * total  <=>  not (x > r * total).
                    Self::at_least(x, total, r.parts(), !strict).not()
                } else {
                    Self::at_least(x, total, r.parts(), strict)
                }
            }
        })
    }

    fn member(&self, i: usize) -> Result<&BallotVar, JointError> {
        self.ballots.get(i).ok_or_else(|| {
            JointError::Invalid(format!(
                "rule names member {i}, but body `{}` has {} members",
                self.body.id,
                self.ballots.len()
            ))
        })
    }

    fn lower(&mut self, rule: &Rule) -> Result<Bool, JointError> {
        let n = self.ballots.len() as u64;
        Ok(match rule {
            Rule::Unanimity => {
                let yes: Vec<Bool> = self.ballots.iter().map(|b| b.is(Ballot::Yes)).collect();
                and_all(&yes)
            }
            Rule::Majority => {
                let yes = self.yes(Dim::Members)?;
                Int::mul(&[Int::from_u64(2), yes]).gt(Int::from_u64(n))
            }
            Rule::Share {
                dim,
                strict,
                percent,
            } => {
                let yes = self.yes(*dim)?;
                let total = self.total(*dim)?;
                Self::at_least(yes, total, Ratio::Percent(*percent).parts(), *strict)
            }
            Rule::ShareOf {
                dim,
                strict,
                ratio,
                base,
            } => {
                let yes = self.yes(*dim)?;
                let b = self.sum(*dim, ballots_where(|x| base.counts(x)))?;
                let share = Self::at_least(yes, b.clone(), ratio.parts(), *strict);
                if *base == Base::All {
                    // Of the whole body, as a percentage `Share` reads.
                    share
                } else {
                    Bool::and(&[b.gt(Int::from_u64(0)), share])
                }
            }
            Rule::Count { dim, strict, count } => {
                let yes = self.yes(*dim)?;
                self.bound(yes, *dim, Bound::Count(*count), *strict, false)?
            }
            Rule::Withheld {
                dim,
                strict,
                bound,
                what,
            } => {
                let x = self.sum(*dim, ballots_where(|b| what.counts(b)))?;
                self.bound(x, *dim, *bound, *strict, true)?
            }
            Rule::Quorum { dim, strict, bound } => {
                let present = self.sum(*dim, ballots_where(|b| b != Ballot::Absent))?;
                self.bound(present, *dim, *bound, *strict, false)?
            }
            Rule::AtMostAgainst(k) => {
                let no = self.sum(Dim::Members, ballots_where(|b| b == Ballot::No))?;
                no.le(Int::from_u64(*k))
            }
            Rule::NoVetoFrom(list) => {
                let parts = list
                    .iter()
                    .map(|&i| Ok(self.member(i)?.is(Ballot::No).not()))
                    .collect::<Result<Vec<_>, JointError>>()?;
                and_all(&parts)
            }
            Rule::AllOf(list) => {
                let parts = list
                    .iter()
                    .map(|&i| Ok(self.member(i)?.is(Ballot::Yes)))
                    .collect::<Result<Vec<_>, JointError>>()?;
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
                or_any(&parts)
            }
        })
    }
}

// ---------------------------------------------------------------- one decision

/// One decision on one long-lived solver: `pass <=> rule(ballots)` is asserted (on first
/// use, `main`), fixed votes and `pass`/`not pass` are assumptions.
struct DecisionSolver {
    solver: Solver,
    budget: Budget,
    ballots: Vec<BallotVar>,
    votes: Vec<Vote>,
    pass: Bool,
    /// The rule over the ballots (`pass <=> formula` is asserted).
    formula: Bool,
    /// The free members.
    free: Vec<usize>,
    /// The solver of the claims to refute (`confirm`), made when first needed.
    lean: std::cell::OnceCell<Solver>,
    /// Whether `solver` has its assertions yet (`main`).
    asserted: std::cell::Cell<bool>,
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
        let ballots: Vec<BallotVar> = (0..n).map(|i| BallotVar::new(&format!("m{i}"))).collect();
        let formula = RuleLowering::new(body, &ballots)?.lower(rule)?;
        let solver = Solver::new();
        let budget = Budget::new(options.timeout_ms, options.rlimit);
        budget.configure(&solver);
        let pass = Bool::new_const("pass");
        let free: Vec<usize> = (0..n).filter(|&i| votes[i] == Vote::Free).collect();
        Ok(DecisionSolver {
            solver,
            budget,
            ballots,
            votes: votes.to_vec(),
            pass,
            formula,
            free,
            lean: std::cell::OnceCell::new(),
            asserted: std::cell::Cell::new(false),
        })
    }

    /// The solver of the free search, with the ballot axioms and `pass <=> formula`
    /// asserted on first use (a confirmed claim never needs them).
    fn main(&self) -> &Solver {
        if !self.asserted.replace(true) {
            for b in &self.ballots {
                for a in b.axioms() {
                    self.solver.assert(&a);
                }
            }
            self.solver.assert(self.pass.iff(&self.formula));
        }
        &self.solver
    }

    /// The fixed-vote literals, leaving out member `skip`'s.
    fn fixed(&self, skip: Option<usize>) -> Vec<Bool> {
        self.votes
            .iter()
            .zip(&self.ballots)
            .enumerate()
            .filter(|&(i, _)| Some(i) != skip)
            .flat_map(|(_, (v, b))| b.fixed(*v))
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
        match self.budget.check(self.main(), &a, query)? {
            Answer::Unsat => Ok(None),
            Answer::Sat => self
                .solver
                .get_model()
                .map(Some)
                .ok_or_else(|| JointError::Internal("Z3 gave no model".into())),
        }
    }

    /// `check` with `bound` asserted for this one query.
    fn check_with(
        &self,
        bound: &Bool,
        extra: &[Bool],
        query: &dyn Fn() -> String,
    ) -> Result<Option<Z3Model>, JointError> {
        self.main().push();
        self.solver.assert(bound);
        let r = self.check(None, extra, query);
        self.solver.pop(1);
        r
    }

    /// `DecisionSummary` by the free search.
    fn summary(&self) -> Result<DecisionSummary, JointError> {
        let can_pass = self.can_pass()?;
        let vetoes = self.veto_players()?;
        Ok(DecisionSummary::of(
            can_pass,
            vetoes,
            self.min_blocking_size()?,
        ))
    }

    fn can_pass(&self) -> Result<bool, JointError> {
        let q = || "whether the decision can pass".to_string();
        Ok(self
            .check(None, std::slice::from_ref(&self.pass), &q)?
            .is_some())
    }

    /// The number of members of `members` casting `b` (a way of withholding), or
    /// withholding in any way (`None`).
    fn count(&self, members: &[usize], b: Option<Ballot>) -> Int {
        sum(members
            .iter()
            .filter_map(|&i| self.ballots.get(i))
            .filter_map(|v| match b {
                Some(b) => v.ind(b).cloned(),
                None => Some(v.withholding()),
            })
            .collect())
    }

    fn veto_players(&self) -> Result<Vec<(usize, Vec<Ballot>)>, JointError> {
        let pass = self.pass.clone();
        let q_base = || "whether the decision can pass".to_string();
        let Some(base) = self.check(None, std::slice::from_ref(&pass), &q_base)? else {
            // Blocked: a fixed withholding member vetoes when its switch to yes (the other
            // fixed votes kept) lets the decision pass.
            let mut out = Vec::new();
            for (i, v) in self.votes.iter().enumerate() {
                let Some(b) = v.fixed().filter(|_| v.withholds()) else {
                    continue;
                };
                let q = || format!("whether the decision can pass with member {i} voting yes");
                let mut yes = vec![pass.clone()];
                yes.extend(self.ballots[i].cast(Ballot::Yes));
                if self.check(Some(i), &yes, &q)?.is_some() {
                    out.push((i, vec![b]));
                }
            }
            return Ok(out);
        };
        // seen[i][b]: some passing profile (fixed votes kept) has member i casting b, so b
        // is no veto of i's.
        let n = self.ballots.len();
        let mut seen = vec![[false; 4]; n];
        let learn = |m: &Z3Model, seen: &mut [[bool; 4]]| {
            for (i, bv) in self.ballots.iter().enumerate() {
                if let Some(b) = bv.read(m) {
                    seen[i][b.index()] = true;
                }
            }
        };
        learn(&base, &mut seen);
        let mut vetoes: Vec<Vec<Ballot>> = vec![Vec::new(); n];
        for b in Ballot::WITHHOLDING {
            // Group testing instead of one query per member: ask for a passing profile in
            // which at least `want` candidates cast `b`; each one found clears them all,
            // and an unsatisfiable query halves `want`. At `want == 1` unsat means every
            // remaining candidate's `b` alone sinks the decision.
            let mut cand: Vec<usize> = self
                .free
                .iter()
                .copied()
                .filter(|&i| !seen[i][b.index()])
                .collect();
            let mut want = cand.len().div_ceil(2);
            while !cand.is_empty() {
                want = want.clamp(1, cand.len());
                let at_least = self.count(&cand, Some(b)).ge(Int::from_u64(want as u64));
                let q = || {
                    format!(
                        "whether the decision can pass with {want} candidate veto players {}",
                        b.verb()
                    )
                };
                match self.check_with(&at_least, std::slice::from_ref(&pass), &q)? {
                    Some(m) => {
                        learn(&m, &mut seen);
                        cand.retain(|&i| !seen[i][b.index()]);
                    }
                    None if want == 1 => {
                        for i in cand.drain(..) {
                            vetoes[i].push(b);
                        }
                    }
                    None => want /= 2,
                }
            }
        }
        Ok(vetoes
            .into_iter()
            .enumerate()
            .filter(|(_, bs)| !bs.is_empty())
            .collect())
    }

    fn min_blocking_size(&self) -> Result<Option<usize>, JointError> {
        let free = &self.free;
        let withheld = self.count(free, None);
        let fail = [self.pass.not()];
        let withholding = |m: &Z3Model| {
            free.iter()
                .filter(|&&i| self.ballots[i].read(m) != Some(Ballot::Yes))
                .count()
        };
        let q = |k: Option<usize>| {
            move || match k {
                None => "whether the free members can block the decision".to_string(),
                Some(k) => format!("whether {k} free members withholding can block the decision"),
            }
        };
        let Some(m) = self.check(None, &fail, &q(None))? else {
            return Ok(None);
        };
        // Binary search on the bound; every failing profile found tightens the upper end.
        let (mut lo, mut hi) = (0usize, withholding(&m));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            // At most `mid` free members not voting yes.
            let bound = withheld.le(Int::from_u64(mid as u64));
            match self.check_with(&bound, &fail, &q(Some(mid)))? {
                Some(m) => hi = withholding(&m).min(mid),
                None => lo = mid + 1,
            }
        }
        Ok(Some(hi))
    }

    /// Members with whose yes no profile fails (the fixed votes kept), by group testing
    /// as for veto players: a failing profile clears every member voting yes in it.
    fn sole_passers(&self) -> Result<Vec<usize>, JointError> {
        let fail = self.pass.not();
        let q = || "whether the decision can fail".to_string();
        let Some(m) = self.check(None, std::slice::from_ref(&fail), &q)? else {
            // It cannot fail at all: everyone passes it alone.
            return Ok((0..self.ballots.len()).collect());
        };
        let mut cleared = vec![false; self.ballots.len()];
        let learn = |m: &Z3Model, cleared: &mut [bool]| {
            for (i, bv) in self.ballots.iter().enumerate() {
                if bv.read(m) == Some(Ballot::Yes) {
                    cleared[i] = true;
                }
            }
        };
        learn(&m, &mut cleared);
        let mut out = Vec::new();
        let mut cand: Vec<usize> = (0..self.ballots.len()).filter(|&i| !cleared[i]).collect();
        let mut want = cand.len().div_ceil(2);
        while !cand.is_empty() {
            want = want.clamp(1, cand.len());
            // At least `want` candidates vote yes: at most `len - want` withhold.
            let most = (cand.len() - want) as u64;
            let bound = self.count(&cand, None).le(Int::from_u64(most));
            let q = || {
                format!(
                    "whether the decision can fail with {want} candidate sole passers voting yes"
                )
            };
            match self.check_with(&bound, std::slice::from_ref(&fail), &q)? {
                Some(m) => {
                    learn(&m, &mut cleared);
                    cand.retain(|&i| !cleared[i]);
                }
                None if want == 1 => out.append(&mut cand),
                None => want /= 2,
            }
        }
        out.sort_unstable();
        Ok(out)
    }
}

// ---------------------------------------------------------------- the joint question

/// The fixed votes of a treaty's decisions, as plain data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JointInput {
    /// Actors that reject the package: no in every decision; a party among them does not
    /// sign.
    pub rejecting: Vec<ActorId>,
    /// An actor's vote on every decision of one clause (`supports`, `opposes`, `abstains
    /// on`). A no (or a rejection) wins over an abstention, and both over a yes, for the
    /// same actor and clause: a wrong "adoptable" is the worse error.
    pub fixed: Vec<(ActorId, ClauseRef, Vote)>,
}

/// One decision of a route: a body's decision or an actor's consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionOutcome {
    /// The body and rule deciding, or `None` for a consent (one voter, passes on a yes).
    pub body: Option<(BodyId, RuleId)>,
    /// The voters, in member order, and each one's fixed vote on the decision itself (for
    /// a lapse, those against the clause vote yes).
    pub voters: Vec<ActorId>,
    pub votes: Vec<Vote>,
    /// The actor whose consent this decision gives (a domestic procedure, or one member
    /// of `each of`), if any.
    pub consent_of: Option<ActorId>,
    /// The decision can go the clause's way with the fixed votes: pass, or for a lapse
    /// fail (the preconditions aside).
    pub goes: bool,
}

/// One route of a requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteOutcome {
    pub target: Target,
    pub lapse: bool,
    /// Every precondition of the route (its own and its procedures') can hold with the
    /// facts and the clause's content.
    pub possible: bool,
    pub decisions: Vec<DecisionOutcome>,
    /// The preconditions hold and every decision goes the clause's way, at once.
    pub open: bool,
}

/// One requirement of a clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementOutcome {
    pub routes: Vec<RouteOutcome>,
    /// Some route is open.
    pub met: bool,
}

/// One clause of the joint answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseOutcome {
    pub clause: ClauseRef,
    /// The clause's content holds together with the facts.
    pub content_holds: bool,
    pub requirements: Vec<RequirementOutcome>,
    /// Content and every requirement hold at once.
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
    /// Facts, every clause's content and every requirement hold at once, and every party
    /// signs.
    pub feasible: bool,
}

/// The joint question of a treaty in one solver.
///
/// Every requirement is met by one of its routes; a route is met when its preconditions
/// can hold (each with the facts and the clause's content, on its own copy of the
/// variables) and each of its decisions goes the clause's way: passes, or for a `lapse`
/// fails. A route's decisions: a body's decision; an actor's consent (one voter) or, when
/// the actor has domestic procedures, the decision of each (whose voters follow the
/// actor's vote unless they have their own); for `each of BODY`, every member's consent so
/// expanded. Each decision has its own ballots, fixed by `input`; the facts and each
/// clause's content are lowered with the model's variables, so clauses interact through
/// their content.
///
/// A clause is adoptable when its content (with the facts) and all its requirements can
/// hold at once; the treaty is feasible when everything holds at once and no party
/// refuses. Unlike `crate::analysis`, contradictory facts make every clause unadoptable
/// here without a special case.
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

/// Who takes one decision of a route.
#[derive(Clone, Copy)]
enum Decider {
    Body(BodyId, RuleId),
    Consent(ActorId),
}

/// One decision a route expands to.
struct Step<'m> {
    decider: Decider,
    consent_of: Option<ActorId>,
    /// The procedure's precondition.
    when: Option<&'m Formula>,
}

/// An actor's consent: its domestic procedures, all of them, or its own yes.
fn consent_steps(model: &Model, actor: ActorId) -> Vec<Step<'_>> {
    let procs: Vec<Step<'_>> = model
        .procedures
        .iter()
        .filter(|p| p.actor == actor)
        .map(|p| Step {
            decider: Decider::Body(p.body, p.rule),
            consent_of: Some(actor),
            when: p.when.as_ref(),
        })
        .collect();
    if procs.is_empty() {
        vec![Step {
            decider: Decider::Consent(actor),
            consent_of: None,
            when: None,
        }]
    } else {
        procs
    }
}

fn expand(model: &Model, target: Target) -> Result<Vec<Step<'_>>, JointError> {
    let body = |b: BodyId| {
        model
            .bodies
            .get(b.index())
            .ok_or_else(|| JointError::Invalid(format!("there is no body with index {b}")))
    };
    Ok(match target {
        Target::Body { body, rule } => vec![Step {
            decider: Decider::Body(body, rule),
            consent_of: None,
            when: None,
        }],
        Target::Actor(actor) => consent_steps(model, actor),
        Target::EachOf(b) => body(b)?
            .members
            .iter()
            .flat_map(|m| {
                consent_steps(model, m.actor).into_iter().map(|s| Step {
                    // Each member's consent, whether given directly or by procedure.
                    consent_of: Some(m.actor),
                    ..s
                })
            })
            .collect(),
    })
}

/// How much an opinion weighs when several stances meet: no, then abstention (or
/// absence), then yes, then nothing.
fn rank(v: Vote) -> u8 {
    match v {
        Vote::No => 3,
        Vote::Abstain | Vote::Absent => 2,
        Vote::Yes => 1,
        Vote::Free => 0,
    }
}

/// A decision's selector and what the outcome needs to name it.
struct PlannedDecision {
    outcome: DecisionOutcome,
    goes: Bool,
}

struct PlannedRoute {
    target: Target,
    lapse: bool,
    preconditions: Vec<Bool>,
    decisions: Vec<PlannedDecision>,
    sel: Bool,
}

/// Asserts one decision behind its selector (`goes => the decision goes the clause's
/// way`): its ballots, their fixed votes and the rule, all named after `prefix`.
/// `vote_of` gives an actor's vote on the clause.
fn plan_decision(
    solver: &Solver,
    model: &Model,
    step: &Step<'_>,
    lapse: bool,
    vote_of: &dyn Fn(ActorId) -> Vote,
    prefix: &str,
) -> Result<PlannedDecision, JointError> {
    let body_of = |b: BodyId| {
        model
            .bodies
            .get(b.index())
            .ok_or_else(|| JointError::Invalid(format!("there is no body with index {b}")))
    };
    let voters: Vec<ActorId> = match step.decider {
        Decider::Body(b, _) => body_of(b)?.member_actors(),
        Decider::Consent(a) => vec![a],
    };
    let ballots: Vec<BallotVar> = voters
        .iter()
        .map(|a| BallotVar::new(&format!("{prefix}:{a}")))
        .collect();
    let mut guarded: Vec<Bool> = ballots.iter().flat_map(BallotVar::axioms).collect();
    let (pass, body) = match step.decider {
        Decider::Body(b, r) => {
            let body = body_of(b)?;
            if let RuleId::Named(i) = r {
                if i >= body.rules.len() {
                    return Err(JointError::Invalid(format!(
                        "body `{}` has no rule {i}",
                        body.id
                    )));
                }
            }
            let pass = RuleLowering::new(body, &ballots)?.lower(&body.rule(r).rule)?;
            (pass, Some((b, r)))
        }
        Decider::Consent(_) => {
            let yes: Vec<Bool> = ballots.iter().map(|b| b.is(Ballot::Yes)).collect();
            (and_all(&yes), None)
        }
    };
    // The fixed votes, as `analysis::decisions` derives them: a voter of a procedure
    // follows the consenting actor unless it has a vote of its own; for a lapse, those
    // against the clause vote to renew, its supporters are free, and an abstention stays
    // one.
    let inherited = step.consent_of.map(vote_of);
    let votes: Vec<Vote> = voters
        .iter()
        .map(|&a| {
            let mut v = vote_of(a);
            if v == Vote::Free {
                v = inherited.unwrap_or(Vote::Free);
            }
            match (lapse, v) {
                (false, v) => v,
                (true, Vote::No) => Vote::Yes,
                (true, Vote::Yes) => Vote::Free,
                // An abstention on the clause is an abstention in the vote.
                (true, other) => other,
            }
        })
        .collect();
    for (b, v) in ballots.iter().zip(&votes) {
        guarded.extend(b.fixed(*v));
    }
    // Everything about the decision's ballots sits behind its selector: they occur nowhere
    // else, so this changes no answer, and a query that does not ask about the decision
    // leaves them alone. Asserted outright, they made Z3 search ballots for thresholds
    // nobody asked about: on the IMF (191 weighted members, four decisions) the first
    // query, which asks nothing of the decisions, took 10-120 s; guarded, 0.2 s.
    let goes = Bool::new_const(format!("{prefix}:goes"));
    guarded.push(if lapse { pass.not() } else { pass });
    solver.assert(goes.implies(and_all(&guarded)));
    Ok(PlannedDecision {
        outcome: DecisionOutcome {
            body,
            voters,
            votes,
            consent_of: step.consent_of,
            goes: false,
        },
        goes,
    })
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
        if rank(v) > rank(*e) {
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
    // A scope opened once and never closed puts Z3 in incremental mode for every query.
    // Otherwise a query with no assumptions (a route without preconditions) goes to
    // Z3's one-shot tactic solver, which rebuilds everything and bit-blasts the weighted
    // sums: on `rules/checks/imf-rules.treaty` the first such query took 16 s to more
    // than 120 s, against 0.1 s incrementally. Answers are the same; no model of this
    // solver is reported.
    solver.push();
    let budget = Budget::new(options.timeout_ms, options.rlimit);
    budget.configure(&solver);
    let lowering = Lowering::new(model);
    let facts_sel = Bool::new_const("facts");
    let facts: Vec<&Expr> = model.facts.iter().map(|f| &f.formula.expr).collect();
    solver.assert(facts_sel.implies(lowering.all(&facts).map_err(internal)?));

    // Selectors: one per clause content, per requirement, per route, per decision and per
    // precondition (clause, formula), which has its own copy of the variables.
    let mut preconditions: Vec<(usize, &Expr, Bool)> = Vec::new();
    let mut content_sel = Vec::with_capacity(t.clauses.len());
    let mut plan: Vec<Vec<(Bool, Vec<PlannedRoute>)>> = Vec::with_capacity(t.clauses.len());
    for (ci, clause) in t.clauses.iter().enumerate() {
        let cref = ClauseRef { treaty, clause: ci };
        let sel = Bool::new_const(format!("content{ci}"));
        let content: Vec<&Expr> = clause.formulas.iter().map(|f| &f.expr).collect();
        solver.assert(sel.implies(lowering.all(&content).map_err(internal)?));
        content_sel.push(sel);
        let mut reqs = Vec::with_capacity(clause.requires.len());
        for (ri, req) in clause.requires.iter().enumerate() {
            let mut routes = Vec::with_capacity(req.routes.len());
            for (ki, route) in req.routes.iter().enumerate() {
                let mut pres = Vec::new();
                let mut decisions = Vec::new();
                for (di, step) in expand(model, route.target)?.into_iter().enumerate() {
                    for f in route.when.iter().chain(step.when) {
                        // The same formula on the same clause is the same question.
                        let asked = preconditions
                            .iter()
                            .find(|(c, e, _)| *c == ci && **e == f.expr);
                        if let Some((_, _, p)) = asked {
                            pres.push(p.clone());
                            continue;
                        }
                        let n = preconditions.len();
                        let copy = Lowering::copy(model, &format!("pre{n}"));
                        let mut all = facts.clone();
                        all.extend(content.iter().copied());
                        all.push(&f.expr);
                        let p = Bool::new_const(format!("possible{n}"));
                        solver.assert(p.implies(copy.all(&all).map_err(internal)?));
                        preconditions.push((ci, &f.expr, p.clone()));
                        pres.push(p);
                    }
                    let prefix = format!("c{ci}r{ri}k{ki}d{di}");
                    let vote_of = |a: ActorId| vote_of(a, cref);
                    decisions.push(plan_decision(
                        &solver,
                        model,
                        &step,
                        route.lapse,
                        &vote_of,
                        &prefix,
                    )?);
                }
                let sel = Bool::new_const(format!("c{ci}r{ri}k{ki}:met"));
                let mut parts = pres.clone();
                parts.extend(decisions.iter().map(|d| d.goes.clone()));
                solver.assert(sel.implies(and_all(&parts)));
                routes.push(PlannedRoute {
                    target: route.target,
                    lapse: route.lapse,
                    preconditions: pres,
                    decisions,
                    sel,
                });
            }
            let sel = Bool::new_const(format!("c{ci}r{ri}:met"));
            let any: Vec<Bool> = routes.iter().map(|r| r.sel.clone()).collect();
            solver.assert(sel.implies(or_any(&any)));
            reqs.push((sel, routes));
        }
        plan.push(reqs);
    }

    let sat = |a: &[Bool], q: &dyn Fn() -> String| -> Result<bool, JointError> {
        Ok(budget.check(&solver, a, q)? == Answer::Sat)
    };
    let mut clauses = Vec::with_capacity(t.clauses.len());
    for (ci, (clause, reqs)) in t.clauses.iter().zip(plan.iter_mut()).enumerate() {
        let id = &clause.id;
        let mut requirements = Vec::with_capacity(reqs.len());
        for (ri, (req_sel, routes)) in reqs.iter_mut().enumerate() {
            let mut outcomes = Vec::with_capacity(routes.len());
            for (ki, route) in routes.iter_mut().enumerate() {
                let what = |x: &str| {
                    format!(
                        "whether {x} (clause {id}, requirement {}, route {})",
                        ri + 1,
                        ki + 1
                    )
                };
                let possible = sat(&route.preconditions, &|| what("the preconditions can hold"))?;
                let mut decisions = Vec::with_capacity(route.decisions.len());
                for (di, d) in route.decisions.iter_mut().enumerate() {
                    d.outcome.goes = sat(std::slice::from_ref(&d.goes), &|| {
                        what(&format!("decision {} can go the clause's way", di + 1))
                    })?;
                    decisions.push(d.outcome.clone());
                }
                let open = sat(std::slice::from_ref(&route.sel), &|| {
                    what("the route is open")
                })?;
                outcomes.push(RouteOutcome {
                    target: route.target,
                    lapse: route.lapse,
                    possible,
                    decisions,
                    open,
                });
            }
            let q = || format!("whether requirement {} of clause {id} can be met", ri + 1);
            let met = sat(std::slice::from_ref(req_sel), &q)?;
            requirements.push(RequirementOutcome {
                routes: outcomes,
                met,
            });
        }
        let content = [facts_sel.clone(), content_sel[ci].clone()];
        let q = || format!("whether clause {id} holds with the facts");
        let content_holds = sat(&content, &q)?;
        let mut all = content.to_vec();
        all.extend(reqs.iter().map(|(s, _)| s.clone()));
        let q = || format!("whether clause {id} can be adopted");
        let adoptable = sat(&all, &q)?;
        clauses.push(ClauseOutcome {
            clause: ClauseRef { treaty, clause: ci },
            content_holds,
            requirements,
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
    let mut everything = contents.clone();
    everything.extend(plan.iter().flatten().map(|(s, _)| s.clone()));
    let q = || format!("whether all of {} can hold and pass at once", t.id);
    let feasible = refusing_parties.is_empty() && sat(&everything, &q)?;
    Ok(JointOutcome {
        treaty,
        content_consistent,
        clauses,
        refusing_parties,
        feasible,
    })
}
