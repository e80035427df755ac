//! Which clauses each actor objects to, exactly and whatever the listing cap, each with a
//! minimal conflict as its witness.
//!
//! Semantics (docs/semantics.md, "Objections"): an actor whose red lines the treaty violates
//! objects to clause `c` when `c` belongs to some minimal conflict made of clauses and that
//! actor's red lines only, with at least one red line and at most one `possible` line (the
//! kind of conflict that decides the violation, see `standing`).
//!
//! Method, per set of red lines (`Profiles`: actors with the same set are asked once) and
//! per variable component that `standing` found to violate it (no other component can hold
//! such a conflict): MARCO over the component's clauses `C` and the set's red lines `R` in it,
//! with the component's facts hard, the family "at most one possible line" (pairs excluded
//! up front, as in the listing), and restricted by the map constraint "(one of the clauses
//! not marked yet) and (one of `R`)". Every MUS found that holds a clause and a red line
//! marks its clauses (with itself as the witness), and the first constraint is narrowed to
//! the clauses still unmarked; the loop ends when the map is unsatisfiable (or nothing is
//! left unmarked).
//!
//! Proof that the marks are exactly the objected clauses.
//! - Sound: a MUS found is unsatisfiable and minimal (shrunk by deletion, each step a
//!   query), lies in the family (a subset of a seed that does), and is made of clauses and
//!   red lines of `R` only; marked only when it holds a clause and a red line. So every
//!   marked clause is objected to.
//! - Complete: let `U*` be a MUS of the family with a red line of `R` and a clause `c` that
//!   is still unmarked. Every constraint of the map holds for `U*`: the family (it is in
//!   it), "one of R" and "one of the unmarked clauses" (`c`), the block "not all of M" of
//!   every MUS `M` found (`M != U*`, or `c` would be marked; `M` is not a proper subset of
//!   `U*`, which is minimal), and the block "one item outside S" of every satisfiable seed
//!   `S` (`U*` is unsatisfiable, so not inside `S`). So the map is satisfiable while any
//!   objected clause is unmarked, and the loop cannot end before marking it. It does end:
//!   each round excludes the current seed (it contains the MUS found, or lies inside the
//!   satisfiable set blocked), and there are finitely many seeds.
//!
//! Cross-check: `standing` decided that the component violates the set; such a conflict
//! is then one MUS of this region, so at least one clause must be marked, or the analysis
//! stops with an internal error. Every query and map check runs under the analysis budget:
//! running out is "gave up" (exit 3), never a partial answer.

use super::consistency::{Kind, SoftItem};
use super::marco::{Component, Marco, Next};
use super::query::Abort;
use super::standing::Profiles;

/// Marks, for each set of red lines in `violated_here` (indices into `profiles`), the
/// clauses of this component that it objects to. The main solver holds this component's
/// facts and items; `family` gives, for a sorted list of item indices, the local items each
/// may not be combined with.
pub(crate) fn component(
    items: &[SoftItem<'_>],
    comp: &[usize],
    marco: &Marco<'_>,
    family: &dyn Fn(&[usize]) -> Vec<Vec<usize>>,
    violated_here: &[usize],
    profiles: &mut Profiles,
) -> Result<(), Abort> {
    let clauses: Vec<usize> = comp
        .iter()
        .copied()
        .filter(|&i| matches!(items[i].kind, Kind::Clause))
        .collect();
    for &k in violated_here {
        let red: Vec<usize> = profiles
            .lines(k)
            .into_iter()
            .filter(|i| comp.binary_search(i).is_ok())
            .collect();
        let mut universe: Vec<usize> = clauses.iter().chain(&red).copied().collect();
        universe.sort_unstable();
        let region = Component {
            incompatible: family(&universe),
            items: &universe,
        };
        let marks = &mut profiles.objected[k];
        let before = marks.len();
        let is_red = |i: &usize| red.binary_search(i).is_ok();
        marco.explore(&region, &[clauses.clone(), red.clone()], &mut |mus| {
            let has_red = mus.iter().any(is_red);
            let mus_clauses: Vec<usize> = mus.iter().copied().filter(|i| !is_red(i)).collect();
            if !has_red || mus_clauses.is_empty() {
                return Next::Go;
            }
            let mut new = false;
            for &c in &mus_clauses {
                if let std::collections::btree_map::Entry::Vacant(e) = marks.entry(c) {
                    e.insert(mus.clone());
                    new = true;
                }
            }
            if !new {
                // The seed held an unmarked clause, but the MUS found inside it need not.
                return Next::Go;
            }
            let unmarked: Vec<usize> = clauses
                .iter()
                .copied()
                .filter(|c| !marks.contains_key(c))
                .collect();
            Next::Narrow(unmarked)
        })?;
        if marks.len() == before {
            return Err(Abort::Internal(
                "a violation of red lines was found, but no clause they object to".into(),
            ));
        }
    }
    Ok(())
}
