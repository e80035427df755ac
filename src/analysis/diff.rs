//! `treaty diff`: the semantic difference between two drafts, each loaded and analysed as
//! a model of its own (docs/semantics.md, "Draft diffs").
//!
//! Clauses are matched first: a `matches` annotation in the newer draft pins a match; then
//! equal ids; then equal titles (normalised: case, punctuation and whitespace ignored) when
//! the title is unique among the clauses still unmatched on both sides. Everything else is
//! compared through that matching: conflicts (by their items, clauses mapped through the
//! matching and red lines by position id and label), the red lines in conflict with the
//! text, the guaranteed red lines left open, the clauses and decisions that can or cannot
//! be adopted, the refusing parties, each actor's vetoes, the dependency counts and, for
//! the bodies both treaties use whose members, weights or rule differ, exact power indices.
//!
//! Across the two models actors, positions, bodies and groups are the same when their ids
//! are; clauses are the same when matched. Every list is sorted or in treaty order.

use std::collections::{BTreeMap, BTreeSet};

use super::{counts, Decider, TreatyAnalysis};
use crate::diag::{Code, Diagnostic};
use crate::model::display::rule_text;
use crate::model::names::{member_name, target_text};
use crate::model::{ClauseRef, ConflictItem, Model, RedLineKind, Requirement, TreatyId};
use crate::voting::{self, PowerIndices};

/// One side of a diff: a model and the analysis of the treaty compared.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub model: &'a Model,
    pub analysis: &'a TreatyAnalysis,
}

impl<'a> Side<'a> {
    fn treaty(&self) -> TreatyId {
        self.analysis.treaty
    }

    fn clause_count(&self) -> usize {
        self.model.treaties[self.treaty()].clauses.len()
    }

    fn clause_ref(&self, clause: usize) -> ClauseRef {
        ClauseRef {
            treaty: self.treaty(),
            clause,
        }
    }
}

/// How two clauses were matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchedBy {
    /// A `matches` annotation in the newer draft.
    Pinned,
    Id,
    Title,
}

impl MatchedBy {
    pub fn word(self) -> &'static str {
        match self {
            MatchedBy::Pinned => "matches",
            MatchedBy::Id => "id",
            MatchedBy::Title => "title",
        }
    }
}

/// Two clauses taken to be the same clause: indices into the old and the new treaty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClauseMatch {
    pub old: usize,
    pub new: usize,
    pub by: MatchedBy,
}

/// How a matched clause's text changed (only for clauses that did).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentChange {
    pub old: usize,
    pub new: usize,
    /// The titles, when they differ.
    pub title_changed: bool,
    /// Formulas (indices into each clause's `formulas`) whose normalised text is on one
    /// side only.
    pub formulas_removed: Vec<usize>,
    pub formulas_added: Vec<usize>,
    /// Requirements (indices into each clause's `requires`) whose text is on one side only.
    pub requires_removed: Vec<usize>,
    pub requires_added: Vec<usize>,
}

/// A red line, named across the two models by its position's id and its label, with its
/// place in each model that has it (position index, red line index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedLineChange {
    pub position: String,
    pub label: String,
    pub old: Option<(usize, usize)>,
    pub new: Option<(usize, usize)>,
}

/// A clause that became blocked or adoptable: `old` is `None` for an added clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusChange {
    pub old: Option<usize>,
    pub new: usize,
}

/// A decision of a matched clause that can no longer (or can now) go the clause's way.
/// Decisions are the same when their clauses match and their decider, the consent they
/// give and `lapse` are written the same (`key`); several with one key count as one that
/// goes the clause's way when all of them do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionChange {
    pub old_clause: usize,
    pub new_clause: usize,
    pub key: String,
    /// Indices into each analysis's `decisions` (the first with the key).
    pub old: usize,
    pub new: usize,
}

/// One actor's vetoes (clauses it can block alone) gained and lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VetoChange {
    pub actor: String,
    /// Clauses of the new treaty it can now block alone (added, or not vetoed before).
    pub gained: Vec<usize>,
    /// Clauses of the old treaty it could block alone and no longer can (or removed).
    pub lost: Vec<usize>,
    /// It can block some clause of the new draft and could block none of the old.
    pub new_holder: bool,
}

