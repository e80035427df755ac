//! Lowering of model formulas to Z3 terms. One `Lowering` per Z3 context: it owns one Z3
//! constant per declared variable, so every formula lowered through it talks about the same
//! unknowns. Kept free of analysis logic so that later analyses (joint voting feasibility)
//! can reuse it.

use z3::ast::{Bool, Int};

use super::SolveError;
use crate::model::eval::Value;
use crate::model::{CmpOp, Expr, IntExpr, Model, VarId, VarType};

/// The Z3 constant standing for one model variable.
#[derive(Clone, Debug)]
pub(crate) enum VarTerm {
    Bool(Bool),
    Int(Int),
}

pub(crate) struct Lowering {
    vars: Vec<VarTerm>,
}

impl Lowering {
    /// Creates one constant per variable of `model`, in the current thread's Z3 context.
    pub(crate) fn new(model: &Model) -> Lowering {
        Lowering::named(model, "")
    }

    /// Another set of constants, one per variable of `model`, distinct from those of `new`
    /// and of every copy with another `tag` (for a question asked of its own world, such
    /// as a precondition, inside a larger problem).
    pub(crate) fn copy(model: &Model, tag: &str) -> Lowering {
        Lowering::named(model, &format!("{tag}/"))
    }

    fn named(model: &Model, prefix: &str) -> Lowering {
        let vars = model
            .vars
            .iter()
            .enumerate()
            .map(|(i, v)| {
                // The index keeps names unique whatever the model's names are.
                let name = format!("{prefix}v{i}:{}", v.name);
                match v.ty {
                    VarType::Bool => VarTerm::Bool(Bool::new_const(name)),
                    VarType::Int => VarTerm::Int(Int::new_const(name)),
                }
            })
            .collect();
        Lowering { vars }
    }

    pub(crate) fn var(&self, v: VarId) -> Result<&VarTerm, SolveError> {
        self.vars
            .get(v)
            .ok_or_else(|| SolveError::Internal(format!("variable index {v} out of range")))
    }

    /// The conjunction of `exprs` (true when empty).
    pub(crate) fn all(&self, exprs: &[&Expr]) -> Result<Bool, SolveError> {
        let parts = exprs
            .iter()
            .map(|e| self.bool(e))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(match parts.as_slice() {
            [] => Bool::from_bool(true),
            [one] => one.clone(),
            _ => Bool::and(&parts),
        })
    }

    pub(crate) fn bool(&self, e: &Expr) -> Result<Bool, SolveError> {
        Ok(match e {
            Expr::Const(b) => Bool::from_bool(*b),
            Expr::Var(v) => match self.var(*v)? {
                VarTerm::Bool(b) => b.clone(),
                VarTerm::Int(_) => return Err(ill_typed(*v, "bool")),
            },
            Expr::Not(a) => self.bool(a)?.not(),
            Expr::And(es) => {
                let parts = es
                    .iter()
                    .map(|e| self.bool(e))
                    .collect::<Result<Vec<_>, _>>()?;
                Bool::and(&parts)
            }
            Expr::Or(es) => {
                let parts = es
                    .iter()
                    .map(|e| self.bool(e))
                    .collect::<Result<Vec<_>, _>>()?;
                Bool::or(&parts)
            }
            Expr::Implies(a, b) => self.bool(a)?.implies(self.bool(b)?),
            Expr::Iff(a, b) => self.bool(a)?.iff(self.bool(b)?),
            Expr::Cmp(op, a, b) => {
                let (a, b) = (self.int(a)?, self.int(b)?);
                match op {
                    CmpOp::Eq => a.eq(&b),
                    CmpOp::Ne => a.eq(&b).not(),
                    CmpOp::Lt => a.lt(&b),
                    CmpOp::Le => a.le(&b),
                    CmpOp::Gt => a.gt(&b),
                    CmpOp::Ge => a.ge(&b),
                }
            }
        })
    }

    pub(crate) fn int(&self, e: &IntExpr) -> Result<Int, SolveError> {
        Ok(match e {
            IntExpr::Const(c) => Int::from_i64(*c),
            IntExpr::Var(v) => match self.var(*v)? {
                VarTerm::Int(i) => i.clone(),
                VarTerm::Bool(_) => return Err(ill_typed(*v, "int")),
            },
            IntExpr::Add(a, b) => Int::add(&[self.int(a)?, self.int(b)?]),
            IntExpr::Sub(a, b) => Int::sub(&[self.int(a)?, self.int(b)?]),
            IntExpr::Neg(a) => self.int(a)?.unary_minus(),
            IntExpr::Scale(k, a) => Int::mul(&[Int::from_i64(*k), self.int(a)?]),
        })
    }

    /// One more integer constant, outside the model's variables (a literal turned into an
    /// unknown by `margins`); `Expr::Var` of the returned id lowers to it.
    pub(crate) fn push_int(&mut self, name: &str) -> VarId {
        self.vars.push(VarTerm::Int(Int::new_const(name)));
        self.vars.len() - 1
    }

    /// The value of variable `v` in a Z3 model (completed: an unconstrained variable gets
    /// Z3's default). `None` when Z3 gives no numeral or it does not fit an `i128`.
    pub(crate) fn value_in(&self, m: &z3::Model, v: VarId) -> Option<Value> {
        match self.vars.get(v)? {
            VarTerm::Bool(b) => m.eval(b, true)?.as_bool().map(Value::Bool),
            VarTerm::Int(i) => m.eval(i, true)?.as_i128().map(Value::Int),
        }
    }
}

fn ill_typed(v: VarId, wanted: &str) -> SolveError {
    // The model's invariants rule this out; say so rather than panic.
    SolveError::Internal(format!(
        "variable {v} used as {wanted} against its declared type"
    ))
}
