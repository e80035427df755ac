//! `treaty fmt`: one canonical layout of a well-formed file, text to text.
//!
//! The layout: two spaces per block level; one declaration or statement per line; a block
//! or a list (`{ ... }`) written on one line without comments stays on one line, any other
//! is laid out one statement per line (lists: entries keep the rows they were written in,
//! each with a trailing comma; member tables are aligned in columns); single spaces between
//! words and around operators, none inside parentheses, before `,` `:` `;` or around the
//! `.` of `Plan28.7` and `EU3."label"`; integers of 10_000 and more grouped by threes with
//! `_` (from 1_000, a separator written is kept and regrouped; below, dropped); a line break
//! inside a statement is kept, the next line one level deeper; runs of blank lines
//! collapsed to one, none at the start or end of a block. Every comment stays where it was: on its own line before what follows
//! it (so `///` stays attached), or at the end of its line (at the column it was written
//! at, when that leaves two spaces after the code). A comment inside a statement ends the
//! line there; the statement goes on one level deeper.
//!
//! How: the file is parsed by `parse_source` first (a file with errors is left alone, its
//! diagnostics returned), then by pest again for the tree. Literal tokens of the grammar
//! (`clause`, `{`, `,`) and comments are not pest pairs: they are read back from the text
//! between pairs. Whitespace is insignificant in the language, so the formatter changes
//! only whitespace (and the `_` of integers): the token sequence, and so the syntax tree,
//! stays the same (tested in `tests/format_props.rs`).

use pest::iterators::Pair;
use pest::Parser;

use super::grammar::{Rule, TreatyParser};
use super::parse::parse_source;
use crate::diag::{Code, Diagnostic};
use crate::source::FileId;

/// Formats a well-formed file; a file with syntax errors gives its diagnostics (with file
/// id 0) and no text.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    format_file(text, 0)
}

/// `format_source` with the file id the diagnostics should carry.
pub fn format_file(text: &str, file: FileId) -> Result<String, Vec<Diagnostic>> {
    let (ast, diags) = parse_source(text, file);
    if ast.is_none() {
        return Err(diags);
    }
    let internal = |what: &str| {
        vec![Diagnostic::bare(
            Code::Internal,
            format!("internal error: the file parses but cannot be formatted ({what})"),
        )]
    };
    let root = TreatyParser::parse(Rule::file, text)
        .ok()
        .and_then(|mut p| p.next())
        .ok_or_else(|| internal("no parse tree"))?;
    let mut lexer = Lexer { text, last_end: 0 };
    let (mut tree, trailing) = lexer.node(root).map_err(|e| internal(&e))?;
    tree.kids.extend(trailing.into_iter().map(Piece::Tok));
    let mut p = Printer {
        fresh: true,
        ..Printer::default()
    };
    p.body(&tree.kids, 0);
    Ok(p.finish())
}

// ---------------------------------------------------------------- tokens and tree

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Word,
    Open,
    Close,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Semi,
    Dot,
    /// Unary minus (`-x`).
    Neg,
    /// A comment; `col` is its column (in characters) in the source line.
    Comment {
        col: usize,
    },
}

#[derive(Clone, Debug)]
struct Tok {
    text: String,
    kind: Kind,
    /// Newlines between the previous token or comment and this one.
    nl: usize,
}

impl Tok {
    fn is_comment(&self) -> bool {
        matches!(self.kind, Kind::Comment { .. })
    }
}

#[derive(Debug)]
enum Piece {
    Tok(Tok),
    Node(Node),
}

#[derive(Debug)]
struct Node {
    rule: Rule,
    kids: Vec<Piece>,
}

/// Rules read as one token even though pest gives them inner pairs.
fn is_token_rule(r: Rule) -> bool {
    matches!(r, Rule::string | Rule::percent | Rule::fraction)
}

/// Statement blocks: `{` statements `}`.
fn is_stmt_block(r: Rule) -> bool {
    matches!(
        r,
        Rule::body_decl
            | Rule::treaty_decl
            | Rule::clause_decl
            | Rule::position_decl
            | Rule::scenario_decl
    )
}

/// Lists: `{` entries separated by `,` `}`.
fn is_list_block(r: Rule) -> bool {
    matches!(
        r,
        Rule::actors_decl
            | Rule::group_decl
            | Rule::member_block
            | Rule::any_of
            | Rule::expect_conflict
            | Rule::expect_repair
            | Rule::expect_no_repair
    )
}

