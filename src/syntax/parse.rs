//! pest parse tree -> `ast`. Syntax errors become diagnostics; after an error the parser
//! resumes at the next top-level declaration so that one run reports every broken item.

use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser;

use super::ast::*;
use crate::diag::{did_you_mean, Diagnostic};
use crate::model::{CmpOp, FileId, Loc, Span, StanceKind, VarType};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/treaty.pest"]
struct TreatyParser;

/// Deepest nesting of parentheses accepted; deeper input is an error, never a stack overflow.
pub const MAX_NESTING: usize = 64;
/// Deepest formula tree accepted (chains like `not not ...` or `a implies b implies ...`
/// count too), so that every later recursive walk is bounded.
pub const MAX_FORMULA_DEPTH: usize = 256;

/// Words that begin a top-level declaration: where parsing resumes after an error.
const TOP_LEVEL: [&str; 9] = [
    "use", "actor", "actors", "body", "var", "fact", "treaty", "position", "expect",
];
/// Every keyword of the language, for "did you mean" on a misspelt one.
const KEYWORDS: [&str; 36] = [
    "use",
    "actor",
    "actors",
    "body",
    "members",
    "decides",
    "by",
    "rule",
    "var",
    "fact",
    "treaty",
    "parties",
    "clause",
    "requires",
    "position",
    "held",
    "red",
    "line",
    "possible",
    "supports",
    "opposes",
    "expect",
    "unanimity",
    "majority",
    "least",
    "most",
    "more",
    "than",
    "against",
    "veto",
    "from",
    "implies",
    "iff",
    "conflict",
    "feasible",
    "infeasible",
];

/// Bytes given to pest at least, after the first syntax error (see `parse_pieces`).
const MIN_PIECE: usize = 256;

/// Parses one file. Returns the syntax tree when the file has no syntax error, and every
/// syntax error found.
pub fn parse_source(text: &str, file: FileId) -> (Option<SourceAst>, Vec<Diagnostic>) {
    parse_pieces(text, file, MIN_PIECE)
}

