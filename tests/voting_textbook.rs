//! Textbook games with published values, the EU Council's qualified majority with real
//! populations, and error handling of `treaty::voting`.

use num_bigint::BigUint;
use num_rational::BigRational;
use treaty::model::{Body, Dim, Percent, Rule};
use treaty::voting::{
    analyse_decision, passes, power, smallest_blocking_coalition, veto_players, PowerMethod, Vote,
    VotingError,
};

/// A body whose member i has `weights[i]` in the dimensions `dims`.
fn body(dims: &[&str], weights: &[&[u64]]) -> Body {
    Body::synthetic(dims, weights.iter().map(|w| w.to_vec()).collect())
}

fn weighted(ws: &[u64]) -> Body {
    let rows: Vec<Vec<u64>> = ws.iter().map(|&w| vec![w]).collect();
    let refs: Vec<&[u64]> = rows.iter().map(|r| r.as_slice()).collect();
    body(&["votes"], &refs)
}

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}

fn at_least(dim: Dim, count: u64) -> Rule {
    Rule::Count {
        dim,
        strict: false,
        count,
    }
}

fn percent(dim: Dim, strict: bool, numer: u64) -> Rule {
    Rule::Share {
        dim,
        strict,
        percent: Percent { numer, denom: 1 },
    }
}

/// UN Security Council since 1965: 5 permanent members (indices 0-4) and 10 elected;
/// a substantive decision needs 9 votes and no veto from a permanent member.
fn unsc() -> (Body, Rule) {
    let none: &[u64] = &[];
    let b = body(&[], &[none; 15]);
    let rule = Rule::And(vec![
        at_least(Dim::Members, 9),
        Rule::NoVetoFrom(vec![0, 1, 2, 3, 4]),
    ]);
    (b, rule)
}

#[test]
fn unsc_shapley_shubik_and_banzhaf() {
    // Shapley–Shubik: 421/2145 (~0.1963) per permanent member, 4/2145 (~0.0019) per
    // elected member — P. D. Straffin, "Game Theory and Strategy" (MAA, 1993), ch. 19;
    // also Felsenthal & Machover, "The Measurement of Voting Power" (1998), sec. 9.
    // Banzhaf: 848 swings per permanent member (the other 4 permanent and 4..10 of the
    // elected: sum of C(10,k), k >= 4) and 84 = C(9,3) per elected member; normalised
    // 0.1669 and 0.0165 as in Felsenthal & Machover (1998).
    let (b, rule) = unsc();
    let p = power(&b, &rule).unwrap();
    for m in &p.members {
        let (ss, sw) = if m.member < 5 {
            (q(421, 2145), 848u32)
        } else {
            (q(4, 2145), 84)
        };
        assert_eq!(
            m.shapley_shubik.as_ref().unwrap(),
            &ss,
            "member {}",
            m.member
        );
        assert_eq!(m.swings, BigUint::from(sw));
    }
    assert_eq!(p.total_swings, BigUint::from(5080u32));
    assert_eq!(p.members[0].banzhaf, q(848, 5080));
    assert_eq!(p.members[5].banzhaf, q(84, 5080));
    assert_eq!(p.members[0].banzhaf_absolute, q(848, 1 << 14));
    assert_eq!(p.summary.vetoers, vec![0, 1, 2, 3, 4]);
    assert!(p.summary.dummies.is_empty());
    // The permanent members are exactly the veto players; one of them blocks alone.
    assert_eq!(veto_players(&b, &rule).unwrap(), vec![0, 1, 2, 3, 4]);
    assert_eq!(
        smallest_blocking_coalition(&b, &rule).unwrap(),
        Some(vec![0])
    );
}

#[test]
fn eec_1958_council() {
    // Council of the EEC 1958-1972: FRA, DEU, ITA 4 votes, BEL, NLD 2, LUX 1, quota 12
    // of 17. Felsenthal & Machover, "The Measurement of Voting Power" (1998), sec. 5.3:
    // LUX is a dummy; normalised Banzhaf 5/21 for the large members and 3/21 for BEL and
    // NLD; Shapley–Shubik 7/30 (0.233) and 3/20 (0.150).
    let b = weighted(&[4, 4, 4, 2, 2, 1]);
    let rule = at_least(Dim::Weight(0), 12);
    let p = power(&b, &rule).unwrap();
    let swings: Vec<BigUint> = p.members.iter().map(|m| m.swings.clone()).collect();
    let expected: Vec<BigUint> = [10u32, 10, 10, 6, 6, 0].map(BigUint::from).to_vec();
    assert_eq!(swings, expected);
    let bz: Vec<_> = p.members.iter().map(|m| m.banzhaf.clone()).collect();
    assert_eq!(
        bz,
        vec![q(5, 21), q(5, 21), q(5, 21), q(1, 7), q(1, 7), q(0, 1)]
    );
    let ss: Vec<_> = p
        .members
        .iter()
        .map(|m| m.shapley_shubik.clone().unwrap())
        .collect();
    assert_eq!(
        ss,
        vec![q(7, 30), q(7, 30), q(7, 30), q(3, 20), q(3, 20), q(0, 1)]
    );
    assert_eq!(p.summary.dummies, vec![5]);
    assert!(p.summary.vetoers.is_empty());
    assert_eq!(p.method, PowerMethod::CountingTable);
}