/// An integer in canonical form: no leading zeros; from 10_000 on, `_` between groups of
/// three digits; from 1_000 to 9_999, the separator only if one was written (`4_690` in a
/// table of larger numbers).
fn canonical_int(text: &str) -> String {
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return "0".to_string();
    }
    if digits.len() < 4 || digits.len() == 4 && !text.contains('_') {
        return digits.to_string();
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    out
}

struct Lexer<'t> {
    text: &'t str,
    /// End of the last token or comment read.
    last_end: usize,
}

impl Lexer<'_> {
    fn newlines(&self, upto: usize) -> usize {
        self.text
            .get(self.last_end..upto)
            .map_or(0, |s| s.matches('\n').count())
    }

    /// A token of a pair read whole.
    fn token(&mut self, pair: &Pair<Rule>) -> Option<Tok> {
        let s = pair.as_span();
        let raw = pair.as_str();
        if raw.is_empty() {
            return None;
        }
        let (text, kind) = match pair.as_rule() {
            Rule::int => (canonical_int(raw), Kind::Word),
            Rule::neg_op => (raw.to_string(), Kind::Neg),
            _ => (raw.to_string(), Kind::Word),
        };
        let nl = self.newlines(s.start());
        self.last_end = s.end();
        Some(Tok { text, kind, nl })
    }

    /// The literal tokens and comments of the text between pairs, `[from, to)`.
    fn gap(&mut self, from: usize, to: usize, out: &mut Vec<Piece>) -> Result<(), String> {
        let bytes = self.text.as_bytes();
        let mut i = from;
        while i < to {
            let b = bytes[i];
            let start = i;
            let kind = match b {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    i += 1;
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while i < to && bytes[i] != b'\n' {
                        i += 1;
                    }
                    let line_start = self.text[..start].rfind('\n').map_or(0, |n| n + 1);
                    Kind::Comment {
                        col: self.text[line_start..start].chars().count(),
                    }
                }
                b'{' => {
                    i += 1;
                    Kind::LBrace
                }
                b'}' => {
                    i += 1;
                    Kind::RBrace
                }
                b'(' => {
                    i += 1;
                    Kind::Open
                }
                b')' => {
                    i += 1;
                    Kind::Close
                }
                b',' => {
                    i += 1;
                    Kind::Comma
                }
                b':' => {
                    i += 1;
                    Kind::Colon
                }
                b';' => {
                    i += 1;
                    Kind::Semi
                }
                b'.' => {
                    i += 1;
                    Kind::Dot
                }
                b'+' | b'-' => {
                    i += 1;
                    Kind::Word
                }
                _ if b.is_ascii_alphanumeric() || b == b'_' => {
                    // Words; `non-party` is one.
                    while i < to
                        && (bytes[i].is_ascii_alphanumeric()
                            || bytes[i] == b'_'
                            || (bytes[i] == b'-'
                                && bytes.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic())))
                    {
                        i += 1;
                    }
                    Kind::Word
                }
                _ => return Err(format!("unexpected text at byte {i}")),
            };
            let text = self.text[start..i].trim_end().to_string();
            let nl = self.newlines(start);
            self.last_end = i;
            out.push(Piece::Tok(Tok { text, kind, nl }));
        }
        Ok(())
    }

    /// The tree of a pair, and the comments after its last token (which belong to the
    /// parent: pest keeps the whitespace and comments skipped before an absent optional
    /// part inside the rule).
    fn node(&mut self, pair: Pair<Rule>) -> Result<(Node, Vec<Tok>), String> {
        let rule = pair.as_rule();
        let span = pair.as_span();
        let mut kids = Vec::new();
        let mut pos = span.start();
        for child in pair.into_inner() {
            let cs = child.as_span();
            self.gap(pos, cs.start(), &mut kids)?;
            let whole = is_token_rule(child.as_rule());
            let leaf = child.clone().into_inner().next().is_none();
            if whole
                || leaf
                    && !child
                        .as_str()
                        .contains(|c: char| c.is_whitespace() || c == '/')
            {
                kids.extend(self.token(&child).map(Piece::Tok));
            } else if leaf {
                // Literals only, with space between (never met in this grammar): as text.
                self.gap(cs.start(), cs.end(), &mut kids)?;
            } else {
                let (n, trailing) = self.node(child)?;
                kids.push(Piece::Node(n));
                kids.extend(trailing.into_iter().map(Piece::Tok));
            }
            pos = cs.end();
        }
        self.gap(pos, span.end(), &mut kids)?;
        let mut trailing = Vec::new();
        while let Some(Piece::Tok(t)) = kids.last() {
            if !t.is_comment() {
                break;
            }
            if let Some(Piece::Tok(t)) = kids.pop() {
                trailing.push(t);
            }
        }
        trailing.reverse();
        Ok((Node { rule, kids }, trailing))
    }
}

