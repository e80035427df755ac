//! The syntax tree: what the text says, with byte spans, before any name is resolved.
//! Literals keep their text so that range checks happen (and are reported) at resolution.
//! The small enums at the end (`VarType`, `CmpOp`, `StanceKind`) mean the same in the
//! resolved model, which re-exports them; they live here so that syntax needs nothing
//! from `model`.

use serde::Serialize;

use crate::source::Span;

/// A name as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub text: String,
    pub span: Span,
}

/// A string literal, unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// A number literal as written (`600_000`, `72.5%`, `421/2145`, `0.1963`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lit {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct SourceAst {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Use(Str),
    Actor(ActorDecl),
    Body(BodyDecl),
    Var(VarDecl),
    Fact(FactDecl),
    Treaty(TreatyDecl),
    Position(PositionDecl),
    Expect(ExpectDecl),
    Consent(ConsentDecl),
    Group(GroupDecl),
    /// `scenario NAME "title" { ... }` (resolved apart: see `model::scenario`).
    Scenario(ScenarioDecl),
    /// A fixed ballot: never written at the top level, only produced when a scenario's
    /// `A votes B` statement (or `--assume`) is applied to the syntax trees.
    Ballot(BallotDecl),
}

/// `scenario NAME "title" { ... }`: the model as these statements change it.
#[derive(Clone, Debug)]
pub struct ScenarioDecl {
    pub id: Ident,
    pub title: Option<Str>,
    pub doc: Option<String>,
    pub statements: Vec<ScenarioStmt>,
    pub span: Span,
}

/// One statement of a scenario.
#[derive(Clone, Debug)]
pub enum ScenarioStmt {
    /// `assume F`: one more fact.
    Assume(FactDecl),
    /// `drop position P`.
    DropPosition { position: Ident, span: Span },
    /// `position P held by ...`: the holders replaced (the span is the `held by` part's).
    Holders {
        position: Ident,
        held_by: HeldBy,
        held_span: Span,
        span: Span,
    },
    /// `position P "source" { ... }`: a position that holds only in the scenario.
    Position(PositionDecl),
    /// `group G { ... }`: the group's members replaced.
    Group(GroupDecl),
    /// `body B members + X, - Y`.
    Members {
        body: Ident,
        changes: Vec<MemberChange>,
        span: Span,
    },
    /// `A votes BALLOT [on clause C, ...]`.
    Ballot(BallotDecl),
    /// `clause C "title" { ... }`: clause C's content and requirements replaced.
    Clause(ClauseDecl),
}

/// One change of a body's members in a scenario.
#[derive(Clone, Debug)]
pub enum MemberChange {
    /// `+ X [weights]`.
    Add(MemberDecl),
    /// `- X`.
    Remove(Ident),
}

/// A ballot word of `A votes BALLOT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BallotWord {
    Yes,
    No,
    Abstain,
    Absent,
}

/// `A votes BALLOT [on clause C, ...]`: `actor` casts `ballot` on every decision of the
/// clauses named (of every clause when none is).
#[derive(Clone, Debug)]
pub struct BallotDecl {
    pub actor: Ident,
    pub ballot: BallotWord,
    pub clauses: Vec<ClauseRefAst>,
    /// The scenario it comes from (`None`: `--assume`).
    pub scenario: Option<String>,
    pub span: Span,
}

/// `group Europe "title" { EU, NATO, GBR }`: actors and bodies counted together.
#[derive(Clone, Debug)]
pub struct GroupDecl {
    pub id: Ident,
    pub title: Option<Str>,
    pub members: Vec<Ident>,
    pub doc: Option<String>,
    pub span: Span,
}

/// `as of 2025-12-12`, as written (checked to be a real date when resolved).
#[derive(Clone, Debug)]
pub struct DateAst {
    pub text: String,
    pub span: Span,
}

