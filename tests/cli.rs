//! The command line contract: exit codes, version, broken pipes, unreadable files.

use assert_cmd::Command;

fn treaty() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_treaty"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn version_names_the_linked_z3() {
    let out = treaty()
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("treaty "), "{text}");
    assert!(text.contains("Z3 "), "{text}");
}

#[test]
fn unreadable_file_is_an_input_error() {
    let out = treaty()
        .args(["check", "tests/cases/no-such-file.treaty", "--color=never"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read `tests/cases/no-such-file.treaty`: no such file"),
        "{err}"
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let out = treaty()
        .args(["check"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let out = treaty()
        .args(["frobnicate"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["check", "tests/cases/ok/rules.treaty", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    // Read one byte, then close our end, as `| head -c1` would.
    let mut stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut one = [0u8; 1];
    let _ = stdout.read(&mut one);
    drop(stdout);
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        matches!(out.status.code(), Some(0)),
        "exit {:?}: {err}",
        out.status.code()
    );
}

#[test]
fn output_is_deterministic() {
    let run = || {
        treaty()
            .args(["check", "tests/cases/ok/listing.treaty", "--format", "json"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
            .stdout
    };
    assert_eq!(run(), run());
}
