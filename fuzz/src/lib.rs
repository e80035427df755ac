//! Shared pieces of the fuzz targets (`fuzz_targets/*.rs`): the small solver budget, the
//! `check` pipeline after loading, the diagnostics renderer with its sanity checks, and
//! the grammar's vocabulary for the structure-aware `tokens` target.

use treaty::analysis::{self, AnalysisError};
use treaty::diag::Diagnostic;
use treaty::model::{Model, SourceFile};
use treaty::report;
use treaty::solve;

/// The display name every fuzz input is loaded under (`use` paths resolve against the
/// current directory).
pub const NAME: &str = "fuzz.treaty";

/// A budget small enough to keep iterations fast; giving up is an answer, not a failure.
pub fn options() -> solve::Options {
    solve::Options {
        max_conflicts: Some(10),
        timeout_ms: Some(200),
        rlimit: Some(200_000),
        // As the CLI: margins are part of every `check`.
        margins: true,
    }
}

/// `treaty check` and `treaty vetoes` after a successful load: every analysis, the report
/// document, its human text and its JSON. The analysis may give up (exit 3 in the CLI);
/// any other error is, by the library's own documentation, a bug and therefore a crash.
pub fn check_model(model: &Model) {
    let analyses = match analysis::analyse_all(model, &options()) {
        Ok(a) => a,
        Err(AnalysisError::GaveUp(_)) => return,
        Err(e) => panic!("analysis error that is documented as a bug: {e:?}"),
    };
    let doc = report::wire::check(model, &analyses);
    let text = report::check::human(&doc);
    assert!(!text.is_empty());
    let json = serde_json::to_string(&doc).expect("the check document serialises");
    assert!(json.starts_with('{'));
    let vetoes = report::wire::vetoes(model, &analyses);
    let _ = report::check::vetoes_human(&vetoes);
    serde_json::to_string(&vetoes).expect("the vetoes document serialises");
}

/// Renders a failed load like the CLI does, after checking that every location points
/// into a loaded file, on character boundaries.
pub fn render_diagnostics(files: &[SourceFile], diags: &[Diagnostic]) -> String {
    assert!(
        !diags.is_empty(),
        "a failed load reports at least one problem"
    );
    for d in diags {
        let locs = d.loc.iter().chain(d.related.iter().map(|(l, _)| l));
        for loc in locs {
            let file = files.get(loc.file).unwrap_or_else(|| {
                panic!("location in file {} of {}: {d:?}", loc.file, files.len())
            });
            let (s, e) = (loc.span.start, loc.span.end);
            assert!(
                s <= e && e <= file.text.len(),
                "span {s}..{e} outside a {}-byte file: {d:?}",
                file.text.len()
            );
            assert!(
                file.text.is_char_boundary(s) && file.text.is_char_boundary(e),
                "span {s}..{e} not on character boundaries: {d:?}"
            );
        }
    }
    let out = report::diagnostics::render_all(files, diags, false);
    assert!(out.contains("error: "));
    out
}

/// The grammar's vocabulary (grammar/treaty.pest): statement keywords, the atomic keywords
/// inside statements, punctuation and operators, and a few names, numbers, percents and
/// strings that declarations can share (so that references resolve).
#[rustfmt::skip]
pub const VOCABULARY: &[&str] = &[
    // statement keywords (`keyword` rule)
    "use", "actors", "actor", "body", "members", "decides", "rule", "var", "fact", "treaty",
    "parties", "clause", "requires", "position", "held", "red", "supports", "opposes",
    "expect", "and", "or", "not", "implies", "iff", "true", "false", "possible",
    // keywords inside statements (`kw_*`) and rule atoms
    "at", "least", "most", "more", "than", "of", "by", "against", "no", "veto", "from", "all",
    "line", "each", "over", "consistent", "conflict", "feasible", "infeasible", "blocked",
    "adoptable", "power", "clauses", "unanimity", "majority", "non-party",
    // types and power indices
    "bool", "int", "swings", "banzhaf", "banzhaf_absolute", "shapley_shubik",
    // punctuation and operators
    "{", "}", "(", ")", ",", ":", ";", ".", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*",
    "/", "%",
    // names: actors, bodies, dimensions, variables, treaties, positions, rules
    "A", "B", "C", "USA", "UKR", "EU", "Plan", "P", "votes", "population", "qmv", "x", "y",
    "UKR.forces", "default", "_",
    // numbers, clause ids, percents, fractions
    "0", "1", "2", "3", "7", "13a", "100", "600_000", "4294967296", "99999999999999999999",
    "50%", "55%", "65%", "72.5%", "100%", "0%", "100.0000001%", "1/3", "2/3", "0.5",
    // strings
    "\"A\"", "\"limit\"", "\"\"", "\"a \\\" b\"",
    // comments
    "//", "///",
    // a long run of spaces (see `PAD`); keep it last, so that the seeds' indices hold
    PAD_TOKEN,
];

/// The vocabulary entry that stands for `PAD` spaces: one token pushes what follows past
/// column 65,536, where locations take other paths in the renderers (long lines, miette's
/// own column limits) and that byte mutations of ordinary text rarely reach.
pub const PAD_TOKEN: &str = "<pad>";
/// Spaces per `PAD_TOKEN`; at most `MAX_PADS` per input, so that texts stay under 200 KB.
pub const PAD: usize = 65_536;
pub const MAX_PADS: usize = 2;

/// Separators between tokens; the empty one glues tokens (`UKR` `.` `x`, `13` `a`).
const SEPARATORS: &[&str] = &[" ", " ", " ", "\n", "\n", "", "\t", "\n\n"];

/// Text made of vocabulary tokens: each input byte picks a token (modulo the vocabulary's
/// size); after a byte of 0xC0 or more, the next byte picks the separator instead of the
/// default space. `PAD_TOKEN` is 65,536 spaces (the first `MAX_PADS` times).
pub fn tokens_text(data: &[u8]) -> String {
    let mut out = String::new();
    let mut pads = 0;
    let mut bytes = data.iter();
    while let Some(&b) = bytes.next() {
        match VOCABULARY[b as usize % VOCABULARY.len()] {
            PAD_TOKEN if pads < MAX_PADS => {
                pads += 1;
                out.extend(std::iter::repeat_n(' ', PAD));
            }
            PAD_TOKEN => out.push(' '),
            token => out.push_str(token),
        }
        let sep = if b >= 0xC0 {
            match bytes.next() {
                Some(&s) => SEPARATORS[s as usize % SEPARATORS.len()],
                None => break,
            }
        } else {
            " "
        };
        out.push_str(sep);
    }
    out
}
