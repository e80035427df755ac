//! `Game`: a rule normalised to `And`/`Or` trees of atoms "yes weight in dimension `d` is
//! at least `quota`", which the algorithms work on. The reference semantics they are tested
//! against is the direct evaluator `model::eval::passes`.

use crate::model::{Body, Dim, Rule, MAX_DIMENSION_TOTAL};

use super::VotingError;

/// One axis of a game: a body dimension, or the 0/1 indicator of a listed set of members
/// (for `no veto from` / `all of`), so that every atom is a weighted threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Axis {
    Dim(Dim),
    Listed(Vec<usize>),
}

/// A normalised rule: a monotone formula over atoms "weight on axis `axis` >= `quota`".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    Const(bool),
    /// `quota` is in `1..=total` of its axis (constant atoms are folded away).
    Atom {
        axis: usize,
        quota: u64,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
}

impl Node {
    /// Evaluates with the yes weight of each axis given by `sums`.
    pub(crate) fn eval(&self, sums: &[u64]) -> bool {
        match self {
            Node::Const(b) => *b,
            Node::Atom { axis, quota } => sums[*axis] >= *quota,
            Node::And(ns) => ns.iter().all(|n| n.eval(sums)),
            Node::Or(ns) => ns.iter().any(|n| n.eval(sums)),
        }
    }

    fn axes(&self, out: &mut Vec<usize>) {
        match self {
            Node::Const(_) => {}
            Node::Atom { axis, .. } => {
                if !out.contains(axis) {
                    out.push(*axis);
                }
            }
            Node::And(ns) | Node::Or(ns) => ns.iter().for_each(|n| n.axes(out)),
        }
    }
}

/// A rule over a body, normalised: per-axis weights and totals, and the formula.
#[derive(Clone, Debug)]
pub(crate) struct Game {
    pub n: usize,
    pub axes: Vec<Axis>,
    /// `weights[a][i]`: weight of member `i` on axis `a`.
    pub weights: Vec<Vec<u64>>,
    pub totals: Vec<u64>,
    pub formula: Node,
}

impl Game {
    pub(crate) fn new(body: &Body, rule: &Rule) -> Result<Game, VotingError> {
        let n = body.members.len();
        if n == 0 {
            return Err(VotingError::Invalid(format!(
                "body `{}` has no members",
                body.id
            )));
        }
        let mut game = Game {
            n,
            axes: Vec::new(),
            weights: Vec::new(),
            totals: Vec::new(),
            formula: Node::Const(true),
        };
        game.formula = game.normalise(body, rule)?;
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

    /// An atom "yes weight on `axis` >= quota", folded to a constant when trivial.
    fn atom(&mut self, body: &Body, axis: Axis, quota: u128) -> Result<Node, VotingError> {
        let a = self.axis(body, axis)?;
        let total = self.totals[a] as u128;
        Ok(if quota == 0 {
            Node::Const(true)
        } else if quota > total {
            Node::Const(false)
        } else {
            Node::Atom {
                axis: a,
                quota: quota as u64,
            }
        })
    }

    fn normalise(&mut self, body: &Body, rule: &Rule) -> Result<Node, VotingError> {
        let n = self.n as u128;
        let members = Axis::Dim(Dim::Members);
        match rule {
            Rule::Unanimity => self.atom(body, members, n),
            Rule::Majority => self.atom(body, members, n / 2 + 1),
            Rule::Share {
                dim,
                strict,
                percent,
            } => {
                check_dim(body, *dim)?;
                if percent.denom == 0 {
                    return Err(VotingError::Invalid(
                        "a percentage has denominator 0".into(),
                    ));
                }
                let a = self.axis(body, Axis::Dim(*dim))?;
                let total = self.totals[a] as u128;
                // yes * 100 * denom >= numer * total  <=>  yes >= ceil(numer * total / (100 * denom));
                // strictly greater  <=>  yes >= floor(numer * total / (100 * denom)) + 1.
                let num = (percent.numer as u128)
                    .checked_mul(total)
                    .ok_or_else(|| VotingError::Invalid("a percentage is too large".into()))?;
                let den = 100u128 * percent.denom as u128;
                let quota = if *strict {
                    num / den + 1
                } else {
                    num.div_ceil(den)
                };
                self.atom(body, Axis::Dim(*dim), quota)
            }
            Rule::Count { dim, strict, count } => {
                check_dim(body, *dim)?;
                let quota = *count as u128 + u128::from(*strict);
                self.atom(body, Axis::Dim(*dim), quota)
            }
            Rule::AtMostAgainst(k) => self.atom(body, members, n.saturating_sub(*k as u128)),
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
                let k = list.len() as u128;
                self.atom(body, Axis::Listed(list), k)
            }
            Rule::And(rules) => {
                let mut kids = Vec::new();
                for r in rules {
                    match self.normalise(body, r)? {
                        Node::Const(true) => {}
                        Node::Const(false) => return Ok(Node::Const(false)),
                        Node::And(more) => kids.extend(more),
                        k => kids.push(k),
                    }
                }
                Ok(simplify(kids, true))
            }
            Rule::Or(rules) => {
                let mut kids = Vec::new();
                for r in rules {
                    match self.normalise(body, r)? {
                        Node::Const(false) => {}
                        Node::Const(true) => return Ok(Node::Const(true)),
                        Node::Or(more) => kids.extend(more),
                        k => kids.push(k),
                    }
                }
                Ok(simplify(kids, false))
            }
        }
    }

    /// The axes the formula mentions, in order of first mention.
    pub(crate) fn used_axes(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.formula.axes(&mut out);
        out
    }

    /// Does the coalition (`member[i]` true for yes) win?
    pub(crate) fn wins(&self, yes: &[bool]) -> bool {
        let sums: Vec<u64> = self
            .weights
            .iter()
            .map(|ws| {
                ws.iter()
                    .zip(yes)
                    .filter(|(_, &y)| y)
                    .map(|(&w, _)| w)
                    .sum()
            })
            .collect();
        self.formula.eval(&sums)
    }

    /// The axis of the head count, if the formula uses it.
    pub(crate) fn members_axis(&self) -> Option<usize> {
        self.axes.iter().position(|a| *a == Axis::Dim(Dim::Members))
    }
}

fn check_dim(body: &Body, dim: Dim) -> Result<(), VotingError> {
    match dim {
        Dim::Weight(d) if d >= body.dimensions.len() => Err(VotingError::Invalid(format!(
            "rule names dimension {d}, but body `{}` has {}",
            body.id,
            body.dimensions.len()
        ))),
        _ => Ok(()),
    }
}

/// Merges atoms on the same axis (an `and` keeps the highest quota, an `or` the lowest)
/// and unwraps single children, so that e.g. `at least 50% and more than 50% of votes`
/// is recognised as one weighted threshold.
fn simplify(kids: Vec<Node>, is_and: bool) -> Node {
    let mut out: Vec<Node> = Vec::new();
    for k in kids {
        if let Node::Atom { axis, quota } = k {
            if let Some(Node::Atom { quota: q, .. }) = out
                .iter_mut()
                .find(|o| matches!(o, Node::Atom { axis: a, .. } if *a == axis))
            {
                *q = if is_and {
                    (*q).max(quota)
                } else {
                    (*q).min(quota)
                };
                continue;
            }
        }
        out.push(k);
    }
    match out.len() {
        0 => Node::Const(is_and),
        1 => out.pop().unwrap_or(Node::Const(is_and)),
        _ if is_and => Node::And(out),
        _ => Node::Or(out),
    }
}
