//! Three answers to the same voting questions must agree: `treaty::voting` (solver-free,
//! uses monotonicity), the Z3 encoding in `treaty::solve::voting`, and brute force over
//! every vote profile (no shortcut: "can pass", "veto" and "blocks" are checked against
//! all assignments of the free votes). Random bodies of up to 10 members with one or two
//! weight dimensions (weights up to 10^9, to exercise exact arithmetic), random rules of
//! every form in `and`/`or` trees, random fixed votes.
//!
//! The second part checks that the joint treaty question (`treaty_feasibility`) agrees
//! with `treaty::analysis` on the shipped plan (as shipped, and with the EU rejecting the
//! package) and the analysis fixtures.

use std::path::PathBuf;

use proptest::prelude::*;
use treaty::analysis;
use treaty::model::{Body, Dim, Model, Percent, Rule, TreatyId};
use treaty::solve;
use treaty::voting::{self, Vote};

fn body(dims: usize, weights: Vec<Vec<u64>>) -> Body {
    let names = ["votes", "population"];
    let weights = weights
        .into_iter()
        .map(|mut w| {
            w.truncate(dims);
            w
        })
        .collect();
    Body::synthetic(&names[..dims], weights)
}

// ---------------------------------------------------------------- brute force

/// Every answer by enumeration: `table[mask]` says whether the yes set `mask` passes.
struct Brute {
    n: usize,
    table: Vec<bool>,
    yes: u32,
    no: u32,
    free: u32,
}

impl Brute {
    fn new(body: &Body, rule: &Rule, votes: &[Vote]) -> Brute {
        let n = body.members.len();
        let table = (0..1u32 << n)
            .map(|m| {
                let yes: Vec<bool> = (0..n).map(|i| m >> i & 1 == 1).collect();
                voting::passes(body, rule, &yes)
            })
            .collect();
        let set = |want: Vote| {
            (0..n)
                .filter(|&i| votes[i] == want)
                .fold(0u32, |s, i| s | 1 << i)
        };
        Brute {
            n,
            table,
            yes: set(Vote::Yes),
            no: set(Vote::No),
            free: set(Vote::Free),
        }
    }

    /// Some profile with every member of `yes` voting yes and of `no` voting no passes.
    fn some_pass(&self, yes: u32, no: u32) -> bool {
        let full = (1u32 << self.n) - 1;
        let open = full & !yes & !no;
        // Every subset of the open members, added to `yes`.
        let mut sub = open;
        loop {
            if self.table[(yes | sub) as usize] {
                return true;
            }
            if sub == 0 {
                return false;
            }
            sub = (sub - 1) & open;
        }
    }

    fn can_pass(&self) -> bool {
        self.some_pass(self.yes, self.no)
    }

    fn veto_players(&self) -> Vec<usize> {
        (0..self.n)
            .filter(|&i| self.yes >> i & 1 == 0)
            .filter(|&i| {
                let bit = 1u32 << i;
                let (yes, no) = (self.yes & !bit, self.no & !bit);
                self.some_pass(yes | bit, no) && !self.some_pass(yes, no | bit)
            })
            .collect()
    }

    fn min_blocking_size(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut s = self.free;
        loop {
            let size = s.count_ones() as usize;
            if best.is_none_or(|b| size < b) && !self.some_pass(self.yes, self.no | s) {
                best = Some(size);
            }
            if s == 0 {
                return best;
            }
            s = (s - 1) & self.free;
        }
    }
}

// ---------------------------------------------------------------- strategies

fn arb_dim(dims: usize) -> BoxedStrategy<Dim> {
    if dims == 1 {
        prop_oneof![Just(Dim::Members), Just(Dim::Weight(0))].boxed()
    } else {
        prop_oneof![
            Just(Dim::Members),
            Just(Dim::Weight(0)),
            Just(Dim::Weight(1))
        ]
        .boxed()
    }
}

const ROUND: &[u64] = &[0, 10, 20, 25, 30, 40, 50, 60, 65, 70, 75, 80, 85, 90, 100];

