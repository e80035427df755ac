//! Property tests: every algorithm of this module against brute force, on random bodies
//! and random `and`/`or` trees of rules. The four-valued questions (decisions, sole
//! passers, `set_blocks`, the normalised `BallotGame`) are checked on bodies of up to 6
//! members against every one of the `4^n` ballot profiles, with every rule form (the
//! shared oracle `tests/brute/mod.rs`, over `passes_ballots`); power indices and the
//! two-valued projection (`BallotGame::binary`) on bodies of up to 12 against every
//! coalition, with `passes`. Compiled only in tests: `mod.rs` declares it under
//! #[cfg(test)].

use num_bigint::BigUint;
use num_rational::BigRational;
use num_traits::Zero;
use proptest::prelude::*;

#[path = "../../tests/brute/mod.rs"]
mod brute;

use super::ballots::BallotGame;
use super::game::Game;
use super::modular::Fold;
use super::power::{power_with, Strategy as Method};
use super::*;
use crate::model::synth::Rng;
use crate::model::{Ballot, Body, Dim, Percent, Rule};

/// A body with members `0..n` and the given dimensions; `weights[i]` lists member i's
/// value in each dimension.
pub(crate) fn body(dims: &[&str], weights: Vec<Vec<u64>>) -> Body {
    Body::synthetic(dims, weights)
}

fn yes_of(n: usize, mask: usize) -> Vec<bool> {
    (0..n).map(|i| mask >> i & 1 == 1).collect()
}

/// Swings and Shapley–Shubik by enumeration of every coalition and every order.
fn brute_power(body: &Body, rule: &Rule) -> (Vec<BigUint>, Vec<BigRational>) {
    let n = body.members.len();
    let wins: Vec<bool> = (0..1usize << n)
        .map(|m| passes(body, rule, &yes_of(n, m)))
        .collect();
    let fact = |k: usize| -> BigUint { (1..=k).map(BigUint::from).product() };
    let mut swings = vec![BigUint::zero(); n];
    let mut ss = vec![BigUint::zero(); n];
    for (mask, &won) in wins.iter().enumerate() {
        if won {
            continue;
        }
        let s = mask.count_ones() as usize;
        for i in 0..n {
            if mask >> i & 1 == 0 && wins[mask | 1 << i] {
                swings[i] += 1u32;
                ss[i] += fact(s) * fact(n - 1 - s);
            }
        }
    }
    let nf = fact(n);
    let ss = ss
        .into_iter()
        .map(|x| BigRational::new(x.into(), nf.clone().into()))
        .collect();
    (swings, ss)
}

/// Fewest members of `candidates` whose no, with `forced` no and all others yes, blocks.
fn brute_min_block(
    body: &Body,
    rule: &Rule,
    forced: &[usize],
    candidates: &[usize],
) -> Option<usize> {
    let n = body.members.len();
    let mut best: Option<usize> = None;
    for sub in 0..1usize << candidates.len() {
        let mut yes = vec![true; n];
        for &f in forced {
            yes[f] = false;
        }
        for (k, &c) in candidates.iter().enumerate() {
            if sub >> k & 1 == 1 {
                yes[c] = false;
            }
        }
        if !passes(body, rule, &yes) {
            let size = sub.count_ones() as usize;
            best = Some(best.map_or(size, |b: usize| b.min(size)));
        }
    }
    best
}

fn arb_leaf(n: usize) -> impl Strategy<Value = Rule> {
    let dim = prop_oneof![
        Just(Dim::Members),
        Just(Dim::Weight(0)),
        Just(Dim::Weight(1))
    ];
    let list = proptest::collection::vec(0..n, 0..=3);
    prop_oneof![
        Just(Rule::Unanimity),
        Just(Rule::Majority),
        (dim.clone(), any::<bool>(), 0u64..=1010).prop_map(|(dim, strict, numer)| Rule::Share {
            dim,
            strict,
            percent: Percent { numer, denom: 10 },
        }),
        (dim, any::<bool>(), 0u64..=60).prop_map(|(dim, strict, count)| Rule::Count {
            dim,
            strict,
            count,
        }),
        (0u64..=(n as u64 + 1)).prop_map(Rule::AtMostAgainst),
        list.clone().prop_map(Rule::NoVetoFrom),
        list.prop_map(Rule::AllOf),
    ]
}

