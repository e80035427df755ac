//! Names in a loaded model: what a word under the cursor names (`resolve`), where it is
//! declared, where it is used, how it reads in a hover, and the outline of a file.
//!
//! Works on the last model that loaded without errors, so that navigation keeps working
//! while a file is being edited. References are found by words (outside comments and
//! strings), the same spelling the resolver reads, across every file of the model.

use std::fmt::Write;

use crate::model::names::{clause_name, member_name};
use crate::model::{display, ActorId, BodyId, ClauseRef, Holders, Model, RuleId, Target, TreatyId};
use crate::report::wire::CheckDoc;
use crate::source::{FileId, Loc, Span};

use super::text::{words, Word};

/// What a name denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symbol {
    Actor(ActorId),
    Body(BodyId),
    Rule(BodyId, RuleId),
    Treaty(TreatyId),
    Clause(ClauseRef),
    Position(usize),
    Group(usize),
    Scenario(usize),
    Var(usize),
}

/// The symbol that `word` names in file `file`, given the word before it (`clause 7`,
/// `EU by qmv`, `rule qmv:`).
pub fn resolve(
    model: &Model,
    file: FileId,
    word: &Word<'_>,
    before: Option<&Word<'_>>,
) -> Option<Symbol> {
    let before_text = before.map(|b| b.text);
    if matches!(before_text, Some("clause" | "matches")) {
        return clause_symbol(model, file, word);
    }
    if let Some(i) = model.vars.iter().position(|v| v.name == word.text) {
        return Some(Symbol::Var(i));
    }
    if let Some(a) = model.actor_id(word.text) {
        return Some(Symbol::Actor(a));
    }
    if let Some(b) = model.body_id(word.text) {
        return Some(Symbol::Body(b));
    }
    if let Some(t) = model.treaty_id(word.text) {
        return Some(Symbol::Treaty(t));
    }
    if let Some(p) = model.position_id(word.text) {
        return Some(Symbol::Position(p.index()));
    }
    if let Some(g) = model.groups.iter().position(|g| g.id == word.text) {
        return Some(Symbol::Group(g));
    }
    if let Some(s) = model.scenarios.iter().position(|s| s.id == word.text) {
        return Some(Symbol::Scenario(s));
    }
    rule_symbol(model, file, word, before)
}

/// `clause 7` or `clause Plan28.7`: the treaty named, else the one the word is written in,
/// else the first treaty with that clause id.
fn clause_symbol(model: &Model, file: FileId, word: &Word<'_>) -> Option<Symbol> {
    let (treaty, id) = match word.text.split_once('.') {
        Some((t, id)) => (model.treaty_id(t), id),
        None => (None, word.text),
    };
    let inside = model
        .treaties
        .iter()
        .position(|t| t.loc.file == file && contains(t.loc.span, word.span));
    let candidates = treaty
        .map(|t| vec![t.index()])
        .or_else(|| inside.map(|t| vec![t]))
        .unwrap_or_else(|| (0..model.treaties.len()).collect());
    candidates.into_iter().find_map(|t| {
        let c = model.treaties[t].clauses.iter().position(|c| c.id == id)?;
        Some(Symbol::Clause(ClauseRef {
            treaty: TreatyId(t),
            clause: c,
        }))
    })
}

