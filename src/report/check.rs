//! The `treaty check` and `treaty vetoes` reports: conflicts with their sources, who
//! rejects the package and why, decisions, vetoes by actor, dependencies and the verdict.
//! Human text and JSON (version 1) carry the same facts in the same order.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::loaded::clause_name;
use crate::analysis::{Decider, Decision, NoReason, TreatyAnalysis};
use crate::model::display::rule_text;
use crate::model::eval::Value;
use crate::model::{ConflictItem, Loc, Model};
use crate::voting::Vote;

fn ids(model: &Model, actors: &[usize]) -> Vec<String> {
    actors.iter().map(|&a| model.actors[a].id.clone()).collect()
}

fn item_name(model: &Model, item: &ConflictItem) -> String {
    match item {
        ConflictItem::Clause(c) => format!("clause {}", clause_name(model, *c)),
        ConflictItem::RedLine { position, index } => {
            let p = &model.positions[*position];
            format!("{}.\"{}\"", p.id, p.red_lines[*index].label)
        }
    }
}

fn item_doc<'m>(model: &'m Model, item: &ConflictItem) -> Option<&'m str> {
    match item {
        ConflictItem::Clause(c) => model.clause(*c).doc.as_deref(),
        ConflictItem::RedLine { position, index } => {
            model.positions[*position].red_lines[*index].doc.as_deref()
        }
    }
}

fn item_loc(model: &Model, item: &ConflictItem) -> Loc {
    match item {
        ConflictItem::Clause(c) => model.clause(*c).loc,
        ConflictItem::RedLine { position, index } => {
            model.positions[*position].red_lines[*index].loc
        }
    }
}

/// Reasons in words, red lines of one position grouped: "the treaty violates red lines of
/// EU3 (C1, C2)".
fn reasons_text(model: &Model, reasons: &[NoReason]) -> String {
    let mut by_position: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut parts = Vec::new();
    for r in reasons {
        match r {
            NoReason::RedLine { position, conflict } => {
                by_position.entry(*position).or_default().push(conflict)
            }
            NoReason::Opposes { position } => parts.push(format!(
                "{} opposes the clause",
                model.positions[*position].id
            )),
        }
    }
    let mut out: Vec<String> = by_position
        .iter()
        .map(|(p, cs)| {
            format!(
                "the treaty violates {} of {} ({})",
                if cs.len() == 1 {
                    "a red line"
                } else {
                    "red lines"
                },
                model.positions[*p].id,
                cs.join(", ")
            )
        })
        .collect();
    out.extend(parts);
    out.join("; ")
}

/// `blocked by A, B: why` lines, actors with the same reasons on one line.
fn blocked_lines(model: &Model, d: &Decision) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for b in members(d, &d.analysis.blockers) {
        let why = reasons_text(
            model,
            d.no_reasons.get(&b).map_or(&[][..], |v| v.as_slice()),
        );
        let id = model.actors[b].id.clone();
        match groups.iter_mut().find(|(w, _)| *w == why) {
            Some((_, ids)) => ids.push(id),
            None => groups.push((why, vec![id])),
        }
    }
    let mut lines: Vec<String> = groups
        .into_iter()
        .map(|(why, ids)| format!("blocked by {}: {why}", ids.join(", ")))
        .collect();
    let no_votes = d.votes.iter().filter(|v| **v == Vote::No).count();
    if no_votes > d.analysis.blockers.len() {
        lines.push(format!(
            "({no_votes} members vote no; shown is a smallest group of them that blocks on its own)"
        ));
    }
    lines
}

fn decider_text(model: &Model, d: &Decision) -> (String, String) {
    match &d.decider {
        Decider::Body { body, rule } => {
            let b = &model.bodies[*body];
            let name = rule.clone().unwrap_or_else(|| "default".into());
            let text = b
                .rule(rule.as_deref())
                .map(|r| {
                    rule_text(
                        b,
                        &r.rule,
                        &|m| model.actors[b.members[m].actor].id.clone(),
                        false,
                    )
                })
                .unwrap_or_default();
            (format!("{} by {name}", b.id), text)
        }
        Decider::Consent { actor } => (
            format!("consent of {}", model.actors[*actor].id),
            "its own yes".into(),
        ),
    }
}

fn members(d: &Decision, ms: &[usize]) -> Vec<usize> {
    ms.iter().map(|&m| d.voters[m]).collect()
}

