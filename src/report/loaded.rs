//! What was loaded: actors, bodies with members and rules, treaties with their clauses
//! and requirements, positions. The first section of `treaty check`.

use std::fmt::Write;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::display::rule_text;
use crate::model::names::{actor_ids, clause_name, member_name, target_names};
use crate::model::{
    ActorId, Body, Group, GroupMember, Holders, Loc, Model, NamedRule, Position, Procedure,
    RedLineKind, Requirement, Route, StanceKind, Target, Treaty, VarType,
};

/// A place in a source file, as the wire format gives it.
#[derive(Serialize, JsonSchema, Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Where the item ends (line, and the column just after it): for SARIF regions; not
    /// part of the JSON format.
    #[serde(skip)]
    pub end_line: usize,
    #[serde(skip)]
    pub end_column: usize,
}

/// `file:line:column`, as diagnostics and reports print a place.
impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

pub fn place(model: &Model, loc: Loc) -> Place {
    let f = &model.files[loc.file];
    let (line, column) = f.line_col(loc.span.start);
    let (end_line, end_column) = f.line_col(loc.span.end.max(loc.span.start));
    Place {
        file: f.display.clone(),
        line,
        column,
        end_line,
        end_column,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct ActorOut {
    pub id: String,
    pub name: String,
    /// Present (and true) only for an `aggregate` actor.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub aggregate: bool,
}

/// `group G "title" { ... }`.
#[derive(Serialize, JsonSchema)]
pub struct GroupOut {
    pub id: String,
    pub title: Option<String>,
    /// Actor and body ids, in source order.
    pub members: Vec<String>,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize, JsonSchema)]
pub struct MemberOut {
    pub actor: String,
    /// Dimension name -> value, in the body's dimension order.
    pub weights: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize, JsonSchema)]
pub struct RuleOut {
    pub name: String,
    pub text: String,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize, JsonSchema)]
pub struct BodyOut {
    pub id: String,
    pub name: String,
    pub dimensions: Vec<String>,
    pub members: Vec<MemberOut>,
    pub rules: Vec<RuleOut>,
    /// The date of its data (`as of`, `YYYY-MM-DD`); absent when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(flatten)]
    pub at: Place,
}

/// One route of a requirement (a plain `requires` is one route).
#[derive(Serialize, JsonSchema)]
pub struct RouteOut {
    /// `body`, `actor` or `each_of`.
    #[schemars(extend("enum" = ["body", "actor", "each_of"]))]
    pub kind: &'static str,
    /// Body or actor id.
    pub id: String,
    /// The rule name (`default` for the body's own rule); absent for actors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// `lapse of`: met when the decision fails.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lapse: bool,
    /// The precondition (`when`), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct RequirementOut {
    /// The route, for a plain `requires`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub route: Option<RouteOut>,
    /// The routes of `requires any of { ... }`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<RouteOut>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "LoadedClauseOut")]
pub struct ClauseOut {
    pub id: String,
    pub title: Option<String>,
    pub formulas: Vec<String>,
    pub requires: Vec<RequirementOut>,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "LoadedTreatyOut")]
pub struct TreatyOut {
    pub id: String,
    pub title: Option<String>,
    pub parties: Vec<String>,
    pub clauses: Vec<ClauseOut>,
    /// The date of its text (`as of`); absent when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize, JsonSchema)]
pub struct RedLineOut {
    pub label: String,
    pub kind: RedLineKind,
    pub formula: String,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize, JsonSchema)]
pub struct StanceOut {
    pub stance: StanceKind,
    pub clause: String,
}

#[derive(Serialize, JsonSchema)]
pub struct PositionOut {
    pub id: String,
    pub source: Option<String>,
    pub held_by: Vec<String>,
    pub red_lines: Vec<RedLineOut>,
    pub stances: Vec<StanceOut>,
    /// `rejects package`: a violation of the holders' red lines makes them vote no on
    /// every decision of the treaty.
    pub rejects_package: bool,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize, JsonSchema)]
pub struct LoadedOut {
    pub files: Vec<String>,
    pub actors: Vec<ActorOut>,
    pub bodies: Vec<BodyOut>,
    pub variables: Vec<serde_json::Value>,
    pub facts: Vec<String>,
    pub treaties: Vec<TreatyOut>,
    pub positions: Vec<PositionOut>,
    /// Domestic procedures (`consent ACTOR by BODY ...`).
    pub procedures: Vec<ProcedureOut>,
    /// Groups (`group`); absent when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupOut>,
    pub expectations: usize,
}

