//! The command line contract: exit codes, version, broken pipes, unreadable files, and
//! hostile input (huge lines, devices, FIFOs, deep imports, thousands of errors).

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

// ---------------------------------------------------------------- robustness (issue 10)

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("treaty-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> std::path::PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `treaty` in `dir` and returns its exit code, stdout and stderr. A run that has not
/// ended after a generous deadline is killed and fails the test: it guards against a hang
/// (a FIFO, `/dev/zero`), it does not measure speed.
fn run_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Std::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .arg("--color=never")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    // Drain both pipes on threads so that a large output cannot block the child.
    let mut out = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut err = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`treaty {}` did not finish", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = |h: std::thread::JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&h.join().unwrap_or_default()).into_owned()
    };
    (status.code(), text(out), text(err))
}

/// A member id longer than Rust's formatting width limit used to panic in the power table.
#[test]
fn power_table_with_a_very_long_member_id_does_not_panic() {
    let dir = TempDir::new("long-member");
    let id = "a".repeat(70_000);
    dir.write(
        "body.treaty",
        &format!("actor {id} \"x\"\nactor B \"b\"\nbody C \"c\" {{ members {id}, B }}\n"),
    );
    let (code, out, err) = run_in(&dir.0, &["power", "body.treaty", "--body", "C"]);
    assert!(!err.contains("panicked"), "{}", &err[..err.len().min(2000)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("B "), "{out}");
    let (code, json, err) = run_in(
        &dir.0,
        &["power", "body.treaty", "--body", "C", "--format", "json"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        json.contains(&format!("\"member\": \"{id}\"")),
        "JSON keeps the exact id"
    );
}

/// A related label ("first declared here") far to the right on another line used to panic
/// inside miette ("Formatting argument out of range").
#[test]
fn labels_on_very_long_lines_do_not_panic() {
    let dir = TempDir::new("long-lines");
    let long = "x".repeat(70_000);
    let cases = [
        // The first declaration spans 70,000 columns.
        format!("actor A \"{long}\"\nactor A \"a\"\n"),
        // The first declaration starts past column 65,535.
        format!("actor B \"{long}\" actor A \"y\"\nactor A \"a\"\n"),
        // Both on the long line, the primary label past column 65,535.
        format!("actor A \"y\" actor B \"{long}\" actor A \"a\"\n"),
    ];
    for (i, text) in cases.iter().enumerate() {
        let name = format!("case{i}.treaty");
        dir.write(&name, text);
        let (code, _, err) = run_in(&dir.0, &["check", &name]);
        assert!(
            !err.contains("panicked"),
            "case {i}: {}",
            &err[..err.len().min(2000)]
        );
        assert_eq!(code, Some(2), "case {i}");
        assert!(err.contains("actor `A` is declared twice"), "case {i}");
        assert!(err.contains("first declared here"), "case {i}");
        assert!(
            err.lines().all(|l| l.chars().count() < 400),
            "case {i}: a line of the rendering is not cut"
        );
    }
}

/// Past 100 problems the rest are counted, not rendered.
#[test]
fn many_errors_render_the_first_100_and_count_all() {
    let dir = TempDir::new("many-errors");
    dir.write("many.treaty", &"actor 1 \"x\"\n".repeat(150));
    let (code, _, err) = run_in(&dir.0, &["check", "many.treaty"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        err.matches("error[E0101]: expected a name, found `1`")
            .count(),
        100
    );
    assert!(err.contains("many.treaty:100:7"), "{err}");
    assert!(!err.contains("many.treaty:101:7"), "{err}");
    assert!(
        err.ends_with(
            "error: 150 problems found (the first 100 shown); nothing was analysed\n\
             for more about an error code, run `treaty explain E0101`\n"
        ),
        "{}",
        &err[err.len().saturating_sub(300)..]
    );
    // Exactly 100: every problem is shown, with the usual closing line.
    dir.write("hundred.treaty", &"actor 1 \"x\"\n".repeat(100));
    let (code, _, err) = run_in(&dir.0, &["check", "hundred.treaty"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        err.matches("error[E0101]: expected a name, found `1`")
            .count(),
        100
    );
    assert!(
        err.ends_with(
            "\nerror: 100 problems found; nothing was analysed\n\
             for more about an error code, run `treaty explain E0101`\n"
        ),
        "{}",
        &err[err.len().saturating_sub(300)..]
    );
}

/// `/dev/zero` reports a size of 0 and never ends: it is refused, not read.
#[test]
fn a_device_is_refused_on_the_command_line_and_in_use() {
    if !std::path::Path::new("/dev/zero").exists() {
        eprintln!("skipped: no /dev/zero on this system");
        return;
    }
    let dir = TempDir::new("dev-zero");
    let (code, _, err) = run_in(&dir.0, &["check", "/dev/zero"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot read `/dev/zero`: it is a character device, not a regular file"),
        "{err}"
    );
    dir.write("uses.treaty", "use \"/dev/zero\"\nactor A \"a\"\n");
    let (code, _, err) = run_in(&dir.0, &["check", "uses.treaty"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot read `/dev/zero`: it is a character device, not a regular file"),
        "{err}"
    );
    assert!(
        err.contains("uses.treaty:1:5"),
        "located at the `use`: {err}"
    );
}

/// Reading a FIFO with no writer blocks forever: it is refused, not opened.
#[test]
fn a_fifo_is_refused() {
    let dir = TempDir::new("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.0.join("pipe.treaty"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let (code, _, err) = run_in(&dir.0, &["check", "pipe.treaty"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot read `pipe.treaty`: it is a FIFO (named pipe), not a regular file"),
        "{err}"
    );
    dir.write("uses.treaty", "use \"pipe.treaty\"\nactor A \"a\"\n");
    let (code, _, err) = run_in(&dir.0, &["check", "uses.treaty"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("it is a FIFO (named pipe)"), "{err}");
    // A directory is refused as before.
    let (code, _, err) = run_in(&dir.0, &["check", "."]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("cannot read `.`: it is a directory"), "{err}");
}

/// A file over 64 MiB is refused without being read.
#[test]
fn a_file_over_64_mib_is_refused() {
    let dir = TempDir::new("big");
    let path = dir.write("big.treaty", "");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("{e}"));
    // Sparse: no disk space is used.
    file.set_len(64 * 1024 * 1024 + 1)
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = run_in(&dir.0, &["check", "big.treaty"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot read `big.treaty`: it is larger than 64 MiB"),
        "{err}"
    );
}

/// A chain of 1,000 files, each importing the next, stops at the import depth limit.
#[test]
fn a_use_chain_deeper_than_the_limit_is_an_error() {
    let dir = TempDir::new("use-chain");
    let n = 1000;
    for i in 0..n {
        let mut text = String::new();
        if i + 1 < n {
            text.push_str(&format!("use \"f{}.treaty\"\n", i + 1));
        }
        text.push_str(&format!("actor A{i} \"x\"\n"));
        dir.write(&format!("f{i}.treaty"), &text);
    }
    let (code, _, err) = run_in(&dir.0, &["check", "f0.treaty"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("error[E0004]: imports nested more than 256 deep"),
        "{err}"
    );
    // The 256th file's `use` is the one that would open a 257th.
    assert!(err.contains("f255.treaty:1:5"), "{err}");
    assert!(
        err.contains("error: 1 problem found; nothing was analysed"),
        "{err}"
    );
}

/// `treaty test DIR` does not follow a link back into the tree (it used to recurse until
/// the stack overflowed) and still tests the files there.
#[test]
fn a_directory_link_loop_in_treaty_test_ends() {
    let dir = TempDir::new("loop");
    dir.write("a.treaty", "actor A \"a\"\nexpect consistent\n");
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(&dir.0, dir.0.join("again"));
    }
    let (code, out, err) = run_in(&dir.0, &["test", "."]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
}

/// The README shows the start of the main job's output: it must be the real output.
#[test]
fn readme_shows_the_main_jobs_real_output() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    let start = readme
        .find("`treaty check` on the plan starts:\n\n")
        .unwrap_or_else(|| panic!("README: the main job's output is not introduced"));
    let shown: Vec<&str> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| *l != "    ...")
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect();
    let out = treaty()
        .args(["check", "rules/treaties/peace-plan-28.treaty"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let real: Vec<&str> = text.lines().take(shown.len()).collect();
    assert!(shown.len() > 5, "README shows too little: {shown:?}");
    assert_eq!(
        shown, real,
        "README.md's excerpt of the main job is out of date"
    );
}

/// `treaty diff` of a draft with itself: no change, not worse, exit 0, in both formats.
#[test]
fn a_draft_diffed_with_itself_shows_no_change() {
    for file in [
        "rules/treaties/peace-plan-28.treaty",
        "rules/treaties/e3-counter-draft.treaty",
        "rules/treaties/framework-20.treaty",
        "tests/cases/diff/old.treaty",
        "tests/cases/diff/new.treaty",
    ] {
        let out = treaty()
            .args(["diff", file, file, "--color=never"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{file}: {text}");
        assert!(text.starts_with("NEW is not worse\n"), "{file}: {text}");
        assert!(text.ends_with("\nno change\n"), "{file}: {text}");
        let out = treaty()
            .args(["diff", file, file, "--format", "json"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(0), "{file}");
        let doc: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(doc["version"], 1, "{file}");
        assert_eq!(doc["changed"], false, "{file}");
        assert_eq!(doc["worse"], false, "{file}");
    }
}

/// The diff is directed: the worse draft as NEW exits 1, the same pair swapped exits 0; a
/// side that does not load is an input error.
#[test]
fn diff_exit_codes() {
    let run = |args: &[&str]| {
        treaty()
            .args(args)
            .arg("--color=never")
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
            .status
            .code()
    };
    let (old, new) = ("tests/cases/diff/old.treaty", "tests/cases/diff/new.treaty");
    assert_eq!(run(&["diff", old, new]), Some(1));
    assert_eq!(run(&["diff", new, old]), Some(0));
    assert_eq!(
        run(&["diff", old, "tests/cases/no-such-file.treaty"]),
        Some(2)
    );
    assert_eq!(run(&["diff", old, new, "--rlimit", "1"]), Some(3));
}

/// The human report is coloured when asked (CLICOLOR_FORCE), never under NO_COLOR, and plain
/// in a pipe otherwise; the text is the same once the escapes are stripped.
#[test]
fn the_report_is_coloured_only_when_asked() {
    let run = |env: &[(&str, &str)]| {
        let mut c = treaty();
        c.args(["check", "tests/cases/analysis/guaranteed-open.treaty"])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR")
            .env("TERM", "xterm-256color");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let plain = run(&[]);
    assert!(!plain.contains('\u{1b}'), "escapes in a pipe: {plain}");
    let forced = run(&[("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.contains("\u{1b}[1m\u{1b}[31mINFEASIBLE\u{1b}[0m"),
        "no colour under CLICOLOR_FORCE=1: {forced}"
    );
    let mut stripped = String::new();
    let mut chars = forced.chars();
    while let Some(ch) = chars.next() {
        if ch == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            stripped.push(ch);
        }
    }
    assert_eq!(stripped, plain);
    let no_color = run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(
        !no_color.contains('\u{1b}'),
        "escapes under NO_COLOR: {no_color}"
    );
    let dumb = run(&[("TERM", "dumb")]);
    assert!(!dumb.contains('\u{1b}'));
}
