//! The error-code table (`treaty::diag::codes`): well formed, every explanation's examples
//! do what they say (the wrong one emits the code, the fixed one loads), every code is
//! emitted somewhere (a fixture snapshot, an explanation's example, or a test here), and
//! docs/errors.md is the table as generated.

use std::collections::BTreeSet;
use std::path::Path;

use treaty::diag::codes::{errors_doc, Code};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fenced blocks after "Wrong:" and "Fixed:" in an explanation: (language, text).
fn example(explanation: &str, heading: &str) -> Option<(String, String)> {
    let after = explanation.split_once(&format!("\n{heading}\n"))?.1;
    let open = after.split_once("```")?.1;
    let (lang, body) = open.split_once('\n')?;
    let text = body.split_once("```")?.0;
    Some((lang.trim().to_string(), text.to_string()))
}

#[test]
fn the_table_is_well_formed() {
    let mut ids = BTreeSet::new();
    let mut previous = 0;
    for c in Code::ALL {
        let id = c.id();
        assert!(
            id.len() == 5 && id.starts_with('E') && id[1..].chars().all(|d| d.is_ascii_digit()),
            "{id}"
        );
        assert!(ids.insert(id), "{id} is in the table twice");
        let n: u32 = id[1..].parse().unwrap_or(0);
        assert!(n > previous, "{id} is out of order");
        previous = n;
        assert!(!c.title().is_empty(), "{id} has no title");
        assert_eq!(Code::parse(id), Some(*c));
        assert_eq!(Code::parse(&id.to_lowercase()), Some(*c));
        let text = c.explanation();
        assert!(text.len() > 100, "{id}: the explanation is too short");
        for heading in ["Wrong:", "Fixed:"] {
            let (lang, body) =
                example(text, heading).unwrap_or_else(|| panic!("{id} has no `{heading}` example"));
            assert!(
                !lang.is_empty(),
                "{id}: the {heading} block names no language"
            );
            assert!(
                !body.trim().is_empty(),
                "{id}: the {heading} block is empty"
            );
        }
    }
    assert!(Code::parse("E9999").is_none());
    assert!(Code::parse("nonsense").is_none());
    assert_eq!(Code::nearest("E0110").first(), Some(&Code::HyphenInName));
}

fn codes_of(text: &str) -> Result<(), Vec<Code>> {
    treaty::load_str("example.treaty", text)
        .map(|_| ())
        .map_err(|(_, diags)| diags.iter().map(|d| d.code).collect())
}

/// The codes whose "wrong" example, a treaty file, emits them; each "fixed" example loads.
fn proven_by_examples() -> BTreeSet<Code> {
    let mut proven = BTreeSet::new();
    let mut wrong_examples = Vec::new();
    for c in Code::ALL {
        let (lang, wrong) = example(c.explanation(), "Wrong:").unwrap_or_default();
        let (fixed_lang, fixed) = example(c.explanation(), "Fixed:").unwrap_or_default();
        if fixed_lang == "treaty" {
            if let Err(codes) = codes_of(&fixed) {
                wrong_examples.push(format!(
                    "{}: the fixed example does not load: {codes:?}",
                    c.id()
                ));
            }
        }
        if lang != "treaty" {
            continue;
        }
        match codes_of(&wrong) {
            Ok(()) => wrong_examples.push(format!("{}: the wrong example loads", c.id())),
            Err(codes) if codes.contains(c) => {
                proven.insert(*c);
            }
            Err(codes) => {
                wrong_examples.push(format!("{}: the wrong example emits {codes:?}", c.id()))
            }
        }
    }
    assert!(wrong_examples.is_empty(), "{}", wrong_examples.join("\n"));
    proven
}

#[test]
fn every_example_does_what_it_says() {
    let proven = proven_by_examples();
    assert!(
        proven.len() >= 30,
        "only {} examples are treaty files",
        proven.len()
    );
}

/// Codes that input cannot produce: a bug in the tool.
const NOT_FROM_INPUT: &[Code] = &[Code::Internal];

