//! The human text of `treaty check` and `treaty vetoes`, rendered from the report document
//! (`report::wire`) and nothing else, so it says what the JSON says, in the same order:
//! the verdict, conflicts with their sources, the guaranteed red lines the treaty does not
//! guarantee (with a counterexample), who objects to which clause and why (and who rejects
//! the package), decisions with every no vote (direct or knock-on), the routes of
//! requirements with several, vetoes by actor and dependencies.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::loaded::RouteOut;
use super::paint::Paint;
use super::wire::{
    CheckDoc, ConflictOut, DataOut, DecisionOut, GuaranteeOut, ItemOut, ReasonOut, SourceLine,
    TreatyOut, UndecidedOut, VetoesDoc, WinOverOut,
};
use crate::model::names::red_line_name;
use crate::model::Ballot;

/// How the human report of `treaty check` is rendered.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// `-v`: every decision, every doc comment and margin, the objections in detail.
    pub verbose: bool,
    /// ANSI colour on the verdict and the findings.
    pub color: bool,
}

/// The human report of `treaty check` at the default verbosity, without colour.
pub fn human(doc: &CheckDoc) -> String {
    human_with(doc, Style::default())
}

/// The human report of `treaty check`: the verdict, then the answer (the blocked clauses
/// and who objects, a line each), then the details. At the default verbosity the details
/// leave out what `-v` adds: decisions that can pass with no vote against, doc comments,
/// margins, the objections by red line and the dependencies met by parties alone.
pub fn human_with(doc: &CheckDoc, style: Style) -> String {
    let mut o = String::new();
    let p = Paint { on: style.color };
    let v = style.verbose;
    if doc.treaties.is_empty() && doc.undecided.is_empty() {
        let l = &doc.loaded;
        let _ = writeln!(
            o,
            "loaded {} file(s): {} actors, {} bodies, {} variables, {} positions; no treaty to analyse (--list shows them)",
            l.files.len(),
            l.actors.len(),
            l.bodies.len(),
            l.variables.len(),
            l.positions.len()
        );
    }
    for t in &doc.treaties {
        header(&mut o, t, p);
        blocked_clauses(&mut o, t, p);
        objectors(&mut o, t, p);
        warnings(&mut o, t, p);
        conflicts(&mut o, t, p, v);
        guarantees(&mut o, t, p, v);
        if v {
            objections(&mut o, t, p);
        }
        decisions(&mut o, t, p, v);
        routes(&mut o, t, p);
        win_over_clauses(&mut o, t, p);
        vetoes_by_actor(&mut o, t, p);
        dependencies(&mut o, t, p, v);
        if v {
            data(&mut o, t, p);
        }
        let _ = writeln!(o);
    }
    for u in &doc.undecided {
        undecided(&mut o, u);
    }
    o
}

/// Single-actor vetoes: actors that can block the same clauses share a line.
fn vetoes_by_actor(o: &mut String, t: &TreatyOut, p: Paint) {
    if t.vetoes_by_actor.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", p.head("single-actor vetoes"));
    let said = t.vetoes_by_actor.iter().map(|v| {
        let aggregate = t.aggregates.iter().any(|a| a.actor == v.actor);
        (v.actor.as_str(), (v.clauses.as_slice(), aggregate))
    });
    for ((clauses, aggregate), ids) in group_by(said) {
        let note = match (aggregate, ids.len()) {
            (false, _) => "",
            (true, 1) => " (an aggregate: see warnings)",
            (true, _) => " (aggregates: see warnings)",
        };
        let _ = writeln!(
            o,
            "  {}{note} can block {}",
            ids.join(", "),
            clauses.join(", ")
        );
    }
}

/// The decisions: every one with `-v`; else those with something to say (blocked,
/// impossible, or with votes against), consents that say the same grouped on one line.
fn decisions(o: &mut String, t: &TreatyOut, p: Paint, verbose: bool) {
    if t.decisions.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", p.head("decisions"));
    if verbose {
        for d in &t.decisions {
            decision(o, d, p, true);
        }
        return;
    }
    let shown: Vec<&DecisionOut> = t.decisions.iter().filter(|d| worth_showing(d)).collect();
    let hidden = t.decisions.len() - shown.len();
    let mut i = 0;
    while i < shown.len() {
        let d = shown[i];
        let mut group = vec![d];
        if let Some(key) = consent_key(d) {
            while let Some(next) = shown.get(i + group.len()) {
                if consent_key(next).as_ref() == Some(&key) {
                    group.push(next);
                } else {
                    break;
                }
            }
        }
        if group.len() > 1 {
            consent_group(o, &group, p);
        } else {
            decision(o, d, p, false);
        }
        i += group.len();
    }
    if hidden > 0 {
        let _ = writeln!(
            o,
            "  ({hidden} other {} can pass with no vote against: -v lists {})",
            verb(hidden == 1, "decision", "decisions"),
            verb(hidden == 1, "it", "them")
        );
    }
}

/// A decision says more than "can pass" when it cannot, when someone votes against it or
/// withholds, or when a precondition cannot hold.
fn worth_showing(d: &DecisionOut) -> bool {
    d.status != "can_pass"
        || !d.no_votes.is_empty()
        || !d.fixed_no.is_empty()
        || !d.fixed_abstain.is_empty()
        || !d.fixed_absent.is_empty()
        || d.preconditions.iter().any(|x| !x.possible)
}

/// What makes blocked consents of one clause say the same: the clause, the status, and the
/// one no vote's kind and reasons (each is the consenting actor's own). `None` for any
/// other decision.
fn consent_key(d: &DecisionOut) -> Option<(&str, &str, bool, &[ReasonOut])> {
    let plain = d.kind == "consent"
        && (d.consent_of.is_none() || d.consent_of == d.actor)
        && !d.lapse
        && d.routes == 1
        && d.preconditions.is_empty()
        && d.fixed_abstain.is_empty()
        && d.fixed_absent.is_empty()
        && d.status == "blocked";
    match (plain, d.no_votes.as_slice(), &d.actor) {
        (true, [one], Some(actor)) if &one.actor == actor && d.fixed_no == [actor.clone()] => {
            Some((
                d.clause.as_str(),
                d.status,
                one.knock_on,
                one.because.as_slice(),
            ))
        }
        _ => None,
    }
}