#[test]
fn weighted_6_4_3_2_1() {
    // [6; 4, 3, 2, 1], worked by hand: the coalitions without member 0 that it turns
    // into winners are {3}, {2}, {3,1}, {2,1}, {3,2} (by weight), so 5 swings; likewise
    // 3, 3 and 1. Shapley–Shubik: 5/12, 1/4, 1/4, 1/12.
    let b = weighted(&[4, 3, 2, 1]);
    let p = power(&b, &at_least(Dim::Weight(0), 6)).unwrap();
    let swings: Vec<u32> = p
        .members
        .iter()
        .map(|m| u32::try_from(&m.swings).unwrap())
        .collect();
    assert_eq!(swings, vec![5, 3, 3, 1]);
    let ss: Vec<_> = p
        .members
        .iter()
        .map(|m| m.shapley_shubik.clone().unwrap())
        .collect();
    assert_eq!(ss, vec![q(5, 12), q(1, 4), q(1, 4), q(1, 12)]);
}

#[test]
fn unanimity_and_veto_structure_shortcuts() {
    let b = weighted(&[5, 1, 1, 1]);
    let p = power(&b, &Rule::Unanimity).unwrap();
    assert_eq!(p.method, PowerMethod::Unanimity);
    for m in &p.members {
        assert_eq!(m.swings, BigUint::from(1u32));
        assert_eq!(m.shapley_shubik.clone().unwrap(), q(1, 4));
        assert_eq!(m.banzhaf, q(1, 4));
    }
    let p = power(&b, &Rule::AllOf(vec![0, 2])).unwrap();
    assert_eq!(p.method, PowerMethod::VetoStructure);
    assert_eq!(p.summary.vetoers, vec![0, 2]);
    assert_eq!(p.summary.dummies, vec![1, 3]);
    assert_eq!(p.members[0].swings, BigUint::from(4u32));
    assert_eq!(p.members[2].shapley_shubik.clone().unwrap(), q(1, 2));
}

/// Council of the EU, Eurostat population on 1 January 2023 (the figures of
/// `rules/institutions/eu-council.treaty`, which cites the source), largest first.
const EU27: [(&str, u64); 27] = [
    ("DEU", 84_358_845),
    ("FRA", 68_070_697),
    ("ITA", 58_850_717),
    ("ESP", 48_059_777),
    ("POL", 36_753_736),
    ("ROU", 19_051_562),
    ("NLD", 17_811_291),
    ("BEL", 11_754_004),
    ("CZE", 10_827_529),
    ("SWE", 10_521_556),
    ("PRT", 10_467_366),
    ("GRC", 10_394_055),
    ("HUN", 9_597_085),
    ("AUT", 9_104_772),
    ("BGR", 6_447_710),
    ("DNK", 5_932_654),
    ("FIN", 5_563_970),
    ("SVK", 5_428_792),
    ("IRL", 5_194_336),
    ("HRV", 3_850_894),
    ("LTU", 2_857_279),
    ("SVN", 2_116_792),
    ("LVA", 1_883_008),
    ("EST", 1_365_884),
    ("CYP", 920_701),
    ("LUX", 660_809),
    ("MLT", 542_051),
];

fn eu() -> (Body, Rule) {
    let rows: Vec<Vec<u64>> = EU27.iter().map(|(_, p)| vec![*p]).collect();
    let refs: Vec<&[u64]> = rows.iter().map(|r| r.as_slice()).collect();
    let b = body(&["population"], &refs);
    // (at least 55% of members and at least 65% of population) or at most 3 against.
    let qmv = Rule::Or(vec![
        Rule::And(vec![
            percent(Dim::Members, false, 55),
            percent(Dim::Weight(0), false, 65),
        ]),
        Rule::AtMostAgainst(3),
    ]);
    (b, qmv)
}

