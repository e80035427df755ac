//! `check --format html` and `--format dot` on the 28-point plan: the page is the same
//! bytes on every run, names nothing outside itself, escapes the input's text, has one
//! matrix row per clause of the JSON report and a section per finding; the DOT graph has
//! a node per clause and an edge per two-item conflict. (tests/browser loads the page in
//! Chromium; this test needs no browser.)

use std::process::Command;

const PLAN: &str = "rules/treaties/peace-plan-28.treaty";

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run treaty: {e}"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?}: the plan has findings"
    );
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("not UTF-8: {e}"))
}

fn json() -> serde_json::Value {
    serde_json::from_str(&run(&["check", "--format", "json", PLAN]))
        .unwrap_or_else(|e| panic!("bad JSON: {e}"))
}

fn strings(v: &serde_json::Value, key: &str) -> Vec<String> {
    v.as_array()
        .map(|xs| {
            xs.iter()
                .filter_map(|x| x[key].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_plan_page_is_self_contained_deterministic_and_complete() {
    let page = run(&["check", "--format", "html", PLAN]);
    assert_eq!(
        page,
        run(&["check", "--format", "html", PLAN]),
        "same bytes"
    );
    let doc = json();
    let t = &doc["treaties"][0];

    // Nothing fetched: no src attribute, no external link; the only URL is the SVG namespace.
    assert!(!page.contains(" src="), "no src attribute");
    let urls: Vec<&str> = page
        .match_indices("http")
        .map(|(i, _)| &page[i..])
        .collect();
    for u in urls {
        assert!(
            u.starts_with("http://www.w3.org/2000/svg\""),
            "external URL: {}",
            &u[..60.min(u.len())]
        );
    }
    assert!(
        !page.contains("@import") && !page.contains("url("),
        "no CSS fetch"
    );

    // The verdict first, as in the JSON.
    let verdict = page
        .find("data-verdict=\"infeasible\"")
        .unwrap_or(usize::MAX);
    assert_eq!(t["verdict"], "infeasible");
    assert!(
        verdict < page.find("id=\"blocked-").unwrap_or(0),
        "verdict before the findings"
    );

    // One matrix row per clause, in order.
    let clauses = strings(&t["clauses"], "clause");
    let body = &page[page.find("<table class=\"matrix\">").unwrap_or(0)..];
    let body = &body[..body.find("</table>").unwrap_or(body.len())];
    let rows: Vec<&str> = body
        .split("<tr data-clause=\"")
        .skip(1)
        .map(|r| &r[..r.find('"').unwrap_or(0)])
        .collect();
    assert_eq!(rows, clauses);

    // A section per conflict and per blocked clause, with the source line of each item.
    for c in t["conflicts"].as_array().into_iter().flatten() {
        let id = c["id"].as_str().unwrap_or("?");
        assert!(
            page.contains(&format!("data-conflict=\"{id}\"><summary>"))
                || page.contains(&format!("data-conflict=\"{id}\">\n<summary>")),
            "{id}"
        );
        for item in c["items"].as_array().into_iter().flatten() {
            let place = format!("{}:{}", item["file"].as_str().unwrap_or("?"), item["line"]);
            assert!(page.contains(&place), "{id}: {place}");
        }
    }
    for c in t["clauses"].as_array().into_iter().flatten() {
        if c["adoptable"] == false {
            let name = c["clause"].as_str().unwrap_or("?");
            assert!(
                page.contains(&format!(
                    "class=\"finding blocked\" id=\"clause-Plan28-{name}\""
                )),
                "{name}"
            );
        }
    }
    // Titles are escaped: the plan's titles hold quotes and apostrophes.
    assert!(page.contains("Ukraine&#39;s sovereignty"));
    assert!(!page.contains("Ukraine's sovereignty"));
    // The power tables: one per body of 2 to 64 members the decisions use, one open.
    assert!(page.contains("id=\"power-Plan28-EU-qmv\" open>"));
    assert_eq!(
        page.matches("<table class=\"sortable power-table\">")
            .count(),
        7
    );
}

#[test]
fn the_plan_graph_has_every_clause_and_conflict() {
    let dot = run(&["check", "--format", "dot", PLAN]);
    assert_eq!(dot, run(&["check", "--format", "dot", PLAN]), "same bytes");
    assert!(dot.starts_with("digraph treaty {\n") && dot.ends_with("}\n"));
    let doc = json();
    let t = &doc["treaties"][0];
    for c in strings(&t["clauses"], "clause") {
        assert!(
            dot.contains(&format!("\"Plan28:clause:{c}\" [shape=box")),
            "{c}"
        );
    }
    for id in strings(&t["conflicts"], "id") {
        assert!(dot.contains(&format!("label=\"{id}\"")), "{id}");
    }
    // Every blocked decision is a dashed edge from its clause.
    assert!(dot.contains("\"Plan28:clause:2\" -> \"Plan28:decision:EU/default\" [color=red, style=dashed, label=\"blocked\"]"));
    // Braces balance and every quote is closed on its line.
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    for line in dot.lines() {
        let unescaped = line.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{line}");
    }
}
