//! `treaty fmt` on the command line: rewriting in place only what changes, `--check` (diff,
//! exit 1, nothing written), standard input, files that do not parse (exit 2, left alone),
//! and which files a directory walk takes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn treaty() -> Command {
    let mut c = Command::cargo_bin("treaty").unwrap_or_else(|e| panic!("{e}"));
    c.arg("--color=never").env("NO_COLOR", "1");
    c
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("treaty-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"))
}

const MESSY: &str = "var x:int\nfact x>=100000 // big\n";
const TIDY: &str = "var x: int\nfact x >= 100_000  // big\n";

#[test]
fn rewrites_in_place_and_then_has_nothing_to_do() {
    let dir = scratch("rewrite");
    let file = dir.join("a.treaty");
    write(&file, MESSY);
    let out = treaty()
        .arg("fmt")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty());
    assert_eq!(read(&file), TIDY);
    let out = treaty()
        .args(["fmt", "--check"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty());
}

#[test]
fn check_prints_a_diff_writes_nothing_and_exits_1() {
    let dir = scratch("check");
    let file = dir.join("a.treaty");
    write(&file, MESSY);
    let out = treaty()
        .args(["fmt", "--check"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let name = file.display().to_string();
    let want = format!(
        "--- {name}\n+++ {name}\n@@ -1,2 +1,2 @@\n-var x:int\n-fact x>=100000 // big\n+var x: int\n+fact x >= 100_000  // big\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
    assert_eq!(read(&file), MESSY);
}

#[test]
fn standard_input_to_standard_output() {
    for args in [&["fmt", "-"][..], &["fmt", "--stdin"][..]] {
        let out = treaty()
            .args(args)
            .write_stdin(MESSY)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), TIDY);
    }
    let out = treaty()
        .args(["fmt", "-"])
        .write_stdin(TIDY)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), TIDY);
}

#[test]
fn a_file_that_does_not_parse_is_reported_and_left_alone() {
    let dir = scratch("broken");
    let bad = dir.join("bad.treaty");
    let good = dir.join("good.treaty");
    let broken = "var x:int\nfact x >=\n";
    write(&bad, broken);
    write(&good, MESSY);
    let out = treaty()
        .arg("fmt")
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.treaty:3:1"), "{err}");
    assert_eq!(read(&bad), broken);
    // The other files are still formatted.
    assert_eq!(read(&good), TIDY);
    let out = treaty()
        .args(["fmt", "-"])
        .write_stdin(broken)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>:3:1"));
}

#[test]
fn directories_skip_hidden_target_and_error_fixtures() {
    let dir = scratch("walk");
    let taken = [dir.join("a.treaty"), dir.join("sub/b.treaty")];
    let skipped = [
        dir.join(".hidden/c.treaty"),
        dir.join("target/d.treaty"),
        dir.join("tests/cases/errors/e.treaty"),
        dir.join("notes.txt"),
    ];
    for f in taken.iter().chain(&skipped) {
        write(f, MESSY);
    }
    // The error fixtures are marked as files that must not load, as in the repository.
    write(&dir.join("tests/cases/errors/.treaty-test-skip"), "");
    let out = treaty()
        .args(["fmt", "--check"])
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let named: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("--- "))
        .collect();
    let want: Vec<String> = taken.iter().map(|f| f.display().to_string()).collect();
    assert_eq!(named, want);
    // A file named on the command line is formatted wherever it is.
    let out = treaty()
        .arg("fmt")
        .arg(&skipped[1])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(read(&skipped[1]), TIDY);
}

#[test]
fn usage_errors_exit_2() {
    let out = treaty()
        .arg("fmt")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = treaty()
        .args(["fmt", "-", "x.treaty"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = treaty()
        .args(["fmt", "no-such-file.treaty"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
