//! Rules and formulas back to text, for reports. The output parses back to the same rule.

use super::types::{Body, Rule};

/// A voting rule as the language writes it, with member ids spelt out.
pub fn rule_text(body: &Body, rule: &Rule, actor_id: &dyn Fn(usize) -> String) -> String {
    /// `inside`: the connective this rule stands in (`Some(true)` for `and`), so that a
    /// nested connective of the other kind gets parentheses (`(a and b) or c`).
    fn go(
        body: &Body,
        rule: &Rule,
        actor_id: &dyn Fn(usize) -> String,
        inside: Option<bool>,
    ) -> String {
        let quota = |strict: bool| if strict { "more than" } else { "at least" };
        let list = |ms: &[usize]| {
            ms.iter()
                .map(|&m| actor_id(body.members[m].actor))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match rule {
            Rule::Unanimity => "unanimity".into(),
            Rule::Majority => "majority".into(),
            Rule::Share {
                dim,
                strict,
                percent,
            } => format!("{} {percent} of {}", quota(*strict), body.dim_name(*dim)),
            Rule::Count { dim, strict, count } => {
                format!("{} {count} {}", quota(*strict), body.dim_name(*dim))
            }
            Rule::AtMostAgainst(n) => format!("at most {n} members against"),
            Rule::NoVetoFrom(ms) => format!("no veto from {}", list(ms)),
            Rule::AllOf(ms) => format!("all of {}", list(ms)),
            Rule::And(parts) => {
                let s = parts
                    .iter()
                    .map(|p| go(body, p, actor_id, Some(true)))
                    .collect::<Vec<_>>()
                    .join(" and ");
                if inside == Some(false) {
                    format!("({s})")
                } else {
                    s
                }
            }
            Rule::Or(parts) => {
                let s = parts
                    .iter()
                    .map(|p| go(body, p, actor_id, Some(false)))
                    .collect::<Vec<_>>()
                    .join(" or ");
                if inside == Some(true) {
                    format!("({s})")
                } else {
                    s
                }
            }
        }
    }
    go(body, rule, actor_id, None)
}