/// A percentage with 0 to 6 decimals, from 0% to 100%.
fn arb_percent() -> impl Strategy<Value = Percent> {
    (0u32..=6).prop_flat_map(|e| {
        let denom = 10u64.pow(e);
        prop_oneof![
            1 => (0..=100 * denom).prop_map(move |numer| Percent { numer, denom }),
            // Round values (and a neighbour), where strict and non-strict thresholds are
            // met exactly by small totals.
            2 => (prop::sample::select(ROUND), 0u64..=3).prop_map(move |(p, d)| Percent {
                numer: match d {
                    0 => (p * denom).saturating_sub(1),
                    3 => (p * denom + 1).min(100 * denom),
                    _ => p * denom,
                },
                denom,
            }),
        ]
    })
}

fn arb_leaf(n: usize, dims: usize) -> impl Strategy<Value = Rule> {
    let list = proptest::collection::vec(0..n, 0..=3);
    prop_oneof![
        1 => Just(Rule::Unanimity),
        1 => Just(Rule::Majority),
        3 => (arb_dim(dims), any::<bool>(), arb_percent()).prop_map(|(dim, strict, percent)| {
            Rule::Share {
                dim,
                strict,
                percent,
            }
        }),
        2 => (
            arb_dim(dims),
            any::<bool>(),
            prop_oneof![0u64..=12, 0u64..=100, 0u64..=10_000_000_000]
        )
            .prop_map(|(dim, strict, count)| Rule::Count { dim, strict, count }),
        1 => (0u64..=(n as u64 + 1)).prop_map(Rule::AtMostAgainst),
        1 => list.clone().prop_map(Rule::NoVetoFrom),
        1 => list.prop_map(Rule::AllOf),
    ]
}

/// `and`/`or` trees of up to 3 levels above the leaves.
fn arb_rule(n: usize, dims: usize) -> impl Strategy<Value = Rule> {
    arb_leaf(n, dims).prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..=3).prop_map(Rule::And),
            proptest::collection::vec(inner, 1..=3).prop_map(Rule::Or),
        ]
    })
}

