//! One decision's answers confirmed instead of searched: `crate::voting` claims them with
//! certificates (`voting::DecisionClaim`, `voting::SolePassersClaim`) and Z3 checks each
//! claim on the same encoding as the free search (`DecisionSolver`).
//!
//! - A "some profile does it" claim (can pass; a ballot that is no veto; a blocking
//!   coalition of the claimed size; a member that is no sole passer) is confirmed by Z3's
//!   value of the rule's formula at the certificate's profile: every ballot substituted
//!   and the term simplified by Z3 to `true` or `false` (exact: Z3's own integers).
//! - A "no profile does it" claim (cannot pass; every claimed veto; no blocking coalition
//!   one smaller, or none at all; every claimed sole passer) is an `unsat` query on the
//!   solver, all the claims of one kind in one query (a disjunction of them).
//!
//! When a certificate is missing, malformed or wrong, or a query is `sat`, that question
//! is answered by the free search instead, so the answer is always Z3's and a wrong claim
//! shows as a disagreement. Z3's `unknown` is `GaveUp` as everywhere.

use z3::ast::{Ast, Bool, Dynamic, Int};
use z3::{Params, Solver};

use super::{BallotVar, DecisionSolver, DecisionSummary, JointError};
use crate::model::Ballot;
use crate::voting::{DecisionClaim, SolePassersClaim, Vote};

/// Veto players, each with the ballots that work.
type Vetoes = Vec<(usize, Vec<Ballot>)>;

/// The substitution that casts ballots: `from` the indicators and literals of members,
/// `to` their values (made once per substitution, not per member).
struct BallotValues {
    from: Vec<Dynamic>,
    to: Vec<Dynamic>,
    off: (Int, Bool),
    on: (Int, Bool),
}

impl BallotValues {
    fn new() -> BallotValues {
        BallotValues {
            from: Vec::new(),
            to: Vec::new(),
            off: (Int::from_u64(0), Bool::from_bool(false)),
            on: (Int::from_u64(1), Bool::from_bool(true)),
        }
    }

    /// Casts ballot `b` for `bv`: each of its three indicators and literals set (the
    /// withholding way `b` is) or not.
    fn cast(&mut self, bv: &BallotVar, b: Ballot) {
        let slot = BallotVar::slot(b);
        for k in 0..3 {
            let (ind, lit) = if slot == Some(k) { &self.on } else { &self.off };
            self.from.push(Dynamic::from_ast(&bv.ind[k]));
            self.to.push(Dynamic::from_ast(ind));
            self.from.push(Dynamic::from_ast(&bv.lit[k]));
            self.to.push(Dynamic::from_ast(lit));
        }
    }

    fn pairs(&self) -> Vec<(&Dynamic, &Dynamic)> {
        self.from.iter().zip(&self.to).collect()
    }
}

impl DecisionSolver {
    /// Z3's value of `formula` with every member casting `profile[i]`; `None` when the
    /// profile does not have one ballot per member, contradicts a fixed vote, or Z3 does
    /// not reduce the term to a constant. Member `skip`'s fixed vote is not checked.
    fn value_at(&self, formula: &Bool, profile: &[Ballot], skip: Option<usize>) -> Option<bool> {
        if profile.len() != self.ballots.len() {
            return None;
        }
        let mut values = BallotValues::new();
        for (i, ((bv, &b), v)) in self
            .ballots
            .iter()
            .zip(profile)
            .zip(&self.votes)
            .enumerate()
        {
            if Some(i) != skip && v.fixed().is_some_and(|f| f != b) {
                return None;
            }
            values.cast(bv, b);
        }
        let pairs = values.pairs();
        formula.substitute(&pairs).simplify().as_bool()
    }

    /// Z3 confirms that the rule passes (`passes`) or fails at `profile`.
    fn confirms(&self, profile: &[Ballot], passes: bool) -> bool {
        self.value_at(&self.formula, profile, None) == Some(passes)
    }

