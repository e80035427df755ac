//! The words of the language: the one list of keywords in Rust.
//!
//! `grammar/treaty.pest` decides what parses; this list says what Rust needs to know about
//! its words: which begin a top-level declaration (where the parser resumes after a syntax
//! error) and which a misspelt word may be corrected to ("did you mean the keyword ...?").
//! Invariant, checked by the tests below against the grammar text: the words here are
//! exactly the words the grammar's string literals spell (outside string escapes), each
//! once, and the top-level ones are exactly the first words of the grammar's `item`s.

/// One word of the language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keyword {
    pub word: &'static str,
    /// Begins a top-level declaration (`actor`, `treaty`, ...).
    pub top_level: bool,
    /// Offered as a correction of a misspelt word in a syntax error. Words that are short
    /// or rarely mistyped into other words (`at`, `of`, `and`, `int`, ...) are not, so that
    /// a name is not "corrected" into them.
    pub hint: bool,
}

const fn kw(word: &'static str, top_level: bool, hint: bool) -> Keyword {
    Keyword {
        word,
        top_level,
        hint,
    }
}

/// Every keyword of the language, declarations first.
pub const KEYWORDS: &[Keyword] = &[
    // Top-level declarations.
    kw("use", true, true),
    kw("actor", true, true),
    kw("actors", true, true),
    kw("body", true, true),
    kw("var", true, true),
    kw("fact", true, true),
    kw("treaty", true, true),
    kw("position", true, true),
    kw("expect", true, true),
    kw("consent", true, true),
    kw("group", true, true),
    // Statements inside declarations.
    kw("members", false, true),
    kw("decides", false, true),
    kw("by", false, true),
    kw("rule", false, true),
    kw("parties", false, true),
    kw("clause", false, true),
    kw("requires", false, true),
    kw("held", false, true),
    kw("each", false, false),
    kw("of", false, false),
    kw("red", false, true),
    kw("line", false, true),
    kw("possible", false, true),
    kw("guaranteed", false, true),
    kw("supports", false, true),
    kw("opposes", false, true),
    kw("abstains", false, true),
    kw("on", false, false),
    kw("any", false, false),
    kw("lapse", false, true),
    kw("when", false, true),
    kw("rejects", false, true),
    kw("package", false, true),
    kw("aggregate", false, true),
    kw("as", false, false),
    // Voting rules.
    kw("unanimity", false, true),
    kw("majority", false, true),
    kw("at", false, false),
    kw("least", false, true),
    kw("most", false, true),
    kw("more", false, true),
    kw("than", false, true),
    kw("against", false, true),
    kw("no", false, false),
    kw("veto", false, true),
    kw("from", false, true),
    kw("all", false, false),
    kw("less", false, false),
    kw("in", false, false),
    kw("favour", false, true),
    kw("abstaining", false, true),
    kw("absent", false, true),
    kw("cast", false, false),
    kw("present", false, true),
    kw("quorum", false, true),
    // Variable types and formulas.
    kw("bool", false, false),
    kw("int", false, false),
    kw("and", false, false),
    kw("or", false, false),
    kw("not", false, false),
    kw("implies", false, true),
    kw("iff", false, true),
    kw("true", false, false),
    kw("false", false, false),
    // Expectations.
    kw("conflict", false, true),
    kw("consistent", false, false),
    kw("over", false, false),
    kw("blocked", false, false),
    kw("adoptable", false, false),
    kw("feasible", false, true),
    kw("infeasible", false, true),
    kw("power", false, false),
    kw("swings", false, false),
    kw("banzhaf", false, false),
    kw("banzhaf_absolute", false, false),
    kw("shapley_shubik", false, false),
    kw("non-party", false, false),
    kw("clauses", false, false),
    kw("points", false, false),
    kw("force", false, false),
    kw("route", false, false),
    kw("for", false, false),
    kw("open", false, false),
    kw("closed", false, false),
    kw("impossible", false, true),
    kw("absence", false, false),
    kw("objection", false, true),
    kw("to", false, false),
    kw("matches", false, false),
    // Scenarios.
    kw("scenario", true, true),
    kw("assume", false, true),
    kw("drop", false, true),
    kw("votes", false, true),
    kw("yes", false, false),
    kw("abstain", false, true),
    kw("repair", false, true),
    kw("win", false, false),
    kw("margin", false, true),
];

