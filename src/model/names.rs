//! How things are named in everything the tool prints: reports, expectation results and
//! solver messages. One spelling each, so a user sees the same name everywhere.

use super::eval::Value;
use super::types::{
    ActorId, Body, ClauseRef, ConflictItem, Model, Target, VarId, DEFAULT_RULE_NAME,
};

/// Actor ids, in the order given.
pub fn actor_ids(model: &Model, actors: &[ActorId]) -> Vec<String> {
    actors.iter().map(|&a| model.actors[a].id.clone()).collect()
}

/// A variable's name (`?` for an index out of range, which resolution never makes).
pub fn var_name(model: &Model, v: VarId) -> &str {
    model.vars.get(v).map_or("?", |x| x.name.as_str())
}

/// The actor id of member `m` of `body`, as rules print their members.
pub fn member_name<'m>(model: &'m Model, body: &'m Body) -> impl Fn(usize) -> String + 'm {
    move |m| model.actors[body.members[m].actor].id.clone()
}

/// A clause's name: `Plan28.7` when several treaties are loaded, else `7`.
pub fn clause_name(model: &Model, r: ClauseRef) -> String {
    let c = model.clause(r);
    if model.treaties.len() > 1 {
        format!("{}.{}", model.treaties[r.treaty].id, c.id)
    } else {
        c.id.clone()
    }
}

/// A red line as written in `expect conflict`: `POSITION."label"`.
pub fn red_line_name(position: &str, label: &str) -> String {
    format!("{position}.\"{label}\"")
}

/// A conflict item: `clause 7` or `POSITION."label"`.
pub fn item_name(model: &Model, item: &ConflictItem) -> String {
    match item {
        ConflictItem::Clause(c) => format!("clause {}", clause_name(model, *c)),
        ConflictItem::RedLine { position, index } => {
            let p = &model.positions[*position];
            let label = p.red_lines.get(*index).map_or("?", |l| l.label.as_str());
            red_line_name(&p.id, label)
        }
    }
}

/// Items joined with `, `, as in an `expect conflict { ... }` list.
pub fn items_text(model: &Model, items: &[ConflictItem]) -> String {
    items
        .iter()
        .map(|i| item_name(model, i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Values of variables as the reports write them: `x = 3, flag = false`, in the order given.
pub fn values_text(model: &Model, values: &[(VarId, Value)]) -> String {
    values
        .iter()
        .map(|(v, x)| match x {
            Value::Bool(b) => format!("{} = {b}", var_name(model, *v)),
            Value::Int(i) => format!("{} = {i}", var_name(model, *v)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a route names: the body or actor id, and the rule's name for a body (`default`
/// for its `decides by` rule).
pub fn target_names(model: &Model, t: Target) -> (String, Option<String>) {
    match t {
        Target::Body { body, rule } => {
            let b = &model.bodies[body];
            (b.id.clone(), Some(b.rule(rule).name.clone()))
        }
        Target::Actor(actor) => (model.actors[actor].id.clone(), None),
        Target::EachOf(body) => (model.bodies[body].id.clone(), None),
    }
}

/// A route as the language writes it: `EU by qmv`, `USA`, `each of NATO`.
pub fn target_text(model: &Model, t: Target) -> String {
    let (id, rule) = target_names(model, t);
    match (t, rule) {
        (Target::EachOf(_), _) => format!("each of {id}"),
        (_, Some(r)) if r != DEFAULT_RULE_NAME => format!("{id} by {r}"),
        _ => id,
    }
}
