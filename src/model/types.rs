//! The resolved model: plain owned data, no pest and no Z3 types.
//!
//! Invariants, established by `model::resolve` and relied on by every analysis:
//! - every index (`ActorId`, `BodyId`, `VarId`, `ClauseRef`, member index) is in range;
//! - every body has at least one member, every member is a declared actor, listed once;
//! - every member has a value for every dimension of its body, and each dimension's total
//!   fits comfortably in `u64` (at most `MAX_DIMENSION_TOTAL`);
//! - rules only name dimensions of their body and members of their body, and every count
//!   is at most the body's size (or dimension total);
//! - formulas are well typed (`Expr` for booleans, `IntExpr` for integers) and linear;
//! - lists are in source order (files in load order), so output built from them is stable.

use std::fmt;

use serde::Serialize;

use crate::source::{Loc, SourceFile};
use crate::syntax::ast::{CmpOp, CountUnit, StanceKind, VarType};

/// The largest total a dimension may have, so that exact threshold arithmetic
/// (`total * 100 * 10^6`) stays inside `u128`.
pub const MAX_DIMENSION_TOTAL: u64 = 1_000_000_000_000_000_000;

/// Index of a variable in `Model::vars` (formulas are built over these).
pub type VarId = usize;

/// Declares a typed index into one of the model's lists, so that an actor's index can
/// never be used as a body's. `list[id]` works on the list it indexes.
macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident => $item:ty) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub usize);

        impl $name {
            /// The position in the list this id indexes.
            pub fn index(self) -> usize {
                self.0
            }
        }

        /// The bare index (for solver constant names and internal messages).
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::ops::Index<$name> for Vec<$item> {
            type Output = $item;
            fn index(&self, id: $name) -> &$item {
                &self[id.0]
            }
        }

        impl std::ops::IndexMut<$name> for Vec<$item> {
            fn index_mut(&mut self, id: $name) -> &mut $item {
                &mut self[id.0]
            }
        }
    };
}

index_type!(
    /// An actor: index into `Model::actors`.
    ActorId => Actor
);
index_type!(
    /// A body: index into `Model::bodies`.
    BodyId => Body
);
index_type!(
    /// A position: index into `Model::positions`.
    PositionId => Position
);
index_type!(
    /// A treaty: index into `Model::treaties`.
    TreatyId => Treaty
);
index_type!(
    /// A member's place in its body: index into `Body::members` (and into a decision's
    /// vote list, which has one vote per member in member order).
    MemberIdx => Member
);

/// One of a body's rules: its `decides by` rule or a named `rule NAME: ...`. Resolution
/// stores this in every requirement and expectation, so a rule is never looked up by name
/// again after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    /// The body's `decides by` rule (named `default`).
    Default,
    /// `Body::rules[i]`.
    Named(usize),
}

/// The name the default rule goes by in reports, expectations and `--rule`.
pub const DEFAULT_RULE_NAME: &str = "default";

#[derive(Clone, Debug)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub doc: Option<String>,
    /// Stands for several real actors voting as one (`aggregate`): a conclusion that rests
    /// on it is an artefact of the aggregation, and the report says so.
    pub aggregate: bool,
    pub loc: Loc,
}