fn first_nl(pieces: &[Piece]) -> usize {
    match pieces.first() {
        Some(Piece::Tok(t)) => t.nl,
        Some(Piece::Node(n)) => first_nl(&n.kids),
        None => 0,
    }
}

/// Every token of the pieces, in order.
fn flatten(pieces: &[Piece], out: &mut Vec<Tok>) {
    for p in pieces {
        match p {
            Piece::Tok(t) => out.push(t.clone()),
            Piece::Node(n) => flatten(&n.kids, out),
        }
    }
}

/// Written on one line without comments.
fn one_line(toks: &[Tok]) -> bool {
    toks.iter().all(|t| t.nl == 0 && !t.is_comment())
}

fn needs_space(prev: Kind, next: Kind) -> bool {
    !matches!(
        (prev, next),
        (
            _,
            Kind::Comma | Kind::Colon | Kind::Semi | Kind::Close | Kind::Dot
        ) | (Kind::Open | Kind::Dot | Kind::Neg, _)
            | (Kind::LBrace, Kind::RBrace)
    )
}

// ---------------------------------------------------------------- layout

/// Separates the cells of an aligned table's rows until they are padded.
const CELL: char = '\u{1}';

#[derive(Debug)]
struct Line {
    indent: usize,
    code: String,
    /// A trailing comment (or the whole line's, when `code` is empty) and its source column.
    comment: Option<(String, usize)>,
}

#[derive(Debug)]
enum Out {
    Blank,
    Line(Line),
}

#[derive(Default)]
struct Printer {
    out: Vec<Out>,
    cur: Option<Line>,
    prev: Option<Kind>,
    /// The indentation level of the statement being written.
    indent: usize,
    /// A token of that statement is written: a new line is a continuation (one level in).
    started: bool,
    /// Nothing written since the start of the file or block: no blank line.
    fresh: bool,
    /// The separator before the next token, instead of the usual one.
    sep: Option<&'static str>,
    /// Inside an aligned table: cells separated by `CELL`.
    cells: bool,
}

impl Printer {
    fn close(&mut self) {
        if let Some(l) = self.cur.take() {
            self.out.push(Out::Line(l));
        }
    }

    fn blank_if(&mut self, nl: usize) {
        if nl >= 2 && !self.fresh && !matches!(self.out.last(), Some(Out::Blank) | None) {
            self.out.push(Out::Blank);
        }
    }

    fn begin_stmt(&mut self, indent: usize, nl: usize) {
        self.close();
        self.blank_if(nl);
        self.indent = indent;
        self.started = false;
        self.fresh = false;
    }

    fn tok(&mut self, t: &Tok) {
        if t.is_comment() {
            self.comment(t);
            return;
        }
        // A line break written inside a statement is kept (not before a closing or
        // separating token, which joins the line before).
        let joins = matches!(
            t.kind,
            Kind::LBrace
                | Kind::RBrace
                | Kind::Comma
                | Kind::Semi
                | Kind::Colon
                | Kind::Close
                | Kind::Dot
        );
        if t.nl > 0 && self.started && !joins {
            self.close();
        }
        match &mut self.cur {
            None => {
                self.cur = Some(Line {
                    indent: self.indent + usize::from(self.started),
                    code: String::new(),
                    comment: None,
                });
                self.sep = None;
            }
            Some(line) => {
                if let Some(sep) = self.sep.take() {
                    line.code.push_str(sep);
                } else if self.prev.is_some_and(|p| needs_space(p, t.kind)) {
                    line.code.push(if self.cells { CELL } else { ' ' });
                }
            }
        }
        if let Some(line) = &mut self.cur {
            line.code.push_str(&t.text);
        }
        self.prev = Some(t.kind);
        self.started = true;
        self.fresh = false;
    }

