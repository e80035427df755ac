//! `treaty check --format html`: one self-contained page (inline CSS, JS and SVG; nothing
//! fetched) rendered from the same document as the JSON (`report::wire::CheckDoc`), with
//! the source lines of each finding read from the loaded files and the power indices of
//! the bodies the decisions use (`report::power`).
//!
//! Sections per treaty: the verdict, the blocked clauses, the conflict graph (a layered
//! layout computed here: clauses, conflicts, red lines) with every conflict and its source
//! lines, the clause x actor matrix, and the power tables with bar charts. The same input
//! gives the same bytes: every list follows the document's order or a sort with a total
//! order, and no clock, random number or path of the machine enters the page.

use std::collections::{BTreeMap, BTreeSet};

use super::loaded::{BodyOut, ClauseOut as LoadedClause, Place};
use super::power::{for_body, PowerReport};
use super::wire::{
    BlockerOut, CheckDoc, ClauseOut, ConflictOut, DecisionOut, ItemOut, ReasonOut, SourceLine,
    TreatyOut,
};
use crate::model::Model;
use crate::voting::{IndexChoice, PowerBudget};

/// Bodies with more members than this get no power table in the page (`treaty power`
/// computes them); the page says which were left out.
pub const POWER_MAX_MEMBERS: usize = 64;

/// The memory the counting tables of one body may take for the page: 256 MiB.
const POWER_MAX_MEMORY: u64 = 256 << 20;

/// At most this many source lines are quoted for one clause or red line.
const MAX_EXCERPT_LINES: usize = 14;

/// Text escaped for HTML text and attribute values (double or single quoted).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` as an id fragment: ASCII letters, digits, `-` and `_` kept, every other character
/// written as `.XX` (its UTF-8 bytes in hex), so that distinct names stay distinct.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!(".{b:02X}"));
            }
        }
    }
    out
}

/// `s` cut to `max` characters with `…`.
fn cut(s: &str, max: usize) -> String {
    super::shorten(s, max, "…")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The page for `doc`. Source lines come from `model`'s files (the files the document's
/// places name); power indices are computed for the bodies the decisions use, when small.
pub fn page(model: &Model, doc: &CheckDoc) -> String {
    let mut p = Page {
        model,
        doc,
        out: String::new(),
    };
    p.render();
    p.out
}

struct Page<'a> {
    model: &'a Model,
    doc: &'a CheckDoc,
    out: String,
}

/// What one actor does on one clause, for a matrix cell.
#[derive(Default, Clone, Copy)]
struct Cell {
    acts: bool,
    veto: bool,
    direct_no: bool,
    knock_on_no: bool,
}