/// `consent ACTOR by BODY by RULE [when F]`.
#[derive(Serialize, JsonSchema)]
pub struct ProcedureOut {
    pub actor: String,
    pub body: String,
    pub rule: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    #[serde(flatten)]
    pub at: Place,
}

fn procedure_out(model: &Model, p: &Procedure) -> ProcedureOut {
    let b = &model.bodies[p.body];
    ProcedureOut {
        actor: model.actors[p.actor].id.clone(),
        body: b.id.clone(),
        rule: b.rule(p.rule).name.clone(),
        when: p.when.as_ref().map(|f| f.text.clone()),
        at: place(model, p.loc),
    }
}

fn actor_id(model: &Model) -> impl Fn(ActorId) -> String + '_ {
    |a| model.actors[a].id.clone()
}

fn rules_of(body: &Body) -> impl Iterator<Item = &NamedRule> {
    std::iter::once(&body.default_rule).chain(body.rules.iter())
}

pub(crate) fn route(model: &Model, r: &Route) -> RouteOut {
    let (id, rule) = target_names(model, r.target);
    RouteOut {
        kind: match r.target {
            Target::Body { .. } => "body",
            Target::Actor(_) => "actor",
            Target::EachOf(_) => "each_of",
        },
        id,
        rule,
        lapse: r.lapse,
        when: r.when.as_ref().map(|f| f.text.clone()),
    }
}

/// A route as `treaty loaded` prints it: `EU by default`, `USA (consent)`, `lapse of EU by
/// unanimity when x`.
fn route_line(model: &Model, r: &Route) -> String {
    let (id, rule) = target_names(model, r.target);
    let mut s = String::new();
    if r.lapse {
        s.push_str("lapse of ");
    }
    match (r.target, rule) {
        (Target::EachOf(_), _) => s.push_str(&format!("each of {id}")),
        (_, Some(rule)) => s.push_str(&format!("{id} by {rule}")),
        (_, None) => s.push_str(&format!("{id} (consent)")),
    }
    if let Some(w) = &r.when {
        s.push_str(&format!(" when {}", w.text));
    }
    s
}

pub(crate) fn requirement(model: &Model, r: &Requirement) -> RequirementOut {
    match (r.any_of, r.routes.as_slice()) {
        (false, [one]) => RequirementOut {
            route: Some(route(model, one)),
            any_of: Vec::new(),
        },
        _ => RequirementOut {
            route: None,
            any_of: r.routes.iter().map(|x| route(model, x)).collect(),
        },
    }
}

/// What was loaded, as data.
pub fn loaded(model: &Model) -> LoadedOut {
    LoadedOut {
        files: model.files.iter().map(|f| f.display.clone()).collect(),
        actors: model
            .actors
            .iter()
            .map(|a| ActorOut {
                id: a.id.clone(),
                name: a.name.clone(),
                aggregate: a.aggregate,
            })
            .collect(),
        bodies: model.bodies.iter().map(|b| body_out(model, b)).collect(),
        variables: model
            .vars
            .iter()
            .map(|v| serde_json::json!({"name": v.name, "type": v.ty}))
            .collect(),
        facts: model.facts.iter().map(|f| f.formula.text.clone()).collect(),
        treaties: model
            .treaties
            .iter()
            .map(|t| treaty_out(model, t))
            .collect(),
        positions: model
            .positions
            .iter()
            .map(|p| position_out(model, p))
            .collect(),
        procedures: model
            .procedures
            .iter()
            .map(|p| procedure_out(model, p))
            .collect(),
        groups: model.groups.iter().map(|g| group_out(model, g)).collect(),
        expectations: model.expects.len(),
    }
}

fn group_out(model: &Model, g: &Group) -> GroupOut {
    GroupOut {
        id: g.id.clone(),
        title: g.title.clone(),
        members: g
            .members
            .iter()
            .map(|m| match *m {
                GroupMember::Actor(a) => model.actors[a].id.clone(),
                GroupMember::Body(b) => model.bodies[b].id.clone(),
            })
            .collect(),
        at: place(model, g.loc),
    }
}

