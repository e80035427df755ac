//! Building models in Rust, without source text: the way tests, benchmarks and tools make a
//! `Model` (or a single `Body`) without going through the parser.
//!
//! - `Builder` adds actors, variables, facts, treaties, clauses, positions and red lines
//!   one by one. It writes a plausible source text as it goes, so every item has a real
//!   location and reports render source lines as they would for a parsed file.
//! - `Body::synthetic` makes one voting body from a table of weights.
//! - `ex` has shorthands for formulas; `expr_text` prints one as source-like text.
//! - `generate` makes a treaty with planted conflicts of known count (`Spec`).
//! - `Rng` is the one small deterministic random generator of tests and benchmarks.
//!
//! Invariants: nothing here checks the model's invariants (see `model`); the caller keeps
//! them (indices in range, well-typed linear formulas, at least one member per body).
//! Everything is deterministic: the same calls (and the same seeds) give the same model,
//! on every platform.

use crate::model::eval::Value;
use crate::model::{
    Actor, ActorId, Body, Clause, ClauseRef, ConflictItem, Expr, Fact, Formula, Holders, IntExpr,
    Member, Model, NamedRule, Position, PositionId, RedLine, RedLineKind, Rule, Treaty, TreatyId,
    Var, VarId, DEFAULT_RULE_NAME,
};
use crate::source::{Loc, SourceFile, Span};
use crate::syntax::ast::{CmpOp, VarType};

/// Shorthands for formulas.
pub mod ex {
    use crate::model::{Expr, IntExpr, VarId};
    use crate::syntax::ast::CmpOp;

    pub fn iv(v: VarId) -> IntExpr {
        IntExpr::Var(v)
    }
    pub fn ic(c: i64) -> IntExpr {
        IntExpr::Const(c)
    }
    pub fn bv(v: VarId) -> Expr {
        Expr::Var(v)
    }
    pub fn not(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }
    pub fn cmp(op: CmpOp, a: IntExpr, b: IntExpr) -> Expr {
        Expr::Cmp(op, a, b)
    }
    /// `var op constant`, the common shape.
    pub fn bound(v: VarId, op: CmpOp, c: i64) -> Expr {
        Expr::Cmp(op, IntExpr::Var(v), IntExpr::Const(c))
    }
    pub fn add(a: IntExpr, b: IntExpr) -> IntExpr {
        IntExpr::Add(Box::new(a), Box::new(b))
    }
}

impl Body {
    /// A body built without source text: member `i` is actor `i`, `weights[i]` lists its
    /// value in each of `dimensions`, the default rule is unanimity, and every location is
    /// empty. The caller keeps the model's invariants (at least one member, and each
    /// dimension's total at most `MAX_DIMENSION_TOTAL`).
    pub fn synthetic(dimensions: &[&str], weights: Vec<Vec<u64>>) -> Body {
        Body {
            id: "B".into(),
            name: "synthetic body".into(),
            doc: None,
            members: weights
                .into_iter()
                .enumerate()
                .map(|(actor, weights)| Member {
                    actor: ActorId(actor),
                    weights,
                    loc: Loc::default(),
                })
                .collect(),
            dimensions: dimensions.iter().map(|d| d.to_string()).collect(),
            default_rule: NamedRule {
                name: DEFAULT_RULE_NAME.into(),
                rule: Rule::Unanimity,
                doc: None,
                loc: Loc::default(),
            },
            rules: Vec::new(),
            as_of: None,
            loc: Loc::default(),
        }
    }
}

/// Builds a `Model` with one synthetic source file.
pub struct Builder {
    model: Model,
    text: String,
}

impl Builder {
    pub fn new(file: &str) -> Builder {
        let model = Model {
            files: vec![SourceFile::new(file, "")],
            ..Model::default()
        };
        Builder {
            model,
            text: String::new(),
        }
    }

    /// Appends `line` (indented by `indent`) and returns the location of its content.
    fn line(&mut self, indent: usize, line: &str) -> Loc {
        let start = self.text.len() + indent;
        self.text.push_str(&" ".repeat(indent));
        self.text.push_str(line);
        let end = self.text.len();
        self.text.push('\n');
        Loc {
            file: 0,
            span: Span { start, end },
        }
    }

    pub fn actor(&mut self, id: &str, name: &str) -> ActorId {
        let loc = self.line(0, &format!("actor {id} \"{name}\""));
        self.model.actors.push(Actor {
            id: id.into(),
            name: name.into(),
            doc: None,
            aggregate: false,
            loc,
        });
        ActorId(self.model.actors.len() - 1)
    }

