//! `treaty fmt` (`treaty::syntax::format_source`): on every fixture that parses, every
//! file of the shipped library, random treaties and their copies with whitespace and
//! comments scrambled, formatting is idempotent, keeps the syntax tree (spans aside, and
//! integers compared by value: `600000` becomes `600_000`), and keeps every comment. The
//! formatted text of the inputs under `tests/cases/fmt/` is snapshotted.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use treaty::model::synth::Rng;
use treaty::syntax::{format_source, parse_source};

#[path = "brute/random.rs"]
#[allow(dead_code)]
mod random;

/// The syntax tree's `Debug`, without spans, with integer literals by value; `None` when
/// the text does not parse.
fn tree(text: &str) -> Option<String> {
    let (ast, _) = parse_source(text, 0);
    let debug = format!("{:?}", ast?);
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        out.push_str("Span");
        let after = &rest[i..];
        let end = after.find(" }").map_or(after.len(), |j| j + 2);
        rest = &after[end..];
    }
    out.push_str(rest);
    // Integer literals by value.
    let mut norm = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find("Lit { text: \"") {
        let start = i + "Lit { text: \"".len();
        norm.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find('"').unwrap_or(after.len());
        let lit = &after[..end];
        if !lit.is_empty() && lit.chars().all(|c| c.is_ascii_digit() || c == '_') {
            let digits: String = lit.chars().filter(|c| *c != '_').collect();
            let digits = digits.trim_start_matches('0');
            norm.push_str(if digits.is_empty() { "0" } else { digits });
        } else {
            norm.push_str(lit);
        }
        rest = &after[end..];
    }
    norm.push_str(rest);
    Some(norm)
}

/// Every comment's text (from `//` to the end of its line, trailing blanks dropped),
/// sorted: read independently of the formatter (strings cannot span lines).
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let b = line.as_bytes();
        for i in 0..b.len() {
            if in_string {
                match b[i] {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else if b[i] == b'"' {
                in_string = true;
            } else if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
                out.push(line[i..].trim_end().to_string());
                break;
            }
        }
    }
    out.sort();
    out
}

/// The three properties on one text (nothing is checked when it does not parse).
fn check(text: &str, name: &str) {
    let Some(before) = tree(text) else {
        assert!(
            format_source(text).is_err(),
            "{name}: formatted but does not parse"
        );
        return;
    };
    let once = format_source(text).unwrap_or_else(|d| panic!("{name}: {d:?}"));
    let twice = format_source(&once).unwrap_or_else(|d| panic!("{name}, formatted: {d:?}"));
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    assert_eq!(
        tree(&once).as_deref(),
        Some(before.as_str()),
        "{name}: the syntax tree changed; formatted:\n{once}"
    );
    assert_eq!(comments(text), comments(&once), "{name}: comments changed");
    assert!(
        !once.contains(" \n") && !once.contains('\t'),
        "{name}: trailing blanks"
    );
}

/// `text` with every run of whitespace between tokens replaced by random whitespace or
/// comments, and random whitespace around punctuation.
fn scramble(text: &str, seed: u64) -> String {
    let mut r = Rng::new(seed);
    let mut out = String::with_capacity(text.len() * 2);
    let mut chars = text.chars().peekable();
    let mut n = 0;
    let mut after_comment = false;
    let ws = |r: &mut Rng, out: &mut String, after_comment: bool, n: &mut usize| {
        if after_comment {
            out.push('\n');
        }
        *n += 1;
        let pick = [
            " ",
            "  ",
            "\n",
            "\n\n\n",
            "\t",
            " \n ",
            "  // scrambled\n",
            "\n// own line\n",
        ];
        match r.below(pick.len()) {
            6 => out.push_str(&format!("  // c{n}\n")),
            7 => out.push_str(&format!("\n// line {n}\n   ")),
            i => out.push_str(pick[i]),
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(s) = chars.next() {
                    out.push(s);
                    match s {
                        '\\' => out.extend(chars.next()),
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
                after_comment = false;
            }
            '/' if chars.peek() == Some(&'/') => {
                out.push(c);
                while let Some(&s) = chars.peek() {
                    if s == '\n' {
                        break;
                    }
                    out.push(s);
                    chars.next();
                }
                after_comment = true;
            }
            c if c.is_whitespace() => {
                while chars.peek().is_some_and(|s| s.is_whitespace()) {
                    chars.next();
                }
                ws(&mut r, &mut out, after_comment, &mut n);
                after_comment = false;
            }
            '(' | ')' | '{' | '}' | ',' | ';' | ':' => {
                if r.below(3) == 0 {
                    ws(&mut r, &mut out, after_comment, &mut n);
                }
                out.push(c);
                if r.below(3) == 0 {
                    ws(&mut r, &mut out, false, &mut n);
                }
                after_comment = false;
            }
            c => {
                out.push(c);
                after_comment = false;
            }
        }
    }
    out
}

fn treaty_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            treaty_files(&e, out);
        } else if e.extension().is_some_and(|x| x == "treaty") {
            out.push(e);
        }
    }
}