/// A calendar date (`as of 2025-12-12`), checked to exist. Ordered by time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The date `text` (`YYYY-MM-DD`) names, if it is a real one (years 1000 to 9999).
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let year: u16 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (parts.next().is_none() && year >= 1000 && (1..=days).contains(&day)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Whether this date is more than a year before `later`: the same day of the next year
    /// is not yet over a year later; the day after is (for 29 February: from 1 March).
    pub fn over_a_year_before(self, later: Date) -> bool {
        (self.year + 1, self.month, self.day) < (later.year, later.month, later.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// What a group names: an actor or a body, counted together in the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupMember {
    Actor(ActorId),
    Body(BodyId),
}

/// `group Europe "title" { EU, NATO, GBR }`.
#[derive(Clone, Debug)]
pub struct Group {
    pub id: String,
    pub title: Option<String>,
    pub doc: Option<String>,
    pub members: Vec<GroupMember>,
    pub loc: Loc,
}

/// One member of a body, with its value in each of the body's dimensions
/// (in the order of `Body::dimensions`).
#[derive(Clone, Debug)]
pub struct Member {
    pub actor: ActorId,
    pub weights: Vec<u64>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Body {
    pub id: String,
    pub name: String,
    pub doc: Option<String>,
    pub members: Vec<Member>,
    /// Named numeric dimensions (`votes`, `population`, ...). The head count
    /// (`members`) is implicit and never listed here.
    pub dimensions: Vec<String>,
    /// The rule of `decides by`; unanimity when the body does not say.
    pub default_rule: NamedRule,
    /// The rules of `rule NAME: ...`, in source order.
    pub rules: Vec<NamedRule>,
    /// The date of its data (`as of`), if given.
    pub as_of: Option<Date>,
    pub loc: Loc,
}

impl Body {
    /// Total of a dimension over all members.
    pub fn total(&self, dim: Dim) -> u64 {
        match dim {
            Dim::Members => self.members.len() as u64,
            Dim::Weight(d) => self.members.iter().map(|m| m.weights[d]).sum(),
        }
    }

    /// Weight of member `i` in dimension `dim` (1 for the head count).
    pub fn weight(&self, i: usize, dim: Dim) -> u64 {
        match dim {
            Dim::Members => 1,
            Dim::Weight(d) => self.members[i].weights[d],
        }
    }

    pub fn dim_name(&self, dim: Dim) -> &str {
        match dim {
            Dim::Members => "members",
            Dim::Weight(d) => &self.dimensions[d],
        }
    }

    /// The id of the rule with this name; `default` names the `decides by` rule.
    pub fn rule_id(&self, name: &str) -> Option<RuleId> {
        if name == DEFAULT_RULE_NAME {
            return Some(RuleId::Default);
        }
        self.rules
            .iter()
            .position(|r| r.name == name)
            .map(RuleId::Named)
    }

    /// The rule `id` names. Resolution stores only ids of this body's rules, so the index
    /// is always in range.
    pub fn rule(&self, id: RuleId) -> &NamedRule {
        match id {
            RuleId::Default => &self.default_rule,
            RuleId::Named(i) => &self.rules[i],
        }
    }

    /// Where `actor` sits among the members, if it is one.
    pub fn member_index(&self, actor: ActorId) -> Option<MemberIdx> {
        self.members
            .iter()
            .position(|m| m.actor == actor)
            .map(MemberIdx)
    }

    /// The actor of each member, in member order.
    pub fn member_actors(&self) -> Vec<ActorId> {
        self.members.iter().map(|m| m.actor).collect()
    }
}

/// A voting rule with its name (`default` for `decides by`).
#[derive(Clone, Debug)]
pub struct NamedRule {
    pub name: String,
    pub rule: Rule,
    pub doc: Option<String>,
    /// Where the rule was written; for an implicit default, the body's header.
    pub loc: Loc,
}

/// A dimension of a body: the head count or a named weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    Members,
    Weight(usize),
}

/// An exact percentage: `numer / denom` percent, e.g. 72.5% is 725 / 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Percent {
    pub numer: u64,
    pub denom: u64,
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // denom is a power of ten (from the decimal literal), so this is exact.
        let int = self.numer / self.denom;
        let frac = self.numer % self.denom;
        if frac == 0 {
            write!(f, "{int}%")
        } else {
            let digits = self.denom.to_string().len() - 1;
            let s = format!("{frac:0digits$}");
            write!(f, "{int}.{}%", s.trim_end_matches('0'))
        }
    }
}

/// How one member casts its ballot in a decision. `Yes` is the best ballot for passing
/// under every rule form (turning any ballot into `Yes` never turns a pass into a fail);
/// the other three are the ways of withholding support, and which of them can block
/// depends on what the rule counts.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Ballot {
    Yes,
    No,
    Abstain,
    Absent,
}

