//! Runs every command of `docs/tutorial.md` and compares its output with the text there.
//! A ```console block holds `$ treaty ARGS`, the expected stdout then stderr, and a last
//! line `[exit N]` when the exit code is not 0.

use std::path::Path;
use std::process::Command;

#[test]
fn tutorial_commands_print_what_the_tutorial_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/tutorial.md"))
        .unwrap_or_else(|e| panic!("cannot read docs/tutorial.md: {e}"));
    let mut blocks = 0;
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```console\n") {
        let body = &rest[start + "```console\n".len()..];
        let end = body
            .find("```")
            .unwrap_or_else(|| panic!("unclosed console block"));
        let block = &body[..end];
        rest = &body[end + 3..];
        let (command, expected) = block.split_once('\n').unwrap_or((block, ""));
        let args: Vec<&str> = command
            .strip_prefix("$ treaty ")
            .unwrap_or_else(|| panic!("a console block must start with `$ treaty`: {command}"))
            .split_whitespace()
            .collect();
        let (expected, code) = match expected.trim_end_matches('\n').rsplit_once('\n') {
            Some((text, last)) if last.starts_with("[exit ") => (
                format!("{text}\n"),
                last.trim_start_matches("[exit ")
                    .trim_end_matches(']')
                    .parse::<i32>()
                    .unwrap_or(-1),
            ),
            _ => (expected.to_string(), 0),
        };
        let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
            .args(&args)
            .current_dir(root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap_or_else(|e| panic!("cannot run treaty: {e}"));
        let got = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            got, expected,
            "output of `{command}` differs from docs/tutorial.md"
        );
        assert_eq!(out.status.code(), Some(code), "exit code of `{command}`");
        blocks += 1;
    }
    assert!(blocks >= 7, "only {blocks} commands found in the tutorial");
}
