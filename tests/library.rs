//! The library anywhere: `use "std/NAME"` reaches the embedded library from any directory,
//! `TREATY_PATH` is searched for imports not found next to their file, errors inside an
//! embedded file name it `std/NAME.treaty`, and a library file reached both through `std/`
//! and through its path in the repository is one file.

use assert_cmd::Command;

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("treaty-lib-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> std::path::PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `treaty ARGS` run in `dir`, without any `TREATY_PATH` of the caller's.
fn run_in(dir: &std::path::Path, args: &[&str], search: Option<&str>) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_treaty"));
    c.current_dir(dir).args(args).arg("--color=never");
    c.env_remove("TREATY_PATH");
    if let Some(s) = search {
        c.env("TREATY_PATH", s);
    }
    let out = c.output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const EU_DRAFT: &str = r#"use "std/eu-council"

treaty T "A draft the Council must adopt" {
  parties DEU, FRA
  clause 1 "Sanctions are lifted" { requires EU }
}

expect veto HUN over clause 1
expect no veto DEU over clause 1
"#;

/// A file in a directory outside the repository imports the Council by `std/` and its
/// decision is analysed: every member can veto under unanimity.
#[test]
fn std_imports_work_from_any_directory() {
    let dir = TempDir::new("anywhere");
    dir.write("draft.treaty", EU_DRAFT);
    let (code, out, err) = run_in(&dir.0, &["test", "draft.treaty"], None);
    assert_eq!(
        code, 1,
        "`expect no veto DEU` fails: DEU can veto too\n{out}{err}"
    );
    assert!(
        out.contains("pass  draft.treaty:8:1  expect veto HUN over clause 1"),
        "{out}"
    );
    assert!(out.contains("FAIL  draft.treaty:9:1"), "{out}");
    let (code, out, err) = run_in(&dir.0, &["check", "draft.treaty", "--list", "-v"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("loaded 3 files: draft.treaty, std/eu-council.treaty, std/actors.treaty"),
        "{out}"
    );
    assert!(
        out.contains(
            "clause 1 — EU (at most 0 members against and at most 0 members absent): can pass"
        ),
        "{out}"
    );
    assert!(
        out.contains("every one of the 27 members can veto"),
        "{out}"
    );
    // `.treaty` may be written.
    dir.write(
        "explicit.treaty",
        &EU_DRAFT.replace("std/eu-council", "std/eu-council.treaty"),
    );
    let (code, _, err) = run_in(&dir.0, &["check", "explicit.treaty"], None);
    assert_eq!(code, 0, "{err}");
}

/// Every file of the library loads on its own through `std/`.
#[test]
fn every_library_file_loads_through_std() {
    for f in treaty::model::library::FILES {
        let text = format!("use \"std/{}\"\n", f.name);
        if let Err((files, diags)) = treaty::load_str("user.treaty", &text) {
            let shown = treaty::report::diagnostics::render_all(&files, &diags, false);
            panic!("std/{} does not load:\n{shown}", f.name);
        }
    }
}

/// An unknown library name is an error at its `use`, with the nearest name.
#[test]
fn unknown_library_file_is_an_error_with_a_suggestion() {
    let dir = TempDir::new("unknown");
    dir.write("x.treaty", "use \"std/eu-councl\"\nactor Q \"q\"\n");
    let (code, _, err) = run_in(&dir.0, &["check", "x.treaty"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no library file `std/eu-councl`"), "{err}");
    assert!(err.contains("x.treaty:1:5"), "{err}");
    assert!(err.contains("did you mean `std/eu-council`?"), "{err}");
}

/// A problem inside an embedded file is shown at `std/NAME.treaty:LINE:COL`, with its
/// source line.
#[test]
fn errors_in_embedded_files_name_them_std() {
    let dir = TempDir::new("embedded-error");
    // Imported first, so the library's own `AUT` is the second declaration.
    dir.write("mine.treaty", "actor AUT \"My Austria\"\n");
    dir.write("x.treaty", "use \"mine.treaty\"\nuse \"std/actors\"\n");
    let (code, _, err) = run_in(&dir.0, &["check", "x.treaty"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("actor `AUT` is declared twice"), "{err}");
    let line = treaty::model::library::FILES
        .iter()
        .find(|f| f.name == "actors")
        .and_then(|f| f.text.lines().position(|l| l.contains("AUT \"Austria\"")))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("AUT is in rules/actors.treaty"));
    assert!(
        err.contains(&format!("[std/actors.treaty:{line}:3]")),
        "{err}"
    );
    assert!(
        err.contains("AUT \"Austria\","),
        "the embedded source line is shown: {err}"
    );
    assert!(
        err.contains("first declared here: mine.treaty:1:1"),
        "{err}"
    );
}

/// A relative `use` not found next to the file is searched in each directory of
/// `TREATY_PATH`, in order; a file next to the importing file comes first.
#[test]
fn treaty_path_is_searched_for_relative_imports() {
    let dir = TempDir::new("search");
    dir.write("first/shared.treaty", "actor A \"A from first\"\n");
    dir.write("second/shared.treaty", "actor A \"A from second\"\n");
    dir.write("second/only.treaty", "actor B \"B from second\"\n");
    dir.write(
        "work/draft.treaty",
        "use \"shared.treaty\"\nuse \"only.treaty\"\ntreaty T \"t\" { parties A, B\n clause 1 \"c\" { } }\n",
    );
    let work = dir.0.join("work");
    let (code, _, err) = run_in(&work, &["check", "draft.treaty"], None);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot read `shared.treaty`: no such file"),
        "{err}"
    );
    assert!(
        err.contains("TREATY_PATH"),
        "the hint names the search path: {err}"
    );
    let search = format!(
        "{}:{}:{}",
        dir.0.join("missing").display(),
        dir.0.join("first").display(),
        dir.0.join("second").display()
    );
    let (code, out, err) = run_in(&work, &["check", "draft.treaty", "--list"], Some(&search));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("A from first"), "{out}");
    assert!(out.contains("B from second"), "{out}");
    // Next to the file wins over the search path.
    dir.write("work/shared.treaty", "actor A \"A next to it\"\n");
    let (code, out, err) = run_in(&work, &["check", "draft.treaty", "--list"], Some(&search));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("A next to it"), "{out}");
    assert!(!out.contains("A from first"), "{out}");
}

/// A library file imported both through `std/` and through its path in the repository is
/// loaded once: nothing is declared twice.
#[test]
fn a_library_file_reached_two_ways_is_one_file() {
    let dir = TempDir::new("twice");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let by_path = repo.join("institutions/eu-council.treaty");
    dir.write(
        "both.treaty",
        &EU_DRAFT.replace(
            "use \"std/eu-council\"",
            &format!("use \"std/eu-council\"\nuse \"{}\"", by_path.display()),
        ),
    );
    let (code, out, err) = run_in(&dir.0, &["check", "both.treaty", "--list"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("loaded 3 files: both.treaty, std/eu-council.treaty, std/actors.treaty"),
        "{out}"
    );
    // The other order: the repository's copy first (and its `../actors.treaty`).
    dir.write(
        "both2.treaty",
        &format!(
            "use \"{}\"\n{}",
            by_path.display(),
            EU_DRAFT.replace("std/eu-council", "std/eu-council.treaty")
        ),
    );
    let (code, out, err) = run_in(&dir.0, &["check", "both2.treaty", "--list"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("loaded 3 files: both2.treaty, /"), "{out}");
    assert!(
        !out.contains("std/"),
        "the copies on disk were reached first: {out}"
    );
}
