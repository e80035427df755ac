//! The report of `treaty diff`: a document built once from `analysis::diff::Diff` (JSON
//! version 1, docs/json.md "Draft diffs"), and the human text rendered from it alone, so
//! both say the same facts in the same order.

use schemars::JsonSchema;
use serde::Serialize;

use super::loaded::{place, Place};
use super::power::FractionWire;
use crate::analysis::counts::Count;
use crate::analysis::diff::{
    requirement_text, ClauseMatch, Diff, MatchedBy, RedLineChange, Side, StatusChange,
};
use crate::model::names::red_line_name;
use crate::model::{ConflictItem, Loc, Model};
use crate::solve::Conflict;
use crate::voting::PowerIndices;

/// The version of this format; bumped on any incompatible change.
pub const DIFF_VERSION: u32 = 1;

#[derive(Serialize, JsonSchema)]
pub struct DiffDoc {
    pub version: u32,
    /// The new draft is worse on some count of `worse` (the exit code is then 1).
    pub worse: bool,
    /// What makes it worse, one phrase each with its count (`2 new conflicts`).
    pub worse_on: Vec<String>,
    /// Anything at all differs.
    pub changed: bool,
    pub old: SideOut,
    pub new: SideOut,
    pub clauses: ClausesOut,
    pub content: Vec<ContentOut>,
    pub conflicts: ConflictsOut,
    pub red_lines: LinesOut,
    pub guarantees: GuaranteesOut,
    pub clause_status: StatusesOut,
    pub decisions: DecisionsOut,
    pub refusing_parties: PartiesOut,
    pub vetoes: Vec<VetoOut>,
    pub dependencies: Vec<CountOut>,
    pub power: Vec<PowerOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct SideOut {
    pub file: String,
    pub treaty: String,
    pub title: Option<String>,
    /// `feasible` or `infeasible`.
    #[schemars(extend("enum" = ["feasible", "infeasible"]))]
    pub verdict: &'static str,
}

/// A clause of one side.
#[derive(Serialize, JsonSchema, Clone)]
pub struct ClauseOut {
    pub id: String,
    pub title: Option<String>,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize, JsonSchema)]
pub struct MatchOut {
    pub old: ClauseOut,
    pub new: ClauseOut,
    /// `id`, `title` or `matches` (pinned by the annotation).
    pub by: &'static str,
}

#[derive(Serialize, JsonSchema)]
pub struct ClausesOut {
    pub matched: Vec<MatchOut>,
    pub added: Vec<ClauseOut>,
    pub removed: Vec<ClauseOut>,
}

/// A formula or requirement as written, and where.
#[derive(Serialize, JsonSchema)]
pub struct TextOut {
    pub text: String,
    #[serde(flatten)]
    pub at: Place,
}

