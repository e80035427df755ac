//! What a run does when it runs out: the one way of saying "gave up".
//!
//! Z3 answering `unknown`, a time or resource budget running out, and an exact search
//! passing its step limit all end the same way: nothing is concluded about the question
//! asked, and the command exits 3. Every layer that can give up reports a `GaveUp`,
//! naming the question in words, and never reads it as a yes or a no.

/// A question that was not answered within the budget.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the solver gave up ({reason}) on: {query}")]
pub struct GaveUp {
    /// The question that was asked, in words.
    pub query: String,
    /// Why it was not answered (`timeout`, `max. resource limit exceeded`, a step limit).
    pub reason: String,
    /// What had been established before it gave up (for example the conflicts found so
    /// far), one line each; empty when nothing was.
    pub found: Vec<String>,
}

impl GaveUp {
    pub fn new(query: impl Into<String>, reason: impl Into<String>) -> GaveUp {
        GaveUp {
            query: query.into(),
            reason: reason.into(),
            found: Vec::new(),
        }
    }
}
