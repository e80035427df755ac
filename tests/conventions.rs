//! The command-line conventions: shell completions, the manual page, `--help` with exit
//! codes and examples, `power --sort/--top/--timeout`, and `treaty test` (folders left
//! out, no expectations warned about, a solver give-up reported without stopping the run).
//! Progress indicators draw only on a terminal: every run here has stderr on a pipe, and
//! the runs that succeed assert that stderr stays empty.

use assert_cmd::Command;

const SUBCOMMANDS: [&str; 9] = [
    "check",
    "vetoes",
    "power",
    "test",
    "diff",
    "scenarios",
    "repair",
    "completions",
    "man",
];

fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .current_dir(dir)
        .args(args)
        .arg("--color=never")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("treaty-conv-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn completions_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(err.is_empty(), "{shell}: {err}");
        for sub in SUBCOMMANDS {
            assert!(out.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(out.contains("max-conflicts"), "{shell}: options too");
    }
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is a usage error: {err}");
}

#[test]
fn man_page_is_roff_with_every_subcommand_and_the_exit_codes() {
    let (code, out, err) = run(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(".TH treaty 1"), "{out}");
    for sub in SUBCOMMANDS {
        assert!(
            out.contains(&format!("treaty\\-{sub}(1)")),
            "man lacks {sub}"
        );
    }
    assert!(out.contains("Exit codes:"), "{out}");
    let (code, out, err) = run(&["man", "power"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(".TH treaty-power 1"), "{out}");
    assert!(out.contains("\\-\\-sort"), "{out}");
    let (code, _, err) = run(&["man", "powr"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown subcommand `powr`"), "{err}");
}

#[test]
fn help_gives_exit_codes_and_two_examples() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for line in [
        "Exit codes:",
        "  0  no finding",
        "  1  findings",
        "  2  input or usage error",
        "  3  the solver gave up",
        "Examples:",
        "  treaty check rules/treaties/peace-plan-28.treaty",
        "  treaty power draft.treaty --body EU --sort banzhaf --top 5",
    ] {
        assert!(out.contains(line), "--help lacks {line:?}:\n{out}");
    }
}

const WEIGHTED: &str = r#"actors { A "a", B "b", C "c", D "d", E "e" }
body W "A weighted body" {
  members { A votes 1, B votes 7, C votes 4, D votes 4, E votes 2 }
  decides by at least 10 votes
}
"#;

fn rows(json: &str) -> Vec<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
    v["members"]
        .as_array()
        .unwrap_or_else(|| panic!("members"))
        .iter()
        .map(|m| {
            (
                m["member"].as_str().unwrap_or_default().to_string(),
                m["banzhaf"]["exact"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                m["shapley_shubik"]["exact"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn value(f: &str) -> f64 {
    let (n, d) = f.split_once('/').unwrap_or((f, "1"));
    n.parse::<f64>().unwrap_or(f64::NAN) / d.parse::<f64>().unwrap_or(f64::NAN)
}

#[test]
fn power_sorts_and_cuts_the_rows() {
    let dir = TempDir::new("power");
    dir.write("w.treaty", WEIGHTED);
    let base = ["power", "w.treaty", "--body", "W", "--format", "json"];
    let (code, plain, err) = run_in(&dir.0, &base);
    assert_eq!(code, 0, "{err}");
    let plain = rows(&plain);
    let names: Vec<&str> = plain.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["A", "B", "C", "D", "E"], "body order by default");
    for (key, col) in [("banzhaf", 1), ("shapley", 2)] {
        let (code, out, err) = run_in(&dir.0, &[&base[..], &["--sort", key]].concat());
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(&format!("\"sort\": \"{key}\"")), "{out}");
        let sorted = rows(&out);
        let mut expected = plain.clone();
        // Stable: ties keep the body's order.
        expected.sort_by(|a, b| {
            let (x, y) = match col {
                1 => (value(&a.1), value(&b.1)),
                _ => (value(&a.2), value(&b.2)),
            };
            y.total_cmp(&x)
        });
        assert_eq!(sorted, expected, "{key}");
    }
    let (code, out, err) = run_in(
        &dir.0,
        &[&base[..], &["--sort", "weight", "--top", "2"]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    let top: Vec<String> = rows(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(top, ["B", "C"], "7 votes, then the first of the two with 4");
    assert!(out.contains("\"top\": 2"), "{out}");
    let (code, out, err) = run_in(
        &dir.0,
        &[
            "power", "w.treaty", "--body", "W", "--sort", "name", "--top", "3",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "no progress output off a terminal: {err}");
    assert!(
        out.contains("note: the first 3 of 5 members by name are listed"),
        "{out}"
    );
    assert!(!out.contains("\nD "), "{out}");
    // A --top past the size lists everyone and says nothing.
    let (_, out, _) = run_in(&dir.0, &[&base[..], &["--top", "9"]].concat());
    assert_eq!(rows(&out).len(), 5);
    assert!(!out.contains("\"top\""), "{out}");
}

/// The IMF's power indices take far longer than a second (tens of seconds optimised):
/// `--timeout 1` ends the run with exit 3 and says so, soon after the second.
#[test]
fn power_gives_up_cleanly_at_its_timeout() {
    let start = std::time::Instant::now();
    let (code, out, err) = run(&[
        "power",
        "rules/institutions/imf.treaty",
        "--body",
        "IMF",
        "--timeout",
        "1",
    ]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("gave up computing power indices after 1 s (--timeout)"),
        "{err}"
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
}

const PASSING: &str = "actors { A \"a\", B \"b\" }\nbody Two \"t\" { members A, B }\n\
treaty T \"t\" { parties A\n clause 1 \"c\" { requires Two } }\nexpect veto B over clause 1\n";
/// PASSING with a content formula, so that its analysis asks the solver (a file without
/// formulas never makes a Z3 context, so it cannot give up).
const NEEDS_SOLVER: &str = "actors { A \"a\", B \"b\" }  var x: int\nbody Two \"t\" { members A, B }\n\
treaty T \"t\" { parties A\n clause 1 \"c\" { x >= 1  requires Two } }\nexpect veto B over clause 1\n";
const FAILING: &str = "actors { A \"a\", B \"b\" }\nbody Two \"t\" { members A, B }\n\
treaty T \"t\" { parties A\n clause 1 \"c\" { requires Two } }\nexpect no veto B over clause 1\n";

#[test]
fn test_leaves_out_hidden_target_and_marked_folders() {
    let dir = TempDir::new("skip");
    dir.write("suite/good.treaty", PASSING);
    dir.write("suite/.hidden/bad.treaty", FAILING);
    dir.write("suite/target/bad.treaty", FAILING);
    dir.write("suite/broken/bad.treaty", "this does not parse\n");
    dir.write("suite/broken/.treaty-test-skip", "");
    dir.write("suite/deeper/more/good.treaty", PASSING);
    let (code, out, err) = run_in(&dir.0, &["test", "suite"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.is_empty(), "{err}");
    assert!(out.ends_with("2 passed, 0 failed\n"), "{out}");
    assert!(out.contains("suite/deeper/more/good.treaty"), "{out}");
    // Without the marker, the broken folder is tested (and breaks the run).
    std::fs::remove_file(dir.0.join("suite/broken/.treaty-test-skip"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, out, _) = run_in(&dir.0, &["test", "suite"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("1 file(s) could not be loaded"), "{out}");
    // A file named explicitly is tested wherever it is.
    let (code, out, _) = run_in(&dir.0, &["test", "suite/target/bad.treaty"]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn the_repository_error_fixtures_are_marked() {
    let (code, out, err) = run(&["test", "tests/cases/errors"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("0 passed, 0 failed\n"), "{out}");
    assert!(
        err.contains("warning: no `expect` found in tests/cases/errors"),
        "{err}"
    );
}

#[test]
fn test_warns_when_it_finds_no_expectation() {
    let dir = TempDir::new("none");
    dir.write("plain.treaty", "actor A \"a\"\n");
    let (code, out, err) = run_in(&dir.0, &["test", "."]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("0 passed, 0 failed\n"), "{out}");
    assert!(err.contains("warning: no `expect` found in ."), "{err}");
    dir.write("with.treaty", PASSING);
    let (_, _, err) = run_in(&dir.0, &["test", "."]);
    assert!(err.is_empty(), "{err}");
}

/// With a solver budget too small for anything, every file's expectations are reported as
/// given up, the run goes on to the next file, a power expectation (no solver) is still
/// checked, and the exit code is 3.
#[test]
fn test_goes_on_after_a_give_up() {
    let dir = TempDir::new("gaveup");
    dir.write("a.treaty", NEEDS_SOLVER);
    dir.write(
        "b.treaty",
        &format!("{NEEDS_SOLVER}expect power Two B banzhaf == 1/2\n"),
    );
    let (code, out, err) = run_in(&dir.0, &["test", ".", "--rlimit", "1"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("GAVE UP  a.treaty:5:1  expect veto B over clause 1"),
        "{out}"
    );
    assert!(
        out.contains("GAVE UP  b.treaty:5:1  expect veto B over clause 1"),
        "{out}"
    );
    assert!(out.contains("the solver gave up"), "{out}");
    assert!(
        out.contains("pass  b.treaty:6:1  expect power Two B banzhaf == 1/2"),
        "{out}"
    );
    assert!(
        out.contains("2 expectation(s) not decided: the solver gave up"),
        "{out}"
    );
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
    let (code, out, _) = run_in(&dir.0, &["test", "."]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("3 passed, 0 failed\n"), "{out}");
}
