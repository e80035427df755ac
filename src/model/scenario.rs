//! Scenarios: `scenario NAME "title" { ... }` blocks, each resolved into a model of its own,
//! the base model as the scenario's statements change it (docs/semantics.md, "Scenarios").
//!
//! The files are parsed once. A scenario is resolved as if its statements were part of the
//! files: `assume F` adds a fact, a `position` declared in the scenario is added, `drop
//! position P` removes P, `group G { ... }` replaces G, `A votes B [on clause C]` fixes a
//! ballot, and `expect in scenario S ...` becomes an expectation of S's model; these are
//! edits of the syntax trees, resolved together by `resolve` (so every error is located, at
//! the scenario's text). `position P held by ...` and `body B members + X, - Y` then edit the
//! resolved model (their text lives in the scenario, the item they change elsewhere), as
//! does `clause C { ... }`, which replaces clause C's content and requirements (resolved as a
//! clause of a treaty of its own, then moved in place):
//! holders are replaced, members added or removed (rules that name a removed member are an
//! error; every rule must still decide something), and positions held by `each of` a body
//! follow its new members.
//!
//! Invariant: a scenario's model satisfies every invariant of `Model` (it is resolved, and
//! the edits keep member indices, weights and rules consistent), has no scenarios of its
//! own, and holds as expectations exactly the `expect in scenario NAME` lines.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::eval::passes_ballots;
use super::resolve::resolve;
use super::types::*;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::source::{FileId, Loc, Span};
use crate::syntax::ast::{self, HeldBy, Item, MemberChange, ScenarioDecl, ScenarioStmt};

/// Resolves every scenario of `base` (declared in its syntax trees) and records them in
/// `base.scenarios`; every error of every scenario otherwise.
pub fn resolve_all(base: &mut Model) -> Result<(), Vec<Diagnostic>> {
    let syntax = Arc::clone(&base.syntax);
    let mut diags = Vec::new();
    let mut scenarios = Vec::new();
    for (file, ast) in syntax.iter() {
        for item in &ast.items {
            let Item::Scenario(sc) = item else { continue };
            match apply(base, *file, sc) {
                Ok(model) => scenarios.push(Scenario {
                    id: sc.id.text.clone(),
                    title: sc.title.as_ref().map(|t| t.value.clone()),
                    doc: sc.doc.clone(),
                    statements: sc
                        .statements
                        .iter()
                        .map(|s| text(base, *file, stmt_span(s)))
                        .collect(),
                    model: Arc::new(model),
                    loc: Loc {
                        file: *file,
                        span: sc.span,
                    },
                }),
                Err(d) => diags.extend(d),
            }
        }
    }
    if diags.is_empty() {
        base.scenarios = scenarios;
        Ok(())
    } else {
        Err(diags)
    }
}

