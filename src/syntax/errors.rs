//! Syntax errors in the reader's words, and where parsing resumes after one.
//!
//! pest reports the rules and tokens it expected at the failing position; `syntax_error`
//! turns that into one diagnostic: "expected X, found Y", with a short label and, where it
//! helps, advice (a keyword the word looks like, a missing comma or `}`). `resume_point`
//! picks where parsing starts again, so that one run reports every broken declaration.
//! Invariants: a message depends only on the text and pest's answer (deterministic, and
//! the "expected" list has no repeats); the keywords it knows come from `keywords`.

use pest::error::ErrorVariant;

use super::grammar::{keyword_text, Rule};
use super::keywords::{hint_words, is_top_level};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::source::{floor_char_boundary, FileId, Loc, Span};

/// Where to resume after a syntax error at `pos`, and with which rule: the next line that
/// begins, unindented, with a top-level keyword (`file`), or, when the error is inside a
/// treaty, the next line that begins with `clause` (`treaty_tail`: the rest of that treaty's
/// clauses, its `}`, then the rest of the file), so that every broken clause is reported.
pub(super) fn resume_point(
    text: &str,
    pos: usize,
    memo: &mut TopLevelMemo,
) -> Option<(usize, Rule)> {
    let in_treaty = in_treaty(text, pos, memo);
    let mut line_start = text[pos..].find('\n')? + pos + 1;
    loop {
        let line = &text[line_start..];
        let word: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if is_top_level(&word) {
            return Some((line_start, Rule::file));
        }
        let trimmed = line.trim_start_matches([' ', '\t']);
        if in_treaty && trimmed.starts_with("clause") && !trimmed.starts_with("clauses") {
            return Some((line_start, Rule::treaty_tail));
        }
        line_start += line.find('\n')? + 1;
    }
}

/// Whether `line` begins with a top-level keyword: `Some(keyword == "treaty")`.
fn top_level_word(line: &str) -> Option<bool> {
    let len = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let word = &line[..len];
    is_top_level(word).then_some(word == "treaty")
}

/// Whether `text` begins with a top-level keyword (a declaration starts there).
pub(super) fn starts_top_level(text: &str) -> bool {
    top_level_word(text).is_some()
}

/// What `in_treaty` learnt at the previous error of a file: the start of that error's
/// line and, for the lines before it, whether the nearest one that begins with a
/// top-level keyword begins with `treaty` (`None`: no such line).
#[derive(Default)]
pub(super) struct TopLevelMemo {
    line_start: usize,
    before: Option<bool>,
}

/// Whether the nearest line at or before `pos` (the line of `pos` cut at `pos`) that
/// begins with a top-level keyword begins with `treaty`. Errors come in increasing
/// positions, so with `memo` each line is looked at about once per file.
pub(super) fn in_treaty(text: &str, pos: usize, memo: &mut TopLevelMemo) -> bool {
    let pos = floor_char_boundary(text, pos.min(text.len()));
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let here = top_level_word(&text[..pos][line_start..]);
    let (floor, known) = if memo.line_start <= line_start {
        (memo.line_start, memo.before)
    } else {
        (0, None)
    };
    // Whole lines from `line_start` back to `floor`, nearest first.
    let mut before = known;
    let mut end = line_start;
    while end > floor {
        let newline = end - 1;
        let start = text[..newline].rfind('\n').map_or(0, |i| i + 1);
        if let Some(t) = top_level_word(&text[start..newline]) {
            before = Some(t);
            break;
        }
        end = start;
    }
    *memo = TopLevelMemo { line_start, before };
    here.or(before).unwrap_or(false)
}

/// The word (or character) at `pos`, for "found ..." in messages.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = &text[pos.min(text.len())..];
    let Some(first) = rest.chars().next() else {
        return ("end of file".into(), 0);
    };
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let len = word.len();
        (format!("`{word}`"), len)
    } else if first == '\n' || first == '\r' {
        ("end of line".into(), 0)
    } else {
        (format!("`{first}`"), first.len_utf8())
    }
}