    fn var(&mut self, name: &str, ty: VarType) -> VarId {
        let t = match ty {
            VarType::Bool => "bool",
            VarType::Int => "int",
        };
        let loc = self.line(0, &format!("var {name}: {t}"));
        self.model.vars.push(Var {
            name: name.into(),
            ty,
            doc: None,
            loc,
        });
        self.model.vars.len() - 1
    }

    pub fn int_var(&mut self, name: &str) -> VarId {
        self.var(name, VarType::Int)
    }

    pub fn bool_var(&mut self, name: &str) -> VarId {
        self.var(name, VarType::Bool)
    }

    fn formula(&self, expr: Expr, loc: Loc) -> Formula {
        Formula {
            text: expr_text(&self.model, &expr),
            expr,
            loc,
        }
    }

    pub fn fact(&mut self, expr: Expr) -> usize {
        let text = expr_text(&self.model, &expr);
        let line = format!("fact {text}");
        let loc = self.line(0, &line);
        let loc = Loc {
            file: 0,
            span: Span {
                start: loc.span.start + 5,
                end: loc.span.end,
            },
        };
        let formula = self.formula(expr, loc);
        self.model.facts.push(Fact { formula, doc: None });
        self.model.facts.len() - 1
    }

    pub fn treaty(&mut self, id: &str, title: Option<&str>) -> TreatyId {
        let loc = self.line(0, &format!("treaty {id} {{"));
        self.model.treaties.push(Treaty {
            id: id.into(),
            title: title.map(str::to_string),
            doc: None,
            parties: Vec::new(),
            clauses: Vec::new(),
            as_of: None,
            loc,
        });
        TreatyId(self.model.treaties.len() - 1)
    }

    /// A clause with one line per formula (clauses must be added right after their treaty
    /// for the synthetic text to read naturally; the model does not care).
    pub fn clause(
        &mut self,
        treaty: TreatyId,
        id: &str,
        title: Option<&str>,
        formulas: Vec<Expr>,
    ) -> ClauseRef {
        let head = match title {
            Some(t) => format!("clause {id} \"{t}\" {{"),
            None => format!("clause {id} {{"),
        };
        let loc = self.line(2, &head);
        let mut fs = Vec::new();
        for e in formulas {
            let text = expr_text(&self.model, &e);
            let floc = self.line(4, &text);
            fs.push(self.formula(e, floc));
        }
        self.line(2, "}");
        let clauses = &mut self.model.treaties[treaty].clauses;
        clauses.push(Clause {
            id: id.into(),
            title: title.map(str::to_string),
            doc: None,
            formulas: fs,
            requires: Vec::new(),
            loc,
            matches: None,
        });
        ClauseRef {
            treaty,
            clause: clauses.len() - 1,
        }
    }

    pub fn position(&mut self, id: &str, held_by: &[ActorId]) -> PositionId {
        let loc = self.line(0, &format!("position {id} {{"));
        let mut held: Vec<ActorId> = held_by.to_vec();
        held.sort_unstable();
        held.dedup();
        self.model.positions.push(Position {
            id: id.into(),
            source: None,
            doc: None,
            holders: Holders::Actors(held_by.to_vec()),
            held_by: held,
            red_lines: Vec::new(),
            stances: Vec::new(),
            rejects_package: false,
            loc,
        });
        PositionId(self.model.positions.len() - 1)
    }

    pub fn red_line(
        &mut self,
        position: PositionId,
        label: &str,
        kind: RedLineKind,
        expr: Expr,
    ) -> ConflictItem {
        let text = expr_text(&self.model, &expr);
        let word = match kind {
            RedLineKind::Must => "",
            RedLineKind::Possible => "possible ",
            RedLineKind::Guaranteed => "guaranteed ",
        };
        let loc = self.line(2, &format!("red line \"{label}\": {word}{text}"));
        let formula = self.formula(expr, loc);
        let lines = &mut self.model.positions[position].red_lines;
        lines.push(RedLine {
            label: label.into(),
            kind,
            formula,
            doc: None,
            loc,
        });
        ConflictItem::RedLine {
            position,
            index: lines.len() - 1,
        }
    }

    pub fn build(mut self) -> Model {
        let display = std::mem::take(&mut self.model.files[0].display);
        self.model.files[0] = SourceFile::new(display, self.text);
        self.model
    }
}