fn text(model: &Model, file: FileId, span: Span) -> String {
    model.files[file]
        .slice(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn stmt_span(s: &ScenarioStmt) -> Span {
    match s {
        ScenarioStmt::Assume(f) => f.span,
        ScenarioStmt::DropPosition { span, .. }
        | ScenarioStmt::Holders { span, .. }
        | ScenarioStmt::Members { span, .. } => *span,
        ScenarioStmt::Position(p) => p.span,
        ScenarioStmt::Group(g) => g.span,
        ScenarioStmt::Ballot(b) => b.span,
        ScenarioStmt::Clause(c) => c.span,
    }
}

/// The model of scenario `sc` (declared in `file`), or its errors.
fn apply(base: &Model, file: FileId, sc: &ScenarioDecl) -> Result<Model, Vec<Diagnostic>> {
    let at = |span: Span| Loc { file, span };
    let mut diags: Vec<Diagnostic> = Vec::new();
    // The syntax trees without scenarios, with this scenario's expectations only.
    let mut asts: Vec<(FileId, ast::SourceAst)> = base
        .syntax
        .iter()
        .map(|(f, a)| {
            let items = a
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Scenario(_) => None,
                    Item::Expect(e) => match &e.scenario {
                        Some(s) if s.text == sc.id.text => {
                            let mut e = e.clone();
                            e.scenario = None;
                            Some(Item::Expect(e))
                        }
                        _ => None,
                    },
                    other => Some(other.clone()),
                })
                .collect();
            (*f, ast::SourceAst { items })
        })
        .collect();
    let mut added: Vec<Item> = Vec::new();
    for s in &sc.statements {
        match s {
            ScenarioStmt::Assume(f) => added.push(Item::Fact(f.clone())),
            ScenarioStmt::Position(p) => added.push(Item::Position(p.clone())),
            ScenarioStmt::Ballot(b) => added.push(Item::Ballot(b.clone())),
            ScenarioStmt::DropPosition { position, .. } => {
                let found = remove_item(
                    &mut asts,
                    |i| matches!(i, Item::Position(p) if p.id.text == position.text),
                );
                if !found {
                    diags.push(unknown(base, "position", position, at(position.span)));
                }
            }
            ScenarioStmt::Group(g) => {
                // The scenario's declaration replaces the group's (its text is here).
                let found = remove_item(
                    &mut asts,
                    |i| matches!(i, Item::Group(x) if x.id.text == g.id.text),
                );
                if !found {
                    diags.push(unknown(base, "group", &g.id, at(g.id.span)));
                }
                added.push(Item::Group(g.clone()));
            }
            ScenarioStmt::Clause(c) => {
                let found = base
                    .clause_refs()
                    .filter(|r| base.clause(*r).id == c.id.text);
                match found.count() {
                    1 => {}
                    0 => {
                        let names: Vec<&str> = base
                            .clause_refs()
                            .map(|r| base.clause(r).id.as_str())
                            .collect();
                        let d = Diagnostic::error(
                            Code::UnknownName,
                            format!("unknown clause `{}`", c.id.text),
                            at(c.id.span),
                        )
                        .with_label("no such clause");
                        diags.push(match did_you_mean(&c.id.text, names) {
                            Some(h) => d.with_help(format!("did you mean `{h}`?")),
                            None => d.with_help("a scenario replaces a clause of a treaty"),
                        });
                    }
                    _ => diags.push(
                        Diagnostic::error(
                            Code::WhichTreaty,
                            format!("clause `{}` is in several treaties", c.id.text),
                            at(c.id.span),
                        )
                        .with_label("ambiguous")
                        .with_help("load one treaty with the scenario"),
                    ),
                }
            }
            ScenarioStmt::Holders { .. } | ScenarioStmt::Members { .. } => {}
        }
    }
    // The scenario's own items, resolved after every file's (in its file, for locations).
    asts.push((file, ast::SourceAst { items: added }));
    if !diags.is_empty() {
        return Err(in_scenario(sc, file, diags));
    }
    let mut model = match resolve(base.files.clone(), &asts) {
        Ok(m) => m,
        Err(d) => return Err(in_scenario(sc, file, d)),
    };
    replace_clauses(&mut model, sc, file, &asts).map_err(|d| in_scenario(sc, file, d))?;
    let mut edits = Edits {
        model: &mut model,
        file,
        diags: Vec::new(),
    };
    for s in &sc.statements {
        match s {
            ScenarioStmt::Members { body, changes, .. } => edits.members(body, changes),
            ScenarioStmt::Holders {
                position,
                held_by,
                held_span,
                ..
            } => edits.holders(position, held_by, *held_span),
            _ => {}
        }
    }
    let diags = std::mem::take(&mut edits.diags);
    if !diags.is_empty() {
        return Err(in_scenario(sc, file, diags));
    }
    follow_each_of(&mut model);
    Ok(model)
}

/// The name the replacement of a clause has while it is resolved (no written name has `#`).
const SCENARIO_TREATY: &str = "#scenario";

