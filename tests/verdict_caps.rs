//! The verdict never depends on how many conflicts were listed (issue: a cap of 1 used to
//! turn INFEASIBLE into feasible). Two checks:
//! - every shipped and fixture treaty gives the same verdict, refusing parties, violated
//!   actors, objections (which clauses each actor objects to), package rejections, clause
//!   statuses, every decision's votes (each no direct or knock-on) and blockers, and the
//!   violated guarantees with their counterexamples under
//!   `--max-conflicts` 0, 1 and 100 as without a cap;
//! - 10,000 random small treaties (clauses, must, possible and guaranteed red lines of
//!   several positions with shared holders, some saying `rejects package`, oppositions,
//!   abstentions and supports, consents and bodies) do too, and
//!   the query-decided objections equal those an uncapped enumeration attributes (every
//!   minimal conflict of clauses and red lines whose positions one actor holds all of makes
//!   that actor object to its clauses), and every vote is the one the semantics gives from
//!   that enumeration, so the methods check each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use treaty::analysis::{self, NoReason, TreatyAnalysis};
use treaty::model::synth::{ex::*, Builder, Rng};
use treaty::model::{
    ActorId, Body, BodyId, ClauseRef, CmpOp, ConflictItem, Model, PositionId, RedLineKind,
    Requirement, RuleId, Stance, StanceKind, Target, TreatyId,
};
use treaty::solve::{Options, ViolatedGuarantee};
use treaty::voting::Vote;

/// One decision's outcome: can it pass, each voter's vote (with, for a no, whether it is
/// knock-on), and the blockers.
type DecisionOutcome = (bool, Vec<(Vote, bool)>, Vec<ActorId>);

/// What must not depend on the cap.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    feasible: bool,
    self_contradictory: bool,
    refusing: Vec<ActorId>,
    /// Each violated actor: the clauses it objects to, and whether it rejects the package.
    objections: Vec<(ActorId, Vec<ClauseRef>, bool)>,
    adoptable: Vec<bool>,
    contradictory: Vec<bool>,
    decisions: Vec<DecisionOutcome>,
    /// The guaranteed red lines not guaranteed, with their counterexamples.
    guarantees: Vec<ViolatedGuarantee>,
}

fn verdict(a: &TreatyAnalysis) -> Verdict {
    Verdict {
        feasible: a.feasible,
        self_contradictory: a.self_contradictory,
        refusing: a.refusing_parties.clone(),
        objections: a
            .objections
            .iter()
            .map(|o| {
                let clauses = o.clauses.iter().map(|(c, _)| *c).collect();
                (o.actor, clauses, o.rejects_package())
            })
            .collect(),
        adoptable: a.clauses.iter().map(|c| c.adoptable).collect(),
        contradictory: a.clauses.iter().map(|c| c.contradictory).collect(),
        decisions: a
            .decisions
            .iter()
            .map(|d| {
                let votes = d
                    .voters
                    .iter()
                    .zip(&d.votes)
                    .map(|(v, &vote)| {
                        let why = d.no_reasons.get(v).map_or(&[][..], |r| r.as_slice());
                        (vote, NoReason::all_knock_on(why))
                    })
                    .collect();
                (d.can_pass, votes, d.blockers.clone())
            })
            .collect(),
        guarantees: a.consistency.violated_guarantees.clone(),
    }
}

fn analyse(model: &Model, t: TreatyId, cap: Option<usize>) -> TreatyAnalysis {
    let options = Options {
        max_conflicts: cap,
        ..Options::default()
    };
    analysis::analyse(model, t, &options).unwrap_or_else(|e| panic!("cap {cap:?}: {e}"))
}

/// The clauses and the positions of a listed conflict's red lines.
fn parts(items: &[ConflictItem]) -> (Vec<ClauseRef>, BTreeSet<PositionId>) {
    let mut clauses = Vec::new();
    let mut positions = BTreeSet::new();
    for i in items {
        match i {
            ConflictItem::Clause(c) => clauses.push(*c),
            ConflictItem::RedLine { position, .. } => {
                positions.insert(*position);
            }
        }
    }
    (clauses, positions)
}

