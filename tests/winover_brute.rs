//! Win-over sets against brute force.
//!
//! 1. One decision: random bodies of up to 6 members with random rules of every form and
//!    random fixed votes (tests/brute); for a decision that must pass and for a lapse, every
//!    subset of the voters that can be won over is tried on the `4^n` table of
//!    `passes_ballots` (won over: a yes, or for a lapse a free ballot; the decision goes
//!    its way when some profile keeping the fixed votes passes, or for a lapse fails), and
//!    the smallest such subsets must be exactly `voting::win_over`'s, with the count, the
//!    members in every set and the "any k of" reading.
//! 2. One clause: on the shipped library and the fixtures, for every blocked clause whose
//!    candidates are few, every subset of them is tried with
//!    `analysis::win_over::passes_when_won_over`, and the smallest that pass must be the
//!    report's.
//! 3. One clause, independently of that check: on the small fixtures and on random treaties
//!    (routes, lapses, procedures, preconditions), every subset of the candidates is taken
//!    out of every position and given one that supports the clause, and the treaty analysed
//!    afresh; the smallest after which the
//!    clause is adoptable must be the report's.

mod brute;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use brute::random::random_text;
use brute::{arb_case, Brute};
use proptest::prelude::*;
use treaty::analysis::win_over::{passes_when_won_over, WinOverResult};
use treaty::analysis::TreatyAnalysis;
use treaty::model::{ActorId, Holders, Loc, Model, Position, Stance, StanceKind, TreatyId};
use treaty::voting::{self, Vote, WinOver};

/// Every smallest subset of `candidates` that works, by brute force over all subsets.
fn brute_smallest<T: Copy + Ord>(
    candidates: &[T],
    mut works: impl FnMut(&[T]) -> bool,
) -> Option<BTreeSet<Vec<T>>> {
    let n = candidates.len();
    let mut best: Option<(usize, BTreeSet<Vec<T>>)> = None;
    for mask in 0..1usize << n {
        let set: Vec<T> = (0..n)
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| candidates[i])
            .collect();
        let size = set.len();
        if best.as_ref().is_some_and(|(b, _)| size > *b) || !works(&set) {
            continue;
        }
        match &mut best {
            Some((b, sets)) if *b == size => {
                sets.insert(set);
            }
            _ => best = Some((size, BTreeSet::from([set]))),
        }
    }
    best.map(|(_, sets)| sets)
}

/// The result agrees with the brute-force smallest sets, in every field.
fn agrees<T: Copy + Ord + std::fmt::Debug>(w: &WinOver<T>, brute: Option<BTreeSet<Vec<T>>>) {
    let Some(sets) = brute else {
        assert!(!w.possible, "brute force: nothing works; tool: {w:?}");
        return;
    };
    assert!(w.possible && w.complete && !w.at_least, "{w:?}");
    let size = sets.iter().next().map_or(0, Vec::len);
    assert_eq!(w.size, size, "size: {w:?} vs {sets:?}");
    assert_eq!(w.count, sets.len() as u64, "count: {w:?} vs {sets:?}");
    let listed: BTreeSet<Vec<T>> = w
        .sets
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.sort_unstable();
            s
        })
        .collect();
    assert_eq!(listed.len(), w.sets.len(), "duplicate sets: {w:?}");
    if sets.len() <= voting::SETS_KEPT {
        assert_eq!(listed, sets, "sets");
    } else {
        assert!(listed.is_subset(&sets));
    }
    let mut always: Vec<T> = sets
        .iter()
        .fold(None::<BTreeSet<T>>, |acc, s| {
            let s: BTreeSet<T> = s.iter().copied().collect();
            Some(match acc {
                None => s,
                Some(a) => a.intersection(&s).copied().collect(),
            })
        })
        .unwrap_or_default()
        .into_iter()
        .collect();
    always.sort_unstable();
    let mut tool_always = w.always.clone();
    tool_always.sort_unstable();
    assert_eq!(tool_always, always, "always");
    // "any k of S": exactly the sets `always` + a k-subset of S, and only when that is so.
    let union: BTreeSet<T> = sets.iter().flatten().copied().collect();
    let rest: Vec<T> = union
        .iter()
        .copied()
        .filter(|x| !always.contains(x))
        .collect();
    let k = size - always.len();
    let all_k = k_subsets(&rest, k)
        .into_iter()
        .map(|mut t| {
            t.extend(&always);
            t.sort_unstable();
            t
        })
        .collect::<BTreeSet<_>>();
    let expect_any = sets.len() > 1 && all_k == sets;
    match &w.any_of {
        Some((wk, of)) => {
            assert!(expect_any, "any_of {wk} of {of:?} but sets {sets:?}");
            let mut of = of.clone();
            of.sort_unstable();
            assert_eq!((*wk, of), (k, rest));
        }
        None => assert!(!expect_any, "sets {sets:?} are any {k} of {rest:?}"),
    }
}