/// `clause C { ... }` statements: each replacement is resolved as a clause of a treaty of its
/// own, in a second resolution of the same items without expectations (so that no clause id
/// is ambiguous there), and moved into `model` in place of clause C. Ids of actors, bodies
/// and variables are the same in both resolutions (the same declarations in the same order).
fn replace_clauses(
    model: &mut Model,
    sc: &ScenarioDecl,
    file: FileId,
    asts: &[(FileId, ast::SourceAst)],
) -> Result<(), Vec<Diagnostic>> {
    let clauses: Vec<ast::ClauseDecl> = sc
        .statements
        .iter()
        .filter_map(|s| match s {
            ScenarioStmt::Clause(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let Some(first) = clauses.first() else {
        return Ok(());
    };
    let span = first.span;
    let mut asts: Vec<(FileId, ast::SourceAst)> = asts
        .iter()
        .map(|(f, a)| {
            let items = a
                .items
                .iter()
                .filter(|i| !matches!(i, Item::Expect(_)))
                .cloned()
                .collect();
            (*f, ast::SourceAst { items })
        })
        .collect();
    let renamed: Vec<ast::ClauseDecl> = clauses
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.id.text = format!("{}{SCENARIO_TREATY}", c.id.text);
            c
        })
        .collect();
    asts.push((
        file,
        ast::SourceAst {
            items: vec![Item::Treaty(ast::TreatyDecl {
                id: ast::Ident {
                    text: SCENARIO_TREATY.to_string(),
                    span,
                },
                title: None,
                doc: None,
                parties: Vec::new(),
                clauses: renamed,
                as_of: Vec::new(),
                span,
            })],
        },
    ));
    let mut with = resolve(model.files.clone(), &asts)?;
    let Some(t) = with.treaty_id(SCENARIO_TREATY) else {
        return Ok(());
    };
    let resolved = std::mem::take(&mut with.treaties[t].clauses);
    for (decl, mut clause) in clauses.iter().zip(resolved) {
        clause.id = decl.id.text.clone();
        let target = model
            .clause_refs()
            .find(|r| model.clause(*r).id == decl.id.text);
        if let Some(r) = target {
            model.treaties[r.treaty].clauses[r.clause] = clause;
        }
    }
    Ok(())
}

/// Removes the first item `pick` selects, from any file; whether there was one.
fn remove_item(asts: &mut [(FileId, ast::SourceAst)], pick: impl Fn(&Item) -> bool) -> bool {
    for (_, a) in asts.iter_mut() {
        if let Some(i) = a.items.iter().position(&pick) {
            a.items.remove(i);
            return true;
        }
    }
    false
}

fn unknown(base: &Model, what: &str, id: &ast::Ident, loc: Loc) -> Diagnostic {
    let names: Vec<&str> = match what {
        "position" => base.positions.iter().map(|p| p.id.as_str()).collect(),
        "group" => base.groups.iter().map(|g| g.id.as_str()).collect(),
        "body" => base.bodies.iter().map(|b| b.id.as_str()).collect(),
        _ => base.actors.iter().map(|a| a.id.as_str()).collect(),
    };
    let d = Diagnostic::error(
        Code::UnknownName,
        format!("unknown {what} `{}`", id.text),
        loc,
    )
    .with_label("not declared");
    match did_you_mean(&id.text, names) {
        Some(h) => d.with_help(format!("did you mean `{h}`?")),
        None => d.with_help(format!("a scenario changes a {what} declared in the files")),
    }
}

/// Every diagnostic of a scenario says which scenario: those located outside its block
/// (a rule that names a member it removes, say) point back to it.
fn in_scenario(sc: &ScenarioDecl, file: FileId, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let block = Loc {
        file,
        span: sc.id.span,
    };
    diags
        .into_iter()
        .map(|d| {
            let inside = d.loc.is_some_and(|l| {
                l.file == file && l.span.start >= sc.span.start && l.span.end <= sc.span.end
            });
            if inside {
                d
            } else {
                d.with_related(block, format!("in scenario `{}`", sc.id.text))
            }
        })
        .collect()
}

/// Positions held by `each of` a body are held by its members as they now are.
fn follow_each_of(model: &mut Model) {
    for p in 0..model.positions.len() {
        if let Holders::EachOf(b) = model.positions[p].holders {
            let mut held = model.bodies[b].member_actors();
            held.sort();
            held.dedup();
            model.positions[p].held_by = held;
        }
    }
}

/// The edits made on the resolved model, with their errors.
struct Edits<'m> {
    model: &'m mut Model,
    file: FileId,
    diags: Vec<Diagnostic>,
}