impl Ballot {
    /// The four ballots, in the order used by per-ballot tables (`[yes, no, abstain,
    /// absent]`).
    pub const ALL: [Ballot; 4] = [Ballot::Yes, Ballot::No, Ballot::Abstain, Ballot::Absent];
    /// The three ways of withholding support.
    pub const WITHHOLDING: [Ballot; 3] = [Ballot::No, Ballot::Abstain, Ballot::Absent];

    /// The ballot's place in `ALL`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// As the reports write it: "vote yes", "vote no", "abstain", "stay away".
    pub fn verb(self) -> &'static str {
        match self {
            Ballot::Yes => "voting yes",
            Ballot::No => "voting no",
            Ballot::Abstain => "abstaining",
            Ballot::Absent => "staying away",
        }
    }
}

/// An exact proportion as written: a percentage or a fraction (`2/3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ratio {
    Percent(Percent),
    /// `numer / denom`, with `0 < denom <= MAX_FRACTION_DENOMINATOR` and `numer <= denom`.
    Fraction {
        numer: u64,
        denom: u64,
    },
}

/// The largest denominator a written fraction may have, so that exact threshold arithmetic
/// stays inside `u128` (as `MAX_PERCENT_DECIMALS` does for percentages).
pub const MAX_FRACTION_DENOMINATOR: u64 = 100_000_000;

impl Ratio {
    /// The proportion as `a / b` of one, exactly (`b > 0`).
    pub fn parts(self) -> (u128, u128) {
        match self {
            Ratio::Percent(p) => (u128::from(p.numer), 100 * u128::from(p.denom.max(1))),
            Ratio::Fraction { numer, denom } => (u128::from(numer), u128::from(denom.max(1))),
        }
    }
}

impl Ratio {
    /// The smallest integer weight `x` with `x >= self * total` (`x > self * total` when
    /// `strict`), exactly; `None` if `numerator * total` overflows `u128` (impossible
    /// within `MAX_DIMENSION_TOTAL` and the precision limits).
    pub fn least_weight(self, total: u128, strict: bool) -> Option<u128> {
        let (a, b) = self.parts();
        let num = a.checked_mul(total)?;
        Some(if strict { num / b + 1 } else { num.div_ceil(b) })
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ratio::Percent(p) => p.fmt(f),
            Ratio::Fraction { numer, denom } => write!(f, "{numer}/{denom}"),
        }
    }
}

/// What a share is a share of: every member's weight, the votes cast (yes and no), or the
/// members present (yes, no and abstain).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Base {
    All,
    Cast,
    Present,
}

impl Base {
    /// Whether a ballot counts in the base.
    pub fn counts(self, b: Ballot) -> bool {
        match self {
            Base::All => true,
            Base::Cast => matches!(b, Ballot::Yes | Ballot::No),
            Base::Present => b != Ballot::Absent,
        }
    }
}

/// A bound written as a number of units or a proportion of the dimension's total.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    Count(u64),
    Share(Ratio),
}

/// The ballots an upper-bound atom counts (`at most 3 members against`, `less than 1/3 of
/// members abstaining`, `at most 3 members not in favour`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Withholding {
    /// `against`: no votes.
    Against,
    /// `abstaining`.
    Abstaining,
    /// `absent`.
    Absent,
    /// `not in favour`: no, abstain and absent.
    NotInFavour,
}

impl Withholding {
    pub fn counts(self, b: Ballot) -> bool {
        match self {
            Withholding::Against => b == Ballot::No,
            Withholding::Abstaining => b == Ballot::Abstain,
            Withholding::Absent => b == Ballot::Absent,
            Withholding::NotInFavour => b != Ballot::Yes,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Withholding::Against => "against",
            Withholding::Abstaining => "abstaining",
            Withholding::Absent => "absent",
            Withholding::NotInFavour => "not in favour",
        }
    }
}

