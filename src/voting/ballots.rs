//! `BallotGame`: a rule normalised for four-valued ballots (yes, no, abstain, absent), the
//! form the decision algorithms work on. Every atom is linear in the weight each ballot
//! gathers on one axis: `sum over ballots b of coef[b] * weight(b) >= k`. Two-valued games
//! (`Game`, for power indices) are its projection with every ballot yes or no.
//!
//! Invariant, checked when a game is built: on every atom `coef[yes]` is the largest
//! coefficient, so turning any ballot into a yes never lowers an atom, and (the formula
//! being `and`/`or` of atoms) never turns a pass into a fail. The reference semantics the
//! algorithms are tested against is `model::eval::passes_ballots`.

use crate::model::{Ballot, Base, Body, Bound, Dim, Ratio, Rule, Withholding, MAX_DIMENSION_TOTAL};

use super::game::{simplify, Axis, Game, Node};
use super::VotingError;

/// `sum_b coef[b] * weight of the members casting b on `axis` >= k`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Atom {
    pub axis: usize,
    /// Indexed by `Ballot::index`.
    pub coef: [i128; 4],
    pub k: i128,
}

impl Atom {
    /// How much member weight `w` casting `b` instead of yes lowers the atom (never < 0).
    pub fn damage(&self, w: u64, b: Ballot) -> i128 {
        i128::from(w) * (self.coef[Ballot::Yes.index()] - self.coef[b.index()])
    }
}

/// A normalised rule: `and`/`or` over linear atoms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Formula {
    Const(bool),
    Atom(usize),
    And(Vec<Formula>),
    Or(Vec<Formula>),
}