/// A dependency count that changed: the clauses and points needing non-parties, or a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountChange {
    /// `None` for the non-party count, else the group's id.
    pub group: Option<String>,
    /// `None`: the group is not declared on that side.
    pub old: Option<counts::Count>,
    pub new: Option<counts::Count>,
}

/// Power in a body both treaties use, whose members, weights or rule differ.
#[derive(Clone, Debug)]
pub struct PowerChange {
    pub body: String,
    pub rule: String,
    /// Each side's body index and its indices, or why they could not be computed.
    pub old: (usize, Result<PowerIndices, String>),
    pub new: (usize, Result<PowerIndices, String>),
}

/// The semantic difference between two drafts.
#[derive(Clone, Debug)]
pub struct Diff {
    /// In new-treaty order, then matched-by order does not matter.
    pub matched: Vec<ClauseMatch>,
    /// Clauses of the new treaty with no match (in treaty order).
    pub added: Vec<usize>,
    /// Clauses of the old treaty with no match (in treaty order).
    pub removed: Vec<usize>,
    pub content: Vec<ContentChange>,
    /// Indices into the new analysis's conflicts with no equal conflict in the old one.
    pub conflicts_added: Vec<usize>,
    /// Indices into the old analysis's conflicts with no equal conflict in the new one.
    pub conflicts_removed: Vec<usize>,
    /// Either side's conflict list was cut by `--max-conflicts`: the conflict and red-line
    /// comparisons cover the listed conflicts only.
    pub conflicts_truncated: bool,
    /// Red lines in some listed conflict with a clause in the new draft and not the old.
    pub red_lines_violated: Vec<RedLineChange>,
    pub red_lines_satisfied: Vec<RedLineChange>,
    /// Guaranteed red lines the new draft leaves open and the old did not, and back.
    pub guarantees_open: Vec<RedLineChange>,
    pub guarantees_closed: Vec<RedLineChange>,
    pub clauses_blocked: Vec<StatusChange>,
    pub clauses_unblocked: Vec<StatusChange>,
    pub decisions_blocked: Vec<DecisionChange>,
    pub decisions_unblocked: Vec<DecisionChange>,
    pub refusing_gained: Vec<String>,
    pub refusing_lost: Vec<String>,
    pub vetoes: Vec<VetoChange>,
    pub counts: Vec<CountChange>,
    pub power: Vec<PowerChange>,
    pub old_feasible: bool,
    pub new_feasible: bool,
}

impl Diff {
    /// The ways the new draft is worse, each with its count, in a fixed order; empty when
    /// it is not worse.
    pub fn worse(&self) -> Vec<(usize, &'static str, &'static str)> {
        let new_holders = self.vetoes.iter().filter(|v| v.new_holder).count();
        let mut out = vec![
            (self.conflicts_added.len(), "new conflict", "new conflicts"),
            (
                self.red_lines_violated.len() + self.guarantees_open.len(),
                "red line newly violated",
                "red lines newly violated",
            ),
            (
                self.clauses_blocked.len(),
                "clause newly blocked",
                "clauses newly blocked",
            ),
            (
                self.refusing_gained.len(),
                "party newly refusing",
                "parties newly refusing",
            ),
            (new_holders, "new veto holder", "new veto holders"),
        ];
        if self.old_feasible && !self.new_feasible {
            out.push((1, "verdict now infeasible", "verdict now infeasible"));
        }
        out.retain(|(n, _, _)| *n > 0);
        out
    }

    /// Nothing at all changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.matched.iter().all(|m| m.by == MatchedBy::Id)
            && self.content.is_empty()
            && self.conflicts_added.is_empty()
            && self.conflicts_removed.is_empty()
            && self.red_lines_violated.is_empty()
            && self.red_lines_satisfied.is_empty()
            && self.guarantees_open.is_empty()
            && self.guarantees_closed.is_empty()
            && self.clauses_blocked.is_empty()
            && self.clauses_unblocked.is_empty()
            && self.decisions_blocked.is_empty()
            && self.decisions_unblocked.is_empty()
            && self.refusing_gained.is_empty()
            && self.refusing_lost.is_empty()
            && self.vetoes.is_empty()
            && self.counts.is_empty()
            && self.power.is_empty()
            && self.old_feasible == self.new_feasible
    }
}