fn status(d: &Decision) -> &'static str {
    if d.analysis.can_pass {
        "can pass"
    } else {
        "blocked"
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
    }
}

/// The human report of `treaty check`.
pub fn human(model: &Model, analyses: &[TreatyAnalysis]) -> String {
    let mut o = String::new();
    if analyses.is_empty() {
        let _ = writeln!(
            o,
            "loaded {} file(s): {} actors, {} bodies, {} variables, {} positions; no treaty to analyse (--list shows them)",
            model.files.len(),
            model.actors.len(),
            model.bodies.len(),
            model.vars.len(),
            model.positions.len()
        );
    }
    for a in analyses {
        let t = &model.treaties[a.treaty];
        let c = &a.consistency;
        let blocked = a.clauses.iter().filter(|s| !s.adoptable).count();
        let _ = writeln!(
            o,
            "treaty {}{}  ({})",
            t.id,
            t.title
                .as_deref()
                .map(|s| format!(" \"{s}\""))
                .unwrap_or_default(),
            model.describe_loc(t.loc)
        );
        let _ = writeln!(
            o,
            "verdict: {} — {} conflict{}, {blocked} of {} clauses blocked{}",
            if a.feasible { "feasible" } else { "INFEASIBLE" },
            c.conflicts.len(),
            if c.conflicts.len() == 1 { "" } else { "s" },
            a.clauses.len(),
            if a.refusing_parties.is_empty() {
                String::new()
            } else {
                format!(
                    ", parties refusing to sign: {}",
                    ids(model, &a.refusing_parties).join(", ")
                )
            }
        );
        if let Some(fs) = &c.facts_contradiction {
            let _ = writeln!(
                o,
                "\nthe facts contradict each other; nothing else was checked:"
            );
            for &f in fs {
                let fact = &model.facts[f];
                let _ = writeln!(
                    o,
                    "  fact {}  ({})",
                    fact.formula.text,
                    model.describe_loc(fact.formula.loc)
                );
            }
        }
        if !c.conflicts.is_empty() {
            let _ = writeln!(o, "\nconflicts");
            for x in &c.conflicts {
                let names: Vec<String> = x.items.iter().map(|i| item_name(model, i)).collect();
                if names.len() == 1 {
                    let _ = writeln!(o, "  {}: {} contradicts the facts", x.id, names[0]);
                } else {
                    let _ = writeln!(o, "  {}: {} cannot hold together", x.id, names.join(", "));
                }
                if let Some(r) = &x.reason {
                    let _ = writeln!(o, "    because {r}");
                }
                for i in &x.items {
                    let loc = item_loc(model, i);
                    let f = &model.files[loc.file];
                    let (line, _) = f.line_col(loc.span.start);
                    let _ = writeln!(
                        o,
                        "    {}  {}",
                        item_name(model, i),
                        model.describe_loc(loc)
                    );
                    for doc in item_doc(model, i).into_iter().flat_map(str::lines) {
                        let _ = writeln!(o, "           /// {doc}");
                    }
                    let _ = writeln!(o, "      {line:>4} | {}", f.line_text(line).trim());
                    if let ConflictItem::Clause(cr) = i {
                        for fm in &model.clause(*cr).formulas {
                            let (fl, _) = model.files[fm.loc.file].line_col(fm.loc.span.start);
                            if fl != line {
                                let _ = writeln!(o, "      {fl:>4} | {}", fm.text);
                            }
                        }
                    }
                }
                for &f in &x.facts {
                    let fact = &model.facts[f];
                    let _ = writeln!(
                        o,
                        "    given fact {}  {}",
                        fact.formula.text,
                        model.describe_loc(fact.formula.loc)
                    );
                }
            }
            if c.truncated {
                let _ = writeln!(
                    o,
                    "  ... more conflicts exist (raise --max-conflicts to see them)"
                );
            }
        } else if let Some(w) = &c.witness {
            let vals: Vec<String> = w
                .iter()
                .map(|(v, x)| format!("{} = {}", model.vars[*v].name, value_text(x)))
                .collect();
            if !vals.is_empty() {
                let _ = writeln!(o, "\nconsistent; for example: {}", vals.join(", "));
            }
        }
        if !a.rejections.is_empty() {
            let _ = writeln!(
                o,
                "\nrejections (these actors vote no on every decision and do not sign)"
            );
            let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
            for r in &a.rejections {
                let why = reasons_text(model, &r.reasons);
                let id = model.actors[r.actor].id.as_str();
                match groups.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, ids)) => ids.push(id),
                    None => groups.push((why, vec![id])),
                }
            }
            for (why, ids) in groups {
                if ids.len() == 1 {
                    let _ = writeln!(o, "  {}: {why}", ids[0]);
                } else {
                    let _ = writeln!(o, "  {} ({}): {why}", ids.join(", "), ids.len());
                }
            }
        }
        if !a.decisions.is_empty() {
            let _ = writeln!(o, "\ndecisions");
            for d in &a.decisions {
                o.push_str(&decision_text(model, d));
            }
        }
        let vba = a.vetoes_by_actor();
        if !vba.is_empty() {
            let _ = writeln!(o, "\nsingle-actor vetoes");
            for (actor, cs) in &vba {
                let names: Vec<String> = cs.iter().map(|c| clause_name(model, *c)).collect();
                let _ = writeln!(
                    o,
                    "  {} can block {}",
                    model.actors[*actor].id,
                    names.join(", ")
                );
            }
        }
        let needing: Vec<_> = a
            .clauses
            .iter()
            .filter(|s| !s.non_parties.is_empty())
            .collect();
        if a.clauses.iter().any(|s| !s.needs.is_empty()) {
            let _ = writeln!(o, "\ndependencies");
            for s in &a.clauses {
                let cl = model.clause(s.clause);
                if cl.requires.is_empty() {
                    continue;
                }
                let reqs: Vec<String> = cl
                    .requires
                    .iter()
                    .map(|r| match r {
                        crate::model::Requirement::Body { body, rule, .. } => format!(
                            "{} ({})",
                            model.bodies[*body].id,
                            rule.as_deref().unwrap_or("default")
                        ),
                        crate::model::Requirement::Actor { actor, .. } => {
                            model.actors[*actor].id.clone()
                        }
                    })
                    .collect();
                let np = if s.non_parties.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; {} non-part{}",
                        s.non_parties.len(),
                        if s.non_parties.len() == 1 { "y" } else { "ies" }
                    )
                };
                let _ = writeln!(
                    o,
                    "  clause {} needs {}{np}",
                    clause_name(model, s.clause),
                    reqs.join(", ")
                );
            }
            let _ = writeln!(
                o,
                "  {} of {} clauses need action by actors who are not parties",
                needing.len(),
                a.clauses.len()
            );
        }
        let _ = writeln!(o);
    }
    o
}

