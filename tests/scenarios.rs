//! A scenario's result equals the result of the equivalent edited file: for each scenario
//! of `tests/cases/scenarios/basic.treaty`, the text with the scenario's change written into
//! it is analysed on its own (`treaty check` on it), and its verdict, blocked clauses,
//! conflicts and refusing parties are compared with the scenario's row of `treaty scenarios`
//! (which reuses the base's consistency analysis where it can).

use treaty::analysis::reuse::{analyse_scenarios, Reused};
use treaty::analysis::{analyse_all, TreatyAnalysis};
use treaty::model::Model;
use treaty::solve::Options;

const FIXTURE: &str = include_str!("cases/scenarios/basic.treaty");

/// The fixture without its scenarios and expectations: the files as written.
fn base_text() -> String {
    let mut out = String::new();
    let mut depth = 0i32;
    for line in FIXTURE.lines() {
        if depth == 0 && line.starts_with("expect") {
            continue;
        }
        if depth > 0 || line.starts_with("scenario") {
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// What is compared: verdict, blocked clauses, the conflicts' items, refusing parties.
fn summary(model: &Model, a: &TreatyAnalysis) -> (bool, Vec<String>, Vec<String>, Vec<String>) {
    let blocked = a
        .clauses
        .iter()
        .filter(|c| !c.adoptable)
        .map(|c| model.clause(c.clause).id.clone())
        .collect();
    let conflicts = a
        .consistency
        .conflicts
        .iter()
        .map(|c| treaty::model::names::items_text(model, &c.items))
        .collect();
    let refusing = a
        .refusing_parties
        .iter()
        .map(|p| model.actors[*p].id.clone())
        .collect();
    (a.feasible, blocked, conflicts, refusing)
}

fn load(text: &str) -> Model {
    match treaty::load_str("edited.treaty", text) {
        Ok(m) => m,
        Err((_, d)) => panic!("the edited text does not load: {d:?}\n{text}"),
    }
}

#[test]
fn each_scenario_equals_its_edited_file() {
    let base = base_text();
    let edits: Vec<(&str, String)> = vec![
        (
            "joins",
            format!("{base}\nposition B_no \"b\" {{ held by B  opposes clause 2 }}\n"),
        ),
        (
            "drop_p",
            base.replace(
                "position P \"source p\" {\n  held by C\n  red line \"a cap of 20 stays possible\": possible cap >= 20\n}\n",
                "",
            ),
        ),
        ("no_d", base.replace("members A, B, C, D", "members A, B, C")),
        ("add_e", base.replace("members A, B, C, D", "members A, B, C, D, E")),
        ("fixed", format!("{base}\nfact cap == 5\n")),
        (
            "holders",
            base.replace("  held by C\n  red line", "  held by A\n  red line"),
        ),
        ("side", base.replace("group Side \"one side\" { A }", "group Side \"both\" { A, B }")),
        ("cap30", base.replace("cap <= 10", "cap <= 30")),
        (
            "new_q",
            format!("{base}\nposition R \"source r\" {{ held by E  supports clause 1 }}\n"),
        ),
    ];
    let model = load(FIXTURE);
    let options = Options::default();
    let (_, runs) = analyse_scenarios(&model, &options).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(runs.len(), edits.len(), "one edit per scenario");
    let mut reused = Vec::new();
    for run in &runs {
        let sc = &model.scenarios[run.scenario];
        let Some((_, text)) = edits.iter().find(|(n, _)| *n == sc.id) else {
            panic!("no edited text for scenario {}", sc.id);
        };
        assert_ne!(text, &base, "the edit of {} changed nothing", sc.id);
        let edited = load(text);
        let fresh = analyse_all(&edited, &options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(run.analyses.decided.len(), fresh.decided.len());
        for (a, b) in run.analyses.decided.iter().zip(&fresh.decided) {
            assert_eq!(
                summary(&sc.model, a),
                summary(&edited, b),
                "scenario {} differs from its edited file",
                sc.id
            );
        }
        reused.extend(run.reused.iter().map(|r| (sc.id.clone(), *r)));
    }
    // The reuse paths are all exercised: votes only, a position dropped, a fact added.
    let kind = |name: &str| reused.iter().find(|(n, _)| n == name).map(|(_, r)| *r);
    assert_eq!(kind("joins"), Some(Reused::Consistency));
    assert_eq!(kind("no_d"), Some(Reused::Consistency));
    assert_eq!(kind("drop_p"), Some(Reused::Preconditions));
    assert_eq!(kind("holders"), Some(Reused::Preconditions));
    assert_eq!(kind("fixed"), Some(Reused::Nothing));
    assert_eq!(kind("cap30"), Some(Reused::Nothing));
}

/// The library's scenarios on the plan: a votes-only scenario reuses the base's consistency
/// analysis and gets the same conflicts as the base.
#[test]
fn library_scenarios_reuse_the_plan_analysis() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules/treaties/scenarios-2025.treaty");
    let model = match treaty::load(&[path]) {
        Ok(m) => m,
        Err((_, d)) => panic!("{d:?}"),
    };
    assert!(model.scenarios.len() >= 5);
    let (base, runs) =
        analyse_scenarios(&model, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    for run in &runs {
        let sc = &model.scenarios[run.scenario];
        let fresh = analyse_all(&sc.model, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
        for (a, b) in run.analyses.decided.iter().zip(&fresh.decided) {
            assert_eq!(summary(&sc.model, a), summary(&sc.model, b), "{}", sc.id);
        }
        if sc.id == "hungary_votes_no" {
            assert_eq!(run.reused, vec![Reused::Consistency]);
            assert_eq!(
                run.analyses.decided[0].consistency,
                base.decided[0].consistency
            );
        }
    }
}