#[derive(Serialize, JsonSchema)]
pub struct ContentOut {
    pub old: ClauseOut,
    pub new: ClauseOut,
    pub title_changed: bool,
    pub formulas_removed: Vec<TextOut>,
    pub formulas_added: Vec<TextOut>,
    pub requires_removed: Vec<TextOut>,
    pub requires_added: Vec<TextOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct ConflictsOut {
    /// In the new draft only, in its list order.
    pub added: Vec<ConflictDiffOut>,
    /// In the old draft only, in its list order.
    pub removed: Vec<ConflictDiffOut>,
    /// A list was cut by `--max-conflicts`: only listed conflicts were compared.
    pub truncated: bool,
}

#[derive(Serialize, JsonSchema)]
pub struct ConflictDiffOut {
    /// The conflict's id in its own draft's report (`C3`).
    pub id: String,
    pub items: Vec<ItemOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct ItemOut {
    /// `clause 7` or `POSITION."label"`.
    pub name: String,
    #[serde(flatten)]
    pub at: Place,
}

/// A red line by position and label, and where it is on each side (absent: not there).
#[derive(Serialize, JsonSchema)]
pub struct RedLineOut {
    pub position: String,
    pub label: String,
    pub old: Option<Place>,
    pub new: Option<Place>,
}

#[derive(Serialize, JsonSchema)]
pub struct LinesOut {
    /// In some conflict with a clause in the new draft, in none in the old.
    pub newly_violated: Vec<RedLineOut>,
    pub no_longer_violated: Vec<RedLineOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct GuaranteesOut {
    pub newly_left_open: Vec<RedLineOut>,
    pub now_guaranteed: Vec<RedLineOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct StatusOut {
    /// Absent for an added clause.
    pub old: Option<ClauseOut>,
    pub new: ClauseOut,
}

#[derive(Serialize, JsonSchema)]
pub struct StatusesOut {
    pub newly_blocked: Vec<StatusOut>,
    pub newly_adoptable: Vec<StatusOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct DecisionOut {
    /// `EU by qmv`, `consent of UKR: UKR_Rada`, `lapse of EU_sanctions`.
    pub decision: String,
    pub old: ClauseOut,
    pub new: ClauseOut,
    /// The route's place on each side.
    pub old_route: Place,
    pub new_route: Place,
}

#[derive(Serialize, JsonSchema)]
pub struct DecisionsOut {
    pub newly_blocked: Vec<DecisionOut>,
    pub newly_passable: Vec<DecisionOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct PartiesOut {
    pub newly_refusing: Vec<String>,
    pub no_longer_refusing: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct VetoOut {
    pub actor: String,
    /// It can block some clause of the new draft and none of the old.
    pub new_holder: bool,
    pub gained: Vec<ClauseOut>,
    pub lost: Vec<ClauseOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct CountOut {
    /// `non-party`, or the group's id.
    pub count: String,
    /// Absent when the group is not declared on that side.
    pub old: Option<CountSideOut>,
    pub new: Option<CountSideOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct CountSideOut {
    pub clauses: Vec<String>,
    pub points: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct PowerOut {
    pub body: String,
    pub rule: String,
    pub old_at: Place,
    pub new_at: Place,
    /// Why a side's indices could not be computed (absent: they were).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_error: Option<String>,
    /// The new body's members in order, then those of the old one only.
    pub members: Vec<PowerRowOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct PowerRowOut {
    pub actor: String,
    /// Absent: not a member on that side (or not computed).
    pub old: Option<PowerValuesOut>,
    pub new: Option<PowerValuesOut>,
}

#[derive(Serialize, JsonSchema, Clone, PartialEq, Eq)]
pub struct PowerValuesOut {
    pub banzhaf: FractionWire,
    /// Absent when it exceeded the memory budget.
    pub shapley_shubik: Option<FractionWire>,
}

fn clause_out(side: Side<'_>, i: usize) -> ClauseOut {
    let c = &side.model.treaties[side.analysis.treaty].clauses[i];
    ClauseOut {
        id: c.id.clone(),
        title: c.title.clone(),
        at: place(side.model, c.loc),
    }
}

fn conflict_out(side: Side<'_>, c: &Conflict) -> ConflictDiffOut {
    let items = c
        .items
        .iter()
        .map(|it| {
            let (name, loc): (String, Loc) = match it {
                ConflictItem::Clause(r) => {
                    let cl = side.model.clause(*r);
                    (format!("clause {}", cl.id), cl.loc)
                }
                ConflictItem::RedLine { position, index } => {
                    let p = &side.model.positions[*position];
                    match p.red_lines.get(*index) {
                        Some(l) => (red_line_name(&p.id, &l.label), l.loc),
                        None => (p.id.clone(), p.loc),
                    }
                }
            };
            ItemOut {
                name,
                at: place(side.model, loc),
            }
        })
        .collect();
    ConflictDiffOut {
        id: c.id.clone(),
        items,
    }
}

fn line_out(old: Side<'_>, new: Side<'_>, l: &RedLineChange) -> RedLineOut {
    let at = |m: &Model, pl: Option<(usize, usize)>| {
        pl.and_then(|(p, i)| m.positions.get(p)?.red_lines.get(i))
            .map(|r| place(m, r.loc))
    };
    RedLineOut {
        position: l.position.clone(),
        label: l.label.clone(),
        old: at(old.model, l.old),
        new: at(new.model, l.new),
    }
}

fn status_out(old: Side<'_>, new: Side<'_>, s: &StatusChange) -> StatusOut {
    StatusOut {
        old: s.old.map(|o| clause_out(old, o)),
        new: clause_out(new, s.new),
    }
}

fn count_side(side: Side<'_>, c: &Count) -> CountSideOut {
    CountSideOut {
        clauses: c
            .clauses
            .iter()
            .map(|r| side.model.clause(*r).id.clone())
            .collect(),
        points: c.points.clone(),
    }
}

fn power_values(
    model: &Model,
    body: usize,
    p: &Result<PowerIndices, String>,
) -> Vec<(String, PowerValuesOut)> {
    let Ok(p) = p else { return Vec::new() };
    let b = &model.bodies[body];
    p.members
        .iter()
        .filter_map(|m| {
            let actor = b.members.get(m.member)?.actor;
            Some((
                model.actors[actor].id.clone(),
                PowerValuesOut {
                    banzhaf: FractionWire::new(&m.banzhaf),
                    shapley_shubik: m.shapley_shubik.as_ref().map(FractionWire::new),
                },
            ))
        })
        .collect()
}

fn verdict(feasible: bool) -> &'static str {
    if feasible {
        "feasible"
    } else {
        "infeasible"
    }
}

fn side_out(side: Side<'_>) -> SideOut {
    let t = &side.model.treaties[side.analysis.treaty];
    SideOut {
        file: side
            .model
            .files
            .get(t.loc.file)
            .map_or_else(String::new, |f| f.display.clone()),
        treaty: t.id.clone(),
        title: t.title.clone(),
        verdict: verdict(side.analysis.feasible),
    }
}

/// The document of `treaty diff`.
pub fn doc(old: Side<'_>, new: Side<'_>, d: &Diff) -> DiffDoc {
    let matched = d
        .matched
        .iter()
        .map(|m: &ClauseMatch| MatchOut {
            old: clause_out(old, m.old),
            new: clause_out(new, m.new),
            by: m.by.word(),
        })
        .collect();
    let content = d
        .content
        .iter()
        .map(|c| {
            let oc = &old.model.treaties[old.analysis.treaty].clauses[c.old];
            let nc = &new.model.treaties[new.analysis.treaty].clauses[c.new];
            let formulas = |m: &Model, cl: &crate::model::Clause, is: &[usize]| {
                is.iter()
                    .filter_map(|&i| cl.formulas.get(i))
                    .map(|f| TextOut {
                        text: f.text.split_whitespace().collect::<Vec<_>>().join(" "),
                        at: place(m, f.loc),
                    })
                    .collect()
            };
            let requires = |m: &Model, cl: &crate::model::Clause, is: &[usize]| {
                is.iter()
                    .filter_map(|&i| cl.requires.get(i))
                    .map(|r| TextOut {
                        text: requirement_text(m, r),
                        at: place(m, r.loc),
                    })
                    .collect()
            };
            ContentOut {
                old: clause_out(old, c.old),
                new: clause_out(new, c.new),
                title_changed: c.title_changed,
                formulas_removed: formulas(old.model, oc, &c.formulas_removed),
                formulas_added: formulas(new.model, nc, &c.formulas_added),
                requires_removed: requires(old.model, oc, &c.requires_removed),
                requires_added: requires(new.model, nc, &c.requires_added),
            }
        })
        .collect();
    let conflicts = ConflictsOut {
        added: d
            .conflicts_added
            .iter()
            .filter_map(|&i| new.analysis.consistency.conflicts.get(i))
            .map(|c| conflict_out(new, c))
            .collect(),
        removed: d
            .conflicts_removed
            .iter()
            .filter_map(|&i| old.analysis.consistency.conflicts.get(i))
            .map(|c| conflict_out(old, c))
            .collect(),
        truncated: d.conflicts_truncated,
    };
    let lines = |ls: &[RedLineChange]| ls.iter().map(|l| line_out(old, new, l)).collect();
    let statuses = |ss: &[StatusChange]| ss.iter().map(|s| status_out(old, new, s)).collect();
    let decisions = |ds: &[crate::analysis::diff::DecisionChange]| {
        ds.iter()
            .filter_map(|c| {
                let route_at = |side: Side<'_>, i: usize| {
                    let dec = side.analysis.decisions.get(i)?;
                    let cl = side.model.clause(dec.clause);
                    let r = cl.requires.get(dec.requirement)?.routes.get(dec.route)?;
                    Some(place(side.model, r.loc))
                };
                Some(DecisionOut {
                    decision: c.key.clone(),
                    old: clause_out(old, c.old_clause),
                    new: clause_out(new, c.new_clause),
                    old_route: route_at(old, c.old)?,
                    new_route: route_at(new, c.new)?,
                })
            })
            .collect()
    };
    let vetoes = d
        .vetoes
        .iter()
        .map(|v| VetoOut {
            actor: v.actor.clone(),
            new_holder: v.new_holder,
            gained: v.gained.iter().map(|&c| clause_out(new, c)).collect(),
            lost: v.lost.iter().map(|&c| clause_out(old, c)).collect(),
        })
        .collect();
    let dependencies = d
        .counts
        .iter()
        .map(|c| CountOut {
            count: c.group.clone().unwrap_or_else(|| "non-party".to_string()),
            old: c.old.as_ref().map(|x| count_side(old, x)),
            new: c.new.as_ref().map(|x| count_side(new, x)),
        })
        .collect();
    let power = d
        .power
        .iter()
        .map(|p| {
            let ov = power_values(old.model, p.old.0, &p.old.1);
            let nv = power_values(new.model, p.new.0, &p.new.1);
            let mut members: Vec<PowerRowOut> = Vec::new();
            let mut actors: Vec<String> = new.model.bodies[p.new.0]
                .members
                .iter()
                .map(|m| new.model.actors[m.actor].id.clone())
                .collect();
            for m in &old.model.bodies[p.old.0].members {
                let a = &old.model.actors[m.actor].id;
                if !actors.contains(a) {
                    actors.push(a.clone());
                }
            }
            for a in actors {
                let find = |v: &[(String, PowerValuesOut)]| {
                    v.iter().find(|(x, _)| *x == a).map(|(_, p)| p.clone())
                };
                let (o, n) = (find(&ov), find(&nv));
                members.push(PowerRowOut {
                    actor: a,
                    old: o,
                    new: n,
                });
            }
            PowerOut {
                body: p.body.clone(),
                rule: p.rule.clone(),
                old_at: place(old.model, old.model.bodies[p.old.0].loc),
                new_at: place(new.model, new.model.bodies[p.new.0].loc),
                old_error: p.old.1.as_ref().err().cloned(),
                new_error: p.new.1.as_ref().err().cloned(),
                members,
            }
        })
        .collect();
    let worse_on: Vec<String> = d
        .worse()
        .into_iter()
        .map(|(n, one, many)| match (n, one) {
            (_, "verdict now infeasible") => "the verdict went from feasible to infeasible".into(),
            (1, one) => format!("1 {one}"),
            (n, _) => format!("{n} {many}"),
        })
        .collect();
    DiffDoc {
        version: DIFF_VERSION,
        worse: !worse_on.is_empty(),
        worse_on,
        changed: !d.is_empty(),
        old: side_out(old),
        new: side_out(new),
        clauses: ClausesOut {
            matched,
            added: d.added.iter().map(|&c| clause_out(new, c)).collect(),
            removed: d.removed.iter().map(|&c| clause_out(old, c)).collect(),
        },
        content,
        conflicts,
        red_lines: LinesOut {
            newly_violated: lines(&d.red_lines_violated),
            no_longer_violated: lines(&d.red_lines_satisfied),
        },
        guarantees: GuaranteesOut {
            newly_left_open: lines(&d.guarantees_open),
            now_guaranteed: lines(&d.guarantees_closed),
        },
        clause_status: StatusesOut {
            newly_blocked: statuses(&d.clauses_blocked),
            newly_adoptable: statuses(&d.clauses_unblocked),
        },
        decisions: DecisionsOut {
            newly_blocked: decisions(&d.decisions_blocked),
            newly_passable: decisions(&d.decisions_unblocked),
        },
        refusing_parties: PartiesOut {
            newly_refusing: d.refusing_gained.clone(),
            no_longer_refusing: d.refusing_lost.clone(),
        },
        vetoes,
        dependencies,
        power,
    }
}

/// `file:line`, as the diff quotes a source line.
fn at(p: &Place) -> String {
    format!("{}:{}", p.file, p.line)
}

fn both(old: Option<&Place>, new: Option<&Place>) -> String {
    match (old, new) {
        (Some(o), Some(n)) => format!("old {}, new {}", at(o), at(n)),
        (Some(o), None) => format!("old {}", at(o)),
        (None, Some(n)) => format!("new {}", at(n)),
        (None, None) => String::new(),
    }
}

fn clause_text(c: &ClauseOut) -> String {
    match &c.title {
        Some(t) => format!("clause {} \"{t}\"", c.id),
        None => format!("clause {}", c.id),
    }
}

/// `clause 21 -> 14a` for a renumbered clause, `clause 6` when the id is the same.
fn pair_text(o: &ClauseOut, n: &ClauseOut) -> String {
    if o.id == n.id {
        format!("clause {}", n.id)
    } else {
        format!("clause {} -> {}", o.id, n.id)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn count_text(c: &Option<CountSideOut>) -> String {
    match c {
        Some(c) => format!(
            "{}, {} ({})",
            plural(c.clauses.len(), "clause", "clauses"),
            plural(c.points.len(), "point", "points"),
            c.points.join(" ")
        ),
        None => "not declared".to_string(),
    }
}

fn power_text(v: &Option<PowerValuesOut>) -> String {
    match v {
        Some(v) => {
            let ss = v
                .shapley_shubik
                .as_ref()
                .map_or("-".to_string(), |s| s.decimal.clone());
            format!("{} / {}", v.banzhaf.decimal, ss)
        }
        None => "-".to_string(),
    }
}

/// The human text: the summary line first, then each kind of change that has any.
pub fn human(doc: &DiffDoc) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    if doc.worse {
        let _ = writeln!(s, "NEW is worse: {}", doc.worse_on.join(", "));
    } else {
        let _ = writeln!(s, "NEW is not worse");
    }
    for (word, side) in [("old", &doc.old), ("new", &doc.new)] {
        let title = side
            .title
            .as_ref()
            .map_or(String::new(), |t| format!(" \"{t}\""));
        let _ = writeln!(
            s,
            "{word}: treaty {}{title} ({}), {}",
            side.treaty, side.file, side.verdict
        );
    }
    if !doc.changed {
        let _ = writeln!(s, "\nno change");
        return s;
    }
    let c = &doc.clauses;
    let by = |w: &str| c.matched.iter().filter(|m| m.by == w).count();
    let _ = writeln!(
        s,
        "\nclauses: {} matched ({} by id, {} by title, {} by `matches`), {} added, {} removed",
        c.matched.len(),
        by(MatchedBy::Id.word()),
        by(MatchedBy::Title.word()),
        by(MatchedBy::Pinned.word()),
        c.added.len(),
        c.removed.len()
    );
    for m in c.matched.iter().filter(|m| m.old.id != m.new.id) {
        let _ = writeln!(
            s,
            "  renumbered {} (by {})  {}",
            pair_text(&m.old, &m.new),
            m.by,
            both(Some(&m.old.at), Some(&m.new.at))
        );
    }
    for a in &c.added {
        let _ = writeln!(s, "  added {}  new {}", clause_text(a), at(&a.at));
    }
    for r in &c.removed {
        let _ = writeln!(s, "  removed {}  old {}", clause_text(r), at(&r.at));
    }
    if !doc.content.is_empty() {
        let _ = writeln!(s, "\nchanged content:");
        for ch in &doc.content {
            let _ = writeln!(
                s,
                "  {}  {}",
                pair_text(&ch.old, &ch.new),
                both(Some(&ch.old.at), Some(&ch.new.at))
            );
            if ch.title_changed {
                let t = |c: &ClauseOut| c.title.clone().unwrap_or_default();
                let _ = writeln!(s, "    title \"{}\" -> \"{}\"", t(&ch.old), t(&ch.new));
            }
            for f in &ch.formulas_removed {
                let _ = writeln!(s, "    - {}  old {}", f.text, at(&f.at));
            }
            for f in &ch.formulas_added {
                let _ = writeln!(s, "    + {}  new {}", f.text, at(&f.at));
            }
            for r in &ch.requires_removed {
                let _ = writeln!(s, "    - requires {}  old {}", r.text, at(&r.at));
            }
            for r in &ch.requires_added {
                let _ = writeln!(s, "    + requires {}  new {}", r.text, at(&r.at));
            }
        }
    }
    for (title, list, side) in [
        ("new conflicts", &doc.conflicts.added, "new"),
        ("conflicts resolved", &doc.conflicts.removed, "old"),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}:");
        for c in list {
            let names: Vec<&str> = c.items.iter().map(|i| i.name.as_str()).collect();
            let _ = writeln!(s, "  {} ({side}): {}", c.id, names.join(", "));
            for i in &c.items {
                let _ = writeln!(s, "    {}  {side} {}", i.name, at(&i.at));
            }
        }
    }
    if doc.conflicts.truncated {
        let _ = writeln!(
            s,
            "\nnote: a conflict list was cut by --max-conflicts; conflicts and red lines are compared over the listed conflicts only"
        );
    }
    for (title, list) in [
        ("red lines newly violated", &doc.red_lines.newly_violated),
        (
            "red lines no longer violated",
            &doc.red_lines.no_longer_violated,
        ),
        (
            "guaranteed red lines newly left open",
            &doc.guarantees.newly_left_open,
        ),
        (
            "guaranteed red lines now guaranteed",
            &doc.guarantees.now_guaranteed,
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}:");
        for l in list {
            let _ = writeln!(
                s,
                "  {}  {}",
                red_line_name(&l.position, &l.label),
                both(l.old.as_ref(), l.new.as_ref())
            );
        }
    }
    for (title, list) in [
        ("clauses newly blocked", &doc.clause_status.newly_blocked),
        (
            "clauses newly adoptable",
            &doc.clause_status.newly_adoptable,
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}:");
        for st in list {
            match &st.old {
                Some(o) => {
                    let _ = writeln!(
                        s,
                        "  {}  {}",
                        pair_text(o, &st.new),
                        both(Some(&o.at), Some(&st.new.at))
                    );
                }
                None => {
                    let _ = writeln!(s, "  clause {} (added)  new {}", st.new.id, at(&st.new.at));
                }
            }
        }
    }
    for (title, list) in [
        ("decisions newly blocked", &doc.decisions.newly_blocked),
        ("decisions that can now pass", &doc.decisions.newly_passable),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}:");
        for dc in list {
            let _ = writeln!(
                s,
                "  {}: {}  {}",
                pair_text(&dc.old, &dc.new),
                dc.decision,
                both(Some(&dc.old_route), Some(&dc.new_route))
            );
        }
    }
    let rp = &doc.refusing_parties;
    if !rp.newly_refusing.is_empty() {
        let _ = writeln!(
            s,
            "\nparties newly refusing: {}",
            rp.newly_refusing.join(", ")
        );
    }
    if !rp.no_longer_refusing.is_empty() {
        let _ = writeln!(
            s,
            "\nparties no longer refusing: {}",
            rp.no_longer_refusing.join(", ")
        );
    }
    if !doc.vetoes.is_empty() {
        let _ = writeln!(
            s,
            "\nvetoes (clauses an actor can block alone; gains in NEW's numbering, losses in OLD's):"
        );
        for v in &doc.vetoes {
            let mut parts = Vec::new();
            if !v.gained.is_empty() {
                let ids: Vec<&str> = v.gained.iter().map(|c| c.id.as_str()).collect();
                parts.push(format!("gains {}", ids.join(", ")));
            }
            if !v.lost.is_empty() {
                let ids: Vec<&str> = v.lost.iter().map(|c| c.id.as_str()).collect();
                parts.push(format!("loses {}", ids.join(", ")));
            }
            let holder = if v.new_holder {
                " (new veto holder)"
            } else {
                ""
            };
            let _ = writeln!(s, "  {}{holder}: {}", v.actor, parts.join("; "));
        }
    }
    if !doc.dependencies.is_empty() {
        let _ = writeln!(s, "\ndependencies:");
        for c in &doc.dependencies {
            let what = if c.count == "non-party" {
                "needing non-parties".to_string()
            } else {
                format!("needing group {}", c.count)
            };
            let _ = writeln!(
                s,
                "  {what}: {} -> {}",
                count_text(&c.old),
                count_text(&c.new)
            );
        }
    }
    for p in &doc.power {
        let _ = writeln!(
            s,
            "\npower in {} by {} (members, weights or rule differ; Banzhaf / Shapley-Shubik)  {}",
            p.body,
            p.rule,
            both(Some(&p.old_at), Some(&p.new_at))
        );
        if let Some(e) = &p.old_error {
            let _ = writeln!(s, "  old: not computed: {e}");
        }
        if let Some(e) = &p.new_error {
            let _ = writeln!(s, "  new: not computed: {e}");
        }
        let width = p.members.iter().map(|m| m.actor.len()).max().unwrap_or(0);
        for m in &p.members {
            if m.old == m.new {
                continue;
            }
            let _ = writeln!(
                s,
                "  {:width$}  {} -> {}",
                m.actor,
                power_text(&m.old),
                power_text(&m.new)
            );
        }
    }
    s
}