/// Every (actor, objected clause) pair is explained by a listed conflict that holds the
/// clause and red lines of that actor only, and every package rejection by one such
/// conflict at least.
fn explained(model: &Model, a: &TreatyAnalysis) -> Result<(), String> {
    let holds = |actor: ActorId, p: &PositionId| model.positions[*p].held_by.contains(&actor);
    for o in &a.objections {
        let who = &model.actors[o.actor].id;
        for (c, why) in &o.clauses {
            let shown = why.iter().any(|r| match r {
                NoReason::RedLine { conflict, .. } => a.consistency.conflicts.iter().any(|x| {
                    let (clauses, positions) = parts(&x.items);
                    x.id == *conflict
                        && clauses.contains(c)
                        && !positions.is_empty()
                        && positions.iter().all(|p| holds(o.actor, p))
                }),
                _ => false,
            });
            if !shown {
                return Err(format!(
                    "{who} objects to clause {} with no listed conflict",
                    model.clause(*c).id
                ));
            }
        }
        if o.clauses.is_empty() && o.guarantees.is_empty() {
            return Err(format!("{who}'s red lines are violated with no objection"));
        }
        if !o.clauses.is_empty() && o.conflicts.is_empty() {
            return Err(format!("{who} objects with no listed conflict"));
        }
    }
    Ok(())
}

/// The objections an uncapped enumeration gives: for each actor, the clauses of every
/// listed conflict that has a clause and red lines whose positions the actor holds all of.
fn objections_by_enumeration(
    model: &Model,
    a: &TreatyAnalysis,
) -> BTreeMap<ActorId, BTreeSet<ClauseRef>> {
    let mut out: BTreeMap<ActorId, BTreeSet<ClauseRef>> = BTreeMap::new();
    for c in &a.consistency.conflicts {
        let (clauses, positions) = parts(&c.items);
        if clauses.is_empty() || positions.is_empty() {
            continue;
        }
        for (i, _) in model.actors.iter().enumerate() {
            let a = ActorId(i);
            if positions
                .iter()
                .all(|&p| model.positions[p].held_by.contains(&a))
            {
                out.entry(a).or_default().extend(clauses.iter().copied());
            }
        }
    }
    out
}

/// The uncapped analysis against the enumeration: the same objections, and every vote the
/// one the semantics gives (no on an objected clause, direct; no everywhere else when the
/// actor holds a `rejects package` position, knock-on; no on an opposed clause, direct;
/// yes on a supported one; free otherwise).
fn agrees_with_enumeration(model: &Model, a: &TreatyAnalysis) -> Result<(), String> {
    let want = objections_by_enumeration(model, a);
    let got: BTreeMap<ActorId, BTreeSet<ClauseRef>> = a
        .objections
        .iter()
        .filter(|o| !o.clauses.is_empty())
        .map(|o| (o.actor, o.clauses.iter().map(|(c, _)| *c).collect()))
        .collect();
    // Holders of a guaranteed red line left open vote no everywhere, for that reason.
    let unguaranteed: BTreeSet<ActorId> = a
        .consistency
        .violated_guarantees
        .iter()
        .flat_map(|g| model.positions[g.position].held_by.iter().copied())
        .collect();
    let with_guarantees: BTreeSet<ActorId> = a
        .objections
        .iter()
        .filter(|o| !o.guarantees.is_empty())
        .map(|o| o.actor)
        .collect();
    if with_guarantees != unguaranteed {
        return Err(format!(
            "guarantee objections by {with_guarantees:?}, but guarantees of {unguaranteed:?} are left open"
        ));
    }
    if got != want {
        return Err(format!(
            "queries find objections {got:?}, the full enumeration {want:?}"
        ));
    }
    let package = |actor: ActorId| {
        want.contains_key(&actor)
            && model
                .positions
                .iter()
                .any(|p| p.rejects_package && p.held_by.contains(&actor))
    };
    let stance = |actor: ActorId, clause: ClauseRef, kind: StanceKind| {
        model.positions.iter().any(|p| {
            p.held_by.contains(&actor)
                && p.stances
                    .iter()
                    .any(|s| s.clause == clause && s.kind == kind)
        })
    };
    for d in &a.decisions {
        for (&v, &vote) in d.voters.iter().zip(&d.votes) {
            let objects = want.get(&v).is_some_and(|cs| cs.contains(&d.clause));
            let opposes = stance(v, d.clause, StanceKind::Opposes);
            let guaranteed = unguaranteed.contains(&v);
            // A guarantee left open, like a package rejection, is a knock-on no.
            let knock_on = !objects && !opposes && (guaranteed || package(v));
            let expected = if objects || opposes || knock_on || guaranteed {
                Vote::No
            } else if stance(v, d.clause, StanceKind::Abstains) {
                Vote::Abstain
            } else if stance(v, d.clause, StanceKind::Supports) {
                Vote::Yes
            } else {
                Vote::Free
            };
            // On a lapse, being against the clause is voting to renew, and supporting it
            // leaves the ballot free.
            let on_the_clause = expected;
            let expected = match (d.lapse, expected) {
                (true, Vote::No) => Vote::Yes,
                (true, Vote::Yes) => Vote::Free,
                (_, v) => v,
            };
            let why = d.no_reasons.get(&v).map_or(&[][..], |r| r.as_slice());
            let against = on_the_clause == Vote::No;
            if vote != expected
                || against != d.no_reasons.contains_key(&v)
                || (against && NoReason::all_knock_on(why) != knock_on)
            {
                return Err(format!(
                    "{} on clause {}: {vote:?} ({why:?}), expected {expected:?} (knock-on: {knock_on})",
                    model.actors[v].id,
                    model.clause(d.clause).id
                ));
            }
        }
    }
    Ok(())
}

