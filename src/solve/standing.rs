//! What the treaty's content decides, exactly and whatever the listing cap: whether the
//! clauses contradict the facts (together, or one alone), and which actors' red lines the
//! treaty violates, in which variable components (where `objections` then looks for the
//! clauses they object to), each with one minimal conflict as its witness.
//!
//! Semantics (docs/semantics.md, "Objections"): an actor's red lines are one set, whatever
//! positions carry them. The treaty violates them when some minimal conflict is made of
//! clauses and red lines of that actor only (at most one `possible` line, as a possible
//! line must stay possible on its own). With `C` the clauses, `R` the actor's must
//! lines (plus one of its possible lines) and the facts hard, such a conflict exists iff
//! there are `X ⊆ C` and `Y ⊆ R`, each satisfiable, with `X ∪ Y` unsatisfiable; growing
//! both keeps that, so it is enough to try the maximal satisfiable subsets (MSSes) of `C`
//! and of `R`. When the clauses hold together (the usual case) `C` is its own only MSS and
//! the question is one query per variant of `R`. Any unsatisfiable subset of `X ∪ Y` meets
//! both sides, so the witness (a MUS of `X ∪ Y`, found by core and deletion) does too.
//!
//! Every query runs under the analysis budget: a search that runs out gives up (exit 3);
//! nothing here is ever decided by how many conflicts were listed.

use std::collections::BTreeMap;

use z3::ast::Bool;
use z3::Solver;

use super::consistency::{Kind, SoftItem};
use super::query::{shrink_by_deletion, Abort, Answer, ItemSolver};
use crate::model::{ActorId, Model};

/// What the clauses say against the facts (who rejects is in `Profiles`).
#[derive(Default)]
pub(crate) struct Standing {
    /// The clauses contradict each other or the facts.
    pub self_contradictory: bool,
    /// Item indices of clauses that contradict the facts on their own.
    pub contradictory: Vec<usize>,
}

/// Which of the given clauses contradict the facts on their own (asked of a solver that
/// holds the component's facts only).
pub(crate) type ClausesAlone<'a> = dyn Fn(&[usize]) -> Result<Vec<usize>, Abort> + 'a;

/// An actor's must lines and possible lines (item indices).
type RedLines = (Vec<usize>, Vec<usize>);

/// The distinct sets of red lines that actors hold (actors with the same set get the same
/// answer, so each set is asked once), the witness of a violation found for each so far,
/// and (filled by `objections`) the clauses each set objects to, each with the minimal
/// conflict that showed it.
pub(crate) struct Profiles {
    pub(super) sets: Vec<(RedLines, Vec<ActorId>)>,
    witness: Vec<Option<Vec<usize>>>,
    /// For each set: objected clause (item index) -> a minimal conflict of clauses and
    /// red lines of the set that holds it.
    pub(super) objected: Vec<BTreeMap<usize, Vec<usize>>>,
}

impl Profiles {
    pub fn of(model: &Model, items: &[SoftItem<'_>]) -> Profiles {
        let mut by_set: BTreeMap<RedLines, Vec<ActorId>> = BTreeMap::new();
        for (a, _) in model.actors.iter().enumerate() {
            let actor = ActorId(a);
            let set = red_lines_of(model, items, actor);
            if !(set.0.is_empty() && set.1.is_empty()) {
                by_set.entry(set).or_default().push(actor);
            }
        }
        let sets: Vec<(RedLines, Vec<ActorId>)> = by_set.into_iter().collect();
        Profiles {
            witness: vec![None; sets.len()],
            objected: vec![BTreeMap::new(); sets.len()],
            sets,
        }
    }

    /// The actors whose red lines the treaty violates, sorted.
    pub fn violated(&self) -> Vec<ActorId> {
        let mut out: Vec<ActorId> = self
            .sets
            .iter()
            .zip(&self.witness)
            .filter(|(_, w)| w.is_some())
            .flat_map(|((_, actors), _)| actors.iter().copied())
            .collect();
        out.sort();
        out
    }

    /// Each set's red lines (item indices, ascending): its must lines and possible lines.
    pub fn lines(&self, k: usize) -> Vec<usize> {
        let ((musts, possibles), _) = &self.sets[k];
        let mut v: Vec<usize> = musts.iter().chain(possibles).copied().collect();
        v.sort_unstable();
        v
    }
}

impl ItemSolver<'_> {
    /// A minimal unsatisfiable subset of the unsatisfiable `set`: core, then deletion in
    /// item order.
    fn shrink(&self, set: &[usize]) -> Result<Vec<usize>, Abort> {
        let core = self.core(set)?.ok_or_else(|| {
            Abort::Internal("a set found unsatisfiable holds on a second look".into())
        })?;
        shrink_by_deletion(core, |s| self.core(s))
    }