pub(super) fn syntax_error(
    text: &str,
    file: FileId,
    pos: usize,
    e: &pest::error::Error<Rule>,
) -> Diagnostic {
    let mut expected: Vec<String> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        for r in positives {
            if let Some(d) = describe_rule(*r) {
                expected.push(d);
            }
        }
    }
    if let Some(attempts) = e.parse_attempts() {
        for t in attempts.expected_tokens() {
            // `ParsingToken` is not exported; only literal tokens ("Sensitive") help a reader.
            let token = t.to_string();
            if format!("{t:?}").starts_with("Sensitive")
                && !token.trim().is_empty()
                && token != "//"
            {
                expected.push(format!("`{token}`"));
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    expected.retain(|x| seen.insert(x.clone()));
    // Tokens that a description already covers only lengthen the message.
    let covered: &[(&str, &[&str])] = &[
        (
            "a formula",
            &["`(`", "`-`", "`_`", "`true`", "`false`", "`not`"],
        ),
        (
            "a voting rule",
            &[
                "`(`",
                "`all`",
                "`at`",
                "`majority`",
                "`more`",
                "`no`",
                "`unanimity`",
                "`less`",
                "`quorum`",
            ],
        ),
        (
            ROUTE,
            &["`any`", "`_`", "`each`", "`each of`", "`lapse`", "a name"],
        ),
        ("a name", &["`_`"]),
        ("a quoted string", &["`\"`"]),
        ("`decides by`", &["`decides`"]),
        ("`as of`", &["`as`"]),
        ("`rejects package`", &["`rejects`"]),
        (
            "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
            &["`==`", "`!=`", "`<`", "`<=`", "`>`", "`>=`"],
        ),
        ("`+` or `-`", &["`+`", "`-`"]),
    ];
    let drop: Vec<&str> = covered
        .iter()
        .filter(|(d, _)| expected.iter().any(|e| e == d))
        .flat_map(|(_, toks)| toks.iter().copied())
        .collect();
    expected.retain(|x| !drop.contains(&x.as_str()));
    let (found, len) = found_at(text, pos);
    let what = match expected.len() {
        0 => "valid syntax".to_string(),
        1 => expected[0].clone(),
        n if n <= MAX_EXPECTED => {
            format!("{} or {}", expected[..n - 1].join(", "), expected[n - 1])
        }
        n => format!(
            "{} or {} others",
            expected[..MAX_EXPECTED].join(", "),
            n - MAX_EXPECTED
        ),
    };
    let loc = |start: usize, end: usize| Loc {
        file,
        span: Span { start, end },
    };
    if let Some(d) = newcomer_mistake(text, pos, &expected, &loc) {
        return d;
    }
    let mut d = Diagnostic::error(
        Code::Syntax,
        format!("expected {what}, found {found}"),
        loc(pos, pos + len),
    )
    .with_label(format!("expected {}", short_expected(&expected)));
    let word = found.trim_matches('`');
    if found.starts_with('`') && word.chars().all(|c| c.is_alphanumeric() || c == '_') {
        if let Some(k) = did_you_mean(word, hint_words()) {
            if k != word {
                d = d
                    .with_code(Code::KeywordTypo)
                    .with_help(format!("did you mean the keyword `{k}`?"));
            }
        }
    }
    if d.help.is_none() && expected.iter().any(|e| e == "`,`") && found.starts_with('`') {
        d = d.with_help("lists are separated by commas: `A, B, C`");
    }
    if d.help.is_none() && found == "end of file" {
        d = d.with_help("the file ends in the middle of a declaration: is a `}` missing?");
    }
    d
}

/// Alternatives named in full in an "expected ..." message; past these, "or N others".
const MAX_EXPECTED: usize = 6;

/// A mistake newcomers make, recognised at the failing position `pos`: the syntax of
/// another language (`=`, `&&`, `||`, `!`, `=>`, `->`), a decimal in a formula, a share
/// without `at least`, a hyphen in a name. The diagnostic points at the mistake itself
/// and says what to write.
fn newcomer_mistake(
    text: &str,
    pos: usize,
    expected: &[String],
    loc: &dyn Fn(usize, usize) -> Loc,
) -> Option<Diagnostic> {
    let rest = &text[pos.min(text.len())..];
    let before = &text[..pos.min(text.len())];
    let in_formula = expected.iter().any(|e| e == "a formula" || e == "`*`");
    let op = |code, span: (usize, usize), wrote: &str, write: &str, why: &str| {
        Some(
            Diagnostic::error(
                code,
                format!("`{wrote}` is not an operator of the language; write `{write}`"),
                loc(span.0, span.1),
            )
            .with_label(format!("write `{write}` here"))
            .with_help(why.to_string()),
        )
    };
    // `->` and `<=>`, `<->`: the parser stops at the `>` after `-`, `<=` or `<-`.
    if rest.starts_with('>') {
        for (arrow, write) in [("<-", "iff"), ("<=", "iff"), ("-", "implies")] {
            if before.ends_with(arrow) {
                let start = pos - arrow.len();
                let wrote = &text[start..pos + 1];
                return op(
                    Code::ArrowImplication,
                    (start, pos + 1),
                    wrote,
                    write,
                    "implication is the word `implies` (`a implies b`), equivalence the word `iff`",
                );
            }
        }
    }
    if rest.starts_with("=>") {
        return op(
            Code::ArrowImplication,
            (pos, pos + 2),
            "=>",
            "implies",
            "implication is the word `implies` (`a implies b`), equivalence the word `iff`",
        );
    }
    if rest.starts_with('=') && !rest.starts_with("==") {
        return op(
            Code::SingleEquals,
            (pos, pos + 1),
            "=",
            "==",
            "formulas compare with `==`; there is no assignment: every formula states what must hold",
        );
    }
    for (sym, word) in [("&&", "and"), ("||", "or"), ("&", "and"), ("|", "or")] {
        if rest.starts_with(sym) {
            return op(
                Code::SymbolOperator,
                (pos, pos + sym.len()),
                sym,
                word,
                "the logical operators are words: `and`, `or`, `not`",
            );
        }
    }
    if rest.starts_with('!') && !rest.starts_with("!=") {
        return op(
            Code::SymbolOperator,
            (pos, pos + 1),
            "!",
            "not",
            "the logical operators are words: `and`, `or`, `not` (`!=` is \"not equal\")",
        );
    }
    // `0.5` in a formula: the integer `0` was read, and `.5` is left over.
    let digit_before = before.ends_with(|c: char| c.is_ascii_digit());
    let digit_after = rest
        .get(1..)
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
    if in_formula && rest.starts_with('.') && digit_before && digit_after {
        let start = before
            .rfind(|c: char| !(c.is_ascii_digit() || c == '_'))
            .map_or(0, |i| i + 1);
        let end = pos
            + 1
            + rest[1..]
                .find(|c: char| !(c.is_ascii_digit() || c == '_'))
                .unwrap_or(rest.len() - 1);
        let number = &text[start..end];
        return Some(
            Diagnostic::error(
                Code::DecimalNumber,
                format!("`{number}` is a decimal number; formulas are over integers"),
                loc(start, end),
            )
            .with_label("not an integer")
            .with_help(
                "scale to integers: count in smaller units (e.g. thousandths: `500` for 0.5) \
                 and say so in the variable's name",
            ),
        );
    }
    // `2/3 of members` where a voting rule is expected: a share needs `at least` or
    // `more than`.
    if expected.iter().any(|e| e == "a voting rule") {
        let share_len = rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '/' | '%' | '_')))
            .unwrap_or(rest.len());
        let share = &rest[..share_len];
        let after = rest[share_len..].trim_start_matches([' ', '\t']);
        let of = after.starts_with("of") && !after[2..].starts_with(|c: char| c.is_alphanumeric());
        if !share.is_empty() && (share.contains('/') || share.ends_with('%')) && of {
            let dim: String = after[2..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let dim = if dim.is_empty() {
                "members".into()
            } else {
                dim
            };
            return Some(
                Diagnostic::error(
                    Code::BareFraction,
                    format!("`{share} of {dim}` needs `at least` or `more than` before it"),
                    loc(pos, pos + share_len),
                )
                .with_label("a share, but a floor or a ceiling?")
                .with_help(format!(
                    "write `at least {share} of {dim}` (or `more than {share} of {dim}`){}",
                    if share.contains('/') {
                        "; fractions are exact: `2/3` is exactly two thirds"
                    } else {
                        ""
                    }
                )),
            );
        }
    }
    // A hyphen between two name characters outside a formula: `actor EU-council`. pest
    // may report the failure at the start of the declaration (`var armed-forces: int`
    // fails at `var`), so the rest of the line is searched for the hyphen.
    if !in_formula {
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let hyphen = line
            .match_indices('-')
            .map(|(i, _)| pos + i)
            .find(|&h| crate::diag::hyphenated_word(text, h).is_some());
        if let Some((pos, (start, end))) =
            hyphen.and_then(|h| Some((h, crate::diag::hyphenated_word(text, h)?)))
        {
            let word = &text[start..end];
            return Some(
                Diagnostic::error(
                    Code::HyphenInName,
                    format!("names cannot contain `-`: `{word}`"),
                    loc(pos, pos + 1),
                )
                .with_label("hyphen")
                .with_help(format!("write `_` instead: `{}`", word.replace('-', "_"))),
            );
        }
    }
    None
}