fn library_and_fixtures() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["rules", "tests/cases", "docs/tutorial"] {
        treaty_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 150, "only {} files", files.len());
    files
        .into_iter()
        .map(|f| {
            let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap_or_default()).into();
            (f.display().to_string(), text)
        })
        .collect()
}

#[test]
fn library_and_fixtures_keep_tree_and_comments() {
    let mut parsed = 0;
    for (name, text) in library_and_fixtures() {
        if tree(&text).is_some() {
            parsed += 1;
        }
        check(&text, &name);
        for seed in 0..3 {
            check(
                &scramble(&text, seed),
                &format!("{name} scrambled with seed {seed}"),
            );
        }
    }
    assert!(parsed > 140, "only {parsed} files parse");
}

#[test]
fn the_shipped_library_is_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    treaty_files(&root.join("rules"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let formatted = format_source(&text).unwrap_or_else(|d| panic!("{}: {d:?}", f.display()));
        assert!(formatted == text, "{} is not formatted", f.display());
    }
}

#[test]
fn messy_inputs_format_as_snapshotted() {
    insta::glob!("cases/fmt/*.treaty", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let formatted = format_source(&text).unwrap_or_else(|d| panic!("{d:?}"));
        insta::assert_snapshot!(formatted);
    });
}

#[test]
fn a_file_with_errors_gives_its_diagnostics() {
    let d = format_source("actor A \"a\"\nclause 1 {}\n").expect_err("does not parse");
    assert!(!d.is_empty());
    assert!(d[0].loc.is_some());
}

#[test]
fn canonical_layout_of_small_inputs() {
    let cases = [
        ("fact  x>=1", "fact x >= 1\n"),
        (
            "var a ,b:int\n\n\n\nvar c: bool",
            "var a, b: int\n\nvar c: bool\n",
        ),
        ("fact -x*2 <= -(y+1)", "fact -x * 2 <= -(y + 1)\n"),
        ("fact x == 123456789", "fact x == 123_456_789\n"),
        (
            "fact x == 12_34 + 1234 + 1_0",
            "fact x == 1_234 + 1234 + 10\n",
        ),
        ("fact x and\n\n y", "fact x and\n  y\n"),
        ("treaty T { clause 1 {} }", "treaty T { clause 1 {} }\n"),
        (
            "treaty T {\nclause 1 { x requires A }}",
            "treaty T {\n  clause 1 { x  requires A }\n}\n",
        ),
        (
            "treaty T { clause 1 {\nx } }",
            "treaty T {\n  clause 1 {\n    x\n  }\n}\n",
        ),
        (
            "expect conflict {clause T . 1,P . \"x\",}",
            "expect conflict { clause T.1, P.\"x\" }\n",
        ),
        (
            "expect non-party clauses  2",
            "expect non-party clauses 2\n",
        ),
        ("fact x // c\n\n\n// d\n", "fact x  // c\n\n// d\n"),
        ("", ""),
        ("\n\n// only\n\n", "// only\n"),
    ];
    for (input, want) in cases {
        assert_eq!(format_source(input).as_deref(), Ok(want), "input {input:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Random treaties (the differential tests' generator), as written and scrambled.
    #[test]
    fn random_treaties_keep_tree_and_comments(seed in any::<u64>(), mess in any::<u64>()) {
        let text = random::random_text(seed);
        check(&text, &format!("random_text({seed})"));
        check(&scramble(&text, mess), &format!("random_text({seed}) scrambled with {mess}"));
    }

    /// Token soup: never a panic; when it parses, the properties hold.
    #[test]
    fn token_soup(tokens in prop::collection::vec(prop::sample::select(vec![
        "fact", "x", "y", "and", "or", "not", "(", ")", "-", "+", "*", "==", "<=", "10000",
        "1", "//c\n", "\n", "true", "implies", "iff", "var", ":", "int", "bool", ",", ";",
    ]), 0..40)) {
        check(&tokens.join(" "), "token soup");
    }
}

/// The deepest input the parser accepts formats. On a thread with a 16 MiB stack: the
/// unoptimised pest parser alone needs more than a test thread's 2 MiB for it (the
/// formatter's recursion is one frame per pest pair, shallower than the parse).
#[test]
fn deepest_nesting_formats() {
    let run = || {
        let depth = treaty::syntax::MAX_NESTING;
        let text = format!(
            "var x: int\nfact {}x>1{}\nfact {}x > 1\n",
            "(".repeat(depth),
            ")".repeat(depth),
            "not ".repeat(200)
        );
        check(&text, "deep");
        let once = format_source(&text).unwrap_or_default();
        assert!(once.contains(&format!("{}x > 1{}", "(".repeat(depth), ")".repeat(depth))));
    };
    let t = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(run)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(t.join().is_ok());
}
