//! Property tests: no input, however malformed, panics or overflows the loader. Errors
//! are diagnostics with spans inside the file.

use proptest::prelude::*;

/// Tokens besides the keywords (`treaty::syntax::KEYWORDS`) to build token soup from.
const OTHER_TOKENS: &[&str] = &[
    "USA",
    "RUS",
    "NATO",
    "x",
    "y",
    "UKR.armed_forces",
    "6",
    "13a",
    "600_000",
    "55%",
    "72.5%",
    "421/2145",
    "\"label\"",
    "\"\"",
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    ";",
    ".",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "%",
    "/",
    "//",
    "///",
    "\n",
    " ",
    "\"",
    "\\",
    "é",
    "\u{0}",
];

/// Every keyword of the language and the tokens above.
fn tokens() -> Vec<&'static str> {
    treaty::syntax::KEYWORDS
        .iter()
        .map(|k| k.word)
        .chain(OTHER_TOKENS.iter().copied())
        .collect()
}

fn check_no_panic(text: &str) {
    match treaty::load_str("prop.treaty", text) {
        Ok(_) => {}
        Err((files, diags)) => {
            assert!(!diags.is_empty());
            for d in &diags {
                if let Some(loc) = d.loc {
                    assert!(loc.span.start <= loc.span.end);
                    assert!(loc.span.end <= files[loc.file].text.len() + 3);
                }
            }
            // Rendering must not panic either.
            let _ = treaty::report::diagnostics::render_all(&files, &diags, false);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        check_no_panic(&text);
    }

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(tokens()), 0..80)) {
        check_no_panic(&tokens.join(" "));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let dir = std::env::temp_dir().join(format!("treaty-prop-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("bytes.treaty");
        if std::fs::write(&path, &bytes).is_ok() {
            let _ = treaty::load(&[path]);
        }
    }

    /// Well-formed numbers in rules survive the round trip exactly (no floats).
    #[test]
    fn percentages_are_exact(int in 0u64..100, frac in 0u64..1_000_000) {
        let text = format!(
            "actors {{ A \"a\", B \"b\" }}\nbody W {{ members A, B decides by at least {int}.{frac:06}% of members }}\n"
        );
        let model = treaty::load_str("p.treaty", &text).map_err(|(_, d)| format!("{d:?}")).unwrap();
        match &model.bodies[0].default_rule.rule {
            treaty::model::Rule::Share { percent, .. } => {
                prop_assert_eq!(percent.numer, int * 1_000_000 + frac);
                prop_assert_eq!(percent.denom, 1_000_000);
            }
            other => prop_assert!(false, "unexpected rule {:?}", other),
        }
    }
}