/// The first line start at or after `offset + size` (or the end of the text).
fn piece_end(text: &str, offset: usize, size: usize) -> usize {
    let from = offset.saturating_add(size.max(1) - 1).min(text.len());
    text.as_bytes()[from..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(text.len(), |i| from + i + 1)
}

/// The parse behind `parse_source`. The whole text is parsed at once; after a syntax
/// error, parsing resumes on pieces of the rest: each starts with `min_piece` bytes and
/// ends at a line start, and is doubled until pest's answer on it is the answer on the
/// whole rest. That is so when pest fails before the end of the piece (the parse never
/// looked past it), or succeeds on a piece that ends where a line starts with a top-level
/// keyword (no declaration can go on into one). Pest builds each error from its whole
/// input, so errors on pieces keep many errors linear instead of quadratic.
fn parse_pieces(
    text: &str,
    file: FileId,
    min_piece: usize,
) -> (Option<SourceAst>, Vec<Diagnostic>) {
    pest::set_error_detail(true);
    let mut diags = Vec::new();
    if let Some(d) = check_nesting(text, file) {
        return (None, vec![d]);
    }
    let mut items = Vec::new();
    let mut offset = 0;
    let mut rule = Rule::file;
    let mut end = text.len();
    let mut memo = TopLevelMemo::default();
    loop {
        let piece = &text[offset..end];
        match TreatyParser::parse(rule, piece) {
            Ok(mut pairs) => {
                if end < text.len() {
                    // Only after an error (before one, the piece is the whole text).
                    if starts_top_level(&text[end..]) {
                        offset = end;
                        rule = Rule::file;
                        end = piece_end(text, offset, min_piece);
                    } else {
                        end = piece_end(text, offset, 2usize.saturating_mul(end - offset));
                    }
                    continue;
                }
                if diags.is_empty() {
                    let mut b = Builder {
                        text,
                        file,
                        offset,
                        diags: &mut diags,
                    };
                    if let Some(root) = pairs.next() {
                        for pair in root.kids() {
                            if pair.as_rule() != Rule::EOI {
                                b.item(pair, &mut items);
                            }
                        }
                    }
                }
                break;
            }
            Err(e) => {
                let pos = offset
                    + match e.location {
                        InputLocation::Pos(p) => p,
                        InputLocation::Span((s, _)) => s,
                    };
                if pos >= end && end < text.len() {
                    // Failed at the end of the piece: the rest may have gone on.
                    end = piece_end(text, offset, 2usize.saturating_mul(end - offset));
                    continue;
                }
                diags.push(syntax_error(text, file, pos, &e));
                match resume_point(text, pos, &mut memo) {
                    Some((next, next_rule)) => {
                        offset = next;
                        rule = next_rule;
                        end = piece_end(text, offset, min_piece);
                    }
                    None => break,
                }
            }
        }
    }
    if diags.is_empty() {
        (Some(SourceAst { items }), diags)
    } else {
        (None, diags)
    }
}

/// Rejects parentheses nested deeper than `MAX_NESTING` before pest sees them.
fn check_nesting(text: &str, file: FileId) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().map(|p| p.1) == Some('/') => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    let loc = Loc {
                        file,
                        span: Span {
                            start: i,
                            end: i + 1,
                        },
                    };
                    return Some(
                        Diagnostic::error(
                            format!("parentheses nested more than {MAX_NESTING} deep"),
                            loc,
                        )
                        .with_label("too deep")
                        .with_help("split the formula into several clauses, facts or variables"),
                    );
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Where to resume after a syntax error at `pos`, and with which rule: the next line that
/// begins, unindented, with a top-level keyword (`file`), or, when the error is inside a
/// treaty, the next line that begins with `clause` (`treaty_tail`: the rest of that treaty's
/// clauses, its `}`, then the rest of the file), so that every broken clause is reported.
fn resume_point(text: &str, pos: usize, memo: &mut TopLevelMemo) -> Option<(usize, Rule)> {
    let in_treaty = in_treaty(text, pos, memo);
    let mut line_start = text[pos..].find('\n')? + pos + 1;
    loop {
        let line = &text[line_start..];
        let word: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if TOP_LEVEL.contains(&word.as_str()) {
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
    TOP_LEVEL.contains(&word).then_some(word == "treaty")
}

fn starts_top_level(text: &str) -> bool {
    top_level_word(text).is_some()
}

/// What `in_treaty` learnt at the previous error of a file: the start of that error's
/// line and, for the lines before it, whether the nearest one that begins with a
/// top-level keyword begins with `treaty` (`None`: no such line).
#[derive(Default)]
struct TopLevelMemo {
    line_start: usize,
    before: Option<bool>,
}

/// Whether the nearest line at or before `pos` (the line of `pos` cut at `pos`) that
/// begins with a top-level keyword begins with `treaty`. Errors come in increasing
/// positions, so with `memo` each line is looked at about once per file.
fn in_treaty(text: &str, pos: usize, memo: &mut TopLevelMemo) -> bool {
    let pos = floor_boundary(text, pos.min(text.len()));
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

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
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

fn syntax_error(text: &str, file: FileId, pos: usize, e: &pest::error::Error<Rule>) -> Diagnostic {
    let mut expected: Vec<String> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        for r in positives {
            if let Some(d) = describe_rule(*r) {
                expected.push(d.to_string());
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
            ],
        ),
        ("a name", &["`_`"]),
        ("a quoted string", &["`\"`"]),
        ("`decides by`", &["`decides`"]),
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
        n => format!("{} or {}", expected[..n - 1].join(", "), expected[n - 1]),
    };
    let loc = Loc {
        file,
        span: Span {
            start: pos,
            end: pos + len,
        },
    };
    let mut d = Diagnostic::error(format!("expected {what}, found {found}"), loc)
        .with_label(format!("expected {}", short_expected(&expected)));
    let word = found.trim_matches('`');
    if found.starts_with('`') && word.chars().all(|c| c.is_alphanumeric() || c == '_') {
        if let Some(k) = did_you_mean(word, KEYWORDS) {
            if k != word {
                d = d.with_help(format!("did you mean the keyword `{k}`?"));
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

fn short_expected(expected: &[String]) -> String {
    match expected.len() {
        0 => "something else here".into(),
        1..=3 => expected.join(" or "),
        _ => format!("{} or ...", expected[..3].join(", ")),
    }
}

/// A reader's name for a grammar rule, or `None` for rules whose tokens speak for themselves.
fn describe_rule(r: Rule) -> Option<&'static str> {
    if let Some(k) = keyword_text(r) {
        // Leak-free: every keyword is a static string; quote it as the reader types it.
        return Some(match k {
            "at" => "`at`",
            "least" => "`least`",
            "most" => "`most`",
            "more" => "`more`",
            "than" => "`than`",
            "of" => "`of`",
            "by" => "`by`",
            "members" => "`members`",
            "against" => "`against`",
            "no" => "`no`",
            "veto" => "`veto`",
            "from" => "`from`",
            "all" => "`all`",
            "red" => "`red line`",
            "line" => "`line`",
            "each" => "`each of`",
            "over" => "`over`",
            "consistent" => "`consistent`",
            "conflict" => "`conflict`",
            "feasible" => "`feasible`",
            "infeasible" => "`infeasible`",
            "blocked" => "`blocked`",
            "adoptable" => "`adoptable`",
            "power" => "`power`",
            "rule" => "`rule`",
            _ => "`clauses`",
        });
    }
    Some(match r {
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
        | Rule::expect_decl => "a declaration",
        Rule::members_stmt => "`members`",
        Rule::decides_stmt => "`decides by`",
        Rule::rule_decl => "`rule`",
        Rule::rule_expr
        | Rule::rule_and
        | Rule::unanimity
        | Rule::majority
        | Rule::share
        | Rule::count
        | Rule::at_most_against
        | Rule::no_veto
        | Rule::all_of
        | Rule::quota
        | Rule::at_least
        | Rule::more_than => "a voting rule",
        Rule::dim => "a dimension (`members` or a weight name)",
        Rule::member_block | Rule::member_entry => "a member",
        Rule::weight => "a weight such as `votes 1_000`",
        Rule::var_type => "`bool` or `int`",
        Rule::parties_stmt => "`parties`",
        Rule::clause_decl => "`clause`",
        Rule::requires_stmt => "`requires`",
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
        Rule::stance | Rule::stance_kind => "`supports` or `opposes`",
        Rule::clause_ref => "`clause ID`",
        Rule::expect_conflict
        | Rule::expect_consistent
        | Rule::expect_veto
        | Rule::expect_no_veto
        | Rule::expect_blocked
        | Rule::expect_adoptable
        | Rule::expect_feasible
        | Rule::expect_infeasible
        | Rule::expect_power
        | Rule::expect_non_party => "an expectation",
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
        _ => return None,
    })
}

/// Children of a pair without the keyword tokens, which carry no information.
type KidsIter<'i> =
    std::iter::Filter<pest::iterators::Pairs<'i, Rule>, fn(&Pair<'i, Rule>) -> bool>;

trait Kids<'i> {
    fn kids(self) -> KidsIter<'i>;
}

impl<'i> Kids<'i> for Pair<'i, Rule> {
    fn kids(self) -> KidsIter<'i> {
        fn keep(p: &Pair<Rule>) -> bool {
            keyword_text(p.as_rule()).is_none()
        }
        self.into_inner().filter(keep as fn(&Pair<Rule>) -> bool)
    }
}

/// The word of a `kw_*` rule.
fn keyword_text(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::kw_at => "at",
        Rule::kw_least => "least",
        Rule::kw_most => "most",
        Rule::kw_more => "more",
        Rule::kw_than => "than",
        Rule::kw_of => "of",
        Rule::kw_by => "by",
        Rule::kw_members => "members",
        Rule::kw_against => "against",
        Rule::kw_no => "no",
        Rule::kw_veto => "veto",
        Rule::kw_from => "from",
        Rule::kw_all => "all",
        Rule::kw_red => "red",
        Rule::kw_line => "line",
        Rule::kw_each => "each",
        Rule::kw_over => "over",
        Rule::kw_consistent => "consistent",
        Rule::kw_conflict => "conflict",
        Rule::kw_feasible => "feasible",
        Rule::kw_infeasible => "infeasible",
        Rule::kw_blocked => "blocked",
        Rule::kw_adoptable => "adoptable",
        Rule::kw_power => "power",
        Rule::kw_rule => "rule",
        Rule::kw_clauses => "clauses",
        _ => return None,
    })
}