/// A title as matching compares it: lower case, letters and digits only, one space between
/// words.
pub fn normalise_title(title: &str) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Formula text as compared: whitespace collapsed.
fn normalise_formula(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A requirement as the language writes it (`any of { EU by qmv, lapse of X when F }`).
pub fn requirement_text(model: &Model, r: &Requirement) -> String {
    let routes: Vec<String> = r
        .routes
        .iter()
        .map(|route| {
            let mut s = String::new();
            if route.lapse {
                s.push_str("lapse of ");
            }
            s.push_str(&target_text(model, route.target));
            if let Some(w) = &route.when {
                s.push_str(" when ");
                s.push_str(&normalise_formula(&w.text));
            }
            s
        })
        .collect();
    if r.any_of {
        format!("any of {{ {} }}", routes.join(", "))
    } else {
        routes.join(", ")
    }
}

/// Matches the clauses of the two treaties; an error (at the new clause) for a `matches`
/// that names no clause of the old treaty, or an old clause pinned twice. `matches T.ID`
/// applies only when the old treaty is `T`.
pub fn match_clauses(old: Side<'_>, new: Side<'_>) -> Result<Vec<ClauseMatch>, Box<Diagnostic>> {
    let old_t = &old.model.treaties[old.treaty()];
    let new_t = &new.model.treaties[new.treaty()];
    let mut old_taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut new_taken: BTreeSet<usize> = BTreeSet::new();
    let mut out: Vec<ClauseMatch> = Vec::new();
    for (ni, c) in new_t.clauses.iter().enumerate() {
        let Some(m) = &c.matches else { continue };
        // `matches T.ID` revises a clause of treaty T: against another treaty it says
        // nothing (a draft is compared with more than its predecessor, and with itself).
        let id = match m.split_once('.') {
            Some((t, id)) if t == old_t.id => id,
            Some(_) => continue,
            None => m.as_str(),
        };
        let Some(oi) = old_t.clauses.iter().position(|o| o.id == id) else {
            let ids: Vec<&str> = old_t.clauses.iter().map(|o| o.id.as_str()).collect();
            let mut d = Diagnostic::error(
                Code::BadMatches,
                format!(
                    "clause `{}` matches `{m}`, but treaty `{}` has no clause `{id}`",
                    c.id, old_t.id
                ),
                c.loc,
            );
            if let Some(s) = crate::diag::did_you_mean(id, ids.iter().copied()) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            return Err(Box::new(d));
        };
        if let Some(&prev) = old_taken.get(&oi) {
            return Err(Box::new(
                Diagnostic::error(
                    Code::BadMatches,
                    format!(
                        "clause `{}` matches `{m}`, which clause `{}` matches already",
                        c.id, new_t.clauses[prev].id
                    ),
                    c.loc,
                )
                .with_related(new_t.clauses[prev].loc, "matched here first"),
            ));
        }
        old_taken.insert(oi, ni);
        new_taken.insert(ni);
        out.push(ClauseMatch {
            old: oi,
            new: ni,
            by: MatchedBy::Pinned,
        });
    }
    for (ni, c) in new_t.clauses.iter().enumerate() {
        if new_taken.contains(&ni) {
            continue;
        }
        if let Some(oi) = old_t.clauses.iter().position(|o| o.id == c.id) {
            if let std::collections::btree_map::Entry::Vacant(e) = old_taken.entry(oi) {
                e.insert(ni);
                new_taken.insert(ni);
                out.push(ClauseMatch {
                    old: oi,
                    new: ni,
                    by: MatchedBy::Id,
                });
            }
        }
    }
    // Titles, when unique among the clauses still unmatched on each side.
    let titles = |clauses: &[crate::model::Clause], taken: &dyn Fn(usize) -> bool| {
        let mut m: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, c) in clauses.iter().enumerate() {
            if taken(i) {
                continue;
            }
            if let Some(t) = &c.title {
                let n = normalise_title(t);
                if !n.is_empty() {
                    m.entry(n).or_default().push(i);
                }
            }
        }
        m
    };
    let old_titles = titles(&old_t.clauses, &|i| old_taken.contains_key(&i));
    let new_titles = titles(&new_t.clauses, &|i| new_taken.contains(&i));
    for (title, news) in &new_titles {
        if let (Some(olds), [ni]) = (old_titles.get(title), news.as_slice()) {
            if let [oi] = olds.as_slice() {
                out.push(ClauseMatch {
                    old: *oi,
                    new: *ni,
                    by: MatchedBy::Title,
                });
            }
        }
    }
    out.sort_by_key(|m| m.new);
    Ok(out)
}

