//! pest parse tree -> `ast`. Syntax errors become diagnostics (worded in `errors`); after
//! an error the parser resumes where `errors::resume_point` says, so that one run reports
//! every broken item.

use pest::error::InputLocation;
use pest::iterators::Pair;
use pest::Parser;

use super::ast::*;
use super::errors::{resume_point, starts_top_level, syntax_error, TopLevelMemo};
use super::grammar::{keyword_text, Rule, TreatyParser};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Loc, Span};

/// Deepest nesting of parentheses accepted; deeper input is an error, never a stack overflow.
pub const MAX_NESTING: usize = 64;
/// Deepest formula tree accepted (chains like `not not ...` or `a implies b implies ...`
/// count too), so that every later recursive walk is bounded.
pub const MAX_FORMULA_DEPTH: usize = 256;

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
                            Code::TooDeep,
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

/// `text` without the whitespace and comments at its end: the implicit `WHITESPACE` and
/// `COMMENT` that pest skips before an optional part that is then absent. A string cannot
/// span lines, so on the last line the first `//` outside a string starts a comment.
fn without_trailing(text: &str) -> &str {
    let mut t = text.trim_end();
    loop {
        let line = t.rfind('\n').map_or(0, |i| i + 1);
        let (mut in_string, mut escaped, mut comment) = (false, false, None);
        let bytes = t.as_bytes();
        for i in line..t.len() {
            let b = bytes[i];
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else if b == b'"' {
                in_string = true;
            } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                comment = Some(i);
                break;
            }
        }
        match comment {
            Some(c) => t = t[..c].trim_end(),
            None => return t,
        }
    }
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
    /// The pair's span, without trailing whitespace and comments (which pest keeps in a
    /// rule that ends with an optional part that was not there).
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        let len = without_trailing(p.as_str()).len();
        Span {
            start: s.start() + self.offset,
            end: s.start() + len + self.offset,
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
            Rule::actor_decl => items.extend(self.actor(p, doc, span).map(Item::Actor)),
            Rule::actors_decl => {
                for e in p.kids() {
                    let espan = self.span(&e);
                    let edoc = self.doc(espan.start);
                    items.extend(self.actor(e, edoc, espan).map(Item::Actor));
                }
            }
            Rule::group_decl => items.push(Item::Group(self.group(p, doc, span))),
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
                let mut kids = p.kids().peekable();
                let scenario = match kids.peek() {
                    Some(k) if k.as_rule() == Rule::in_scenario => kids
                        .next()
                        .and_then(|k| k.kids().next())
                        .map(|i| self.ident(i)),
                    _ => None,
                };
                if let Some(kind) = kids.next().and_then(|e| self.expectation(e)) {
                    items.push(Item::Expect(ExpectDecl {
                        kind,
                        span,
                        scenario,
                    }));
                }
            }
            Rule::scenario_decl => items.push(Item::Scenario(self.scenario(p, doc, span))),
            Rule::consent_decl => {
                let mut actor = None;
                let mut names = Vec::new();
                let mut when = None;
                for c in p.kids() {
                    match c.as_rule() {
                        Rule::ident if actor.is_none() => actor = Some(self.ident(c)),
                        Rule::ident => names.push(self.ident(c)),
                        Rule::precondition => when = self.precondition(c),
                        _ => {}
                    }
                }
                let mut names = names.into_iter();
                if let (Some(actor), Some(body)) = (actor, names.next()) {
                    items.push(Item::Consent(ConsentDecl {
                        actor,
                        body,
                        rule: names.next(),
                        when,
                        doc,
                        span,
                    }));
                }
            }
            _ => {}
        }
    }

    /// `group G "title" { A, B }`.
    fn group(&mut self, p: Pair<Rule>, doc: Option<String>, span: Span) -> GroupDecl {
        let mut it = p.kids();
        let id = self.first_ident(it.next(), span);
        let mut group = GroupDecl {
            id,
            title: None,
            members: Vec::new(),
            doc,
            span,
        };
        for c in it {
            match c.as_rule() {
                Rule::string => group.title = Some(self.string(c)),
                Rule::ident_list => {
                    for i in c.kids() {
                        group.members.push(self.ident(i));
                    }
                }
                _ => {}
            }
        }
        group
    }

    /// `held by A, B` or `held by each of B`.
    fn held_by(&self, s: Pair<Rule>) -> Option<HeldBy> {
        let h = s.kids().next()?;
        Some(if h.as_rule() == Rule::each_of {
            HeldBy::EachOf(self.ident(h.kids().next()?))
        } else {
            HeldBy::Actors(h.kids().map(|i| self.ident(i)).collect())
        })
    }

    /// A member entry: `X [dim value ...]`.
    fn member_entry(&self, e: Pair<Rule>) -> Option<MemberDecl> {
        let span = self.span(&e);
        let mut parts = e.kids();
        let actor = self.ident(parts.next()?);
        let mut weights = Vec::new();
        for w in parts {
            let mut wi = w.kids();
            if let (Some(d), Some(v)) = (wi.next(), wi.next()) {
                weights.push((self.ident(d), self.lit(v)));
            }
        }
        Some(MemberDecl {
            actor,
            weights,
            span,
        })
    }

    /// `scenario NAME "title" { statements }`.
    fn scenario(&mut self, p: Pair<Rule>, doc: Option<String>, span: Span) -> ScenarioDecl {
        let mut it = p.kids();
        let id = self.first_ident(it.next(), span);
        let mut sc = ScenarioDecl {
            id,
            title: None,
            doc,
            statements: Vec::new(),
            span,
        };
        for s in it {
            let sspan = self.span(&s);
            let sdoc = self.doc(sspan.start);
            let stmt = match s.as_rule() {
                Rule::string => {
                    sc.title = Some(self.string(s));
                    continue;
                }
                Rule::assume_stmt => match s.kids().next().and_then(|f| self.formula(f)) {
                    Some(formula) => ScenarioStmt::Assume(FactDecl {
                        formula,
                        doc: sdoc,
                        span: sspan,
                    }),
                    None => continue,
                },
                Rule::drop_position => match s.kids().next() {
                    Some(i) => ScenarioStmt::DropPosition {
                        position: self.ident(i),
                        span: sspan,
                    },
                    None => continue,
                },
                Rule::position_holders => {
                    let mut k = s.kids();
                    let (Some(i), Some(h)) = (k.next(), k.next()) else {
                        continue;
                    };
                    let held_span = self.span(&h);
                    let Some(held_by) = self.held_by(h) else {
                        continue;
                    };
                    ScenarioStmt::Holders {
                        position: self.ident(i),
                        held_by,
                        held_span,
                        span: sspan,
                    }
                }
                Rule::position_decl => ScenarioStmt::Position(self.position(s, sdoc, sspan)),
                Rule::group_decl => ScenarioStmt::Group(self.group(s, sdoc, sspan)),
                Rule::clause_decl => ScenarioStmt::Clause(self.clause(s, sdoc, sspan)),
                Rule::body_change => {
                    let mut k = s.kids();
                    let Some(b) = k.next() else { continue };
                    let mut changes = Vec::new();
                    for c in k {
                        match c.as_rule() {
                            Rule::member_add => {
                                if let Some(m) = c.kids().next().and_then(|e| self.member_entry(e))
                                {
                                    changes.push(MemberChange::Add(m));
                                }
                            }
                            Rule::member_remove => {
                                if let Some(i) = c.kids().next() {
                                    changes.push(MemberChange::Remove(self.ident(i)));
                                }
                            }
                            _ => {}
                        }
                    }
                    ScenarioStmt::Members {
                        body: self.ident(b),
                        changes,
                        span: sspan,
                    }
                }
                Rule::ballot_stmt => {
                    let mut actor = None;
                    let mut ballot = BallotWord::No;
                    let mut clauses = Vec::new();
                    for c in s.kids() {
                        match c.as_rule() {
                            Rule::ident => actor = Some(self.ident(c)),
                            Rule::ballot_word => {
                                ballot = match c.as_str().trim() {
                                    "yes" => BallotWord::Yes,
                                    "abstain" => BallotWord::Abstain,
                                    "absent" => BallotWord::Absent,
                                    _ => BallotWord::No,
                                }
                            }
                            Rule::clause_ref => clauses.push(self.clause_ref(c)),
                            _ => {}
                        }
                    }
                    let Some(actor) = actor else { continue };
                    ScenarioStmt::Ballot(BallotDecl {
                        actor,
                        ballot,
                        clauses,
                        scenario: Some(sc.id.text.clone()),
                        span: sspan,
                    })
                }
                _ => continue,
            };
            sc.statements.push(stmt);
        }
        sc
    }

    /// `actor ID "name" [aggregate]`, alone or as an entry of `actors { ... }`.
    fn actor(&mut self, p: Pair<Rule>, doc: Option<String>, span: Span) -> Option<ActorDecl> {
        let mut it = p.kids();
        let (id, name) = (it.next()?, it.next()?);
        Some(ActorDecl {
            id: self.ident(id),
            name: self.string(name),
            aggregate: it.next().is_some_and(|a| a.as_rule() == Rule::aggregate),
            doc,
            span,
        })
    }

    /// The date of an `as of` statement.
    fn as_of(&mut self, p: Pair<Rule>) -> Option<DateAst> {
        let d = p.kids().next()?;
        Some(DateAst {
            text: d.as_str().to_string(),
            span: self.span(&d),
        })
    }

    /// The formula of a `when` precondition.
    fn precondition(&mut self, p: Pair<Rule>) -> Option<FormulaAst> {
        p.kids().next().and_then(|f| self.formula(f))
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
            as_of: Vec::new(),
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
                Rule::as_of => body.as_of.extend(self.as_of(c)),
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
            Rule::share | Rule::count | Rule::withheld | Rule::quorum => {
                let mut strict = false;
                let mut amount = None;
                let mut share = false;
                let mut dim = None;
                let mut base = None;
                let mut what = WithheldWord::Against;
                for c in p.kids() {
                    match c.as_rule() {
                        Rule::quota | Rule::upper => {
                            strict = c.kids().next().is_some_and(|q| {
                                matches!(q.as_rule(), Rule::more_than | Rule::less_than)
                            });
                        }
                        Rule::percent | Rule::fraction => {
                            share = true;
                            amount = Some(self.lit(c));
                        }
                        Rule::int => amount = Some(self.lit(c)),
                        Rule::dim => dim = Some(self.ident(c)),
                        Rule::share_base => {
                            base = Some(if c.as_str() == "cast" {
                                ShareBase::Cast
                            } else {
                                ShareBase::Present
                            });
                        }
                        Rule::withholding => {
                            what = match c.as_str() {
                                "against" => WithheldWord::Against,
                                "abstaining" => WithheldWord::Abstaining,
                                "absent" => WithheldWord::Absent,
                                _ => WithheldWord::NotInFavour,
                            };
                        }
                        _ => {}
                    }
                }
                match (amount, dim) {
                    (Some(ratio), Some(dim)) if rule == Rule::share => RuleKind::Share {
                        strict,
                        ratio,
                        dim,
                        base,
                    },
                    (Some(count), Some(dim)) if rule == Rule::count => {
                        RuleKind::Count { strict, count, dim }
                    }
                    (Some(amount), Some(dim)) if rule == Rule::withheld => RuleKind::Withheld {
                        strict,
                        amount,
                        share,
                        dim,
                        what,
                    },
                    (Some(amount), Some(dim)) => RuleKind::Quorum {
                        strict,
                        amount,
                        share,
                        dim,
                    },
                    _ => RuleKind::Unanimity,
                }
            }
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
            as_of: Vec::new(),
            span,
        };
        for c in it {
            match c.as_rule() {
                Rule::string => t.title = Some(self.string(c)),
                Rule::as_of => t.as_of.extend(self.as_of(c)),
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
            matches: None,
        };
        for s in it {
            match s.as_rule() {
                Rule::string => c.title = Some(self.string(s)),
                Rule::clause_matches => c.matches = Some(self.clause_ref(s)),
                Rule::requires_stmt => {
                    let rspan = self.span(&s);
                    if let Some(r) = s.kids().next() {
                        let any_of = r.as_rule() == Rule::any_of;
                        let routes = if any_of {
                            r.kids().filter_map(|x| self.route(x)).collect()
                        } else {
                            self.route(r).into_iter().collect()
                        };
                        c.requires.push(RequiresDecl {
                            routes,
                            any_of,
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

    /// `[lapse of] (each of BODY | TARGET [by RULE]) [when F]`.
    fn route(&mut self, p: Pair<Rule>) -> Option<RouteDecl> {
        let span = self.span(&p);
        let mut lapse = false;
        let mut each_of = false;
        let mut names = Vec::new();
        let mut when = None;
        for c in p.kids() {
            match c.as_rule() {
                Rule::lapse => lapse = true,
                Rule::each_of => {
                    each_of = true;
                    names.extend(c.kids().map(|b| self.ident(b)));
                }
                Rule::ident => names.push(self.ident(c)),
                Rule::precondition => when = self.precondition(c),
                _ => {}
            }
        }
        let mut names = names.into_iter();
        Some(RouteDecl {
            lapse,
            each_of,
            target: names.next()?,
            rule: names.next(),
            when,
            span,
        })
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
            rejects_package: Vec::new(),
            span,
        };
        for s in it {
            let sspan = self.span(&s);
            match s.as_rule() {
                Rule::string => pos.source = Some(self.string(s)),
                Rule::held_by => {
                    if let Some(held) = self.held_by(s) {
                        pos.held_by.push((held, sspan));
                    }
                }
                Rule::red_line => {
                    let rdoc = self.doc(sspan.start);
                    let mut label = None;
                    let mut mode = RedLineMode::Must;
                    let mut formula = None;
                    for c in s.kids() {
                        match c.as_rule() {
                            Rule::string => label = Some(self.string(c)),
                            Rule::possible => mode = RedLineMode::Possible,
                            Rule::guaranteed => mode = RedLineMode::Guaranteed,
                            Rule::formula => formula = self.formula(c),
                            _ => {}
                        }
                    }
                    if let (Some(label), Some(formula)) = (label, formula) {
                        pos.red_lines.push(RedLineDecl {
                            label,
                            mode,
                            formula,
                            doc: rdoc,
                            span: sspan,
                        });
                    }
                }
                Rule::rejects_package => pos.rejects_package.push(sspan),
                Rule::stance => {
                    let mut kind = StanceKind::Supports;
                    for c in s.kids() {
                        match c.as_rule() {
                            Rule::stance_kind if c.as_str() == "opposes" => {
                                kind = StanceKind::Opposes;
                            }
                            Rule::stance_kind if c.as_str().starts_with("abstains") => {
                                kind = StanceKind::Abstains;
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
        let rule_text = without_trailing(p.as_str()).to_string();
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
                mode: it.next().map(|m| {
                    let text = m.as_str();
                    if text.ends_with("abstaining") {
                        VetoMode::Abstaining
                    } else if text.ends_with("absence") {
                        VetoMode::Absence
                    } else {
                        VetoMode::No
                    }
                }),
            },
            Rule::expect_force | Rule::expect_no_force => ExpectKind::Force {
                actor: self.ident(it.next()?),
                clause: self.clause_ref(it.next()?),
                expected: rule == Rule::expect_force,
            },
            Rule::expect_route => {
                let open = rule_text.ends_with("open");
                let mut each_of = false;
                let mut names = Vec::new();
                let mut clause = None;
                for c in it {
                    match c.as_rule() {
                        Rule::each_of => {
                            each_of = true;
                            names.extend(c.kids().map(|b| self.ident(b)));
                        }
                        Rule::ident => names.push(self.ident(c)),
                        Rule::clause_ref => clause = Some(self.clause_ref(c)),
                        _ => {}
                    }
                }
                let mut names = names.into_iter();
                ExpectKind::Route {
                    target: names.next()?,
                    each_of,
                    rule: names.next(),
                    clause: clause?,
                    open,
                }
            }
            Rule::expect_impossible => ExpectKind::Impossible(self.clause_ref(it.next()?)),
            Rule::expect_objection | Rule::expect_no_objection => ExpectKind::Objection {
                actor: self.ident(it.next()?),
                clause: self.clause_ref(it.next()?),
                expected: rule == Rule::expect_objection,
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
            Rule::expect_non_party | Rule::expect_group => {
                let group = match rule {
                    Rule::expect_group => Some(self.ident(it.next()?)),
                    _ => None,
                };
                let unit = match it.next()?.as_str() {
                    "points" => CountUnit::Points,
                    _ => CountUnit::Clauses,
                };
                let parts: Vec<Pair<Rule>> = it.collect();
                let (treaty, count) = match parts.len() {
                    2 => (Some(self.ident(parts[0].clone())), &parts[1]),
                    1 => (None, &parts[0]),
                    _ => return None,
                };
                let count = self.lit(count.clone());
                match group {
                    Some(group) => ExpectKind::Group {
                        group,
                        unit,
                        treaty,
                        count,
                    },
                    None => ExpectKind::NonParty {
                        unit,
                        treaty,
                        count,
                    },
                }
            }
            Rule::expect_guaranteed | Rule::expect_not_guaranteed => {
                let mut line = it.next()?.kids();
                ExpectKind::Guaranteed {
                    position: self.ident(line.next()?),
                    label: self.string(line.next()?),
                    treaty: it.next().map(|i| self.ident(i)),
                    expected: rule == Rule::expect_guaranteed,
                }
            }
            Rule::expect_repair | Rule::expect_no_repair => {
                let mut items = Vec::new();
                let mut treaty = None;
                for c in it {
                    match c.as_rule() {
                        Rule::ident => treaty = Some(self.ident(c)),
                        Rule::clause_ref => items.push(ConflictItemAst::Clause(self.clause_ref(c))),
                        _ => {
                            let mut ri = c.kids();
                            let position = self.ident(ri.next()?);
                            let label = self.string(ri.next()?);
                            items.push(ConflictItemAst::RedLine { position, label });
                        }
                    }
                }
                ExpectKind::Repair {
                    items,
                    treaty,
                    expected: rule == Rule::expect_repair,
                }
            }
            Rule::expect_win_over => {
                let mut actors = Vec::new();
                let mut clause = None;
                for c in it {
                    match c.as_rule() {
                        Rule::ident => actors.push(self.ident(c)),
                        Rule::clause_ref => clause = Some(self.clause_ref(c)),
                        _ => {}
                    }
                }
                ExpectKind::WinOver {
                    actors,
                    clause: clause?,
                }
            }
            Rule::expect_margin => {
                let clause = self.clause_ref(it.next()?);
                let var = self.ident(it.next()?);
                let op = cmp_op(it.next()?.as_str());
                let mut next = it.next()?;
                let negative = next.as_rule() == Rule::neg_op;
                if negative {
                    next = it.next()?;
                }
                ExpectKind::Margin {
                    clause,
                    var,
                    op,
                    negative,
                    value: self.lit(next),
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
                        Code::TooDeep,
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
                // A parenthesised operand's pair is the formula inside the parentheses; as
                // written, the operand runs from its first character after the operators
                // (the `(`) to the end of this pair (the `)`).
                let from = ops.last().map_or(span.start, |op| op.end);
                let gap = self.text.get(from..acc.span.start).unwrap_or("");
                acc.span = Span {
                    start: from + (gap.len() - gap.trim_start().len()),
                    end: span.end,
                };
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

    /// Every node's span covers its text as written, parentheses included: the formula's
    /// text in reports is the slice of its span.
    #[test]
    fn spans_keep_the_parentheses_of_operands() {
        let cases = [
            ("(a or b) implies c", "(a or b)"),
            ("(a or b)", "a"),
            ("-(x + 1) > 0", "-(x + 1)"),
            ("not (a)", "(a)"),
            ("not ( a and b ) or c", "not ( a and b )"),
        ];
        for (formula, first_operand) in cases {
            let text = format!("fact {formula}");
            let (ast, diags) = parse_source(&text, 0);
            assert!(diags.is_empty(), "{diags:?}");
            let Some(Item::Fact(f)) = ast.and_then(|a| a.items.into_iter().next()) else {
                panic!("not a fact: {formula}");
            };
            let slice = |sp: Span| &text[sp.start..sp.end];
            assert_eq!(slice(f.formula.span), formula);
            let first = match &f.formula.kind {
                FormulaKind::Implies(l, _) | FormulaKind::Cmp(_, l, _) | FormulaKind::Not(l) => {
                    l.span
                }
                FormulaKind::Or(ops) => ops[0].span,
                _ => f.formula.span,
            };
            assert_eq!(slice(first), first_operand, "in {formula}");
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

    #[test]
    fn spans_end_before_trailing_comments() {
        let t = "expect veto A over clause 7 // why\n  // and more\n\n";
        assert_eq!(without_trailing(t), "expect veto A over clause 7");
        // `//` inside a string is no comment; an escaped quote does not end the string.
        let t = "red line \"a // b \\\" c\": x // note";
        assert_eq!(without_trailing(t), "red line \"a // b \\\" c\": x");
        assert_eq!(without_trailing("a\n// only a comment"), "a");
        assert_eq!(without_trailing("// all comment"), "");
    }
}

/// Parsing in pieces after an error gives exactly the diagnostics of parsing the whole
/// rest each time (the parse before this change), on every fixture and rule file broken in
/// many ways, with the smallest pieces.
#[cfg(test)]
mod piece_tests {
    use super::super::errors::{in_treaty, TopLevelMemo};
    use super::super::keywords::is_top_level;
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
                    is_top_level(&word).then_some(word)
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