    /// The solver that refutes claims: the same ballots and arithmetic with no `Bool`
    /// constant of their own (each literal read as its defining atom `x >= 1`), so that
    /// every constraint of a query is linear over the indicators and Z3's simplex can
    /// refute a claim at once when its linear relaxation is infeasible, instead of
    /// deciding literals first. Exactly equivalent: `lit <=> x >= 1` is an axiom of the
    /// main encoding, and no two literals set follows from `sum_b x_b <= 1`.
    ///
    /// Simplex strategy 1 (Z3's `tableau_costs`) instead of the default row strategy: a
    /// refutation here is one infeasible linear relaxation, and on the 200-member
    /// decision of `benches/linear.rs` (`verify`) the default took 44 ms to refute "no
    /// 11 members can block" (one conflict, two feasibility rounds) against 7 ms with
    /// strategy 1 (4-8 ms on the other rules' queries). Only speed can differ: the
    /// answers here are `unsat` or a fallback to the free search, never a model.
    fn lean(&self) -> &Solver {
        self.lean.get_or_init(|| {
            let solver = Solver::new_for_logic("QF_LIA").unwrap_or_default();
            let mut params = Params::new();
            params.set_u32("smt.arith.simplex_strategy", 1);
            solver.set_params(&params);
            self.budget.configure(&solver);
            for i in 0..self.ballots.len() {
                for a in self.bounds(i) {
                    solver.assert(&a);
                }
            }
            solver
        })
    }

    /// Member `i`'s indicators: each 0 or 1, at most one of them 1.
    fn bounds(&self, i: usize) -> Vec<Bool> {
        let (zero, one) = (Int::from_u64(0), Int::from_u64(1));
        let Some(bv) = self.ballots.get(i) else {
            return Vec::new();
        };
        let mut out: Vec<Bool> = bv
            .ind
            .iter()
            .flat_map(|x| [x.ge(&zero), x.le(&one)])
            .collect();
        out.push(bv.withholding().le(&one));
        out
    }

    /// `f` with every ballot literal replaced by its atom `x >= 1`.
    fn unlit(&self, f: &Bool) -> Bool {
        let one = Int::from_u64(1);
        let atoms: Vec<(Bool, Bool)> = self
            .ballots
            .iter()
            .flat_map(|bv| {
                bv.lit
                    .iter()
                    .zip(&bv.ind)
                    .map(|(l, x)| (l.clone(), x.ge(&one)))
            })
            .collect();
        let pairs: Vec<(&Bool, &Bool)> = atoms.iter().map(|(l, a)| (l, a)).collect();
        f.substitute(&pairs)
    }

    /// `true` when the fixed votes (those of `skip` left out) and `claim` are
    /// unsatisfiable together (on the lean solver).
    fn refutes(
        &self,
        skip: &[usize],
        claim: &Bool,
        query: &dyn Fn() -> String,
    ) -> Result<bool, JointError> {
        // The fixed ballots as numerals in the claim (no columns or rows for them).
        let mut values = BallotValues::new();
        for (i, (bv, v)) in self.ballots.iter().zip(&self.votes).enumerate() {
            let Some(b) = v.fixed().filter(|_| !skip.contains(&i)) else {
                continue;
            };
            values.cast(bv, b);
        }
        let pairs = values.pairs();
        let claim = claim.substitute(&pairs);
        let solver = self.lean();
        solver.push();
        solver.assert(self.unlit(&claim));
        let r = self.budget.check(solver, &[], query);
        solver.pop(1);
        Ok(r? == super::Answer::Unsat)
    }

    /// Can the decision pass, confirmed from the claim (else searched).
    fn can_pass_claimed(&self, claim: &DecisionClaim) -> Result<bool, JointError> {
        let confirmed = if claim.can_pass {
            claim
                .passing
                .first()
                .is_some_and(|p| self.confirms(p, true))
        } else {
            let q = || "whether the decision can pass (claimed not)".to_string();
            self.refutes(&[], &self.formula, &q)?
        };
        if confirmed {
            Ok(claim.can_pass)
        } else {
            self.can_pass()
        }
    }

    /// The veto players, confirmed from the claim (else searched); `can_pass` is Z3's.
    fn veto_players_claimed(
        &self,
        claim: &DecisionClaim,
        can_pass: bool,
    ) -> Result<Vec<(usize, Vec<Ballot>)>, JointError> {
        let confirmed = if claim.can_pass != can_pass {
            None
        } else if can_pass {
            self.free_vetoes_confirmed(claim)?
        } else {
            self.fixed_vetoes_confirmed(claim)?
        };
        match confirmed {
            Some(v) => Ok(v),
            None => self.veto_players(),
        }
    }

