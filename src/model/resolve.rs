//! Syntax trees -> `Model`: names resolved across all loaded files, types and ranges
//! checked. Every problem becomes a diagnostic and resolution carries on, so one run
//! reports them all; a model is returned only when there is none.

use std::collections::{BTreeMap, BTreeSet};

use super::eval::passes_ballots;
use super::types::*;
use crate::diag::{did_you_mean, hyphenated_word, Code, Diagnostic, MAX_SHOWN};
use crate::source::{FileId, Loc, SourceFile, Span};
use crate::syntax::ast::{
    self, CmpOp, FormulaAst, FormulaKind, Ident, Item, Lit, RuleAst, RuleKind, VarType,
};

/// Decimal places accepted in a percentage (`72.123456%`).
const MAX_PERCENT_DECIMALS: usize = 6;

pub fn resolve(
    files: Vec<SourceFile>,
    asts: &[(FileId, ast::SourceAst)],
) -> Result<Model, Vec<Diagnostic>> {
    let mut r = Resolver {
        model: Model {
            files,
            ..Model::default()
        },
        diags: Vec::new(),
        file: 0,
        names: Names::default(),
    };
    // Declarations first (actors, vars, bodies need each other in that order), then the
    // items that refer to them.
    r.each(asts, |r, item| {
        if let Item::Actor(a) = item {
            r.actor(a)
        }
    });
    r.each(asts, |r, item| {
        if let Item::Var(v) = item {
            r.var(v)
        }
    });
    r.each(asts, |r, item| {
        if let Item::Body(b) = item {
            r.body(b)
        }
    });
    r.each(asts, |r, item| match item {
        Item::Fact(f) => r.fact(f),
        Item::Group(g) => r.group(g),
        Item::Treaty(t) => r.treaty(t),
        Item::Consent(c) => r.consent(c),
        _ => {}
    });
    r.each(asts, |r, item| match item {
        Item::Position(p) => r.position(p),
        Item::Scenario(sc) => r.scenario_name(sc),
        _ => {}
    });
    r.each(asts, |r, item| {
        if let Item::Ballot(b) = item {
            r.ballot(b)
        }
    });
    r.each(asts, |r, item| {
        if let Item::Expect(e) = item {
            let _ = r.expectation(e);
        }
    });
    r.lapses_of_one_decision();
    if r.diags.is_empty() {
        Ok(r.model)
    } else {
        Err(r.diags)
    }
}

struct Resolver {
    model: Model,
    diags: Vec<Diagnostic>,
    /// The file whose items are being resolved.
    file: FileId,
    names: Names,
}

/// Every declared name and what it names, so that a lookup (or a check for a duplicate)
/// is a search in a map rather than a scan of the model's lists: resolving stays near
/// linear in the number of declarations.
#[derive(Default)]
struct Names {
    actors: BTreeMap<String, ActorId>,
    vars: BTreeMap<String, VarId>,
    bodies: BTreeMap<String, BodyId>,
    treaties: BTreeMap<String, TreatyId>,
    positions: BTreeMap<String, PositionId>,
    groups: BTreeMap<String, usize>,
    /// Scenario names, with where each is declared.
    scenarios: BTreeMap<String, Loc>,
    /// Clause id -> the clauses with that id, in treaty order.
    clauses: BTreeMap<String, Vec<ClauseRef>>,
}

impl Resolver {
    fn each(&mut self, asts: &[(FileId, ast::SourceAst)], mut f: impl FnMut(&mut Self, &Item)) {
        for (file, ast) in asts {
            self.file = *file;
            for item in &ast.items {
                f(self, item);
            }
        }
    }