/// The difference between `old` and `new`; an error only for a bad `matches`.
pub fn diff(old: Side<'_>, new: Side<'_>) -> Result<Diff, Box<Diagnostic>> {
    let matched = match_clauses(old, new)?;
    let to_new: BTreeMap<usize, usize> = matched.iter().map(|m| (m.old, m.new)).collect();
    let to_old: BTreeMap<usize, usize> = matched.iter().map(|m| (m.new, m.old)).collect();
    let added: Vec<usize> = (0..new.clause_count())
        .filter(|i| !to_old.contains_key(i))
        .collect();
    let removed: Vec<usize> = (0..old.clause_count())
        .filter(|i| !to_new.contains_key(i))
        .collect();
    let content = matched
        .iter()
        .filter_map(|m| content_change(old, new, m))
        .collect();

    // Conflicts, with clauses named by their new index (`None`: an unmatched old clause).
    let key = |side: Side<'_>, items: &[ConflictItem], map: &dyn Fn(usize) -> Option<usize>| {
        let mut k: BTreeSet<(Option<usize>, String, String)> = BTreeSet::new();
        for it in items {
            match it {
                ConflictItem::Clause(c) => {
                    k.insert((map(c.clause).map(|x| x + 1), String::new(), String::new()));
                }
                ConflictItem::RedLine { position, index } => {
                    let p = &side.model.positions[*position];
                    let label = p.red_lines.get(*index).map_or("", |l| l.label.as_str());
                    k.insert((None, p.id.clone(), label.to_string()));
                }
            }
        }
        k
    };
    let old_keys: Vec<_> = old
        .analysis
        .consistency
        .conflicts
        .iter()
        .map(|c| key(old, &c.items, &|i| to_new.get(&i).copied()))
        .collect();
    let new_keys: Vec<_> = new
        .analysis
        .consistency
        .conflicts
        .iter()
        .map(|c| key(new, &c.items, &|i| Some(i)))
        .collect();
    // An unmatched old clause maps to (None, "", ""), which no new conflict holds.
    let conflicts_added = (0..new_keys.len())
        .filter(|&i| !old_keys.contains(&new_keys[i]))
        .collect();
    let conflicts_removed = (0..old_keys.len())
        .filter(|&i| {
            old_keys[i].contains(&(None, String::new(), String::new()))
                || !new_keys.contains(&old_keys[i])
        })
        .collect();
    let conflicts_truncated =
        old.analysis.consistency.truncated || new.analysis.consistency.truncated;

    let (red_lines_violated, red_lines_satisfied) =
        changes(old, new, &in_conflict(old), &in_conflict(new));
    let (guarantees_open, guarantees_closed) = changes(old, new, &left_open(old), &left_open(new));

    // Clauses.
    let mut clauses_blocked = Vec::new();
    let mut clauses_unblocked = Vec::new();
    for (ni, s) in new.analysis.clauses.iter().enumerate() {
        let before = to_old
            .get(&ni)
            .and_then(|&oi| old.analysis.clause(old.clause_ref(oi)))
            .map(|o| o.adoptable);
        let change = StatusChange {
            old: to_old.get(&ni).copied(),
            new: s.clause.clause,
        };
        match (before, s.adoptable) {
            (Some(true) | None, false) => clauses_blocked.push(change),
            (Some(false), true) => clauses_unblocked.push(change),
            _ => {}
        }
    }

    // Decisions of matched clauses.
    let mut decisions_blocked = Vec::new();
    let mut decisions_unblocked = Vec::new();
    for m in &matched {
        let o = decision_table(old, m.old);
        let n = decision_table(new, m.new);
        for (k, &(ni, npass)) in &n {
            if let Some(&(oi, opass)) = o.get(k) {
                let change = DecisionChange {
                    old_clause: m.old,
                    new_clause: m.new,
                    key: k.clone(),
                    old: oi,
                    new: ni,
                };
                match (opass, npass) {
                    (true, false) => decisions_blocked.push(change),
                    (false, true) => decisions_unblocked.push(change),
                    _ => {}
                }
            }
        }
    }

    // Refusing parties.
    let ids = |side: Side<'_>| -> BTreeSet<String> {
        side.analysis
            .refusing_parties
            .iter()
            .map(|&a| side.model.actors[a].id.clone())
            .collect()
    };
    let (old_ref, new_ref) = (ids(old), ids(new));
    let refusing_gained = new_ref.difference(&old_ref).cloned().collect();
    let refusing_lost = old_ref.difference(&new_ref).cloned().collect();

    // Vetoes by actor.
    let by_actor = |side: Side<'_>| -> BTreeMap<String, BTreeSet<usize>> {
        side.analysis
            .vetoes_by_actor()
            .into_iter()
            .map(|(a, cs)| {
                (
                    side.model.actors[a].id.clone(),
                    cs.iter().map(|c| c.clause).collect(),
                )
            })
            .collect()
    };
    let (old_v, new_v) = (by_actor(old), by_actor(new));
    let empty = BTreeSet::new();
    let actors: BTreeSet<&String> = old_v.keys().chain(new_v.keys()).collect();
    let mut vetoes = Vec::new();
    for actor in actors {
        let ov = old_v.get(actor).unwrap_or(&empty);
        let nv = new_v.get(actor).unwrap_or(&empty);
        let gained: Vec<usize> = nv
            .iter()
            .copied()
            .filter(|n| to_old.get(n).is_none_or(|o| !ov.contains(o)))
            .collect();
        let lost: Vec<usize> = ov
            .iter()
            .copied()
            .filter(|o| to_new.get(o).is_none_or(|n| !nv.contains(n)))
            .collect();
        if !gained.is_empty() || !lost.is_empty() {
            vetoes.push(VetoChange {
                actor: actor.clone(),
                gained,
                lost,
                new_holder: ov.is_empty() && !nv.is_empty(),
            });
        }
    }

    let counts = count_changes(old, new, &to_new);
    let power = power_changes(old, new);
    Ok(Diff {
        matched,
        added,
        removed,
        content,
        conflicts_added,
        conflicts_removed,
        conflicts_truncated,
        red_lines_violated,
        red_lines_satisfied,
        guarantees_open,
        guarantees_closed,
        clauses_blocked,
        clauses_unblocked,
        decisions_blocked,
        decisions_unblocked,
        refusing_gained,
        refusing_lost,
        vetoes,
        counts,
        power,
        old_feasible: old.analysis.feasible,
        new_feasible: new.analysis.feasible,
    })
}