/// Several blocked consents of one clause, each refused by its own actor for the same
/// reasons: one heading, the reasons once, and who must be won over.
fn consent_group(o: &mut String, group: &[&DecisionOut], p: Paint) {
    let Some(first) = group.first() else { return };
    let ids: Vec<&str> = group.iter().filter_map(|d| d.actor.as_deref()).collect();
    let _ = writeln!(
        o,
        "  clause {} — consent of each of {}: {} — each refuses its own",
        first.clause,
        actors_text(&ids),
        p.bad("blocked")
    );
    if let Some(v) = first.no_votes.first() {
        let kind = if v.knock_on {
            "knock-on no"
        } else {
            "direct no"
        };
        let _ = writeln!(
            o,
            "      {kind}: {}",
            no_words(&ids, &first.clause, &v.because, false)
        );
    }
    let _ = writeln!(o, "      to pass: win over each of them");
}

/// Under the verdict: each blocked clause, what blocks it and who votes no.
fn blocked_clauses(o: &mut String, t: &TreatyOut, p: Paint) {
    let blocked: Vec<&super::wire::ClauseOut> = t.clauses.iter().filter(|c| !c.adoptable).collect();
    if blocked.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\n{} ({} of {})",
        p.head("blocked clauses"),
        blocked.len(),
        t.clauses.len()
    );
    for c in blocked {
        let title = c
            .title
            .as_ref()
            .map(|s| format!(" \"{s}\""))
            .unwrap_or_default();
        let _ = writeln!(o, "  clause {}{title}: {}", c.clause, blocked_by_text(t, c));
    }
}

/// What blocks clause `c`: its decisions that cannot go its way (on a requirement no route
/// of which is open), those with the same no votes named together.
fn blocked_by_text(t: &TreatyOut, c: &super::wire::ClauseOut) -> String {
    if c.contradictory {
        return "its content contradicts the facts".to_string();
    }
    let unmet = |d: &DecisionOut| {
        c.requirements
            .get(d.requirement.saturating_sub(1))
            .is_none_or(|r| !r.met)
    };
    let decisions: Vec<&DecisionOut> = t
        .decisions
        .iter()
        .filter(|d| d.clause == c.clause && d.status != "can_pass" && unmet(d))
        .collect();
    let mut parts: Vec<String> = Vec::new();
    let impossible: Vec<String> = decisions
        .iter()
        .filter(|d| d.status == "impossible")
        .map(|d| short_who(d))
        .collect();
    if !impossible.is_empty() {
        parts.push(format!(
            "{}: a precondition cannot hold",
            impossible.join(", ")
        ));
    }
    let consents: Vec<&str> = decisions
        .iter()
        .filter(|d| d.status == "blocked" && d.kind == "consent" && !d.lapse)
        .filter_map(|d| d.actor.as_deref())
        .collect();
    let bodies = decisions
        .iter()
        .filter(|d| d.status == "blocked" && (d.kind != "consent" || d.lapse))
        .map(|d| {
            let withheld = withholders(d);
            (short_who(d), (withheld, d.lapse))
        });
    // (who withholds, a lapse) -> the decisions they block.
    type Withheld = (Vec<String>, bool);
    let mut grouped: Vec<(Withheld, Vec<String>)> = Vec::new();
    for (who, key) in bodies {
        match grouped.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ws)) => ws.push(who),
            None => grouped.push((key, vec![who])),
        }
    }
    for ((withheld, lapse), who) in grouped {
        let names: Vec<&str> = withheld.iter().map(String::as_str).collect();
        let act = if lapse { "renew" } else { "vote no" };
        let said = if names.is_empty() {
            String::new()
        } else {
            let act = if names.len() == 1 {
                if lapse {
                    "renews"
                } else {
                    "votes no"
                }
            } else {
                act
            };
            let each = if who.len() > 1 { " in each" } else { "" };
            format!(" ({} {act}{each})", actors_text(&names))
        };
        parts.push(format!("{}{said}", who.join(", ")));
    }
    if !consents.is_empty() {
        parts.push(format!("consent refused by {}", consents.join(", ")));
    }
    if parts.is_empty() {
        "no route of a requirement is open".to_string()
    } else {
        parts.join("; ")
    }
}

/// Who withholds from a decision: the fixed no votes, abstentions and absences, by name
/// (an abstention or absence marked as such).
fn withholders(d: &DecisionOut) -> Vec<String> {
    against(d)
        .into_iter()
        .map(|(a, b)| match b {
            Ballot::Abstain => format!("{a} abstaining"),
            Ballot::Absent => format!("{a} absent"),
            Ballot::No | Ballot::Yes => a.to_string(),
        })
        .collect()
}

/// A decision named briefly: `EU`, `EU by qmv`, `lapse of EU`, `consent of USA`, `UKR_Rada
/// by constitutional (consent of UKR)`.
fn short_who(d: &DecisionOut) -> String {
    let mut who = match (&d.body, &d.rule, &d.actor) {
        (Some(body), Some(rule), _) if rule == "default" => body.clone(),
        (Some(body), Some(rule), _) => format!("{body} by {rule}"),
        (_, _, Some(actor)) => format!("consent of {actor}"),
        _ => String::new(),
    };
    if let (Some(a), false) = (&d.consent_of, d.kind == "consent") {
        who = format!("{who} (consent of {a})");
    }
    if d.lapse {
        who = format!("lapse of {who}");
    }
    who
}