fn body_out(model: &Model, b: &Body) -> BodyOut {
    let ids = actor_id(model);
    BodyOut {
        id: b.id.clone(),
        name: b.name.clone(),
        dimensions: b.dimensions.clone(),
        members: b
            .members
            .iter()
            .map(|m| MemberOut {
                actor: ids(m.actor),
                weights: b
                    .dimensions
                    .iter()
                    .zip(&m.weights)
                    .map(|(d, w)| (d.clone(), serde_json::Value::from(*w)))
                    .collect(),
            })
            .collect(),
        rules: rules_of(b)
            .map(|r| RuleOut {
                name: r.name.clone(),
                text: rule_text(b, &r.rule, &member_name(model, b), false),
                at: place(model, r.loc),
            })
            .collect(),
        as_of: b.as_of.map(|d| d.to_string()),
        at: place(model, b.loc),
    }
}

fn treaty_out(model: &Model, t: &Treaty) -> TreatyOut {
    TreatyOut {
        id: t.id.clone(),
        title: t.title.clone(),
        parties: actor_ids(model, &t.parties),
        clauses: t
            .clauses
            .iter()
            .map(|c| ClauseOut {
                id: c.id.clone(),
                title: c.title.clone(),
                formulas: c.formulas.iter().map(|f| f.text.clone()).collect(),
                requires: c.requires.iter().map(|r| requirement(model, r)).collect(),
                at: place(model, c.loc),
            })
            .collect(),
        as_of: t.as_of.map(|d| d.to_string()),
        at: place(model, t.loc),
    }
}

fn position_out(model: &Model, p: &Position) -> PositionOut {
    PositionOut {
        id: p.id.clone(),
        source: p.source.clone(),
        held_by: actor_ids(model, &p.held_by),
        red_lines: p
            .red_lines
            .iter()
            .map(|r| RedLineOut {
                label: r.label.clone(),
                kind: r.kind,
                formula: r.formula.text.clone(),
                at: place(model, r.loc),
            })
            .collect(),
        stances: p
            .stances
            .iter()
            .map(|s| StanceOut {
                stance: s.kind,
                clause: clause_name(model, s.clause),
            })
            .collect(),
        rejects_package: p.rejects_package,
        at: place(model, p.loc),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// ` "title"`, or nothing.
fn quoted(s: Option<&str>) -> String {
    s.map(|s| format!(" \"{s}\"")).unwrap_or_default()
}

/// The human listing of what was loaded.
pub fn human(model: &Model) -> String {
    let mut o = String::new();
    let files: Vec<&str> = model.files.iter().map(|f| f.display.as_str()).collect();
    let _ = writeln!(
        o,
        "loaded {}: {}",
        plural(files.len(), "file", "files"),
        files.join(", ")
    );
    let _ = writeln!(o);
    let _ = writeln!(o, "actors ({})", model.actors.len());
    for chunk in model.actors.chunks(6) {
        let line: Vec<String> = chunk
            .iter()
            .map(|a| {
                let aggregate = if a.aggregate { " (aggregate)" } else { "" };
                format!("{} {}{aggregate}", a.id, a.name)
            })
            .collect();
        let _ = writeln!(o, "  {}", line.join(" · "));
    }
    for b in &model.bodies {
        body_text(&mut o, model, b);
    }
    if !model.procedures.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "domestic procedures");
        for p in model.procedures.iter().map(|p| procedure_out(model, p)) {
            let when = p.when.map(|w| format!(" when {w}")).unwrap_or_default();
            let _ = writeln!(
                o,
                "  consent {} by {} by {}{when}  ({})",
                p.actor, p.body, p.rule, p.at
            );
        }
    }
    for g in model.groups.iter().map(|g| group_out(model, g)) {
        let _ = writeln!(o);
        let title = quoted(g.title.as_deref());
        let _ = writeln!(
            o,
            "group {}{title}: {}  ({})",
            g.id,
            g.members.join(", "),
            g.at
        );
    }
    variables_text(&mut o, model);
    for t in &model.treaties {
        treaty_text(&mut o, model, t);
    }
    for p in &model.positions {
        position_text(&mut o, model, p);
    }
    if !model.expects.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{} (run `treaty test` to check them)",
            plural(model.expects.len(), "expectation", "expectations")
        );
    }
    o
}