fn content_change(old: Side<'_>, new: Side<'_>, m: &ClauseMatch) -> Option<ContentChange> {
    let o = old.model.clause(old.clause_ref(m.old));
    let n = new.model.clause(new.clause_ref(m.new));
    let of: Vec<String> = o
        .formulas
        .iter()
        .map(|f| normalise_formula(&f.text))
        .collect();
    let nf: Vec<String> = n
        .formulas
        .iter()
        .map(|f| normalise_formula(&f.text))
        .collect();
    let or: Vec<String> = o
        .requires
        .iter()
        .map(|r| requirement_text(old.model, r))
        .collect();
    let nr: Vec<String> = n
        .requires
        .iter()
        .map(|r| requirement_text(new.model, r))
        .collect();
    let only = |a: &[String], b: &[String]| -> Vec<usize> {
        (0..a.len()).filter(|&i| !b.contains(&a[i])).collect()
    };
    let title_changed =
        o.title.as_deref().map(normalise_title) != n.title.as_deref().map(normalise_title);
    let change = ContentChange {
        old: m.old,
        new: m.new,
        title_changed,
        formulas_removed: only(&of, &nf),
        formulas_added: only(&nf, &of),
        requires_removed: only(&or, &nr),
        requires_added: only(&nr, &or),
    };
    let changed = change.title_changed
        || !change.formulas_removed.is_empty()
        || !change.formulas_added.is_empty()
        || !change.requires_removed.is_empty()
        || !change.requires_added.is_empty();
    changed.then_some(change)
}

/// Red lines (position id, label) in some listed conflict that holds a clause.
fn in_conflict(side: Side<'_>) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for c in &side.analysis.consistency.conflicts {
        if !c.items.iter().any(|i| matches!(i, ConflictItem::Clause(_))) {
            continue;
        }
        for it in &c.items {
            if let ConflictItem::RedLine { position, index } = it {
                let p = &side.model.positions[*position];
                if let Some(l) = p.red_lines.get(*index) {
                    out.insert((p.id.clone(), l.label.clone()));
                }
            }
        }
    }
    out
}