fn arb_rule(n: usize) -> impl Strategy<Value = Rule> {
    arb_leaf(n).prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..=3).prop_map(Rule::And),
            proptest::collection::vec(inner, 1..=3).prop_map(Rule::Or),
        ]
    })
}

fn arb_case(max_n: usize) -> impl Strategy<Value = (Body, Rule, Vec<Vote>)> {
    (1..=max_n).prop_flat_map(|n| {
        let weights = proptest::collection::vec(
            proptest::collection::vec(prop_oneof![0u64..=3, 0u64..=30], 2),
            n,
        );
        let votes = proptest::collection::vec(
            prop_oneof![2 => Just(Vote::Free), 1 => Just(Vote::Yes), 1 => Just(Vote::No)],
            n,
        );
        (weights, arb_rule(n), votes)
            .prop_map(|(w, rule, votes)| (body(&["votes", "population"], w), rule, votes))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn normalised_game_agrees_with_passes((body, rule, _votes) in arb_case(8)) {
        let game = Game::new(&body, &rule).unwrap();
        let n = body.members.len();
        for mask in 0..1usize << n {
            let yes = yes_of(n, mask);
            prop_assert_eq!(game.wins(&yes), passes(&body, &rule, &yes), "mask {}", mask);
        }
    }

    /// `Game::vetoers` (sums once, each member by subtraction) against a `wins` call per
    /// member, as the definition reads.
    #[test]
    fn vetoers_by_subtraction_agree_with_wins((body, rule, _votes) in arb_case(8)) {
        let game = Game::new(&body, &rule).unwrap();
        let n = body.members.len();
        let all = vec![true; n];
        let expected: Vec<usize> = if game.wins(&all) {
            (0..n)
                .filter(|&i| {
                    let mut trial = all.clone();
                    trial[i] = false;
                    !game.wins(&trial)
                })
                .collect()
        } else {
            Vec::new()
        };
        prop_assert_eq!(game.vetoers(), expected);
    }

    #[test]
    fn power_matches_brute_force((body, rule, _votes) in arb_case(12)) {
        let (swings, ss) = brute_power(&body, &rule);
        let total: BigUint = swings.iter().sum();
        for strategy in [
            Method::Auto,
            Method::Table,
            Method::MeetInTheMiddle,
            Method::WeightOnly,
            Method::Modular { prime_bits: 62 },
            // Primes below 32 (31, 29, 23, ...): several primes even for a dozen members,
            // so the reconstruction is exercised.
            Method::Modular { prime_bits: 5 },
            // Each reading of the windows: at their own size, through the complements,
            // and split at (n - 1) / 2.
            Method::ModularFolded { prime_bits: 5, fold: Fold::Direct },
            Method::ModularFolded { prime_bits: 5, fold: Fold::Complement },
            Method::ModularFolded { prime_bits: 5, fold: Fold::Split },
        ] {
            let p = match power_with(&body, &rule, strategy) {
                Ok(p) => p,
                // Weight-only counting refuses rules that depend on the head count.
                Err(_) if strategy == Method::WeightOnly => continue,
                Err(e) => return Err(TestCaseError::fail(format!("{strategy:?}: {e}"))),
            };
            prop_assert_eq!(&p.total_swings, &total);
            for (i, m) in p.members.iter().enumerate() {
                prop_assert_eq!(&m.swings, &swings[i], "{:?} swings of {}", strategy, i);
                if let Some(s) = &m.shapley_shubik {
                    prop_assert_eq!(s, &ss[i], "{:?} SS of {}", strategy, i);
                } else {
                    prop_assert_eq!(strategy, Method::WeightOnly);
                }
                let half = BigUint::from(1u32) << (body.members.len() - 1);
                prop_assert_eq!(
                    &m.banzhaf_absolute,
                    &BigRational::new(swings[i].clone().into(), half.into())
                );
            }
            // Every ordering has at most one pivot: SS sums to 1, or 0 when none.
            if strategy == Method::Auto {
                let sum: BigRational = p.members.iter().filter_map(|m| m.shapley_shubik.clone()).sum();
                prop_assert!(sum.is_zero() || sum == BigRational::from_integer(1.into()));
            }
        }
    }

    #[test]
    fn decision_matches_brute_force((body, rule, votes) in arb_case(10)) {
        let n = body.members.len();
        let a = analyse_decision(&body, &rule, &votes).unwrap();
        let base: Vec<bool> = votes.iter().map(|v| *v != Vote::No).collect();
        prop_assert_eq!(a.can_pass, passes(&body, &rule, &base));
        // Veto players: a member not fixed yes whose vote alone decides.
        let mut vetoes = Vec::new();
        for i in 0..n {
            if votes[i] == Vote::Yes { continue; }
            let mut y = base.clone();
            y[i] = true;
            let with_yes = passes(&body, &rule, &y);
            y[i] = false;
            if with_yes && !passes(&body, &rule, &y) { vetoes.push(i); }
        }
        prop_assert_eq!(&a.veto_players, &vetoes);
        let fixed_no: Vec<usize> = (0..n).filter(|&i| votes[i] == Vote::No).collect();
        let free: Vec<usize> = (0..n).filter(|&i| votes[i] == Vote::Free).collect();
        if a.can_pass {
            prop_assert!(a.blockers.is_empty());
            let best = brute_min_block(&body, &rule, &fixed_no, &free);
            let got = a.smallest_blocking_coalition.clone();
            prop_assert_eq!(got.as_ref().map(|c| c.len()), best);
            if let Some(c) = got {
                let mut y = base.clone();
                for &i in &c {
                    prop_assert_eq!(votes[i], Vote::Free);
                    y[i] = false;
                }
                prop_assert!(!passes(&body, &rule, &y));
                prop_assert!(c.windows(2).all(|w| w[0] < w[1]));
            }
        } else {
            prop_assert_eq!(a.smallest_blocking_coalition.clone(), Some(vec![]));
            let best = brute_min_block(&body, &rule, &[], &fixed_no);
            prop_assert_eq!(Some(a.blockers.len()), best);
            let mut y = vec![true; n];
            for &i in &a.blockers {
                prop_assert_eq!(votes[i], Vote::No);
                y[i] = false;
            }
            prop_assert!(!passes(&body, &rule, &y));
        }
    }
}

/// The two-valued meaning of the first version's rule forms, written out from their
/// old definitions (yes weight against the totals, `at most k against` as `n - yes <= k`,
/// `no veto from` as "each listed member votes yes"), so that the two-valued projection
/// of the four-valued game, and with it every power index, is seen to be unchanged.
fn old_passes(body: &Body, rule: &Rule, yes: &[bool]) -> bool {
    let n = body.members.len();
    let yes_w = |dim: Dim| -> u128 {
        (0..n)
            .filter(|&i| yes[i])
            .map(|i| u128::from(body.weight(i, dim)))
            .sum()
    };
    let count = yes.iter().filter(|&&y| y).count() as u128;
    match rule {
        Rule::Unanimity => yes.iter().all(|&y| y),
        Rule::Majority => 2 * count > n as u128,
        Rule::Share {
            dim,
            strict,
            percent,
        } => {
            let lhs = yes_w(*dim) * 100 * u128::from(percent.denom);
            let rhs = u128::from(percent.numer) * u128::from(body.total(*dim));
            if *strict {
                lhs > rhs
            } else {
                lhs >= rhs
            }
        }
        Rule::Count { dim, strict, count } => {
            let y = yes_w(*dim);
            if *strict {
                y > u128::from(*count)
            } else {
                y >= u128::from(*count)
            }
        }
        Rule::AtMostAgainst(k) => n as u128 - count <= u128::from(*k),
        Rule::NoVetoFrom(list) | Rule::AllOf(list) => list.iter().all(|&i| yes[i]),
        Rule::And(rs) => rs.iter().all(|r| old_passes(body, r, yes)),
        Rule::Or(rs) => rs.iter().any(|r| old_passes(body, r, yes)),
        other => panic!("not a rule form of the first version: {other:?}"),
    }
}

/// A random subset of `0..n` (bit `i` of `mask`).
fn members_of(n: usize, mask: u32) -> Vec<usize> {
    (0..n).filter(|&i| mask >> i & 1 == 1).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// The normalised four-valued game, the reference evaluator on every ballot profile,
    /// and the properties the algorithms rely on: yes is the best ballot (a yes in place
    /// of any ballot never turns a pass into a fail), the two-valued `passes` is
    /// `passes_ballots` with every other ballot a no, and the two-valued projection
    /// (`BallotGame::binary`, the game of the power indices) is `passes`.
    #[test]
    fn ballot_game_agrees_with_passes_ballots((body, rule, _votes) in brute::arb_case(6)) {
        let n = body.members.len();
        let game = BallotGame::new(&body, &rule).unwrap();
        let brute = brute::Brute::new(&body, &rule);
        for p in 0..1usize << (2 * n) {
            let ballots = brute::profile(n, p);
            let pass = brute.passes(&ballots);
            prop_assert_eq!(game.passes(&ballots), pass, "profile {:?}", ballots);
            if pass {
                for i in 0..n {
                    let mut up = ballots.clone();
                    up[i] = Ballot::Yes;
                    prop_assert!(brute.passes(&up), "yes is worse than {:?}", ballots[i]);
                }
            }
        }
        let binary = game.binary();
        for mask in 0..1usize << n {
            let yes = yes_of(n, mask);
            let as_no: Vec<Ballot> = yes
                .iter()
                .map(|&y| if y { Ballot::Yes } else { Ballot::No })
                .collect();
            prop_assert_eq!(passes(&body, &rule, &yes), passes_ballots(&body, &rule, &as_no));
            prop_assert_eq!(binary.wins(&yes), passes(&body, &rule, &yes), "mask {}", mask);
        }
    }

    /// Every answer of `analyse_decision`, `sole_passers` and `set_blocks` against the
    /// table of every ballot profile, with fixed yes, no, abstain and absent votes.
    #[test]
    fn four_valued_decision_matches_brute_force(
        (body, rule, votes) in brute::arb_case(6),
        subset in any::<u32>(),
    ) {
        let n = body.members.len();
        let brute = brute::Brute::new(&body, &rule);
        let a = analyse_decision(&body, &rule, &votes).unwrap();
        prop_assert_eq!(a.can_pass, brute.can_pass(&votes), "can pass");
        prop_assert_eq!(a.can_fail, brute.can_fail(&votes), "can fail");
        let (players, ballots) = brute.veto(&votes);
        prop_assert_eq!(&a.veto_players, &players, "veto players");
        prop_assert_eq!(&a.veto_ballots, &ballots, "veto ballots");
        // "No passing profile with that ballot" is "fails with every other free member
        // voting yes": yes is the best ballot.
        prop_assert_eq!(brute.veto_others_yes(&votes), (players, ballots));
        let free: Vec<usize> = (0..n).filter(|&i| votes[i] == Vote::Free).collect();
        // The profile with the fixed votes, the free members yes, and `change` applied.
        let with = |change: &[(usize, Ballot)], fixed_too: bool| -> Vec<Ballot> {
            let mut b: Vec<Ballot> = votes
                .iter()
                .map(|v| v.fixed().filter(|_| fixed_too).unwrap_or(Ballot::Yes))
                .collect();
            for &(i, x) in change {
                b[i] = x;
            }
            b
        };
        let size = a.smallest_blocking_coalition.as_ref().map(Vec::len);
        prop_assert_eq!(size, brute.min_blocking_size(&votes), "smallest coalition");
        if a.can_pass {
            prop_assert!(a.blockers.is_empty());
            if let Some(c) = &a.smallest_blocking_coalition {
                prop_assert_eq!(c.len(), a.coalition_ballots.len());
                prop_assert!(c.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(c.iter().all(|i| free.contains(i)));
                prop_assert!(a.coalition_ballots.iter().all(|&b| b != Ballot::Yes));
                let change: Vec<(usize, Ballot)> =
                    c.iter().copied().zip(a.coalition_ballots.iter().copied()).collect();
                prop_assert!(!brute.passes(&with(&change, true)), "the coalition does not block");
            } else {
                prop_assert!(a.coalition_ballots.is_empty());
            }
        } else {
            prop_assert_eq!(a.smallest_blocking_coalition.clone(), Some(vec![]));
            prop_assert_eq!(Some(a.blockers.len()), brute.min_blockers_size(&votes), "blockers");
            let change: Vec<(usize, Ballot)> = a
                .blockers
                .iter()
                .map(|&i| (i, votes[i].fixed().unwrap_or(Ballot::Yes)))
                .collect();
            prop_assert!(a.blockers.iter().all(|&i| votes[i].withholds()));
            prop_assert!(!brute.passes(&with(&change, false)), "the blockers do not block");
        }
        prop_assert_eq!(sole_passers(&body, &rule).unwrap(), brute.sole_passers());
        let members = members_of(n, subset);
        for lapse in [false, true] {
            prop_assert_eq!(
                set_blocks(&body, &rule, &members, lapse).unwrap(),
                brute.set_blocks(&members, lapse),
                "set_blocks {:?} lapse {}", members, lapse
            );
        }
    }

    /// The two-valued projection of the first version's rule forms is their old meaning,
    /// and the power indices of every rule form are those of `passes` by enumeration.
    #[test]
    fn two_valued_projection_is_unchanged((body, rule, _votes) in arb_case(8)) {
        let game = Game::new(&body, &rule).unwrap();
        let n = body.members.len();
        for mask in 0..1usize << n {
            let yes = yes_of(n, mask);
            prop_assert_eq!(game.wins(&yes), old_passes(&body, &rule, &yes), "mask {}", mask);
        }
    }

    #[test]
    fn power_of_every_rule_form_matches_brute_force((body, rule, _votes) in brute::arb_case(6)) {
        let (swings, ss) = brute_power(&body, &rule);
        let p = power(&body, &rule).unwrap();
        for (i, m) in p.members.iter().enumerate() {
            prop_assert_eq!(&m.swings, &swings[i], "swings of {}", i);
            prop_assert_eq!(m.shapley_shubik.as_ref(), Some(&ss[i]), "SS of {}", i);
        }
    }
}

/// Deterministic weights for the larger cross-checks (the shared test generator `Rng`).
fn lcg_weights(n: usize, seed: u64, modulus: u64) -> Vec<Vec<u64>> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|k| vec![1 + rng.next_u31() % modulus + 400 / (k as u64 + 1)])
        .collect()
}

fn share(dim: Dim, numer: u64) -> Rule {
    Rule::Share {
        dim,
        strict: false,
        percent: Percent { numer, denom: 1 },
    }
}

/// Beyond brute force: the independent counting methods must agree with each other.
#[test]
fn counting_methods_agree_on_larger_bodies() {
    // 60 members, one weighted threshold: size × weight table vs weight-only table.
    let b = body(&["votes"], lcg_weights(60, 1, 150));
    let rule = share(Dim::Weight(0), 50);
    let table = power_with(&b, &rule, Method::Table).unwrap();
    let weight_only = power_with(&b, &rule, Method::WeightOnly).unwrap();
    for (x, y) in table.members.iter().zip(&weight_only.members) {
        assert_eq!(x.swings, y.swings);
    }
    let one: BigRational = table
        .members
        .iter()
        .map(|m| m.shapley_shubik.clone().unwrap())
        .sum();
    assert_eq!(one, BigRational::from_integer(1.into()));
    // 26 members, a QMV-like compound rule: table vs meet in the middle.
    let b = body(&["population"], lcg_weights(26, 2, 300));
    let qmv = Rule::Or(vec![
        Rule::And(vec![share(Dim::Members, 55), share(Dim::Weight(0), 65)]),
        Rule::AtMostAgainst(3),
    ]);
    let table = power_with(&b, &qmv, Method::Table).unwrap();
    let mitm = power_with(&b, &qmv, Method::MeetInTheMiddle).unwrap();
    assert_eq!(table.method, super::PowerMethod::CountingTable);
    assert_eq!(mitm.method, super::PowerMethod::MeetInTheMiddle);
    assert_eq!(table.members, mitm.members);
    let modular = power_with(&b, &qmv, Method::Modular { prime_bits: 62 }).unwrap();
    assert_eq!(modular.method, super::PowerMethod::ModularTable);
    assert_eq!(table.members, modular.members);
}

/// The modular table against the big-integer table on bodies whose counts pass 2^64
/// (several 62-bit primes) and 2^128, with distinct weights, size-dependent rules and
/// zero weights.
#[test]
fn modular_table_agrees_with_big_integer_table() {
    let amendment = Rule::And(vec![share(Dim::Members, 60), share(Dim::Weight(0), 85)]);
    let cases = [
        (lcg_weights(90, 3, 40), share(Dim::Weight(0), 50)),
        (lcg_weights(140, 4, 30), amendment.clone()),
        (lcg_weights(75, 5, 200), share(Dim::Weight(0), 67)),
        (
            (0..80)
                .map(|k| vec![if k % 7 == 0 { 0 } else { k % 13 + 1 }])
                .collect(),
            amendment,
        ),
    ];
    for (weights, rule) in cases {
        let b = body(&["votes"], weights);
        let table = power_with(&b, &rule, Method::Table).unwrap();
        for bits in [62, 31] {
            let modular = power_with(&b, &rule, Method::Modular { prime_bits: bits }).unwrap();
            assert_eq!(
                table.members,
                modular.members,
                "{} members, {bits}-bit",
                b.members.len()
            );
            assert_eq!(table.total_swings, modular.total_swings);
        }
    }
}

#[test]
fn three_dimensions_on_a_large_body_is_a_clear_error() {
    let w: Vec<Vec<u64>> = (0..30).map(|i| vec![i + 1, 31 - i]).collect();
    let b = body(&["votes", "population"], w);
    let rule = Rule::And(vec![share(Dim::Weight(0), 50), share(Dim::Weight(1), 50)]);
    match power(&b, &rule) {
        Err(PowerError::TooLarge(msg)) => assert!(msg.contains("enumeration"), "{msg}"),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

/// Majority of n equal members: every member swings for the C(n-1, n/2) coalitions of
/// exactly n/2 others (n even), and has Shapley–Shubik 1/n. At n = 70 and 130 the counts
/// pass 2^64 and 2^128, so this checks the multi-limb carries of every table, weighted
/// (votes 1 each) and by head count.
#[test]
fn equal_members_majority_closed_form() {
    for n in [70usize, 130] {
        let binom = |n: usize, k: usize| -> BigUint {
            (0..k).fold(BigUint::from(1u32), |acc, j| acc * (n - j) / (j + 1))
        };
        let expected = binom(n - 1, n / 2);
        let b = body(&["votes"], vec![vec![1]; n]);
        // More than 50% of votes, i.e. the same game as `Majority`.
        let strict = Rule::Share {
            dim: Dim::Weight(0),
            strict: true,
            percent: Percent {
                numer: 50,
                denom: 1,
            },
        };
        for (rule, method) in [
            (Rule::Majority, Method::Auto),
            (strict.clone(), Method::Table),
            (strict.clone(), Method::Modular { prime_bits: 62 }),
            (Rule::Majority, Method::Modular { prime_bits: 62 }),
            (strict.clone(), Method::Modular { prime_bits: 20 }),
            (strict, Method::WeightOnly),
        ] {
            let p = power_with(&b, &rule, method).unwrap();
            for m in &p.members {
                assert_eq!(m.swings, expected, "n {n} {method:?}");
                if method != Method::WeightOnly {
                    assert_eq!(
                        m.shapley_shubik.clone().unwrap(),
                        BigRational::new(1.into(), (n as u64).into())
                    );
                }
            }
        }
    }
}

/// A consent is a one-member body deciding by unanimity, for every vote.
#[test]
fn consent_is_unanimity_of_one() {
    let one = body(&[], vec![vec![]]);
    for vote in [Vote::Yes, Vote::No, Vote::Abstain, Vote::Absent, Vote::Free] {
        assert_eq!(
            crate::voting::consent(vote),
            analyse_decision(&one, &Rule::Unanimity, &[vote]).unwrap(),
            "{vote:?}"
        );
    }
}

/// A table over the memory budget is never built: with a tiny budget a large weighted body
/// gets exact Banzhaf from the lean weight-only table, and Shapley–Shubik is reported
/// missing with the memory it needs and the option that grants it; with the default budget
/// both indices come, and the swings agree.
#[test]
fn a_table_over_the_memory_budget_is_not_built() {
    let b = body(&["votes"], lcg_weights(60, 7, 200_000));
    let rule = share(Dim::Weight(0), 50);
    let lean = super::power_within(
        &b,
        &rule,
        super::PowerBudget {
            max_memory: 1 << 20,
            ..Default::default()
        },
    )
    .unwrap();
    let full = super::power(&b, &rule).unwrap();
    assert!(full.shapley_shubik_error.is_none());
    let why = lean
        .shapley_shubik_error
        .as_ref()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(why.contains("--max-memory") && why.contains("GiB"), "{why}");
    assert!(lean.members.iter().all(|m| m.shapley_shubik.is_none()));
    for (x, y) in lean.members.iter().zip(&full.members) {
        assert_eq!(x.swings, y.swings);
        assert_eq!(x.banzhaf, y.banzhaf);
    }
}

/// The thread count never changes a result: the shared modular table (column stripes per
/// worker, a barrier per row; in tests every row update wider than 8 cells is split) with
/// 1, 2 and 3 workers, on random weighted bodies and rules on the head count and a weight,
/// gives exactly what the big-integer table gives; and `--index banzhaf` (the weight-only
/// table) gives the same swings.
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let mut rng = Rng::new(15);
    for case in 0..24 {
        let n = 8 + (rng.next_u31() % 40) as usize;
        let modulus = 1 + rng.next_u31() % 60;
        let weights: Vec<Vec<u64>> = (0..n).map(|_| vec![rng.next_u31() % modulus]).collect();
        let percent = 30 + rng.next_u31() % 60;
        let rule = if case % 3 == 0 {
            Rule::And(vec![
                share(Dim::Members, 50),
                share(Dim::Weight(0), percent),
            ])
        } else {
            share(Dim::Weight(0), percent)
        };
        let b = body(&["votes"], weights);
        let exact = power_with(&b, &rule, Method::Table).unwrap();
        for threads in [1, 2, 3] {
            let budget = PowerBudget {
                threads,
                ..Default::default()
            };
            for bits in [31, 7] {
                let p = super::power::power_with_in(
                    &b,
                    &rule,
                    Method::Modular { prime_bits: bits },
                    budget,
                )
                .unwrap();
                assert_eq!(
                    p.members, exact.members,
                    "case {case}, {threads} threads, {bits}-bit"
                );
                assert_eq!(p.total_swings, exact.total_swings);
            }
            let banzhaf = power_within(
                &b,
                &rule,
                PowerBudget {
                    threads,
                    index: IndexChoice::Banzhaf,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(banzhaf.shapley_shubik_error, Some(PowerError::NotRequested));
            for (x, y) in banzhaf.members.iter().zip(&exact.members) {
                assert_eq!(
                    x.swings, y.swings,
                    "case {case}, {threads} threads, Banzhaf only"
                );
                assert!(x.shapley_shubik.is_none());
            }
        }
    }
}

/// The complement reading (`N_i(s)` counted at row n - 1 - s, through `T = N \ {i} \ S`)
/// against brute force: random bodies of 1 to 13 members (odd and even n, so that the
/// middle size is read both ways), weights with many ties and zeros, quotas from 5% to
/// 95% of the votes (below and above half), strict and not, with a head-count quota, an
/// `or` with a few-against clause, and a bare head count; every reading forced, on 1, 2
/// and 3 threads, with 31-bit and 5-bit primes (several primes, so the reconstruction
/// runs).
#[test]
fn complement_reading_agrees_with_brute_force() {
    let mut rng = Rng::new(1511);
    for case in 0..160 {
        let n = 1 + case % 13;
        let modulus = 1 + rng.next_u31() % 12;
        let weights: Vec<Vec<u64>> = (0..n).map(|_| vec![(rng.next_u31() % modulus)]).collect();
        let percent = 5 + (rng.next_u31() % 91);
        let weight = Rule::Share {
            dim: Dim::Weight(0),
            strict: rng.next_u31() % 2 == 0,
            percent: Percent {
                numer: percent,
                denom: 1,
            },
        };
        let rule = match case % 4 {
            0 => weight,
            1 => Rule::And(vec![
                share(Dim::Members, 20 + (rng.next_u31() % 70)),
                weight,
            ]),
            2 => Rule::Or(vec![weight, Rule::AtMostAgainst((rng.next_u31()) % 3)]),
            _ => share(Dim::Members, 10 + (rng.next_u31() % 85)),
        };
        let b = body(&["votes"], weights);
        let (swings, ss) = brute_power(&b, &rule);
        for fold in [Fold::Auto, Fold::Direct, Fold::Complement, Fold::Split] {
            for threads in [1, 2, 3] {
                for bits in [31, 5] {
                    let budget = PowerBudget {
                        threads,
                        ..Default::default()
                    };
                    let strategy = Method::ModularFolded {
                        prime_bits: bits,
                        fold,
                    };
                    let p = super::power::power_with_in(&b, &rule, strategy, budget).unwrap();
                    let what = format!("case {case}, {fold:?}, {threads} threads, {bits}-bit");
                    for (i, m) in p.members.iter().enumerate() {
                        assert_eq!(m.swings, swings[i], "{what}: swings of {i}");
                        assert_eq!(m.shapley_shubik.as_ref(), Some(&ss[i]), "{what}: SS of {i}");
                    }
                }
            }
        }
    }
}
