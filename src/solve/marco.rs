//! Enumeration of all minimal unsatisfiable subsets (MUSes) of one component of soft items,
//! with MARCO (Liffiton, Previti, Malik, Marques-Silva 2016).
//!
//! The map solver (a second Z3 solver, over one Boolean per item) holds the unexplored part
//! of the power set: a blocking clause "not all of this MUS" for each MUS found (its
//! supersets are unsatisfiable and explored) and "at least one item outside" for each
//! maximal satisfiable subset (MSS) found (its subsets are satisfiable and explored).
//! Besides, a "family" of pairwise incompatible items (a possible red line never meets
//! another position's must-lines nor another possible line) is excluded up front; the
//! family is closed under subsets, so MARCO over it stays complete.
//!
//! Each map model is first made maximal by adding items in item order (a cheap check in
//! Rust: the map's clauses are exactly the known MUSes and the family pairs, and adding an
//! item never falsifies an "at least one outside" clause). A maximal unexplored seed that is
//! satisfiable is an MSS, so no grow step is needed; one that is unsatisfiable is shrunk to
//! a MUS, first by Z3's core and then by deletion in item order. Every MUS inside an
//! unexplored seed is new, and the loop ends when the map is unsatisfiable: complete.
//!
//! `explore` runs the same loop over a region of the power set: the sets that hold at least
//! one item of each of some "focus" lists (which the caller may narrow after each MUS, see
//! `Next`). Such constraints are upward closed, so the seed made maximal stays in the region,
//! and a MUS that meets every focus list is never blocked before it is found (it is no
//! superset of another MUS and no subset of a satisfiable set): the loop ends only when
//! every such MUS has been found or excluded by the caller's narrowing.

use z3::ast::Bool;
use z3::Solver;

use super::query::{shrink_by_deletion, Abort, Answer, ItemSolver};

/// Where found MUSes go; it enforces `max_conflicts` over all components.
pub(crate) struct Sink {
    pub(crate) found: Vec<Vec<usize>>,
    pub(crate) max: Option<usize>,
    pub(crate) truncated: bool,
}

impl Sink {
    /// Records `mus`; `false` when the limit was already reached (then the MUS is dropped
    /// and the enumeration is known to be cut).
    fn push(&mut self, mus: Vec<usize>) -> bool {
        if self.max.is_some_and(|m| self.found.len() >= m) {
            self.truncated = true;
            return false;
        }
        self.found.push(mus);
        true
    }
}

/// What the enumeration of one component needs from the analysis.
pub(crate) struct Component<'a> {
    /// Global item indices, ascending.
    pub(crate) items: &'a [usize],
    /// For each local item, the local items it may not be combined with.
    pub(crate) incompatible: Vec<Vec<usize>>,
}

/// What `Marco::explore` does after a MUS is found.
pub(crate) enum Next {
    /// Go on.
    Go,
    /// Go on, among the sets that hold at least one of these (global) items as well; an
    /// empty list ends the exploration (nothing is left to explore).
    Narrow(Vec<usize>),
    /// Stop here.
    Stop,
}

/// The two solvers and the per-item literals, shared by every component of one analysis.
pub(crate) struct Marco<'a> {
    /// Queries over the global items on the main solver (`indicator => item`).
    pub(crate) items: &'a ItemSolver<'a>,
    pub(crate) map: &'a Solver,
    /// Variable of each global item in the map solver.
    pub(crate) map_vars: &'a [Bool],
}