/// Turns pest pairs (of a well-formed file) into AST nodes.
struct Builder<'t, 'd> {
    text: &'t str,
    file: FileId,
    /// Byte offset of the parsed segment in `text`.
    offset: usize,
    diags: &'d mut Vec<Diagnostic>,
}

impl Builder<'_, '_> {
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        Span {
            start: s.start() + self.offset,
            end: s.end() + self.offset,
        }
    }

    fn ident(&self, p: Pair<Rule>) -> Ident {
        Ident {
            span: self.span(&p),
            text: p.as_str().to_string(),
        }
    }

    /// The declaration's name: its first child. The grammar always has one; an empty name
    /// at the declaration's span keeps this total without an unwrap.
    fn first_ident(&self, p: Option<Pair<Rule>>, span: Span) -> Ident {
        match p {
            Some(i) => self.ident(i),
            None => Ident {
                text: String::new(),
                span,
            },
        }
    }

    fn lit(&self, p: Pair<Rule>) -> Lit {
        Lit {
            span: self.span(&p),
            text: p.as_str().to_string(),
        }
    }

    fn string(&self, p: Pair<Rule>) -> Str {
        let span = self.span(&p);
        let raw = p.kids().next().map(|i| i.as_str()).unwrap_or("");
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some(other) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        Str { value, span }
    }

    /// The `///` lines directly above byte `start`, joined.
    fn doc(&self, start: usize) -> Option<String> {
        let before = &self.text[..start];
        let mut lines: Vec<&str> = Vec::new();
        // The item's own line up to the item must be blank.
        let mut rest = match before.rfind('\n') {
            Some(i) if before[i + 1..].trim().is_empty() => &before[..i],
            None if before.trim().is_empty() => return None,
            _ => return None,
        };
        loop {
            let (head, line) = match rest.rfind('\n') {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => ("", rest),
            };
            let t = line.trim();
            match t.strip_prefix("///") {
                Some(doc) => lines.push(doc.strip_prefix(' ').unwrap_or(doc).trim_end()),
                None => break,
            }
            if head.is_empty() && !rest.contains('\n') {
                break;
            }
            rest = head;
        }
        if lines.is_empty() {
            None
        } else {
            lines.reverse();
            Some(lines.join("\n"))
        }
    }

    fn item(&mut self, p: Pair<Rule>, items: &mut Vec<Item>) {
        let span = self.span(&p);
        let doc = self.doc(span.start);
        match p.as_rule() {
            Rule::use_decl => {
                if let Some(s) = p.kids().next() {
                    items.push(Item::Use(self.string(s)));
                }
            }
            Rule::actor_decl => {
                let mut it = p.kids();
                if let (Some(id), Some(name)) = (it.next(), it.next()) {
                    items.push(Item::Actor(ActorDecl {
                        id: self.ident(id),
                        name: self.string(name),
                        doc,
                        span,
                    }));
                }
            }
            Rule::actors_decl => {
                for e in p.kids() {
                    let espan = self.span(&e);
                    let edoc = self.doc(espan.start);
                    let mut it = e.kids();
                    if let (Some(id), Some(name)) = (it.next(), it.next()) {
                        items.push(Item::Actor(ActorDecl {
                            id: self.ident(id),
                            name: self.string(name),
                            doc: edoc,
                            span: espan,
                        }));
                    }
                }
            }
            Rule::body_decl => items.push(Item::Body(self.body(p, doc, span))),
            Rule::var_decl => {
                let mut names = Vec::new();
                let mut ty = VarType::Bool;
                for c in p.kids() {
                    match c.as_rule() {
                        Rule::name => names.push(self.ident(c)),
                        Rule::var_type => {
                            ty = if c.as_str() == "int" {
                                VarType::Int
                            } else {
                                VarType::Bool
                            }
                        }
                        _ => {}
                    }
                }
                items.push(Item::Var(VarDecl {
                    names,
                    ty,
                    doc,
                    span,
                }));
            }
            Rule::fact_decl => {
                if let Some(f) = p.kids().next() {
                    if let Some(formula) = self.formula(f) {
                        items.push(Item::Fact(FactDecl { formula, doc, span }));
                    }
                }
            }
            Rule::treaty_decl => items.push(Item::Treaty(self.treaty(p, doc, span))),
            Rule::position_decl => items.push(Item::Position(self.position(p, doc, span))),
            Rule::expect_decl => {
                if let Some(kind) = p.kids().next().and_then(|e| self.expectation(e)) {
                    items.push(Item::Expect(ExpectDecl { kind, span }));
                }
            }
            _ => {}
        }
    }

    fn body(&mut self, p: Pair<Rule>, doc: Option<String>, span: Span) -> BodyDecl {
        let mut it = p.kids().peekable();
        let id = self.first_ident(it.next(), span);
        let mut body = BodyDecl {
            id,
            name: None,
            doc,
            member_lists: Vec::new(),
            decides: Vec::new(),
            rules: Vec::new(),
            span,
        };
        for c in it {
            let cspan = self.span(&c);
            match c.as_rule() {
                Rule::string => body.name = Some(self.string(c)),
                Rule::members_stmt => {
                    let mut members = Vec::new();
                    for m in c.kids() {
                        match m.as_rule() {
                            Rule::ident_list => {
                                for i in m.kids() {
                                    let ispan = self.span(&i);
                                    members.push(MemberDecl {
                                        actor: self.ident(i),
                                        weights: Vec::new(),
                                        span: ispan,
                                    });
                                }
                            }
                            Rule::member_block => {
                                for e in m.kids() {
                                    let espan = self.span(&e);
                                    let mut parts = e.kids();
                                    let Some(actor) = parts.next() else { continue };
                                    let actor = self.ident(actor);
                                    let mut weights = Vec::new();
                                    for w in parts {
                                        let mut wi = w.kids();
                                        if let (Some(d), Some(v)) = (wi.next(), wi.next()) {
                                            weights.push((self.ident(d), self.lit(v)));
                                        }
                                    }
                                    members.push(MemberDecl {
                                        actor,
                                        weights,
                                        span: espan,
                                    });
                                }
                            }
                            _ => {}
                        }
                    }
                    body.member_lists.push((members, cspan));
                }
                Rule::decides_stmt => {
                    let rdoc = self.doc(cspan.start);
                    if let Some(r) = c.kids().next() {
                        body.decides.push(RuleDecl {
                            name: None,
                            rule: self.rule(r),
                            doc: rdoc,
                            span: cspan,
                        });
                    }
                }
                Rule::rule_decl => {
                    let rdoc = self.doc(cspan.start);
                    let mut ri = c.kids();
                    if let (Some(n), Some(r)) = (ri.next(), ri.next()) {
                        body.rules.push(RuleDecl {
                            name: Some(self.ident(n)),
                            rule: self.rule(r),
                            doc: rdoc,
                            span: cspan,
                        });
                    }
                }
                _ => {}
            }
        }
        body
    }

    fn rule(&mut self, p: Pair<Rule>) -> RuleAst {
        let span = self.span(&p);
        let rule = p.as_rule();
        let kind = match rule {
            Rule::rule_expr | Rule::rule_and => {
                let mut parts: Vec<RuleAst> = p
                    .kids()
                    .filter(|c| !matches!(c.as_rule(), Rule::or_op | Rule::and_op))
                    .map(|c| self.rule(c))
                    .collect();
                if parts.len() == 1 {
                    return parts.remove(0);
                }
                if rule == Rule::rule_expr {
                    RuleKind::Or(parts)
                } else {
                    RuleKind::And(parts)
                }
            }
            Rule::unanimity => RuleKind::Unanimity,
            Rule::majority => RuleKind::Majority,
            Rule::share | Rule::count => {
                let mut it = p.kids();
                let strict = it
                    .next()
                    .and_then(|q| q.kids().next())
                    .is_some_and(|q| q.as_rule() == Rule::more_than);
                let amount = it.next().map(|a| self.lit(a));
                let dim = it.next().map(|d| self.ident(d));
                match (amount, dim) {
                    (Some(amount), Some(dim)) if rule == Rule::share => RuleKind::Share {
                        strict,
                        percent: amount,
                        dim,
                    },
                    (Some(amount), Some(dim)) => RuleKind::Count {
                        strict,
                        count: amount,
                        dim,
                    },
                    _ => RuleKind::Unanimity,
                }
            }
            Rule::at_most_against => match p.kids().next() {
                Some(n) => RuleKind::AtMostAgainst(self.lit(n)),
                None => RuleKind::Unanimity,
            },
            Rule::no_veto | Rule::all_of => {
                let names: Vec<Ident> = p
                    .kids()
                    .flat_map(|l| l.kids())
                    .map(|i| self.ident(i))
                    .collect();
                if rule == Rule::no_veto {
                    RuleKind::NoVetoFrom(names)
                } else {
                    RuleKind::AllOf(names)
                }
            }
            _ => RuleKind::Unanimity,
        };
        RuleAst { kind, span }
    }

    fn treaty(&mut self, p: Pair<Rule>, doc: Option<String>, span: Span) -> TreatyDecl {
        let mut it = p.kids();
        let id = self.first_ident(it.next(), span);
        let mut t = TreatyDecl {
            id,
            title: None,
            doc,
            parties: Vec::new(),
            clauses: Vec::new(),
            span,
        };
        for c in it {
            match c.as_rule() {
                Rule::string => t.title = Some(self.string(c)),
                Rule::parties_stmt => {
                    for l in c.kids() {
                        for i in l.kids() {
                            t.parties.push(self.ident(i));
                        }
                    }
                }
                Rule::clause_decl => {
                    let cspan = self.span(&c);
                    let cdoc = self.doc(cspan.start);
                    t.clauses.push(self.clause(c, cdoc, cspan));
                }
                _ => {}
            }
        }
        t
    }

    fn clause(&mut self, p: Pair<Rule>, doc: Option<String>, span: Span) -> ClauseDecl {
        let mut it = p.kids();
        let id = self.first_ident(it.next(), span);
        let mut c = ClauseDecl {
            id,
            title: None,
            doc,
            formulas: Vec::new(),
            requires: Vec::new(),
            span,
        };
        for s in it {
            match s.as_rule() {
                Rule::string => c.title = Some(self.string(s)),
                Rule::requires_stmt => {
                    let rspan = self.span(&s);
                    let mut ri = s.kids();
                    if let Some(target) = ri.next() {
                        c.requires.push(RequiresDecl {
                            target: self.ident(target),
                            rule: ri.next().map(|r| self.ident(r)),
                            span: rspan,
                        });
                    }
                }
                Rule::formula_stmt => {
                    if let Some(f) = s.kids().next().and_then(|f| self.formula(f)) {
                        c.formulas.push(f);
                    }
                }
                _ => {}
            }
        }
        c
    }

    fn clause_ref(&self, p: Pair<Rule>) -> ClauseRefAst {
        let span = self.span(&p);
        let parts: Vec<Ident> = p.kids().map(|i| self.ident(i)).collect();
        match <[Ident; 2]>::try_from(parts) {
            Ok([treaty, id]) => ClauseRefAst {
                treaty: Some(treaty),
                id,
                span,
            },
            Err(mut parts) => ClauseRefAst {
                treaty: None,
                id: parts.pop().unwrap_or(Ident {
                    text: String::new(),
                    span,
                }),
                span,
            },
        }
    }

    fn position(&mut self, p: Pair<Rule>, doc: Option<String>, span: Span) -> PositionDecl {
        let mut it = p.kids();
        let id = self.first_ident(it.next(), span);
        let mut pos = PositionDecl {
            id,
            source: None,
            doc,
            held_by: Vec::new(),
            red_lines: Vec::new(),
            stances: Vec::new(),
            span,
        };
        for s in it {
            let sspan = self.span(&s);
            match s.as_rule() {
                Rule::string => pos.source = Some(self.string(s)),
                Rule::held_by => {
                    if let Some(h) = s.kids().next() {
                        let held = if h.as_rule() == Rule::each_of {
                            match h.kids().next() {
                                Some(b) => HeldBy::EachOf(self.ident(b)),
                                None => continue,
                            }
                        } else {
                            HeldBy::Actors(h.kids().map(|i| self.ident(i)).collect())
                        };
                        pos.held_by.push((held, sspan));
                    }
                }
                Rule::red_line => {
                    let rdoc = self.doc(sspan.start);
                    let mut label = None;
                    let mut possible = false;
                    let mut formula = None;
                    for c in s.kids() {
                        match c.as_rule() {
                            Rule::string => label = Some(self.string(c)),
                            Rule::possible => possible = true,
                            Rule::formula => formula = self.formula(c),
                            _ => {}
                        }
                    }
                    if let (Some(label), Some(formula)) = (label, formula) {
                        pos.red_lines.push(RedLineDecl {
                            label,
                            possible,
                            formula,
                            doc: rdoc,
                            span: sspan,
                        });
                    }
                }
                Rule::stance => {
                    let mut kind = StanceKind::Supports;
                    for c in s.kids() {
                        match c.as_rule() {
                            Rule::stance_kind if c.as_str() == "opposes" => {
                                kind = StanceKind::Opposes;
                            }
                            Rule::clause_ref => {
                                let clause = self.clause_ref(c);
                                pos.stances.push(StanceDecl {
                                    kind,
                                    span: clause.span,
                                    clause,
                                });
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        pos
    }

    fn expectation(&mut self, p: Pair<Rule>) -> Option<ExpectKind> {
        let rule = p.as_rule();
        let mut it = p.kids();
        Some(match rule {
            Rule::expect_conflict => ExpectKind::Conflict(
                it.map(|c| {
                    if c.as_rule() == Rule::clause_ref {
                        ConflictItemAst::Clause(self.clause_ref(c))
                    } else {
                        let mut ri = c.kids();
                        let position = ri.next().map(|i| self.ident(i));
                        let label = ri.next().map(|s| self.string(s));
                        match (position, label) {
                            (Some(position), Some(label)) => {
                                ConflictItemAst::RedLine { position, label }
                            }
                            _ => ConflictItemAst::Clause(ClauseRefAst {
                                treaty: None,
                                id: Ident {
                                    text: String::new(),
                                    span: Span::default(),
                                },
                                span: Span::default(),
                            }),
                        }
                    }
                })
                .collect(),
            ),
            Rule::expect_consistent => ExpectKind::Consistent,
            Rule::expect_veto | Rule::expect_no_veto => ExpectKind::Veto {
                actor: self.ident(it.next()?),
                clause: self.clause_ref(it.next()?),
                expected: rule == Rule::expect_veto,
            },
            Rule::expect_blocked => ExpectKind::Blocked(self.clause_ref(it.next()?)),
            Rule::expect_adoptable => ExpectKind::Adoptable(self.clause_ref(it.next()?)),
            Rule::expect_feasible | Rule::expect_infeasible => ExpectKind::Feasible {
                treaty: it.next().map(|i| self.ident(i)),
                expected: rule == Rule::expect_feasible,
            },
            Rule::expect_power => {
                let parts: Vec<Pair<Rule>> = it.collect();
                let (body, rule_name, rest) = match parts.len() {
                    6 => (&parts[0], Some(&parts[1]), &parts[2..]),
                    5 => (&parts[0], None, &parts[1..]),
                    _ => return None,
                };
                ExpectKind::Power {
                    body: self.ident(body.clone()),
                    rule: rule_name.map(|r| self.ident(r.clone())),
                    actor: self.ident(rest[0].clone()),
                    index: self.ident(rest[1].clone()),
                    op: cmp_op(rest[2].as_str()),
                    value: self.lit(rest[3].clone()),
                }
            }
            Rule::expect_non_party => {
                let parts: Vec<Pair<Rule>> = it.collect();
                let (treaty, count) = match parts.len() {
                    2 => (Some(self.ident(parts[0].clone())), &parts[1]),
                    1 => (None, &parts[0]),
                    _ => return None,
                };
                ExpectKind::NonPartyClauses {
                    treaty,
                    count: self.lit(count.clone()),
                }
            }
            _ => return None,
        })
    }

    /// Builds a formula; reports (and returns `None` for) one nested past `MAX_FORMULA_DEPTH`.
    fn formula(&mut self, p: Pair<Rule>) -> Option<FormulaAst> {
        let span = self.span(&p);
        match self.formula_inner(p) {
            Ok((f, _)) => Some(f),
            Err(()) => {
                self.diags.push(
                    Diagnostic::error(
                        format!("formula nested more than {MAX_FORMULA_DEPTH} levels deep"),
                        Loc {
                            file: self.file,
                            span: Span {
                                start: span.start,
                                end: span.start + 1,
                            },
                        },
                    )
                    .with_label("this formula")
                    .with_help("split it into several clauses, facts or variables"),
                );
                None
            }
        }
    }

    /// Returns the node and its depth; `Err` past the depth limit.
    fn formula_inner(&mut self, p: Pair<Rule>) -> Result<(FormulaAst, usize), ()> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let node = |kind, depth: usize| {
            if depth > MAX_FORMULA_DEPTH {
                Err(())
            } else {
                Ok((FormulaAst { kind, span }, depth))
            }
        };
        match rule {
            Rule::bool_lit => node(FormulaKind::Bool(p.as_str() == "true"), 1),
            Rule::int => node(FormulaKind::Int(self.lit(p)), 1),
            Rule::name => node(FormulaKind::Name(p.as_str().to_string()), 1),
            Rule::formula | Rule::implication | Rule::disjunction | Rule::conjunction => {
                let mut operands = Vec::new();
                let mut depth = 0;
                for c in p.kids() {
                    if matches!(
                        c.as_rule(),
                        Rule::iff_op | Rule::implies_op | Rule::or_op | Rule::and_op
                    ) {
                        continue;
                    }
                    let (f, d) = self.formula_inner(c)?;
                    depth = depth.max(d);
                    operands.push(f);
                }
                if operands.len() == 1 {
                    let (f, d) = (operands.remove(0), depth);
                    return Ok((f, d));
                }
                match rule {
                    Rule::disjunction => node(FormulaKind::Or(operands), depth + 1),
                    Rule::conjunction => node(FormulaKind::And(operands), depth + 1),
                    // `implies` groups to the right, `iff` to the left.
                    Rule::implication => fold_chain(operands, true, depth, FormulaKind::Implies),
                    _ => fold_chain(operands, false, depth, FormulaKind::Iff),
                }
            }
            Rule::negation | Rule::unary => {
                let mut ops = Vec::new();
                let mut operand = None;
                for c in p.kids() {
                    match c.as_rule() {
                        Rule::not_op | Rule::neg_op => ops.push(self.span(&c)),
                        _ => operand = Some(self.formula_inner(c)?),
                    }
                }
                let (mut acc, mut d) = operand.ok_or(())?;
                while let Some(op) = ops.pop() {
                    d += 1;
                    if d > MAX_FORMULA_DEPTH {
                        return Err(());
                    }
                    let s = Span {
                        start: op.start,
                        end: acc.span.end,
                    };
                    let inner = Box::new(acc);
                    acc = FormulaAst {
                        kind: if rule == Rule::negation {
                            FormulaKind::Not(inner)
                        } else {
                            FormulaKind::Neg(inner)
                        },
                        span: s,
                    };
                }
                Ok((acc, d))
            }
            Rule::comparison => {
                let mut it = p.kids();
                let lhs = self.formula_inner(it.next().ok_or(())?)?;
                match (it.next(), it.next()) {
                    (Some(op), Some(rhs)) => {
                        let rhs = self.formula_inner(rhs)?;
                        let d = lhs.1.max(rhs.1) + 1;
                        node(
                            FormulaKind::Cmp(cmp_op(op.as_str()), Box::new(lhs.0), Box::new(rhs.0)),
                            d,
                        )
                    }
                    _ => Ok(lhs),
                }
            }
            Rule::sum | Rule::product => {
                let mut it = p.kids();
                let (mut acc, mut d) = self.formula_inner(it.next().ok_or(())?)?;
                while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
                    let (rhs, rd) = self.formula_inner(rhs)?;
                    d = d.max(rd) + 1;
                    if d > MAX_FORMULA_DEPTH {
                        return Err(());
                    }
                    let s = Span {
                        start: acc.span.start,
                        end: rhs.span.end,
                    };
                    let (l, r) = (Box::new(acc), Box::new(rhs));
                    acc = FormulaAst {
                        kind: match op.as_str() {
                            "+" => FormulaKind::Add(l, r),
                            "-" => FormulaKind::Sub(l, r),
                            _ => FormulaKind::Mul(l, r),
                        },
                        span: s,
                    };
                }
                Ok((acc, d))
            }
            _ => {
                // Pass-through rules with a single child.
                match p.kids().next() {
                    Some(c) => self.formula_inner(c),
                    None => Err(()),
                }
            }
        }
    }
}

/// Folds `a op b op c` into binary nodes, to the right (`a op (b op c)`) or to the left,
/// counting depth from `depth`; `Err` past `MAX_FORMULA_DEPTH`.
fn fold_chain(
    mut operands: Vec<FormulaAst>,
    right: bool,
    depth: usize,
    make: fn(Box<FormulaAst>, Box<FormulaAst>) -> FormulaKind,
) -> Result<(FormulaAst, usize), ()> {
    if !right {
        operands.reverse();
    }
    let mut acc = operands.pop().ok_or(())?;
    let mut d = depth;
    while let Some(next) = operands.pop() {
        d += 1;
        if d > MAX_FORMULA_DEPTH {
            return Err(());
        }
        let (lhs, rhs) = if right { (next, acc) } else { (acc, next) };
        let span = Span {
            start: lhs.span.start,
            end: rhs.span.end,
        };
        acc = FormulaAst {
            kind: make(Box::new(lhs), Box::new(rhs)),
            span,
        };
    }
    Ok((acc, d))
}

fn cmp_op(s: &str) -> CmpOp {
    match s {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(text: &str) -> FormulaKind {
        let (ast, diags) = parse_source(&format!("fact {text}"), 0);
        assert!(diags.is_empty(), "{diags:?}");
        match ast.map(|a| a.items) {
            Some(mut items) => match items.pop() {
                Some(Item::Fact(f)) => f.formula.kind,
                other => panic!("not a fact: {other:?}"),
            },
            None => panic!("no ast"),
        }
    }

    fn name(f: &FormulaAst) -> &str {
        match &f.kind {
            FormulaKind::Name(n) => n,
            other => panic!("not a name: {other:?}"),
        }
    }

    #[test]
    fn implies_groups_right_and_iff_left() {
        match fact("a implies b implies c") {
            FormulaKind::Implies(a, rest) => {
                assert_eq!(name(&a), "a");
                assert!(matches!(rest.kind, FormulaKind::Implies(..)));
            }
            other => panic!("{other:?}"),
        }
        match fact("a iff b iff c") {
            FormulaKind::Iff(first, c) => {
                assert_eq!(name(&c), "c");
                assert!(matches!(first.kind, FormulaKind::Iff(..)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn keywords_need_a_word_boundary() {
        // `or_flag` is a name, not `or` followed by `_flag`: `a or_flag` is two names in a
        // row, a syntax error, while `a or b` is a disjunction.
        let (ast, diags) = parse_source("fact a or_flag", 0);
        assert!(ast.is_none() && !diags.is_empty());
        assert!(matches!(fact("a or b"), FormulaKind::Or(_)));
        assert!(matches!(fact("not notice"), FormulaKind::Not(_)));
    }
}

/// Parsing in pieces after an error gives exactly the diagnostics of parsing the whole
/// rest each time (the parse before this change), on every fixture and rule file broken in
/// many ways, with the smallest pieces.
#[cfg(test)]
mod piece_tests {
    use super::*;

    fn files() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        let mut dirs = vec![root.join("tests/cases"), root.join("rules")];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths {
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "treaty") {
                    // The generated one-line files (deep nesting) only slow this down.
                    match std::fs::read_to_string(&p) {
                        Ok(text) if text.len() < 10_000 => out.push(text),
                        _ => {}
                    }
                }
            }
        }
        assert!(out.len() > 50, "only {} files", out.len());
        out
    }

    /// Broken variants of `text`: a few bytes cut out or a stray token put in, at line
    /// starts and in the middle of lines.
    fn broken(text: &str) -> Vec<String> {
        let bounds: Vec<usize> = (0..text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let step = (bounds.len() / 6).max(1);
        let mut out = Vec::new();
        for (k, &i) in bounds.iter().enumerate().step_by(step) {
            let j = bounds.get(k + 3).copied().unwrap_or(text.len());
            out.push(format!("{}{}", &text[..i], &text[j..]));
            let junk = ["1 ", "} ", "clause ", "actor ", "\"", "("][k % 6];
            out.push(format!("{}{junk}{}", &text[..i], &text[i..]));
            // Several errors in one file: break every 7th line too.
            let lines: Vec<String> = text
                .lines()
                .enumerate()
                .map(|(n, l)| {
                    if (n + k) % 7 == 0 {
                        format!("{junk}{l}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            out.push(lines.join("\n"));
        }
        out
    }

    #[test]
    fn pieces_give_the_diagnostics_of_whole_rests() {
        let mut compared = 0;
        for text in files() {
            for b in broken(&text) {
                let whole = parse_pieces(&b, 0, usize::MAX).1;
                for piece in [1, 64] {
                    assert_eq!(parse_pieces(&b, 0, piece).1, whole, "piece {piece}:\n{b}");
                }
                compared += 1;
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    /// `in_treaty` with its memo, over increasing positions, answers as the scan back over
    /// every line that it replaces.
    #[test]
    fn in_treaty_with_a_memo_is_the_scan_back() {
        let scan = |text: &str, pos: usize| {
            text[..pos]
                .lines()
                .rev()
                .find_map(|l| {
                    let word: String = l
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    TOP_LEVEL.contains(&word.as_str()).then_some(word)
                })
                .is_some_and(|w| w == "treaty")
        };
        for text in files().iter().take(30) {
            for b in broken(text).iter().take(6) {
                let mut memo = TopLevelMemo::default();
                for (k, pos) in (0..=b.len()).filter(|&i| b.is_char_boundary(i)).enumerate() {
                    if k % 3 == 0 {
                        assert_eq!(in_treaty(b, pos, &mut memo), scan(b, pos), "{pos}:\n{b}");
                    }
                }
            }
        }
    }

    #[test]
    fn thousands_of_errors_are_each_reported() {
        let text = "actor 1 \"x\"\n".repeat(5000);
        let (_, diags) = parse_source(&text, 0);
        assert_eq!(diags.len(), 5000);
        let treaty = format!("treaty T {{\n{}}}\n", "  clause 1 { x == }\n".repeat(3000));
        let (_, diags) = parse_source(&treaty, 0);
        assert_eq!(diags.len(), 3000);
    }
}
