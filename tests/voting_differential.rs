//! Three answers to the same voting questions must agree: `treaty::voting` (solver-free,
//! relies on yes being the best ballot), the Z3 encoding in `treaty::solve::voting`, and
//! brute force over every one of the `4^n` ballot profiles with `passes_ballots` (no
//! shortcut: "can pass", "veto", "blocks" and "passes alone" are read off the table by
//! their definitions). Random bodies of up to 6 members with one or two weight dimensions
//! (weights up to 10^9, to exercise exact arithmetic), random rules of every form
//! (shares of all members, of votes cast and of members present, percentages and
//! fractions, counts, withheld weight of each kind, quorums, vetoes) in `and`/`or` trees,
//! random fixed ballots (yes, no, abstain, absent) and free members.
//!
//! The second part checks that the joint treaty question (`treaty_feasibility`) and Z3's
//! structural answers agree with `treaty::analysis` (`verify_with_z3`, the check behind
//! `check --verify`) on the shipped treaties, the fixtures, and random treaties that use
//! routes, lapses, preconditions, domestic procedures, `each of` and abstentions.

mod brute;

use std::path::PathBuf;

use brute::random::random_text;
use brute::{arb_case, Brute};
use proptest::prelude::*;
use treaty::analysis;
use treaty::model::{Ballot, Body, Dim, Percent, Rule, TreatyId};
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

proptest! {
    // Each case asks Z3 about a dozen questions on six solvers (a few milliseconds each).
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn voting_z3_and_brute_force_agree((body, rule, votes) in arb_case(6)) {
        let opts = solve::Options::default();
        let brute = Brute::new(&body, &rule);
        let can_pass = brute.can_pass(&votes);
        let can_fail = brute.can_fail(&votes);
        let (vetoes, veto_ballots) = brute.veto(&votes);
        let min_block = brute.min_blocking_size(&votes);
        let sole = brute.sole_passers();

        let plain = voting::analyse_decision(&body, &rule, &votes).unwrap();
        prop_assert_eq!(plain.can_pass, can_pass, "voting: can pass");
        prop_assert_eq!(plain.can_fail, can_fail, "voting: can fail");
        prop_assert_eq!(&plain.veto_players, &vetoes, "voting: veto players");
        prop_assert_eq!(&plain.veto_ballots, &veto_ballots, "voting: veto ballots");
        prop_assert_eq!(
            plain.smallest_blocking_coalition.as_ref().map(Vec::len), min_block,
            "voting: smallest blocking coalition"
        );
        prop_assert_eq!(voting::sole_passers(&body, &rule).unwrap(), sole.clone());

        let z = solve::decision_summary(&body, &rule, &votes, &opts).unwrap();
        prop_assert_eq!(z.can_pass, can_pass, "z3: can pass");
        prop_assert_eq!(z.can_fail, can_fail, "z3: can fail");
        prop_assert_eq!(&z.veto_players, &vetoes, "z3: veto players");
        prop_assert_eq!(&z.veto_ballots, &veto_ballots, "z3: veto ballots");
        prop_assert_eq!(z.min_blocking_size, min_block, "z3: smallest blocking coalition");

        // The one-question entry points, each on its own solver.
        prop_assert_eq!(solve::decision_can_pass(&body, &rule, &votes, &opts).unwrap(), can_pass);
        let pairs: Vec<(usize, Vec<Ballot>)> =
            vetoes.iter().copied().zip(veto_ballots.iter().cloned()).collect();
        prop_assert_eq!(solve::decision_veto_players(&body, &rule, &votes, &opts).unwrap(), pairs);
        prop_assert_eq!(
            solve::decision_min_blocking_size(&body, &rule, &votes, &opts).unwrap(),
            min_block
        );
        prop_assert_eq!(solve::decision_sole_passers(&body, &rule, &opts).unwrap(), sole.clone());

        // Z3's free search, with no claim to confirm.
        let free = solve::decision_summary_with(&body, &rule, &votes, None, &opts).unwrap();
        prop_assert_eq!(&free, &z, "z3 free search");
        prop_assert_eq!(
            solve::decision_sole_passers_with(&body, &rule, None, &opts).unwrap(),
            sole
        );
    }
}