/// Under the verdict: each actor whose red lines the treaty violates (actors that say the
/// same share a line), the clauses it objects to with the conflicts that show it, and
/// whether it rejects the package; the parties among them do not sign.
fn objectors(o: &mut String, t: &TreatyOut, p: Paint) {
    if t.objections.is_empty() {
        return;
    }
    let refusing = if t.refusing_parties.is_empty() {
        "no party among them".to_string()
    } else {
        format!(
            "parties that do not sign: {}",
            t.refusing_parties.join(", ")
        )
    };
    let _ = writeln!(
        o,
        "\n{} ({} actors; {refusing})",
        p.head("who objects"),
        t.objections.len()
    );
    let said = t.objections.iter().map(|x| {
        let clauses: Vec<String> = x
            .clauses
            .iter()
            .map(|c| {
                let mut ids: Vec<&str> = Vec::new();
                for r in &c.because {
                    if let ReasonOut::RedLine { conflict, .. } = r {
                        if !ids.contains(&conflict.as_str()) {
                            ids.push(conflict);
                        }
                    }
                }
                if ids.is_empty() {
                    c.clause.clone()
                } else {
                    format!("{} ({})", c.clause, ids.join(", "))
                }
            })
            .collect();
        (
            x.actor.as_str(),
            (
                clauses,
                x.rejects_package.as_slice(),
                x.guarantees.as_slice(),
            ),
        )
    });
    for ((clauses, package, guarantees), ids) in group_by(said) {
        let one = ids.len() == 1;
        let party: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|a| t.refusing_parties.iter().any(|r| r == a))
            .collect();
        let mut parts = Vec::new();
        if !clauses.is_empty() {
            parts.push(format!(
                "{} to {} {}",
                verb(one, "objects", "object"),
                verb(clauses.len() == 1, "clause", "clauses"),
                clauses.join(", ")
            ));
        }
        if !guarantees.is_empty() {
            parts.push(format!(
                "{} the package: the treaty does not guarantee {}",
                verb(one, "rejects", "reject"),
                guarantees.join(", ")
            ));
        } else if !package.is_empty() {
            let ps: Vec<&str> = package.iter().map(String::as_str).collect();
            parts.push(format!(
                "{} the package ({})",
                verb(one, "rejects", "reject"),
                package_text(&ps)
            ));
        }
        let sign = match party.as_slice() {
            [] => String::new(),
            [a] => format!("; {a} is a party and does not sign"),
            more => format!("; {} are parties and do not sign", more.join(", ")),
        };
        let _ = writeln!(
            o,
            "  {}: {}{sign}",
            p.warn(&actors_text(&ids)),
            parts.join("; ")
        );
    }
}

/// `treaty ID "title"  (file:line:column)`.
fn heading(o: &mut String, id: &str, title: Option<&str>, at: &super::loaded::Place) {
    let title = title.map(|s| format!(" \"{s}\"")).unwrap_or_default();
    let _ = writeln!(o, "treaty {id}{title}  ({at})");
}

/// A treaty the solver gave up on: the question, and what was found before.
fn undecided(o: &mut String, u: &UndecidedOut) {
    heading(o, &u.treaty, u.title.as_deref(), &u.at);
    let _ = writeln!(
        o,
        "verdict: not decided — the solver gave up ({}) on: {}",
        u.reason, u.query
    );
    if !u.found_so_far.is_empty() {
        let _ = writeln!(o, "\nfound before it gave up");
        for f in &u.found_so_far {
            let _ = writeln!(o, "  {f}");
        }
    }
    let _ = writeln!(
        o,
        "\nnothing else about this treaty is concluded; raise --timeout (0: no limit)\n"
    );
}

/// `treaty vetoes`: per decision, body, rule, status, veto players, a smallest blocking
/// coalition, and who blocks it and why.
pub fn vetoes_human(doc: &VetoesDoc) -> String {
    let mut o = String::new();
    for t in &doc.treaties {
        let _ = writeln!(o, "treaty {}", t.treaty);
        for d in &t.decisions {
            decision(&mut o, d, Paint::default(), true);
        }
        if t.decisions.is_empty() {
            let _ = writeln!(o, "  no clause requires a decision");
        }
    }
    for u in &doc.undecided {
        undecided(&mut o, u);
    }
    o
}

/// The treaty's name and place, the verdict line, and contradictory facts.
fn header(o: &mut String, t: &TreatyOut, p: Paint) {
    heading(o, &t.treaty, t.title.as_deref(), &t.at);
    let s = &t.summary;
    let refusing = if t.refusing_parties.is_empty() {
        String::new()
    } else {
        format!(
            ", parties refusing to sign: {}",
            t.refusing_parties.join(", ")
        )
    };
    // Nothing on this line depends on `--max-conflicts`: the count of conflicts heads
    // their list instead.
    let _ = writeln!(
        o,
        "verdict: {} — {} of {} clauses blocked{refusing}",
        if t.verdict == "feasible" {
            p.good("feasible")
        } else {
            p.bad("INFEASIBLE")
        },
        s.blocked,
        s.clauses,
    );
    if let Some(fs) = &t.facts_contradiction {
        let _ = writeln!(
            o,
            "\nthe facts contradict each other; nothing else was checked:"
        );
        for f in fs {
            let _ = writeln!(o, "  fact {}  ({})", f.formula, f.at);
        }
    }
}

/// What the conclusions rest on that is not what it seems: an aggregate named as if it were
/// one voter, or institutional data over a year older than the treaty's text.
fn warnings(o: &mut String, t: &TreatyOut, p: Paint) {
    let old: Vec<&DataOut> = t.data.iter().filter(|d| d.over_a_year_older).collect();
    if t.aggregates.is_empty() && old.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", p.warn("warnings"));
    for a in &t.aggregates {
        let _ = writeln!(
            o,
            "  {} is an aggregate (\"{}\"), not one voter: what is said of it for {} {} holds of the bloc, not of any member inside it",
            a.actor,
            a.name,
            verb(a.clauses.len() == 1, "clause", "clauses"),
            a.clauses.join(", ")
        );
    }
    let treaty_date = t.as_of.as_deref().unwrap_or("");
    for d in old {
        let _ = writeln!(
            o,
            "  the data of {} are as of {}, over a year before the treaty's text ({treaty_date}): its decisions may rest on old figures",
            d.body,
            d.as_of.as_deref().unwrap_or("")
        );
    }
}

/// The date of each institution's data, when the files give any date.
fn data(o: &mut String, t: &TreatyOut, p: Paint) {
    if t.as_of.is_none() && t.data.iter().all(|d| d.as_of.is_none()) {
        return;
    }
    let _ = writeln!(o, "\n{}", p.head("data"));
    if let Some(d) = &t.as_of {
        let _ = writeln!(o, "  the treaty's text: as of {d}");
    }
    for d in &t.data {
        match &d.as_of {
            Some(date) if d.over_a_year_older => {
                let _ = writeln!(o, "  {}: as of {date} (over a year older)", d.body);
            }
            Some(date) => {
                let _ = writeln!(o, "  {}: as of {date}", d.body);
            }
            None => {
                let _ = writeln!(o, "  {}: no date given", d.body);
            }
        }
    }
}

