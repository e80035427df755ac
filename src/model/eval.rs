//! Plain evaluators: model formulas under a full assignment, and voting rules under the
//! members' ballots (the reference semantics of a rule). They share no code with the Z3
//! encoding or with `voting`'s algorithms, so an answer they confirm cannot be an artefact
//! of either.

use super::types::{Ballot, Base, Body, Bound, Dim, Expr, IntExpr, Ratio, Rule};
use crate::syntax::ast::CmpOp;

/// A value of a variable in an assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Bool(bool),
    Int(i128),
}

/// Evaluates `expr` with `value(var)` for each variable. Integer arithmetic is checked:
/// `None` when a value is missing, of the wrong type, or an intermediate overflows i128.
pub fn eval_bool(expr: &Expr, value: &dyn Fn(usize) -> Option<Value>) -> Option<bool> {
    Some(match expr {
        Expr::Const(b) => *b,
        Expr::Var(v) => match value(*v)? {
            Value::Bool(b) => b,
            Value::Int(_) => return None,
        },
        Expr::Not(e) => !eval_bool(e, value)?,
        Expr::And(es) => {
            let mut all = true;
            for e in es {
                all &= eval_bool(e, value)?;
            }
            all
        }
        Expr::Or(es) => {
            let mut any = false;
            for e in es {
                any |= eval_bool(e, value)?;
            }
            any
        }
        Expr::Implies(a, b) => !eval_bool(a, value)? || eval_bool(b, value)?,
        Expr::Iff(a, b) => eval_bool(a, value)? == eval_bool(b, value)?,
        Expr::Cmp(op, a, b) => {
            let (a, b) = (eval_int(a, value)?, eval_int(b, value)?);
            match op {
                CmpOp::Eq => a == b,
                CmpOp::Ne => a != b,
                CmpOp::Lt => a < b,
                CmpOp::Le => a <= b,
                CmpOp::Gt => a > b,
                CmpOp::Ge => a >= b,
            }
        }
    })
}

pub fn eval_int(expr: &IntExpr, value: &dyn Fn(usize) -> Option<Value>) -> Option<i128> {
    match expr {
        IntExpr::Const(c) => Some(i128::from(*c)),
        IntExpr::Var(v) => match value(*v)? {
            Value::Int(i) => Some(i),
            Value::Bool(_) => None,
        },
        IntExpr::Add(a, b) => eval_int(a, value)?.checked_add(eval_int(b, value)?),
        IntExpr::Sub(a, b) => eval_int(a, value)?.checked_sub(eval_int(b, value)?),
        IntExpr::Neg(a) => eval_int(a, value)?.checked_neg(),
        IntExpr::Scale(k, a) => eval_int(a, value)?.checked_mul(i128::from(*k)),
    }
}

/// Calls `f` on every variable that occurs in `expr`.
pub fn for_each_var(expr: &Expr, f: &mut dyn FnMut(usize)) {
    match expr {
        Expr::Const(_) => {}
        Expr::Var(v) => f(*v),
        Expr::Not(e) => for_each_var(e, f),
        Expr::And(es) | Expr::Or(es) => es.iter().for_each(|e| for_each_var(e, f)),
        Expr::Implies(a, b) | Expr::Iff(a, b) => {
            for_each_var(a, f);
            for_each_var(b, f);
        }
        Expr::Cmp(_, a, b) => {
            for_each_int_var(a, f);
            for_each_int_var(b, f);
        }
    }
}

fn for_each_int_var(expr: &IntExpr, f: &mut dyn FnMut(usize)) {
    match expr {
        IntExpr::Const(_) => {}
        IntExpr::Var(v) => f(*v),
        IntExpr::Add(a, b) | IntExpr::Sub(a, b) => {
            for_each_int_var(a, f);
            for_each_int_var(b, f);
        }
        IntExpr::Neg(a) | IntExpr::Scale(_, a) => for_each_int_var(a, f),
    }
}

/// Does the rule pass when `yes[i]` says how member `i` votes (yes, or else no)? A missing
/// entry counts as no. The two-valued case of `passes_ballots`.
pub fn passes(body: &Body, rule: &Rule, yes: &[bool]) -> bool {
    let ballots: Vec<Ballot> = (0..body.members.len())
        .map(|i| {
            if yes.get(i).copied().unwrap_or(false) {
                Ballot::Yes
            } else {
                Ballot::No
            }
        })
        .collect();
    passes_ballots(body, rule, &ballots)
}