proptest! {
    // Each case asks Z3 a few dozen one-decision summaries (a few milliseconds each).
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn z3_confirms_no_wrong_claim((body, rule, votes) in arb_case(6)) {
        let opts = solve::Options::default();
        let brute = Brute::new(&body, &rule);
        let (vetoes, veto_ballots) = brute.veto(&votes);
        let sole = brute.sole_passers();
        let z = solve::DecisionSummary {
            can_pass: brute.can_pass(&votes),
            can_fail: brute.can_fail(&votes),
            veto_players: vetoes,
            veto_ballots,
            min_blocking_size: brute.min_blocking_size(&votes),
        };
        // Wrong claims and wrong certificates: Z3 does not confirm them and answers by its
        // own search, so the answer stays the brute-force one (and differs from a wrong
        // claim, which `check --verify` then reports).
        let claim = voting::decision_claim(&body, &rule, &votes).unwrap();
        for wrong in wrong_claims(&claim, body.members.len()) {
            let w = solve::decision_summary_with(&body, &rule, &votes, Some(&wrong), &opts).unwrap();
            prop_assert_eq!(&w, &z, "z3 from the wrong claim {:?}", wrong);
        }
        let sole_claim = voting::sole_passers_claim(&body, &rule).unwrap();
        for wrong in wrong_sole_claims(&sole_claim, body.members.len()) {
            let w = solve::decision_sole_passers_with(&body, &rule, Some(&wrong), &opts).unwrap();
            prop_assert_eq!(&w, &sole, "z3 from the wrong claim {:?}", wrong);
        }
    }
}

/// Claims that differ from `claim` in one answer or one certificate: the other answer on
/// can pass, a veto ballot added or dropped, the coalition size one off either way, a
/// certificate ballot changed.
fn wrong_claims(claim: &voting::DecisionClaim, n: usize) -> Vec<voting::DecisionClaim> {
    let mut out = Vec::new();
    let mut c = claim.clone();
    c.can_pass = !c.can_pass;
    out.push(c);
    for i in 0..n {
        let mut c = claim.clone();
        match c.veto_players.iter().position(|&p| p == i) {
            Some(k) => {
                c.veto_players.remove(k);
                c.veto_ballots.remove(k);
            }
            None => {
                let k = c.veto_players.partition_point(|&p| p < i);
                c.veto_players.insert(k, i);
                c.veto_ballots.insert(k, vec![Ballot::No]);
            }
        }
        out.push(c);
    }
    for size in [
        claim.min_blocking_size.map(|k| k + 1),
        claim.min_blocking_size.and_then(|k| k.checked_sub(1)),
        None,
    ] {
        if size != claim.min_blocking_size {
            let mut c = claim.clone();
            c.min_blocking_size = size;
            out.push(c);
        }
    }
    for (p, profile) in claim.passing.iter().enumerate() {
        for (i, b) in profile.iter().enumerate() {
            let mut c = claim.clone();
            c.passing[p][i] = Ballot::WITHHOLDING[b.index() % 3];
            out.push(c);
        }
    }
    if let Some(b) = &claim.blocking {
        for i in 0..b.len() {
            let mut c = claim.clone();
            if let Some(p) = c.blocking.as_mut() {
                p[i] = Ballot::Yes;
            }
            out.push(c);
        }
    }
    out
}

/// Sole-passer claims with one member added or dropped, or a certificate ballot changed.
fn wrong_sole_claims(claim: &voting::SolePassersClaim, n: usize) -> Vec<voting::SolePassersClaim> {
    let mut out = Vec::new();
    for i in 0..n {
        let mut c = claim.clone();
        match c.sole_passers.iter().position(|&p| p == i) {
            Some(k) => {
                c.sole_passers.remove(k);
            }
            None => {
                let k = c.sole_passers.partition_point(|&p| p < i);
                c.sole_passers.insert(k, i);
            }
        }
        out.push(c);
    }
    for (p, profile) in claim.failing.iter().enumerate() {
        for (i, b) in profile.iter().enumerate() {
            let mut c = claim.clone();
            c.failing[p][i] = if *b == Ballot::Yes {
                Ballot::No
            } else {
                Ballot::Yes
            };
            out.push(c);
        }
    }
    out
}