    fn comment(&mut self, t: &Tok) {
        let col = match t.kind {
            Kind::Comment { col } => col,
            _ => 0,
        };
        if t.nl == 0 {
            if let Some(line) = &mut self.cur {
                if line.comment.is_none() {
                    line.comment = Some((t.text.clone(), col));
                    self.close();
                    return;
                }
            }
        }
        self.close();
        self.blank_if(t.nl);
        self.out.push(Out::Line(Line {
            indent: self.indent + usize::from(self.started),
            code: String::new(),
            comment: Some((t.text.clone(), 0)),
        }));
        self.fresh = false;
    }

    /// The statements (and comments) of a file or a block, at `indent`.
    fn body(&mut self, pieces: &[Piece], indent: usize) {
        for p in pieces {
            match p {
                Piece::Node(n) => {
                    self.begin_stmt(indent, first_nl(&n.kids));
                    self.node(n);
                }
                Piece::Tok(t) => {
                    if t.is_comment() && (t.nl > 0 || self.cur.is_none()) {
                        self.indent = indent;
                        self.started = false;
                    }
                    self.tok(t);
                }
            }
        }
    }

    fn node(&mut self, n: &Node) {
        if is_stmt_block(n.rule) || is_list_block(n.rule) {
            let open = n
                .kids
                .iter()
                .position(|p| matches!(p, Piece::Tok(t) if t.kind == Kind::LBrace));
            let close = n
                .kids
                .iter()
                .rposition(|p| matches!(p, Piece::Tok(t) if t.kind == Kind::RBrace));
            if let (Some(open), Some(close)) = (open, close) {
                if open < close {
                    self.pieces(&n.kids[..open]);
                    let (Piece::Tok(lb), Piece::Tok(rb)) = (&n.kids[open], &n.kids[close]) else {
                        return;
                    };
                    let inner = &n.kids[open + 1..close];
                    if is_stmt_block(n.rule) {
                        self.stmt_block(lb, inner, rb);
                    } else {
                        self.list_block(lb, inner, rb, n.rule == Rule::member_block);
                    }
                    self.pieces(&n.kids[close + 1..]);
                    return;
                }
            }
        }
        self.pieces(&n.kids);
    }

    fn pieces(&mut self, pieces: &[Piece]) {
        for p in pieces {
            match p {
                Piece::Tok(t) => self.tok(t),
                Piece::Node(n) => self.node(n),
            }
        }
    }

    /// Opens a multi-line block: returns what to restore after it and the block's level.
    fn open_block(&mut self, lb: &Tok) -> (usize, usize) {
        self.tok(lb);
        let level = self.cur.as_ref().map_or(self.indent, |l| l.indent);
        self.fresh = true;
        (self.indent, level)
    }

    fn close_block(&mut self, rb: &Tok, saved: usize, level: usize) {
        self.close();
        self.indent = level;
        self.started = false;
        self.tok(rb);
        self.indent = saved;
        self.started = true;
    }

    fn stmt_block(&mut self, lb: &Tok, inner: &[Piece], rb: &Tok) {
        let mut toks = Vec::new();
        flatten(inner, &mut toks);
        if toks.is_empty() {
            self.tok(lb);
            self.tok(rb);
            return;
        }
        toks.push(rb.clone());
        if one_line(&toks) {
            self.tok(lb);
            for (i, p) in inner.iter().enumerate() {
                if i > 0 {
                    self.sep = Some("  ");
                }
                match p {
                    Piece::Tok(t) => self.tok(t),
                    Piece::Node(n) => self.node(n),
                }
            }
            self.tok(rb);
            return;
        }
        let (saved, level) = self.open_block(lb);
        self.body(inner, level + 1);
        self.close_block(rb, saved, level);
    }