/// A voting rule over the members' ballots (`Ballot`). Every form keeps `Yes` the best
/// ballot: turning any ballot into a yes never turns a pass into a fail. The forms of the
/// first version count yes votes against the body's totals and read any other ballot as
/// "not yes", except `AtMostAgainst` and `NoVetoFrom`, which count no votes only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Every member votes yes.
    Unanimity,
    /// More than half of the members vote yes.
    Majority,
    /// Yes share of `dim` at least (`strict == false`) or more than (`strict`) `percent`.
    Share {
        dim: Dim,
        strict: bool,
        percent: Percent,
    },
    /// Yes total of `dim` at least (`strict == false`) or more than `count`.
    Count {
        dim: Dim,
        strict: bool,
        count: u64,
    },
    /// Yes weight of `dim` at least (more than, `strict`) `ratio` of the weight of the
    /// members in `base` (a share of votes cast or of members present fails when that
    /// base weighs nothing; a share of the whole body does not, as `Share` does not).
    /// Percentage shares of the whole body are `Share`.
    ShareOf {
        dim: Dim,
        strict: bool,
        ratio: Ratio,
        base: Base,
    },
    /// Weight of `dim` withheld in the way `what` counts is at most (less than, `strict`)
    /// `bound` (a count, or a proportion of the dimension's total).
    Withheld {
        dim: Dim,
        strict: bool,
        bound: Bound,
        what: Withholding,
    },
    /// Weight of `dim` present (yes, no or abstain) is at least (more than, `strict`)
    /// `bound`.
    Quorum {
        dim: Dim,
        strict: bool,
        bound: Bound,
    },
    /// At most `n` members vote no (abstaining and absent members are not against).
    AtMostAgainst(u64),
    /// None of these members (indices into `Body::members`) votes no: abstaining or
    /// staying away is not a veto (UN Charter Art. 27(3) as practised).
    NoVetoFrom(Vec<usize>),
    /// All of these members vote yes.
    AllOf(Vec<usize>),
    And(Vec<Rule>),
    Or(Vec<Rule>),
}

#[derive(Clone, Debug)]
pub struct Var {
    pub name: String,
    pub ty: VarType,
    pub doc: Option<String>,
    pub loc: Loc,
}

/// A boolean formula over the declared variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Const(bool),
    Var(VarId),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Implies(Box<Expr>, Box<Expr>),
    Iff(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, IntExpr, IntExpr),
}

/// A linear integer term over the declared variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntExpr {
    Const(i64),
    Var(VarId),
    Add(Box<IntExpr>, Box<IntExpr>),
    Sub(Box<IntExpr>, Box<IntExpr>),
    Neg(Box<IntExpr>),
    /// A constant times a term (linearity is checked at resolution).
    Scale(i64, Box<IntExpr>),
}