/// `consent RUS by RUS_Assembly by ratification when F`: how an actor gives its consent.
#[derive(Clone, Debug)]
pub struct ConsentDecl {
    pub actor: Ident,
    pub body: Ident,
    pub rule: Option<Ident>,
    pub when: Option<FormulaAst>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ActorDecl {
    pub id: Ident,
    pub name: Str,
    /// `aggregate`: stands for several real actors voting as one.
    pub aggregate: bool,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct BodyDecl {
    pub id: Ident,
    pub name: Option<Str>,
    pub doc: Option<String>,
    /// Every `members` statement (more than one is an error reported at resolution).
    pub member_lists: Vec<(Vec<MemberDecl>, Span)>,
    pub decides: Vec<RuleDecl>,
    pub rules: Vec<RuleDecl>,
    /// Every `as of` (more than one is an error reported at resolution).
    pub as_of: Vec<DateAst>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct MemberDecl {
    pub actor: Ident,
    /// `votes 358_498`: dimension name and value.
    pub weights: Vec<(Ident, Lit)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RuleDecl {
    /// `None` for `decides by`.
    pub name: Option<Ident>,
    pub rule: RuleAst,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RuleAst {
    pub kind: RuleKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum RuleKind {
    Unanimity,
    Majority,
    /// `at least 55% of members`, `more than 50% of votes cast`, `at least 2/3 of members
    /// present`: `base` is `cast`, `present` or none (the whole body).
    Share {
        strict: bool,
        ratio: Lit,
        dim: Ident,
        base: Option<ShareBase>,
    },
    Count {
        strict: bool,
        count: Lit,
        dim: Ident,
    },
    /// `at most 3 members against`, `less than 1/3 of members abstaining`: `share` when the
    /// amount is a proportion (`... of`).
    Withheld {
        strict: bool,
        amount: Lit,
        share: bool,
        dim: Ident,
        what: WithheldWord,
    },
    /// `quorum at least 14 members`, `quorum at least 2/3 of votes`.
    Quorum {
        strict: bool,
        amount: Lit,
        share: bool,
        dim: Ident,
    },
    NoVetoFrom(Vec<Ident>),
    AllOf(Vec<Ident>),
    And(Vec<RuleAst>),
    Or(Vec<RuleAst>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareBase {
    Cast,
    Present,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WithheldWord {
    Against,
    Abstaining,
    Absent,
    NotInFavour,
}

#[derive(Clone, Debug)]
pub struct VarDecl {
    pub names: Vec<Ident>,
    pub ty: VarType,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FactDecl {
    pub formula: FormulaAst,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FormulaAst {
    pub kind: FormulaKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum FormulaKind {
    Bool(bool),
    Int(Lit),
    Name(String),
    Not(Box<FormulaAst>),
    And(Vec<FormulaAst>),
    Or(Vec<FormulaAst>),
    Implies(Box<FormulaAst>, Box<FormulaAst>),
    Iff(Box<FormulaAst>, Box<FormulaAst>),
    Cmp(CmpOp, Box<FormulaAst>, Box<FormulaAst>),
    Add(Box<FormulaAst>, Box<FormulaAst>),
    Sub(Box<FormulaAst>, Box<FormulaAst>),
    Neg(Box<FormulaAst>),
    Mul(Box<FormulaAst>, Box<FormulaAst>),
}

#[derive(Clone, Debug)]
pub struct TreatyDecl {
    pub id: Ident,
    pub title: Option<Str>,
    pub doc: Option<String>,
    pub parties: Vec<Ident>,
    pub clauses: Vec<ClauseDecl>,
    /// Every `as of` (more than one is an error reported at resolution).
    pub as_of: Vec<DateAst>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ClauseDecl {
    pub id: Ident,
    pub title: Option<Str>,
    pub doc: Option<String>,
    pub formulas: Vec<FormulaAst>,
    pub requires: Vec<RequiresDecl>,
    pub span: Span,
    /// `matches 21` / `matches Plan28.21`: the clause of an older draft this one revises.
    pub matches: Option<ClauseRefAst>,
}

/// `requires ...`: one route, or `any of { ... }` routes.
#[derive(Clone, Debug)]
pub struct RequiresDecl {
    pub routes: Vec<RouteDecl>,
    pub any_of: bool,
    pub span: Span,
}

/// One way to meet a requirement: `[lapse of] TARGET [by RULE] [when F]` or `each of BODY`.
#[derive(Clone, Debug)]
pub struct RouteDecl {
    pub lapse: bool,
    pub each_of: bool,
    pub target: Ident,
    pub rule: Option<Ident>,
    pub when: Option<FormulaAst>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ClauseRefAst {
    pub treaty: Option<Ident>,
    pub id: Ident,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum HeldBy {
    Actors(Vec<Ident>),
    EachOf(Ident),
}

#[derive(Clone, Debug)]
pub struct PositionDecl {
    pub id: Ident,
    pub source: Option<Str>,
    pub doc: Option<String>,
    pub held_by: Vec<(HeldBy, Span)>,
    pub red_lines: Vec<RedLineDecl>,
    pub stances: Vec<StanceDecl>,
    /// Each `rejects package` statement (more than one is an error reported at resolution).
    pub rejects_package: Vec<Span>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RedLineDecl {
    pub label: Str,
    pub mode: RedLineMode,
    pub formula: FormulaAst,
    pub doc: Option<String>,
    pub span: Span,
}

/// The word after `red line "label":`, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedLineMode {
    /// No word: the formula must hold.
    Must,
    /// `possible`: the formula must stay possible.
    Possible,
    /// `guaranteed`: the clauses, with the facts, must imply the formula.
    Guaranteed,
}

#[derive(Clone, Debug)]
pub struct StanceDecl {
    pub kind: StanceKind,
    pub clause: ClauseRefAst,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ExpectDecl {
    pub kind: ExpectKind,
    pub span: Span,
    /// `expect in scenario S ...`: checked in that scenario only.
    pub scenario: Option<Ident>,
}

#[derive(Clone, Debug)]
pub enum ConflictItemAst {
    Clause(ClauseRefAst),
    RedLine { position: Ident, label: Str },
}

#[derive(Clone, Debug)]
pub enum ExpectKind {
    Conflict(Vec<ConflictItemAst>),
    Consistent,
    Veto {
        actor: Ident,
        clause: ClauseRefAst,
        expected: bool,
        /// `by no` / `by abstaining` / `by absence`: only that way of withholding counts.
        mode: Option<VetoMode>,
    },
    Force {
        actor: Ident,
        clause: ClauseRefAst,
        expected: bool,
    },
    Route {
        target: Ident,
        each_of: bool,
        rule: Option<Ident>,
        clause: ClauseRefAst,
        open: bool,
    },
    Impossible(ClauseRefAst),
    Blocked(ClauseRefAst),
    Adoptable(ClauseRefAst),
    /// `expect objection A to clause C` (`expected == false`: `expect no objection ...`).
    Objection {
        actor: Ident,
        clause: ClauseRefAst,
        expected: bool,
    },
    Feasible {
        treaty: Option<Ident>,
        expected: bool,
    },
    Power {
        body: Ident,
        rule: Option<Ident>,
        actor: Ident,
        index: Ident,
        op: CmpOp,
        value: Lit,
    },
    /// `expect non-party clauses|points [TREATY] N`.
    NonParty {
        unit: CountUnit,
        treaty: Option<Ident>,
        count: Lit,
    },
    /// `expect group G clauses|points [TREATY] N`.
    Group {
        group: Ident,
        unit: CountUnit,
        treaty: Option<Ident>,
        count: Lit,
    },
    /// `expect guaranteed P."label" [TREATY]` (`expected == false`: `expect not guaranteed`).
    Guaranteed {
        position: Ident,
        label: Str,
        treaty: Option<Ident>,
        expected: bool,
    },
    /// `expect repair { ITEMS } [TREATY]` (`expected == false`: `expect no repair`).
    Repair {
        items: Vec<ConflictItemAst>,
        treaty: Option<Ident>,
        expected: bool,
    },
    /// `expect win over A, B for clause C`: {A, B} is one of the smallest sets of actors to
    /// win over to pass C.
    WinOver {
        actors: Vec<Ident>,
        clause: ClauseRefAst,
    },
    /// `expect margin clause C VAR OP [-]N`: the values of the clause's bound on VAR that
    /// resolve its conflicts are exactly those `OP N`.
    Margin {
        clause: ClauseRefAst,
        var: Ident,
        op: CmpOp,
        negative: bool,
        value: Lit,
    },
}

// ---------------------------------------------------------------- shared with the model

/// The type of a declared variable (`var x: int`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub enum VarType {
    #[serde(rename = "bool")]
    Bool,
    #[serde(rename = "int")]
    Int,
}

/// A comparison operator of a formula or an expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// Whether a position supports, opposes or abstains on a clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StanceKind {
    Supports,
    Opposes,
    Abstains,
}

/// A way of withholding support named in `expect veto ... by MODE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VetoMode {
    No,
    Abstaining,
    Absence,
}

/// What a count expectation counts: clauses, or points (a clause's point is the number its
/// id starts with: 13a is in point 13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountUnit {
    Clauses,
    Points,
}
