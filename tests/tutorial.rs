//! Runs every command of `docs/tutorial.md` and compares its output with the text there.
//! A ```console block holds `$ treaty ARGS`, the expected stdout then stderr, and a last
//! line `[exit N]` when the exit code is not 0. After a deliberate change of output, run
//! `TREATY_UPDATE_TUTORIAL=1 cargo test --test tutorial` to rewrite the blocks, then
//! review the diff.

use std::path::Path;
use std::process::Command;

/// Runs `treaty ARGS` from the crate root; the block text it should produce.
fn run(root: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run treaty: {e}"));
    let mut text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    match out.status.code() {
        Some(0) => {}
        Some(c) => text.push_str(&format!("[exit {c}]\n")),
        None => text.push_str("[killed by a signal]\n"),
    }
    text
}

#[test]
fn tutorial_commands_print_what_the_tutorial_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("docs/tutorial.md");
    let doc = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read docs/tutorial.md: {e}"));
    let update = std::env::var_os("TREATY_UPDATE_TUTORIAL").is_some();
    let mut rewritten = String::new();
    let mut blocks = 0;
    let mut rest = doc.as_str();
    const OPEN: &str = "```console\n";
    while let Some(start) = rest.find(OPEN) {
        let body = &rest[start + OPEN.len()..];
        let end = body
            .find("```")
            .unwrap_or_else(|| panic!("unclosed console block"));
        let block = &body[..end];
        let (command, expected) = block.split_once('\n').unwrap_or((block, ""));
        let args: Vec<&str> = command
            .strip_prefix("$ treaty ")
            .unwrap_or_else(|| panic!("a console block must start with `$ treaty`: {command}"))
            .split_whitespace()
            .collect();
        let got = run(root, &args);
        if update {
            rewritten.push_str(&rest[..start + OPEN.len()]);
            rewritten.push_str(command);
            rewritten.push('\n');
            rewritten.push_str(&got);
        } else {
            assert_eq!(
                got, expected,
                "output of `{command}` differs from docs/tutorial.md"
            );
        }
        rest = &body[end..];
        blocks += 1;
    }
    if update {
        rewritten.push_str(rest);
        std::fs::write(&path, rewritten).unwrap_or_else(|e| panic!("cannot write: {e}"));
    }
    assert!(blocks >= 7, "only {blocks} commands found in the tutorial");
}