/// Source-like text of a formula (fully parenthesised where it matters).
pub fn expr_text(model: &Model, e: &Expr) -> String {
    let name = |v: VarId| crate::model::names::var_name(model, v).to_string();
    match e {
        Expr::Const(b) => b.to_string(),
        Expr::Var(v) => name(*v),
        Expr::Not(a) => format!("not {}", paren(model, a)),
        Expr::And(es) => join(model, es, " and "),
        Expr::Or(es) => join(model, es, " or "),
        Expr::Implies(a, b) => format!("{} implies {}", paren(model, a), paren(model, b)),
        Expr::Iff(a, b) => format!("{} iff {}", paren(model, a), paren(model, b)),
        Expr::Cmp(op, a, b) => format!(
            "{} {} {}",
            int_text(model, a),
            op.symbol(),
            int_text(model, b)
        ),
    }
}

fn paren(model: &Model, e: &Expr) -> String {
    match e {
        Expr::Const(_) | Expr::Var(_) => expr_text(model, e),
        _ => format!("({})", expr_text(model, e)),
    }
}

fn join(model: &Model, es: &[Expr], sep: &str) -> String {
    es.iter()
        .map(|e| paren(model, e))
        .collect::<Vec<_>>()
        .join(sep)
}

fn int_text(model: &Model, e: &IntExpr) -> String {
    match e {
        IntExpr::Const(c) => c.to_string(),
        IntExpr::Var(v) => model
            .vars
            .get(*v)
            .map_or("?", |v| v.name.as_str())
            .to_string(),
        IntExpr::Add(a, b) => format!("{} + {}", int_text(model, a), int_text(model, b)),
        IntExpr::Sub(a, b) => format!("{} - ({})", int_text(model, a), int_text(model, b)),
        IntExpr::Neg(a) => format!("-({})", int_text(model, a)),
        IntExpr::Scale(k, a) => format!("{k} * ({})", int_text(model, a)),
    }
}

/// What to generate. Planted conflicts sit on variables of their own; filler clauses are
/// satisfied by a hidden assignment of the filler variables (within the facts' bounds), so
/// the minimal conflicts are exactly the planted ones.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Total number of clauses.
    pub clauses: usize,
    /// Total number of variables (at least what the planted conflicts need, plus 2).
    pub vars: usize,
    /// Pairs `x <= 10`, `x >= 20` (one conflict each).
    pub pairs: usize,
    /// Triples `x <= 10`, `x >= 20`, `x >= 30` (two overlapping conflicts each).
    pub triples: usize,
    /// Cycles `a <= b`, `b <= c`, `c < a` (one conflict of three each).
    pub chains: usize,
    /// Clauses `x <= 100` against a position's `possible x >= 500` (one conflict each).
    pub possibles: usize,
    pub seed: u64,
}

impl Spec {
    /// A mix with about a tenth of the clauses in planted conflicts, over `clauses / 2`
    /// variables.
    pub fn planted(clauses: usize, seed: u64) -> Spec {
        let k = (clauses / 40).max(1);
        Spec {
            clauses,
            vars: (clauses / 2).max(8 + 6 * k),
            pairs: k,
            triples: k / 2,
            chains: k / 2,
            possibles: k / 2,
            seed,
        }
    }

    /// How many minimal conflicts the generated model has.
    pub fn expected_conflicts(&self) -> usize {
        self.pairs + 2 * self.triples + self.chains + self.possibles
    }

    fn planted_clauses(&self) -> usize {
        2 * self.pairs + 3 * self.triples + 3 * self.chains + self.possibles
    }

    fn planted_vars(&self) -> usize {
        self.pairs + self.triples + 3 * self.chains + self.possibles
    }
}

