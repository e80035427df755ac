//! Rules and exact numbers back to text, for reports. Without quotas a rule's text parses
//! back to the same rule; with quotas each threshold also gives its exact integer meaning
//! for this body. Rationals are rounded exactly, never through a float.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::types::{Base, Body, Bound, Dim, Ratio, Rule};

/// A voting rule as the language writes it; `member` names member `i` of the body. With
/// `quotas`, thresholds carry their integer form: `at least 55% of members (at least 15 of
/// 27 members)`, computed exactly as the evaluator decides (`100 * yes >= 55 * total`).
pub fn rule_text(
    body: &Body,
    rule: &Rule,
    member: &dyn Fn(usize) -> String,
    quotas: bool,
) -> String {
    /// `inside`: the connective this rule stands in (`Some(true)` for `and`), so that a
    /// nested connective of the other kind gets parentheses (`(a and b) or c`).
    fn go(
        body: &Body,
        rule: &Rule,
        member: &dyn Fn(usize) -> String,
        quotas: bool,
        inside: Option<bool>,
    ) -> String {
        let word = |strict: bool| if strict { "more than" } else { "at least" };
        let list = |ms: &[usize]| ms.iter().map(|&m| member(m)).collect::<Vec<_>>().join(", ");
        let n = body.members.len() as u64;
        let with = |text: String, quota: String| {
            if quotas {
                format!("{text} ({quota})")
            } else {
                text
            }
        };
        match rule {
            Rule::Unanimity => with("unanimity".into(), format!("all {n} members")),
            Rule::Majority => with(
                "majority".into(),
                format!("at least {} of {n} members", n / 2 + 1),
            ),
            Rule::Share {
                dim,
                strict,
                percent,
            } => {
                let total = u128::from(body.total(*dim));
                let least = Ratio::Percent(*percent)
                    .least_weight(total, *strict)
                    .map_or_else(|| "?".to_string(), |q| q.to_string());
                let d = body.dim_name(*dim);
                with(
                    format!("{} {percent} of {d}", word(*strict)),
                    format!("at least {least} of {total} {d}"),
                )
            }
            Rule::Count { dim, strict, count } => {
                format!("{} {count} {}", word(*strict), body.dim_name(*dim))
            }
            Rule::ShareOf {
                dim,
                strict,
                ratio,
                base,
            } => {
                let d = body.dim_name(*dim);
                let of = match base {
                    Base::All => d.to_string(),
                    Base::Cast => format!("{d} cast"),
                    Base::Present => format!("{d} present"),
                };
                format!("{} {ratio} of {of}", word(*strict))
            }
            Rule::Withheld {
                dim,
                strict,
                bound,
                what,
            } => format!(
                "{} {} {}",
                if *strict { "less than" } else { "at most" },
                bound_text(body, *dim, *bound),
                what.word()
            ),
            Rule::Quorum { dim, strict, bound } => format!(
                "quorum {} {}",
                word(*strict),
                bound_text(body, *dim, *bound)
            ),
            Rule::AtMostAgainst(k) => format!("at most {k} members against"),
            Rule::NoVetoFrom(ms) => format!("no veto from {}", list(ms)),
            Rule::AllOf(ms) => format!("all of {}", list(ms)),
            Rule::And(parts) | Rule::Or(parts) => {
                let and = matches!(rule, Rule::And(_));
                let s = parts
                    .iter()
                    .map(|p| go(body, p, member, quotas, Some(and)))
                    .collect::<Vec<_>>()
                    .join(if and { " and " } else { " or " });
                if inside == Some(!and) {
                    format!("({s})")
                } else {
                    s
                }
            }
        }
    }
    go(body, rule, member, quotas, None)
}

/// `3 members` or `2/3 of members`.
fn bound_text(body: &Body, dim: Dim, bound: Bound) -> String {
    let d = body.dim_name(dim);
    match bound {
        Bound::Count(c) => format!("{c} {d}"),
        Bound::Share(r) => format!("{r} of {d}"),
    }
}

/// `r` rounded half up (away from zero) to `places` decimals, e.g. `0.196270`.
pub fn decimal(r: &BigRational, places: u32) -> String {
    let scale = BigInt::from(10u32).pow(places);
    let num: BigInt = r.numer().abs() * &scale;
    let den: BigInt = r.denom().abs();
    let twice: BigInt = num * 2u32 + &den;
    let scaled: BigInt = twice.div_floor(&(den * 2u32));
    let digits = scaled.to_string();
    let places = places as usize;
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (int, frac) = padded.split_at(padded.len() - places);
    let sign = if r.is_negative() && !scaled.is_zero() {
        "-"
    } else {
        ""
    };
    if places == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}
