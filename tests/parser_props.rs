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

/// A random rule over the body of `round_trip_body` (members A, B, C, D; weight `votes`,
/// total 10), of every form, nested up to two levels.
fn arb_rule() -> impl Strategy<Value = treaty::model::Rule> {
    use treaty::model::{Base, Bound, Dim, Percent, Ratio, Rule, Withholding};
    let dim = prop_oneof![Just(Dim::Members), Just(Dim::Weight(0))];
    let ratio = prop_oneof![
        (0u64..=100).prop_map(|numer| Ratio::Percent(Percent { numer, denom: 1 })),
        (1u64..=12).prop_flat_map(
            |denom| (0..=denom).prop_map(move |numer| Ratio::Fraction { numer, denom })
        ),
    ];
    let what = prop_oneof![
        Just(Withholding::Against),
        Just(Withholding::Abstaining),
        Just(Withholding::Absent),
        Just(Withholding::NotInFavour),
    ];
    let bound = prop_oneof![
        (0u64..=4).prop_map(Bound::Count),
        ratio.clone().prop_map(Bound::Share),
    ];
    let leaf = prop_oneof![
        Just(Rule::Unanimity),
        Just(Rule::Majority),
        (dim.clone(), any::<bool>(), 0u64..=100).prop_map(|(dim, strict, numer)| Rule::Share {
            dim,
            strict,
            percent: Percent { numer, denom: 1 }
        }),
        (
            dim.clone(),
            any::<bool>(),
            ratio.clone(),
            prop_oneof![Just(Base::Cast), Just(Base::Present)]
        )
            .prop_map(|(dim, strict, ratio, base)| Rule::ShareOf {
                dim,
                strict,
                ratio,
                base
            }),
        (dim.clone(), any::<bool>(), 0u64..=3).prop_map(|(dim, strict, count)| Rule::Count {
            dim,
            strict,
            count
        }),
        (dim.clone(), any::<bool>(), bound.clone(), what)
            .prop_filter("written as at most N members against", |(d, s, b, w)| {
                !(*d == Dim::Members
                    && !*s
                    && matches!(b, Bound::Count(_))
                    && *w == Withholding::Against)
            })
            .prop_filter(
                "always holds",
                |(_, s, b, _)| !matches!(b, Bound::Count(c) if *c > 3 || (!*s && *c >= 4))
            )
            .prop_map(|(dim, strict, bound, what)| Rule::Withheld {
                dim,
                strict,
                bound,
                what
            }),
        (dim, any::<bool>(), bound)
            .prop_filter(
                "never reached",
                |(_, s, b)| !matches!(b, Bound::Count(c) if *s && *c >= 4)
            )
            .prop_map(|(dim, strict, bound)| Rule::Quorum { dim, strict, bound }),
        (0u64..=3).prop_map(Rule::AtMostAgainst),
        prop::sample::subsequence(vec![0usize, 1, 2, 3], 1..=3).prop_map(Rule::NoVetoFrom),
        prop::sample::subsequence(vec![0usize, 1, 2, 3], 1..=3).prop_map(Rule::AllOf),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..=3).prop_map(Rule::And),
            prop::collection::vec(inner, 2..=3).prop_map(Rule::Or),
        ]
    })
}

/// `a and (b and c)` is written `a and b and c`: nested connectives of one kind are flat.
fn flatten(rule: &treaty::model::Rule) -> treaty::model::Rule {
    use treaty::model::Rule;
    match rule {
        Rule::And(parts) | Rule::Or(parts) => {
            let and = matches!(rule, Rule::And(_));
            let mut out = Vec::new();
            for p in parts.iter().map(flatten) {
                match p {
                    Rule::And(more) if and => out.extend(more),
                    Rule::Or(more) if !and => out.extend(more),
                    p => out.push(p),
                }
            }
            if and {
                Rule::And(out)
            } else {
                Rule::Or(out)
            }
        }
        other => other.clone(),
    }
}

const ROUND_TRIP_BODY: &str = "actors { A \"a\", B \"b\", C \"c\", D \"d\" }\nbody W { members { A votes 4, B votes 3, C votes 2, D votes 1 } }\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A rule written back as text (`model::display::rule_text`, as reports show it) parses
    /// to the same rule: the printer and the grammar agree on every rule form.
    #[test]
    fn rules_round_trip_through_their_text(rule in arb_rule()) {
        let base = treaty::load_str("b.treaty", ROUND_TRIP_BODY)
            .map_err(|(_, d)| format!("{d:?}"))
            .unwrap();
        let body = &base.bodies[0];
        let names = ["A", "B", "C", "D"];
        let text = treaty::model::display::rule_text(body, &rule, &|i| names[i].to_string(), false);
        let file = ROUND_TRIP_BODY.replace(" } }\n", &format!(" }}\n rule r: {text}\n}}\n"));
        match treaty::load_str("r.treaty", &file) {
            Ok(m) => prop_assert_eq!(flatten(&m.bodies[0].rules[0].rule), flatten(&rule), "text: {}", text),
            // A rule that decides nothing (never passes, or passes whatever anyone casts)
            // is rejected at resolution; the error must say so.
            Err((_, diags)) => {
                let msg = format!("{diags:?}");
                prop_assert!(
                    msg.contains("never pass") || msg.contains("always passes"),
                    "text {} failed: {}", text, msg
                );
            }
        }
    }
}