/// A formula as written: the resolved expression and where it stands.
#[derive(Clone, Debug)]
pub struct Formula {
    pub expr: Expr,
    /// The formula's source text, whitespace-normalised, for reports.
    pub text: String,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Fact {
    pub formula: Formula,
    pub doc: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Treaty {
    pub id: String,
    pub title: Option<String>,
    pub doc: Option<String>,
    pub parties: Vec<ActorId>,
    pub clauses: Vec<Clause>,
    /// The date of its text (`as of`), if given: the data of the bodies it needs are
    /// flagged when over a year older.
    pub as_of: Option<Date>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Clause {
    pub id: String,
    pub title: Option<String>,
    pub doc: Option<String>,
    /// The content: all of these must hold for the clause to hold.
    pub formulas: Vec<Formula>,
    pub requires: Vec<Requirement>,
    pub loc: Loc,
    /// `matches 21` / `matches Plan28.21` as written: the clause of an older draft this one
    /// revises (`treaty diff` pins the match to it).
    pub matches: Option<String>,
}

impl Clause {
    /// The point the clause belongs to: the number its id starts with (`13a` is in point
    /// 13); a clause whose id does not start with a digit is a point of its own.
    pub fn point(&self) -> &str {
        let digits = self.id.bytes().take_while(u8::is_ascii_digit).count();
        match digits {
            0 => &self.id,
            n => &self.id[..n],
        }
    }
}

impl Group {
    /// Whether `clause` requires a member of the group: some route of some requirement
    /// targets one of its actors, or a decision (or `each of`) of one of its bodies. A body's
    /// members do not count on their own: a group of European states does not make a World
    /// Bank decision European because some of them vote in it.
    pub fn needed_by(&self, clause: &Clause) -> bool {
        clause.requires.iter().flat_map(|r| &r.routes).any(|route| {
            let named = match route.target {
                Target::Body { body, .. } | Target::EachOf(body) => GroupMember::Body(body),
                Target::Actor(a) => GroupMember::Actor(a),
            };
            self.members.contains(&named)
        })
    }
}

/// A clause names treaty `treaty`, clause number `clause` in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClauseRef {
    pub treaty: TreatyId,
    pub clause: usize,
}

/// A clause's `requires`: met when any one of its routes is (a plain `requires` has one
/// route; `requires any of { ... }` several).
#[derive(Clone, Debug)]
pub struct Requirement {
    pub routes: Vec<Route>,
    /// Written as `any of { ... }` (even with one route).
    pub any_of: bool,
    pub loc: Loc,
}

impl Requirement {
    /// A plain `requires TARGET`: one route, no lapse, no precondition.
    pub fn one(target: Target, loc: Loc) -> Requirement {
        Requirement {
            routes: vec![Route {
                target,
                lapse: false,
                when: None,
                loc,
            }],
            any_of: false,
            loc,
        }
    }
}

/// One legal route to a requirement: a decision (or a set of consents), which may have to
/// fail rather than pass (`lapse`), and a precondition.
#[derive(Clone, Debug)]
pub struct Route {
    pub target: Target,
    /// `lapse of ...`: met when the decision fails (a measure that lapses unless renewed).
    pub lapse: bool,
    /// `when F`: the route is open only if F can hold with the facts and the clause.
    pub when: Option<Formula>,
    pub loc: Loc,
}

/// What a route asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A decision of `body` under its rule `rule`.
    Body { body: BodyId, rule: RuleId },
    /// The consent of one actor (a state that must act, e.g. a host country); through its
    /// domestic procedures (`consent` declarations) when it has any.
    Actor(ActorId),
    /// `each of BODY`: the consent of every member of the body.
    EachOf(BodyId),
}

/// `consent ACTOR by BODY [by RULE] [when F]`: the actor's consent is a decision of one of
/// its own bodies. An actor with several procedures consents when all of them pass.
#[derive(Clone, Debug)]
pub struct Procedure {
    pub actor: ActorId,
    pub body: BodyId,
    pub rule: RuleId,
    pub when: Option<Formula>,
    pub doc: Option<String>,
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RedLineKind {
    /// The formula must hold.
    Must,
    /// The formula must remain possible.
    Possible,
    /// The treaty must guarantee the formula: the facts and the clauses must imply it.
    Guaranteed,
}

#[derive(Clone, Debug)]
pub struct RedLine {
    pub label: String,
    pub kind: RedLineKind,
    pub formula: Formula,
    pub doc: Option<String>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Stance {
    pub kind: StanceKind,
    pub clause: ClauseRef,
    pub loc: Loc,
}

/// Who holds a position: the actors named, or every member of a body.
#[derive(Clone, Debug)]
pub enum Holders {
    Actors(Vec<ActorId>),
    EachOf(BodyId),
}

#[derive(Clone, Debug)]
pub struct Position {
    pub id: String,
    pub source: Option<String>,
    pub doc: Option<String>,
    pub holders: Holders,
    /// The holders as actors, sorted by id index and without repeats.
    pub held_by: Vec<ActorId>,
    pub red_lines: Vec<RedLine>,
    pub stances: Vec<Stance>,
    /// `rejects package`: when the treaty violates a holder's red lines, the holder votes no
    /// on every decision of the treaty, not only on the clauses it objects to.
    pub rejects_package: bool,
    pub loc: Loc,
}

/// One item of an expected conflict.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConflictItem {
    Clause(ClauseRef),
    /// Red line `index` of position `position`.
    RedLine {
        position: PositionId,
        index: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PowerIndex {
    /// Raw swing count (an integer).
    Swings,
    /// Normalised Banzhaf index (shares summing to 1).
    Banzhaf,
    /// Absolute Banzhaf index (swings / 2^(n-1)).
    BanzhafAbsolute,
    ShapleyShubik,
}

/// An exact rational value written in an expectation: `numer / denom`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpectedValue {
    pub numer: i128,
    pub denom: i128,
    /// For `==` against a decimal: the number of decimals written, so that
    /// equality means "equal when rounded to that many decimals". `None` for
    /// fractions and integers, which compare exactly.
    pub decimals: Option<u32>,
}

#[derive(Clone, Debug)]
pub enum Expectation {
    /// A minimal conflict with exactly these items exists.
    Conflict(Vec<ConflictItem>),
    /// There is no conflict at all.
    Consistent,
    /// `actor` can alone block `clause` (`expected == false`: it cannot).
    Veto {
        actor: ActorId,
        clause: ClauseRef,
        expected: bool,
        /// Only this way of withholding counts (`by no`, `by abstaining`, `by absence`).
        mode: Option<Ballot>,
    },
    /// `actor` alone can make the clause's decisions go the clause's way, whatever the
    /// others do (for a lapse: make the decision fail).
    Force {
        actor: ActorId,
        clause: ClauseRef,
        expected: bool,
    },
    /// `actor` objects to `clause`: the clause is in a minimal conflict with the actor's red
    /// lines (`expected == false`: it does not object).
    Objection {
        actor: ActorId,
        clause: ClauseRef,
        expected: bool,
    },
    /// The route of a requirement of `clause` that asks for `target` is open (or closed).
    Route {
        target: Target,
        clause: ClauseRef,
        open: bool,
    },
    /// Some requirement of the clause has no route whose precondition can hold.
    Impossible(ClauseRef),
    /// The clause cannot be adopted (`Blocked`) or can (`Adoptable`).
    Blocked(ClauseRef),
    Adoptable(ClauseRef),
    /// The treaty is feasible (`true`) or infeasible.
    Feasible {
        treaty: TreatyId,
        expected: bool,
    },
    /// A power index of `actor` in `body` under `rule` compares to `value`.
    Power {
        body: BodyId,
        rule: RuleId,
        actor: ActorId,
        index: PowerIndex,
        op: CmpOp,
        value: ExpectedValue,
    },
    /// The number of clauses (or points) of `treaty` that need action by actors who are
    /// not parties.
    NonParty {
        unit: CountUnit,
        treaty: TreatyId,
        count: usize,
    },
    /// The number of clauses (or points) of `treaty` that require a member of `group`.
    Group {
        group: usize,
        unit: CountUnit,
        treaty: TreatyId,
        count: usize,
    },
    /// `treaty` guarantees the `guaranteed` red line `index` of `position` (`expected ==
    /// false`: it does not).
    Guaranteed {
        position: PositionId,
        index: usize,
        treaty: TreatyId,
        expected: bool,
    },
    /// A minimal correction set of `treaty` with exactly these items (sorted) exists
    /// (`expected == false`: none has exactly these items).
    Repair {
        treaty: TreatyId,
        items: Vec<ConflictItem>,
        expected: bool,
    },
    /// `actors` (sorted, distinct) is one of the smallest sets of actors to win over to
    /// pass `clause` (docs/semantics.md, "Winning over").
    WinOver {
        actors: Vec<ActorId>,
        clause: ClauseRef,
    },
    /// The values of literal `literal` of formula `formula` of `clause` (its bound on a
    /// variable) that resolve each listed conflict the clause is in are exactly those
    /// `>= bound` (`at_least`) or `<= bound`.
    Margin {
        clause: ClauseRef,
        formula: usize,
        literal: usize,
        at_least: bool,
        bound: i64,
    },
}

#[derive(Clone, Debug)]
pub struct Expect {
    pub expectation: Expectation,
    /// The expectation's source text, whitespace-normalised.
    pub text: String,
    pub loc: Loc,
}

/// Everything loaded from one run's files, resolved.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub files: Vec<SourceFile>,
    pub actors: Vec<Actor>,
    pub bodies: Vec<Body>,
    pub vars: Vec<Var>,
    pub facts: Vec<Fact>,
    pub treaties: Vec<Treaty>,
    pub positions: Vec<Position>,
    pub expects: Vec<Expect>,
    /// Domestic procedures, in source order.
    pub procedures: Vec<Procedure>,
    /// Groups of actors and bodies (`group`), in source order.
    pub groups: Vec<Group>,
    /// The scenarios the files declare, in source order, each with its model (empty in a
    /// scenario's own model).
    pub scenarios: Vec<Scenario>,
    /// Ballots fixed by a scenario (`A votes no`) or by `--assume`, in order.
    pub assumed: Vec<AssumedBallot>,
    /// The syntax trees the model was resolved from (set by `model::build`; empty for a
    /// scenario's model and for models built without source): scenarios are applied to them.
    pub syntax: std::sync::Arc<Vec<(crate::source::FileId, crate::syntax::ast::SourceAst)>>,
}

/// A scenario (`scenario NAME "title" { ... }`): the model as its statements change it,
/// resolved when the files are loaded.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: String,
    pub title: Option<String>,
    pub doc: Option<String>,
    /// Each statement's source text, whitespace-normalised, in order.
    pub statements: Vec<String>,
    pub model: std::sync::Arc<Model>,
    pub loc: Loc,
}

/// A fixed ballot of `actor` on every decision of `clauses` (of every clause of every
/// treaty when empty): it wins over red lines and stances (it is assumed, not derived).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumedBallot {
    pub actor: ActorId,
    pub ballot: Ballot,
    pub clauses: Vec<ClauseRef>,
    /// The scenario that assumes it (`None`: the command line's `--assume`).
    pub scenario: Option<String>,
    /// Where it is written (`None`: the command line).
    pub loc: Option<Loc>,
}