fn same_under_every_cap(model: &Model, what: &str) -> Result<(), String> {
    for t in (0..model.treaties.len()).map(TreatyId) {
        let full = analyse(model, t, None);
        explained(model, &full).map_err(|e| format!("{what}: {e}"))?;
        if full.consistency.truncated {
            return Err(format!("{what}: an uncapped run says it was cut"));
        }
        agrees_with_enumeration(model, &full).map_err(|e| format!("{what}: {e}"))?;
        let want = verdict(&full);
        for cap in [0, 1, 100] {
            let capped = analyse(model, t, Some(cap));
            explained(model, &capped).map_err(|e| format!("{what}, cap {cap}: {e}"))?;
            let got = verdict(&capped);
            if got != want {
                return Err(format!("{what}, cap {cap}: {got:?}\n  uncapped: {want:?}"));
            }
        }
    }
    Ok(())
}

fn treaty_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            treaty_files(&e, out);
        } else if e.extension().is_some_and(|x| x == "treaty") {
            out.push(e);
        }
    }
}

#[test]
fn shipped_and_fixture_verdicts_do_not_depend_on_the_cap() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["rules", "tests/cases/analysis", "tests/cases/ok"] {
        treaty_files(&root.join(dir), &mut files);
    }
    let mut checked = 0;
    for f in &files {
        let Ok(model) = treaty::load(std::slice::from_ref(f)) else {
            continue;
        };
        // The fixture that makes the solver give up has no verdict to compare.
        if f.ends_with("solver-gives-up.treaty") {
            continue;
        }
        same_under_every_cap(&model, &f.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        checked += model.treaties.len();
    }
    assert!(checked >= 10, "only {checked} treaties checked");
}

/// A small random treaty: 2-4 actors, 1-4 clauses (some needing a consent or a body),
/// 0-3 positions with overlapping holders and 1-2 red lines each, must or possible.
fn random_treaty(seed: u64) -> Model {
    let mut rng = Rng::new(seed);
    let mut b = Builder::new("random.treaty");
    let n_actors = 2 + rng.below(3);
    let actors: Vec<ActorId> = (0..n_actors)
        .map(|i| b.actor(&format!("A{i}"), "actor"))
        .collect();
    let x = [b.int_var("x"), b.int_var("y")];
    let flag = b.bool_var("b");
    for &v in &x {
        b.fact(bound(v, CmpOp::Ge, 0));
        b.fact(bound(v, CmpOp::Le, 20));
    }
    let t = b.treaty("T", None);
    let n_clauses = 1 + rng.below(4);
    for c in 0..n_clauses {
        let n_formulas = rng.below(3);
        let formulas = (0..n_formulas).map(|_| rng.atom(&x, flag, 20)).collect();
        b.clause(t, &(c + 1).to_string(), None, formulas);
    }
    for p in 0..rng.below(4) {
        let holders: Vec<ActorId> = actors
            .iter()
            .copied()
            .filter(|_| rng.below(2) == 0)
            .collect();
        let holders = if holders.is_empty() {
            vec![actors[rng.below(n_actors)]]
        } else {
            holders
        };
        let pos = b.position(&format!("P{p}"), &holders);
        for l in 0..1 + rng.below(2) {
            let kind = match rng.below(6) {
                0 | 1 => RedLineKind::Possible,
                2 => RedLineKind::Guaranteed,
                _ => RedLineKind::Must,
            };
            let e = rng.atom(&x, flag, 20);
            b.red_line(pos, &format!("l{l}"), kind, e);
        }
    }
    let mut model = b.build();
    model.treaties[0].parties = actors
        .iter()
        .copied()
        .filter(|_| rng.below(3) != 0)
        .collect();
    let n_positions = model.positions.len();
    let mut body = Body::synthetic(&[], vec![Vec::new(); n_actors]);
    body.default_rule.rule = treaty::model::Rule::Majority;
    model.bodies.push(body);
    for c in 0..n_clauses {
        let loc = model.treaties[0].clauses[c].loc;
        match rng.below(4) {
            0 => model.treaties[0].clauses[c].requires.push(Requirement::one(
                Target::Actor(actors[rng.below(n_actors)]),
                loc,
            )),
            1 => model.treaties[0].clauses[c].requires.push(Requirement::one(
                Target::Body {
                    body: BodyId(0),
                    rule: RuleId::Default,
                },
                loc,
            )),
            _ => {}
        }
    }
    // Drawn last, so that the treaties above are those of the seeds before these existed.
    for p in 0..n_positions {
        model.positions[p].rejects_package = rng.below(3) == 0;
        if rng.below(4) == 0 {
            let clause = ClauseRef {
                treaty: TreatyId(0),
                clause: rng.below(n_clauses),
            };
            let kind = match rng.below(3) {
                0 => StanceKind::Opposes,
                1 => StanceKind::Supports,
                _ => StanceKind::Abstains,
            };
            let loc = model.positions[p].loc;
            model.positions[p]
                .stances
                .push(Stance { kind, clause, loc });
        }
    }
    model
}