/// The small deterministic random generator of tests, benchmarks and `generate`: Knuth's
/// MMIX linear congruential generator, giving the high 31 bits of its state. Not for
/// anything that needs good randomness; its point is that a seed gives the same numbers on
/// every platform and in every version, because test data and benchmark workloads are
/// built from it.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next number, in `0..2^31`.
    pub fn next_u31(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n` (0 when `n` is 0); `n` should be far below `2^31`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u31() % n.max(1) as u64) as usize
    }

    /// A random atom of the random-treaty tests: `flag`, `not flag`, a comparison of two
    /// of `ints`, or one of `ints` against a constant in `0..=max` (`ints` not empty).
    pub fn atom(&mut self, ints: &[VarId], flag: VarId, max: i64) -> Expr {
        let ops = [
            CmpOp::Le,
            CmpOp::Ge,
            CmpOp::Lt,
            CmpOp::Gt,
            CmpOp::Eq,
            CmpOp::Ne,
        ];
        let op = ops[self.below(ops.len())];
        match self.below(5) {
            0 => ex::bv(flag),
            1 => ex::not(ex::bv(flag)),
            2 => {
                let (i, j) = (self.below(ints.len()), self.below(ints.len()));
                ex::cmp(op, ex::iv(ints[i]), ex::iv(ints[j]))
            }
            _ => {
                let v = ints[self.below(ints.len())];
                ex::bound(v, op, self.below(max.max(0) as usize + 1) as i64)
            }
        }
    }
}

/// Generates a treaty (index 0) after `spec`; clauses are shuffled so that planted
/// conflicts are spread through the text.
pub fn generate(spec: &Spec) -> Model {
    use ex::*;
    let mut rng = Rng::new(spec.seed);
    let mut b = Builder::new("synthetic.treaty");
    let filler_vars = spec.vars.saturating_sub(spec.planted_vars()).max(2);
    let fillers = spec.clauses.saturating_sub(spec.planted_clauses());
    let actor = b.actor("A", "Actor A");

    let mut contents: Vec<Expr> = Vec::new();
    let mut possibles: Vec<Expr> = Vec::new();
    let mut next_var = 0usize;
    let mut fresh = |b: &mut Builder| {
        next_var += 1;
        let v = b.int_var(&format!("x{next_var}"));
        b.fact(bound(v, CmpOp::Ge, 0));
        b.fact(bound(v, CmpOp::Le, 1000));
        v
    };
    for _ in 0..spec.pairs {
        let x = fresh(&mut b);
        contents.push(bound(x, CmpOp::Le, 10));
        contents.push(bound(x, CmpOp::Ge, 20));
    }
    for _ in 0..spec.triples {
        let x = fresh(&mut b);
        contents.push(bound(x, CmpOp::Le, 10));
        contents.push(bound(x, CmpOp::Ge, 20));
        contents.push(bound(x, CmpOp::Ge, 30));
    }
    for _ in 0..spec.chains {
        let (x, y, z) = (fresh(&mut b), fresh(&mut b), fresh(&mut b));
        contents.push(cmp(CmpOp::Le, iv(x), iv(y)));
        contents.push(cmp(CmpOp::Le, iv(y), iv(z)));
        contents.push(cmp(CmpOp::Lt, iv(z), iv(x)));
    }
    for _ in 0..spec.possibles {
        let x = fresh(&mut b);
        contents.push(bound(x, CmpOp::Le, 100));
        possibles.push(bound(x, CmpOp::Ge, 500));
    }
    // Fillers: constraints true under a hidden assignment `hidden`.
    let vars: Vec<VarId> = (0..filler_vars).map(|_| fresh(&mut b)).collect();
    let hidden: Vec<i64> = (0..filler_vars).map(|_| rng.below(1001) as i64).collect();
    for _ in 0..fillers {
        let i = rng.below(filler_vars);
        let mut j = rng.below(filler_vars);
        if j == i {
            j = (i + 1) % filler_vars;
        }
        let slack = rng.below(50) as i64;
        let e = match rng.below(3) {
            0 => cmp(
                CmpOp::Le,
                add(iv(vars[i]), iv(vars[j])),
                ic(hidden[i] + hidden[j] + slack),
            ),
            1 => bound(vars[i], CmpOp::Ge, hidden[i] - slack),
            _ => cmp(
                CmpOp::Ge,
                iv(vars[i]),
                add(iv(vars[j]), ic(hidden[i] - hidden[j] - slack)),
            ),
        };
        contents.push(e);
    }
    // Fisher-Yates, deterministic.
    for k in (1..contents.len()).rev() {
        let r = rng.below(k + 1);
        contents.swap(k, r);
    }
    let t = b.treaty("Synthetic", Some("generated with planted conflicts"));
    for (k, e) in contents.into_iter().enumerate() {
        b.clause(t, &(k + 1).to_string(), None, vec![e]);
    }
    if !possibles.is_empty() {
        let p = b.position("A_lines", &[actor]);
        for (k, e) in possibles.into_iter().enumerate() {
            b.red_line(p, &format!("line {}", k + 1), RedLineKind::Possible, e);
        }
    }
    b.build()
}

/// Every assignment of the model's variables, in variable order, with integers in
/// `0..=max_int`: the domain over which the brute-force tests decide formulas.
pub fn assignments(model: &Model, max_int: i64) -> Vec<Vec<Value>> {
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    for v in &model.vars {
        let values: Vec<Value> = match v.ty {
            VarType::Bool => vec![Value::Bool(false), Value::Bool(true)],
            VarType::Int => (0..=max_int).map(|i| Value::Int(i128::from(i))).collect(),
        };
        out = out
            .into_iter()
            .flat_map(|a| {
                values.iter().map(move |&x| {
                    let mut b = a.clone();
                    b.push(x);
                    b
                })
            })
            .collect();
    }
    out
}