/// The keyword spelt `word`, if it is one.
pub fn keyword(word: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.word == word)
}

/// Whether `word` begins a top-level declaration.
pub fn is_top_level(word: &str) -> bool {
    keyword(word).is_some_and(|k| k.top_level)
}

/// The keywords offered as corrections of a misspelt word.
pub fn hint_words() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().filter(|k| k.hint).map(|k| k.word)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const GRAMMAR: &str = include_str!("../../grammar/treaty.pest");

    /// The grammar's rules as (name, definition), comment lines dropped. A rule starts at
    /// a line that begins with its name and `=`.
    fn rules() -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for line in GRAMMAR.lines() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let starts_rule =
                line.starts_with(|c: char| c.is_ascii_alphabetic()) && line.contains('=');
            match (starts_rule, line.split_once('='), out.last_mut()) {
                (true, Some((name, body)), _) => {
                    out.push((name.trim().to_string(), body.to_string()));
                }
                (_, _, Some((_, body))) => {
                    body.push('\n');
                    body.push_str(line);
                }
                _ => {}
            }
        }
        out
    }

    /// The string literals of a rule definition that spell a word (letters, `_`, `-`; no
    /// escapes such as `"\n"`), in order.
    fn words(definition: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = definition.chars();
        while let Some(c) = chars.by_ref().next() {
            if c != '"' {
                continue;
            }
            let mut literal = String::new();
            let mut escaped = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        escaped = true;
                        literal.extend(chars.next());
                    }
                    '"' => break,
                    c => literal.push(c),
                }
            }
            if !escaped
                && literal.chars().any(|c| c.is_ascii_lowercase())
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
            {
                out.push(literal);
            }
        }
        out
    }

    fn definition<'a>(rules: &'a [(String, String)], name: &str) -> &'a str {
        match rules.iter().find(|(n, _)| n == name) {
            Some((_, d)) => d,
            None => panic!("the grammar has no rule `{name}`"),
        }
    }

    #[test]
    fn the_list_is_exactly_the_words_of_the_grammar() {
        let rules = rules();
        assert!(
            rules.len() > 50,
            "the grammar was not read: {} rules",
            rules.len()
        );
        // `string_inner`'s letters are escapes (`\n`), not words.
        let grammar: BTreeSet<String> = rules
            .iter()
            .filter(|(name, _)| name != "string_inner")
            .flat_map(|(_, d)| words(d))
            .collect();
        let listed: BTreeSet<String> = KEYWORDS.iter().map(|k| k.word.to_string()).collect();
        assert_eq!(listed.len(), KEYWORDS.len(), "a keyword is listed twice");
        let missing: Vec<&String> = grammar.difference(&listed).collect();
        let extra: Vec<&String> = listed.difference(&grammar).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "grammar words missing from KEYWORDS: {missing:?}; listed but not in the grammar: {extra:?}"
        );
    }

    #[test]
    fn top_level_words_begin_the_grammar_items() {
        let rules = rules();
        let item = definition(&rules, "item");
        let firsts: BTreeSet<String> = item
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|n| rules.iter().any(|(r, _)| r == n))
            .map(|n| match words(definition(&rules, n)).into_iter().next() {
                Some(w) => w,
                None => panic!("item `{n}` does not begin with a keyword"),
            })
            .collect();
        let marked: BTreeSet<String> = KEYWORDS
            .iter()
            .filter(|k| k.top_level)
            .map(|k| k.word.to_string())
            .collect();
        assert_eq!(firsts, marked);
    }
}
