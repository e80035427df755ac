//! The JSON Schemas of docs/schema/ against the wire types and against real output:
//! the committed files equal what `treaty schema DOC` generates (regenerate them with
//! `UPDATE_SCHEMAS=1 cargo test --test json_schema`), the JSON of the plan and of every
//! fixture run with `--format json` validates against its document's schema, every
//! property the schemas name is documented in docs/json.md, and `check --format sarif`
//! validates against the official SARIF 2.1.0 schema (tests/schemas/).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use treaty::report::schema::{schema, DOCS};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// stdout of `treaty ARGS` run in the crate root, and its exit code.
fn run(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .arg("--color=never")
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run treaty: {e}"));
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn parse(text: &str, what: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON: {e}\n{text}"))
}

fn validator(doc: &str) -> jsonschema::Validator {
    let text = schema(doc).unwrap_or_else(|| panic!("no schema {doc}"));
    jsonschema::validator_for(&parse(&text, doc)).unwrap_or_else(|e| panic!("schema {doc}: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(value)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not follow its schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn committed_schemas_are_the_generated_ones() {
    let dir = root().join("docs/schema");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (name, _) in DOCS {
        let path = dir.join(format!("{name}.json"));
        let generated = schema(name).unwrap_or_else(|| panic!("no schema {name}"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != generated {
            if update {
                std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("{e}"));
            } else {
                stale.push(format!("docs/schema/{name}.json"));
            }
        }
        // `treaty schema NAME` prints the same bytes.
        let (printed, code) = run(&["schema", name]);
        assert_eq!((printed.as_str(), code), (generated.as_str(), 0), "{name}");
    }
    assert!(
        stale.is_empty(),
        "{} differ from the wire types; regenerate them with \
         `UPDATE_SCHEMAS=1 cargo test --test json_schema`, then read the diff \
         and document new fields in docs/json.md",
        stale.join(", ")
    );
    // No schema file of a document that no longer exists.
    let names: BTreeSet<String> = DOCS.iter().map(|(n, _)| format!("{n}.json")).collect();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let name = entry.unwrap_or_else(|e| panic!("{e}")).file_name();
        let name = name.to_string_lossy();
        assert!(
            names.contains(name.as_ref()),
            "docs/schema/{name} has no document"
        );
    }
}

/// The plan's documents and a few others, each validated against its schema.
#[test]
fn real_output_follows_the_schemas() {
    let plan = "rules/treaties/peace-plan-28.treaty";
    let runs: [(&str, Vec<&str>); 8] = [
        ("check", vec!["check", "--format", "json", plan]),
        ("vetoes", vec!["vetoes", "--format", "json", plan]),
        (
            "power",
            vec![
                "power",
                "--format",
                "json",
                "rules/institutions/eu-council.treaty",
                "--body",
                "EU",
            ],
        ),
        (
            "repair",
            vec![
                "repair",
                "--format",
                "json",
                "tests/cases/repair/expect.treaty",
            ],
        ),
        (
            "diff",
            vec![
                "diff",
                "--format",
                "json",
                "tests/cases/diff/old.treaty",
                "tests/cases/diff/new.treaty",
            ],
        ),
        (
            "scenarios",
            vec![
                "scenarios",
                "--format",
                "json",
                "rules/treaties/scenarios-2025.treaty",
            ],
        ),
        (
            "test",
            vec![
                "test",
                "--format",
                "json",
                "tests/cases/test-formats",
                "tests/cases/repair/expect.treaty",
            ],
        ),
        (
            "check",
            vec!["check", "--format", "json", "--assume", "HUN no", plan],
        ),
    ];
    for (doc, args) in runs {
        let (out, code) = run(&args);
        assert!(
            code == 0 || code == 1,
            "treaty {}: exit {code}",
            args.join(" ")
        );
        let value = parse(&out, doc);
        assert_valid(&validator(doc), &value, &args.join(" "));
        if doc == "check" {
            assert_valid(
                &validator("loaded"),
                &value["loaded"],
                "the plan's `loaded`",
            );
        }
    }
}

/// Every fixture run with `--format json` (its `// test:` lines), validated against the
/// schema of its command.
#[test]
fn fixture_json_follows_the_schemas() {
    let mut checked = 0;
    for path in fixtures(&root().join("tests/cases")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let rel = path
            .strip_prefix(root())
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        for line in text.lines().map_while(|l| l.strip_prefix("// test:")) {
            let mut args: Vec<&str> = line.split_whitespace().collect();
            let json = args.windows(2).any(|w| w == ["--format", "json"]);
            let Some(&doc) = args.first() else { continue };
            if !json || !DOCS.iter().any(|(n, _)| *n == doc) {
                continue;
            }
            args.push(&rel);
            let (out, code) = run(&args);
            if code == 2 {
                continue; // an input error: no document
            }
            assert_valid(
                &validator(doc),
                &parse(&out, &rel),
                &format!("{rel}: {line}"),
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 15,
        "only {checked} fixture runs with --format json"
    );
}

fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            out.extend(fixtures(&e));
        } else if e.extension().is_some_and(|x| x == "treaty") {
            out.push(e);
        }
    }
    out
}

/// The schemas are not vacuous: a document with a field of the wrong type, a missing
/// field or an unknown verdict is rejected.
#[test]
fn the_schemas_reject_wrong_documents() {
    let (out, _) = run(&[
        "check",
        "--format",
        "json",
        "tests/cases/analysis/one-conflict.treaty",
    ]);
    let good = parse(&out, "check");
    let v = validator("check");
    assert!(v.is_valid(&good));
    let mut wrong_type = good.clone();
    wrong_type["version"] = Value::String("2".into());
    assert!(!v.is_valid(&wrong_type));
    let mut missing = good.clone();
    if let Some(o) = missing["treaties"][0].as_object_mut() {
        o.remove("conflicts");
    }
    assert!(!v.is_valid(&missing));
    let mut item = good.clone();
    item["treaties"][0]["conflicts"][0]["items"][0]["kind"] = Value::String("clown".into());
    assert!(!v.is_valid(&item));
    let mut verdict = good.clone();
    verdict["treaties"][0]["verdict"] = Value::String("fine".into());
    assert!(!v.is_valid(&verdict));
}

/// Every property name of every schema appears in docs/json.md (as `"name"` or `` `name` ``).
#[test]
fn docs_json_names_every_property() {
    let docs = std::fs::read_to_string(root().join("docs/json.md")).unwrap_or_default();
    let mut names = BTreeSet::new();
    for (name, _) in DOCS {
        collect_properties(&parse(&schema(name).unwrap_or_default(), name), &mut names);
    }
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !docs.contains(&format!("\"{n}\"")) && !docs.contains(&format!("`{n}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/json.md does not name: {missing:?}"
    );
}

fn collect_properties(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Object(props)) = o.get("properties") {
                out.extend(props.keys().cloned());
            }
            for x in o.values() {
                collect_properties(x, out);
            }
        }
        Value::Array(xs) => xs.iter().for_each(|x| collect_properties(x, out)),
        _ => {}
    }
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    jsonschema::validator_for(&parse(&text, "SARIF schema")).unwrap_or_else(|e| panic!("{e}"))
}