impl Edits<'_> {
    fn loc(&self, span: Span) -> Loc {
        Loc {
            file: self.file,
            span,
        }
    }

    fn error(
        &mut self,
        code: Code,
        message: String,
        span: Span,
        label: &str,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::error(code, message, self.loc(span)).with_label(label);
        d.help = help;
        self.diags.push(d);
    }

    fn actor(&mut self, id: &ast::Ident) -> Option<ActorId> {
        if let Some(a) = self.model.actor_id(&id.text) {
            return Some(a);
        }
        let d = unknown(self.model, "actor", id, self.loc(id.span));
        self.diags.push(d);
        None
    }

    fn body(&mut self, id: &ast::Ident) -> Option<BodyId> {
        if let Some(b) = self.model.body_id(&id.text) {
            return Some(b);
        }
        let d = unknown(self.model, "body", id, self.loc(id.span));
        self.diags.push(d);
        None
    }

    /// `position P held by ...`: the holders replaced.
    fn holders(&mut self, position: &ast::Ident, held_by: &HeldBy, span: Span) {
        let Some(p) = self.model.position_id(&position.text) else {
            let d = unknown(self.model, "position", position, self.loc(position.span));
            self.diags.push(d);
            return;
        };
        let holders = match held_by {
            HeldBy::EachOf(b) => match self.body(b) {
                Some(b) => Holders::EachOf(b),
                None => return,
            },
            HeldBy::Actors(ids) => {
                let mut out = Vec::new();
                for id in ids {
                    let Some(a) = self.actor(id) else { continue };
                    if out.contains(&a) {
                        self.error(
                            Code::GivenTwice,
                            format!("`{}` is listed twice", id.text),
                            id.span,
                            "listed again",
                            None,
                        );
                        continue;
                    }
                    out.push(a);
                }
                if out.is_empty() {
                    if ids.is_empty() {
                        self.error(
                            Code::NoHolders,
                            format!("position `{}` is held by no one", position.text),
                            span,
                            "no holders",
                            Some("to remove the position, write `drop position NAME`".into()),
                        );
                    }
                    return;
                }
                Holders::Actors(out)
            }
        };
        let held_by = match &holders {
            Holders::Actors(a) => {
                let mut a = a.clone();
                a.sort();
                a
            }
            Holders::EachOf(b) => {
                let mut a = self.model.bodies[*b].member_actors();
                a.sort();
                a.dedup();
                a
            }
        };
        let pos = &mut self.model.positions[p];
        pos.holders = holders;
        pos.held_by = held_by;
    }

    /// `body B members + X weights, - Y`.
    fn members(&mut self, body: &ast::Ident, changes: &[MemberChange]) {
        let Some(b) = self.body(body) else { return };
        let errors_before = self.diags.len();
        for change in changes {
            match change {
                MemberChange::Remove(id) => self.remove_member(b, id),
                MemberChange::Add(m) => self.add_member(b, m),
            }
        }
        if self.diags.len() > errors_before {
            return;
        }
        let bd = &self.model.bodies[b];
        let mut undecided = Vec::new();
        for named in std::iter::once(&bd.default_rule).chain(&bd.rules) {
            if !decides_something(bd, &named.rule) {
                undecided.push(named.name.clone());
            }
        }
        for name in undecided {
            self.error(
                Code::DecidesNothing,
                format!(
                    "with these members, rule `{name}` of `{}` no longer decides anything",
                    body.text
                ),
                body.span,
                "members changed here",
                Some(
                    "a rule must pass when every member votes yes, and fail when every member withholds in some one way".into(),
                ),
            );
        }
    }

    fn remove_member(&mut self, b: BodyId, id: &ast::Ident) {
        let Some(a) = self.actor(id) else { return };
        let bd = &self.model.bodies[b];
        let Some(i) = bd.members.iter().position(|m| m.actor == a) else {
            let (name, hint) = (bd.id.clone(), did_you_mean(&id.text, self.member_names(b)));
            self.error(
                Code::NotAMember,
                format!("`{}` is not a member of `{name}`", id.text),
                id.span,
                "not a member",
                hint.map(|h| format!("did you mean `{h}`?")),
            );
            return;
        };
        if bd.members.len() == 1 {
            let name = bd.id.clone();
            self.error(
                Code::NoMembers,
                format!(
                    "removing `{}` would leave `{name}` with no members",
                    id.text
                ),
                id.span,
                "last member",
                None,
            );
            return;
        }
        let mut naming = Vec::new();
        let bd = &mut self.model.bodies[b];
        for named in std::iter::once(&mut bd.default_rule).chain(bd.rules.iter_mut()) {
            if !renumber(&mut named.rule, i) {
                naming.push(named.name.clone());
            }
        }
        if !naming.is_empty() {
            let name = bd.id.clone();
            self.error(
                Code::MembershipChange,
                format!(
                    "`{}` cannot leave `{name}`: rule {} names it",
                    id.text,
                    naming
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                id.span,
                "named by a rule",
                Some("change the body's rule in the files, or keep the member".into()),
            );
            return;
        }
        self.model.bodies[b].members.remove(i);
    }

    fn member_names(&self, b: BodyId) -> Vec<&str> {
        self.model.bodies[b]
            .members
            .iter()
            .map(|m| self.model.actors[m.actor].id.as_str())
            .collect()
    }

    fn add_member(&mut self, b: BodyId, m: &ast::MemberDecl) {
        let Some(a) = self.actor(&m.actor) else {
            return;
        };
        let bd = &self.model.bodies[b];
        if bd.members.iter().any(|x| x.actor == a) {
            let name = bd.id.clone();
            self.error(
                Code::MembershipChange,
                format!("`{}` is already a member of `{name}`", m.actor.text),
                m.actor.span,
                "already a member",
                None,
            );
            return;
        }
        let dims = bd.dimensions.clone();
        let mut weights: Vec<Option<u64>> = vec![None; dims.len()];
        let mut ok = true;
        for (d, v) in &m.weights {
            let Some(k) = dims.iter().position(|x| *x == d.text) else {
                let hint = did_you_mean(&d.text, dims.iter().map(String::as_str));
                let name = self.model.bodies[b].id.clone();
                self.error(
                    Code::UnknownName,
                    format!("body `{name}` has no dimension `{}`", d.text),
                    d.span,
                    "unknown dimension",
                    hint.map(|h| format!("did you mean `{h}`?")),
                );
                ok = false;
                continue;
            };
            let digits: String = v.text.chars().filter(|c| *c != '_').collect();
            match digits.parse::<u64>() {
                Ok(x) if x <= i64::MAX as u64 && weights[k].is_none() => weights[k] = Some(x),
                Ok(x) if x <= i64::MAX as u64 => {
                    self.error(
                        Code::GivenTwice,
                        format!("member `{}` gives `{}` twice", m.actor.text, d.text),
                        d.span,
                        "given again",
                        None,
                    );
                    ok = false;
                }
                _ => {
                    self.error(
                        Code::NumberTooLarge,
                        format!("the number `{}` is too large", v.text),
                        v.span,
                        "does not fit in 64 bits",
                        None,
                    );
                    ok = false;
                }
            }
        }
        let mut full = Vec::with_capacity(dims.len());
        for (k, w) in weights.into_iter().enumerate() {
            match w {
                Some(w) => full.push(w),
                None => {
                    if ok {
                        self.error(
                            Code::BadWeight,
                            format!("member `{}` has no `{}`", m.actor.text, dims[k]),
                            m.span,
                            &format!("`{}` missing", dims[k]),
                            Some(format!(
                                "every member of this body gives `{}`, e.g. `+ {} {} 0`",
                                dims[k], m.actor.text, dims[k]
                            )),
                        );
                    }
                    ok = false;
                }
            }
        }
        if !ok {
            return;
        }
        let bd = &self.model.bodies[b];
        for (k, d) in dims.iter().enumerate() {
            let total: u128 = bd
                .members
                .iter()
                .map(|x| u128::from(x.weights[k]))
                .sum::<u128>()
                + u128::from(full[k]);
            if total > u128::from(MAX_DIMENSION_TOTAL) {
                let name = bd.id.clone();
                self.error(
                    Code::NumberTooLarge,
                    format!("the total `{d}` of `{name}` would be too large ({total})"),
                    m.span,
                    "too large",
                    None,
                );
                return;
            }
        }
        let loc = self.loc(m.span);
        self.model.bodies[b].members.push(Member {
            actor: a,
            weights: full,
            loc,
        });
    }
}