/// A rule name: `rule qmv:` inside a body, `EU by qmv`, `consent X by B by r`.
fn rule_symbol(
    model: &Model,
    file: FileId,
    word: &Word<'_>,
    before: Option<&Word<'_>>,
) -> Option<Symbol> {
    // The body whose declaration the word is in, or the body named two words before
    // (`EU by qmv`).
    let inside = model
        .bodies
        .iter()
        .position(|b| b.loc.file == file && contains(b.loc.span, word.span));
    let named = before.filter(|b| b.text == "by").and_then(|by| {
        let text = &model.files.get(file)?.text;
        let prior = words(&text[..by.span.start]);
        model.body_id(prior.last()?.text)
    });
    let body = named.map(|b| b.index()).or(inside)?;
    let rule = model.bodies[body].rule_id(word.text)?;
    Some(Symbol::Rule(BodyId(body), rule))
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Where the symbol is declared.
pub fn definition(model: &Model, symbol: Symbol) -> Loc {
    match symbol {
        Symbol::Actor(a) => model.actors[a.index()].loc,
        Symbol::Body(b) => model.bodies[b.index()].loc,
        Symbol::Rule(b, r) => model.bodies[b.index()].rule(r).loc,
        Symbol::Treaty(t) => model.treaties[t.index()].loc,
        Symbol::Clause(c) => model.clause(c).loc,
        Symbol::Position(p) => model.positions[p].loc,
        Symbol::Group(g) => model.groups[g].loc,
        Symbol::Scenario(s) => model.scenarios[s].loc,
        Symbol::Var(v) => model.vars[v].loc,
    }
}

/// Every place the symbol is written, declaration included, in file and offset order.
pub fn references(model: &Model, symbol: Symbol) -> Vec<Loc> {
    let mut out = Vec::new();
    for (file, source) in model.files.iter().enumerate() {
        let all = words(&source.text);
        for (i, word) in all.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| &all[j]);
            let plausible = match symbol {
                Symbol::Clause(c) => {
                    let id = &model.clause(c).id;
                    word.text == id.as_str()
                        || word
                            .text
                            .rsplit_once('.')
                            .is_some_and(|(_, x)| x == id.as_str())
                }
                _ => word.text == name(model, symbol),
            };
            if plausible && resolve(model, file, word, before) == Some(symbol) {
                out.push(Loc {
                    file,
                    span: word.span,
                });
            }
        }
        // A clause's declaration: `clause ID` at its own location.
        if let Symbol::Clause(c) = symbol {
            let loc = model.clause(c).loc;
            if loc.file == file
                && !out
                    .iter()
                    .any(|l| l.file == file && contains(loc.span, l.span))
            {
                out.push(loc);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The symbol's own name as written.
pub fn name(model: &Model, symbol: Symbol) -> String {
    match symbol {
        Symbol::Actor(a) => model.actors[a.index()].id.clone(),
        Symbol::Body(b) => model.bodies[b.index()].id.clone(),
        Symbol::Rule(b, r) => model.bodies[b.index()].rule(r).name.clone(),
        Symbol::Treaty(t) => model.treaties[t.index()].id.clone(),
        Symbol::Clause(c) => model.clause(c).id.clone(),
        Symbol::Position(p) => model.positions[p].id.clone(),
        Symbol::Group(g) => model.groups[g].id.clone(),
        Symbol::Scenario(s) => model.scenarios[s].id.clone(),
        Symbol::Var(v) => model.vars[v].name.clone(),
    }
}

/// Most members listed by name in a hover before the rest are counted.
const LISTED: usize = 12;

fn listed(names: &[String]) -> String {
    if names.len() <= LISTED {
        names.join(", ")
    } else {
        format!(
            "{}, and {} more",
            names[..LISTED].join(", "),
            names.len() - LISTED
        )
    }
}

fn doc_block(out: &mut String, doc: Option<&String>) {
    if let Some(doc) = doc {
        let _ = write!(out, "\n\n{doc}");
    }
}

/// A rule in words with its veto players.
fn rule_lines(model: &Model, body: BodyId, rule: RuleId) -> String {
    let b = &model.bodies[body.index()];
    let named = b.rule(rule);
    let member = member_name(model, b);
    let text = display::rule_text(b, &named.rule, &member, true);
    let vetoes = match crate::voting::veto_players(b, &named.rule) {
        Ok(v) if v.len() == b.members.len() => "every member can veto".to_string(),
        Ok(v) if v.is_empty() => "no single member can veto".to_string(),
        Ok(v) => {
            let names: Vec<String> = v.iter().map(|&i| member(i)).collect();
            format!("veto players: {}", listed(&names))
        }
        Err(e) => format!("veto players unknown: {e}"),
    };
    format!("`{}`: {text}; {vetoes}", named.name)
}

/// The hover text of a symbol (Markdown), with what the last analysis said of it.
pub fn hover(model: &Model, symbol: Symbol, last: Option<&CheckDoc>) -> String {
    let mut out = String::new();
    match symbol {
        Symbol::Actor(a) => {
            let actor = &model.actors[a.index()];
            let _ = write!(out, "**actor {}**: {}", actor.id, actor.name);
            if actor.aggregate {
                out.push_str(" (an aggregate: several actors voting as one)");
            }
            doc_block(&mut out, actor.doc.as_ref());
            let seats: Vec<String> = model
                .bodies
                .iter()
                .filter(|b| b.member_index(a).is_some())
                .map(|b| b.id.clone())
                .collect();
            if !seats.is_empty() {
                let _ = write!(out, "\n\nmember of: {}", listed(&seats));
            }
            if let Some(doc) = last {
                for t in &doc.treaties {
                    if let Some(v) = t.vetoes_by_actor.iter().find(|v| v.actor == actor.id) {
                        let _ = write!(
                            out,
                            "\n\ncan veto in {}: clauses {}",
                            t.treaty,
                            listed(&v.clauses)
                        );
                    }
                    if t.refusing_parties.contains(&actor.id) {
                        let _ = write!(
                            out,
                            "\n\nrefuses treaty {} (its red lines are violated)",
                            t.treaty
                        );
                    }
                }
            }
        }
        Symbol::Body(b) => {
            let body = &model.bodies[b.index()];
            let _ = write!(
                out,
                "**body {}**: {} ({} members",
                body.id,
                body.name,
                body.members.len()
            );
            if !body.dimensions.is_empty() {
                let _ = write!(out, "; weights: {}", body.dimensions.join(", "));
            }
            out.push(')');
            if let Some(date) = body.as_of {
                let _ = write!(out, ", data as of {date}");
            }
            doc_block(&mut out, body.doc.as_ref());
            let member = member_name(model, body);
            let names: Vec<String> = (0..body.members.len()).map(&member).collect();
            let _ = write!(out, "\n\nmembers: {}", listed(&names));
            let _ = write!(
                out,
                "\n\ndecides by {}",
                rule_lines(model, b, RuleId::Default)
            );
            for i in 0..body.rules.len() {
                let _ = write!(out, "\n\nrule {}", rule_lines(model, b, RuleId::Named(i)));
            }
        }
        Symbol::Rule(b, r) => {
            let body = &model.bodies[b.index()];
            let _ = write!(out, "**rule of {}** {}", body.id, rule_lines(model, b, r));
            doc_block(&mut out, body.rule(r).doc.as_ref());
        }
        Symbol::Treaty(t) => {
            let treaty = &model.treaties[t.index()];
            let _ = write!(out, "**treaty {}**", treaty.id);
            if let Some(title) = &treaty.title {
                let _ = write!(out, ": {title}");
            }
            let parties: Vec<String> = treaty
                .parties
                .iter()
                .map(|p| model.actors[p.index()].id.clone())
                .collect();
            let _ = write!(
                out,
                "\n\n{} clauses; parties: {}",
                treaty.clauses.len(),
                listed(&parties)
            );
            doc_block(&mut out, treaty.doc.as_ref());
            if let Some(t) = last.and_then(|d| d.treaties.iter().find(|o| o.treaty == treaty.id)) {
                let _ = write!(
                    out,
                    "\n\nlast analysis: {} ({} of {} clauses blocked, {} conflicts)",
                    t.verdict, t.summary.blocked, t.summary.clauses, t.summary.conflicts
                );
            }
        }
        Symbol::Clause(c) => {
            let clause = model.clause(c);
            let _ = write!(out, "**clause {}**", clause_name(model, c));
            if let Some(title) = &clause.title {
                let _ = write!(out, ": {title}");
            }
            doc_block(&mut out, clause.doc.as_ref());
            let requires: Vec<String> = clause
                .requires
                .iter()
                .map(|r| {
                    r.routes
                        .iter()
                        .map(|route| target_text(model, route.target, route.lapse))
                        .collect::<Vec<_>>()
                        .join(" or ")
                })
                .collect();
            if !requires.is_empty() {
                let _ = write!(out, "\n\nrequires: {}", requires.join("; "));
            }
            let name = clause_name(model, c);
            let treaty = &model.treaties[c.treaty.index()].id;
            if let Some(t) = last.and_then(|d| d.treaties.iter().find(|o| &o.treaty == treaty)) {
                if let Some(status) = t.clauses.iter().find(|s| s.clause == name) {
                    let word = if status.adoptable {
                        "adoptable"
                    } else {
                        "blocked"
                    };
                    let _ = write!(out, "\n\nlast analysis: {word}");
                    if !status.vetoes.is_empty() {
                        let _ = write!(out, "; can veto it: {}", listed(&status.vetoes));
                    }
                    for d in t
                        .decisions
                        .iter()
                        .filter(|d| d.clause == name && !d.fixed_no.is_empty())
                    {
                        let what = d
                            .body
                            .clone()
                            .or_else(|| d.actor.clone())
                            .unwrap_or_default();
                        let _ = write!(
                            out,
                            "\n\n{what}: {} (votes no: {})",
                            d.status,
                            listed(&d.fixed_no)
                        );
                    }
                }
            }
        }
        Symbol::Position(p) => {
            let position = &model.positions[p];
            let _ = write!(out, "**position {}**", position.id);
            if let Some(source) = &position.source {
                let _ = write!(out, ": {source}");
            }
            let holders: Vec<String> = position
                .held_by
                .iter()
                .map(|a| model.actors[a.index()].id.clone())
                .collect();
            let how = match position.holders {
                Holders::EachOf(b) => format!(" (each of {})", model.bodies[b.index()].id),
                Holders::Actors(_) => String::new(),
            };
            let _ = write!(out, "\n\nheld by: {}{how}", listed(&holders));
            doc_block(&mut out, position.doc.as_ref());
            for line in &position.red_lines {
                let _ = write!(out, "\n\n- red line \"{}\"", line.label);
            }
        }
        Symbol::Group(g) => {
            let group = &model.groups[g];
            let _ = write!(out, "**group {}**", group.id);
            if let Some(title) = &group.title {
                let _ = write!(out, ": {title}");
            }
            let members: Vec<String> = group
                .members
                .iter()
                .map(|m| match m {
                    crate::model::GroupMember::Actor(a) => model.actors[a.index()].id.clone(),
                    crate::model::GroupMember::Body(b) => model.bodies[b.index()].id.clone(),
                })
                .collect();
            let _ = write!(out, "\n\nmembers: {}", listed(&members));
            doc_block(&mut out, group.doc.as_ref());
        }
        Symbol::Scenario(s) => {
            let scenario = &model.scenarios[s];
            let _ = write!(out, "**scenario {}**", scenario.id);
            if let Some(title) = &scenario.title {
                let _ = write!(out, ": {title}");
            }
            doc_block(&mut out, scenario.doc.as_ref());
            for statement in &scenario.statements {
                let _ = write!(out, "\n\n- `{statement}`");
            }
        }
        Symbol::Var(v) => {
            let var = &model.vars[v];
            let ty = match var.ty {
                crate::syntax::ast::VarType::Bool => "bool",
                crate::syntax::ast::VarType::Int => "int",
            };
            let _ = write!(out, "**var {}**: {ty}", var.name);
            doc_block(&mut out, var.doc.as_ref());
        }
    }
    out
}

fn target_text(model: &Model, target: Target, lapse: bool) -> String {
    let text = crate::model::names::target_text(model, target);
    if lapse {
        format!("lapse of {text}")
    } else {
        text
    }
}

/// The declarations of file `file`, outermost first, each with its children (a body's
/// rules, a treaty's clauses, a position's red lines), in source order.
pub struct Outline {
    pub name: String,
    pub detail: Option<String>,
    pub kind: lsp_types::SymbolKind,
    pub loc: Loc,
    pub children: Vec<Outline>,
}

pub fn outline(model: &Model, file: FileId) -> Vec<Outline> {
    use lsp_types::SymbolKind as K;
    let leaf = |name: String, detail: Option<String>, kind, loc| Outline {
        name,
        detail,
        kind,
        loc,
        children: Vec::new(),
    };
    let mut out = Vec::new();
    for a in model.actors.iter().filter(|a| a.loc.file == file) {
        out.push(leaf(a.id.clone(), Some(a.name.clone()), K::CONSTANT, a.loc));
    }
    for b in model.bodies.iter().filter(|b| b.loc.file == file) {
        let mut node = leaf(b.id.clone(), Some(b.name.clone()), K::CLASS, b.loc);
        for r in b.rules.iter().filter(|r| r.loc.file == file) {
            node.children
                .push(leaf(r.name.clone(), None, K::METHOD, r.loc));
        }
        out.push(node);
    }
    for v in model.vars.iter().filter(|v| v.loc.file == file) {
        out.push(leaf(v.name.clone(), None, K::VARIABLE, v.loc));
    }
    for g in model.groups.iter().filter(|g| g.loc.file == file) {
        out.push(leaf(g.id.clone(), g.title.clone(), K::ENUM, g.loc));
    }
    for t in model.treaties.iter().filter(|t| t.loc.file == file) {
        let mut node = leaf(t.id.clone(), t.title.clone(), K::MODULE, t.loc);
        for c in &t.clauses {
            node.children.push(leaf(
                format!("clause {}", c.id),
                c.title.clone(),
                K::FIELD,
                c.loc,
            ));
        }
        out.push(node);
    }
    for p in model.positions.iter().filter(|p| p.loc.file == file) {
        let mut node = leaf(p.id.clone(), p.source.clone(), K::INTERFACE, p.loc);
        for r in &p.red_lines {
            node.children.push(leaf(
                format!("red line \"{}\"", r.label),
                None,
                K::PROPERTY,
                r.loc,
            ));
        }
        out.push(node);
    }
    for s in model.scenarios.iter().filter(|s| s.loc.file == file) {
        out.push(leaf(s.id.clone(), s.title.clone(), K::NAMESPACE, s.loc));
    }
    out.sort_by_key(|o| o.loc.span.start);
    out
}

/// Every name a completion may offer, with its kind, sorted and without repeats.
pub fn names(model: &Model) -> Vec<(String, lsp_types::CompletionItemKind, String)> {
    use lsp_types::CompletionItemKind as K;
    let mut out = Vec::new();
    out.extend(
        model
            .actors
            .iter()
            .map(|a| (a.id.clone(), K::CONSTANT, a.name.clone())),
    );
    for b in &model.bodies {
        out.push((b.id.clone(), K::CLASS, b.name.clone()));
        out.extend(
            b.rules
                .iter()
                .map(|r| (r.name.clone(), K::METHOD, format!("rule of {}", b.id))),
        );
    }
    out.extend(
        model
            .vars
            .iter()
            .map(|v| (v.name.clone(), K::VARIABLE, "variable".to_string())),
    );
    out.extend(
        model
            .treaties
            .iter()
            .map(|t| (t.id.clone(), K::MODULE, t.title.clone().unwrap_or_default())),
    );
    out.extend(
        model
            .positions
            .iter()
            .map(|p| (p.id.clone(), K::INTERFACE, "position".to_string())),
    );
    out.extend(
        model
            .groups
            .iter()
            .map(|g| (g.id.clone(), K::ENUM, "group".to_string())),
    );
    out.extend(
        model
            .scenarios
            .iter()
            .map(|s| (s.id.clone(), K::MODULE, "scenario".to_string())),
    );
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}