/// `check --format sarif` of the plan: valid SARIF 2.1.0, one result per conflict with
/// every item located, one per blocked clause naming its no-voters, the same bytes twice.
#[test]
fn sarif_of_the_plan() {
    let plan = "rules/treaties/peace-plan-28.treaty";
    let (out, code) = run(&["check", "--format", "sarif", plan]);
    assert_eq!(code, 1);
    let log = parse(&out, "sarif");
    assert_valid(&sarif_validator(), &log, "the plan's SARIF");
    // The official schema is not vacuous: a log without its tool, or a region starting at
    // line 0, is rejected.
    let mut no_tool = log.clone();
    if let Some(r) = no_tool["runs"][0].as_object_mut() {
        r.remove("tool");
    }
    assert!(!sarif_validator().is_valid(&no_tool));
    let mut line0 = log.clone();
    line0["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!sarif_validator().is_valid(&line0));
    assert_eq!(
        run(&["check", "--format", "sarif", plan]).0,
        out,
        "not deterministic"
    );

    let (json, _) = run(&["check", "--format", "json", plan]);
    let doc = parse(&json, "check");
    let treaty = &doc["treaties"][0];
    let run0 = &log["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "treaty");
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let results = run0["results"].as_array().cloned().unwrap_or_default();
    for r in &results {
        let i = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(rules.get(i).copied(), r["ruleId"].as_str());
    }
    let of =
        |rule: &str| -> Vec<&Value> { results.iter().filter(|r| r["ruleId"] == rule).collect() };

    let conflicts = treaty["conflicts"].as_array().cloned().unwrap_or_default();
    let sarif_conflicts = of("treaty/conflict");
    assert_eq!(sarif_conflicts.len(), conflicts.len());
    assert!(!conflicts.is_empty());
    for (c, r) in conflicts.iter().zip(&sarif_conflicts) {
        let items = c["items"].as_array().cloned().unwrap_or_default();
        let locations = r["locations"].as_array().cloned().unwrap_or_default();
        assert_eq!(locations.len(), items.len());
        for (item, loc) in items.iter().zip(&locations) {
            let p = &loc["physicalLocation"];
            assert_eq!(p["artifactLocation"]["uri"], item["file"]);
            assert_eq!(p["region"]["startLine"], item["line"]);
            assert_eq!(p["region"]["startColumn"], item["column"]);
            assert!(p["region"]["endLine"].as_u64() >= item["line"].as_u64());
        }
        let related = r["relatedLocations"].as_array().map_or(0, Vec::len);
        assert_eq!(
            related,
            items.len() - 1 + c["facts"].as_array().map_or(0, Vec::len)
        );
        let text = r["message"]["text"].as_str().unwrap_or("");
        assert!(
            text.starts_with(&format!("conflict {}", c["id"].as_str().unwrap_or("?"))),
            "{text}"
        );
    }

    let blocked: Vec<&Value> = treaty["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["adoptable"] == false)
        .collect();
    let sarif_blocked = of("treaty/blocked-clause");
    assert_eq!(sarif_blocked.len(), blocked.len());
    assert!(!blocked.is_empty());
    for (c, r) in blocked.iter().zip(&sarif_blocked) {
        let name = c["clause"].as_str().unwrap_or("?");
        let text = r["message"]["text"].as_str().unwrap_or("");
        assert!(
            text.starts_with(&format!("clause {name} of treaty Plan28 cannot be adopted")),
            "{text}"
        );
        // Every no-voter of a blocked decision of the clause is named.
        for d in treaty["decisions"].as_array().into_iter().flatten() {
            if d["clause"] == c["clause"] && d["status"] == "blocked" {
                for v in d["no_votes"].as_array().into_iter().flatten() {
                    let actor = v["actor"].as_str().unwrap_or("?");
                    assert!(text.contains(actor), "{text} lacks {actor}");
                }
            }
        }
    }
    let open = treaty["violated_guarantees"].as_array().map_or(0, Vec::len);
    assert_eq!(of("treaty/guarantee-open").len(), open);
}

/// A file that does not load still gives a SARIF log (exit 2), its errors as results.
#[test]
fn sarif_of_a_file_that_does_not_load() {
    let dir = std::env::temp_dir().join(format!("treaty-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("bad one.treaty");
    std::fs::write(
        &file,
        "treaty X {\n  clause 1 { y == 3 }\n}\nactors { A \"a\", A \"b\" }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args([
            "check",
            "--format",
            "sarif",
            "bad one.treaty",
            "--color=never",
        ])
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty(), "the diagnostics still go to stderr");
    let log = parse(&String::from_utf8_lossy(&out.stdout), "sarif");
    assert_valid(&sarif_validator(), &log, "the SARIF of a broken file");
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!results.is_empty());
    for r in &results {
        // The rule is the diagnostic's error code (`treaty explain E0...`).
        let rule = r["ruleId"].as_str().unwrap_or_default();
        assert!(
            rule.strip_prefix("treaty/E")
                .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit())),
            "{rule}"
        );
        assert_eq!(r["level"], "error");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "bad%20one.treaty");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64() >= Some(1));
    }
}