/// Guaranteed red lines (position id, label) the treaty leaves open.
fn left_open(side: Side<'_>) -> BTreeSet<(String, String)> {
    side.analysis
        .consistency
        .violated_guarantees
        .iter()
        .filter_map(|g| {
            let p = &side.model.positions[g.position];
            let l = p.red_lines.get(g.index)?;
            (l.kind == RedLineKind::Guaranteed).then(|| (p.id.clone(), l.label.clone()))
        })
        .collect()
}

/// Where a red line is in a model: (position index, red line index).
fn find_line(model: &Model, position: &str, label: &str) -> Option<(usize, usize)> {
    let p = model.positions.iter().position(|p| p.id == position)?;
    let l = model.positions[p]
        .red_lines
        .iter()
        .position(|l| l.label == label)?;
    Some((p, l))
}

/// The lines in `new_set` only, and those in `old_set` only.
fn changes(
    old: Side<'_>,
    new: Side<'_>,
    old_set: &BTreeSet<(String, String)>,
    new_set: &BTreeSet<(String, String)>,
) -> (Vec<RedLineChange>, Vec<RedLineChange>) {
    let make = |(position, label): &(String, String)| RedLineChange {
        position: position.clone(),
        label: label.clone(),
        old: find_line(old.model, position, label),
        new: find_line(new.model, position, label),
    };
    (
        new_set.difference(old_set).map(make).collect(),
        old_set.difference(new_set).map(make).collect(),
    )
}

/// A decision as the diff names it: `EU by qmv`, `consent of UKR: UKR_Rada`, `lapse of EU`.
pub fn decision_key(model: &Model, d: &super::Decision) -> String {
    let decider = match d.decider {
        Decider::Body { body, rule } => {
            let b = &model.bodies[body];
            let r = &b.rule(rule).name;
            if r == crate::model::DEFAULT_RULE_NAME {
                b.id.clone()
            } else {
                format!("{} by {r}", b.id)
            }
        }
        Decider::Consent { actor } => model.actors[actor].id.clone(),
    };
    let mut s = String::new();
    if d.lapse {
        s.push_str("lapse of ");
    }
    if let Some(a) = d.consent_of {
        s.push_str(&format!("consent of {}: ", model.actors[a].id));
    }
    s.push_str(&decider);
    s
}

/// A clause's decisions by key: the first decision's index, and whether all can go the
/// clause's way.
fn decision_table(side: Side<'_>, clause: usize) -> BTreeMap<String, (usize, bool)> {
    let mut out: BTreeMap<String, (usize, bool)> = BTreeMap::new();
    for (i, d) in side.analysis.decisions.iter().enumerate() {
        if d.clause != side.clause_ref(clause) {
            continue;
        }
        let e = out
            .entry(decision_key(side.model, d))
            .or_insert((i, d.can_pass));
        e.1 &= d.can_pass;
    }
    out
}

fn count_changes(
    old: Side<'_>,
    new: Side<'_>,
    to_new: &BTreeMap<usize, usize>,
) -> Vec<CountChange> {
    // Changed: a different number of clauses or points, or other clauses (through the
    // matching).
    let differs = |o: &counts::Count, n: &counts::Count| {
        let mapped: Option<BTreeSet<usize>> = o
            .clauses
            .iter()
            .map(|c| to_new.get(&c.clause).copied())
            .collect();
        let news: BTreeSet<usize> = n.clauses.iter().map(|c| c.clause).collect();
        o.clauses.len() != n.clauses.len()
            || o.points.len() != n.points.len()
            || mapped.as_ref() != Some(&news)
    };
    let mut out = Vec::new();
    let (o, n) = (
        counts::non_party(old.model, old.analysis),
        counts::non_party(new.model, new.analysis),
    );
    if differs(&o, &n) {
        out.push(CountChange {
            group: None,
            old: Some(o),
            new: Some(n),
        });
    }
    let groups: BTreeSet<&str> = old
        .model
        .groups
        .iter()
        .chain(&new.model.groups)
        .map(|g| g.id.as_str())
        .collect();
    for g in groups {
        let count = |side: Side<'_>| {
            let gi = side.model.groups.iter().position(|x| x.id == g)?;
            Some(counts::group(side.model, side.treaty(), gi))
        };
        let (o, n) = (count(old), count(new));
        let changed = match (&o, &n) {
            (Some(o), Some(n)) => differs(o, n),
            (None, None) => false,
            _ => true,
        };
        if changed {
            out.push(CountChange {
                group: Some(g.to_string()),
                old: o,
                new: n,
            });
        }
    }
    out
}