    /// When it can pass: every claimed (free member, ballot) veto refuted in one query,
    /// every other (free member, withholding ballot) cast in a confirmed passing profile.
    fn free_vetoes_confirmed(&self, claim: &DecisionClaim) -> Result<Option<Vetoes>, JointError> {
        let n = self.ballots.len();
        let mut veto = vec![[false; 3]; n];
        if claim.veto_players.len() != claim.veto_ballots.len() {
            return Ok(None);
        }
        for (&i, bs) in claim.veto_players.iter().zip(&claim.veto_ballots) {
            if self.votes.get(i) != Some(&Vote::Free) || bs.is_empty() {
                return Ok(None);
            }
            for &b in bs {
                let Some(k) = BallotVar::slot(b) else {
                    return Ok(None);
                };
                veto[i][k] = true;
            }
        }
        // Coverage first (no solver): every free member's every other ballot.
        let mut covered = vec![[false; 3]; n];
        for p in &claim.passing {
            if p.len() != n {
                return Ok(None);
            }
            for (i, &b) in p.iter().enumerate() {
                if let Some(k) = BallotVar::slot(b) {
                    covered[i][k] = true;
                }
            }
        }
        if self
            .free
            .iter()
            .any(|&i| (0..3).any(|k| !veto[i][k] && !covered[i][k]))
        {
            return Ok(None);
        }
        if !claim.passing.iter().all(|p| self.confirms(p, true)) {
            return Ok(None);
        }
        let mut cast: Vec<Bool> = Vec::new();
        for &i in &self.free {
            for k in (0..3).filter(|&k| veto[i][k]) {
                cast.push(self.ballots[i].lit[k].clone());
            }
        }
        if !cast.is_empty() {
            let any = super::or_any(&cast);
            let q = || "whether the decision can pass with a claimed veto cast".to_string();
            if !self.refutes(&[], &Bool::and(&[any, self.formula.clone()]), &q)? {
                return Ok(None);
            }
        }
        Ok(Some(
            (0..n)
                .filter_map(|i| {
                    let bs: Vec<Ballot> = Ballot::WITHHOLDING
                        .into_iter()
                        .zip(veto[i])
                        .filter(|&(_, v)| v)
                        .map(|(b, _)| b)
                        .collect();
                    (!bs.is_empty()).then_some((i, bs))
                })
                .collect(),
        ))
    }

    /// When it is blocked: each claimed veto player's switch to yes confirmed to pass,
    /// and no other fixed withholding member's switch (one at a time, in one query).
    fn fixed_vetoes_confirmed(&self, claim: &DecisionClaim) -> Result<Option<Vetoes>, JointError> {
        if claim.veto_players.len() != claim.passing.len() {
            return Ok(None);
        }
        let mut out = Vec::new();
        let mut is_veto = vec![false; self.ballots.len()];
        for (&i, p) in claim.veto_players.iter().zip(&claim.passing) {
            let Some(b) = self
                .votes
                .get(i)
                .and_then(|v| v.fixed().filter(|_| v.withholds()))
            else {
                return Ok(None);
            };
            // The profile must be the fixed votes with `i` switched to yes, the free yes.
            let expected = self.votes.iter().enumerate().map(|(j, v)| {
                if j == i {
                    Ballot::Yes
                } else {
                    v.fixed().unwrap_or(Ballot::Yes)
                }
            });
            if p.len() != self.votes.len()
                || !expected.eq(p.iter().copied())
                || is_veto[i]
                || !self.confirms_switch(p, i)
            {
                return Ok(None);
            }
            is_veto[i] = true;
            out.push((i, vec![b]));
        }
        out.sort_unstable_by_key(|(i, _)| *i);
        let others: Vec<usize> = (0..self.votes.len())
            .filter(|&i| self.votes[i].withholds() && !is_veto[i])
            .collect();
        if !others.is_empty() {
            // Each of `others` casts its fixed ballot or yes, at most one of them yes.
            let mut parts = Vec::new();
            for &i in &others {
                let Some(own) = self.votes[i].fixed().and_then(BallotVar::slot) else {
                    return Ok(None);
                };
                parts.extend(
                    (0..3)
                        .filter(|&k| k != own)
                        .map(|k| self.ballots[i].lit[k].not()),
                );
            }
            let most = (others.len() - 1) as u64;
            parts.push(self.count(&others, None).ge(Int::from_u64(most)));
            let one_switch = super::and_all(&parts);
            let q =
                || "whether one more fixed member's switch to yes passes the decision".to_string();
            if !self.refutes(&others, &Bool::and(&[one_switch, self.formula.clone()]), &q)? {
                return Ok(None);
            }
        }
        Ok(Some(out))
    }