fn body_text(o: &mut String, model: &Model, b: &Body) {
    let ids = actor_id(model);
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "body {} \"{}\" — {}{}  ({})",
        b.id,
        b.name,
        plural(b.members.len(), "member", "members"),
        b.as_of
            .map(|d| format!(", data as of {d}"))
            .unwrap_or_default(),
        model.describe_loc(b.loc)
    );
    for doc in b.doc.iter().flat_map(|d| d.lines()) {
        let _ = writeln!(o, "  /// {doc}");
    }
    for r in rules_of(b) {
        let text = rule_text(b, &r.rule, &member_name(model, b), false);
        let _ = writeln!(o, "  rule {}: {text}", r.name);
    }
    let members: Vec<String> = b
        .members
        .iter()
        .map(|m| {
            let mut s = ids(m.actor);
            for (d, w) in b.dimensions.iter().zip(&m.weights) {
                let _ = write!(s, " {d} {w}");
            }
            s
        })
        .collect();
    if b.dimensions.is_empty() {
        for chunk in members.chunks(12) {
            let _ = writeln!(o, "  members: {}", chunk.join(", "));
        }
    } else {
        for m in members {
            let _ = writeln!(o, "  member {m}");
        }
    }
}

fn variables_text(o: &mut String, model: &Model) {
    if model.vars.is_empty() && model.facts.is_empty() {
        return;
    }
    let _ = writeln!(o);
    let vars: Vec<String> = model
        .vars
        .iter()
        .map(|v| {
            let ty = match v.ty {
                VarType::Int => "int",
                VarType::Bool => "bool",
            };
            format!("{}: {ty}", v.name)
        })
        .collect();
    let _ = writeln!(o, "variables ({}): {}", vars.len(), vars.join(", "));
    for f in &model.facts {
        let at = model.describe_loc(f.formula.loc);
        let _ = writeln!(o, "  fact {}  ({at})", f.formula.text);
    }
}

fn treaty_text(o: &mut String, model: &Model, t: &Treaty) {
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "treaty {}{} — {}, parties {}{}  ({})",
        t.id,
        quoted(t.title.as_deref()),
        plural(t.clauses.len(), "clause", "clauses"),
        actor_ids(model, &t.parties).join(", "),
        t.as_of.map(|d| format!(", as of {d}")).unwrap_or_default(),
        model.describe_loc(t.loc)
    );
    for c in &t.clauses {
        let title = quoted(c.title.as_deref());
        let _ = writeln!(
            o,
            "  clause {}{title}  ({})",
            c.id,
            model.describe_loc(c.loc)
        );
        for doc in c.doc.iter().flat_map(|d| d.lines()) {
            let _ = writeln!(o, "    /// {doc}");
        }
        for f in &c.formulas {
            let _ = writeln!(o, "    {}", f.text);
        }
        for r in &c.requires {
            let routes: Vec<String> = r.routes.iter().map(|x| route_line(model, x)).collect();
            if r.any_of {
                let _ = writeln!(o, "    requires any of {{ {} }}", routes.join(", "));
            } else {
                let _ = writeln!(o, "    requires {}", routes.join(", "));
            }
        }
    }
}

fn position_text(o: &mut String, model: &Model, p: &Position) {
    let _ = writeln!(o);
    let holders = match &p.holders {
        Holders::EachOf(b) => format!("each of {}", model.bodies[*b].id),
        Holders::Actors(a) => actor_ids(model, a).join(", "),
    };
    let _ = writeln!(
        o,
        "position {}{} — held by {holders}  ({})",
        p.id,
        quoted(p.source.as_deref()),
        model.describe_loc(p.loc)
    );
    for r in &p.red_lines {
        let kind = match r.kind {
            RedLineKind::Must => "",
            RedLineKind::Possible => "possible ",
            RedLineKind::Guaranteed => "guaranteed ",
        };
        for doc in r.doc.iter().flat_map(|d| d.lines()) {
            let _ = writeln!(o, "  /// {doc}");
        }
        let _ = writeln!(o, "  red line \"{}\": {kind}{}", r.label, r.formula.text);
    }
    for s in &p.stances {
        let verb = match s.kind {
            StanceKind::Supports => "supports",
            StanceKind::Opposes => "opposes",
            StanceKind::Abstains => "abstains on",
        };
        let _ = writeln!(o, "  {verb} clause {}", clause_name(model, s.clause));
    }
    if p.rejects_package {
        let _ = writeln!(o, "  rejects package");
    }
}
