//! Lookups by name after resolution (the CLI's `--body` and `--rule`, and resolution's own
//! rule references), with errors that say what exists and suggest the closest name.

use super::types::{Body, BodyId, Model, RuleId, TreatyId};
use crate::diag::{did_you_mean, Code, Diagnostic};

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

/// "`message`", with help naming what exists (`what: a, b`, or `none` when nothing
/// does) and the closest name to `name`.
fn not_found(
    message: String,
    name: &str,
    names: &[&str],
    what: &str,
    none: &str,
) -> Box<Diagnostic> {
    let known = if names.is_empty() {
        none.to_string()
    } else {
        format!("{what}: {}", backticked(names))
    };
    let hint = did_you_mean(name, names.iter().copied());
    Box::new(Diagnostic::bare(Code::UnknownArgument, message).with_help(suggest(hint, known)))
}

impl Model {
    /// The body `id`; otherwise an error (with no location) naming the bodies there are.
    pub fn find_body(&self, id: &str) -> Result<BodyId, Box<Diagnostic>> {
        if let Some(b) = self.body_id(id) {
            return Ok(b);
        }
        let names: Vec<&str> = self.bodies.iter().map(|b| b.id.as_str()).collect();
        Err(not_found(
            format!("no body `{id}` in the loaded files"),
            id,
            &names,
            "bodies",
            "the loaded files declare no body",
        ))
    }

    /// The treaty `id`; otherwise an error (with no location) naming the treaties there are.
    pub fn find_treaty(&self, id: &str) -> Result<TreatyId, Box<Diagnostic>> {
        if let Some(t) = self.treaties.iter().position(|t| t.id == id) {
            return Ok(TreatyId(t));
        }
        let names: Vec<&str> = self.treaties.iter().map(|t| t.id.as_str()).collect();
        Err(not_found(
            format!("no treaty `{id}` in the loaded files"),
            id,
            &names,
            "treaties",
            "the loaded files declare no treaty",
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
        Err(not_found(
            format!("body `{}` has no rule `{name}`", self.id),
            name,
            &names,
            "its rules",
            "it has only its default rule",
        ))
    }
}