fn k_subsets<T: Copy>(items: &[T], k: usize) -> Vec<Vec<T>> {
    if k == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        for mut rest in k_subsets(&items[i + 1..], k - 1) {
            rest.insert(0, items[i]);
            out.push(rest);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn decision_win_over_is_the_brute_force_one((body, rule, votes) in arb_case(6), lapse in any::<bool>()) {
        let brute = Brute::new(&body, &rule);
        let candidates: Vec<usize> = (0..votes.len())
            .filter(|&i| if lapse { votes[i] != Vote::Free } else { votes[i].withholds() })
            .collect();
        let switched = |set: &[usize]| {
            let mut v = votes.clone();
            for &i in set {
                v[i] = if lapse { Vote::Free } else { Vote::Yes };
            }
            v
        };
        let expected = brute_smallest(&candidates, |set| {
            let v = switched(set);
            if lapse { brute.can_fail(&v) } else { brute.can_pass(&v) }
        });
        let w = voting::win_over(&body, &rule, &votes, lapse, voting::WIN_OVER_CHECKS).unwrap();
        agrees(&w, expected);
    }
}

/// One-member consent against its definition: given by a yes (or a free vote), withheld
/// otherwise.
#[test]
fn consent_win_over() {
    for vote in [Vote::Yes, Vote::No, Vote::Abstain, Vote::Absent, Vote::Free] {
        for lapse in [false, true] {
            let goes = |v: Vote| voting::consent_goes(v, lapse);
            let cand: Vec<usize> = if (lapse && vote != Vote::Free) || (!lapse && vote.withholds())
            {
                vec![0]
            } else {
                Vec::new()
            };
            let expected = brute_smallest(&cand, |set| {
                goes(if set.is_empty() {
                    vote
                } else if lapse {
                    Vote::Free
                } else {
                    Vote::Yes
                })
            });
            agrees(&voting::win_over_consent(vote, lapse), expected);
        }
    }
}

fn treaty_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            if !p.ends_with("errors") {
                treaty_files(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "treaty") {
            out.push(p);
        }
    }
}