/// The (body, rule) pairs whose decisions a treaty takes, by id and rule name.
fn bodies_used(side: Side<'_>) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for d in &side.analysis.decisions {
        if let Decider::Body { body, rule } = d.decider {
            let b = &side.model.bodies[body];
            out.insert((b.id.clone(), b.rule(rule).name.clone()), body.index());
        }
    }
    out
}

/// A body's members (actor id) with their weights by dimension name.
type Membership = Vec<(String, Vec<(String, u64)>)>;

/// A body's members with their weights by dimension name, and the rule's text: equal on
/// both sides means equal power.
fn body_signature(model: &Model, body: usize, rule: &str) -> (Membership, String) {
    let b = &model.bodies[body];
    let members = b
        .members
        .iter()
        .map(|m| {
            let mut w: Vec<(String, u64)> = b
                .dimensions
                .iter()
                .cloned()
                .zip(m.weights.iter().copied())
                .collect();
            w.sort();
            (model.actors[m.actor].id.clone(), w)
        })
        .collect();
    let text = b
        .rule_id(rule)
        .map(|r| rule_text(b, &b.rule(r).rule, &member_name(model, b), true))
        .unwrap_or_default();
    (members, text)
}

fn power_of(model: &Model, body: usize, rule: &str) -> Result<PowerIndices, String> {
    let b = &model.bodies[body];
    let r = b
        .rule_id(rule)
        .ok_or_else(|| format!("body `{}` has no rule `{rule}`", b.id))?;
    voting::power(b, &b.rule(r).rule).map_err(|e| e.to_string())
}

fn power_changes(old: Side<'_>, new: Side<'_>) -> Vec<PowerChange> {
    let (o, n) = (bodies_used(old), bodies_used(new));
    let mut out = Vec::new();
    for ((body, rule), &ob) in &o {
        let Some(&nb) = n.get(&(body.clone(), rule.clone())) else {
            continue;
        };
        if body_signature(old.model, ob, rule) == body_signature(new.model, nb, rule) {
            continue;
        }
        out.push(PowerChange {
            body: body.clone(),
            rule: rule.clone(),
            old: (ob, power_of(old.model, ob, rule)),
            new: (nb, power_of(new.model, nb, rule)),
        });
    }
    out
}

/// The treaty of `model` to compare: the one named, or the only one; else an error that
/// lists them (`file` names the file on the command line).
pub fn pick_treaty(
    model: &Model,
    name: Option<&str>,
    file: &str,
) -> Result<TreatyId, Box<Diagnostic>> {
    let ids: Vec<&str> = model.treaties.iter().map(|t| t.id.as_str()).collect();
    match name {
        Some(n) => model.treaty_id(n).ok_or_else(|| {
            let d = Diagnostic::bare(Code::WhichDraft, format!("`{file}` has no treaty `{n}`"));
            Box::new(match crate::diag::did_you_mean(n, ids.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None if ids.is_empty() => d.with_help("it declares no treaty"),
                None => d.with_help(format!("its treaties: {}", ids.join(", "))),
            })
        }),
        None => match ids.as_slice() {
            [_] => Ok(TreatyId(0)),
            [] => Err(Box::new(
                Diagnostic::bare(Code::WhichDraft, format!("`{file}` declares no treaty"))
                    .with_help("a draft to compare holds one `treaty { ... }`"),
            )),
            _ => Err(Box::new(
                Diagnostic::bare(
                    Code::WhichDraft,
                    format!(
                        "`{file}` declares {} treaties ({}); name the one to compare",
                        ids.len(),
                        ids.join(", ")
                    ),
                )
                .with_help("use --old-treaty or --new-treaty"),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_compared_without_case_punctuation_or_spacing() {
        assert_eq!(normalise_title("Renamed, later!"), "renamed later");
        assert_eq!(normalise_title("  renamed   LATER "), "renamed later");
        assert_eq!(
            normalise_title("Zaporizhzhia NPP: 50:50"),
            "zaporizhzhia npp 50 50"
        );
        assert_ne!(normalise_title("10a"), normalise_title("10 a"));
        assert_eq!(normalise_title("...!"), "");
    }
}