/// Renumbers the member indices of `rule` for the removal of member `gone`; false when the
/// rule names it.
fn renumber(rule: &mut Rule, gone: usize) -> bool {
    match rule {
        Rule::NoVetoFrom(ms) | Rule::AllOf(ms) => {
            if ms.contains(&gone) {
                return false;
            }
            for m in ms.iter_mut() {
                if *m > gone {
                    *m -= 1;
                }
            }
            true
        }
        Rule::And(parts) | Rule::Or(parts) => parts.iter_mut().all(|p| renumber(p, gone)),
        _ => true,
    }
}

/// The rule passes when every member votes yes, and fails when every member withholds in
/// some one way (the resolver's condition on every rule).
fn decides_something(body: &Body, rule: &Rule) -> bool {
    let n = body.members.len();
    passes_ballots(body, rule, &vec![Ballot::Yes; n])
        && Ballot::WITHHOLDING
            .into_iter()
            .any(|b| !passes_ballots(body, rule, &vec![b; n]))
}

/// The actors of a scenario's `A votes` statements and of `--assume`, by name; for an unknown
/// one, the closest name.
pub fn find_actor(model: &Model, name: &str) -> Result<ActorId, Option<String>> {
    model
        .actor_id(name)
        .ok_or_else(|| did_you_mean(name, model.actors.iter().map(|a| a.id.as_str())))
}