/// Every conflict with its sources, or (when there is none) an example of values.
fn conflicts(o: &mut String, t: &TreatyOut, p: Paint, verbose: bool) {
    if t.conflicts.is_empty() && !t.conflicts_truncated {
        let Some(w) = &t.witness else { return };
        let vals: Vec<String> = w
            .iter()
            .map(|(name, v)| match v {
                serde_json::Value::String(s) => format!("{name} = {s}"),
                other => format!("{name} = {other}"),
            })
            .collect();
        if !vals.is_empty() {
            let _ = writeln!(o, "\nconsistent; for example: {}", vals.join(", "));
        }
        return;
    }
    // A cut list says so: its length is a lower bound.
    let n = t.conflicts.len();
    if t.conflicts_truncated {
        let _ = writeln!(
            o,
            "\n{} (at least {n}: --max-conflicts cut the list; those that explain an objection are always listed)",
            p.head("conflicts")
        );
    } else {
        let _ = writeln!(o, "\n{} ({n})", p.head("conflicts"));
    }
    // Without -v an item quoted under an earlier conflict is not quoted again.
    let mut quoted: BTreeMap<&str, &str> = BTreeMap::new();
    for c in &t.conflicts {
        conflict(o, c, p, verbose, &mut quoted);
    }
    if t.conflicts_truncated {
        let _ = writeln!(
            o,
            "  ... more conflicts exist (raise --max-conflicts to see them)"
        );
    }
}

