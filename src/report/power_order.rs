//! `treaty power --sort KEY --top N`: the rows of the power table reordered and cut. Rows
//! start in the body's member order; a sort is stable (ties keep that order), on exact
//! values: `banzhaf` and `shapley` from the largest down (a missing Shapley-Shubik value
//! last), `weight` by the body's weight dimensions in declared order, largest first (a
//! body without weights keeps its order), `name` by member id. `--top N` keeps the first
//! N rows after sorting; the report says so (`top` in JSON, a note in the text).

use std::cmp::Ordering;

use num_rational::BigRational;

use super::power::PowerReport;
use crate::model::Body;

/// The order of the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerSort {
    Name,
    Banzhaf,
    Shapley,
    Weight,
}

impl PowerSort {
    pub fn as_str(self) -> &'static str {
        match self {
            PowerSort::Name => "name",
            PowerSort::Banzhaf => "banzhaf",
            PowerSort::Shapley => "shapley",
            PowerSort::Weight => "weight",
        }
    }
}

fn exact(s: &str) -> Option<BigRational> {
    s.parse().ok()
}

/// Reorders and cuts `report`'s rows (in `body`'s member order on entry).
pub fn arrange(report: &mut PowerReport, body: &Body, sort: Option<PowerSort>, top: Option<usize>) {
    if let Some(key) = sort {
        let mut rows: Vec<(usize, _)> = std::mem::take(&mut report.members)
            .into_iter()
            .enumerate()
            .collect();
        let weights = |i: usize| body.members.get(i).map(|m| m.weights.clone());
        rows.sort_by(|(i, a), (j, b)| match key {
            PowerSort::Name => a.member.cmp(&b.member),
            PowerSort::Banzhaf => exact(&b.banzhaf.exact).cmp(&exact(&a.banzhaf.exact)),
            PowerSort::Shapley => {
                let v = |m: &super::power::MemberPowerWire| {
                    m.shapley_shubik.as_ref().and_then(|f| exact(&f.exact))
                };
                match (v(a), v(b)) {
                    (Some(x), Some(y)) => y.cmp(&x),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
            }
            PowerSort::Weight => weights(*j).cmp(&weights(*i)),
        });
        report.members = rows.into_iter().map(|(_, m)| m).collect();
        report.sort = Some(key.as_str().to_string());
    }
    if let Some(n) = top {
        if n < report.members.len() {
            report.members.truncate(n);
            report.top = Some(n);
        }
    }
}
