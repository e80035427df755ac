//! One snapshot per fixture under `tests/cases/` (in the manner of tweag/nickel): the
//! fixture's leading `// test: ARGS` lines give the `treaty` arguments of each run (default
//! one `check`), the fixture path is appended, and stdout, stderr and the exit code of
//! every run are snapshotted, in order. A `// test-args: ARGS` line runs ARGS as they are,
//! without the fixture path (commands on other files, e.g. `diff` of two library drafts).
//! Paths are relative to the crate root and colour is off, so snapshots are stable.

use std::path::Path;
use std::process::Command;

fn run_fixture(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_default();
    let runs: Vec<(bool, Vec<String>)> = bytes
        .split(|b| *b == b'\n')
        .map(String::from_utf8_lossy)
        .map_while(|line| {
            let words = |a: &str| a.split_whitespace().map(str::to_string).collect();
            if let Some(a) = line.strip_prefix("// test-args:") {
                Some((false, words(a)))
            } else {
                line.strip_prefix("// test:").map(|a| (true, words(a)))
            }
        })
        .collect();
    if runs.is_empty() {
        return run(path, &["check".to_string()], true);
    }
    runs.iter()
        .map(|(with_path, args)| run(path, args, *with_path))
        .collect::<Vec<_>>()
        .join("\n")
}

fn run(path: &Path, args: &[String], with_path: bool) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rel = if with_path {
        path.strip_prefix(root).unwrap_or(path)
    } else {
        Path::new("")
    };
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .args(with_path.then_some(rel))
        .arg("--color=never")
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run treaty: {e}"));
    let code = out
        .status
        .code()
        .map_or("signal".to_string(), |c| c.to_string());
    format!(
        "command: treaty {} {}\nexit: {code}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        rel.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn fixtures() {
    insta::glob!("cases/**/*.treaty", |path| {
        insta::assert_snapshot!(run_fixture(path));
    });
}

/// Every malformed fixture fails as an input error: exit 2, a located message, no panic.
#[test]
fn malformed_inputs_exit_2_with_a_location() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/errors");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.extension().and_then(|e| e.to_str()) != Some("treaty") {
            continue;
        }
        count += 1;
        let out = run_fixture(&path);
        assert!(
            out.contains("\nexit: 2\n"),
            "{} did not exit 2:\n{out}",
            path.display()
        );
        assert!(
            !out.contains("panicked"),
            "{} panicked:\n{out}",
            path.display()
        );
        assert!(
            out.contains("error: "),
            "{} has no error message:\n{out}",
            path.display()
        );
        // file:line:column of the problem, as miette prints it.
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(
            out.contains(&format!("{name}:")) || out.contains("cycle-b.lib:"),
            "{} has no located message:\n{out}",
            path.display()
        );
    }
    assert!(count >= 40, "only {count} malformed fixtures");
}
