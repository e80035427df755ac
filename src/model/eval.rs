//! A plain evaluator of model formulas under a full assignment. It shares no code with
//! the Z3 encoding, so a witness it confirms cannot be an artefact of that encoding.

use super::types::{Expr, IntExpr};
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
