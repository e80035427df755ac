//! The pest parser generated from `grammar/treaty.pest`, and the one fact about its rules
//! that Rust needs beyond their names: which rules are keywords.
//!
//! Invariant: no pest type leaves `syntax` (this module is private to it). Every grammar
//! rule named `kw_WORD` matches the keyword `WORD`, which `keywords::KEYWORDS` lists (its
//! tests check the grammar against the list; the test below checks the rule names).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::keywords::keyword;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/treaty.pest"]
pub(super) struct TreatyParser;

/// The word of a `kw_*` rule (a keyword token inside a statement, which the AST builder
/// skips and syntax errors quote), or `None` for any other rule.
pub(super) fn keyword_text(r: Rule) -> Option<&'static str> {
    static TABLE: OnceLock<BTreeMap<Rule, &'static str>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            Rule::all_rules()
                .iter()
                .filter_map(|&r| {
                    let name = format!("{r:?}");
                    let k = keyword(name.strip_prefix("kw_")?)?;
                    Some((r, k.word))
                })
                .collect()
        })
        .get(&r)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kw_rule_is_a_listed_keyword() {
        let mut n = 0;
        for &r in Rule::all_rules() {
            let name = format!("{r:?}");
            match name.strip_prefix("kw_") {
                Some(word) => {
                    assert_eq!(keyword_text(r), Some(word), "rule {name}");
                    n += 1;
                }
                None => assert_eq!(keyword_text(r), None, "rule {name}"),
            }
        }
        assert!(n > 20, "only {n} keyword rules");
    }
}