fn vetoes_line(model: &Model, d: &Decision) -> String {
    let v = ids(model, &d.structural_vetoes);
    let vetoes = if v.is_empty() {
        "no single veto".to_string()
    } else if v.len() == d.voters.len() && v.len() > 1 {
        format!("every one of the {} members can veto", v.len())
    } else {
        format!("veto players: {}", v.join(", "))
    };
    match &d.smallest_blocking_coalition {
        Some(c) => format!(
            "{vetoes}; smallest blocking coalition: {} ({})",
            ids(model, c).join(", "),
            c.len()
        ),
        None => format!("{vetoes}; no coalition can block it"),
    }
}

/// One decision: its body and rule, status, who blocks it and why, and (for bodies) the
/// veto players and a smallest blocking coalition; a consent takes one line.
fn decision_text(model: &Model, d: &Decision) -> String {
    let mut o = String::new();
    let (who, rule) = decider_text(model, d);
    let _ = writeln!(
        o,
        "  clause {} — {who}: {}",
        clause_name(model, d.clause),
        status(d)
    );
    let consent = matches!(d.decider, Decider::Consent { .. });
    if !consent {
        let _ = writeln!(o, "      rule: {rule}");
    }
    for line in blocked_lines(model, d) {
        let _ = writeln!(o, "      {line}");
    }
    if !consent {
        let _ = writeln!(o, "      {}", vetoes_line(model, d));
    }
    o
}

/// `treaty vetoes`: per decision, body, rule, status, veto players, a smallest blocking
/// coalition, and who blocks it and why.
pub fn vetoes_human(model: &Model, analyses: &[TreatyAnalysis]) -> String {
    let mut o = String::new();
    for a in analyses {
        let _ = writeln!(o, "treaty {}", model.treaties[a.treaty].id);
        for d in &a.decisions {
            o.push_str(&decision_text(model, d));
        }
        if a.decisions.is_empty() {
            let _ = writeln!(o, "  no clause requires a decision");
        }
    }
    o
}
