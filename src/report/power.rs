//! Rendering of power indices (`treaty power`): a human table and JSON wire types.
//!
//! Rows follow the member order of the body, so output is stable. Decimals are rounded
//! half up from the exact fractions (6 places); JSON carries the exact fractions as
//! strings (`"421/2145"`) and big integers as decimal strings, since JSON numbers lose
//! precision past 2^53.

use num_bigint::BigUint;
use num_rational::BigRational;
use schemars::JsonSchema;
use serde::Serialize;

use super::shorten;
use crate::model::display::{decimal, rule_text};
use crate::model::{Body, BodyId, Model, Rule, RuleId};
use crate::voting::{PowerBudget, PowerError, PowerIndices};

/// Version of the JSON document.
pub const POWER_JSON_VERSION: u32 = 1;

/// An exact fraction and its decimal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FractionWire {
    /// `numer/denom` in lowest terms (`"0/1"` for zero).
    pub exact: String,
    /// Rounded to 6 decimals.
    pub decimal: String,
}

impl FractionWire {
    pub fn new(r: &BigRational) -> Self {
        FractionWire {
            exact: format!("{}/{}", r.numer(), r.denom()),
            decimal: decimal(r, 6),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MemberPowerWire {
    pub member: String,
    /// Raw swing count, a decimal integer string.
    pub swings: String,
    pub banzhaf_absolute: FractionWire,
    pub banzhaf: FractionWire,
    /// Absent when Shapley–Shubik was over budget (see `shapley_shubik_error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shapley_shubik: Option<FractionWire>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PowerSummaryWire {
    pub members: usize,
    pub quota: String,
    pub vetoers: Vec<String>,
    pub dummies: Vec<String>,
}

/// The JSON document of `treaty power --format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PowerReport {
    pub version: u32,
    pub body: String,
    pub rule: String,
    pub summary: PowerSummaryWire,
    pub total_swings: String,
    pub method: String,
    pub members: Vec<MemberPowerWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shapley_shubik_error: Option<String>,
    /// Present when the rule treats abstaining or staying away differently from a no: the
    /// indices are of the two-valued game, with every withholding member voting no.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_valued: Option<String>,
    /// `--sort`: the key the rows are sorted by (absent: the body's member order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// `--top N`: only the first N rows are listed (absent when every member is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top: Option<usize>,
}

fn name_of(names: &[String], i: usize) -> String {
    names.get(i).cloned().unwrap_or_else(|| format!("#{i}"))
}

fn big(n: &BigUint) -> String {
    n.to_string()
}

/// The wire form of `power` for `body` under the rule `rule_name` (`rule`); `names[i]`
/// is the id shown for member i (e.g. the actor's short id).
/// The power report of `body` under its rule `rule`, members named by actor id, within
/// the memory budget.
pub fn for_body(
    model: &Model,
    body: BodyId,
    rule: RuleId,
    budget: PowerBudget,
) -> Result<PowerReport, PowerError> {
    let b = &model.bodies[body];
    let named = b.rule(rule);
    let p = crate::voting::power_within(b, &named.rule, budget)?;
    let names: Vec<String> = b
        .members
        .iter()
        .map(|m| model.actors[m.actor].id.clone())
        .collect();
    Ok(power_report(b, &named.name, &named.rule, &p, &names))
}

pub fn power_report(
    body: &Body,
    rule_name: &str,
    rule: &Rule,
    power: &PowerIndices,
    names: &[String],
) -> PowerReport {
    let name = |i: usize| name_of(names, i);
    PowerReport {
        version: POWER_JSON_VERSION,
        body: body.id.clone(),
        rule: rule_name.to_string(),
        summary: PowerSummaryWire {
            members: power.summary.members,
            quota: rule_text(body, rule, &name, true),
            vetoers: power.summary.vetoers.iter().map(|&i| name(i)).collect(),
            dummies: power.summary.dummies.iter().map(|&i| name(i)).collect(),
        },
        total_swings: big(&power.total_swings),
        method: format!("{:?}", power.method),
        members: power
            .members
            .iter()
            .map(|m| MemberPowerWire {
                member: name(m.member),
                swings: big(&m.swings),
                banzhaf_absolute: FractionWire::new(&m.banzhaf_absolute),
                banzhaf: FractionWire::new(&m.banzhaf),
                shapley_shubik: m.shapley_shubik.as_ref().map(FractionWire::new),
            })
            .collect(),
        shapley_shubik_error: power.shapley_shubik_error.as_ref().map(|e| e.to_string()),
        two_valued: crate::voting::withholding_matters(body, rule)
            .unwrap_or(false)
            .then(|| {
                "this rule treats abstaining or staying away differently from voting no; the indices are of the two-valued game, in which every member votes yes or no".to_string()
            }),
        sort: None,
        top: None,
    }
}

/// One line: `EU (rule qmv): 27 members; quota: ...; vetoers: none; dummies: none`.
pub fn render_power_summary(report: &PowerReport) -> String {
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    format!(
        "{} (rule {}): {} members; quota: {}; vetoers: {}; dummies: {}",
        report.body,
        report.rule,
        report.summary.members,
        report.summary.quota,
        list(&report.summary.vetoers),
        list(&report.summary.dummies)
    )
}

/// Widest member id in the human table; a longer one is cut and ends with `…` (the JSON
/// report keeps it whole).
const MAX_NAME_WIDTH: usize = 40;

/// The human table: summary line, then one row per member in body order. Member ids longer
/// than `MAX_NAME_WIDTH` are cut, so that the columns stay readable.
pub fn render_power_text(report: &PowerReport) -> String {
    let headers = [
        "member",
        "swings",
        "Banzhaf (abs)",
        "Banzhaf",
        "Shapley-Shubik",
    ];
    let rows: Vec<[String; 5]> = report
        .members
        .iter()
        .map(|m| {
            [
                shorten(&m.member, MAX_NAME_WIDTH, "…"),
                m.swings.clone(),
                m.banzhaf_absolute.decimal.clone(),
                m.banzhaf.decimal.clone(),
                m.shapley_shubik
                    .as_ref()
                    .map_or("n/a".to_string(), |f| f.decimal.clone()),
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    // Padded by hand: a `{:w$}` width above 65,535 panics.
    let line = |cells: [&str; 5]| -> String {
        let mut s = cells[0].to_string();
        s.push_str(&" ".repeat(widths[0].saturating_sub(cells[0].chars().count())));
        for (k, c) in cells.iter().enumerate().skip(1) {
            s.push_str("  ");
            s.push_str(&" ".repeat(widths[k].saturating_sub(c.chars().count())));
            s.push_str(c);
        }
        s.trim_end().to_string()
    };
    let mut out = render_power_summary(report);
    out.push('\n');
    out.push_str(&line(headers));
    out.push('\n');
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
        out.push('\n');
    }
    out.push_str(&format!("total swings: {}\n", report.total_swings));
    if let Some(e) = &report.shapley_shubik_error {
        out.push_str(&format!("note: Shapley-Shubik not computed: {e}\n"));
    }
    if let Some(n) = &report.two_valued {
        out.push_str(&format!("note: {n}\n"));
    }
    if let Some(n) = report.top {
        out.push_str(&format!(
            "note: the first {n} of {} members{} are listed\n",
            report.summary.members,
            report
                .sort
                .as_ref()
                .map(|k| format!(" by {k}"))
                .unwrap_or_default()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dim;
    use crate::voting::power;

    #[test]
    fn decimals_round_half_up() {
        let r = |n: i64, d: i64| BigRational::new(n.into(), d.into());
        assert_eq!(decimal(&r(421, 2145), 6), "0.196270");
        assert_eq!(decimal(&r(1, 8), 2), "0.13");
        assert_eq!(decimal(&r(0, 1), 6), "0.000000");
        assert_eq!(decimal(&r(3, 2), 0), "2");
        assert_eq!(decimal(&r(-1, 3), 3), "-0.333");
    }

    #[test]
    fn unsc_table_and_json() {
        let mut body = Body::synthetic(&[], vec![vec![]; 15]);
        body.id = "UNSC".into();
        let rule = Rule::And(vec![
            Rule::Count {
                dim: Dim::Members,
                strict: false,
                count: 9,
            },
            Rule::NoVetoFrom(vec![0, 1, 2, 3, 4]),
        ]);
        let names: Vec<String> = [
            "CHN", "FRA", "GBR", "RUS", "USA", "E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8",
            "E9", "E10",
        ]
        .map(String::from)
        .to_vec();
        let p = power(&body, &rule).unwrap();
        let report = power_report(&body, "default", &rule, &p, &names);
        let text = render_power_text(&report);
        let expected_head = "UNSC (rule default): 15 members; quota: at least 9 members and no veto from CHN, FRA, GBR, RUS, USA; vetoers: CHN, FRA, GBR, RUS, USA; dummies: none\n\
member  swings  Banzhaf (abs)   Banzhaf  Shapley-Shubik\n\
CHN        848       0.051758  0.166929        0.196270\n";
        assert!(text.starts_with(expected_head), "{text}");
        assert!(
            text.contains("E10         84       0.005127  0.016535        0.001865\n"),
            "{text}"
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["members"][0]["shapley_shubik"]["exact"], "421/2145");
        assert_eq!(json["members"][0]["shapley_shubik"]["decimal"], "0.196270");
        assert_eq!(json["members"][5]["swings"], "84");
        assert_eq!(json["version"], 1);
    }

    #[test]
    fn long_member_ids_are_cut_in_the_table_only() {
        let body = Body::synthetic(&[], vec![vec![]; 2]);
        let rule = Rule::Unanimity;
        let long = "a".repeat(70_000);
        let names = vec![long.clone(), "B".to_string()];
        let p = power(&body, &rule).unwrap();
        let report = power_report(&body, "default", &rule, &p, &names);
        let text = render_power_text(&report);
        let cut = format!("{}…", "a".repeat(MAX_NAME_WIDTH - 1));
        assert!(text.contains(&format!("\n{cut}  ")), "{text}");
        assert!(text.contains("\nB      "), "{text}");
        assert_eq!(report.members[0].member, long);
        assert_eq!(shorten("abc", 3, "…"), "abc");
        assert_eq!(shorten("abcd", 3, "…"), "ab…");
    }
}
