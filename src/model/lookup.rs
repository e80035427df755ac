//! Lookups by name after resolution (the CLI's `--body` and `--rule`, and resolution's own
//! rule references), with errors that say what exists and suggest the closest name.

use super::types::{Body, BodyId, Model, RuleId};
use crate::diag::{did_you_mean, Diagnostic};

/// "did you mean `x`? (known)" or just the known names.
fn suggest(hint: Option<String>, known: String) -> String {
    match hint {
        Some(h) => format!("did you mean `{h}`? ({known})"),
        None => known,
    }
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Model {
    /// The body `id`; otherwise an error (with no location) naming the bodies there are.
    pub fn find_body(&self, id: &str) -> Result<BodyId, Box<Diagnostic>> {
        if let Some(b) = self.body_id(id) {
            return Ok(b);
        }
        let names: Vec<&str> = self.bodies.iter().map(|b| b.id.as_str()).collect();
        let known = if names.is_empty() {
            "the loaded files declare no body".to_string()
        } else {
            format!("bodies: {}", backticked(&names))
        };
        let hint = did_you_mean(id, names.iter().copied());
        Err(Box::new(
            Diagnostic::bare(format!("no body `{id}` in the loaded files"))
                .with_help(suggest(hint, known)),
        ))
    }
}

impl Body {
    /// The rule `name` names (`None` or `default`: the `decides by` rule); otherwise an
    /// error (with no location) naming the body's rules.
    pub fn find_rule(&self, name: Option<&str>) -> Result<RuleId, Box<Diagnostic>> {
        let Some(name) = name else {
            return Ok(RuleId::Default);
        };
        if let Some(id) = self.rule_id(name) {
            return Ok(id);
        }
        let names: Vec<&str> = self.rules.iter().map(|r| r.name.as_str()).collect();
        let known = if names.is_empty() {
            "it has only its default rule".to_string()
        } else {
            format!("its rules: {}", backticked(&names))
        };
        let hint = did_you_mean(name, names.iter().copied());
        Err(Box::new(
            Diagnostic::bare(format!("body `{}` has no rule `{name}`", self.id))
                .with_help(suggest(hint, known)),
        ))
    }
}