fn idx(code: &str) -> usize {
    EU27.iter().position(|(c, _)| *c == code).unwrap()
}

fn votes_no(codes: &[&str]) -> Vec<Vote> {
    let mut v = vec![Vote::Free; 27];
    for c in codes {
        v[idx(c)] = Vote::No;
    }
    v
}

#[test]
fn eu_qmv_blocking_minority_is_exact() {
    let (b, qmv) = eu();
    // 156,941,245 of 448,387,872 = 35.0012%: just over the 35% a blocking minority needs.
    let a = analyse_decision(&b, &qmv, &votes_no(&["DEU", "FRA", "HRV", "LUX"])).unwrap();
    assert!(a.blocked());
    assert_eq!(a.blockers.len(), 4, "all four are needed");
    assert!(a.veto_players.len() == 4);
    // Three states with 47% cannot block: a blocking minority needs four states.
    let a = analyse_decision(&b, &qmv, &votes_no(&["DEU", "FRA", "ITA"])).unwrap();
    assert!(a.can_pass);
    // ... but any fourth state would complete a blocking minority: all 24 can veto.
    assert_eq!(a.veto_players.len(), 24);
    assert_eq!(a.smallest_blocking_coalition.map(|c| c.len()), Some(1));
    // Unconstrained: four states, heaviest first.
    let c = smallest_blocking_coalition(&b, &qmv).unwrap().unwrap();
    assert_eq!(c, vec![idx("DEU"), idx("FRA"), idx("ITA"), idx("ESP")]);
    // Without Luxembourg the four fall just short.
    let mut yes = vec![true; 27];
    for c in ["DEU", "FRA", "HRV"] {
        yes[idx(c)] = false;
    }
    assert!(passes(&b, &qmv, &yes));
    yes[idx("MLT")] = false;
    assert!(passes(&b, &qmv, &yes), "DEU+FRA+HRV+MLT hold 34.98%");
}

#[test]
fn eu_qmv_power() {
    let (b, qmv) = eu();
    let p = power(&b, &qmv).unwrap();
    assert_eq!(p.method, PowerMethod::MeetInTheMiddle);
    let ss_sum: BigRational = p
        .members
        .iter()
        .map(|m| m.shapley_shubik.clone().unwrap())
        .sum();
    assert_eq!(ss_sum, q(1, 1));
    // Power grows with population.
    for w in p.members.windows(2) {
        assert!(w[0].swings >= w[1].swings);
    }
    assert!(p.summary.vetoers.is_empty() && p.summary.dummies.is_empty());
}

#[test]
fn ibrd_style_rules_block_greedily() {
    // A weighted majority: the heaviest members block first ({0, 2} would too).
    let b = weighted(&[40, 25, 10, 10, 5, 5, 5]);
    let rule = percent(Dim::Weight(0), true, 50);
    assert_eq!(
        smallest_blocking_coalition(&b, &rule).unwrap(),
        Some(vec![0, 1])
    );
    // 60% of members and 85% of votes: 16% of the votes block, here member 0 alone.
    let amend = Rule::And(vec![
        percent(Dim::Members, false, 60),
        percent(Dim::Weight(0), false, 85),
    ]);
    assert_eq!(veto_players(&b, &amend).unwrap(), vec![0, 1]);
    assert_eq!(
        smallest_blocking_coalition(&b, &amend).unwrap(),
        Some(vec![0])
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let b = weighted(&[1, 2, 3]);
    assert!(matches!(
        analyse_decision(&b, &Rule::Majority, &[Vote::Yes]),
        Err(VotingError::VoteCount {
            expected: 3,
            got: 1
        })
    ));
    assert!(analyse_decision(&b, &Rule::NoVetoFrom(vec![7]), &[Vote::Free; 3]).is_err());
    assert!(power(&b, &at_least(Dim::Weight(3), 1)).is_err());
    assert!(!passes(&b, &Rule::AllOf(vec![7]), &[true; 3]));
    let empty = body(&[], &[]);
    assert!(power(&empty, &Rule::Majority).is_err());
    // A rule nobody can block and one nobody can pass.
    let never_blocked = percent(Dim::Weight(0), false, 0);
    assert_eq!(
        smallest_blocking_coalition(&b, &never_blocked).unwrap(),
        None
    );
    let p = power(&b, &percent(Dim::Weight(0), true, 100)).unwrap();
    assert_eq!(p.method, PowerMethod::NoWinningCoalition);
}
