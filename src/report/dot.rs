//! `treaty check --format dot`: the conflict and dependency graph of each treaty in
//! Graphviz DOT, from the same document as the JSON (`report::wire::CheckDoc`).
//!
//! Nodes: clauses (boxes; red when blocked), red lines (ellipses), the decisions clauses
//! need (a body under a rule, or an actor's consent; hexagons), and a point per conflict of
//! more than two items. Edges: conflicts (red, undirected, labelled with the conflict's id)
//! and requirements (clause -> decision, labelled `blocked` or `impossible` when that
//! decision cannot go the clause's way). Every id is quoted and escaped; nodes and edges
//! follow the document's order, so the same input gives the same bytes.

use std::collections::BTreeSet;

use super::wire::{CheckDoc, ItemOut, TreatyOut};

/// `s` as a DOT double-quoted string (quotes, backslashes and line breaks escaped).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn cut(s: &str) -> String {
    super::shorten(s, 60, "…")
}

/// The DOT text of `doc`: one `digraph`, a cluster per treaty.
pub fn graph(doc: &CheckDoc) -> String {
    let mut o = String::from("digraph treaty {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (i, t) in doc.treaties.iter().enumerate() {
        treaty(&mut o, doc, i, t);
    }
    o.push_str("}\n");
    o
}

fn treaty(o: &mut String, doc: &CheckDoc, index: usize, t: &TreatyOut) {
    let id = |kind: &str, name: &str| quote(&format!("{}:{kind}:{name}", t.treaty));
    o.push_str(&format!(
        "  subgraph {} {{\n    label={};\n",
        quote(&format!("cluster_{index}")),
        quote(&format!(
            "{} ({})",
            t.title.as_deref().unwrap_or(&t.treaty),
            t.verdict
        ))
    ));
    let titles = doc.loaded.treaties.iter().find(|x| x.id == t.treaty);
    for (k, c) in t.clauses.iter().enumerate() {
        let title = titles
            .and_then(|x| x.clauses.get(k))
            .and_then(|x| x.title.clone())
            .unwrap_or_default();
        let label = if title.is_empty() {
            format!("clause {}", c.clause)
        } else {
            format!("clause {}\n{}", c.clause, cut(&title))
        };
        o.push_str(&format!(
            "    {} [shape=box, label={}{}];\n",
            id("clause", &c.clause),
            quote(&label),
            if c.adoptable {
                ""
            } else {
                ", color=red, fontcolor=red"
            }
        ));
    }
    let mut red_lines = BTreeSet::new();
    for c in &t.conflicts {
        for item in &c.items {
            if let ItemOut::RedLine {
                position, label, ..
            } = item
            {
                let name = format!("{position}.{label}");
                if red_lines.insert(name.clone()) {
                    o.push_str(&format!(
                        "    {} [shape=ellipse, color=red, label={}];\n",
                        id("red line", &name),
                        quote(&format!("{position}\n{}", cut(label)))
                    ));
                }
            }
        }
    }
    let mut deciders = BTreeSet::new();
    for d in &t.decisions {
        let (key, label) = decider(d);
        if deciders.insert(key.clone()) {
            o.push_str(&format!(
                "    {} [shape=hexagon, label={}];\n",
                id("decision", &key),
                quote(&label)
            ));
        }
    }
    for c in &t.conflicts {
        let nodes: Vec<String> = c
            .items
            .iter()
            .map(|item| match item {
                ItemOut::Clause { name, .. } => {
                    let clause = name.strip_prefix("clause ").unwrap_or(name);
                    id("clause", clause)
                }
                ItemOut::RedLine {
                    position, label, ..
                } => id("red line", &format!("{position}.{label}")),
            })
            .collect();
        let tip = c.reason.as_deref().unwrap_or("cannot hold together");
        if let [a, b] = nodes.as_slice() {
            o.push_str(&format!(
                "    {a} -> {b} [dir=none, color=red, penwidth=2, label={}, tooltip={}];\n",
                quote(&c.id),
                quote(tip)
            ));
        } else {
            let hub = id("conflict", &c.id);
            o.push_str(&format!(
                "    {hub} [shape=point, color=red, xlabel={}, tooltip={}];\n",
                quote(&c.id),
                quote(tip)
            ));
            for n in &nodes {
                o.push_str(&format!(
                    "    {hub} -> {n} [dir=none, color=red, penwidth=2];\n"
                ));
            }
        }
    }
    let mut edges = BTreeSet::new();
    for d in &t.decisions {
        let (key, _) = decider(d);
        let status = d.status;
        if !edges.insert((d.clause.clone(), key.clone(), status)) {
            continue;
        }
        let style = match status {
            "can_pass" => String::new(),
            s => format!(" [color=red, style=dashed, label={}]", quote(s)),
        };
        o.push_str(&format!(
            "    {} -> {}{style};\n",
            id("clause", &d.clause),
            id("decision", &key)
        ));
    }
    o.push_str("  }\n");
}

/// A decision's node key and label: `EU/qmv`, `consent USA`, with `lapse of` for a lapse.
fn decider(d: &super::wire::DecisionOut) -> (String, String) {
    let lapse = if d.lapse { "lapse of " } else { "" };
    match (&d.body, &d.actor) {
        (Some(b), _) => {
            let rule = d.rule.as_deref().unwrap_or("default");
            let label = if rule == "default" {
                format!("{lapse}{b}")
            } else {
                format!("{lapse}{b}\nrule {rule}")
            };
            (format!("{lapse}{b}/{rule}"), label)
        }
        (None, Some(a)) => (
            format!("{lapse}consent/{a}"),
            format!("{lapse}consent of {a}"),
        ),
        (None, None) => ("decision".to_string(), "decision".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_quotes_backslashes_and_newlines() {
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quote("x\ny"), "\"x\\ny\"");
    }
}