impl AssumedBallot {
    /// Whether it fixes the ballot on the decisions of `clause`.
    pub fn covers(&self, clause: ClauseRef) -> bool {
        self.clauses.is_empty() || self.clauses.contains(&clause)
    }
}

impl Model {
    /// The scenario named `id`.
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    pub fn clause(&self, r: ClauseRef) -> &Clause {
        &self.treaties[r.treaty].clauses[r.clause]
    }

    pub fn actor_id(&self, id: &str) -> Option<ActorId> {
        self.actors.iter().position(|a| a.id == id).map(ActorId)
    }

    pub fn body_id(&self, id: &str) -> Option<BodyId> {
        self.bodies.iter().position(|b| b.id == id).map(BodyId)
    }

    pub fn treaty_id(&self, id: &str) -> Option<TreatyId> {
        self.treaties.iter().position(|t| t.id == id).map(TreatyId)
    }

    pub fn position_id(&self, id: &str) -> Option<PositionId> {
        self.positions
            .iter()
            .position(|p| p.id == id)
            .map(PositionId)
    }

    /// All clauses of all treaties, in order.
    pub fn clause_refs(&self) -> impl Iterator<Item = ClauseRef> + '_ {
        self.treaties.iter().enumerate().flat_map(|(t, tr)| {
            (0..tr.clauses.len()).map(move |c| ClauseRef {
                treaty: TreatyId(t),
                clause: c,
            })
        })
    }

    /// `file:line:column` of a location.
    pub fn describe_loc(&self, loc: Loc) -> String {
        let f = &self.files[loc.file];
        let (l, c) = f.line_col(loc.span.start);
        format!("{}:{l}:{c}", f.display)
    }
}

#[cfg(test)]
mod date_tests {
    use super::Date;

    #[test]
    fn only_real_days_are_dates() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2000-02-29").is_some());
        for bad in [
            "2025-02-29",
            "1900-02-29",
            "2025-13-01",
            "2025-04-31",
            "2025-00-10",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Date::parse("2025-12-12").map(|d| d.to_string()),
            Some("2025-12-12".to_string())
        );
    }

    #[test]
    fn a_year_is_counted_by_the_calendar() {
        let d = |s| Date::parse(s).unwrap_or_else(|| panic!("{s}"));
        assert!(!d("2024-11-20").over_a_year_before(d("2025-11-20")));
        assert!(d("2024-11-19").over_a_year_before(d("2025-11-20")));
        assert!(!d("2024-02-29").over_a_year_before(d("2025-02-28")));
        assert!(d("2024-02-29").over_a_year_before(d("2025-03-01")));
    }
}
