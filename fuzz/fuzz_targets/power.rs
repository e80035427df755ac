//! Exact power indices of a small body under a rule built from the input: at most 12
//! members, 0 to 2 weight dimensions, any rule form nested up to depth 3 (invalid rules
//! included: an out-of-range member or dimension, a zero denominator, a huge count).
//! `voting::power` must never panic (an error is fine), and when it answers:
//! - each member's swings equal a brute-force count over all 2^n coalitions with the
//!   reference evaluator `voting::passes`, and their sum is `total_swings`;
//! - absolute Banzhaf is `swings / 2^(n-1)`; normalised Banzhaf sums to 1 when anyone
//!   swings (and is 0 for everyone otherwise);
//! - Shapley–Shubik, when computed, sums to 1 when someone is ever pivotal, else is 0;
//! - the vetoers are exactly the members without whom the grand coalition loses (when it
//!   wins), and the dummies the members without a swing.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;
use num_rational::BigRational;
use num_traits::{One, Zero};
use treaty::model::{Body, Dim, Percent, Rule};
use treaty::voting;

const MAX_MEMBERS: usize = 12;
const DIMS: [&str; 2] = ["votes", "population"];

fn weight(u: &mut Unstructured) -> Result<u64> {
    Ok(match u.int_in_range(0..=15u8)? {
        0 => u.arbitrary::<u64>()?,
        1 => u.arbitrary::<u32>()? as u64,
        2..=4 => u.arbitrary::<u16>()? as u64,
        _ => u.int_in_range(0..=9u64)?,
    })
}

fn dim(u: &mut Unstructured, dims: usize) -> Result<Dim> {
    // One in sixteen names a dimension the body lacks.
    let k = u.int_in_range(0..=15u8)? as usize;
    Ok(if k == 15 {
        Dim::Weight(dims)
    } else {
        match k % (dims + 1) {
            0 => Dim::Members,
            j => Dim::Weight(j - 1),
        }
    })
}

fn members_list(u: &mut Unstructured, n: usize) -> Result<Vec<usize>> {
    let len = u.int_in_range(0..=n.min(4))?;
    (0..len).map(|_| u.int_in_range(0..=n)).collect()
}

fn count(u: &mut Unstructured) -> Result<u64> {
    Ok(if u.ratio(1u8, 16)? {
        u.arbitrary()?
    } else {
        u.int_in_range(0..=40u64)?
    })
}

fn rule(u: &mut Unstructured, n: usize, dims: usize, depth: u32) -> Result<Rule> {
    let forms = if depth == 0 { 7 } else { 9 };
    Ok(match u.int_in_range(0..=forms - 1)? {
        0 => Rule::Unanimity,
        1 => Rule::Majority,
        2 => {
            let denom = match u.int_in_range(0..=7u8)? {
                0 => 0,
                1 => u.arbitrary()?,
                k => 10u64.pow(k as u32 - 2),
            };
            let numer = if u.ratio(1u8, 8)? {
                u.arbitrary()?
            } else {
                u.int_in_range(0..=100u64)?.saturating_mul(denom.max(1))
                    / u.int_in_range(1..=3u64)?
            };
            Rule::Share {
                dim: dim(u, dims)?,
                strict: u.arbitrary()?,
                percent: Percent { numer, denom },
            }
        }
        3 => Rule::Count {
            dim: dim(u, dims)?,
            strict: u.arbitrary()?,
            count: count(u)?,
        },
        4 => Rule::AtMostAgainst(count(u)?),
        5 => Rule::NoVetoFrom(members_list(u, n)?),
        6 => Rule::AllOf(members_list(u, n)?),
        k => {
            let len = u.int_in_range(0..=3u8)?;
            let parts = (0..len)
                .map(|_| rule(u, n, dims, depth - 1))
                .collect::<Result<Vec<_>>>()?;
            if k == 7 {
                Rule::And(parts)
            } else {
                Rule::Or(parts)
            }
        }
    })
}

fn build(data: &[u8]) -> Result<(Body, Rule)> {
    let mut u = Unstructured::new(data);
    let n = u.int_in_range(1..=MAX_MEMBERS)?;
    let dims = u.int_in_range(0..=2usize)?;
    let weights = (0..n)
        .map(|_| {
            (0..dims)
                .map(|_| weight(&mut u))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    let body = Body::synthetic(&DIMS[..dims], weights);
    let r = rule(&mut u, n, dims, 3)?;
    Ok((body, r))
}

fn sum(values: impl Iterator<Item = BigRational>) -> BigRational {
    values.fold(BigRational::zero(), |a, b| a + b)
}

fuzz_target!(|data: &[u8]| {
    let Ok((body, rule)) = build(data) else {
        return;
    };
    let Ok(p) = voting::power(&body, &rule) else {
        return;
    };
    let n = body.members.len();
    assert_eq!(p.members.len(), n);
    assert_eq!(p.summary.members, n);

    // Brute force with the reference evaluator.
    let mut swings = vec![0u64; n];
    let mut pivotal = false;
    for mask in 0u32..(1 << n) {
        let yes: Vec<bool> = (0..n).map(|i| mask & (1 << i) != 0).collect();
        if voting::passes(&body, &rule, &yes) {
            continue;
        }
        for i in 0..n {
            if !yes[i] {
                let mut with = yes.clone();
                with[i] = true;
                if voting::passes(&body, &rule, &with) {
                    swings[i] += 1;
                    pivotal = true;
                }
            }
        }
    }
    for (i, m) in p.members.iter().enumerate() {
        assert_eq!(m.member, i);
        assert_eq!(
            m.swings,
            BigUint::from(swings[i]),
            "swings of member {i}: {rule:?} {body:?}"
        );
        let half = BigRational::from_integer((BigUint::one() << (n - 1)).into());
        assert_eq!(
            m.banzhaf_absolute,
            BigRational::from_integer(m.swings.clone().into()) / half
        );
    }
    let total: u64 = swings.iter().sum();
    assert_eq!(p.total_swings, BigUint::from(total));

    let banzhaf = sum(p.members.iter().map(|m| m.banzhaf.clone()));
    if total > 0 {
        assert_eq!(banzhaf, BigRational::one(), "normalised Banzhaf sums to 1");
    } else {
        assert!(p.members.iter().all(|m| m.banzhaf.is_zero()));
    }
    if p.shapley_shubik_error.is_none() {
        let ss = p.members.iter().map(|m| {
            m.shapley_shubik
                .clone()
                .expect("Shapley-Shubik present when there is no error")
        });
        let ss = sum(ss);
        if pivotal {
            assert_eq!(ss, BigRational::one(), "Shapley-Shubik sums to 1");
        } else {
            assert!(ss.is_zero());
        }
    }

    let all = vec![true; n];
    let vetoers: Vec<usize> = if voting::passes(&body, &rule, &all) {
        (0..n)
            .filter(|&i| {
                let mut without = all.clone();
                without[i] = false;
                !voting::passes(&body, &rule, &without)
            })
            .collect()
    } else {
        Vec::new()
    };
    assert_eq!(p.summary.vetoers, vetoers, "vetoers");
    let dummies: Vec<usize> = (0..n).filter(|&i| swings[i] == 0).collect();
    assert_eq!(p.summary.dummies, dummies, "dummies");
});
