//! `treaty power`: a table of every member's swings, absolute and normalised Banzhaf and
//! Shapley-Shubik index, exact values as fractions in JSON and decimals for people.

use std::fmt::Write;

use num_bigint::BigInt;
use num_rational::BigRational;
use serde_json::{json, Value as Json};

use crate::model::{BodyId, Model};
use crate::voting::PowerIndices;

/// `r` rounded to 6 decimals, exactly (no floats).
pub fn decimal(r: &BigRational) -> String {
    let scaled = (r * BigRational::from_integer(BigInt::from(1_000_000)))
        .round()
        .to_integer();
    let neg = scaled < BigInt::from(0);
    let digits = format!("{:0>7}", scaled.magnitude().to_string());
    let (int, frac) = digits.split_at(digits.len() - 6);
    format!("{}{int}.{frac}", if neg { "-" } else { "" })
}

fn fraction(r: &BigRational) -> String {
    format!("{}/{}", r.numer(), r.denom())
}

fn names(model: &Model, body: BodyId, ms: &[usize]) -> Vec<String> {
    ms.iter()
        .map(|&m| model.actors[model.bodies[body].members[m].actor].id.clone())
        .collect()
}

pub fn human(model: &Model, body: BodyId, rule: &str, p: &PowerIndices) -> String {
    let b = &model.bodies[body];
    let mut o = String::new();
    let list = |v: Vec<String>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    let _ = writeln!(
        o,
        "{} \"{}\", rule {rule}: {} members; quota: {}; vetoers: {}; dummies: {}",
        b.id,
        b.name,
        p.summary.members,
        p.summary.quota,
        list(names(model, body, &p.summary.vetoers)),
        list(names(model, body, &p.summary.dummies)),
    );
    let _ = writeln!(
        o,
        "{:<10} {:>24} {:>12} {:>12} {:>14}",
        "member", "swings", "banzhaf abs", "banzhaf", "shapley-shubik"
    );
    for mp in &p.members {
        let id = &model.actors[b.members[mp.member].actor].id;
        let ss = mp
            .shapley_shubik
            .as_ref()
            .map_or("n/a".to_string(), decimal);
        let _ = writeln!(
            o,
            "{:<10} {:>24} {:>12} {:>12} {:>14}",
            id,
            mp.swings.to_string(),
            decimal(&mp.banzhaf_absolute),
            decimal(&mp.banzhaf),
            ss
        );
    }
    let _ = writeln!(o, "total swings: {}", p.total_swings);
    if let Some(e) = &p.shapley_shubik_error {
        let _ = writeln!(o, "shapley-shubik not computed: {e}");
    }
    o
}

pub fn json(model: &Model, body: BodyId, rule: &str, p: &PowerIndices) -> Json {
    let b = &model.bodies[body];
    json!({
        "version": 1,
        "body": b.id,
        "rule": rule,
        "summary": {
            "members": p.summary.members,
            "quota": p.summary.quota,
            "vetoers": names(model, body, &p.summary.vetoers),
            "dummies": names(model, body, &p.summary.dummies),
        },
        "total_swings": p.total_swings.to_string(),
        "members": p.members.iter().map(|mp| json!({
            "actor": model.actors[b.members[mp.member].actor].id,
            "swings": mp.swings.to_string(),
            "banzhaf_absolute": {"exact": fraction(&mp.banzhaf_absolute), "decimal": decimal(&mp.banzhaf_absolute)},
            "banzhaf": {"exact": fraction(&mp.banzhaf), "decimal": decimal(&mp.banzhaf)},
            "shapley_shubik": mp.shapley_shubik.as_ref().map(|s| json!({"exact": fraction(s), "decimal": decimal(s)})),
        })).collect::<Vec<_>>(),
    })
}
