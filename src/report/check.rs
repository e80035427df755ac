//! The human text of `treaty check` and `treaty vetoes`, rendered from the report document
//! (`report::wire`) and nothing else, so it says what the JSON says, in the same order:
//! the verdict, conflicts with their sources, the guaranteed red lines the treaty does not
//! guarantee (with a counterexample), who objects to which clause and why (and who rejects
//! the package), decisions with every no vote (direct or knock-on), the routes of
//! requirements with several, vetoes by actor and dependencies.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::loaded::RouteOut;
use super::wire::{
    CheckDoc, ConflictOut, DataOut, DecisionOut, GuaranteeOut, ItemOut, ReasonOut, SourceLine,
    TreatyOut, UndecidedOut, VetoesDoc, WinOverOut,
};
use crate::model::names::red_line_name;
use crate::model::Ballot;

/// The human report of `treaty check`.
pub fn human(doc: &CheckDoc) -> String {
    let mut o = String::new();
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
        header(&mut o, t);
        warnings(&mut o, t);
        conflicts(&mut o, t);
        guarantees(&mut o, t);
        objections(&mut o, t);
        if !t.decisions.is_empty() {
            let _ = writeln!(o, "\ndecisions");
            for d in &t.decisions {
                decision(&mut o, d);
            }
        }
        routes(&mut o, t);
        win_over_clauses(&mut o, t);
        if !t.vetoes_by_actor.is_empty() {
            let _ = writeln!(o, "\nsingle-actor vetoes");
            for v in &t.vetoes_by_actor {
                let aggregate = if t.aggregates.iter().any(|a| a.actor == v.actor) {
                    " (an aggregate: see warnings)"
                } else {
                    ""
                };
                let _ = writeln!(
                    o,
                    "  {}{aggregate} can block {}",
                    v.actor,
                    v.clauses.join(", ")
                );
            }
        }
        dependencies(&mut o, t);
        data(&mut o, t);
        let _ = writeln!(o);
    }
    for u in &doc.undecided {
        undecided(&mut o, u);
    }
    o
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
            decision(&mut o, d);
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
fn header(o: &mut String, t: &TreatyOut) {
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
            "feasible"
        } else {
            "INFEASIBLE"
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
fn warnings(o: &mut String, t: &TreatyOut) {
    let old: Vec<&DataOut> = t.data.iter().filter(|d| d.over_a_year_older).collect();
    if t.aggregates.is_empty() && old.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nwarnings");
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
fn data(o: &mut String, t: &TreatyOut) {
    if t.as_of.is_none() && t.data.iter().all(|d| d.as_of.is_none()) {
        return;
    }
    let _ = writeln!(o, "\ndata");
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
fn conflicts(o: &mut String, t: &TreatyOut) {
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
            "\nconflicts (at least {n}: --max-conflicts cut the list; those that explain an objection are always listed)"
        );
    } else {
        let _ = writeln!(o, "\nconflicts ({n})");
    }
    for c in &t.conflicts {
        conflict(o, c);
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
fn guarantees(o: &mut String, t: &TreatyOut) {
    if t.violated_guarantees.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nguaranteed red lines the treaty does not guarantee ({})",
        t.violated_guarantees.len()
    );
    for g in &t.violated_guarantees {
        guarantee(o, g);
    }
}

fn guarantee(o: &mut String, g: &GuaranteeOut) {
    let _ = writeln!(o, "  {}  {}", g.name, g.at);
    for line in g.doc.iter().flat_map(|d| d.lines()) {
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

fn conflict(o: &mut String, c: &ConflictOut) {
    let names: Vec<&str> = c.items.iter().map(|i| i.parts().0).collect();
    if let [one] = names.as_slice() {
        let _ = writeln!(o, "  {}: {one} contradicts the facts", c.id);
    } else {
        let _ = writeln!(o, "  {}: {} cannot hold together", c.id, names.join(", "));
    }
    if let Some(r) = &c.reason {
        let _ = writeln!(o, "    because {r}");
    }
    for i in &c.items {
        let (name, doc, at, excerpt) = i.parts();
        let _ = writeln!(o, "    {name}  {at}");
        for line in doc.into_iter().flat_map(str::lines) {
            let _ = writeln!(o, "           /// {line}");
        }
        for SourceLine { line, text } in excerpt {
            let _ = writeln!(o, "      {line:>4} | {text}");
        }
    }
    for f in &c.facts {
        let _ = writeln!(o, "    given fact {}  {}", f.formula, f.at);
    }
    super::margins::human(
        o,
        &c.id,
        &c.margins,
        &c.joint_margins,
        c.margins_cut,
        c.joint_margins_cut,
        c.joint_margins_gave_up.as_deref(),
    );
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
fn objections(o: &mut String, t: &TreatyOut) {
    if t.objections.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nobjections (each votes no on the clauses it objects to; a party among them does not sign)"
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

/// One decision: its route, body and rule (or consent, and the chain through a domestic
/// procedure), status, preconditions, fixed abstentions, who blocks it and why, and (for
/// bodies) the veto players with the ways that work and a smallest blocking coalition; a
/// plain consent takes one line.
fn decision(o: &mut String, d: &DecisionOut) {
    let mut who = match (&d.body, &d.rule, &d.actor) {
        (Some(body), Some(rule), _) => format!("{body} by {rule}"),
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
    let status = match (d.status, d.lapse) {
        ("impossible", _) => "impossible",
        ("can_pass", false) => "can pass",
        ("can_pass", true) => "can lapse",
        (_, false) => "blocked",
        (_, true) => "cannot lapse: it is renewed",
    };
    let _ = writeln!(o, "  clause {} — {route}{who}: {status}", d.clause);
    for p in &d.preconditions {
        let verdict = if p.possible {
            "can hold".to_string()
        } else if p.ruled_out_by.is_empty() {
            "cannot hold with the clause's own content".to_string()
        } else {
            let facts: Vec<String> = p
                .ruled_out_by
                .iter()
                .map(|f| format!("{} ({})", f.formula, f.at))
                .collect();
            format!("cannot hold with the facts: {}", facts.join(", "))
        };
        let _ = writeln!(
            o,
            "      precondition: when {} ({}): {verdict}",
            p.formula, p.at
        );
    }
    let consent = d.kind == "consent";
    if !consent {
        let _ = writeln!(o, "      rule: {}", d.rule_text);
    }
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
        let _ = writeln!(o, "      {kind}: {}", no_text(&ids, &d.clause, because));
    }
    if !d.blocked_by.is_empty() {
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
        let verb = if d.lapse { "renewed by" } else { "blocked by" };
        let _ = writeln!(o, "      {verb} {}", blockers.join(", "));
    }
    // Only a blocked decision has blockers; under one that can pass, the no votes are
    // simply outweighed.
    let withholding = d.fixed_no.len() + d.fixed_abstain.len() + d.fixed_absent.len();
    if !d.lapse && d.status == "blocked" && withholding > d.blocked_by.len() {
        let _ = writeln!(
            o,
            "      ({withholding} members withhold support; shown is a smallest group of them that blocks on its own)"
        );
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
        let _ = writeln!(o, "      {}", vetoes_line(d));
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
fn win_over_clauses(o: &mut String, t: &TreatyOut) {
    let blocked: Vec<_> = t
        .clauses
        .iter()
        .filter_map(|c| c.win_over.as_ref().map(|w| (c, w)))
        .collect();
    if blocked.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nto pass the blocked clauses");
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

fn vetoes_line(d: &DecisionOut) -> String {
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
                "{vetoes}; smallest blocking coalition: {} ({}){how}",
                c.join(", "),
                c.len()
            )
        }
        None => format!("{vetoes}; no coalition can block it"),
    }
}

/// Requirements with several routes (`any of`): which remain open, and who can close them
/// all.
fn routes(o: &mut String, t: &TreatyOut) {
    let several = |c: &&super::wire::ClauseOut| c.requirements.iter().any(|r| r.routes.len() > 1);
    if !t.clauses.iter().any(|c| several(&c)) {
        return;
    }
    let _ = writeln!(o, "\nroutes");
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

fn dependencies(o: &mut String, t: &TreatyOut) {
    if t.clauses.iter().all(|c| c.requires.is_empty()) {
        return;
    }
    let _ = writeln!(o, "\ndependencies");
    for c in t.clauses.iter().filter(|c| !c.requires.is_empty()) {
        let reqs: Vec<String> = c
            .requires
            .iter()
            .map(|r| {
                let route = |x: &RouteOut| {
                    let lapse = if x.lapse { "lapse of " } else { "" };
                    match &x.rule {
                        Some(rule) => format!("{lapse}{} ({rule})", x.id),
                        None if x.kind == "each_of" => format!("each of {}", x.id),
                        None => format!("{lapse}{}", x.id),
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
