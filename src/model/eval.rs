//! Plain evaluators: model formulas under a full assignment, and voting rules under a set
//! of yes votes (the reference semantics of a rule). They share no code with the Z3
//! encoding or with `voting`'s algorithms, so an answer they confirm cannot be an artefact
//! of either.

use super::types::{Body, Dim, Expr, IntExpr, Rule};
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

/// Does the rule pass when `yes[i]` says how member `i` votes? A missing entry counts as
/// no. This evaluator works on the `Rule` as written, sharing no code with `Game`, so
/// that it can serve as the oracle the algorithms are tested against.
pub fn passes(body: &Body, rule: &Rule, yes: &[bool]) -> bool {
    let n = body.members.len();
    let is_yes = |i: usize| yes.get(i).copied().unwrap_or(false);
    let yes_count = (0..n).filter(|&i| is_yes(i)).count() as u128;
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
    let sums = |dim: Dim| -> (u128, u128) {
        let mut yes_w = 0u128;
        let mut total = 0u128;
        for i in 0..n {
            let w = weight(i, dim);
            total += w;
            if is_yes(i) {
                yes_w += w;
            }
        }
        (yes_w, total)
    };
    match rule {
        Rule::Unanimity => yes_count == n as u128,
        Rule::Majority => 2 * yes_count > n as u128,
        Rule::Share {
            dim,
            strict,
            percent,
        } => {
            let (y, t) = sums(*dim);
            // y / t >= numer / (100 * denom), cross-multiplied; saturate rather than wrap.
            let lhs = y.saturating_mul(100).saturating_mul(percent.denom as u128);
            let rhs = (percent.numer as u128).saturating_mul(t);
            if *strict {
                lhs > rhs
            } else {
                lhs >= rhs
            }
        }
        Rule::Count { dim, strict, count } => {
            let (y, _) = sums(*dim);
            if *strict {
                y > *count as u128
            } else {
                y >= *count as u128
            }
        }
        Rule::AtMostAgainst(k) => (n as u128 - yes_count) <= *k as u128,
        Rule::NoVetoFrom(list) | Rule::AllOf(list) => list.iter().all(|&i| i < n && is_yes(i)),
        Rule::And(rules) => rules.iter().all(|r| passes(body, r, yes)),
        Rule::Or(rules) => rules.iter().any(|r| passes(body, r, yes)),
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
