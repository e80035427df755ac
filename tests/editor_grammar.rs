//! The editor grammar (`editors/vscode/syntaxes/treaty.tmLanguage.json`) against the
//! language: its keyword patterns spell exactly the words of `syntax::KEYWORDS` (which a unit
//! test keeps equal to `grammar/treaty.pest`), each in one pattern; and the highlighting
//! test's sample file is a valid clause file whose expectations hold. The tokenizer test
//! itself (every keyword of every fixture scoped) needs Node.js: `.ci/run` runs it, and
//! `editors/vscode/README.md` says how to run it by hand.

use std::collections::BTreeSet;
use std::path::Path;

use treaty::syntax::KEYWORDS;

fn grammar() -> serde_json::Value {
    let text = std::fs::read_to_string("editors/vscode/syntaxes/treaty.tmLanguage.json")
        .expect("the editor grammar is readable");
    serde_json::from_str(&text).expect("the editor grammar is JSON")
}

/// The words of the alternations `\b(?:a|b|c)\b` and the single words `\bnon-party\b` of the
/// grammar's `keywords` patterns.
fn grammar_keywords(grammar: &serde_json::Value) -> Vec<String> {
    let patterns = grammar["repository"]["keywords"]["patterns"]
        .as_array()
        .expect("a keywords repository entry with patterns");
    let mut words = Vec::new();
    for pattern in patterns {
        let regex = pattern["match"]
            .as_str()
            .expect("each keyword pattern is a match");
        let inner = regex
            .strip_prefix("\\b")
            .and_then(|r| r.strip_suffix("\\b"))
            .expect("keyword patterns are bounded by \\b");
        let inner = inner
            .strip_prefix("(?:")
            .and_then(|r| r.strip_suffix(')'))
            .unwrap_or(inner);
        words.extend(inner.split('|').map(str::to_string));
    }
    words
}

#[test]
fn editor_grammar_spells_every_keyword_once() {
    let words = grammar_keywords(&grammar());
    let unique: BTreeSet<&str> = words.iter().map(String::as_str).collect();
    assert_eq!(
        unique.len(),
        words.len(),
        "a keyword appears in two patterns: {words:?}"
    );
    let language: BTreeSet<&str> = KEYWORDS.iter().map(|k| k.word).collect();
    let missing: Vec<_> = language.difference(&unique).collect();
    let extra: Vec<_> = unique.difference(&language).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "editor grammar out of date with src/syntax/keywords.rs: missing {missing:?}, not keywords {extra:?}"
    );
}

#[test]
fn editor_grammar_scopes_are_treaty_scopes() {
    let text = grammar().to_string();
    assert!(text.contains("\"scopeName\":\"source.treaty\""));
    for scope in text.split("\"name\":\"").skip(1) {
        let name = scope.split('"').next().unwrap_or_default();
        if name.contains('.') {
            assert!(
                name.ends_with(".treaty"),
                "scope `{name}` does not end in .treaty"
            );
        }
    }
}

#[test]
fn highlighting_sample_is_a_valid_clause_file() {
    let path = Path::new("editors/vscode/test/sample.treaty");
    let output = assert_cmd::Command::cargo_bin("treaty")
        .expect("the treaty binary is built")
        .args(["test"])
        .arg(path)
        .output()
        .expect("treaty test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "treaty test failed on the sample:\n{stdout}"
    );
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
}