/// The clause-level sets of every blocked clause of the library and the fixtures against
/// every subset of the actors with a vote to win over (at most 12 of them).
#[test]
fn clause_win_over_is_the_brute_force_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    treaty_files(&root.join("rules/treaties"), &mut files);
    treaty_files(&root.join("tests/cases"), &mut files);
    let mut checked = 0;
    for file in &files {
        let Ok(model) = treaty::load(std::slice::from_ref(file)) else {
            continue;
        };
        let Ok(analyses) = treaty::analysis::analyse_all(&model, &Default::default()) else {
            continue;
        };
        for a in &analyses.decided {
            for (s, w) in a.clauses.iter().zip(&a.win_over.clauses) {
                let Some(WinOverResult::Sets(w)) = w else {
                    continue;
                };
                // The candidates: every voter or state of the clause's decisions.
                let mut cands: BTreeSet<ActorId> = BTreeSet::new();
                for d in a.decisions.iter().filter(|d| d.clause == s.clause) {
                    for (m, &v) in d.voters.iter().enumerate() {
                        let withholding = if d.lapse {
                            d.votes[m] != Vote::Free
                        } else {
                            d.votes[m].withholds()
                        };
                        if withholding {
                            cands.insert(v);
                        }
                    }
                    cands.extend(d.consent_of);
                }
                if cands.len() > 12 {
                    continue;
                }
                let cands: Vec<ActorId> = cands.into_iter().collect();
                let expected = brute_smallest(&cands, |set| {
                    passes_when_won_over(&model, a, s.clause, set).unwrap()
                });
                agrees(w, expected);
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} blocked clauses checked");
}

/// The clause-level sets again, by an independent route through the whole pipeline: an
/// actor won over is, for the clause, an actor that holds no position but one that
/// supports the clause (so it votes yes on it, and the voters of a procedure that follow
/// it follow that yes; a voter won over has a vote of its own). Every subset of the candidates (every voter and state of the clause's decisions)
/// is taken out of every position and the treaty analysed afresh; the smallest subsets
/// after which the clause is adoptable must be exactly the report's (none at all when it
/// says the clause cannot pass).
fn agrees_with_fresh_analyses(model: &Model, a: &TreatyAnalysis, max_candidates: usize) -> usize {
    let opts = treaty::solve::Options::default();
    let mut checked = 0;
    for (s, w) in a.clauses.iter().zip(&a.win_over.clauses) {
        let Some(w) = w else {
            continue;
        };
        let mut cands: BTreeSet<ActorId> = BTreeSet::new();
        for d in a.decisions.iter().filter(|d| d.clause == s.clause) {
            cands.extend(d.voters.iter().copied());
            cands.extend(d.consent_of);
        }
        if cands.len() > max_candidates {
            continue;
        }
        let cands: Vec<ActorId> = cands.into_iter().collect();
        let expected = brute_smallest(&cands, |set| {
            let mut m = model.clone();
            for p in &mut m.positions {
                p.held_by.retain(|x| !set.contains(x));
            }
            m.positions.push(Position {
                id: "WON_OVER".into(),
                source: None,
                doc: None,
                holders: Holders::Actors(set.to_vec()),
                held_by: set.to_vec(),
                red_lines: Vec::new(),
                stances: vec![Stance {
                    kind: StanceKind::Supports,
                    clause: s.clause,
                    loc: Loc::default(),
                }],
                rejects_package: false,
                loc: Loc::default(),
            });
            let fresh = treaty::analysis::analyse(&m, a.treaty, &opts).unwrap();
            fresh.clause(s.clause).unwrap().adoptable
        });
        match w {
            WinOverResult::Sets(w) => agrees(w, expected),
            WinOverResult::Cannot(why) => {
                assert_eq!(expected, None, "{why:?}, but some set passes it")
            }
        }
        checked += 1;
    }
    checked
}

/// On the small fixtures.
#[test]
fn clause_win_over_agrees_with_fresh_analyses_on_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    treaty_files(&root.join("tests/cases/winover"), &mut files);
    treaty_files(&root.join("tests/cases/decisions"), &mut files);
    let mut checked = 0;
    for file in &files {
        let Ok(model) = treaty::load(std::slice::from_ref(file)) else {
            continue;
        };
        let analyses = treaty::analysis::analyse_all(&model, &Default::default()).unwrap();
        for a in &analyses.decided {
            checked += agrees_with_fresh_analyses(&model, a, 6);
        }
    }
    assert!(checked >= 5, "only {checked} clauses checked");
}

/// On random treaties with routes, lapses, preconditions, domestic procedures, `each of`
/// and every kind of stance (the generator of tests/voting_differential.rs).
#[test]
fn clause_win_over_agrees_with_fresh_analyses_on_random_treaties() {
    const SEEDS: u64 = 150;
    let mut checked = 0;
    for seed in 0..SEEDS {
        let text = random_text(seed);
        let Ok(model) = treaty::load_str("random.treaty", &text) else {
            continue;
        };
        let a = treaty::analysis::analyse(&model, TreatyId(0), &Default::default()).unwrap();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            agrees_with_fresh_analyses(&model, &a, 5)
        }));
        match run {
            Ok(n) => checked += n,
            Err(_) => panic!("seed {seed} (above); the source:\n{text}"),
        }
    }
    assert!(checked >= 50, "only {checked} blocked clauses checked");
}
