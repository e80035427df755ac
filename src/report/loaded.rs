//! What was loaded: actors, bodies with members and rules, treaties with their clauses
//! and requirements, positions. The first section of `treaty check`.

use std::fmt::Write;

use serde::Serialize;

use crate::model::display::rule_text;
use crate::model::names::{actor_ids, clause_name, member_name, requirement_names};
use crate::model::{
    ActorId, Body, Holders, Loc, Model, NamedRule, Position, RedLineKind, Requirement, StanceKind,
    Treaty, VarType,
};

/// A place in a source file, as the wire format gives it.
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
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
    Place {
        file: f.display.clone(),
        line,
        column,
    }
}

#[derive(Serialize)]
pub struct ActorOut {
    pub id: String,
    pub name: String,
}

#[derive(Serialize)]
pub struct MemberOut {
    pub actor: String,
    /// Dimension name -> value, in the body's dimension order.
    pub weights: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
pub struct RuleOut {
    pub name: String,
    pub text: String,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize)]
pub struct BodyOut {
    pub id: String,
    pub name: String,
    pub dimensions: Vec<String>,
    pub members: Vec<MemberOut>,
    pub rules: Vec<RuleOut>,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize)]
pub struct RequirementOut {
    pub kind: &'static str,
    /// Body or actor id.
    pub id: String,
    /// The rule name (`default` for the body's own rule); absent for actors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

#[derive(Serialize)]
pub struct ClauseOut {
    pub id: String,
    pub title: Option<String>,
    pub formulas: Vec<String>,
    pub requires: Vec<RequirementOut>,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize)]
pub struct TreatyOut {
    pub id: String,
    pub title: Option<String>,
    pub parties: Vec<String>,
    pub clauses: Vec<ClauseOut>,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize)]
pub struct RedLineOut {
    pub label: String,
    pub kind: RedLineKind,
    pub formula: String,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize)]
pub struct StanceOut {
    pub stance: StanceKind,
    pub clause: String,
}

#[derive(Serialize)]
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

#[derive(Serialize)]
pub struct LoadedOut {
    pub files: Vec<String>,
    pub actors: Vec<ActorOut>,
    pub bodies: Vec<BodyOut>,
    pub variables: Vec<serde_json::Value>,
    pub facts: Vec<String>,
    pub treaties: Vec<TreatyOut>,
    pub positions: Vec<PositionOut>,
    pub expectations: usize,
}

fn actor_id(model: &Model) -> impl Fn(ActorId) -> String + '_ {
    |a| model.actors[a].id.clone()
}

fn rules_of(body: &Body) -> impl Iterator<Item = &NamedRule> {
    std::iter::once(&body.default_rule).chain(body.rules.iter())
}

pub(crate) fn requirement(model: &Model, r: &Requirement) -> RequirementOut {
    let (id, rule) = requirement_names(model, r);
    RequirementOut {
        kind: match r {
            Requirement::Body { .. } => "body",
            Requirement::Actor { .. } => "actor",
        },
        id,
        rule,
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
        expectations: model.expects.len(),
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
            .map(|a| format!("{} {}", a.id, a.name))
            .collect();
        let _ = writeln!(o, "  {}", line.join(" · "));
    }
    for b in &model.bodies {
        body_text(&mut o, model, b);
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
        "body {} \"{}\" — {}  ({})",
        b.id,
        b.name,
        plural(b.members.len(), "member", "members"),
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
        "treaty {}{} — {}, parties {}  ({})",
        t.id,
        quoted(t.title.as_deref()),
        plural(t.clauses.len(), "clause", "clauses"),
        actor_ids(model, &t.parties).join(", "),
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
            let r = requirement(model, r);
            match r.rule {
                Some(rule) => {
                    let _ = writeln!(o, "    requires {} by {rule}", r.id);
                }
                None => {
                    let _ = writeln!(o, "    requires {} (consent)", r.id);
                }
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
        let kind = if r.kind == RedLineKind::Possible {
            "possible "
        } else {
            ""
        };
        for doc in r.doc.iter().flat_map(|d| d.lines()) {
            let _ = writeln!(o, "  /// {doc}");
        }
        let _ = writeln!(o, "  red line \"{}\": {kind}{}", r.label, r.formula.text);
    }
    for s in &p.stances {
        let verb = if s.kind == StanceKind::Supports {
            "supports"
        } else {
            "opposes"
        };
        let _ = writeln!(o, "  {verb} clause {}", clause_name(model, s.clause));
    }
    if p.rejects_package {
        let _ = writeln!(o, "  rejects package");
    }
}