/// Population-sized weights whose scaled products overflow `i32` (and `u64` with 6
/// decimals): the EU Council's qualified majority with Eurostat 2023 populations, the Z3
/// encoding against `voting`, with no votes, abstentions and absences fixed.
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
    let fixed: [&[(usize, Vote)]; 6] = [
        &[],
        &[(0, Vote::No), (1, Vote::No)],
        &[(0, Vote::No), (1, Vote::No), (2, Vote::No)],
        &[(0, Vote::No), (1, Vote::No), (26, Vote::No)],
        &[(0, Vote::Abstain), (1, Vote::Abstain), (2, Vote::Abstain)],
        &[
            (0, Vote::No),
            (1, Vote::Absent),
            (2, Vote::Abstain),
            (3, Vote::No),
        ],
    ];
    for f in fixed {
        let mut votes = vec![Vote::Free; 27];
        for &(i, v) in f {
            votes[i] = v;
        }
        let plain = voting::analyse_decision(&b, &qmv, &votes).unwrap();
        let z = solve::decision_summary(&b, &qmv, &votes, &opts).unwrap();
        assert_eq!(z.can_pass, plain.can_pass, "votes {f:?}");
        assert_eq!(z.can_fail, plain.can_fail, "votes {f:?}");
        assert_eq!(z.veto_players, plain.veto_players, "votes {f:?}");
        assert_eq!(z.veto_ballots, plain.veto_ballots, "votes {f:?}");
        assert_eq!(
            z.min_blocking_size,
            plain.smallest_blocking_coalition.map(|c| c.len()),
            "votes {f:?}"
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

/// Z3's joint answer, given the fixed votes the analysis derives (`joint_input`), and its
/// structural answers must match the analysis at every level: treaty, clause, requirement,
/// route, decision (`verify_with_z3` lists every difference).
fn compare_with_analysis(model: &treaty::model::Model, what: &str) -> usize {
    let opts = solve::Options::default();
    for t in (0..model.treaties.len()).map(TreatyId) {
        let a = analysis::analyse(model, t, &opts).unwrap();
        let diffs = analysis::verify_with_z3(model, &a, &opts).unwrap();
        assert!(
            diffs.is_empty(),
            "{what}: treaty {t}:\n{}",
            diffs.join("\n")
        );
    }
    model.treaties.len()
}

fn load(path: &str) -> treaty::model::Model {
    treaty::load(&[PathBuf::from(path)])
        .unwrap_or_else(|(_, d)| panic!("{path} does not load: {d:?}"))
}

#[test]
fn joint_feasibility_agrees_with_analysis_on_the_plan() {
    let path = "rules/treaties/peace-plan-28.treaty";
    let mut model = load(path);
    let t = model.treaty_id("Plan28").unwrap();
    let opts = solve::Options::default();
    // As shipped, the EU members object to the points that conflict with their red lines.
    compare_with_analysis(&model, path);
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
    compare_with_analysis(&model, "the plan, rejecting the package");
}

#[test]
fn joint_feasibility_agrees_with_analysis_on_fixtures() {
    let mut seen = 0;
    for dir in [
        "tests/cases/analysis",
        "tests/cases/ok",
        "rules/examples",
        "rules/checks",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "treaty"))
            .collect();
        files.sort();
        for f in files {
            let path = f.to_str().unwrap();
            seen += compare_with_analysis(&load(path), path);
        }
    }
    assert!(seen >= 20, "only {seen} treaties compared");
}

// ---------------------------------------------------------------- random treaties

// The generator, `brute::random::random_text`, is shared with tests/winover_brute.rs.

#[test]
fn joint_feasibility_agrees_with_analysis_on_random_treaties() {
    const SEEDS: u64 = 200;
    let (mut loaded, mut feasible, mut lapses, mut procedures) = (0u64, 0u64, 0, 0);
    for seed in 0..SEEDS {
        let text = random_text(seed);
        let Ok(model) = treaty::load_str("random.treaty", &text) else {
            continue;
        };
        loaded += 1;
        procedures += usize::from(!model.procedures.is_empty());
        lapses += usize::from(
            model.treaties[0]
                .clauses
                .iter()
                .flat_map(|c| &c.requires)
                .flat_map(|q| &q.routes)
                .any(|r| r.lapse),
        );
        let opts = solve::Options::default();
        let a = analysis::analyse(&model, TreatyId(0), &opts).unwrap();
        feasible += u64::from(a.feasible);
        let diffs = analysis::verify_with_z3(&model, &a, &opts).unwrap();
        assert!(
            diffs.is_empty(),
            "seed {seed}:\n{}\n--- source\n{text}",
            diffs.join("\n")
        );
    }
    // The generator must load often and exercise both verdicts and the new forms.
    assert!(
        loaded >= SEEDS / 2,
        "only {loaded} of {SEEDS} random treaties load"
    );
    assert!(
        feasible > 5 && feasible < loaded - 5,
        "{feasible} of {loaded} feasible"
    );
    assert!(
        lapses > 10 && procedures > 10,
        "{lapses} with a lapse, {procedures} with procedures"
    );
}