/// `x = 3, flag = false`, by name.
fn values_text(values: &BTreeMap<String, serde_json::Value>) -> String {
    values
        .iter()
        .map(|(name, v)| match v {
            serde_json::Value::String(s) => format!("{name} = {s}"),
            other => format!("{name} = {other}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every guaranteed red line the treaty does not guarantee: its source, its holders and a
/// world the treaty allows in which it is false.
fn guarantees(o: &mut String, t: &TreatyOut, p: Paint, verbose: bool) {
    if t.violated_guarantees.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\n{} ({})",
        p.head("guaranteed red lines the treaty does not guarantee"),
        t.violated_guarantees.len()
    );
    for g in &t.violated_guarantees {
        guarantee(o, g, verbose);
    }
}

fn guarantee(o: &mut String, g: &GuaranteeOut, verbose: bool) {
    let _ = writeln!(o, "  {}  {}", g.name, g.at);
    for line in g.doc.iter().filter(|_| verbose).flat_map(|d| d.lines()) {
        let _ = writeln!(o, "         /// {line}");
    }
    for SourceLine { line, text } in &g.excerpt {
        let _ = writeln!(o, "    {line:>4} | {text}");
    }
    let _ = writeln!(o, "    held by {}", g.holders.join(", "));
    if g.counterexample.is_empty() {
        let _ = writeln!(
            o,
            "    `{}` is false in every world the treaty allows",
            g.formula
        );
    } else {
        let _ = writeln!(
            o,
            "    the treaty allows a world where `{}` is false: {}",
            g.formula,
            values_text(&g.counterexample)
        );
    }
}

/// A conflict: its items with their places and source lines, why, the facts it rests on,
/// and (with `-v`) the items' doc comments and the margins; without `-v` an item quoted
/// under an earlier conflict (`quoted`: item name to conflict id) is not quoted again.
fn conflict<'a>(
    o: &mut String,
    c: &'a ConflictOut,
    p: Paint,
    verbose: bool,
    quoted: &mut BTreeMap<&'a str, &'a str>,
) {
    let names: Vec<&str> = c.items.iter().map(|i| i.parts().0).collect();
    let id = p.warn(&c.id);
    if let [one] = names.as_slice() {
        let _ = writeln!(o, "  {id}: {one} contradicts the facts");
    } else {
        let _ = writeln!(o, "  {id}: {} cannot hold together", names.join(", "));
    }
    if let Some(r) = &c.reason {
        let _ = writeln!(o, "    because {r}");
    }
    for i in &c.items {
        let (name, doc, at, excerpt) = i.parts();
        if !verbose {
            if let Some(first) = quoted.get(name) {
                let _ = writeln!(o, "    {name}  {at}  (quoted under {first})");
                continue;
            }
            quoted.insert(name, &c.id);
        }
        let _ = writeln!(o, "    {name}  {at}");
        for line in doc.into_iter().filter(|_| verbose).flat_map(str::lines) {
            let _ = writeln!(o, "           /// {line}");
        }
        for SourceLine { line, text } in excerpt {
            let _ = writeln!(o, "      {line:>4} | {text}");
        }
    }
    for f in &c.facts {
        let _ = writeln!(o, "    given fact {}  {}", f.formula, f.at);
    }
    if !verbose {
        return;
    }
    super::margins::human(o, c);
}

impl ItemOut {
    /// What the human text shows of an item: its name, doc, place and source lines.
    fn parts(&self) -> (&str, Option<&str>, &super::loaded::Place, &[SourceLine]) {
        match self {
            ItemOut::Clause {
                name,
                doc,
                at,
                excerpt,
                ..
            }
            | ItemOut::RedLine {
                name,
                doc,
                at,
                excerpt,
                ..
            } => (name, doc.as_deref(), at, excerpt),
        }
    }
}

/// `A` or `A, B (2)`: who a line speaks of.
fn actors_text(ids: &[&str]) -> String {
    match ids {
        [one] => (*one).to_string(),
        _ => format!("{} ({})", ids.join(", "), ids.len()),
    }
}

/// A verb for one actor or several: `verb(one, "objects", "object")`.
fn verb<'a>(one: bool, singular: &'a str, plural: &'a str) -> &'a str {
    if one {
        singular
    } else {
        plural
    }
}

/// The direct reasons (`red_line`) in words, grouped by conflict in order: `conflict C1
/// with red line P."a"; conflict C3 with red lines P."a", Q."b"`.
fn conflicts_text(reasons: &[ReasonOut]) -> String {
    let mut by_conflict: Vec<(&str, Vec<&str>)> = Vec::new();
    for r in reasons {
        if let ReasonOut::RedLine {
            conflict, lines, ..
        } = r
        {
            let at = match by_conflict.iter().position(|(c, _)| c == conflict) {
                Some(i) => i,
                None => {
                    by_conflict.push((conflict, Vec::new()));
                    by_conflict.len() - 1
                }
            };
            by_conflict[at].1.extend(lines.iter().map(String::as_str));
        }
    }
    by_conflict
        .iter()
        .map(|(c, lines)| match lines.as_slice() {
            [] => format!("conflict {c}"),
            [one] => format!("conflict {c} with red line {one}"),
            _ => format!("conflict {c} with red lines {}", lines.join(", ")),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `position X rejects package`, or `positions X, Y reject package`.
fn package_text(positions: &[&str]) -> String {
    match positions {
        [one] => format!("position {one} rejects package"),
        _ => format!("positions {} reject package", positions.join(", ")),
    }
}

/// Why `ids` vote no on a decision of clause `clause`, as one sentence with them as the
/// subject: "POL objects to clause 9: conflict C4 with red line P."a"", "AUT rejects the
/// package because of C1 (position X rejects package)", "A opposes clause 1 (position
/// P)". Reasons come sorted: red lines, then package rejections, then oppositions.
fn no_text(ids: &[&str], clause: &str, reasons: &[ReasonOut]) -> String {
    let one = ids.len() == 1;
    let mut parts = Vec::new();
    let direct = conflicts_text(reasons);
    if !direct.is_empty() {
        parts.push(format!(
            "{} to clause {clause}: {direct}",
            verb(one, "objects", "object")
        ));
    }
    let mut package: Vec<&str> = Vec::new();
    let mut because: Vec<&str> = Vec::new();
    let mut opposing: Vec<&str> = Vec::new();
    let mut unguaranteed: Vec<String> = Vec::new();
    let mut assumed: Vec<String> = Vec::new();
    for r in reasons {
        match r {
            ReasonOut::Guarantee { position, label } => {
                unguaranteed.push(red_line_name(position, label));
            }
            ReasonOut::Package {
                position,
                conflicts,
            } => {
                package.push(position);
                for c in conflicts {
                    if !because.contains(&c.as_str()) {
                        because.push(c);
                    }
                }
            }
            ReasonOut::Opposes { position } => opposing.push(position),
            ReasonOut::RedLine { .. } => {}
            ReasonOut::Assumed { scenario } => assumed.push(match scenario {
                Some(s) => format!("scenario {s}"),
                None => "--assume".to_string(),
            }),
        }
    }
    if !package.is_empty() {
        parts.push(format!(
            "{} the package because of {} ({})",
            verb(one, "rejects", "reject"),
            because.join(", "),
            package_text(&package)
        ));
    }
    if !unguaranteed.is_empty() {
        parts.push(format!(
            "{} the package: the treaty does not guarantee {}",
            verb(one, "rejects", "reject"),
            unguaranteed.join(", ")
        ));
    }
    if !opposing.is_empty() {
        parts.push(format!(
            "{} clause {clause} ({} {})",
            verb(one, "opposes", "oppose"),
            verb(opposing.len() == 1, "position", "positions"),
            opposing.join(", ")
        ));
    }
    if !assumed.is_empty() {
        parts.push(format!(
            "{} no on clause {clause} (assumed: {})",
            verb(one, "votes", "vote"),
            assumed.join(", ")
        ));
    }
    format!("{} {}", actors_text(ids), parts.join("; "))
}

/// Why `ids` vote no, as `no_text` says; without `verbose`, a package rejection is only
/// named, its reason being on the actors' line under "who objects".
fn no_words(ids: &[&str], clause: &str, reasons: &[ReasonOut], verbose: bool) -> String {
    let package_only = reasons
        .iter()
        .all(|r| matches!(r, ReasonOut::Package { .. } | ReasonOut::Guarantee { .. }));
    if verbose || reasons.is_empty() || !package_only {
        return no_text(ids, clause, reasons);
    }
    format!(
        "{} {} the package (see who objects)",
        actors_text(ids),
        verb(ids.len() == 1, "rejects", "reject")
    )
}

/// Actors grouped by the same value of `key`, in order of first appearance.
fn group_by<'a, K: PartialEq>(
    actors: impl Iterator<Item = (&'a str, K)>,
) -> Vec<(K, Vec<&'a str>)> {
    let mut groups: Vec<(K, Vec<&str>)> = Vec::new();
    for (actor, key) in actors {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ids)) => ids.push(actor),
            None => groups.push((key, vec![actor])),
        }
    }
    groups
}

/// Each actor whose red lines the treaty violates: the clauses it objects to and why, and
/// whether it rejects the package; actors that say the same are grouped.
fn objections(o: &mut String, t: &TreatyOut, p: Paint) {
    if t.objections.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\n{} (each votes no on the clauses it objects to; a party among them does not sign)",
        p.head("objections")
    );
    let said = t.objections.iter().map(|x| {
        let clauses: Vec<(&str, String)> = x
            .clauses
            .iter()
            .map(|c| (c.clause.as_str(), conflicts_text(&c.because)))
            .collect();
        let package: Vec<&str> = x.rejects_package.iter().map(String::as_str).collect();
        let guarantees: Vec<&str> = x.guarantees.iter().map(String::as_str).collect();
        (x.actor.as_str(), (clauses, package, guarantees))
    });
    for ((clauses, package, guarantees), ids) in group_by(said) {
        let one = ids.len() == 1;
        let who = actors_text(&ids);
        let object = verb(one, "objects", "object");
        let why = |why: &str| {
            if why.is_empty() {
                String::new()
            } else {
                format!(": {why}")
            }
        };
        match clauses.as_slice() {
            [] => {}
            [(c, w)] => {
                let _ = writeln!(o, "  {who} {object} to clause {c}{}", why(w));
            }
            _ => {
                let _ = writeln!(o, "  {who} {object} to");
                for (c, w) in &clauses {
                    let _ = writeln!(o, "    clause {c}{}", why(w));
                }
            }
        }
        if !guarantees.is_empty() {
            let lead = if clauses.is_empty() {
                format!("  {who}")
            } else {
                "    and".to_string()
            };
            let _ = writeln!(
                o,
                "{lead} {} the package: the treaty does not guarantee {}; {} no on every decision of the treaty",
                verb(one, "rejects", "reject"),
                guarantees.join(", "),
                verb(one, "it votes", "they vote")
            );
        } else if !package.is_empty() {
            let _ = writeln!(
                o,
                "    and {} the package ({}): {} no on every decision of the treaty",
                verb(one, "rejects", "reject"),
                package_text(&package),
                verb(one, "it votes", "they vote")
            );
        }
    }
}

/// One decision: its route, who decides and under which rule (or consent, and the chain
/// through a domestic procedure), its status in words, preconditions, who votes no and why,
/// who must be won over, and (for bodies) who could block it with every vote free. With
/// `verbose`, also a smallest group of the no votes that blocks on its own when the status
/// line implies it.
fn decision(o: &mut String, d: &DecisionOut, p: Paint, verbose: bool) {
    let mut who = match (&d.body, &d.rule, &d.actor) {
        (Some(body), Some(rule), _) if rule == "default" => {
            format!("{body} ({})", d.rule_text)
        }
        (Some(body), Some(rule), _) => format!("{body} by {rule} ({})", d.rule_text),
        (_, _, Some(actor)) => format!("consent of {actor}"),
        _ => String::new(),
    };
    if let (Some(a), false) = (&d.consent_of, d.kind == "consent") {
        who = format!("consent of {a} -> {who}");
    }
    if d.lapse {
        who = format!("lapse of {who}");
    }
    let route = if d.routes > 1 {
        format!("route {} of {}: ", d.route, d.routes)
    } else {
        String::new()
    };
    let status = status_text(d, p);
    let _ = writeln!(o, "  clause {} — {route}{who}: {status}", d.clause);
    for pre in &d.preconditions {
        let verdict = if pre.possible {
            "can hold".to_string()
        } else if pre.ruled_out_by.is_empty() {
            "cannot hold with the clause's own content".to_string()
        } else {
            let facts: Vec<String> = pre
                .ruled_out_by
                .iter()
                .map(|f| format!("{} ({})", f.formula, f.at))
                .collect();
            format!("cannot hold with the facts: {}", facts.join(", "))
        };
        let _ = writeln!(
            o,
            "      precondition: when {} ({}): {verdict}",
            pre.formula, pre.at
        );
    }
    let consent = d.kind == "consent";
    if !d.fixed_abstain.is_empty() {
        let _ = writeln!(o, "      abstaining: {}", d.fixed_abstain.join(", "));
    }
    if !d.fixed_absent.is_empty() {
        let _ = writeln!(o, "      absent: {}", d.fixed_absent.join(", "));
    }
    let no_votes = d
        .no_votes
        .iter()
        .map(|v| (v.actor.as_str(), (v.knock_on, v.because.as_slice())));
    for ((knock_on, because), ids) in group_by(no_votes) {
        let kind = match (knock_on, d.lapse) {
            (true, false) => "knock-on no",
            (false, false) => "direct no",
            (true, true) => "knock-on vote to renew",
            (false, true) => "direct vote to renew",
        };
        let _ = writeln!(
            o,
            "      {kind}: {}",
            no_words(&ids, &d.clause, because, verbose)
        );
    }
    // Every fixed no is named, with a reason or without.
    let unexplained: Vec<&str> = against(d)
        .into_iter()
        .filter(|(a, b)| {
            matches!(b, Ballot::No | Ballot::Yes) && !d.no_votes.iter().any(|v| v.actor == *a)
        })
        .map(|(a, _)| a)
        .collect();
    if !unexplained.is_empty() {
        let kind = if d.lapse { "vote to renew" } else { "no" };
        let _ = writeln!(o, "      {kind}: {}", actors_text(&unexplained));
    }
    if !d.blocked_by.is_empty() && (verbose || !blockers_implied(d)) {
        let blockers: Vec<String> = d
            .blocked_by
            .iter()
            .map(|b| {
                // A blocker with no reason withholds by a fixed abstention or absence.
                let kind = if d.fixed_abstain.contains(&b.actor) {
                    "abstaining"
                } else if d.fixed_absent.contains(&b.actor) {
                    "absent"
                } else if b.knock_on {
                    "knock-on"
                } else {
                    "direct"
                };
                format!("{} ({kind})", b.actor)
            })
            .collect();
        let what = match (d.lapse, withholding(d) == 1) {
            (true, true) => "renewed by",
            (false, true) => "blocked by",
            (true, false) => {
                "of those voting to renew, a smallest group that renews it on its own:"
            }
            (false, false) => "of those withholding, a smallest group that blocks on its own:",
        };
        let _ = writeln!(o, "      {what} {}", blockers.join(", "));
    }
    if let Some(w) = &d.win_over {
        let goal = if d.lapse {
            "to let it lapse"
        } else {
            "to pass"
        };
        let _ = writeln!(o, "      {goal}: {}", win_over_text(w));
    }
    if !consent {
        let _ = writeln!(
            o,
            "      who could block, every vote free: {}",
            vetoes_line(d, verbose)
        );
    }
}

/// Who votes against the clause in `d`, with the ballot: the fixed no votes, abstentions
/// and absences, or for a lapse the votes to renew.
fn against(d: &DecisionOut) -> Vec<(&str, Ballot)> {
    if d.lapse {
        return d
            .fixed_yes
            .iter()
            .map(|a| (a.as_str(), Ballot::Yes))
            .collect();
    }
    let mut out: Vec<(&str, Ballot)> = Vec::new();
    out.extend(d.fixed_no.iter().map(|a| (a.as_str(), Ballot::No)));
    out.extend(
        d.fixed_abstain
            .iter()
            .map(|a| (a.as_str(), Ballot::Abstain)),
    );
    out.extend(d.fixed_absent.iter().map(|a| (a.as_str(), Ballot::Absent)));
    out
}

/// How many vote against the clause in `d` (see `against`).
fn withholding(d: &DecisionOut) -> usize {
    against(d).len()
}

/// Whether each of those withholding blocks alone (each is a veto player by the way it
/// withholds): then any one suffices, and no group need be shown.
fn each_blocks_alone(d: &DecisionOut) -> bool {
    let alone = |actor: &str, ballot: Ballot| {
        d.veto_ways
            .iter()
            .any(|w| w.actor == actor && w.by.contains(&ballot))
    };
    against(d).into_iter().all(|(a, b)| alone(a, b))
}

/// The status line already says which of the no votes block: there is one, any one
/// suffices, or it takes all of them.
fn blockers_implied(d: &DecisionOut) -> bool {
    let n = withholding(d);
    n <= 1 || d.blocked_by.len() == n || (d.blocked_by.len() == 1 && each_blocks_alone(d))
}

/// A decision's status in words: whether it can go the clause's way, how many withhold and
/// whether that is enough, for a lapse whether it is renewed.
fn status_text(d: &DecisionOut, p: Paint) -> String {
    let n = withholding(d);
    let only_no = d.fixed_abstain.is_empty() && d.fixed_absent.is_empty();
    let consent = d.kind == "consent";
    // One who withholds is named; several are counted (the lines below name them).
    let one = against(d).first().map(|(a, _)| a.to_string());
    let members = |n: usize| {
        if consent {
            d.actor.clone().unwrap_or_default()
        } else if n == 1 {
            one.clone().unwrap_or_default()
        } else {
            format!("{n} {}", verb(n == 1, "member", "members"))
        }
    };
    let act = |n: usize| match (d.lapse, only_no, n == 1) {
        (true, _, true) => "votes to renew",
        (true, _, false) => "vote to renew",
        (false, true, true) => "votes no",
        (false, true, false) => "vote no",
        (false, false, true) => "withholds support",
        (false, false, false) => "withhold support",
    };
    match (d.status, d.lapse) {
        ("impossible", _) => format!("{} — a precondition cannot hold", p.bad("impossible")),
        ("can_pass", lapse) => {
            let word = p.good(if lapse { "can lapse" } else { "can pass" });
            if n == 0 {
                word
            } else {
                let enough = if lapse {
                    "not enough to renew it"
                } else {
                    "not enough to block it"
                };
                format!("{word} — {} {}, {enough}", members(n), act(n))
            }
        }
        (_, lapse) => {
            let word = if lapse {
                p.bad("cannot lapse: it is renewed")
            } else {
                p.bad("blocked")
            };
            let how = if n == 1 {
                String::new()
            } else if d.blocked_by.len() == n {
                ", and it takes all of them".to_string()
            } else if d.blocked_by.len() == 1 && each_blocks_alone(d) {
                ", any one of them suffices".to_string()
            } else {
                String::new()
            };
            if n == 0 {
                word
            } else {
                format!("{word} — {} {}{how}", members(n), act(n))
            }
        }
    }
}

/// Who must be won over, in words: "win over HUN", "win over any 2 of DEU, FRA, ITA",
/// "win over HUN and any 2 of ...", "win over 2, in one of 3 ways: A, B | A, C | B, D",
/// "cannot pass whatever the votes (a precondition cannot hold)".
pub(super) fn win_over_text(w: &WinOverOut) -> String {
    if !w.can_pass {
        let why = match w.cannot_pass_because {
            Some("precondition") => "a precondition cannot hold",
            Some("contradictory") => "its content contradicts the facts",
            Some("facts") => "the facts contradict each other",
            _ => "not even with every vote won over",
        };
        return format!("cannot pass whatever the votes ({why})");
    }
    let stopped = "the search stopped at its budget";
    if w.at_least {
        return format!("win over at least {} actors ({stopped})", w.size);
    }
    if let Some(any) = &w.any_of {
        let always = if w.always.is_empty() {
            String::new()
        } else {
            format!("{} and ", w.always.join(", "))
        };
        return format!("win over {always}any {} of {}", any.k, any.of.join(", "));
    }
    match w.sets.as_slice() {
        [one] if w.complete => format!("win over {}", one.join(", ")),
        sets => {
            let shown: Vec<String> = sets.iter().map(|s| s.join(", ")).collect();
            let ways = if w.complete {
                format!("{} ways", w.count)
            } else {
                format!("at least {} ways ({stopped})", w.count)
            };
            let more = if (w.count as usize) > sets.len() {
                format!(", the first {} shown", sets.len())
            } else {
                String::new()
            };
            format!(
                "win over {}, in one of {ways}{more}: {}",
                w.size,
                shown.join(" | ")
            )
        }
    }
}

/// One line per blocked clause: who must be won over to pass it.
fn win_over_clauses(o: &mut String, t: &TreatyOut, p: Paint) {
    let blocked: Vec<_> = t
        .clauses
        .iter()
        .filter_map(|c| c.win_over.as_ref().map(|w| (c, w)))
        .collect();
    if blocked.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", p.head("to pass the blocked clauses"));
    for (c, w) in blocked {
        let _ = writeln!(o, "  clause {}: {}", c.clause, win_over_text(w));
    }
}

/// How a veto player's ways read: "by voting no" or "by voting no or abstaining; staying
/// away does not block".
fn ways_text(by: &[Ballot]) -> String {
    let verb = |b: &Ballot| b.verb();
    let works: Vec<&str> = by.iter().map(verb).collect();
    let fails: Vec<&str> = Ballot::WITHHOLDING
        .iter()
        .filter(|b| !by.contains(b))
        .map(verb)
        .collect();
    let list = |xs: &[&str]| match xs {
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
        [] => String::new(),
    };
    let does = if fails.len() == 1 { "does" } else { "do" };
    if fails.is_empty() {
        format!("by {}", list(&works))
    } else {
        format!("by {}; {} {does} not block", list(&works), list(&fails))
    }
}

/// Who could block a decision with every vote free: the veto players and the ways that
/// work for them, and a smallest blocking coalition (without `verbose`, not when it is one
/// veto player blocking by voting no, which the veto players already say).
fn vetoes_line(d: &DecisionOut, verbose: bool) -> String {
    if d.lapse {
        let v = &d.veto_players;
        let prevent = if v.is_empty() {
            "nobody can prevent the lapse alone".to_string()
        } else {
            format!(
                "can prevent the lapse alone (by voting yes): {}",
                v.join(", ")
            )
        };
        let f = &d.can_force_alone;
        let force = if f.is_empty() {
            "nobody can force it alone".to_string()
        } else if f.len() == d.voters && f.len() > 1 {
            format!("every one of the {} members can force it alone", f.len())
        } else {
            format!("can force it alone: {}", f.join(", "))
        };
        let together = match (&d.smallest_blocking_coalition, d.coalition_known) {
            (Some(c), _) if c.len() == d.voters && c.len() > 1 => {
                format!("preventing it together takes all {} members", c.len())
            }
            (Some(c), _) => format!(
                "the fewest who prevent it together: {} ({})",
                c.join(", "),
                c.len()
            ),
            (None, true) => "no coalition can prevent it".to_string(),
            (None, false) => "the fewest who prevent it together: not computed".to_string(),
        };
        return format!("{prevent}; {force}; {together}");
    }
    // The veto players grouped by the ways that work for them; the ways are not said when
    // every way works for every one of them.
    let groups = group_by(
        d.veto_ways
            .iter()
            .map(|w| (w.actor.as_str(), w.by.as_slice())),
    );
    let every_way = groups
        .iter()
        .all(|(by, _)| by.len() == Ballot::WITHHOLDING.len());
    let ways = |by: &[Ballot]| {
        if every_way {
            String::new()
        } else {
            format!(" {}", ways_text(by))
        }
    };
    let vetoes = match groups.as_slice() {
        [] => "no single veto".to_string(),
        [(by, ids)] if ids.len() == d.voters && ids.len() > 1 => {
            format!(
                "every one of the {} members can veto{}",
                ids.len(),
                ways(by)
            )
        }
        _ => {
            let parts: Vec<String> = groups
                .iter()
                .map(|(by, ids)| format!("{}{}", ids.join(", "), ways(by)))
                .collect();
            format!("veto players: {}", parts.join("; "))
        }
    };
    match &d.smallest_blocking_coalition {
        Some(c)
            if !verbose
                && c.len() == 1
                && d.coalition_ballots == [Ballot::No]
                && c.iter().all(|a| d.veto_players.contains(a)) =>
        {
            vetoes
        }
        Some(c) => {
            let how = if d.coalition_ballots.iter().all(|b| *b == Ballot::No) {
                String::new()
            } else {
                let each: Vec<String> = c
                    .iter()
                    .zip(&d.coalition_ballots)
                    .map(|(a, b)| format!("{a} {}", b.verb()))
                    .collect();
                format!(": {}", each.join(", "))
            };
            format!(
                "{vetoes}; a smallest blocking coalition: {} ({}){how}",
                c.join(", "),
                c.len()
            )
        }
        None => format!("{vetoes}; no coalition can block it"),
    }
}

/// Requirements with several routes (`any of`): which remain open, and who can close them
/// all.
fn routes(o: &mut String, t: &TreatyOut, p: Paint) {
    let several = |c: &&super::wire::ClauseOut| c.requirements.iter().any(|r| r.routes.len() > 1);
    if !t.clauses.iter().any(|c| several(&c)) {
        return;
    }
    let _ = writeln!(o, "\n{}", p.head("routes"));
    for c in t.clauses.iter().filter(several) {
        for r in c.requirements.iter().filter(|r| r.routes.len() > 1) {
            let each: Vec<String> = r
                .routes
                .iter()
                .map(|x| {
                    let state = match (x.possible, x.open) {
                        (false, _) => "impossible",
                        (true, true) => "open",
                        (true, false) => "blocked",
                    };
                    format!("{} ({state})", x.route)
                })
                .collect();
            let met = if r.met {
                "met"
            } else if r.impossible {
                "impossible"
            } else {
                "not met"
            };
            let _ = writeln!(
                o,
                "  clause {} needs any of {}: {met}",
                c.clause,
                each.join(", ")
            );
            let vetoes = if r.vetoes.is_empty() {
                "no single actor closes every route".to_string()
            } else {
                format!("{} can close every route alone", r.vetoes.join(", "))
            };
            let coalition = match (&r.smallest_blocking_coalition, r.coalition_known) {
                (Some(x), _) => format!(
                    "the fewest who close every route together: {} ({})",
                    x.join(", "),
                    x.len()
                ),
                (None, true) => "no coalition closes every route".to_string(),
                (None, false) => {
                    "the fewest who close every route together: not computed".to_string()
                }
            };
            let _ = writeln!(o, "      {vetoes}; {coalition}");
        }
    }
}

/// What each clause needs; without `-v`, only the clauses that need a non-party (the
/// counts below cover every clause).
fn dependencies(o: &mut String, t: &TreatyOut, p: Paint, verbose: bool) {
    if t.clauses.iter().all(|c| c.requires.is_empty()) {
        return;
    }
    let _ = writeln!(o, "\n{}", p.head("dependencies"));
    let listed = |c: &&super::wire::ClauseOut| {
        !c.requires.is_empty() && (verbose || !c.non_parties.is_empty())
    };
    let hidden = t
        .clauses
        .iter()
        .filter(|c| !c.requires.is_empty() && !listed(c))
        .count();
    for c in t.clauses.iter().filter(listed) {
        let reqs: Vec<String> = c
            .requires
            .iter()
            .map(|r| {
                let route = |x: &RouteOut| {
                    let lapse = if x.lapse { "lapse of " } else { "" };
                    match &x.rule {
                        Some(rule) if rule != "default" => format!("{lapse}{} ({rule})", x.id),
                        _ if x.kind == "each_of" => format!("each of {}", x.id),
                        _ => format!("{lapse}{}", x.id),
                    }
                };
                match &r.route {
                    Some(x) => route(x),
                    None => format!(
                        "any of {{{}}}",
                        r.any_of.iter().map(route).collect::<Vec<_>>().join(", ")
                    ),
                }
            })
            .collect();
        let n = c.non_parties.len();
        let np = match n {
            0 => String::new(),
            1 => "; 1 non-party".to_string(),
            _ => format!("; {n} non-parties"),
        };
        let _ = writeln!(o, "  clause {} needs {}{np}", c.clause, reqs.join(", "));
    }
    let s = &t.summary;
    // Points are worth counting only when some point has several clauses.
    let points = if s.points == s.clauses {
        String::new()
    } else {
        format!(" ({} of {} points)", s.points_needing_non_parties, s.points)
    };
    if hidden > 0 {
        let _ = writeln!(
            o,
            "  ({hidden} other {} only parties: -v lists {})",
            verb(hidden == 1, "clause needs", "clauses need"),
            verb(hidden == 1, "it", "them")
        );
    }
    let _ = writeln!(
        o,
        "  {} of {} clauses{points} need action by actors who are not parties",
        s.clauses_needing_non_parties, s.clauses
    );
    for g in &s.groups {
        let which = if g.points.is_empty() {
            String::new()
        } else {
            format!(": {}", g.points.join(", "))
        };
        let _ = writeln!(
            o,
            "  {} of {} points ({} of {} clauses) need {}{which}",
            g.points.len(),
            s.points,
            g.clauses.len(),
            s.clauses,
            g.group
        );
    }
}