/// A chain of files each importing the next, past the limit: E0004.
fn import_depth_is_emitted() -> bool {
    let dir = std::env::temp_dir().join(format!("treaty-error-codes-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    for i in 0..300 {
        let text = format!("use \"f{}.treaty\"\nactor A{i} \"a\"\n", i + 1);
        let _ = std::fs::write(dir.join(format!("f{i}.treaty")), text);
    }
    let _ = std::fs::write(dir.join("f300.treaty"), "actor Z \"z\"\n");
    let got = treaty::load(&[dir.join("f0.treaty")]);
    let _ = std::fs::remove_dir_all(&dir);
    matches!(got, Err((_, diags)) if diags.iter().any(|d| d.code == Code::ImportTooDeep))
}

/// Every code is emitted by a fixture (its snapshot shows `[E0101]` or `"code": "E0101"`),
/// by its explanation's wrong example, or by a test in this file.
#[test]
fn every_code_is_emitted() {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let snaps = root().join("tests/snapshots");
    for entry in std::fs::read_dir(&snaps).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for c in Code::ALL {
            let id = c.id();
            if text.contains(&format!("[{id}]:")) || text.contains(&format!("\"code\": \"{id}\"")) {
                seen.insert(id.to_string());
            }
        }
    }
    let examples = proven_by_examples();
    assert!(import_depth_is_emitted(), "E0004 was not emitted");
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !seen.contains(c.id()))
        .filter(|c| !examples.contains(c))
        .filter(|c| **c != Code::ImportTooDeep && !NOT_FROM_INPUT.contains(c))
        .map(|c| c.id())
        .collect();
    assert!(missing.is_empty(), "never emitted: {missing:?}");
}

/// docs/errors.md is generated from the table (`TREATY_UPDATE_ERRORS_DOC=1` rewrites it).
#[test]
fn the_errors_doc_is_the_table() {
    let path = root().join("docs/errors.md");
    let want = errors_doc();
    if std::env::var_os("TREATY_UPDATE_ERRORS_DOC").is_some() {
        std::fs::write(&path, &want).unwrap_or_else(|e| panic!("{e}"));
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/errors.md differs from the table; regenerate it with \
         TREATY_UPDATE_ERRORS_DOC=1 cargo test --test error_codes"
    );
}

/// `treaty explain` prints each code's explanation, exit 0; an unknown code exits 2.
#[test]
fn explain_prints_every_code() {
    use assert_cmd::Command;
    for c in Code::ALL {
        let out = Command::cargo_bin("treaty")
            .unwrap_or_else(|e| panic!("{e}"))
            .args(["explain", c.id()])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(0), "{}", c.id());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with(&format!("{}: {}", c.id(), c.title())),
            "{text}"
        );
        assert!(text.contains(c.explanation().trim()), "{}", c.id());
    }
    let out = Command::cargo_bin("treaty")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["explain", "E0110", "--color", "never"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("E0109"), "{err}");
}

fn treaty_cmd(args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("treaty")
        .unwrap_or_else(|e| panic!("{e}"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `--error-format json`: one JSON document on stderr holding every diagnostic, exit 2;
/// nothing on stderr when there is no error.
#[test]
fn errors_as_json() {
    let out = treaty_cmd(&[
        "check",
        "--error-format",
        "json",
        "tests/cases/errors/many-resolution-errors.treaty",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let doc: serde_json::Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("not one JSON document: {e}"));
    assert_eq!(doc["version"], 1);
    let diags = doc["diagnostics"].as_array().cloned().unwrap_or_default();
    // The same problems as the human rendering counts.
    let human = treaty_cmd(&["check", "tests/cases/errors/many-resolution-errors.treaty"]);
    let human = String::from_utf8_lossy(&human.stderr);
    assert!(
        human.contains(&format!("error: {} problems found", diags.len())),
        "{} diagnostics in JSON, and:\n{human}",
        diags.len()
    );
    for d in &diags {
        let code = d["code"].as_str().unwrap_or("");
        assert!(Code::parse(code).is_some(), "{d}");
        assert!(human.contains(&format!(
            "[{code}]: {}",
            d["message"].as_str().unwrap_or("")
        )));
        assert_eq!(d["severity"], "error");
        let label = &d["labels"][0];
        let (line, column) = (label["line"].as_u64(), label["column"].as_u64());
        let file = d["file"].as_str().unwrap_or("");
        assert!(
            human.contains(&format!(
                "{file}:{}:{}",
                line.unwrap_or(0),
                column.unwrap_or(0)
            )),
            "{d}"
        );
        let start = label["span"]["start"].as_u64().unwrap_or(0) as usize;
        let text = std::fs::read_to_string(root().join(file)).unwrap_or_default();
        let source_line = d["source_line"].as_str().unwrap_or("");
        let line_text = text
            .lines()
            .nth(line.unwrap_or(1) as usize - 1)
            .unwrap_or("");
        assert_eq!(source_line, line_text);
        assert!(start <= text.len());
    }
    let ok = treaty_cmd(&[
        "check",
        "--error-format",
        "json",
        "rules/examples/intro.treaty",
    ]);
    assert!(
        ok.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}