/// `--assume "HUN no, SVK abstain"` (or `HUN:no,SVK:abstain`): each actor's fixed ballot on every decision. `Err`: a
/// usage error (an unknown actor, with the closest name; an unknown ballot; a repeat).
pub fn parse_assumed(model: &Model, text: &str) -> Result<Vec<AssumedBallot>, String> {
    let mut out: Vec<AssumedBallot> = Vec::new();
    let mut seen = BTreeSet::new();
    for part in text.split(',') {
        // `HUN no` or `HUN:no` (one shell word).
        let words: Vec<&str> = part
            .split(|c: char| c.is_whitespace() || c == ':')
            .filter(|w| !w.is_empty())
            .collect();
        let [actor, ballot] = words[..] else {
            return Err(format!(
                "`{}` is not `ACTOR BALLOT` (for example `HUN no`)",
                part.trim()
            ));
        };
        let a = find_actor(model, actor).map_err(|hint| match hint {
            Some(h) => format!("unknown actor `{actor}` in --assume; did you mean `{h}`?"),
            None => format!("unknown actor `{actor}` in --assume"),
        })?;
        let ballot = match ballot {
            "yes" => Ballot::Yes,
            "no" => Ballot::No,
            "abstain" => Ballot::Abstain,
            "absent" => Ballot::Absent,
            other => {
                return Err(format!(
                    "unknown ballot `{other}` in --assume: write yes, no, abstain or absent"
                ))
            }
        };
        if !seen.insert(a) {
            return Err(format!("--assume gives `{actor}` two ballots"));
        }
        out.push(AssumedBallot {
            actor: a,
            ballot,
            clauses: Vec::new(),
            scenario: None,
            loc: None,
        });
    }
    Ok(out)
}

/// `model` with the ballots of `--assume` added (after any of a scenario: the command line
/// wins, as the last word).
pub fn with_assumed(model: &Model, assumed: Vec<AssumedBallot>) -> Model {
    let mut m = model.clone();
    m.assumed.extend(assumed);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_skips_the_removed_member() {
        let mut r = Rule::And(vec![Rule::NoVetoFrom(vec![0, 3]), Rule::AllOf(vec![2])]);
        assert!(renumber(&mut r, 1));
        assert_eq!(
            r,
            Rule::And(vec![Rule::NoVetoFrom(vec![0, 2]), Rule::AllOf(vec![1])])
        );
        assert!(!renumber(&mut r, 1));
    }
}