/// Every fixture checked with `--format sarif` gives valid SARIF (or exit 2 with SARIF too).
#[test]
fn sarif_of_every_fixture_is_valid() {
    let v = sarif_validator();
    let mut count = 0;
    for dir in ["analysis", "decisions", "winover", "errors"] {
        for path in fixtures(&root().join("tests/cases").join(dir)) {
            let rel = path
                .strip_prefix(root())
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            let (out, code) = run(&["check", "--format", "sarif", "--rlimit", "2000000", &rel]);
            assert!((0..=3).contains(&code), "{rel}: exit {code}");
            assert_valid(&v, &parse(&out, &rel), &rel);
            count += 1;
        }
    }
    assert!(count > 50, "{count}");
}

/// The JUnit XML of a failing expectation: well-formed, the failure carried with its
/// message, the text round-tripping through the escaping.
#[test]
fn junit_of_a_failing_expectation() {
    let (out, code) = run(&[
        "test",
        "--format",
        "junit",
        "tests/cases/test-formats/pass-and-fail.treaty",
    ]);
    assert_eq!(code, 1);
    let xml = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("not XML: {e}\n{out}"));
    let suites = xml.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("failures"), Some("1"));
    let cases: Vec<_> = suites
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    assert_eq!(
        cases[0].attribute("name"),
        Some("15:1: expect conflict { clause 1, B_lines.\"x > 5 & <big> \\\"really\\\"\" }")
    );
    assert!(cases[0].children().all(|c| !c.has_tag_name("failure")));
    let failure = cases[1]
        .children()
        .find(|c| c.has_tag_name("failure"))
        .unwrap_or_else(|| panic!("no failure in {out}"));
    assert_eq!(failure.attribute("message"), Some("1 conflict(s) found"));
    assert_eq!(cases[1].attribute("line"), Some("16"));
}