fn arb_case() -> impl Strategy<Value = (Body, Rule, Vec<Vote>)> {
    (1usize..=10, 1usize..=2).prop_flat_map(|(n, dims)| {
        // One scale per body, so that small totals (where thresholds are met exactly)
        // and huge ones (where scaled products overflow i32 and u64) both occur whole.
        let weight = |scale: u8| -> BoxedStrategy<u64> {
            match scale {
                0 => (0u64..=3).boxed(),
                1 => (0u64..=30).boxed(),
                2 => (0u64..=1_000_000_000).boxed(),
                3 => (999_999_990u64..=1_000_000_000).boxed(),
                _ => prop_oneof![0u64..=3, 0u64..=1_000_000_000].boxed(),
            }
        };
        let weights = (0u8..=4, 0u8..=4).prop_flat_map(move |(s0, s1)| {
            proptest::collection::vec((weight(s0), weight(s1)).prop_map(|(a, b)| vec![a, b]), n)
        });
        let votes = proptest::collection::vec(
            prop_oneof![2 => Just(Vote::Free), 1 => Just(Vote::Yes), 1 => Just(Vote::No)],
            n,
        );
        (weights, arb_rule(n, dims), votes)
            .prop_map(move |(w, rule, votes)| (body(dims, w), rule, votes))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn voting_z3_and_brute_force_agree((body, rule, votes) in arb_case()) {
        let opts = solve::Options::default();
        let brute = Brute::new(&body, &rule, &votes);
        let can_pass = brute.can_pass();
        let vetoes = brute.veto_players();
        let min_block = brute.min_blocking_size();

        let plain = voting::analyse_decision(&body, &rule, &votes).unwrap();
        prop_assert_eq!(plain.can_pass, can_pass, "voting: can pass");
        prop_assert_eq!(&plain.veto_players, &vetoes, "voting: veto players");
        prop_assert_eq!(
            plain.smallest_blocking_coalition.as_ref().map(Vec::len), min_block,
            "voting: smallest blocking coalition"
        );

        let z = solve::decision_summary(&body, &rule, &votes, &opts).unwrap();
        prop_assert_eq!(z.can_pass, can_pass, "z3: can pass");
        prop_assert_eq!(&z.veto_players, &vetoes, "z3: veto players");
        prop_assert_eq!(z.min_blocking_size, min_block, "z3: smallest blocking coalition");

        // The one-question entry points, each on its own solver.
        prop_assert_eq!(solve::decision_can_pass(&body, &rule, &votes, &opts).unwrap(), can_pass);
        prop_assert_eq!(solve::decision_veto_players(&body, &rule, &votes, &opts).unwrap(), vetoes);
        prop_assert_eq!(
            solve::decision_min_blocking_size(&body, &rule, &votes, &opts).unwrap(),
            min_block
        );
    }
}

/// Population-sized weights whose scaled products overflow `i32` (and `u64` with 6
/// decimals): the EU Council's qualified majority with Eurostat 2023 populations, the Z3
/// encoding against `voting`.
#[test]
fn eu_qmv_with_real_populations_agrees() {
    const EU27: [u64; 27] = [
        84_358_845, 68_070_697, 58_850_717, 48_059_777, 36_753_736, 19_051_562, 17_811_291,
        11_754_004, 10_827_529, 10_521_556, 10_467_366, 10_394_055, 9_597_085, 9_104_772,
        6_447_710, 5_932_654, 5_563_970, 5_428_792, 5_194_336, 3_850_894, 2_857_279, 2_116_792,
        1_883_008, 1_365_884, 920_701, 660_809, 542_051,
    ];
    let b = body(1, EU27.iter().map(|&p| vec![p, 0]).collect());
    let share = |dim, numer, denom| Rule::Share {
        dim,
        strict: false,
        percent: Percent { numer, denom },
    };
    let qmv = Rule::Or(vec![
        Rule::And(vec![
            share(Dim::Members, 55, 1),
            share(Dim::Weight(0), 65_000_001, 1_000_000),
        ]),
        Rule::AtMostAgainst(3),
    ]);
    let opts = solve::Options::default();
    for no in [&[][..], &[0, 1][..], &[0, 1, 2][..], &[0, 1, 26][..]] {
        let mut votes = vec![Vote::Free; 27];
        for &i in no {
            votes[i] = Vote::No;
        }
        let plain = voting::analyse_decision(&b, &qmv, &votes).unwrap();
        let z = solve::decision_summary(&b, &qmv, &votes, &opts).unwrap();
        assert_eq!(z.can_pass, plain.can_pass, "no votes {no:?}");
        assert_eq!(z.veto_players, plain.veto_players, "no votes {no:?}");
        assert_eq!(
            z.min_blocking_size,
            plain.smallest_blocking_coalition.map(|c| c.len()),
            "no votes {no:?}"
        );
    }
}

/// A budget too small to answer is reported as `Unknown`, never as an answer.
#[test]
fn exhausted_budget_is_unknown() {
    let b = body(1, (1..=12).map(|w| vec![w * 1_000_003, 0]).collect());
    let rule = Rule::Share {
        dim: Dim::Weight(0),
        strict: true,
        percent: Percent {
            numer: 50,
            denom: 1,
        },
    };
    let opts = solve::Options {
        rlimit: Some(1),
        ..solve::Options::default()
    };
    let r = solve::decision_summary(&b, &rule, &[Vote::Free; 12], &opts);
    assert!(matches!(r, Err(solve::JointError::GaveUp(_))), "got {r:?}");
}

#[test]
fn wrong_vote_count_is_an_error() {
    let b = body(1, vec![vec![1, 0], vec![2, 0]]);
    let r = solve::decision_can_pass(&b, &Rule::Majority, &[Vote::Yes], &Default::default());
    assert!(matches!(r, Err(solve::JointError::Invalid(_))), "got {r:?}");
}

// ---------------------------------------------------------------- the joint question

/// Z3's joint answer, given the fixed votes the analysis derives (`joint_input`), must match
/// the analysis clause by clause and decision by decision.
fn compare_with_analysis(path: &str) -> usize {
    let model = treaty::load(&[PathBuf::from(path)])
        .unwrap_or_else(|(_, d)| panic!("{path} does not load: {d:?}"));
    compare_model_with_analysis(&model, path)
}

fn compare_model_with_analysis(model: &Model, path: &str) -> usize {
    let opts = solve::Options::default();
    for t in (0..model.treaties.len()).map(TreatyId) {
        let a = analysis::analyse(model, t, &opts).unwrap();
        let j = solve::treaty_feasibility(model, t, &a.joint_input(model), &opts).unwrap();
        // Z3's input has as refusing only the parties that reject the package (they vote no
        // everywhere); a party whose red lines are violated without rejecting the package
        // refuses to sign as well, which the analysis decides, not the votes.
        let refusing_too = a
            .refusing_parties
            .iter()
            .any(|p| !j.refusing_parties.contains(p));
        assert_eq!(
            j.feasible && !refusing_too,
            a.feasible,
            "{path}: treaty {t} feasible"
        );
        assert!(
            j.refusing_parties
                .iter()
                .all(|p| a.refusing_parties.contains(p)),
            "{path}: refusing parties {:?} vs {:?}",
            j.refusing_parties,
            a.refusing_parties
        );
        // With contradictory facts no clause is adoptable in either; `contradictory` then
        // stays false in `analysis` (no clause is at fault), so content is not compared.
        let facts_ok = a.consistency.facts_contradiction.is_none();
        assert_eq!(j.clauses.len(), a.clauses.len());
        for (jc, ac) in j.clauses.iter().zip(&a.clauses) {
            let id = &model.clause(ac.clause).id;
            assert_eq!(jc.clause, ac.clause);
            assert_eq!(jc.adoptable, ac.adoptable, "{path}: clause {id} adoptable");
            if facts_ok {
                assert_eq!(
                    jc.content_holds, !ac.contradictory,
                    "{path}: clause {id} content"
                );
            }
        }
        for d in &a.decisions {
            let jc = &j.clauses[d.clause.clause];
            assert_eq!(
                jc.decisions_pass[d.requirement],
                d.can_pass,
                "{path}: clause {} decision {}",
                model.clause(d.clause).id,
                d.requirement
            );
        }
    }
    model.treaties.len()
}

#[test]
fn joint_feasibility_agrees_with_analysis_on_the_plan() {
    let path = "rules/treaties/peace-plan-28.treaty";
    let mut model = treaty::load(&[PathBuf::from(path)]).unwrap_or_else(|(_, d)| panic!("{d:?}"));
    let t = model.treaty_id("Plan28").unwrap();
    let opts = solve::Options::default();
    // As shipped, the EU members object to three points that need no EU decision: feasible.
    let a = analysis::analyse(&model, t, &opts).unwrap();
    let j = solve::treaty_feasibility(&model, t, &a.joint_input(&model), &opts).unwrap();
    assert!(j.feasible);
    compare_model_with_analysis(&model, path);
    // Had the EU's position said `rejects package`: infeasible, with some clauses blocked
    // (by knock-on) and some adoptable.
    for p in model
        .positions
        .iter_mut()
        .filter(|p| p.id == "EU_three_elements")
    {
        p.rejects_package = true;
    }
    let a = analysis::analyse(&model, t, &opts).unwrap();
    let j = solve::treaty_feasibility(&model, t, &a.joint_input(&model), &opts).unwrap();
    assert!(!j.feasible);
    assert!(j.clauses.iter().any(|c| c.adoptable));
    assert!(j.clauses.iter().any(|c| !c.adoptable));
    compare_model_with_analysis(&model, "the plan, rejecting the package");
}

#[test]
fn joint_feasibility_agrees_with_analysis_on_fixtures() {
    let mut seen = 0;
    for dir in ["tests/cases/analysis", "rules/examples"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "treaty"))
            .collect();
        files.sort();
        for f in files {
            seen += compare_with_analysis(f.to_str().unwrap());
        }
    }
    assert!(seen >= 5, "only {seen} treaties compared");
}