impl Marco<'_> {
    /// Enumerates the MUSes of `comp` (with the component's hard part already asserted on
    /// the main solver) into `sink`, as global indices sorted ascending. `Ok(false)` when
    /// the sink's limit stopped it.
    pub(crate) fn run(&self, comp: &Component<'_>, sink: &mut Sink) -> Result<bool, Abort> {
        self.explore(comp, &[], &mut |mus| {
            if sink.push(mus) {
                Next::Go
            } else {
                Next::Stop
            }
        })
    }

    /// MARCO over the subsets of `comp` that hold at least one item of each list of `focus`
    /// (global indices; `Next::Narrow` adds a list): every MUS found is given to `on_mus`
    /// (global indices, ascending), which says how to go on. A MUS found need not meet the
    /// focus lists (it is a subset of a seed that does). `Ok(true)` when the region was
    /// explored to the end, `Ok(false)` when `on_mus` stopped it.
    pub(crate) fn explore(
        &self,
        comp: &Component<'_>,
        focus: &[Vec<usize>],
        on_mus: &mut dyn FnMut(Vec<usize>) -> Next,
    ) -> Result<bool, Abort> {
        self.map.push();
        let r = self.explore_inner(comp, focus, on_mus);
        self.map.pop(1);
        r
    }

    /// Asserts on the map that a seed holds one of `global` (the items outside the
    /// component are ignored); `false` when none is inside it, so no seed can.
    fn require_one_of(&self, comp: &Component<'_>, global: &[usize]) -> bool {
        let lits: Vec<Bool> = global
            .iter()
            .filter(|g| comp.items.binary_search(g).is_ok())
            .map(|&g| self.map_vars[g].clone())
            .collect();
        if lits.is_empty() {
            return false;
        }
        self.map.assert(Bool::or(&lits));
        true
    }

    fn explore_inner(
        &self,
        comp: &Component<'_>,
        focus: &[Vec<usize>],
        on_mus: &mut dyn FnMut(Vec<usize>) -> Next,
    ) -> Result<bool, Abort> {
        let n = comp.items.len();
        let mv = |l: usize| &self.map_vars[comp.items[l]];
        for (a, inc) in comp.incompatible.iter().enumerate() {
            for &b in inc.iter().filter(|&&b| b > a) {
                self.map.assert(Bool::or(&[mv(a).not(), mv(b).not()]));
            }
        }
        for list in focus {
            if !self.require_one_of(comp, list) {
                return Ok(true);
            }
        }
        let mut muses: Vec<Vec<usize>> = Vec::new();
        let mut mus_by_item: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut msses: Vec<Vec<bool>> = Vec::new();
        loop {
            match self
                .items
                .budget
                .check(self.map, &[], &|| "the next unexplored set of items".into())?
            {
                Answer::Unsat => return Ok(true),
                Answer::Sat => {}
            }
            let model = self
                .map
                .get_model()
                .ok_or_else(|| Abort::Internal("the map solver gave no model".into()))?;
            let mut seed: Vec<bool> = (0..n)
                .map(|l| {
                    model
                        .eval(mv(l), true)
                        .and_then(|b| b.as_bool())
                        .unwrap_or(false)
                })
                .collect();
            // Make the seed maximal, in item order, so that a satisfiable seed is an MSS.
            for j in 0..n {
                if seed[j] {
                    continue;
                }
                let family_ok = comp.incompatible[j].iter().all(|&k| !seed[k]);
                let no_mus = mus_by_item[j]
                    .iter()
                    .all(|&m| muses[m].iter().any(|&x| x != j && !seed[x]));
                if family_ok && no_mus {
                    seed[j] = true;
                }
            }
            let members: Vec<usize> = (0..n).filter(|&l| seed[l]).collect();
            match self.check_local(comp, &members)? {
                None => {
                    let outside: Vec<Bool> = (0..n)
                        .filter(|&l| !seed[l])
                        .map(|l| mv(l).clone())
                        .collect();
                    if outside.is_empty() {
                        return Ok(true);
                    }
                    self.map.assert(Bool::or(&outside));
                    msses.push(seed);
                }
                Some(core) => {
                    let mus = self.shrink(comp, core, &msses)?;
                    if mus.is_empty() {
                        return Err(Abort::Internal(
                            "an empty set of items was found unsatisfiable".into(),
                        ));
                    }
                    let block: Vec<Bool> = mus.iter().map(|&l| mv(l).not()).collect();
                    self.map.assert(Bool::or(&block));
                    let global: Vec<usize> = mus.iter().map(|&l| comp.items[l]).collect();
                    for &l in &mus {
                        mus_by_item[l].push(muses.len());
                    }
                    muses.push(mus);
                    match on_mus(global) {
                        Next::Go => {}
                        Next::Narrow(list) => {
                            if !self.require_one_of(comp, &list) {
                                return Ok(true);
                            }
                        }
                        Next::Stop => return Ok(false),
                    }
                }
            }
        }
    }

    /// Checks the local items `members` on the main solver: `None` when satisfiable, else
    /// the core (local indices, ascending, a subset of `members`).
    fn check_local(
        &self,
        comp: &Component<'_>,
        members: &[usize],
    ) -> Result<Option<Vec<usize>>, Abort> {
        // Global indices ascend with local ones (`comp.items` is sorted), so the core
        // maps back in order.
        let global: Vec<usize> = members.iter().map(|&l| comp.items[l]).collect();
        Ok(self.items.core(&global)?.map(|core| {
            members
                .iter()
                .copied()
                .filter(|&l| core.binary_search(&comp.items[l]).is_ok())
                .collect()
        }))
    }

    /// Deletion-based shrink of an unsatisfiable set to a MUS, in item order; sets inside a
    /// known MSS are satisfiable and need no query.
    fn shrink(
        &self,
        comp: &Component<'_>,
        cur: Vec<usize>,
        msses: &[Vec<bool>],
    ) -> Result<Vec<usize>, Abort> {
        shrink_by_deletion(cur, |cand| {
            let known_sat = cand.is_empty() || msses.iter().any(|s| cand.iter().all(|&l| s[l]));
            if known_sat {
                Ok(None)
            } else {
                self.check_local(comp, cand)
            }
        })
    }
}