fn short_expected(expected: &[String]) -> String {
    match expected.len() {
        0 => "something else here".into(),
        1..=3 => expected.join(" or "),
        _ => format!("{} or ...", expected[..3].join(", ")),
    }
}

/// What `requires` takes.
const ROUTE: &str =
    "a body or an actor (`EU`, `EU by qmv`, `each of NATO`, `lapse of EU`, `any of { ... }`)";

/// A reader's name for a grammar rule, or `None` for rules whose tokens speak for themselves.
fn describe_rule(r: Rule) -> Option<String> {
    if let Some(k) = keyword_text(r) {
        // Quoted as the reader types it; two keywords only ever come with the next word.
        return Some(match k {
            "red" => "`red line`".to_string(),
            "each" => "`each of`".to_string(),
            "rejects" => "`rejects package`".to_string(),
            "as" => "`as of`".to_string(),
            k => format!("`{k}`"),
        });
    }
    Some(
        match r {
            Rule::EOI => "end of file",
            Rule::ident | Rule::ident_list => "a name",
            Rule::name => "a variable name",
            Rule::clause_id => "a clause id",
            Rule::int => "an integer",
            Rule::decimal | Rule::percent => "a percentage such as `65%`",
            Rule::string => "a quoted string",
            Rule::use_decl
            | Rule::actor_decl
            | Rule::actors_decl
            | Rule::body_decl
            | Rule::var_decl
            | Rule::fact_decl
            | Rule::treaty_decl
            | Rule::position_decl
            | Rule::expect_decl
            | Rule::consent_decl
            | Rule::group_decl
            | Rule::scenario_decl => "a declaration",
            Rule::as_of => "`as of`",
            Rule::date => "a date such as `2025-12-12`",
            Rule::aggregate => "`aggregate`",
            Rule::count_unit => "`clauses` or `points`",
            Rule::members_stmt => "`members`",
            Rule::decides_stmt => "`decides by`",
            Rule::rule_decl => "`rule`",
            Rule::rule_expr
            | Rule::rule_and
            | Rule::unanimity
            | Rule::majority
            | Rule::share
            | Rule::count
            | Rule::withheld
            | Rule::quorum
            | Rule::no_veto
            | Rule::all_of
            | Rule::quota
            | Rule::upper
            | Rule::at_most
            | Rule::less_than
            | Rule::at_least
            | Rule::more_than => "a voting rule",
            Rule::share_base => "`cast` or `present`",
            Rule::withholding | Rule::not_in_favour => {
                "`against`, `abstaining`, `absent` or `not in favour`"
            }
            Rule::dim => "a dimension (`members` or a weight name)",
            Rule::member_block | Rule::member_entry => "a member",
            Rule::weight => "a weight such as `votes 1_000`",
            Rule::var_type => "`bool` or `int`",
            Rule::parties_stmt => "`parties`",
            Rule::clause_decl => "`clause`",
            Rule::requires_stmt => "`requires`",
            Rule::any_of => "`any of { ... }`",
            Rule::route => ROUTE,
            Rule::lapse => "`lapse of`",
            Rule::precondition => "`when` and a formula",
            Rule::formula_stmt
            | Rule::formula
            | Rule::implication
            | Rule::disjunction
            | Rule::conjunction
            | Rule::negation
            | Rule::comparison
            | Rule::sum
            | Rule::product
            | Rule::unary
            | Rule::bool_lit => "a formula",
            Rule::held_by => "`held by`",
            Rule::each_of => "`each of`",
            Rule::red_line => "`red line`",
            Rule::possible => "`possible`",
            Rule::guaranteed => "`guaranteed`",
            Rule::stance | Rule::stance_kind => "`supports`, `opposes` or `abstains on`",
            Rule::rejects_package => "`rejects package`",
            Rule::clause_ref => "`clause ID`",
            Rule::clause_matches => "`matches` and a clause id",
            Rule::expect_conflict
            | Rule::expect_consistent
            | Rule::expect_veto
            | Rule::expect_no_veto
            | Rule::expect_blocked
            | Rule::expect_adoptable
            | Rule::expect_feasible
            | Rule::expect_infeasible
            | Rule::expect_power
            | Rule::expect_non_party
            | Rule::expect_force
            | Rule::expect_no_force
            | Rule::expect_route
            | Rule::expect_impossible
            | Rule::expect_guaranteed
            | Rule::expect_not_guaranteed
            | Rule::expect_objection
            | Rule::expect_no_objection
            | Rule::expect_group
            | Rule::expect_repair
            | Rule::expect_no_repair
            | Rule::expect_win_over
            | Rule::expect_margin => "an expectation",
            Rule::veto_mode => "`by no`, `by abstaining` or `by absence`",
            Rule::red_line_ref => "a red line (`POSITION.\"label\"`)",
            Rule::power_index => "`swings`, `banzhaf`, `banzhaf_absolute` or `shapley_shubik`",
            Rule::fraction => "a number",
            Rule::iff_op => "`iff`",
            Rule::implies_op => "`implies`",
            Rule::or_op => "`or`",
            Rule::and_op => "`and`",
            Rule::not_op => "`not`",
            Rule::cmp_op => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
            Rule::add_op => "`+` or `-`",
            Rule::mul_op => "`*`",
            Rule::neg_op => "`-`",
            Rule::in_scenario => "`in scenario NAME`",
            Rule::assume_stmt => "`assume` and a formula",
            Rule::drop_position => "`drop position`",
            Rule::position_holders => "`position NAME held by ...`",
            Rule::body_change => "`body NAME members + X, - Y`",
            Rule::member_add => "`+ MEMBER`",
            Rule::member_remove => "`- MEMBER`",
            Rule::ballot_stmt => "`ACTOR votes yes|no|abstain|absent`",
            Rule::ballot_word => "`yes`, `no`, `abstain` or `absent`",
            _ => return None,
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use crate::diag::Code;
    use crate::syntax::parse_source;

    fn codes(text: &str) -> Vec<Code> {
        parse_source(text, 0).1.iter().map(|d| d.code).collect()
    }

    /// The newcomer hints never misfire on valid text nearby, and never panic on text
    /// with multi-byte characters at the failing position.
    #[test]
    fn hints_fire_only_on_the_mistake() {
        assert_eq!(codes("var x: int\nfact x = 1\n"), [Code::SingleEquals]);
        assert_eq!(codes("var x: int\nfact x != 1\n"), []);
        assert_eq!(codes("var x: int\nfact x <= 1\n"), []);
        assert_eq!(
            codes("var a, b: bool\nfact a -> b\n"),
            [Code::ArrowImplication]
        );
        assert_eq!(codes("var x: int\nfact x - 1 > 0\n"), []);
        assert_eq!(codes("var x: int\nfact x >= 1.5\n"), [Code::DecimalNumber]);
        assert_eq!(codes("actor A-B \"x\"\n"), [Code::HyphenInName]);
        assert_eq!(codes("expect non-party clauses 7\n"), []);
        for text in ["fact x é", "fact 1é", "actor Aé", "fact x .é", "fact x é.5"] {
            let _ = codes(text);
        }
    }
}