/// Does the rule pass when member `i` casts `ballots[i]`? A missing entry counts as absent.
/// This evaluator works on the `Rule` as written, sharing no code with `voting`'s
/// normalised games, so that it can serve as the oracle the algorithms are tested against.
pub fn passes_ballots(body: &Body, rule: &Rule, ballots: &[Ballot]) -> bool {
    let n = body.members.len();
    let ballot = |i: usize| ballots.get(i).copied().unwrap_or(Ballot::Absent);
    // Sums in u128: with a weight vector that breaks the invariants we still do not
    // overflow (each term is a u64, at most usize::MAX of them fits u128 comfortably).
    let weight = |i: usize, dim: Dim| -> u128 {
        match dim {
            Dim::Members => 1,
            Dim::Weight(d) => body
                .members
                .get(i)
                .and_then(|m| m.weights.get(d))
                .copied()
                .unwrap_or(0) as u128,
        }
    };
    // Weight of `dim` over the members whose ballot `pick` accepts.
    let sum = |dim: Dim, pick: &dyn Fn(Ballot) -> bool| -> u128 {
        (0..n)
            .filter(|&i| pick(ballot(i)))
            .map(|i| weight(i, dim))
            .sum()
    };
    let yes = |b: Ballot| b == Ballot::Yes;
    let all = |_: Ballot| true;
    // x / base >= a / b (or >), cross-multiplied; saturate rather than wrap.
    let at_least = |x: u128, base: u128, (a, b): (u128, u128), strict: bool| {
        let lhs = x.saturating_mul(b);
        let rhs = a.saturating_mul(base);
        if strict {
            lhs > rhs
        } else {
            lhs >= rhs
        }
    };
    let bound_ok = |x: u128, dim: Dim, bound: Bound, strict: bool, upper: bool| -> bool {
        match bound {
            Bound::Count(c) => match (upper, strict) {
                (true, false) => x <= u128::from(c),
                (true, true) => x < u128::from(c),
                (false, false) => x >= u128::from(c),
                (false, true) => x > u128::from(c),
            },
            Bound::Share(r) => {
                let total = sum(dim, &all);
                if upper {
                    // x <= r * total  <=>  not (x > r * total)
                    !at_least(x, total, r.parts(), !strict)
                } else {
                    at_least(x, total, r.parts(), strict)
                }
            }
        }
    };
    match rule {
        Rule::Unanimity => (0..n).all(|i| ballot(i) == Ballot::Yes),
        Rule::Majority => 2 * sum(Dim::Members, &yes) > n as u128,
        Rule::Share {
            dim,
            strict,
            percent,
        } => at_least(
            sum(*dim, &yes),
            sum(*dim, &all),
            Ratio::Percent(*percent).parts(),
            *strict,
        ),
        Rule::ShareOf {
            dim,
            strict,
            ratio,
            base,
        } => {
            let b = sum(*dim, &|x| base.counts(x));
            // A share of votes cast or of members present needs someone in its base; a
            // share of the whole body reads as a percentage does (`Share`).
            (*base == Base::All || b > 0) && at_least(sum(*dim, &yes), b, ratio.parts(), *strict)
        }
        Rule::Count { dim, strict, count } => {
            bound_ok(sum(*dim, &yes), *dim, Bound::Count(*count), *strict, false)
        }
        Rule::Withheld {
            dim,
            strict,
            bound,
            what,
        } => bound_ok(sum(*dim, &|b| what.counts(b)), *dim, *bound, *strict, true),
        Rule::Quorum { dim, strict, bound } => bound_ok(
            sum(*dim, &|b| b != Ballot::Absent),
            *dim,
            *bound,
            *strict,
            false,
        ),
        Rule::AtMostAgainst(k) => sum(Dim::Members, &|b| b == Ballot::No) <= u128::from(*k),
        Rule::NoVetoFrom(list) => list.iter().all(|&i| i < n && ballot(i) != Ballot::No),
        Rule::AllOf(list) => list.iter().all(|&i| i < n && ballot(i) == Ballot::Yes),
        Rule::And(rules) => rules.iter().all(|r| passes_ballots(body, r, ballots)),
        Rule::Or(rules) => rules.iter().any(|r| passes_ballots(body, r, ballots)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_linear_comparison() {
        // 2 * x + 1 <= 7 with x = 3
        let e = Expr::Cmp(
            CmpOp::Le,
            IntExpr::Add(
                Box::new(IntExpr::Scale(2, Box::new(IntExpr::Var(0)))),
                Box::new(IntExpr::Const(1)),
            ),
            IntExpr::Const(7),
        );
        assert_eq!(eval_bool(&e, &|_| Some(Value::Int(3))), Some(true));
        assert_eq!(eval_bool(&e, &|_| Some(Value::Int(4))), Some(false));
        assert_eq!(eval_bool(&e, &|_| Some(Value::Bool(true))), None);
    }
}