    /// `did_you_mean`, for a diagnostic that will be shown: past `MAX_SHOWN` diagnostics
    /// none is looked for, since comparing every unknown name with every declared one is
    /// quadratic, and the hint would not be shown.
    fn hint<'a>(
        &self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        if self.diags.len() >= MAX_SHOWN {
            None
        } else {
            did_you_mean(name, candidates)
        }
    }

    fn loc(&self, span: Span) -> Loc {
        Loc {
            file: self.file,
            span,
        }
    }

    fn error(&mut self, code: Code, message: impl Into<String>, span: Span) -> &mut Diagnostic {
        let d = Diagnostic::error(code, message, self.loc(span));
        self.diags.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// An error for a name that resolves to nothing: "did you mean" the closest candidate
    /// (`hint`, from `did_you_mean`), else `otherwise` as the advice.
    fn unknown(
        &mut self,
        message: String,
        span: Span,
        label: &str,
        hint: Option<String>,
        otherwise: Option<String>,
    ) {
        let d = self.error(Code::UnknownName, message, span);
        d.label = Some(label.into());
        d.help = hint.map(|h| format!("did you mean `{h}`?")).or(otherwise);
    }

    fn duplicate(&mut self, what: &str, name: &str, span: Span, first: Loc) {
        let d = Diagnostic::error(
            Code::DeclaredTwice,
            format!("{what} `{name}` is declared twice"),
            self.loc(span),
        )
        .with_label("declared again here")
        .with_related(first, "first declared here")
        .with_help(format!(
            "give each {what} its own name, or remove one declaration"
        ));
        self.diags.push(d);
    }

    // ------------------------------------------------------------ declarations

    fn actor(&mut self, a: &ast::ActorDecl) {
        if let Some(&prev) = self.names.actors.get(&a.id.text) {
            let first = self.model.actors[prev].loc;
            self.duplicate("actor", &a.id.text, a.id.span, first);
            return;
        }
        self.names
            .actors
            .insert(a.id.text.clone(), ActorId(self.model.actors.len()));
        self.model.actors.push(Actor {
            id: a.id.text.clone(),
            name: a.name.value.clone(),
            doc: a.doc.clone(),
            aggregate: a.aggregate,
            loc: self.loc(a.span),
        });
    }

    /// The date of an item's `as of` statements (`what` names the item): at most one, and a
    /// real date.
    fn as_of(&mut self, dates: &[ast::DateAst], what: &str) -> Option<Date> {
        if let [first, second, ..] = dates {
            let d = Diagnostic::error(
                Code::GivenTwice,
                format!("{what} gives `as of` twice"),
                self.loc(second.span),
            )
            .with_label("second date")
            .with_related(self.loc(first.span), "first date")
            .with_help("keep the date its data (or text) has");
            self.diags.push(d);
        }
        let first = dates.first()?;
        let date = Date::parse(&first.text);
        if date.is_none() {
            let e = self.error(
                Code::BadDate,
                format!("`{}` is not a date", first.text),
                first.span,
            );
            e.label = Some("no such day".into());
            e.help = Some("write a real date as YEAR-MONTH-DAY, e.g. `as of 2025-12-12`".into());
        }
        date
    }

    /// `group G "title" { A, B }`: every member an actor or a body, each once.
    fn group(&mut self, g: &ast::GroupDecl) {
        if let Some(&prev) = self.names.groups.get(&g.id.text) {
            let first = self.model.groups[prev].loc;
            self.duplicate("group", &g.id.text, g.id.span, first);
            return;
        }
        let mut members = Vec::new();
        for m in &g.members {
            let member = if let Some(&a) = self.names.actors.get(&m.text) {
                GroupMember::Actor(a)
            } else if let Some(&b) = self.names.bodies.get(&m.text) {
                GroupMember::Body(b)
            } else {
                let names = self.model.actors.iter().map(|a| a.id.as_str());
                let bodies = self.model.bodies.iter().map(|b| b.id.as_str());
                let hint = self.hint(&m.text, names.chain(bodies));
                self.unknown(
                    format!("unknown actor or body `{}`", m.text),
                    m.span,
                    "not declared",
                    hint,
                    Some("a group lists actors and bodies declared with `actor` or `body`".into()),
                );
                continue;
            };
            if members.contains(&member) {
                let e = self.error(
                    Code::GivenTwice,
                    format!("`{}` is listed twice in group `{}`", m.text, g.id.text),
                    m.span,
                );
                e.label = Some("listed again".into());
                continue;
            }
            members.push(member);
        }
        self.names
            .groups
            .insert(g.id.text.clone(), self.model.groups.len());
        self.model.groups.push(Group {
            id: g.id.text.clone(),
            title: g.title.as_ref().map(|s| s.value.clone()),
            doc: g.doc.clone(),
            members,
            loc: self.loc(g.span),
        });
    }

    fn var(&mut self, v: &ast::VarDecl) {
        for name in &v.names {
            if let Some(&prev) = self.names.vars.get(&name.text) {
                let first = self.model.vars[prev].loc;
                self.duplicate("variable", &name.text, name.span, first);
                continue;
            }
            self.names
                .vars
                .insert(name.text.clone(), self.model.vars.len());
            self.model.vars.push(Var {
                name: name.text.clone(),
                ty: v.ty,
                doc: v.doc.clone(),
                loc: self.loc(name.span),
            });
        }
    }

    fn lookup_group(&mut self, id: &Ident) -> Option<usize> {
        if let Some(&g) = self.names.groups.get(&id.text) {
            return Some(g);
        }
        let hint = self.hint(&id.text, self.model.groups.iter().map(|g| g.id.as_str()));
        self.unknown(
            format!("unknown group `{}`", id.text),
            id.span,
            "not declared",
            hint,
            Some(format!("declare it: group {} {{ EU, NATO }}", id.text)),
        );
        None
    }

    /// `parties EU` where `EU` is a body: parties are actors; name the members instead.
    fn body_as_party(&mut self, b: BodyId, p: &Ident) {
        let body = &self.model.bodies[b];
        let members: Vec<&str> = body
            .members
            .iter()
            .map(|m| self.model.actors[m.actor].id.as_str())
            .collect();
        let shown = if members.len() > 6 {
            format!("{}, ...", members[..6].join(", "))
        } else {
            members.join(", ")
        };
        let help = format!(
            "name its members as parties (`parties {shown}`); in a clause, `requires {0}` asks for \
             {0}'s decision and `requires each of {0}` for each member's consent",
            p.text
        );
        let e = self.error(
            Code::WrongKind,
            format!("`{}` is a body; parties are actors", p.text),
            p.span,
        );
        e.label = Some("a body".into());
        e.help = Some(help);
    }

    fn lookup_actor(&mut self, id: &Ident) -> Option<ActorId> {
        if let Some(&i) = self.names.actors.get(&id.text) {
            return Some(i);
        }
        if self.names.bodies.contains_key(&id.text) {
            let e = self.error(
                Code::WrongKind,
                format!("`{}` is a body, not an actor", id.text),
                id.span,
            );
            e.label = Some("a body".into());
            e.help = Some(format!(
                "name one of its members, or `each of {}` where that is allowed",
                id.text
            ));
            return None;
        }
        let hint = self.hint(&id.text, self.model.actors.iter().map(|a| a.id.as_str()));
        self.unknown(
            format!("unknown actor `{}`", id.text),
            id.span,
            "not declared",
            hint,
            Some(format!("declare it: actor {} \"Full name\"", id.text)),
        );
        None
    }

    /// The body `id` names, or an "unknown body" error with a did-you-mean (else
    /// `otherwise` as help).
    fn lookup_body(&mut self, id: &Ident, otherwise: Option<&str>) -> Option<BodyId> {
        if let Some(&b) = self.names.bodies.get(&id.text) {
            return Some(b);
        }
        let hint = self.hint(&id.text, self.model.bodies.iter().map(|x| x.id.as_str()));
        self.unknown(
            format!("unknown body `{}`", id.text),
            id.span,
            "not declared",
            hint,
            otherwise.map(str::to_string),
        );
        None
    }

    fn body(&mut self, b: &ast::BodyDecl) {
        if let Some(&prev) = self.names.bodies.get(&b.id.text) {
            let first = self.model.bodies[prev].loc;
            self.duplicate("body", &b.id.text, b.id.span, first);
            return;
        }
        if let Some(&a) = self.names.actors.get(&b.id.text) {
            let first = self.model.actors[a].loc;
            let d = Diagnostic::error(
                Code::WrongKind,
                format!("body `{}` has the same name as an actor", b.id.text),
                self.loc(b.id.span),
            )
            .with_label("body declared here")
            .with_related(first, "actor declared here")
            .with_help("`requires` names bodies and actors alike, so their names must differ");
            self.diags.push(d);
            return;
        }
        let errors_before = self.diags.len();
        if b.member_lists.len() > 1 {
            let first = self.loc(b.member_lists[0].1);
            let d = Diagnostic::error(
                Code::GivenTwice,
                format!("body `{}` lists its members twice", b.id.text),
                self.loc(b.member_lists[1].1),
            )
            .with_label("second `members` list")
            .with_related(first, "first `members` list")
            .with_help("put all members in one `members` list");
            self.diags.push(d);
        }
        let Some((decls, list_span)) = b.member_lists.first() else {
            let d = self.error(
                Code::NoMembers,
                format!("body `{}` has no members", b.id.text),
                b.id.span,
            );
            d.label = Some("empty body".into());
            d.help = Some("add a members list, e.g. `members USA, GBR`".into());
            return;
        };
        if decls.is_empty() {
            let d = self.error(
                Code::NoMembers,
                format!("body `{}` has no members", b.id.text),
                *list_span,
            );
            d.label = Some("empty list".into());
            d.help = Some("a body needs at least one member".into());
            return;
        }
        // Dimensions, in order of first appearance.
        let mut dimensions: Vec<String> = Vec::new();
        for m in decls {
            for (d, _) in &m.weights {
                if d.text == "members" {
                    let e = self.error(
                        Code::BadWeight,
                        "`members` is the head count and cannot be a weight",
                        d.span,
                    );
                    e.help = Some("name the weight something else, e.g. `seats`".into());
                } else if !dimensions.contains(&d.text) {
                    dimensions.push(d.text.clone());
                }
            }
        }
        let mut members: Vec<Member> = Vec::new();
        let mut listed: BTreeMap<ActorId, Loc> = BTreeMap::new();
        for m in decls {
            let Some(actor) = self.lookup_actor(&m.actor) else {
                continue;
            };
            if let Some(&first) = listed.get(&actor) {
                let d = Diagnostic::error(
                    Code::GivenTwice,
                    format!(
                        "`{}` is listed twice as a member of `{}`",
                        m.actor.text, b.id.text
                    ),
                    self.loc(m.actor.span),
                )
                .with_label("listed again")
                .with_related(first, "first listed here");
                self.diags.push(d);
                continue;
            }
            let mut weights = vec![None; dimensions.len()];
            for (d, v) in &m.weights {
                let Some(i) = dimensions.iter().position(|x| *x == d.text) else {
                    continue;
                };
                if weights[i].is_some() {
                    let e = self.error(
                        Code::GivenTwice,
                        format!("member `{}` gives `{}` twice", m.actor.text, d.text),
                        d.span,
                    );
                    e.label = Some("given again".into());
                    continue;
                }
                weights[i] = self.unsigned(v);
            }
            let mut full = Vec::with_capacity(dimensions.len());
            for (i, w) in weights.into_iter().enumerate() {
                match w {
                    Some(w) => full.push(w),
                    None => {
                        let missing_value = m.weights.iter().any(|(d, _)| d.text == dimensions[i]);
                        if !missing_value {
                            let e = self.error(
                                Code::BadWeight,
                                format!(
                                    "member `{}` of `{}` has no `{}`",
                                    m.actor.text, b.id.text, dimensions[i]
                                ),
                                m.span,
                            );
                            e.label = Some(format!("`{}` missing", dimensions[i]));
                            e.help = Some(format!(
                                "other members give `{}`; every member needs a value, e.g. `{} {} 0`",
                                dimensions[i], m.actor.text, dimensions[i]
                            ));
                        }
                        full.push(0);
                    }
                }
            }
            listed.insert(actor, self.loc(m.span));
            members.push(Member {
                actor,
                weights: full,
                loc: self.loc(m.span),
            });
        }
        for (i, d) in dimensions.iter().enumerate() {
            let total: u128 = members.iter().map(|m| u128::from(m.weights[i])).sum();
            if total > u128::from(MAX_DIMENSION_TOTAL) {
                let e = self.error(
                    Code::NumberTooLarge,
                    format!("the total `{d}` of `{}` is too large ({total})", b.id.text),
                    b.id.span,
                );
                e.help = Some(format!(
                    "totals up to {MAX_DIMENSION_TOTAL} are supported; scale the figures down"
                ));
            }
        }
        let mut body = Body {
            id: b.id.text.clone(),
            name: b
                .name
                .as_ref()
                .map_or_else(|| b.id.text.clone(), |n| n.value.clone()),
            doc: b.doc.clone(),
            members,
            dimensions,
            default_rule: NamedRule {
                name: DEFAULT_RULE_NAME.into(),
                rule: Rule::Unanimity,
                doc: None,
                loc: self.loc(b.id.span),
            },
            rules: Vec::new(),
            as_of: self.as_of(&b.as_of, &format!("body `{}`", b.id.text)),
            loc: self.loc(b.span),
        };
        if self.diags.len() > errors_before {
            // Member errors would make rule checks misleading (wrong sizes, unknown members).
            // The body is still recorded so that references to it raise no further errors;
            // a model with errors is never analysed.
            self.add_body(body);
            return;
        }
        for (i, d) in b.decides.iter().enumerate() {
            if i > 0 {
                let first = self.loc(b.decides[0].span);
                let e = Diagnostic::error(
                    Code::GivenTwice,
                    format!("body `{}` has two `decides by` rules", b.id.text),
                    self.loc(d.span),
                )
                .with_label("second default rule")
                .with_related(first, "first default rule")
                .with_help("name the other rule: `rule NAME: ...`");
                self.diags.push(e);
                continue;
            }
            if let Some(rule) = self.decisive_rule(&body, &d.rule, DEFAULT_RULE_NAME) {
                body.default_rule = NamedRule {
                    name: DEFAULT_RULE_NAME.into(),
                    rule,
                    doc: d.doc.clone(),
                    loc: self.loc(d.span),
                };
            }
        }
        for d in &b.rules {
            let Some(name) = &d.name else { continue };
            if name.text == DEFAULT_RULE_NAME {
                let e = self.error(
                    Code::RuleNamedDefault,
                    "a rule cannot be named `default`",
                    name.span,
                );
                e.help = Some("`default` means the `decides by` rule; pick another name".into());
                continue;
            }
            if let Some(prev) = body.rules.iter().find(|r| r.name == name.text) {
                let first = prev.loc;
                self.duplicate("rule", &name.text, name.span, first);
                continue;
            }
            // A rule with errors is recorded as unanimity (never analysed: the run has
            // errors) so that its uses raise no further "no rule" errors.
            let rule = self
                .decisive_rule(&body, &d.rule, &name.text)
                .unwrap_or(Rule::Unanimity);
            body.rules.push(NamedRule {
                name: name.text.clone(),
                rule,
                doc: d.doc.clone(),
                loc: self.loc(d.span),
            });
        }
        self.add_body(body);
    }

    fn add_body(&mut self, body: Body) {
        self.names
            .bodies
            .insert(body.id.clone(), BodyId(self.model.bodies.len()));
        self.model.bodies.push(body);
    }

    /// A non-negative integer literal (`_` separators) that fits in u64.
    fn unsigned(&mut self, lit: &Lit) -> Option<u64> {
        let digits: String = lit.text.chars().filter(|c| *c != '_').collect();
        match digits.parse::<u64>() {
            Ok(v) if v <= i64::MAX as u64 => Some(v),
            _ => {
                let e = self.error(
                    Code::NumberTooLarge,
                    format!("the number `{}` is too large", lit.text),
                    lit.span,
                );
                e.label = Some("does not fit in 64 bits".into());
                e.help = Some(format!("numbers must be at most {}", i64::MAX));
                None
            }
        }
    }

    fn dim(&mut self, body: &Body, id: &Ident) -> Option<Dim> {
        if id.text == "members" {
            return Some(Dim::Members);
        }
        if let Some(i) = body.dimensions.iter().position(|d| *d == id.text) {
            return Some(Dim::Weight(i));
        }
        let mut names: Vec<&str> = vec!["members"];
        names.extend(body.dimensions.iter().map(String::as_str));
        let hint = self.hint(&id.text, names.iter().copied());
        let known = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let e = self.error(
            Code::UnknownName,
            format!("body `{}` has no dimension `{}`", body.id, id.text),
            id.span,
        );
        e.label = Some("unknown dimension".into());
        e.help = Some(match hint {
            Some(h) => format!("did you mean `{h}`? (known: {known})"),
            None => format!(
                "known dimensions: {known}; give members a weight such as `{} 100`",
                id.text
            ),
        });
        None
    }

    fn members_of(&mut self, body: &Body, ids: &[Ident]) -> Option<Vec<usize>> {
        let mut out = BTreeSet::new();
        let mut ok = true;
        for id in ids {
            let Some(actor) = self.lookup_actor(id) else {
                ok = false;
                continue;
            };
            match body.member_index(actor).map(MemberIdx::index) {
                Some(i) => {
                    out.insert(i);
                }
                None => {
                    let e = self.error(
                        Code::NotAMember,
                        format!("`{}` is not a member of `{}`", id.text, body.id),
                        id.span,
                    );
                    e.label = Some("not a member".into());
                    e.help = Some(format!("add `{}` to the members of `{}`", id.text, body.id));
                    ok = false;
                }
            }
        }
        ok.then(|| out.into_iter().collect())
    }

    /// A body's rule (`decides by` or named), which must decide something: a rule that
    /// fails even when every member votes yes could never be used, and one that passes
    /// with no yes vote at all needs nobody. Both are errors at the rule, since every
    /// analysis of such a decision would be vacuous (rules are monotone, so these two
    /// profiles settle it).
    fn decisive_rule(&mut self, body: &Body, r: &RuleAst, name: &str) -> Option<Rule> {
        let rule = self.rule(body, r)?;
        let n = body.members.len();
        let everyone = |b: Ballot| vec![b; n];
        let always = Ballot::WITHHOLDING
            .iter()
            .all(|&b| passes_ballots(body, &rule, &everyone(b)));
        let (label, message, help) = if !passes_ballots(body, &rule, &everyone(Ballot::Yes)) {
            (
                "never passes",
                "can never pass: it fails even when every member votes yes",
                "no decision could ever be taken under it; check the threshold against the members' weights",
            )
        } else if always {
            (
                "always passes",
                "always passes: it holds when every member votes no, when every member abstains and when every member stays away",
                "a decision under it would need nobody's vote; raise the threshold, or add a quorum",
            )
        } else {
            return Some(rule);
        };
        let e = self.error(
            Code::DecidesNothing,
            format!("rule `{name}` of body `{}` {}", body.id, message),
            r.span,
        );
        e.label = Some(label.into());
        e.help = Some(help.into());
        None
    }

    fn rule(&mut self, body: &Body, r: &RuleAst) -> Option<Rule> {
        Some(match &r.kind {
            RuleKind::Unanimity => Rule::Unanimity,
            RuleKind::Majority => Rule::Majority,
            RuleKind::Share {
                strict,
                ratio,
                dim,
                base,
            } => {
                let dim = self.dim(body, dim);
                let written = self.ratio(ratio)?;
                let dim = dim?;
                match (written, base) {
                    (Ratio::Percent(percent), None) => Rule::Share {
                        dim,
                        strict: *strict,
                        percent,
                    },
                    (ratio, base) => Rule::ShareOf {
                        dim,
                        strict: *strict,
                        ratio,
                        base: match base {
                            None => Base::All,
                            Some(ast::ShareBase::Cast) => Base::Cast,
                            Some(ast::ShareBase::Present) => Base::Present,
                        },
                    },
                }
            }
            RuleKind::Withheld {
                strict,
                amount,
                share,
                dim,
                what,
            } => {
                let d = self.dim(body, dim);
                let bound = self.bound(amount, *share)?;
                let dim = d?;
                let what = match what {
                    ast::WithheldWord::Against => Withholding::Against,
                    ast::WithheldWord::Abstaining => Withholding::Abstaining,
                    ast::WithheldWord::Absent => Withholding::Absent,
                    ast::WithheldWord::NotInFavour => Withholding::NotInFavour,
                };
                let total = body.total(dim);
                if matches!(bound, Bound::Count(c) if c > total || (!*strict && c >= total)) {
                    let e = self.error(
                        Code::DecidesNothing,
                        format!(
                            "`{}` always holds: `{}` has {} {} in total",
                            self.model.files[self.file]
                                .slice(r.span)
                                .split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" "),
                            body.id,
                            total,
                            body.dim_name(dim)
                        ),
                        amount.span,
                    );
                    e.label = Some("larger than the body".into());
                    e.help = Some(format!("use a number below {total}"));
                    return None;
                }
                // The first version's `at most N members against`, kept as its own form.
                if let (Dim::Members, Bound::Count(c), Withholding::Against, false) =
                    (dim, bound, what, *strict)
                {
                    return Some(Rule::AtMostAgainst(c));
                }
                Rule::Withheld {
                    dim,
                    strict: *strict,
                    bound,
                    what,
                }
            }
            RuleKind::Quorum {
                strict,
                amount,
                share,
                dim,
            } => {
                let d = self.dim(body, dim);
                let bound = self.bound(amount, *share)?;
                let dim = d?;
                if let Bound::Count(c) = bound {
                    let total = body.total(dim);
                    if c > total || (*strict && c >= total) {
                        let e = self.error(
                            Code::DecidesNothing,
                            format!(
                                "the quorum `{}` can never be reached: `{}` has {} {} in total",
                                amount.text,
                                body.id,
                                total,
                                body.dim_name(dim)
                            ),
                            amount.span,
                        );
                        e.label = Some("larger than the body".into());
                        e.help = Some("check the figure, or the members list".into());
                        return None;
                    }
                }
                Rule::Quorum {
                    dim,
                    strict: *strict,
                    bound,
                }
            }
            RuleKind::Count { strict, count, dim } => {
                let d = self.dim(body, dim);
                let c = self.unsigned(count)?;
                let d = d?;
                let total = body.total(d);
                if c > total || (*strict && c >= total) {
                    let e = self.error(
                        Code::DecidesNothing,
                        format!(
                            "`{}` can never be reached: `{}` has {} {} in total",
                            count.text,
                            body.id,
                            total,
                            body.dim_name(d)
                        ),
                        count.span,
                    );
                    e.label = Some("larger than the body".into());
                    e.help = Some("check the figure, or the members list".into());
                    return None;
                }
                Rule::Count {
                    dim: d,
                    strict: *strict,
                    count: c,
                }
            }
            RuleKind::NoVetoFrom(ids) => Rule::NoVetoFrom(self.members_of(body, ids)?),
            RuleKind::AllOf(ids) => Rule::AllOf(self.members_of(body, ids)?),
            RuleKind::And(parts) | RuleKind::Or(parts) => {
                let mut out = Vec::new();
                let mut ok = true;
                for p in parts {
                    match self.rule(body, p) {
                        Some(x) => out.push(x),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                if matches!(r.kind, RuleKind::And(_)) {
                    Rule::And(out)
                } else {
                    Rule::Or(out)
                }
            }
        })
    }

    /// A count, or a proportion (`... of`) of the dimension's total.
    fn bound(&mut self, lit: &Lit, share: bool) -> Option<Bound> {
        if share {
            self.ratio(lit).map(Bound::Share)
        } else {
            self.unsigned(lit).map(Bound::Count)
        }
    }

    /// A percentage (`55%`) or a fraction (`2/3`) of at most one.
    fn ratio(&mut self, lit: &Lit) -> Option<Ratio> {
        let Some((a, b)) = lit.text.split_once('/') else {
            return self.percent(lit).map(Ratio::Percent);
        };
        let parse = |t: &str| t.replace('_', "").parse::<u64>().ok();
        match (parse(a), parse(b)) {
            (Some(numer), Some(denom))
                if denom > 0 && numer <= denom && denom <= MAX_FRACTION_DENOMINATOR =>
            {
                Some(Ratio::Fraction { numer, denom })
            }
            _ => {
                let e = self.error(
                    Code::BadProportion,
                    format!(
                        "the fraction `{}` is not a proportion this tool can use",
                        lit.text
                    ),
                    lit.span,
                );
                e.label = Some("not between 0 and 1".into());
                e.help = Some(format!(
                    "write a fraction of at most one, with a denominator from 1 to {MAX_FRACTION_DENOMINATOR} (e.g. `2/3`)"
                ));
                None
            }
        }
    }

    fn percent(&mut self, lit: &Lit) -> Option<Percent> {
        let text = lit.text.trim_end_matches('%');
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        if frac.len() > MAX_PERCENT_DECIMALS || int.len() > 6 {
            let e = self.error(
                Code::BadProportion,
                format!("the percentage `{}` is too precise", lit.text),
                lit.span,
            );
            e.help = Some(format!("use at most {MAX_PERCENT_DECIMALS} decimal places"));
            return None;
        }
        let denom = 10u64.pow(frac.len() as u32);
        let numer = format!("{int}{frac}").parse::<u64>().ok()?;
        if numer > 100 * denom {
            let e = self.error(
                Code::BadProportion,
                format!("the percentage `{}` is outside 0-100%", lit.text),
                lit.span,
            );
            e.label = Some("more than 100%".into());
            e.help = Some("a share of a body is at most 100%".into());
            return None;
        }
        Some(Percent { numer, denom })
    }

    // ------------------------------------------------------------ formulas

    fn formula(&mut self, f: &FormulaAst) -> Option<Formula> {
        let expr = self.bool_expr(f)?;
        let text = self.model.files[self.file]
            .slice(f.span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Some(Formula {
            expr,
            text,
            loc: self.loc(f.span),
        })
    }

    /// `expect margin clause C VAR OP [-]N`: the clause's one literal in a comparison with
    /// VAR, and the range `OP N` as `>= bound` or `<= bound`.
    fn margin_expectation(
        &mut self,
        clause: &ast::ClauseRefAst,
        var: &ast::Ident,
        op: CmpOp,
        negative: bool,
        value: &ast::Lit,
    ) -> Option<Expectation> {
        let c = self.clause_ref(clause);
        let v = self.var_of(&var.text, var.span);
        let n = self.unsigned(value);
        let (c, (v, ty), n) = (c?, v?, n?);
        if ty != VarType::Int {
            let e = self.error(
                Code::BadMargin,
                format!(
                    "`{}` is true/false, but a margin is a bound on a number",
                    var.text
                ),
                var.span,
            );
            e.label = Some("bool variable".into());
            return None;
        }
        // `unsigned` keeps `n` within i64, so it converts and negates.
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let n = if negative { -n } else { n };
        let (at_least, bound) = match op {
            CmpOp::Ge => (true, Some(n)),
            CmpOp::Gt => (true, n.checked_add(1)),
            CmpOp::Le => (false, Some(n)),
            CmpOp::Lt => (false, n.checked_sub(1)),
            CmpOp::Eq | CmpOp::Ne => {
                let e = self.error(Code::BadMargin, "a margin is a range of values", value.span);
                e.label = Some("not a range".into());
                e.help = Some("write `>= N`, `> N`, `<= N` or `< N`".into());
                return None;
            }
        };
        let Some(bound) = bound else {
            let e = self.error(
                Code::NumberTooLarge,
                "this bound is past the 64-bit range",
                value.span,
            );
            e.label = Some("out of range".into());
            return None;
        };
        let mut found = Vec::new();
        for (fi, f) in self.model.clause(c).formulas.iter().enumerate() {
            for (li, l) in crate::model::literals::literals(&f.expr).iter().enumerate() {
                if l.vars.contains(&v) {
                    found.push((fi, li));
                }
            }
        }
        let id = self.model.clause(c).id.clone();
        match found.as_slice() {
            [(formula, literal)] => Some(Expectation::Margin {
                clause: c,
                formula: *formula,
                literal: *literal,
                at_least,
                bound,
            }),
            [] => {
                let e = self.error(
                    Code::BadMargin,
                    format!(
                        "clause {id} has no number in a comparison with `{}`",
                        var.text
                    ),
                    var.span,
                );
                e.label = Some("no bound on this variable".into());
                e.help =
                    Some("a margin is about a literal such as `600_000` in `x <= 600_000`".into());
                None
            }
            _ => {
                let e = self.error(
                    Code::BadMargin,
                    format!(
                        "clause {id} has {} numbers in comparisons with `{}`; a margin needs exactly one",
                        found.len(),
                        var.text
                    ),
                    var.span,
                );
                e.label = Some("ambiguous bound".into());
                None
            }
        }
    }

    /// A name at `span` that a hyphen joins to the word before or after it (`armed-forces`
    /// read as `armed - forces`): reports the hyphen (once per hyphenated word) and says
    /// so, instead of an unknown name or a misplaced number.
    fn hyphen_in_name(&mut self, span: Span) -> bool {
        let text = &self.model.files[self.file].text;
        let hyphen = [span.end, span.start, span.start.wrapping_sub(1)]
            .into_iter()
            .find(|&h| hyphenated_word(text, h).is_some());
        let Some(h) = hyphen else {
            return false;
        };
        let Some((start, end)) = hyphenated_word(text, h) else {
            return false;
        };
        let word = text[start..end].to_string();
        let at = Span {
            start: h,
            end: h + 1,
        };
        let already = self
            .diags
            .iter()
            .any(|d| d.code == Code::HyphenInName && d.loc == Some(self.loc(at)));
        if !already {
            let e = self.error(
                Code::HyphenInName,
                format!("names cannot contain `-`: `{word}` reads as a subtraction"),
                at,
            );
            e.label = Some("hyphen".into());
            e.help = Some(format!("write `_` instead: `{}`", word.replace('-', "_")));
        }
        true
    }

    fn var_of(&mut self, name: &str, span: Span) -> Option<(VarId, VarType)> {
        if let Some(&i) = self.names.vars.get(name) {
            return Some((i, self.model.vars[i].ty));
        }
        if self.hyphen_in_name(span) {
            return None;
        }
        let hint = self.hint(name, self.model.vars.iter().map(|v| v.name.as_str()));
        self.unknown(
            format!("unknown variable `{name}`"),
            span,
            "not declared",
            hint,
            Some(format!(
                "declare it: `var {name}: bool` or `var {name}: int`"
            )),
        );
        None
    }

    /// The type a formula would have, if it can be told from its top node.
    fn type_of(&self, f: &FormulaAst) -> Option<VarType> {
        match &f.kind {
            FormulaKind::Int(_)
            | FormulaKind::Add(..)
            | FormulaKind::Sub(..)
            | FormulaKind::Neg(_)
            | FormulaKind::Mul(..) => Some(VarType::Int),
            FormulaKind::Name(n) => self.names.vars.get(n).map(|&i| self.model.vars[i].ty),
            _ => Some(VarType::Bool),
        }
    }

    fn bool_expr(&mut self, f: &FormulaAst) -> Option<Expr> {
        Some(match &f.kind {
            FormulaKind::Bool(b) => Expr::Const(*b),
            FormulaKind::Name(n) => {
                let (v, ty) = self.var_of(n, f.span)?;
                if ty != VarType::Bool {
                    let e = self.error(
                        Code::TypeMismatch,
                        format!("`{n}` is a number, but a true/false formula is expected here"),
                        f.span,
                    );
                    e.label = Some("int variable".into());
                    e.help = Some(format!("compare it, e.g. `{n} > 0`"));
                    return None;
                }
                Expr::Var(v)
            }
            FormulaKind::Int(_)
            | FormulaKind::Add(..)
            | FormulaKind::Sub(..)
            | FormulaKind::Neg(_)
            | FormulaKind::Mul(..) => {
                if matches!(f.kind, FormulaKind::Neg(_)) && self.hyphen_in_name(f.span) {
                    return None;
                }
                let e = self.error(
                    Code::TypeMismatch,
                    "a number is used where a true/false formula is expected",
                    f.span,
                );
                e.label = Some("this is a number".into());
                e.help = Some("compare it with something, e.g. `... <= 600_000`".into());
                return None;
            }
            FormulaKind::Not(a) => Expr::Not(Box::new(self.bool_expr(a)?)),
            FormulaKind::And(xs) | FormulaKind::Or(xs) => {
                let parts: Vec<Option<Expr>> = xs.iter().map(|x| self.bool_expr(x)).collect();
                let parts: Option<Vec<Expr>> = parts.into_iter().collect();
                if matches!(f.kind, FormulaKind::And(_)) {
                    Expr::And(parts?)
                } else {
                    Expr::Or(parts?)
                }
            }
            FormulaKind::Implies(a, b) | FormulaKind::Iff(a, b) => {
                let (a, b) = (self.bool_expr(a), self.bool_expr(b));
                let (a, b) = (Box::new(a?), Box::new(b?));
                if matches!(f.kind, FormulaKind::Implies(..)) {
                    Expr::Implies(a, b)
                } else {
                    Expr::Iff(a, b)
                }
            }
            FormulaKind::Cmp(op, a, b) => {
                let both_bool = self.type_of(a) == Some(VarType::Bool)
                    && self.type_of(b) == Some(VarType::Bool);
                if both_bool && matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    let (x, y) = (self.bool_expr(a), self.bool_expr(b));
                    let iff = Expr::Iff(Box::new(x?), Box::new(y?));
                    return Some(if *op == CmpOp::Eq {
                        iff
                    } else {
                        Expr::Not(Box::new(iff))
                    });
                }
                let (x, y) = (self.int_expr(a), self.int_expr(b));
                Expr::Cmp(*op, x?, y?)
            }
        })
    }

    fn int_expr(&mut self, f: &FormulaAst) -> Option<IntExpr> {
        Some(match &f.kind {
            FormulaKind::Int(lit) => IntExpr::Const(self.unsigned(lit)? as i64),
            FormulaKind::Name(n) => {
                let (v, ty) = self.var_of(n, f.span)?;
                if ty != VarType::Int {
                    let e = self.error(
                        Code::TypeMismatch,
                        format!("`{n}` is true/false, but a number is expected here"),
                        f.span,
                    );
                    e.label = Some("bool variable".into());
                    e.help = Some(format!("declare it as `var {n}: int` if it is a quantity"));
                    return None;
                }
                IntExpr::Var(v)
            }
            FormulaKind::Add(a, b) | FormulaKind::Sub(a, b) => {
                let (x, y) = (self.int_expr(a), self.int_expr(b));
                let (x, y) = (Box::new(x?), Box::new(y?));
                if matches!(f.kind, FormulaKind::Add(..)) {
                    IntExpr::Add(x, y)
                } else {
                    IntExpr::Sub(x, y)
                }
            }
            FormulaKind::Neg(a) => IntExpr::Neg(Box::new(self.int_expr(a)?)),
            FormulaKind::Mul(a, b) => {
                let (x, y) = (self.int_expr(a), self.int_expr(b));
                let (x, y) = (x?, y?);
                match (self.constant(&x, f.span), self.constant(&y, f.span)) {
                    (Some(Ok(k)), _) => IntExpr::Scale(k, Box::new(y)),
                    (_, Some(Ok(k))) => IntExpr::Scale(k, Box::new(x)),
                    (Some(Err(())), _) | (_, Some(Err(()))) => return None,
                    (None, None) => {
                        let e = self.error(
                            Code::NonLinear,
                            "only multiplication by a constant is supported",
                            f.span,
                        );
                        e.label = Some("both sides are variables".into());
                        e.help = Some("formulas are linear: write `2 * x`, not `x * y`".into());
                        return None;
                    }
                }
            }
            _ => {
                let e = self.error(
                    Code::TypeMismatch,
                    "a true/false formula is used where a number is expected",
                    f.span,
                );
                e.label = Some("not a number".into());
                e.help = Some("arithmetic and comparisons take numbers or int variables".into());
                return None;
            }
        })
    }

    /// The value of a variable-free term: `None` if it has variables, `Err` (reported)
    /// if it overflows.
    fn constant(&mut self, x: &IntExpr, span: Span) -> Option<Result<i64, ()>> {
        fn fold(x: &IntExpr) -> Option<Option<i64>> {
            Some(match x {
                IntExpr::Const(c) => Some(*c),
                IntExpr::Var(_) => return None,
                IntExpr::Add(a, b) => fold(a)?.zip(fold(b)?).and_then(|(a, b)| a.checked_add(b)),
                IntExpr::Sub(a, b) => fold(a)?.zip(fold(b)?).and_then(|(a, b)| a.checked_sub(b)),
                IntExpr::Neg(a) => fold(a)?.and_then(i64::checked_neg),
                IntExpr::Scale(k, a) => fold(a)?.and_then(|a| a.checked_mul(*k)),
            })
        }
        match fold(x)? {
            Some(v) => Some(Ok(v)),
            None => {
                let e = self.error(
                    Code::NumberTooLarge,
                    "this constant overflows 64-bit integers",
                    span,
                );
                e.help = Some("use smaller numbers (e.g. thousands instead of units)".into());
                Some(Err(()))
            }
        }
    }

    fn fact(&mut self, f: &ast::FactDecl) {
        if let Some(formula) = self.formula(&f.formula) {
            self.model.facts.push(Fact {
                formula,
                doc: f.doc.clone(),
            });
        }
    }

    // ------------------------------------------------------------ treaties

    fn treaty(&mut self, t: &ast::TreatyDecl) {
        if let Some(&prev) = self.names.treaties.get(&t.id.text) {
            let first = self.model.treaties[prev].loc;
            self.duplicate("treaty", &t.id.text, t.id.span, first);
            return;
        }
        let mut parties = Vec::new();
        let mut is_party = BTreeSet::new();
        for p in &t.parties {
            if let Some(&b) = self.names.bodies.get(&p.text) {
                self.body_as_party(b, p);
                continue;
            }
            if let Some(a) = self.lookup_actor(p) {
                if !is_party.insert(a) {
                    let e = self.error(
                        Code::GivenTwice,
                        format!("party `{}` is listed twice", p.text),
                        p.span,
                    );
                    e.label = Some("listed again".into());
                } else {
                    parties.push(a);
                }
            }
        }
        let mut clauses: Vec<Clause> = Vec::new();
        let mut clause_ids: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &t.clauses {
            if let Some(&prev) = clause_ids.get(c.id.text.as_str()) {
                let first = clauses[prev].loc;
                self.duplicate("clause", &c.id.text, c.id.span, first);
                continue;
            }
            clause_ids.insert(&c.id.text, clauses.len());
            let formulas = c.formulas.iter().filter_map(|f| self.formula(f)).collect();
            let requires = c
                .requires
                .iter()
                .filter_map(|r| self.requirement(r))
                .collect();
            clauses.push(Clause {
                id: c.id.text.clone(),
                title: c.title.as_ref().map(|s| s.value.clone()),
                doc: c.doc.clone(),
                formulas,
                requires,
                loc: self.loc(c.span),
                matches: c.matches.as_ref().map(|m| match &m.treaty {
                    Some(t) => format!("{}.{}", t.text, m.id.text),
                    None => m.id.text.clone(),
                }),
            });
        }
        let as_of = self.as_of(&t.as_of, &format!("treaty `{}`", t.id.text));
        let treaty = TreatyId(self.model.treaties.len());
        self.names.treaties.insert(t.id.text.clone(), treaty);
        for (clause, c) in clauses.iter().enumerate() {
            self.names
                .clauses
                .entry(c.id.clone())
                .or_default()
                .push(ClauseRef { treaty, clause });
        }
        self.model.treaties.push(Treaty {
            id: t.id.text.clone(),
            title: t.title.as_ref().map(|s| s.value.clone()),
            doc: t.doc.clone(),
            parties,
            clauses,
            as_of,
            loc: self.loc(t.span),
        });
    }

    /// The rule `rule` names in body `b` (its default rule when `None`), or an error at the
    /// name with the body's rules and a did-you-mean.
    fn rule_ref(&mut self, b: BodyId, rule: Option<&Ident>) -> Option<RuleId> {
        let Some(rule) = rule else {
            return Some(RuleId::Default);
        };
        match self.model.bodies[b].find_rule(Some(&rule.text)) {
            Ok(id) => Some(id),
            Err(d) => {
                let mut d = *d;
                d.loc = Some(self.loc(rule.span));
                d.label = Some("unknown rule".into());
                self.diags.push(d);
                None
            }
        }
    }

    fn requirement(&mut self, r: &ast::RequiresDecl) -> Option<Requirement> {
        let mut routes = Vec::new();
        let mut ok = true;
        for route in &r.routes {
            match self.route(route) {
                Some(x) => routes.push(x),
                None => ok = false,
            }
        }
        (ok && !routes.is_empty()).then(|| Requirement {
            routes,
            any_of: r.any_of,
            loc: self.loc(r.span),
        })
    }

    fn route(&mut self, r: &ast::RouteDecl) -> Option<Route> {
        let target = self.target(&r.target, r.rule.as_ref(), r.each_of);
        let when = match &r.when {
            Some(f) => Some(self.formula(f)?),
            None => None,
        };
        let target = target?;
        if r.lapse && matches!(target, Target::EachOf(_)) {
            let e = self.error(
                Code::BadLapse,
                "`lapse of` needs one decision, not `each of`",
                r.span,
            );
            e.label = Some("several consents".into());
            e.help = Some("write `requires lapse of BODY [by RULE]`".into());
            return None;
        }
        Some(Route {
            target,
            lapse: r.lapse,
            when,
            loc: self.loc(r.span),
        })
    }

    /// What `requires [each of] NAME [by RULE]` (or an `expect route`) names.
    fn target(&mut self, name: &Ident, rule: Option<&Ident>, each_of: bool) -> Option<Target> {
        if each_of {
            if self.names.actors.contains_key(&name.text) {
                let e = self.error(
                    Code::WrongKind,
                    format!("`{}` is an actor, not a body", name.text),
                    name.span,
                );
                e.label = Some("an actor".into());
                e.help = Some(format!(
                    "`each of` asks every member of a body; for this actor's consent write `requires {}`",
                    name.text
                ));
                return None;
            }
            return self
                .lookup_body(
                    name,
                    Some("`each of` names a body: every member's consent is needed"),
                )
                .map(Target::EachOf);
        }
        if let Some(&b) = self.names.bodies.get(&name.text) {
            let rule = self.rule_ref(b, rule)?;
            return Some(Target::Body { body: b, rule });
        }
        if let Some(&a) = self.names.actors.get(&name.text) {
            if let Some(rule) = rule {
                let e = self.error(
                    Code::WrongKind,
                    format!(
                        "`{}` is an actor, so it has no voting rule `{}`",
                        name.text, rule.text
                    ),
                    rule.span,
                );
                e.label = Some("rules belong to bodies".into());
                e.help = Some(format!(
                    "write `requires {}`, or declare a body for it with a rule `{}`",
                    name.text, rule.text
                ));
                return None;
            }
            return Some(Target::Actor(a));
        }
        let names = self
            .model
            .bodies
            .iter()
            .map(|b| b.id.as_str())
            .chain(self.model.actors.iter().map(|a| a.id.as_str()));
        let hint = self.hint(&name.text, names);
        self.unknown(
            format!("unknown body or actor `{}`", name.text),
            name.span,
            "not declared",
            hint,
            Some("`requires` names a declared body (for a vote) or actor (for its consent)".into()),
        );
        None
    }

    /// `lapse of ACTOR` needs the actor's consent to fail, which with several domestic
    /// procedures happens when any one of them fails: not one decision, so not supported
    /// (name the body whose decision must lapse instead). Checked once every `consent` is
    /// known, whatever the order of the files.
    fn lapses_of_one_decision(&mut self) {
        let mut errors = Vec::new();
        for t in &self.model.treaties {
            for r in t.clauses.iter().flat_map(|c| &c.requires) {
                for route in r.routes.iter().filter(|x| x.lapse) {
                    let Target::Actor(a) = route.target else {
                        continue;
                    };
                    let n = self
                        .model
                        .procedures
                        .iter()
                        .filter(|p| p.actor == a)
                        .count();
                    if n > 1 {
                        let id = &self.model.actors[a].id;
                        errors.push(
                            Diagnostic::error(
                                Code::BadLapse,
                                format!(
                                    "`lapse of {id}` is not one decision: {id} consents through {n} procedures"
                                ),
                                route.loc,
                            )
                            .with_label("several decisions")
                            .with_help(
                                "name the body whose decision must fail: `requires lapse of BODY [by RULE]`",
                            ),
                        );
                    }
                }
            }
        }
        self.diags.extend(errors);
    }

    /// `consent ACTOR by BODY [by RULE] [when F]`.
    fn consent(&mut self, c: &ast::ConsentDecl) {
        let actor = self.lookup_actor(&c.actor);
        let body = self.lookup_body(
            &c.body,
            Some("an actor consents through one of its bodies: declare it with `body`"),
        );
        let rule = body.and_then(|b| self.rule_ref(b, c.rule.as_ref()));
        let when = match &c.when {
            Some(f) => self.formula(f).map(Some),
            None => Some(None),
        };
        if let (Some(actor), Some(body), Some(rule), Some(when)) = (actor, body, rule, when) {
            self.model.procedures.push(Procedure {
                actor,
                body,
                rule,
                when,
                doc: c.doc.clone(),
                loc: self.loc(c.span),
            });
        }
    }

    fn clause_ref(&mut self, c: &ast::ClauseRefAst) -> Option<ClauseRef> {
        if let Some(t) = &c.treaty {
            let Some(&ti) = self.names.treaties.get(&t.text) else {
                let hint = self.hint(&t.text, self.model.treaties.iter().map(|x| x.id.as_str()));
                self.unknown(
                    format!("unknown treaty `{}`", t.text),
                    t.span,
                    "not declared",
                    hint,
                    None,
                );
                return None;
            };
            let found = self
                .names
                .clauses
                .get(&c.id.text)
                .and_then(|refs| refs.iter().find(|r| r.treaty == ti));
            return match found {
                Some(&r) => Some(r),
                None => {
                    let hint = self.hint(
                        &c.id.text,
                        self.model.treaties[ti]
                            .clauses
                            .iter()
                            .map(|x| x.id.as_str()),
                    );
                    let msg = format!("treaty `{}` has no clause `{}`", t.text, c.id.text);
                    self.unknown(msg, c.id.span, "unknown clause", hint, None);
                    None
                }
            };
        }
        let found: Vec<ClauseRef> = self
            .names
            .clauses
            .get(&c.id.text)
            .cloned()
            .unwrap_or_default();
        match found.as_slice() {
            [one] => Some(*one),
            [] => {
                let hint = self.hint(
                    &c.id.text,
                    self.model
                        .clause_refs()
                        .map(|r| self.model.clause(r).id.as_str()),
                );
                let otherwise = if self.model.treaties.is_empty() {
                    "no treaty is declared in the loaded files"
                } else {
                    "clause ids are the ones after `clause` in a treaty"
                };
                self.unknown(
                    format!("unknown clause `{}`", c.id.text),
                    c.id.span,
                    "no clause has this id",
                    hint,
                    Some(otherwise.into()),
                );
                None
            }
            many => {
                let ts: Vec<String> = many
                    .iter()
                    .map(|r| format!("`{}.{}`", self.model.treaties[r.treaty].id, c.id.text))
                    .collect();
                let e = self.error(
                    Code::WhichTreaty,
                    format!("clause `{}` is in more than one treaty", c.id.text),
                    c.id.span,
                );
                e.label = Some("ambiguous".into());
                e.help = Some(format!("write one of {}", ts.join(", ")));
                None
            }
        }
    }

    fn treaty_ref(&mut self, t: Option<&Ident>, span: Span) -> Option<TreatyId> {
        match t {
            Some(t) => {
                let found = self.names.treaties.get(&t.text).copied();
                if found.is_none() {
                    let hint =
                        self.hint(&t.text, self.model.treaties.iter().map(|x| x.id.as_str()));
                    self.unknown(
                        format!("unknown treaty `{}`", t.text),
                        t.span,
                        "not declared",
                        hint,
                        None,
                    );
                }
                found
            }
            None => match self.model.treaties.len() {
                1 => Some(TreatyId(0)),
                0 => {
                    let e = self.error(
                        Code::WhichTreaty,
                        "this expectation needs a treaty, and none is declared",
                        span,
                    );
                    e.help = Some("declare one: treaty ID \"title\" { ... }".into());
                    None
                }
                _ => {
                    let ids: Vec<String> = self
                        .model
                        .treaties
                        .iter()
                        .map(|t| format!("`{}`", t.id))
                        .collect();
                    let e = self.error(
                        Code::WhichTreaty,
                        "several treaties are loaded: say which one",
                        span,
                    );
                    e.help = Some(format!(
                        "add one of {} after the expectation",
                        ids.join(", ")
                    ));
                    None
                }
            },
        }
    }

    // ------------------------------------------------------------ positions

    fn position(&mut self, p: &ast::PositionDecl) {
        if let Some(&prev) = self.names.positions.get(&p.id.text) {
            let first = self.model.positions[prev].loc;
            self.duplicate("position", &p.id.text, p.id.span, first);
            return;
        }
        let mut holders_form = None;
        let mut held: BTreeSet<ActorId> = BTreeSet::new();
        let mut named: Vec<ActorId> = Vec::new();
        for (h, _) in &p.held_by {
            match h {
                ast::HeldBy::Actors(ids) => {
                    for id in ids {
                        if let Some(a) = self.lookup_actor(id) {
                            held.insert(a);
                            named.push(a);
                        }
                    }
                }
                ast::HeldBy::EachOf(b) => {
                    let help = "`held by each of` names a body whose members all hold the position";
                    if let Some(bi) = self.lookup_body(b, Some(help)) {
                        held.extend(self.model.bodies[bi].members.iter().map(|m| m.actor));
                        holders_form = Some(Holders::EachOf(bi));
                    }
                }
            }
        }
        if p.held_by.is_empty() {
            let e = self.error(
                Code::NoHolders,
                format!("position `{}` is held by no one", p.id.text),
                p.id.span,
            );
            e.label = Some("no `held by`".into());
            e.help = Some("add `held by ACTOR, ...` or `held by each of BODY`".into());
        }
        let holders = match (holders_form, named.is_empty()) {
            (Some(h), true) => h,
            _ => Holders::Actors(held.iter().copied().collect()),
        };
        let mut red_lines: Vec<RedLine> = Vec::new();
        let mut labels: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &p.red_lines {
            if let Some(&prev) = labels.get(r.label.value.as_str()) {
                let first = red_lines[prev].loc;
                self.duplicate("red line", &r.label.value, r.label.span, first);
                continue;
            }
            if let Some(formula) = self.formula(&r.formula) {
                labels.insert(&r.label.value, red_lines.len());
                red_lines.push(RedLine {
                    label: r.label.value.clone(),
                    kind: match r.mode {
                        ast::RedLineMode::Must => RedLineKind::Must,
                        ast::RedLineMode::Possible => RedLineKind::Possible,
                        ast::RedLineMode::Guaranteed => RedLineKind::Guaranteed,
                    },
                    formula,
                    doc: r.doc.clone(),
                    loc: self.loc(r.span),
                });
            }
        }
        let mut stances: Vec<Stance> = Vec::new();
        let mut stated: BTreeMap<ClauseRef, Loc> = BTreeMap::new();
        for s in &p.stances {
            let Some(clause) = self.clause_ref(&s.clause) else {
                continue;
            };
            if let Some(&first) = stated.get(&clause) {
                let d = Diagnostic::error(
                    Code::GivenTwice,
                    format!(
                        "position `{}` states its stance on clause `{}` twice",
                        p.id.text, s.clause.id.text
                    ),
                    self.loc(s.span),
                )
                .with_label("stated again")
                .with_related(first, "first stated here");
                self.diags.push(d);
                continue;
            }
            stated.insert(clause, self.loc(s.span));
            stances.push(Stance {
                kind: s.kind,
                clause,
                loc: self.loc(s.span),
            });
        }
        if let [first, again, ..] = p.rejects_package.as_slice() {
            let d = Diagnostic::error(
                Code::GivenTwice,
                format!("position `{}` says `rejects package` twice", p.id.text),
                self.loc(*again),
            )
            .with_label("said again")
            .with_related(self.loc(*first), "first said here")
            .with_help("say it once: it applies to every holder of the position");
            self.diags.push(d);
        }
        self.names
            .positions
            .insert(p.id.text.clone(), PositionId(self.model.positions.len()));
        self.model.positions.push(Position {
            id: p.id.text.clone(),
            source: p.source.as_ref().map(|s| s.value.clone()),
            doc: p.doc.clone(),
            holders,
            held_by: held.into_iter().collect(),
            red_lines,
            stances,
            rejects_package: !p.rejects_package.is_empty(),
            loc: self.loc(p.span),
        });
    }

    // ------------------------------------------------------------ expectations

    /// `scenario NAME ...`: the name is declared once (its statements are resolved apart,
    /// by `model::scenario`).
    fn scenario_name(&mut self, sc: &ast::ScenarioDecl) {
        if let Some(&first) = self.names.scenarios.get(&sc.id.text) {
            self.duplicate("scenario", &sc.id.text, sc.id.span, first);
            return;
        }
        let loc = self.loc(sc.span);
        self.names.scenarios.insert(sc.id.text.clone(), loc);
    }

    /// `A votes BALLOT [on clause C, ...]` of a scenario being applied.
    fn ballot(&mut self, b: &ast::BallotDecl) {
        let actor = self.lookup_actor(&b.actor);
        let mut clauses = Vec::new();
        for c in &b.clauses {
            if let Some(c) = self.clause_ref(c) {
                if !clauses.contains(&c) {
                    clauses.push(c);
                }
            }
        }
        let Some(actor) = actor else { return };
        let ballot = match b.ballot {
            ast::BallotWord::Yes => Ballot::Yes,
            ast::BallotWord::No => Ballot::No,
            ast::BallotWord::Abstain => Ballot::Abstain,
            ast::BallotWord::Absent => Ballot::Absent,
        };
        self.model.assumed.push(AssumedBallot {
            actor,
            ballot,
            clauses,
            scenario: b.scenario.clone(),
            loc: Some(self.loc(b.span)),
        });
    }

    fn expectation(&mut self, e: &ast::ExpectDecl) -> Option<()> {
        use ast::ExpectKind as K;
        if let Some(sc) = &e.scenario {
            // Checked in the scenario's own model (`model::scenario`); here only its name.
            if !self.names.scenarios.contains_key(&sc.text) {
                let hint = self.hint(&sc.text, self.names.scenarios.keys().map(String::as_str));
                self.unknown(
                    format!("unknown scenario `{}`", sc.text),
                    sc.span,
                    "not declared",
                    hint,
                    Some(format!(
                        "declare it: scenario {} \"title\" {{ ... }}",
                        sc.text
                    )),
                );
            }
            return Some(());
        }
        let expectation = match &e.kind {
            K::Conflict(items) => {
                let mut out = Vec::new();
                let mut ok = true;
                for it in items {
                    let Some(x) = self.conflict_item(it) else {
                        ok = false;
                        continue;
                    };
                    if let (ast::ConflictItemAst::RedLine { label, .. }, Some(p)) =
                        (it, self.guaranteed_line(&x))
                    {
                        let name = crate::model::names::red_line_name(&p, &label.value);
                        let e = self.error(
                            Code::RedLineKind,
                            format!("`{name}` is a guaranteed red line, never part of a conflict"),
                            label.span,
                        );
                        e.label = Some("a guaranteed red line".into());
                        e.help = Some(format!(
                            "check it with `expect guaranteed {name}` or `expect not guaranteed {name}`"
                        ));
                        ok = false;
                    } else if !out.contains(&x) {
                        out.push(x);
                    }
                }
                if !ok {
                    return None;
                }
                out.sort();
                Expectation::Conflict(out)
            }
            K::Consistent => Expectation::Consistent,
            K::Veto {
                actor,
                clause,
                expected,
                mode,
            } => {
                let (a, c) = (self.lookup_actor(actor), self.clause_ref(clause));
                Expectation::Veto {
                    actor: a?,
                    clause: c?,
                    expected: *expected,
                    mode: mode.map(|m| match m {
                        ast::VetoMode::No => Ballot::No,
                        ast::VetoMode::Abstaining => Ballot::Abstain,
                        ast::VetoMode::Absence => Ballot::Absent,
                    }),
                }
            }
            K::Force {
                actor,
                clause,
                expected,
            } => {
                let (a, c) = (self.lookup_actor(actor), self.clause_ref(clause));
                Expectation::Force {
                    actor: a?,
                    clause: c?,
                    expected: *expected,
                }
            }
            K::Objection {
                actor,
                clause,
                expected,
            } => {
                let (a, c) = (self.lookup_actor(actor), self.clause_ref(clause));
                Expectation::Objection {
                    actor: a?,
                    clause: c?,
                    expected: *expected,
                }
            }
            K::Route {
                target,
                each_of,
                rule,
                clause,
                open,
            } => {
                let t = self.target(target, rule.as_ref(), *each_of);
                let c = self.clause_ref(clause)?;
                let t = t?;
                let asks = self.model.clause(c).requires.iter().flat_map(|r| &r.routes);
                if !asks.clone().any(|r| r.target == t) {
                    let e = self.error(
                        Code::ExpectationMismatch,
                        format!(
                            "clause {} has no route through `{}`",
                            self.model.clause(c).id,
                            target.text
                        ),
                        target.span,
                    );
                    e.label = Some("not one of the clause's routes".into());
                    e.help =
                        Some("name a body (and rule) or actor that the clause `requires`".into());
                    return None;
                }
                Expectation::Route {
                    target: t,
                    clause: c,
                    open: *open,
                }
            }
            K::Impossible(c) => Expectation::Impossible(self.clause_ref(c)?),
            K::Blocked(c) => Expectation::Blocked(self.clause_ref(c)?),
            K::Adoptable(c) => Expectation::Adoptable(self.clause_ref(c)?),
            K::Feasible { treaty, expected } => Expectation::Feasible {
                treaty: self.treaty_ref(treaty.as_ref(), e.span)?,
                expected: *expected,
            },
            K::Power {
                body,
                rule,
                actor,
                index,
                op,
                value,
            } => {
                let b = self.lookup_body(body, None)?;
                let rule = self.rule_ref(b, rule.as_ref())?;
                let a = self.lookup_actor(actor)?;
                if self.model.bodies[b].member_index(a).is_none() {
                    let d = self.error(
                        Code::NotAMember,
                        format!("`{}` is not a member of `{}`", actor.text, body.text),
                        actor.span,
                    );
                    d.label = Some("not a member".into());
                    return None;
                }
                let value = self.expected_value(value)?;
                let index = match index.text.as_str() {
                    "swings" => PowerIndex::Swings,
                    "banzhaf" => PowerIndex::Banzhaf,
                    "banzhaf_absolute" => PowerIndex::BanzhafAbsolute,
                    _ => PowerIndex::ShapleyShubik,
                };
                Expectation::Power {
                    body: b,
                    rule,
                    actor: a,
                    index,
                    op: *op,
                    value,
                }
            }
            K::Guaranteed {
                position,
                label,
                treaty,
                expected,
            } => {
                let line = ast::ConflictItemAst::RedLine {
                    position: position.clone(),
                    label: label.clone(),
                };
                let item = self.conflict_item(&line);
                let t = self.treaty_ref(treaty.as_ref(), e.span);
                let ConflictItem::RedLine { position: p, index } = item? else {
                    return None;
                };
                if self
                    .guaranteed_line(&ConflictItem::RedLine { position: p, index })
                    .is_none()
                {
                    let name = crate::model::names::red_line_name(&position.text, &label.value);
                    let d = self.error(
                        Code::RedLineKind,
                        format!("`{name}` is not a guaranteed red line"),
                        label.span,
                    );
                    d.label = Some("not `guaranteed`".into());
                    d.help = Some(
                        "only a `red line \"...\": guaranteed FORMULA` is checked for a guarantee; \
                         `expect conflict` checks the others"
                            .into(),
                    );
                    return None;
                }
                Expectation::Guaranteed {
                    position: p,
                    index,
                    treaty: t?,
                    expected: *expected,
                }
            }
            K::NonParty {
                unit,
                treaty,
                count,
            } => {
                let t = self.treaty_ref(treaty.as_ref(), e.span);
                let c = self.unsigned(count);
                Expectation::NonParty {
                    unit: *unit,
                    treaty: t?,
                    count: c? as usize,
                }
            }
            K::Group {
                group,
                unit,
                treaty,
                count,
            } => {
                let g = self.lookup_group(group);
                let t = self.treaty_ref(treaty.as_ref(), e.span);
                let c = self.unsigned(count);
                Expectation::Group {
                    group: g?,
                    unit: *unit,
                    treaty: t?,
                    count: c? as usize,
                }
            }
            K::Repair {
                items,
                treaty,
                expected,
            } => {
                let mut out = Vec::new();
                let mut ok = true;
                for it in items {
                    match self.conflict_item(it) {
                        Some(x) if !out.contains(&x) => out.push(x),
                        Some(_) => {}
                        None => ok = false,
                    }
                }
                // The treaty: the one named, else that of the clauses, else the only one.
                let of_clauses = out.iter().find_map(|x| match x {
                    ConflictItem::Clause(c) => Some(c.treaty),
                    ConflictItem::RedLine { .. } => None,
                });
                let t = match (treaty, of_clauses) {
                    (None, Some(t)) => Some(t),
                    (named, _) => self.treaty_ref(named.as_ref(), e.span),
                };
                let t = t?;
                if out
                    .iter()
                    .any(|x| matches!(x, ConflictItem::Clause(c) if c.treaty != t))
                {
                    let d = self.error(
                        Code::ExpectationMismatch,
                        format!(
                            "a repair is of one treaty, and this one names clauses outside treaty `{}`",
                            self.model.treaties[t].id
                        ),
                        e.span,
                    );
                    d.help = Some("name only clauses of that treaty".into());
                    return None;
                }
                if !ok {
                    return None;
                }
                out.sort();
                Expectation::Repair {
                    treaty: t,
                    items: out,
                    expected: *expected,
                }
            }
            K::WinOver { actors, clause } => {
                let found: Vec<Option<ActorId>> =
                    actors.iter().map(|a| self.lookup_actor(a)).collect();
                let c = self.clause_ref(clause);
                let mut actors: Vec<ActorId> = found.into_iter().collect::<Option<_>>()?;
                actors.sort_unstable();
                actors.dedup();
                Expectation::WinOver { actors, clause: c? }
            }
            K::Margin {
                clause,
                var,
                op,
                negative,
                value,
            } => self.margin_expectation(clause, var, *op, *negative, value)?,
        };
        let text = self.model.files[self.file]
            .slice(e.span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.model.expects.push(Expect {
            expectation,
            text,
            loc: self.loc(e.span),
        });
        Some(())
    }

    fn conflict_item(&mut self, it: &ast::ConflictItemAst) -> Option<ConflictItem> {
        match it {
            ast::ConflictItemAst::Clause(c) => Some(ConflictItem::Clause(self.clause_ref(c)?)),
            ast::ConflictItemAst::RedLine { position, label } => {
                let Some(&p) = self.names.positions.get(&position.text) else {
                    let hint = self.hint(
                        &position.text,
                        self.model.positions.iter().map(|x| x.id.as_str()),
                    );
                    self.unknown(
                        format!("unknown position `{}`", position.text),
                        position.span,
                        "not declared",
                        hint,
                        None,
                    );
                    return None;
                };
                let pos = &self.model.positions[p];
                match pos.red_lines.iter().position(|r| r.label == label.value) {
                    Some(index) => Some(ConflictItem::RedLine { position: p, index }),
                    None => {
                        let labels: Vec<&str> =
                            pos.red_lines.iter().map(|r| r.label.as_str()).collect();
                        let hint = self.hint(&label.value, labels.iter().copied());
                        let msg = format!(
                            "position `{}` has no red line \"{}\"",
                            position.text, label.value
                        );
                        let e = self.error(Code::UnknownName, msg, label.span);
                        e.label = Some("unknown label".into());
                        e.help = Some(match hint {
                            Some(h) => format!("did you mean \"{h}\"?"),
                            None => "use the label exactly as written after `red line`".into(),
                        });
                        None
                    }
                }
            }
        }
    }

    /// The position id of `item` when it is a `guaranteed` red line.
    fn guaranteed_line(&self, item: &ConflictItem) -> Option<String> {
        let ConflictItem::RedLine { position, index } = *item else {
            return None;
        };
        let p = &self.model.positions[position];
        let line = p.red_lines.get(index)?;
        (line.kind == RedLineKind::Guaranteed).then(|| p.id.clone())
    }

    fn expected_value(&mut self, lit: &Lit) -> Option<ExpectedValue> {
        let t: String = lit.text.chars().filter(|c| *c != '_').collect();
        let bad = |r: &mut Self| {
            let e = r.error(
                Code::BadProportion,
                format!("the number `{}` cannot be used", lit.text),
                lit.span,
            );
            e.help = Some(
                "write a fraction `421/2145`, a decimal `0.1963` or a percentage `19.63%`".into(),
            );
            None
        };
        if let Some((n, d)) = t.split_once('/') {
            let (Ok(n), Ok(d)) = (n.parse::<i128>(), d.parse::<i128>()) else {
                return bad(self);
            };
            if d == 0 || n > i128::from(i64::MAX) || d > i128::from(i64::MAX) {
                return bad(self);
            }
            return Some(ExpectedValue {
                numer: n,
                denom: d,
                decimals: None,
            });
        }
        let (body, scale) = match t.strip_suffix('%') {
            Some(b) => (b, 100i128),
            None => (t.as_str(), 1),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if frac.len() > 12 || int.len() > 12 {
            return bad(self);
        }
        let Ok(numer) = format!("{int}{frac}").parse::<i128>() else {
            return bad(self);
        };
        let denom = 10i128.pow(frac.len() as u32) * scale;
        let written = frac.len() as u32 + if scale == 100 { 2 } else { 0 };
        Some(ExpectedValue {
            numer,
            denom,
            decimals: (!frac.is_empty() || scale == 100).then_some(written),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::MAX_SHOWN;

    fn errors(text: &str) -> Vec<crate::diag::Diagnostic> {
        match crate::load_str("t.treaty", text) {
            Ok(_) => panic!("no error"),
            Err((_, diags)) => diags,
        }
    }

    /// Duplicates and unknown names are found through the name maps as before; "did you
    /// mean" is looked for in the diagnostics that are shown, and only in those.
    #[test]
    fn hints_for_the_shown_diagnostics_only() {
        let n = MAX_SHOWN + 20;
        let text: String = (0..n)
            .map(|i| format!("actor A{i} \"x\"\nbody B{i} \"b\" {{ members A{i}x }}\n"))
            .collect();
        let diags = errors(&text);
        assert_eq!(diags.len(), n);
        for (i, d) in diags.iter().enumerate() {
            assert_eq!(d.message, format!("unknown actor `A{i}x`"));
            let hinted = d
                .help
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean"));
            assert_eq!(hinted, i < MAX_SHOWN, "{i}: {:?}", d.help);
        }
    }

    #[test]
    fn duplicates_point_at_the_first_declaration() {
        let text = "actor A \"a\"\nactor A \"b\"\nvar x, x: bool\nbody A \"c\" { members A }\n\
             treaty T { clause 1 { x } clause 1 { x } }\ntreaty T { }\n\
             position P { held by A\n red line \"r\": x\n red line \"r\": x\n supports clause 1\n supports clause 1\n\
             rejects package\n rejects package }\n";
        let diags = errors(text);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "actor `A` is declared twice",
                "variable `x` is declared twice",
                "body `A` has the same name as an actor",
                "clause `1` is declared twice",
                "treaty `T` is declared twice",
                "red line `r` is declared twice",
                "position `P` states its stance on clause `1` twice",
                "position `P` says `rejects package` twice",
            ]
        );
        let first = |k: usize| diags[k].related.first().map(|(loc, _)| loc.span.start);
        let at = |s: &str| text.find(s);
        assert_eq!(first(0), Some(0));
        assert_eq!(first(1), at("x, x"));
        assert_eq!(first(2), Some(0));
        assert_eq!(first(3), at("clause 1"));
        assert_eq!(first(4), at("treaty T"));
        assert_eq!(first(5), at("red line"));
        // A stance is located at its clause reference.
        assert_eq!(first(6), at("supports").map(|i| i + "supports ".len()));
        assert_eq!(first(7), at("rejects package"));
        assert_eq!(
            diags[7].loc.map(|l| l.span.start),
            text.rfind("rejects package")
        );
    }
}