    fn list_block(&mut self, lb: &Tok, inner: &[Piece], rb: &Tok, table: bool) {
        let mut toks = Vec::new();
        flatten(inner, &mut toks);
        let comma = Tok {
            text: ",".into(),
            kind: Kind::Comma,
            nl: 0,
        };
        let mut entries: Vec<Vec<Tok>> = vec![Vec::new()];
        for t in toks.iter() {
            match (t.kind, entries.last_mut()) {
                (Kind::Comma, _) => entries.push(Vec::new()),
                (_, Some(e)) => e.push(t.clone()),
                (_, None) => {}
            }
        }
        let mut all = toks.clone();
        all.push(rb.clone());
        if toks.iter().all(|t| t.kind == Kind::Comma) || one_line(&all) {
            // `{}` or `{ a, b }`.
            self.tok(lb);
            let mut first = true;
            for e in entries.iter().filter(|e| !e.is_empty()) {
                if !first {
                    self.tok(&comma);
                }
                first = false;
                for t in e {
                    self.tok(t);
                }
            }
            self.tok(rb);
            return;
        }
        let (saved, level) = self.open_block(lb);
        let start = self.out.len();
        // A comment between two tokens of an entry: the table is not aligned.
        let mut aligned = table;
        let mut first_entry = true;
        for e in &entries {
            let Some(last) = e.iter().rposition(|t| !t.is_comment()) else {
                // Only comments (after the last comma).
                self.cells = false;
                self.body_comments(e, level + 1);
                continue;
            };
            let first = e.iter().position(|t| !t.is_comment()).unwrap_or(0);
            self.cells = false;
            self.body_comments(&e[..first], level + 1);
            let head = &e[first];
            if first_entry || head.nl > 0 || self.cur.is_none() {
                self.begin_stmt(level + 1, head.nl);
            } else {
                self.sep = Some(if aligned { "\u{1}" } else { " " });
            }
            first_entry = false;
            if e[first..last].iter().any(Tok::is_comment)
                || e[first + 1..=last].iter().any(|t| t.nl > 0)
            {
                aligned = false;
            }
            self.cells = aligned;
            for t in &e[first..=last] {
                self.tok(t);
            }
            self.tok(&comma);
            self.cells = false;
            self.body_comments(&e[last + 1..], level + 1);
        }
        self.cells = false;
        self.close();
        align(&mut self.out[start..], aligned);
        self.close_block(rb, saved, level);
    }

    /// Comments between entries of a list.
    fn body_comments(&mut self, toks: &[Tok], indent: usize) {
        for t in toks {
            if t.nl > 0 || self.cur.is_none() {
                self.indent = indent;
                self.started = false;
            }
            self.tok(t);
        }
    }

    fn finish(mut self) -> String {
        self.close();
        while matches!(self.out.last(), Some(Out::Blank)) {
            self.out.pop();
        }
        let mut s = String::new();
        for o in &self.out {
            if let Out::Line(l) = o {
                let width = if l.code.is_empty() {
                    0
                } else {
                    2 * l.indent + l.code.chars().count()
                };
                if !l.code.is_empty() || l.comment.is_some() {
                    s.push_str(&" ".repeat(2 * l.indent));
                }
                s.push_str(&l.code);
                if let Some((c, col)) = &l.comment {
                    if !l.code.is_empty() {
                        let at = (width + 2).max(*col);
                        s.push_str(&" ".repeat(at - width));
                    }
                    s.push_str(c);
                }
            }
            s.push('\n');
        }
        s
    }
}

/// Pads the cells of a table's rows (separated by `CELL`) to the widest of their column;
/// without `aligned`, the separators become single spaces.
fn align(lines: &mut [Out], aligned: bool) {
    let mut widths: Vec<usize> = Vec::new();
    if aligned {
        for o in lines.iter() {
            if let Out::Line(l) = o {
                if !l.code.contains(CELL) {
                    continue;
                }
                for (j, cell) in l.code.split(CELL).enumerate() {
                    let w = cell.chars().count();
                    match widths.get_mut(j) {
                        Some(m) => *m = (*m).max(w),
                        None => widths.push(w),
                    }
                }
            }
        }
    }
    for o in lines.iter_mut() {
        if let Out::Line(l) = o {
            if !l.code.contains(CELL) {
                continue;
            }
            let cells: Vec<&str> = l.code.split(CELL).collect();
            let mut code = String::new();
            for (j, cell) in cells.iter().enumerate() {
                code.push_str(cell);
                if j + 1 < cells.len() {
                    let w = widths.get(j).copied().unwrap_or(0);
                    let pad = w.saturating_sub(cell.chars().count());
                    code.push_str(&" ".repeat(pad + 1));
                }
            }
            l.code = code;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_grouped_by_threes_from_10_000() {
        assert_eq!(canonical_int("9_999"), "9_999");
        assert_eq!(canonical_int("99_99"), "9_999");
        assert_eq!(canonical_int("9999"), "9999");
        assert_eq!(canonical_int("1_00"), "100");
        assert_eq!(canonical_int("10000"), "10_000");
        assert_eq!(canonical_int("1_2345_6"), "123_456");
        assert_eq!(canonical_int("007"), "7");
        assert_eq!(canonical_int("0_0"), "0");
        assert_eq!(canonical_int("84358845"), "84_358_845");
    }
}