impl Formula {
    /// Evaluates with `ok[a]` the truth of atom `a`.
    pub fn eval(&self, ok: &dyn Fn(usize) -> bool) -> bool {
        match self {
            Formula::Const(b) => *b,
            Formula::Atom(a) => ok(*a),
            Formula::And(fs) => fs.iter().all(|f| f.eval(ok)),
            Formula::Or(fs) => fs.iter().any(|f| f.eval(ok)),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct BallotGame {
    pub n: usize,
    pub axes: Vec<Axis>,
    /// `weights[a][i]`: weight of member `i` on axis `a`.
    pub weights: Vec<Vec<u64>>,
    pub totals: Vec<u64>,
    pub atoms: Vec<Atom>,
    pub formula: Formula,
}

impl BallotGame {
    pub(crate) fn new(body: &Body, rule: &Rule) -> Result<BallotGame, VotingError> {
        let n = body.members.len();
        if n == 0 {
            return Err(VotingError::Invalid(format!(
                "body `{}` has no members",
                body.id
            )));
        }
        let mut game = BallotGame {
            n,
            axes: Vec::new(),
            weights: Vec::new(),
            totals: Vec::new(),
            atoms: Vec::new(),
            formula: Formula::Const(true),
        };
        game.formula = game.normalise(body, rule)?;
        for a in &game.atoms {
            let top = a.coef[Ballot::Yes.index()];
            if a.coef.iter().any(|&c| c > top) {
                return Err(VotingError::Invalid(
                    "a rule atom rewards withholding over a yes vote".into(),
                ));
            }
        }
        Ok(game)
    }

    fn axis(&mut self, body: &Body, axis: Axis) -> Result<usize, VotingError> {
        if let Some(a) = self.axes.iter().position(|x| *x == axis) {
            return Ok(a);
        }
        let weights: Vec<u64> = match &axis {
            Axis::Dim(Dim::Members) => vec![1; self.n],
            Axis::Dim(Dim::Weight(d)) => {
                let mut ws = Vec::with_capacity(self.n);
                for (i, m) in body.members.iter().enumerate() {
                    let w = m.weights.get(*d).copied().ok_or_else(|| {
                        VotingError::Invalid(format!(
                            "member {i} of body `{}` has no value for dimension {d}",
                            body.id
                        ))
                    })?;
                    ws.push(w);
                }
                ws
            }
            Axis::Listed(list) => {
                let mut ws = vec![0; self.n];
                for &i in list {
                    ws[i] = 1;
                }
                ws
            }
        };
        let total: u128 = weights.iter().map(|&w| w as u128).sum();
        if total > MAX_DIMENSION_TOTAL as u128 {
            return Err(VotingError::Invalid(format!(
                "a dimension of body `{}` totals {total}, more than the supported {MAX_DIMENSION_TOTAL}",
                body.id
            )));
        }
        self.axes.push(axis);
        self.weights.push(weights);
        self.totals.push(total as u64);
        Ok(self.axes.len() - 1)
    }

    fn atom(
        &mut self,
        body: &Body,
        axis: Axis,
        coef: [i128; 4],
        k: i128,
    ) -> Result<Formula, VotingError> {
        let axis = self.axis(body, axis)?;
        self.atoms.push(Atom { axis, coef, k });
        Ok(Formula::Atom(self.atoms.len() - 1))
    }

    /// "yes weight >= quota".
    fn yes_at_least(
        &mut self,
        body: &Body,
        axis: Axis,
        quota: u128,
    ) -> Result<Formula, VotingError> {
        self.atom(body, axis, [1, 0, 0, 0], quota as i128)
    }

    fn check_dim(&self, body: &Body, dim: Dim) -> Result<u128, VotingError> {
        match dim {
            Dim::Weight(d) if d >= body.dimensions.len() => Err(VotingError::Invalid(format!(
                "rule names dimension {d}, but body `{}` has {}",
                body.id,
                body.dimensions.len()
            ))),
            _ => Ok(u128::from(body.total(dim))),
        }
    }

    /// The smallest integer weight meeting `x >= a/b * total` (`x > ...` when `strict`).
    fn least(ratio: Ratio, total: u128, strict: bool) -> Result<u128, VotingError> {
        ratio
            .least_weight(total, strict)
            .ok_or_else(|| VotingError::Invalid("a proportion is too large".into()))
    }

    fn normalise(&mut self, body: &Body, rule: &Rule) -> Result<Formula, VotingError> {
        let n = self.n as u128;
        let members = Axis::Dim(Dim::Members);
        let each = |pick: &dyn Fn(Ballot) -> bool, c: i128| {
            let mut coef = [0i128; 4];
            for b in Ballot::ALL {
                if pick(b) {
                    coef[b.index()] = c;
                }
            }
            coef
        };
        match rule {
            Rule::Unanimity => self.yes_at_least(body, members, n),
            Rule::Majority => self.yes_at_least(body, members, n / 2 + 1),
            Rule::Share {
                dim,
                strict,
                percent,
            } => {
                let total = self.check_dim(body, *dim)?;
                if percent.denom == 0 {
                    return Err(VotingError::Invalid(
                        "a percentage has denominator 0".into(),
                    ));
                }
                let q = Self::least(Ratio::Percent(*percent), total, *strict)?;
                self.yes_at_least(body, Axis::Dim(*dim), q)
            }
            Rule::ShareOf {
                dim,
                strict,
                ratio,
                base,
            } => {
                let total = self.check_dim(body, *dim)?;
                if *base == Base::All {
                    // A share of the whole body, as `Share` reads a percentage: against a
                    // total of 0, `yes >= 0` holds.
                    let q = Self::least(*ratio, total, *strict)?;
                    return self.yes_at_least(body, Axis::Dim(*dim), q);
                }
                let (a, b) = ratio.parts();
                // b * yes >= a * (weight in base): (b - a) * yes - a * (others in base) >= 0.
                let (a, b) = (a as i128, b as i128);
                let mut coef = each(&|x| base.counts(x), -a);
                coef[Ballot::Yes.index()] = b - a;
                let share = self.atom(body, Axis::Dim(*dim), coef, i128::from(*strict))?;
                // ... and the base weighs something.
                let some = self.atom(body, Axis::Dim(*dim), each(&|x| base.counts(x), 1), 1)?;
                Ok(Formula::And(vec![share, some]))
            }
            Rule::Count { dim, strict, count } => {
                self.check_dim(body, *dim)?;
                let q = u128::from(*count) + u128::from(*strict);
                self.yes_at_least(body, Axis::Dim(*dim), q)
            }
            Rule::Withheld {
                dim,
                strict,
                bound,
                what,
            } => {
                let total = self.check_dim(body, *dim)?;
                // The largest withheld weight allowed.
                let most: u128 = match (*bound, *strict) {
                    (Bound::Count(c), false) => u128::from(c),
                    (Bound::Count(c), true) => match u128::from(c).checked_sub(1) {
                        Some(m) => m,
                        None => return Ok(Formula::Const(false)),
                    },
                    (Bound::Share(r), strict) => {
                        // x <= r * total (non-strict) is x < least(strict) ...
                        match Self::least(r, total, !strict)?.checked_sub(1) {
                            Some(m) => m,
                            None => return Ok(Formula::Const(false)),
                        }
                    }
                };
                let what: Withholding = *what;
                self.atom(
                    body,
                    Axis::Dim(*dim),
                    each(&|x| what.counts(x), -1),
                    -(most.min(total) as i128),
                )
            }
            Rule::Quorum { dim, strict, bound } => {
                let total = self.check_dim(body, *dim)?;
                let q = match bound {
                    Bound::Count(c) => u128::from(*c) + u128::from(*strict),
                    Bound::Share(r) => Self::least(*r, total, *strict)?,
                };
                self.atom(
                    body,
                    Axis::Dim(*dim),
                    each(&|x| x != Ballot::Absent, 1),
                    q.min(total + 1) as i128,
                )
            }
            Rule::AtMostAgainst(k) => self.atom(
                body,
                members,
                each(&|x| x == Ballot::No, -1),
                -(u128::from(*k).min(n) as i128),
            ),
            Rule::NoVetoFrom(list) | Rule::AllOf(list) => {
                let mut list = list.clone();
                list.sort_unstable();
                list.dedup();
                if let Some(&bad) = list.iter().find(|&&i| i >= self.n) {
                    return Err(VotingError::Invalid(format!(
                        "rule names member {bad}, but body `{}` has {} members",
                        body.id, self.n
                    )));
                }
                let k = list.len() as i128;
                if matches!(rule, Rule::NoVetoFrom(_)) {
                    self.atom(body, Axis::Listed(list), each(&|x| x == Ballot::No, -1), 0)
                } else {
                    self.atom(body, Axis::Listed(list), [1, 0, 0, 0], k)
                }
            }
            Rule::And(rules) | Rule::Or(rules) => {
                let mut kids = Vec::with_capacity(rules.len());
                for r in rules {
                    kids.push(self.normalise(body, r)?);
                }
                Ok(if matches!(rule, Rule::And(_)) {
                    Formula::And(kids)
                } else {
                    Formula::Or(kids)
                })
            }
        }
    }

    /// The weight each ballot gathers on each axis: `sums[axis][ballot]`.
    pub fn sums(&self, ballots: &[Ballot]) -> Vec<[i128; 4]> {
        self.weights
            .iter()
            .map(|ws| {
                let mut s = [0i128; 4];
                for (&w, &b) in ws.iter().zip(ballots) {
                    s[b.index()] += i128::from(w);
                }
                s
            })
            .collect()
    }

    /// Each atom's value (left-hand side) under these per-axis sums.
    pub fn values(&self, sums: &[[i128; 4]]) -> Vec<i128> {
        self.atoms
            .iter()
            .map(|a| a.coef.iter().zip(&sums[a.axis]).map(|(&c, &s)| c * s).sum())
            .collect()
    }

    /// Does the rule pass with these atom values?
    pub fn passes_values(&self, values: &[i128]) -> bool {
        self.formula.eval(&|a| values[a] >= self.atoms[a].k)
    }

    /// Does the rule pass with member `i` casting `ballots[i]`?
    #[cfg(test)]
    pub fn passes(&self, ballots: &[Ballot]) -> bool {
        self.passes_values(&self.values(&self.sums(ballots)))
    }

    /// How much member `i` casting `b` instead of yes lowers atom `atom` (never < 0).
    pub fn damage(&self, atom: usize, i: usize, b: Ballot) -> i128 {
        let a = &self.atoms[atom];
        a.damage(self.weights[a.axis][i], b)
    }

    /// The most member `i` lowers atom `atom` over `ballots` (0 for none).
    pub fn most_damage(&self, atom: usize, i: usize, ballots: &[Ballot]) -> i128 {
        ballots
            .iter()
            .map(|&b| self.damage(atom, i, b))
            .max()
            .unwrap_or(0)
    }

    /// The atom values after member `i` moves between yes and `b`: from yes to `b` when
    /// `sign` is -1 (each atom drops by its damage), from `b` to yes when it is 1.
    pub fn moved(&self, values: &[i128], i: usize, b: Ballot, sign: i128) -> Vec<i128> {
        values
            .iter()
            .enumerate()
            .map(|(a, &v)| v + sign * self.damage(a, i, b))
            .collect()
    }

    /// Sorts `items` by their member (`member(item)`), heaviest first in the rule's
    /// first-named weight dimension, ties (and rules naming only the head count) in
    /// member order: the tie-break of every coalition the module reports.
    pub fn heaviest_first<T>(&self, items: &mut [T], member: impl Fn(&T) -> usize) {
        let primary = self
            .atoms
            .iter()
            .map(|a| a.axis)
            .find(|&a| matches!(self.axes[a], Axis::Dim(Dim::Weight(_))));
        match primary {
            Some(p) => items.sort_by(|x, y| {
                let (a, b) = (member(x), member(y));
                self.weights[p][b].cmp(&self.weights[p][a]).then(a.cmp(&b))
            }),
            None => items.sort_by_key(|x| member(x)),
        }
    }

    /// The withholding ballots worth trying: a ballot is dropped when another one lowers
    /// every atom at least as much (it can then never block where the other does not);
    /// of equals the first of no, abstain, absent is kept.
    pub fn useful_withholding(&self) -> Vec<Ballot> {
        let w = Ballot::WITHHOLDING;
        let covers = |b: Ballot, c: Ballot| {
            self.atoms
                .iter()
                .all(|a| a.coef[b.index()] <= a.coef[c.index()])
        };
        w.iter()
            .enumerate()
            .filter(|&(i, &c)| {
                !w.iter()
                    .enumerate()
                    .any(|(j, &b)| j != i && covers(b, c) && (!covers(c, b) || j < i))
            })
            .map(|(_, &c)| c)
            .collect()
    }

    /// Does the rule treat some way of withholding (no, abstain, absent) differently from
    /// another? Then its two-valued game (every ballot yes or no) is a simplification.
    pub fn withholding_matters(&self) -> bool {
        let c = |a: &Atom, b: Ballot| a.coef[b.index()];
        self.atoms.iter().any(|a| {
            c(a, Ballot::No) != c(a, Ballot::Abstain) || c(a, Ballot::No) != c(a, Ballot::Absent)
        })
    }

    /// The two-valued game (every ballot yes or no) for power indices: each atom with
    /// `no = total - yes` becomes "yes weight >= quota".
    pub fn binary(&self) -> Game {
        let nodes: Vec<Node> = self
            .atoms
            .iter()
            .map(|a| {
                let (y, no) = (a.coef[Ballot::Yes.index()], a.coef[Ballot::No.index()]);
                let total = i128::from(self.totals[a.axis]);
                // y * Y + no * (T - Y) >= k  <=>  (y - no) * Y >= k - no * T.
                let d = y - no;
                let rhs = a.k - no * total;
                if d == 0 {
                    return Node::Const(rhs <= 0);
                }
                let quota = if rhs <= 0 { 0 } else { (rhs + d - 1) / d };
                if quota <= 0 {
                    Node::Const(true)
                } else if quota > total {
                    Node::Const(false)
                } else {
                    Node::Atom {
                        axis: a.axis,
                        quota: quota as u64,
                    }
                }
            })
            .collect();
        fn lower(f: &Formula, nodes: &[Node]) -> Node {
            match f {
                Formula::Const(b) => Node::Const(*b),
                Formula::Atom(a) => nodes[*a].clone(),
                Formula::And(fs) | Formula::Or(fs) => {
                    let is_and = matches!(f, Formula::And(_));
                    let mut kids = Vec::new();
                    for k in fs.iter().map(|k| lower(k, nodes)) {
                        match k {
                            Node::Const(b) if b == is_and => {}
                            Node::Const(b) => return Node::Const(b),
                            Node::And(more) if is_and => kids.extend(more),
                            Node::Or(more) if !is_and => kids.extend(more),
                            k => kids.push(k),
                        }
                    }
                    simplify(kids, is_and)
                }
            }
        }
        Game {
            n: self.n,
            axes: self.axes.clone(),
            weights: self.weights.clone(),
            formula: lower(&self.formula, &nodes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::eval::passes_ballots;
    use crate::model::{Percent, Ratio};

    /// Every profile of four ballots over a small weighted body: the normalised game and
    /// the reference evaluator agree on every rule form.
    #[test]
    fn normalised_game_agrees_with_the_reference_on_every_profile() {
        let body = Body::synthetic(&["votes"], vec![vec![3], vec![1], vec![2], vec![5]]);
        let dim = Dim::Weight(0);
        let third = Ratio::Fraction { numer: 1, denom: 3 };
        let rules = vec![
            Rule::ShareOf {
                dim,
                strict: false,
                ratio: Ratio::Percent(Percent {
                    numer: 50,
                    denom: 1,
                }),
                base: Base::Cast,
            },
            Rule::ShareOf {
                dim: Dim::Members,
                strict: true,
                ratio: Ratio::Fraction { numer: 2, denom: 3 },
                base: Base::Present,
            },
            Rule::Withheld {
                dim,
                strict: true,
                bound: Bound::Share(third),
                what: Withholding::Abstaining,
            },
            Rule::Withheld {
                dim: Dim::Members,
                strict: false,
                bound: Bound::Count(1),
                what: Withholding::NotInFavour,
            },
            Rule::Quorum {
                dim,
                strict: false,
                bound: Bound::Share(Ratio::Fraction { numer: 1, denom: 2 }),
            },
            Rule::And(vec![
                Rule::Quorum {
                    dim: Dim::Members,
                    strict: true,
                    bound: Bound::Count(2),
                },
                Rule::Or(vec![Rule::AtMostAgainst(0), Rule::NoVetoFrom(vec![1, 3])]),
            ]),
        ];
        for rule in &rules {
            let game = match BallotGame::new(&body, rule) {
                Ok(g) => g,
                Err(e) => panic!("{rule:?}: {e}"),
            };
            for code in 0..4usize.pow(4) {
                let ballots: Vec<Ballot> =
                    (0..4).map(|i| Ballot::ALL[(code >> (2 * i)) & 3]).collect();
                assert_eq!(
                    game.passes(&ballots),
                    passes_ballots(&body, rule, &ballots),
                    "{rule:?} on {ballots:?}"
                );
            }
        }
    }
}