impl Page<'_> {
    fn w(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn render(&mut self) {
        let title = match self.doc.treaties.first() {
            Some(t) => format!("treaty check: {}", t.title.as_deref().unwrap_or(&t.treaty)),
            None => "treaty check".to_string(),
        };
        self.w("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        self.w("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // No favicon request, no other fetch: everything the page needs is inline.
        self.w("<link rel=\"icon\" href=\"data:,\">\n");
        self.w(&format!("<title>{}</title>\n", esc(&title)));
        self.w("<style>\n");
        self.w(CSS);
        self.w("</style>\n</head>\n<body>\n");
        if let Some(s) = &self.doc.scenario {
            self.w(&format!(
                "<p class=\"scenario\">Scenario <b>{}</b>: the files with this scenario's changes.</p>\n",
                esc(s)
            ));
        }
        if !self.doc.given.is_empty() {
            self.w("<p class=\"scenario\">Ballots assumed on the command line (<code>--assume</code>): see the text report for who else can block.</p>\n");
        }
        for t in &self.doc.treaties {
            self.treaty(t);
        }
        for u in &self.doc.undecided {
            self.w(&format!(
                "<section class=\"verdict undecided\"><div class=\"verdict-word\">UNDECIDED</div><h1>{}</h1><p>The solver gave up on {}: {}. Nothing is concluded about this treaty.</p>",
                esc(u.title.as_deref().unwrap_or(&u.treaty)),
                esc(&u.query),
                esc(&u.reason)
            ));
            if !u.found_so_far.is_empty() {
                self.w("<p>Found before it gave up:</p><ul>");
                for f in &u.found_so_far {
                    self.w(&format!("<li>{}</li>", esc(f)));
                }
                self.w("</ul>");
            }
            self.w("</section>\n");
        }
        self.w("<footer>Generated by <code>treaty check --format html</code>. Self-contained: no script, font or image is fetched.</footer>\n");
        self.w("<script>\n");
        self.w(JS);
        self.w("</script>\n</body>\n</html>\n");
    }

    fn loaded_clause(&self, t: &TreatyOut, index: usize, c: &ClauseOut) -> Option<&LoadedClause> {
        let lt = self.doc.loaded.treaties.iter().find(|x| x.id == t.treaty)?;
        match lt.clauses.get(index) {
            Some(x) if c.clause == x.id || c.clause.ends_with(&format!(".{}", x.id)) => Some(x),
            _ => lt
                .clauses
                .iter()
                .find(|x| c.clause == x.id || c.clause.ends_with(&format!(".{}", x.id))),
        }
    }

    fn body(&self, id: &str) -> Option<&BodyOut> {
        self.doc.loaded.bodies.iter().find(|b| b.id == id)
    }

    fn actor_name(&self, id: &str) -> String {
        self.doc
            .loaded
            .actors
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    }

    /// The source lines from `at` to the end of the declaration starting there (the
    /// clause's closing brace), at most `MAX_EXCERPT_LINES`.
    fn clause_lines(&self, at: &Place) -> Vec<SourceLine> {
        let Some(f) = self.model.files.iter().find(|f| f.display == at.file) else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        let mut depth = 0i64;
        let mut seen_brace = false;
        for n in at.line..at.line.saturating_add(MAX_EXCERPT_LINES) {
            let text = f.line_text(n);
            if n > at.line && text.is_empty() && n > f.line_col(f.text.len()).0 {
                break;
            }
            lines.push(SourceLine {
                line: n,
                text: text.trim_end().to_string(),
            });
            for ch in text.chars() {
                match ch {
                    '{' => {
                        depth += 1;
                        seen_brace = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if !seen_brace || depth <= 0 {
                break;
            }
        }
        lines
    }

    fn source_block(&mut self, file: &str, lines: &[SourceLine], doc: Option<&str>) {
        self.w("<div class=\"source\">");
        if let Some(first) = lines.first() {
            self.w(&format!(
                "<div class=\"where\">{}:{}</div>",
                esc(file),
                first.line
            ));
        }
        if let Some(d) = doc {
            self.w(&format!("<div class=\"doc\">{}</div>", esc(d)));
        }
        self.w("<pre>");
        for l in lines {
            self.w(&format!(
                "<span class=\"ln\">{:>5}</span> {}\n",
                l.line,
                esc(&l.text)
            ));
        }
        self.w("</pre></div>");
    }

    fn treaty(&mut self, t: &TreatyOut) {
        let tid = slug(&t.treaty);
        let s = &t.summary;
        let infeasible = t.verdict != "feasible";
        self.w(&format!(
            "<section class=\"treaty\" id=\"t-{tid}\" data-treaty=\"{}\">\n",
            esc(&t.treaty)
        ));
        self.w(&format!(
            "<header class=\"verdict {}\">\n<div class=\"verdict-word\" data-verdict=\"{}\">{}</div>\n<div>\n<h1>{}</h1>\n<p class=\"meta\">treaty <code>{}</code> · {}:{}{}</p>\n",
            if infeasible { "v-bad" } else { "v-good" },
            esc(t.verdict),
            if infeasible { "Infeasible" } else { "Feasible" },
            esc(t.title.as_deref().unwrap_or(&t.treaty)),
            esc(&t.treaty),
            esc(&t.at.file),
            t.at.line,
            t.as_of
                .as_ref()
                .map_or_else(String::new, |d| format!(" · text as of {}", esc(d)))
        ));
        self.w(&format!("<p class=\"headline\">{}</p>\n", self.headline(t)));
        self.w("</div>\n</header>\n");
        let refusing = if t.refusing_parties.is_empty() {
            "none".to_string()
        } else {
            t.refusing_parties.join(", ")
        };
        self.w("<div class=\"cards\">\n");
        for (n, label, bad) in [
            (
                format!("{} / {}", s.adoptable, s.clauses),
                "clauses adoptable",
                false,
            ),
            (s.blocked.to_string(), "clauses blocked", s.blocked > 0),
            (
                format!(
                    "{}{}",
                    s.conflicts,
                    if t.conflicts_truncated { "+" } else { "" }
                ),
                "conflicts with red lines",
                s.conflicts > 0,
            ),
            (
                t.violated_guarantees.len().to_string(),
                "guaranteed red lines left open",
                !t.violated_guarantees.is_empty(),
            ),
            (
                t.objections.len().to_string(),
                "actors whose red lines are violated",
                !t.objections.is_empty(),
            ),
            (
                refusing.clone(),
                "parties rejecting the package",
                !t.refusing_parties.is_empty(),
            ),
        ] {
            self.w(&format!(
                "<div class=\"card{}\"><div class=\"n\">{}</div><div class=\"l\">{}</div></div>\n",
                if bad { " bad" } else { "" },
                esc(&n),
                label
            ));
        }
        self.w("</div>\n");
        self.w(&format!(
            "<nav><a href=\"#blocked-{tid}\">Blocked clauses</a><a href=\"#conflicts-{tid}\">Conflicts</a><a href=\"#matrix-{tid}\">Clause × actor matrix</a><a href=\"#power-{tid}\">Voting power</a><a href=\"#notes-{tid}\">Notes</a></nav>\n"
        ));
        if let Some(facts) = &t.facts_contradiction {
            self.w("<section class=\"panel\"><h2>The facts contradict each other</h2><p>Nothing else is checked until they agree:</p><ul>");
            for f in facts {
                self.w(&format!(
                    "<li><code>{}</code> <span class=\"where\">{}:{}</span></li>",
                    esc(&f.formula),
                    esc(&f.at.file),
                    f.at.line
                ));
            }
            self.w("</ul></section>\n");
        }
        self.blocked(t, &tid);
        self.conflicts(t, &tid);
        self.matrix(t, &tid);
        self.power(t, &tid);
        self.notes(t, &tid);
        self.w("</section>\n");
    }

    /// One sentence under the verdict.
    fn headline(&self, t: &TreatyOut) -> String {
        let s = &t.summary;
        if t.facts_contradiction.is_some() {
            return "The facts contradict each other: nothing else can hold.".to_string();
        }
        if t.verdict == "feasible" {
            return format!(
                "Every one of the {} can be adopted as the positions stand, and no red line is violated.",
                plural(s.clauses, "clause", "clauses")
            );
        }
        let mut parts = Vec::new();
        if s.blocked > 0 {
            parts.push(format!(
                "{} of {} cannot be adopted as the positions stand",
                s.blocked,
                plural(s.clauses, "clause", "clauses")
            ));
        }
        if s.conflicts > 0 {
            parts.push(plural(
                s.conflicts,
                "conflict with a red line",
                "conflicts with red lines",
            ));
        }
        if !t.violated_guarantees.is_empty() {
            parts.push(format!(
                "{} left open",
                plural(
                    t.violated_guarantees.len(),
                    "guaranteed red line is",
                    "guaranteed red lines are"
                )
            ));
        }
        if !t.refusing_parties.is_empty() {
            parts.push(format!(
                "{} reject the package",
                esc(&t.refusing_parties.join(", "))
            ));
        }
        let mut text = parts.join("; ");
        text.push('.');
        let mut chars = text.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
            None => text,
        }
    }

    fn reason(&self, r: &ReasonOut, tid: &str) -> String {
        let link = |c: &str| {
            format!(
                "<a class=\"conflict-link\" href=\"#conflict-{tid}-{}\">{}</a>",
                slug(c),
                esc(c)
            )
        };
        match r {
            ReasonOut::RedLine {
                position, conflict, ..
            } => format!(
                "red line of <code>{}</code> ({})",
                esc(position),
                link(conflict)
            ),
            ReasonOut::Guarantee { position, label } => format!(
                "guaranteed red line <code>{}</code> “{}” left open",
                esc(position),
                esc(label)
            ),
            ReasonOut::Package {
                position,
                conflicts,
            } => format!(
                "<code>{}</code> rejects the package ({})",
                esc(position),
                conflicts
                    .iter()
                    .map(|c| link(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ReasonOut::Opposes { position } => {
                format!("<code>{}</code> opposes the clause", esc(position))
            }
            ReasonOut::Assumed { scenario: Some(s) } => {
                format!("assumed by scenario <code>{}</code>", esc(s))
            }
            ReasonOut::Assumed { scenario: None } => "assumed (<code>--assume</code>)".to_string(),
        }
    }

    /// `EU (rule qmv)`, `consent of USA`, with the actor whose consent a body gives.
    fn decider(&self, d: &DecisionOut) -> String {
        let mut s = match (d.kind, &d.body, &d.actor) {
            ("body", Some(b), _) => {
                let rule = d.rule.as_deref().unwrap_or("default");
                if rule == "default" {
                    format!("<b>{}</b>", esc(b))
                } else {
                    format!("<b>{}</b> (rule {})", esc(b), esc(rule))
                }
            }
            (_, _, Some(a)) => format!("consent of <b>{}</b>", esc(a)),
            _ => "a decision".to_string(),
        };
        if let Some(a) = &d.consent_of {
            if d.kind == "body" {
                s.push_str(&format!(", giving {}'s consent", esc(a)));
            }
        }
        if d.lapse {
            s = format!("lapse of {s}");
        }
        s
    }

    fn no_votes(&self, voters: &[BlockerOut], tid: &str) -> String {
        let mut by_reason: BTreeMap<String, (bool, Vec<&str>)> = BTreeMap::new();
        let mut order = Vec::new();
        for b in voters {
            let why = b
                .because
                .iter()
                .map(|r| self.reason(r, tid))
                .collect::<Vec<_>>()
                .join("; ");
            if !by_reason.contains_key(&why) {
                order.push(why.clone());
            }
            let e = by_reason.entry(why).or_insert((b.knock_on, Vec::new()));
            e.1.push(&b.actor);
        }
        order
            .iter()
            .filter_map(|why| by_reason.get(why).map(|e| (why, e)))
            .map(|(why, (knock_on, who))| {
                format!(
                    "<span class=\"who {}\">{}</span> vote{} no{}: {}",
                    if *knock_on { "knock" } else { "direct" },
                    esc(&who.join(", ")),
                    if who.len() == 1 { "s" } else { "" },
                    if *knock_on { " (knock-on)" } else { "" },
                    why
                )
            })
            .collect::<Vec<_>>()
            .join("<br>")
    }

    /// One line under a blocked clause's title: where it stops and who votes no.
    fn blocked_summary(&self, t: &TreatyOut, c: &ClauseOut) -> String {
        if c.contradictory {
            return "its content contradicts the facts".to_string();
        }
        let mut deciders: Vec<String> = Vec::new();
        let mut consents: Vec<String> = Vec::new();
        let mut voters: Vec<&str> = Vec::new();
        let mut impossible = false;
        for d in t
            .decisions
            .iter()
            .filter(|d| d.clause == c.clause && d.status != "can_pass")
        {
            impossible |= d.status == "impossible";
            let (list, name) = match (&d.body, &d.actor) {
                (Some(b), _) => (&mut deciders, b),
                (None, Some(a)) => (&mut consents, a),
                (None, None) => continue,
            };
            if !list.contains(name) {
                list.push(name.clone());
            }
            for v in &d.no_votes {
                if !voters.contains(&v.actor.as_str()) {
                    voters.push(&v.actor);
                }
            }
        }
        let mut places = Vec::new();
        if !deciders.is_empty() {
            places.push(esc(&deciders.join(", ")));
        }
        if !consents.is_empty() {
            places.push(format!("the consent of {}", esc(&consents.join(", "))));
        }
        let mut out = if places.is_empty() {
            "no decision can go its way".to_string()
        } else {
            format!("stops in {}", places.join(" and in "))
        };
        if impossible {
            out.push_str(": a precondition cannot hold");
        }
        if !voters.is_empty() {
            const SHOWN: usize = 10;
            let more = voters.len().saturating_sub(SHOWN);
            out.push_str(&format!(
                "{} {} vote no",
                if impossible { ";" } else { ":" },
                esc(&voters[..voters.len().min(SHOWN)].join(", "))
            ));
            if more > 0 {
                out = out.replace(" vote no", &format!(" and {more} more vote no"));
            }
        }
        out
    }

    fn blocked(&mut self, t: &TreatyOut, tid: &str) {
        self.w(&format!(
            "<section class=\"panel\" id=\"blocked-{tid}\">\n<h2>Blocked clauses <span class=\"count\">{}</span></h2>\n",
            t.summary.blocked
        ));
        if t.summary.blocked == 0 {
            self.w("<p class=\"ok\">None: every clause can pass its decisions.</p>\n</section>\n");
            return;
        }
        self.w("<p class=\"hint\">Each blocked clause, the decision that stops it, who votes no and why (<span class=\"who direct\">direct</span>: the clause itself violates their red line; <span class=\"who knock\">knock-on</span>: they reject the whole package), and whom it takes to win over. Click a clause for its text.</p>\n");
        for (i, c) in t.clauses.iter().enumerate() {
            if c.adoptable {
                continue;
            }
            let lc = self.loaded_clause(t, i, c);
            let title = lc.and_then(|x| x.title.clone()).unwrap_or_default();
            let at = lc.map(|x| x.at.clone());
            self.w(&format!(
                "<details class=\"finding blocked\" id=\"clause-{tid}-{}\" data-clause=\"{}\">\n<summary><span class=\"badge bad\">blocked</span> <b>clause {}</b> {}<div class=\"sum\">{}</div></summary>\n<div class=\"body\">\n",
                slug(&c.clause),
                esc(&c.clause),
                esc(&c.clause),
                esc(&title),
                self.blocked_summary(t, c)
            ));
            let mut why = Vec::new();
            if c.contradictory {
                why.push("Its content contradicts the facts on its own.".to_string());
            }
            if c.impossible {
                why.push("Some requirement has no route whose precondition can hold.".to_string());
            }
            if !why.is_empty() {
                self.w(&format!("<p>{}</p>\n", why.join(" ")));
            }
            let decisions: Vec<&DecisionOut> = t
                .decisions
                .iter()
                .filter(|d| d.clause == c.clause && d.status != "can_pass")
                .collect();
            if !decisions.is_empty() {
                self.w("<ul class=\"decisions\">\n");
                for d in decisions {
                    let status = if d.status == "impossible" {
                        "cannot take place: its precondition cannot hold".to_string()
                    } else {
                        "blocked".to_string()
                    };
                    let rule = if d.rule_text.is_empty() {
                        String::new()
                    } else {
                        format!(" <span class=\"rule\">({})</span>", esc(&d.rule_text))
                    };
                    self.w(&format!(
                        "<li>{}{rule}: <b class=\"bad\">{status}</b>",
                        self.decider(d)
                    ));
                    if !d.no_votes.is_empty() {
                        self.w(&format!(
                            "<div class=\"novotes\">{}</div>",
                            self.no_votes(&d.no_votes, tid)
                        ));
                    }
                    self.w("</li>\n");
                }
                self.w("</ul>\n");
            }
            if let Some(w) = &c.win_over {
                if w.can_pass {
                    let sets = if let Some(a) = &w.any_of {
                        let mut s = String::new();
                        if !w.always.is_empty() {
                            s.push_str(&format!("{} and ", esc(&w.always.join(", "))));
                        }
                        s.push_str(&format!("any {} of {}", a.k, esc(&a.of.join(", "))));
                        s
                    } else {
                        w.sets
                            .iter()
                            .map(|x| esc(&x.join(", ")))
                            .collect::<Vec<_>>()
                            .join(" <i>or</i> ")
                    };
                    self.w(&format!(
                        "<p class=\"winover\">To pass it, win over {}{}: {}{}</p>\n",
                        if w.at_least { "at least " } else { "" },
                        plural(w.size, "actor", "actors"),
                        sets,
                        if (w.count as usize) > w.sets.len() {
                            format!(" (first {} of {} ways)", w.sets.len(), w.count)
                        } else {
                            String::new()
                        }
                    ));
                } else {
                    let why = match w.cannot_pass_because {
                        Some("precondition") => "a precondition cannot hold",
                        Some("contradictory") => "its content contradicts the facts",
                        Some("facts") => "the facts contradict each other",
                        _ => "no votes can change it",
                    };
                    self.w(&format!(
                        "<p class=\"winover\">Winning votes over cannot pass it: {why}.</p>\n"
                    ));
                }
            }
            if !c.vetoes.is_empty() {
                self.w(&format!(
                    "<p class=\"vetoes\">Can stop it alone ({}): {}</p>\n",
                    c.vetoes.len(),
                    esc(&c.vetoes.join(", "))
                ));
            }
            if let Some(at) = at {
                let lines = self.clause_lines(&at);
                self.source_block(&at.file, &lines, None);
            }
            self.w("</div>\n</details>\n");
        }
        self.w("</section>\n");
    }

    fn item_label(item: &ItemOut) -> (String, String, bool) {
        match item {
            ItemOut::Clause { name, title, .. } => {
                (name.clone(), title.clone().unwrap_or_default(), true)
            }
            ItemOut::RedLine {
                position, label, ..
            } => (position.clone(), label.clone(), false),
        }
    }

    fn conflicts(&mut self, t: &TreatyOut, tid: &str) {
        self.w(&format!(
            "<section class=\"panel\" id=\"conflicts-{tid}\">\n<h2>Conflicts <span class=\"count\">{}</span></h2>\n",
            t.conflicts.len()
        ));
        if t.conflicts.is_empty() {
            self.w(
                "<p class=\"ok\">No clause conflicts with a red line or with another clause.</p>\n",
            );
        } else {
            self.w("<p class=\"hint\">Clauses (left) and red lines (right) that cannot hold together; each conflict (middle) joins them. Click a conflict for the lines of the source.</p>\n");
            self.graph(t, tid);
            if t.conflicts_truncated {
                self.w("<p class=\"warn\">More conflicts exist: the list was cut by <code>--max-conflicts</code>.</p>\n");
            }
            for c in &t.conflicts {
                self.conflict(c, tid);
            }
        }
        if !t.violated_guarantees.is_empty() {
            self.w("<h3>Guaranteed red lines the treaty leaves open</h3>\n");
            for g in &t.violated_guarantees {
                self.w(&format!(
                    "<details class=\"finding guarantee\" id=\"guarantee-{tid}-{}\"><summary><span class=\"badge bad\">open</span> <code>{}</code> “{}” <span class=\"holders\">held by {}</span></summary><div class=\"body\"><p>The facts and clauses allow a world where <code>{}</code> is false, e.g. {}.</p>",
                    slug(&g.name),
                    esc(&g.position),
                    esc(&g.label),
                    esc(&g.holders.join(", ")),
                    esc(&g.formula),
                    esc(&g
                        .counterexample
                        .iter()
                        .map(|(k, v)| format!("{k} = {}", v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                        .collect::<Vec<_>>()
                        .join(", "))
                ));
                let file = g.at.file.clone();
                self.source_block(&file, &g.excerpt, g.doc.as_deref());
                self.w("</div></details>\n");
            }
        }
        self.w("</section>\n");
    }

    fn conflict(&mut self, c: &ConflictOut, tid: &str) {
        let names: Vec<String> = c
            .items
            .iter()
            .map(|i| {
                let (a, b, clause) = Self::item_label(i);
                if clause {
                    format!("<b>{}</b>", esc(&a))
                } else {
                    format!("<code>{}</code> “{}”", esc(&a), esc(&b))
                }
            })
            .collect();
        self.w(&format!(
            "<details class=\"finding conflict\" id=\"conflict-{tid}-{}\" data-conflict=\"{}\">\n<summary><span class=\"badge conf\">{}</span> {}</summary>\n<div class=\"body\">\n",
            slug(&c.id),
            esc(&c.id),
            esc(&c.id),
            names.join(" <span class=\"vs\">⟷</span> ")
        ));
        if let Some(r) = &c.reason {
            self.w(&format!("<p class=\"because\">Because {}</p>\n", esc(r)));
        }
        for i in &c.items {
            match i {
                ItemOut::Clause {
                    at, excerpt, doc, ..
                }
                | ItemOut::RedLine {
                    at, excerpt, doc, ..
                } => {
                    let (a, b, clause) = Self::item_label(i);
                    let holders = match i {
                        ItemOut::RedLine { holders, .. } => {
                            format!(
                                " <span class=\"holders\">held by {}</span>",
                                esc(&holders.join(", "))
                            )
                        }
                        ItemOut::Clause { .. } => String::new(),
                    };
                    self.w(&format!(
                        "<h4>{} {}{holders}</h4>\n",
                        if clause {
                            esc(&a)
                        } else {
                            format!("red line <code>{}</code>", esc(&a))
                        },
                        if b.is_empty() {
                            String::new()
                        } else {
                            format!("“{}”", esc(&b))
                        }
                    ));
                    self.source_block(&at.file, excerpt, doc.as_deref());
                }
            }
        }
        if !c.facts.is_empty() {
            self.w("<h4>with the facts</h4><ul class=\"facts\">");
            for f in &c.facts {
                self.w(&format!(
                    "<li><code>{}</code> <span class=\"where\">{}:{}</span></li>",
                    esc(&f.formula),
                    esc(&f.at.file),
                    f.at.line
                ));
            }
            self.w("</ul>\n");
        }
        let mut text = String::new();
        super::margins::human(&mut text, c);
        if !text.is_empty() {
            self.w("<h4>Margins: the values that resolve it</h4><ul class=\"margins\">");
            for m in text.lines() {
                let m = m.trim();
                let m = m.strip_prefix("margin: ").unwrap_or(m);
                self.w(&format!("<li>{}</li>", esc(m)));
            }
            self.w("</ul>\n");
        }
        self.w("</div>\n</details>\n");
    }

    /// The conflict graph as inline SVG: three layers (clauses, conflicts, red lines), each
    /// ordered once by the mean position of its neighbours, so that edges cross little.
    fn graph(&mut self, t: &TreatyOut, tid: &str) {
        // Nodes: (key, label, sublabel).
        let mut clauses: Vec<(String, String)> = Vec::new();
        let mut lines: Vec<(String, String)> = Vec::new();
        let mut edges: Vec<(usize, bool, usize)> = Vec::new(); // conflict, is clause, node
        for (ci, c) in t.conflicts.iter().enumerate() {
            for i in &c.items {
                let (a, b, clause) = Self::item_label(i);
                let key = match i {
                    ItemOut::Clause { name, .. } => name.clone(),
                    ItemOut::RedLine { name, .. } => name.clone(),
                };
                let list = if clause { &mut clauses } else { &mut lines };
                let idx = match list.iter().position(|(k, _)| *k == key) {
                    Some(x) => x,
                    None => {
                        let label = if clause {
                            format!("{a}: {b}")
                        } else {
                            format!("{a} · {b}")
                        };
                        list.push((key, label));
                        list.len() - 1
                    }
                };
                edges.push((ci, clause, idx));
            }
        }
        // Clauses in order of first appearance; conflicts by the mean row of their clauses; red lines
        // by the mean row of their conflicts. Ties keep the earlier order (stable sort).
        let clause_row: Vec<usize> = (0..clauses.len()).collect();
        let mean = |xs: &[usize]| -> (usize, usize) {
            if xs.is_empty() {
                (usize::MAX, 0)
            } else {
                (xs.iter().sum::<usize>() * 1000 / xs.len(), 0)
            }
        };
        let mut conflict_order: Vec<usize> = (0..t.conflicts.len()).collect();
        let ckey: Vec<(usize, usize)> = (0..t.conflicts.len())
            .map(|ci| {
                let xs: Vec<usize> = edges
                    .iter()
                    .filter(|e| e.0 == ci && e.1)
                    .map(|e| clause_row[e.2])
                    .collect();
                mean(&xs)
            })
            .collect();
        conflict_order.sort_by_key(|&ci| ckey[ci]);
        let mut conflict_row = vec![0usize; t.conflicts.len()];
        for (row, &ci) in conflict_order.iter().enumerate() {
            conflict_row[ci] = row;
        }
        let mut line_order: Vec<usize> = (0..lines.len()).collect();
        let lkey: Vec<(usize, usize)> = (0..lines.len())
            .map(|li| {
                let xs: Vec<usize> = edges
                    .iter()
                    .filter(|e| !e.1 && e.2 == li)
                    .map(|e| conflict_row[e.0])
                    .collect();
                mean(&xs)
            })
            .collect();
        line_order.sort_by_key(|&li| lkey[li]);
        let mut line_row = vec![0usize; lines.len()];
        for (row, &li) in line_order.iter().enumerate() {
            line_row[li] = row;
        }
        let rows = clauses.len().max(lines.len()).max(t.conflicts.len()).max(1);
        let step = 34usize;
        let height = rows * step + 20;
        let (x_clause, w_clause) = (8usize, 420usize);
        let x_conf = 570usize;
        let (x_line, w_line) = (712usize, 540usize);
        let width = x_line + w_line + 8;
        // Each layer centred vertically.
        let y =
            |row: usize, n: usize| -> usize { 10 + (rows - n) * step / 2 + row * step + step / 2 };
        self.w(&format!(
            "<div class=\"graph\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"conflict graph\">\n"
        ));
        self.w(&format!(
            "<text class=\"layer\" x=\"{x_clause}\" y=\"10\">clauses</text><text class=\"layer\" x=\"{}\" y=\"10\" text-anchor=\"middle\">conflicts</text><text class=\"layer\" x=\"{}\" y=\"10\" text-anchor=\"end\">red lines</text>\n",
            x_conf,
            x_line + w_line
        ));
        // Edges first, under the nodes.
        for &(ci, clause, idx) in &edges {
            let yc = y(conflict_row[ci], t.conflicts.len());
            let (x1, y1) = if clause {
                (x_clause + w_clause, y(clause_row[idx], clauses.len()))
            } else {
                (x_line, y(line_row[idx], lines.len()))
            };
            let x2 = if clause { x_conf - 22 } else { x_conf + 22 };
            let mid = (x1 + x2) / 2;
            self.w(&format!(
                "<path class=\"edge\" data-conflict=\"{}\" d=\"M{x1},{y1} C{mid},{y1} {mid},{yc} {x2},{yc}\"/>\n",
                esc(&t.conflicts[ci].id)
            ));
        }
        for (k, (_, label)) in clauses.iter().enumerate() {
            let yy = y(clause_row[k], clauses.len());
            self.w(&format!(
                "<g class=\"node clause\"><title>{}</title><rect x=\"{x_clause}\" y=\"{}\" width=\"{w_clause}\" height=\"26\" rx=\"5\"/><text x=\"{}\" y=\"{}\">{}</text></g>\n",
                esc(label),
                yy - 13,
                x_clause + 8,
                yy + 4,
                esc(&cut(label, 62))
            ));
        }
        for (k, (_, label)) in lines.iter().enumerate() {
            let yy = y(line_row[k], lines.len());
            self.w(&format!(
                "<g class=\"node redline\"><title>{}</title><rect x=\"{x_line}\" y=\"{}\" width=\"{w_line}\" height=\"26\" rx=\"13\"/><text x=\"{}\" y=\"{}\">{}</text></g>\n",
                esc(label),
                yy - 13,
                x_line + 10,
                yy + 4,
                esc(&cut(label, 84))
            ));
        }
        for (ci, c) in t.conflicts.iter().enumerate() {
            let yy = y(conflict_row[ci], t.conflicts.len());
            self.w(&format!(
                "<a class=\"conflict-link\" href=\"#conflict-{tid}-{}\"><g class=\"node conf\" data-conflict=\"{}\"><title>{}{}</title><rect x=\"{}\" y=\"{}\" width=\"44\" height=\"22\" rx=\"11\"/><text x=\"{x_conf}\" y=\"{}\" text-anchor=\"middle\">{}</text></g></a>\n",
                slug(&c.id),
                esc(&c.id),
                esc(&c.id),
                c.reason
                    .as_ref()
                    .map_or_else(String::new, |r| format!(": {}", esc(r))),
                x_conf - 22,
                yy - 11,
                yy + 4,
                esc(&c.id)
            ));
        }
        self.w("</svg></div>\n");
    }

    /// The clause x actor matrix: a row per clause, a column per actor that takes part in,
    /// votes no on or can veto some clause.
    fn matrix(&mut self, t: &TreatyOut, tid: &str) {
        let mut cells: BTreeMap<(usize, String), Cell> = BTreeMap::new();
        let row_of: BTreeMap<&str, usize> = t
            .clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clause.as_str(), i))
            .collect();
        for d in &t.decisions {
            let Some(&r) = row_of.get(d.clause.as_str()) else {
                continue;
            };
            let mut actors: Vec<String> = Vec::new();
            match (&d.body, &d.actor) {
                (Some(b), _) => {
                    if let Some(body) = self.body(b) {
                        actors.extend(body.members.iter().map(|m| m.actor.clone()));
                    }
                }
                (None, Some(a)) => actors.push(a.clone()),
                (None, None) => {}
            }
            if let Some(a) = &d.consent_of {
                actors.push(a.clone());
            }
            for a in actors {
                cells.entry((r, a)).or_default().acts = true;
            }
            for b in &d.no_votes {
                let cell = cells.entry((r, b.actor.clone())).or_default();
                if b.knock_on {
                    cell.knock_on_no = true;
                } else {
                    cell.direct_no = true;
                }
            }
        }
        for (r, c) in t.clauses.iter().enumerate() {
            for a in &c.vetoes {
                cells.entry((r, a.clone())).or_default().veto = true;
            }
        }
        // Columns: the actors that vote no first (most clauses first), then by vetoes, then
        // by the clauses they take part in; ties by id.
        let mut stats: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
        for ((_, a), c) in &cells {
            let s = stats.entry(a.as_str()).or_default();
            s.0 += usize::from(c.direct_no || c.knock_on_no);
            s.1 += usize::from(c.veto);
            s.2 += usize::from(c.acts);
        }
        let mut columns: Vec<(&str, (usize, usize, usize))> = stats.into_iter().collect();
        columns.sort_by(|x, y| {
            (y.1 .0, y.1 .1, y.1 .2)
                .cmp(&(x.1 .0, x.1 .1, x.1 .2))
                .then_with(|| x.0.cmp(y.0))
        });
        self.w(&format!(
            "<section class=\"panel\" id=\"matrix-{tid}\">\n<h2>Clause × actor matrix <span class=\"count\">{} clauses × {} actors</span></h2>\n",
            t.clauses.len(),
            columns.len()
        ));
        self.w("<p class=\"legend\"><span class=\"cell dn\">NO</span> votes no: the clause violates its red line (direct) <span class=\"cell kn\">no</span> votes no as a knock-on: it rejects the package <span class=\"cell vt\">V</span> can stop the clause alone <span class=\"cell ac\">•</span> must act: votes or consents <span class=\"cell kn vt\">no</span> framed: a no from an actor who can stop the clause alone, enough to block it. Hover a cell for details.</p>\n");
        self.w("<div class=\"matrix-wrap\"><table class=\"matrix\">\n<thead><tr><th class=\"corner\">clause</th>");
        for (a, _) in &columns {
            self.w(&format!(
                "<th class=\"actor\" title=\"{}\"><span>{}</span></th>",
                esc(&self.actor_name(a)),
                esc(a)
            ));
        }
        self.w("</tr></thead>\n<tbody>\n");
        for (r, c) in t.clauses.iter().enumerate() {
            let title = self
                .loaded_clause(t, r, c)
                .and_then(|x| x.title.clone())
                .unwrap_or_default();
            let link = if c.adoptable {
                format!("<span class=\"dot good\"></span>{}", esc(&c.clause))
            } else {
                format!(
                    "<span class=\"dot bad\"></span><a href=\"#clause-{tid}-{}\">{}</a>",
                    slug(&c.clause),
                    esc(&c.clause)
                )
            };
            self.w(&format!(
                "<tr data-clause=\"{}\" class=\"{}\"><th class=\"clause\" title=\"{}\">{link} <span class=\"ct\">{}</span></th>",
                esc(&c.clause),
                if c.adoptable { "ok" } else { "blocked" },
                esc(&title),
                esc(&cut(&title, 44))
            ));
            for (a, _) in &columns {
                let cell = cells
                    .get(&(r, (*a).to_string()))
                    .copied()
                    .unwrap_or_default();
                let mut class = Vec::new();
                let mut tip = Vec::new();
                let text = if cell.direct_no {
                    class.push("dn");
                    tip.push("votes no (direct: its red line)");
                    "NO"
                } else if cell.knock_on_no {
                    class.push("kn");
                    tip.push("votes no (knock-on: rejects the package)");
                    "no"
                } else if cell.veto {
                    "V"
                } else if cell.acts {
                    class.push("ac");
                    "•"
                } else {
                    ""
                };
                if cell.veto {
                    class.push("vt");
                    tip.push("can stop it alone");
                }
                if cell.acts && tip.is_empty() {
                    tip.push("must act (votes or consents)");
                }
                if class.is_empty() && text.is_empty() {
                    self.w("<td></td>");
                } else {
                    self.w(&format!(
                        "<td class=\"{}\" title=\"{} on clause {}: {}\">{text}</td>",
                        class.join(" "),
                        esc(a),
                        esc(&c.clause),
                        tip.join("; ")
                    ));
                }
            }
            self.w("</tr>\n");
        }
        self.w("</tbody></table></div>\n</section>\n");
    }

    /// The bodies (and rules) the treaty's decisions use, in first-use order.
    fn used_rules(t: &TreatyOut) -> Vec<(String, String)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for d in &t.decisions {
            if let Some(b) = &d.body {
                let rule = d.rule.clone().unwrap_or_else(|| "default".to_string());
                if seen.insert((b.clone(), rule.clone())) {
                    out.push((b.clone(), rule));
                }
            }
        }
        out
    }

    fn power(&mut self, t: &TreatyOut, tid: &str) {
        self.w(&format!(
            "<section class=\"panel\" id=\"power-{tid}\">\n<h2>Voting power in the bodies the treaty needs</h2>\n"
        ));
        self.w(&format!(
            "<p class=\"hint\">Exact Banzhaf and Shapley–Shubik indices of each body under the rule its decisions use (as <code>treaty power</code> gives them). Only bodies of 2 to {POWER_MAX_MEMBERS} members are computed here; click a column header to sort.</p>\n"
        ));
        let mut single = Vec::new();
        let mut skipped = Vec::new();
        let mut reports = Vec::new();
        for (b, rule) in Self::used_rules(t) {
            let Some(bid) = self.model.body_id(&b) else {
                continue;
            };
            let body = &self.model.bodies[bid];
            let n = body.members.len();
            if n < 2 {
                if !single.contains(&b) {
                    single.push(b.clone());
                }
                continue;
            }
            if n > POWER_MAX_MEMBERS {
                skipped.push(format!("{b} ({n} members)"));
                continue;
            }
            let Ok(rid) = body.find_rule(Some(&rule)) else {
                continue;
            };
            let budget = PowerBudget {
                max_memory: POWER_MAX_MEMORY,
                threads: 0,
                index: IndexChoice::Both,
            };
            match for_body(self.model, bid, rid, budget) {
                Ok(report) => reports.push((report, body.name.clone())),
                Err(e) => skipped.push(format!("{b} (rule {rule}: {e})")),
            }
        }
        // Open the largest body whose members differ in power (the earliest of equals; else
        // the first): a table of equal rows says less.
        let mut open = 0;
        let mut best = 0;
        for (i, (r, _)) in reports.iter().enumerate() {
            let uneven = r
                .members
                .iter()
                .any(|m| r.members.first().map(|f| &f.banzhaf) != Some(&m.banzhaf));
            if uneven && r.members.len() > best {
                best = r.members.len();
                open = i;
            }
        }
        for (i, (report, name)) in reports.iter().enumerate() {
            self.power_body(report, name, tid, i == open);
        }
        if !single.is_empty() {
            self.w(&format!(
                "<p class=\"hint\">One-member bodies (their member decides alone): {}.</p>\n",
                esc(&single.join(", "))
            ));
        }
        if !skipped.is_empty() {
            self.w(&format!(
                "<p class=\"warn\">Not computed for this page: {}. Use <code>treaty power FILE --body ID</code>.</p>\n",
                esc(&skipped.join("; "))
            ));
        }
        self.w("</section>\n");
    }

    fn power_body(&mut self, r: &PowerReport, name: &str, tid: &str, open: bool) {
        let id = format!("power-{tid}-{}-{}", slug(&r.body), slug(&r.rule));
        self.w(&format!(
            "<details class=\"power\" id=\"{id}\"{}>\n<summary><b>{}</b>{} <span class=\"holders\">{} · {} members</span></summary>\n<div class=\"body\">\n",
            if open { " open" } else { "" },
            esc(&r.body),
            if r.rule == "default" {
                String::new()
            } else {
                format!(" (rule {})", esc(&r.rule))
            },
            esc(name),
            r.summary.members
        ));
        self.w(&format!(
            "<p class=\"rule\">Passes with {}. Vetoers: {}. Dummies: {}.</p>\n",
            esc(&r.summary.quota),
            if r.summary.vetoers.is_empty() {
                "none".to_string()
            } else {
                esc(&r.summary.vetoers.join(", "))
            },
            if r.summary.dummies.is_empty() {
                "none".to_string()
            } else {
                esc(&r.summary.dummies.join(", "))
            }
        ));
        if let Some(n) = &r.two_valued {
            self.w(&format!("<p class=\"hint\">Note: {}.</p>\n", esc(n)));
        }
        self.w("<div class=\"power-grid\">\n<table class=\"sortable power-table\">\n<thead><tr><th data-type=\"text\">member</th><th data-type=\"num\">swings</th><th data-type=\"num\">Banzhaf</th><th data-type=\"num\">Shapley–Shubik</th></tr></thead>\n<tbody>\n");
        for m in &r.members {
            let ss = m.shapley_shubik.as_ref();
            self.w(&format!(
                "<tr><td>{}</td><td class=\"num\" data-sort=\"{}\">{}</td><td class=\"num\" data-sort=\"{}\" title=\"{}\">{}</td><td class=\"num\" data-sort=\"{}\" title=\"{}\">{}</td></tr>\n",
                esc(&m.member),
                esc(&m.swings),
                esc(&m.swings),
                esc(&sort_key(&m.banzhaf.decimal)),
                esc(&m.banzhaf.exact),
                esc(&m.banzhaf.decimal),
                esc(&ss.map_or_else(String::new, |f| sort_key(&f.decimal))),
                esc(&ss.map_or_else(String::new, |f| f.exact.clone())),
                esc(&ss.map_or_else(|| "n/a".to_string(), |f| f.decimal.clone()))
            ));
        }
        self.w("</tbody></table>\n");
        self.bars(r);
        self.w("</div>\n");
        if let Some(e) = &r.shapley_shubik_error {
            self.w(&format!(
                "<p class=\"hint\">Shapley–Shubik not computed: {}.</p>\n",
                esc(e)
            ));
        }
        self.w("</div>\n</details>\n");
    }

    /// A horizontal bar per member, longest first: normalised Banzhaf index, bar lengths
    /// in whole pixels from the 6-decimal values (integer arithmetic).
    fn bars(&mut self, r: &PowerReport) {
        let mut rows: Vec<(u64, &str, &str)> = r
            .members
            .iter()
            .map(|m| {
                (
                    sort_key(&m.banzhaf.decimal).parse::<u64>().unwrap_or(0),
                    m.member.as_str(),
                    m.banzhaf.decimal.as_str(),
                )
            })
            .collect();
        rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let max = rows.iter().map(|x| x.0).max().unwrap_or(0).max(1);
        let (label_w, bar_w, step) = (110u64, 300u64, 16u64);
        let height = step * rows.len() as u64 + 24;
        let width = label_w + bar_w + 70;
        self.w(&format!(
            "<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Banzhaf index per member\">\n<text class=\"layer\" x=\"0\" y=\"12\">Banzhaf index (normalised), largest first</text>\n"
        ));
        for (i, (v, member, dec)) in rows.iter().enumerate() {
            let y = 20 + step * i as u64;
            let len = v * bar_w / max;
            self.w(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{}\" width=\"{len}\" height=\"{}\"/><text class=\"v\" x=\"{}\" y=\"{}\">{}</text>\n",
                label_w - 6,
                y + 11,
                esc(&cut(member, 16)),
                y + 2,
                step - 4,
                label_w + len + 4,
                y + 11,
                esc(dec)
            ));
        }
        self.w("</svg>\n");
    }

    fn notes(&mut self, t: &TreatyOut, tid: &str) {
        self.w(&format!(
            "<section class=\"panel notes\" id=\"notes-{tid}\">\n<h2>Notes</h2>\n<ul>\n"
        ));
        for a in &t.aggregates {
            self.w(&format!(
                "<li><code>{}</code> is an aggregate (“{}”), not one voter: what is said of it for clause {} holds of the bloc, not of any member inside it.</li>\n",
                esc(&a.actor),
                esc(&a.name),
                esc(&a.clauses.join(", "))
            ));
        }
        for d in &t.data {
            if d.over_a_year_older {
                self.w(&format!(
                    "<li>The data of <code>{}</code> are as of {}, over a year before the treaty's text: its decisions may rest on old figures.</li>\n",
                    esc(&d.body),
                    esc(d.as_of.as_deref().unwrap_or("?"))
                ));
            }
        }
        let s = &t.summary;
        self.w(&format!(
            "<li>{} of {} need a non-party ({} of {} points).</li>\n",
            s.clauses_needing_non_parties,
            plural(s.clauses, "clause", "clauses"),
            s.points_needing_non_parties,
            s.points
        ));
        for g in &s.groups {
            self.w(&format!(
                "<li>{} of the clauses ({} of the points) require a member of <code>{}</code>{}.</li>\n",
                g.clauses.len(),
                g.points.len(),
                esc(&g.group),
                g.title
                    .as_ref()
                    .map_or_else(String::new, |x| format!(" ({})", esc(x)))
            ));
        }
        self.w("</ul>\n</section>\n");
    }
}

/// A non-negative decimal (`0.196270`) as an integer string of its digits without the
/// point (`196270`), for sorting and for bar lengths; equal scales compare exactly.
fn sort_key(decimal: &str) -> String {
    let digits: String = decimal.chars().filter(char::is_ascii_digit).collect();
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

const CSS: &str = r#":root { --bad: #b42318; --bad-bg: #fdecea; --good: #067647; --good-bg: #e7f6ec; --amber: #b54708; --amber-bg: #fff4e0; --ink: #1d2433; --muted: #5d6778; --line: #d9dee7; --panel: #ffffff; --bg: #f4f6f9; --accent: #3356c9; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 40px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
a { color: var(--accent); }
h1 { margin: 0; font-size: 24px; line-height: 1.25; }
h2 { margin: 0 0 8px; font-size: 19px; }
h3 { margin: 18px 0 8px; font-size: 16px; }
h4 { margin: 12px 0 4px; font-size: 14px; }
.count { font-weight: normal; color: var(--muted); font-size: 14px; margin-left: 6px; }
.verdict { display: flex; gap: 24px; align-items: center; padding: 20px 24px; border-radius: 10px; background: var(--panel); border-left: 10px solid var(--good); box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.verdict.v-bad { border-left-color: var(--bad); }
.verdict.undecided { border-left-color: var(--amber); display: block; margin-top: 16px; }
.verdict-word { font-size: 30px; font-weight: 800; letter-spacing: .04em; text-transform: uppercase; color: var(--good); min-width: 190px; }
.verdict.v-bad .verdict-word { color: var(--bad); }
.verdict.undecided .verdict-word { color: var(--amber); }
.meta { margin: 4px 0 0; color: var(--muted); font-size: 13px; }
.headline { margin: 8px 0 0; font-size: 17px; }
.scenario { background: var(--amber-bg); padding: 8px 14px; border-radius: 6px; }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin: 16px 0; }
.card { background: var(--panel); border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 3px rgba(0,0,0,.08); border-top: 4px solid var(--good); }
.card.bad { border-top-color: var(--bad); }
.card .n { font-size: 24px; font-weight: 700; overflow-wrap: anywhere; }
.card .l { color: var(--muted); font-size: 13px; }
nav { display: flex; gap: 6px; margin: 0 0 16px; flex-wrap: wrap; }
nav a { text-decoration: none; background: var(--panel); border: 1px solid var(--line); padding: 5px 12px; border-radius: 16px; font-size: 14px; }
.panel { background: var(--panel); border-radius: 10px; padding: 18px 22px; margin: 0 0 18px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.hint, .legend { color: var(--muted); font-size: 13px; margin: 0 0 12px; }
.ok { color: var(--good); }
.warn { color: var(--amber); }
.bad { color: var(--bad); }
details.finding, details.power { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; background: #fbfcfd; }
details > summary { cursor: pointer; padding: 8px 12px; list-style-position: inside; }
details[open] > summary { border-bottom: 1px solid var(--line); }
details .body { padding: 8px 14px 12px; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; padding: 1px 8px; border-radius: 10px; margin-right: 4px; }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.conf { background: #efe9fb; color: #5b32b4; }
.vs { color: var(--muted); }
summary .sum { color: var(--muted); font-size: 13px; margin: 2px 0 0 26px; }
.holders { color: var(--muted); font-size: 13px; }
ul.decisions { margin: 4px 0 8px; padding-left: 20px; }
ul.decisions li { margin: 4px 0; }
.rule { color: var(--muted); font-size: 13px; }
.novotes { font-size: 14px; margin: 2px 0 0 6px; }
.who { font-weight: 600; padding: 0 4px; border-radius: 4px; }
.who.direct { background: var(--bad-bg); color: var(--bad); }
.who.knock { background: var(--amber-bg); color: var(--amber); }
.winover, .vetoes { margin: 6px 0; font-size: 14px; }
.because { font-style: italic; margin: 4px 0; }
.source { margin: 4px 0 10px; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.source .where { background: #eef1f6; font: 12px ui-monospace, "DejaVu Sans Mono", monospace; padding: 3px 10px; color: var(--muted); }
.source .doc { white-space: pre-wrap; font-size: 13px; color: var(--muted); padding: 6px 10px; border-bottom: 1px dashed var(--line); }
.source pre { margin: 0; padding: 6px 10px; overflow-x: auto; background: #fafbfc; }
.ln { color: #98a2b3; user-select: none; }
.where { color: var(--muted); font-size: 12px; }
.graph { overflow-x: auto; margin: 4px 0 12px; }
.graph svg { font: 12px system-ui, "DejaVu Sans", sans-serif; }
.graph .layer, svg.bars .layer { fill: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .06em; }
.graph .edge { fill: none; stroke: #c0392b; stroke-opacity: .55; stroke-width: 1.6; }
.graph .clause rect { fill: #eef2fb; stroke: #7f95d1; }
.graph .redline rect { fill: var(--bad-bg); stroke: #e08a80; }
.graph .conf rect { fill: #5b32b4; }
.graph .conf text { fill: #fff; font-weight: 700; }
.graph a.conflict-link:hover rect { fill: #2f1673; }
.matrix-wrap { overflow: auto; max-height: 760px; border: 1px solid var(--line); border-radius: 6px; }
table.matrix { border-collapse: separate; border-spacing: 0; font-size: 12px; }
table.matrix th, table.matrix td { border-bottom: 1px solid #eef0f4; border-right: 1px solid #eef0f4; }
table.matrix thead th { position: sticky; top: 0; background: #f7f8fb; z-index: 2; }
table.matrix th.actor { height: 78px; width: 26px; min-width: 26px; padding: 4px 0; vertical-align: bottom; font-weight: 600; }
table.matrix th.actor span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
table.matrix th.corner { left: 0; z-index: 3; text-align: left; padding: 4px 8px; vertical-align: bottom; }
table.matrix th.clause { position: sticky; left: 0; background: #fff; text-align: left; font-weight: 600; white-space: nowrap; padding: 2px 8px; min-width: 300px; z-index: 1; }
table.matrix tr.blocked th.clause { background: #fff8f7; }
table.matrix .ct { font-weight: normal; color: var(--muted); }
table.matrix td { text-align: center; width: 26px; height: 22px; padding: 0; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 4px; margin-right: 6px; background: var(--good); }
.dot.bad { background: var(--bad); }
.cell { display: inline-block; width: 26px; text-align: center; border-radius: 3px; margin: 0 4px 0 12px; font-size: 12px; }
.dn { background: var(--bad); color: #fff; font-weight: 700; }
.kn { background: #f6c37a; color: #6b3a00; }
.ac { color: #8a94a6; }
td.vt, .cell.vt { background: #f1ecfb; color: #7a5cc4; }
td.dn.vt, .cell.dn.vt { background: var(--bad); color: #fff; box-shadow: inset 0 0 0 2px #3b0d0a; }
td.kn.vt, .cell.kn.vt { background: #f6c37a; color: #6b3a00; box-shadow: inset 0 0 0 2px #7a4300; font-weight: 700; }
.power-grid { display: grid; grid-template-columns: minmax(340px, 1fr) auto; gap: 24px; align-items: start; }
table.sortable { border-collapse: collapse; font-size: 13px; width: 100%; }
table.sortable th { cursor: pointer; text-align: left; border-bottom: 2px solid var(--line); padding: 4px 8px; user-select: none; white-space: nowrap; }
table.sortable th::after { content: " ↕"; color: #b0b8c6; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; color: var(--accent); }
table.sortable th[aria-sort="descending"]::after { content: " ▼"; color: var(--accent); }
table.sortable td { padding: 2px 8px; border-bottom: 1px solid #eef0f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg.bars { font: 11px system-ui, "DejaVu Sans", sans-serif; }
svg.bars rect { fill: var(--accent); }
svg.bars .v { fill: var(--muted); }
.notes ul { margin: 0; padding-left: 20px; color: var(--muted); font-size: 14px; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
@media (max-width: 1100px) { .cards { grid-template-columns: repeat(3, 1fr); } .power-grid { grid-template-columns: 1fr; } }
"#;

const JS: &str = r#"(function () {
  "use strict";
  // A link to a finding opens it (a conflict in the graph or in a clause's reasons).
  function openTarget(id) {
    var el = document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; }
    return el;
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (!a) { return; }
    var el = openTarget(a.getAttribute("href").slice(1));
    if (el) { e.preventDefault(); el.scrollIntoView({ block: "start" }); history.replaceState(null, "", a.getAttribute("href")); }
  });
  if (location.hash.length > 1) { openTarget(decodeURIComponent(location.hash.slice(1))); }
  // Sortable tables: a click on a header sorts by that column, again reverses.
  function cmpNum(a, b) {
    if (a.length !== b.length) { return a.length - b.length; }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function key(td) { return td.hasAttribute("data-sort") ? td.getAttribute("data-sort") : td.textContent; }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    Array.prototype.forEach.call(body.rows, function (r, i) { r.setAttribute("data-index", String(i)); });
    heads.forEach(function (th, col) {
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var num = th.getAttribute("data-type") === "num";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var a = key(x.cells[col]), b = key(y.cells[col]);
          var c = num ? cmpNum(a, b) : (a < b ? -1 : a > b ? 1 : 0);
          if (!asc) { c = -c; }
          return c || (Number(x.getAttribute("data-index")) - Number(y.getAttribute("data-index")));
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            esc(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn slugs_keep_distinct_names_distinct() {
        assert_eq!(slug("21a"), "21a");
        assert_eq!(slug("Plan28.21a"), "Plan28.2E21a");
        assert_ne!(slug("a b"), slug("a_b"));
        assert_eq!(slug("é"), ".C3.A9");
    }

    #[test]
    fn sort_keys_compare_decimals_of_one_scale() {
        assert_eq!(sort_key("0.196270"), "196270");
        assert_eq!(sort_key("0.000000"), "0");
        assert_eq!(sort_key("1.000000"), "1000000");
    }
}