    /// Every maximal subset of `universe` that holds with the facts (MARCO's map over the
    /// subsets: an unexplored satisfiable seed is grown to an MSS and everything below it
    /// blocked; an unsatisfiable one is shrunk to a MUS and everything above it blocked).
    fn msses(&self, universe: &[usize]) -> Result<Vec<Vec<usize>>, Abort> {
        if self.holds(universe)? {
            return Ok(vec![universe.to_vec()]);
        }
        let map = Solver::new();
        self.budget.configure(&map);
        let var = |i: usize| Bool::new_const(format!("mss{i}"));
        let mut found: Vec<Vec<usize>> = Vec::new();
        loop {
            let q = || "the next maximal satisfiable set of items".to_string();
            if self.budget.check(&map, &[], &q)? == Answer::Unsat {
                return Ok(found);
            }
            let model = map
                .get_model()
                .ok_or_else(|| Abort::Internal("the map solver gave no model".into()))?;
            let seed: Vec<usize> = universe
                .iter()
                .copied()
                .filter(|&i| {
                    model
                        .eval(&var(i), true)
                        .and_then(|b| b.as_bool())
                        .unwrap_or(false)
                })
                .collect();
            if self.holds(&seed)? {
                let mut mss = seed;
                for &x in universe {
                    if !mss.contains(&x) {
                        let mut s = mss.clone();
                        s.push(x);
                        s.sort_unstable();
                        if self.holds(&s)? {
                            mss = s;
                        }
                    }
                }
                let outside: Vec<Bool> = universe
                    .iter()
                    .filter(|x| !mss.contains(x))
                    .map(|&x| var(x))
                    .collect();
                map.assert(Bool::or(&outside));
                found.push(mss);
            } else {
                let mus = self.shrink(&seed)?;
                let block: Vec<Bool> = mus.iter().map(|&x| var(x).not()).collect();
                map.assert(Bool::or(&block));
            }
        }
    }
}

/// Adds what one variable component decides to `out` and `profiles`: whether its clauses
/// contradict the facts (and which alone do), and for each set of red lines, whether this
/// component violates it (a witness is kept for the first component that does). A minimal
/// conflict never spans two components, so asking component by component is exact. `q`
/// holds this component's facts and items (behind their indicators) and nothing else.
/// Returns the sets (indices into `profiles`) that this component violates.
pub(crate) fn component(
    items: &[SoftItem<'_>],
    comp: &[usize],
    q: &ItemSolver<'_>,
    contradicting_alone: &ClausesAlone<'_>,
    profiles: &mut Profiles,
    out: &mut Standing,
) -> Result<Vec<usize>, Abort> {
    let clauses: Vec<usize> = comp
        .iter()
        .copied()
        .filter(|&i| matches!(items[i].kind, Kind::Clause))
        .collect();
    let clauses_hold = q.holds(&clauses)?;
    if !clauses_hold {
        out.self_contradictory = true;
        out.contradictory.extend(contradicting_alone(&clauses)?);
    }
    let mut violated_here = Vec::new();
    if clauses.is_empty() {
        return Ok(violated_here);
    }
    // The maximal satisfiable sets of the clauses, found when first needed.
    let mut clause_msses: Option<Vec<Vec<usize>>> = clauses_hold.then(|| vec![clauses.clone()]);
    // `comp` is ascending (items in order), so membership is a binary search.
    let here = |i: &usize| comp.binary_search(i).is_ok();
    for (k, ((musts, possibles), _)) in profiles.sets.iter().enumerate() {
        // The variants of the profile (its must lines, and with each possible line) as
        // this component sees them. A possible line of another component leaves the must
        // lines here alone, asked already (and found not violated, or the loop would have
        // stopped): it is skipped, as is a variant with nothing here. Building every
        // variant for every component was quadratic (10,000 components x 750 possible
        // lines at 30,000 clauses).
        let musts_here: Vec<usize> = musts.iter().copied().filter(here).collect();
        let mut variants: Vec<Vec<usize>> = Vec::new();
        if !musts_here.is_empty() {
            variants.push(musts_here.clone());
        }
        for &p in possibles.iter().filter(|p| here(p)) {
            let mut v = musts_here.clone();
            v.push(p);
            v.sort_unstable();
            variants.push(v);
        }
        for red_here in &variants {
            if clause_msses.is_none() {
                clause_msses = Some(q.msses(&clauses)?);
            }
            let xs = clause_msses.as_deref().unwrap_or(&[]);
            if let Some(w) = violation(q, xs, red_here)? {
                profiles.witness[k].get_or_insert(w);
                violated_here.push(k);
                break;
            }
        }
    }
    Ok(violated_here)
}

/// The item indices of `actor`'s must lines and possible lines, over every position it
/// holds.
fn red_lines_of(model: &Model, items: &[SoftItem<'_>], actor: ActorId) -> RedLines {
    let held = |p: crate::model::PositionId| model.positions[p].held_by.contains(&actor);
    let mut musts = Vec::new();
    let mut possibles = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.kind {
            Kind::Must(p) if held(p) => musts.push(i),
            Kind::Possible(p) if held(p) => possibles.push(i),
            _ => {}
        }
    }
    (musts, possibles)
}

/// A minimal conflict of clauses (from one of the maximal satisfiable sets `xs`) with the
/// red lines `red`, if there is one.
fn violation(
    q: &ItemSolver<'_>,
    xs: &[Vec<usize>],
    red: &[usize],
) -> Result<Option<Vec<usize>>, Abort> {
    for y in q.msses(red)? {
        if y.is_empty() {
            continue;
        }
        for x in xs.iter().filter(|x| !x.is_empty()) {
            let mut both: Vec<usize> = x.iter().chain(&y).copied().collect();
            both.sort_unstable();
            if !q.holds(&both)? {
                return Ok(Some(q.shrink(&both)?));
            }
        }
    }
    Ok(None)
}