/// What the random treaties exercised, to show the generator reaches every outcome.
#[derive(Clone, Copy, Default)]
struct Seen {
    infeasible: usize,
    /// With an objection.
    objecting: usize,
    /// With an objection to only some of the clauses (the per-clause default at work).
    partial: usize,
    /// With a knock-on no vote.
    knock_on: usize,
    /// With a guaranteed red line left open.
    unguaranteed: usize,
}

impl std::ops::Add for Seen {
    type Output = Seen;
    fn add(self, o: Seen) -> Seen {
        Seen {
            infeasible: self.infeasible + o.infeasible,
            objecting: self.objecting + o.objecting,
            partial: self.partial + o.partial,
            knock_on: self.knock_on + o.knock_on,
            unguaranteed: self.unguaranteed + o.unguaranteed,
        }
    }
}

/// The uncapped answer against the most extreme cap, 0 (nothing listed but the conflicts
/// that explain an objection); the fixtures above also try 1 and 100.
fn check_seeds(seeds: impl Iterator<Item = u64>) -> Seen {
    let mut seen = Seen::default();
    for seed in seeds {
        let model = random_treaty(seed);
        let t = TreatyId(0);
        let full = analyse(&model, t, None);
        let what = format!("seed {seed}");
        explained(&model, &full).unwrap_or_else(|e| panic!("{what}: {e}"));
        agrees_with_enumeration(&model, &full).unwrap_or_else(|e| panic!("{what}: {e}"));
        let none = analyse(&model, t, Some(0));
        explained(&model, &none).unwrap_or_else(|e| panic!("{what}, cap 0: {e}"));
        assert_eq!(verdict(&none), verdict(&full), "{what}: cap 0 vs uncapped");
        let clauses = model.treaties[0].clauses.len();
        seen.infeasible += usize::from(!full.feasible);
        seen.objecting += usize::from(!full.objections.is_empty());
        seen.partial += usize::from(full.objections.iter().any(|o| o.clauses.len() < clauses));
        seen.unguaranteed += usize::from(!full.consistency.violated_guarantees.is_empty());
        seen.knock_on += usize::from(
            full.decisions
                .iter()
                .any(|d| d.no_reasons.values().any(|why| NoReason::all_knock_on(why))),
        );
    }
    seen
}

#[test]
fn ten_thousand_random_treaties_keep_their_verdict_under_every_cap() {
    const SEEDS: u64 = 10_000;
    // Two threads (the machines have two cores); each analysis has its own Z3 context.
    let (a, b) = std::thread::scope(|s| {
        let even = s.spawn(|| check_seeds((0..SEEDS).step_by(2)));
        let odd = s.spawn(|| check_seeds((1..SEEDS).step_by(2)));
        (
            even.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            odd.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    });
    let seen = a + b;
    // The generator must exercise every outcome, or the test proves nothing.
    let infeasible = seen.infeasible;
    assert!(
        infeasible > 1_000 && infeasible < 9_000,
        "{infeasible} of {SEEDS} infeasible"
    );
    assert!(
        seen.objecting > 1_000,
        "{} of {SEEDS} with an objection",
        seen.objecting
    );
    assert!(
        seen.partial > 1_000,
        "{} of {SEEDS} with an objection to some clauses only",
        seen.partial
    );
    assert!(
        seen.knock_on > 300,
        "{} of {SEEDS} with a knock-on no",
        seen.knock_on
    );
    assert!(
        seen.unguaranteed > 1_000,
        "{} of {SEEDS} with a guarantee left open",
        seen.unguaranteed
    );
}