    /// Z3 confirms that the profile passes; member `i` is the one switched from its fixed
    /// vote (left out of `value_at`'s fixed-vote check).
    fn confirms_switch(&self, profile: &[Ballot], i: usize) -> bool {
        self.value_at(&self.formula, profile, Some(i)) == Some(true)
    }

    /// The smallest blocking coalition's size, confirmed from the claim (else searched);
    /// `can_pass` is Z3's.
    fn min_blocking_claimed(
        &self,
        claim: &DecisionClaim,
        can_pass: bool,
    ) -> Result<Option<usize>, JointError> {
        if !can_pass {
            // Z3 proved it cannot pass: nobody needs to withhold.
            return Ok(Some(0));
        }
        let fail = self.formula.not();
        let confirmed = match claim.min_blocking_size {
            None => {
                let q =
                    || "whether the free members can block the decision (claimed not)".to_string();
                self.refutes(&[], &fail, &q)?
            }
            Some(0) => false,
            Some(k) => {
                let withheld = self.count(&self.free, None);
                let at_most = |k: usize| withheld.le(Int::from_u64(k as u64));
                let witness = claim.blocking.as_ref().is_some_and(|p| {
                    let f = Bool::and(&[self.formula.not(), at_most(k)]);
                    self.value_at(&f, p, None) == Some(true)
                });
                witness
                    && {
                        let q = || {
                            format!("whether {} free members withholding can block the decision (claimed not)", k - 1)
                        };
                        self.refutes(&[], &Bool::and(&[at_most(k - 1), fail.clone()]), &q)?
                    }
            }
        };
        if confirmed {
            Ok(claim.min_blocking_size)
        } else {
            self.min_blocking_size()
        }
    }

    /// `DecisionSummary` from `claim` when there is one (`summary_claimed`), else by the
    /// free search.
    pub(super) fn summary_from(
        &self,
        claim: Option<&DecisionClaim>,
    ) -> Result<DecisionSummary, JointError> {
        match claim {
            Some(c) => self.summary_claimed(c),
            None => self.summary(),
        }
    }

    /// The sole passers from `claim` when there is one (`sole_passers_claimed`), else by
    /// the free search.
    pub(super) fn sole_passers_from(
        &self,
        claim: Option<&SolePassersClaim>,
    ) -> Result<Vec<usize>, JointError> {
        match claim {
            Some(c) => self.sole_passers_claimed(c),
            None => self.sole_passers(),
        }
    }

    /// `DecisionSummary` from a claim, each part confirmed by Z3 or else searched.
    fn summary_claimed(&self, claim: &DecisionClaim) -> Result<DecisionSummary, JointError> {
        let can_pass = self.can_pass_claimed(claim)?;
        let vetoes = self.veto_players_claimed(claim, can_pass)?;
        let min_blocking_size = self.min_blocking_claimed(claim, can_pass)?;
        Ok(DecisionSummary::of(can_pass, vetoes, min_blocking_size))
    }

    /// The sole passers from a claim: every claimed one refuted as failing with its yes
    /// (one query), every other member voting yes in a profile Z3 confirms to fail; else
    /// searched.
    fn sole_passers_claimed(&self, claim: &SolePassersClaim) -> Result<Vec<usize>, JointError> {
        let n = self.ballots.len();
        let mut sole = vec![false; n];
        let mut ok = claim.sole_passers.iter().all(|&i| {
            let fresh = sole.get(i).is_some_and(|s| !s);
            if fresh {
                sole[i] = true;
            }
            fresh
        });
        let mut covered = sole.clone();
        for p in &claim.failing {
            ok = ok && p.len() == n;
            for (c, b) in covered.iter_mut().zip(p) {
                *c |= *b == Ballot::Yes;
            }
        }
        ok = ok && covered.iter().all(|&c| c);
        ok = ok && claim.failing.iter().all(|p| self.confirms(p, false));
        let yes: Vec<Bool> = (0..n)
            .filter(|&i| sole[i])
            .map(|i| self.ballots[i].is(Ballot::Yes))
            .collect();
        if ok && !yes.is_empty() {
            let any = super::or_any(&yes);
            let q = || {
                "whether the decision can fail with a claimed sole passer voting yes".to_string()
            };
            ok = self.refutes(&[], &Bool::and(&[any, self.formula.not()]), &q)?;
        }
        if ok {
            Ok((0..n).filter(|&i| sole[i]).collect())
        } else {
            self.sole_passers()
        }
    }
}
