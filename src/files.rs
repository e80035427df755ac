//! Which `.treaty` files a command line names: each path that is not a directory as it is,
//! and the `.treaty` files under each directory. Shared by `treaty test` and `treaty fmt`.
//!
//! Invariants: the walk is in sorted order (a run's output is stable), never follows a link
//! to a directory (a link loop would never end) and stops `MAX_WALK_DEPTH` deep. Imports
//! nothing of the crate.

use std::path::{Path, PathBuf};

/// How deep `treaty_files` descends below a path given.
const MAX_WALK_DEPTH: usize = 64;

/// A directory holding a file of this name is not searched by `treaty test` or `treaty fmt`,
/// nor are the directories below it: fixtures that must fail to load (`tests/cases/errors`)
/// say so.
pub const SKIP_MARKER: &str = ".treaty-test-skip";

/// Whether the walk leaves the directory `dir` out: it holds `SKIP_MARKER`, or, below
/// a path given (`walked`), it is hidden (`.git`) or a build directory (`target`).
fn skipped(dir: &Path, walked: bool) -> bool {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    let by_name = name.is_some_and(|n| n.starts_with('.') || n == "target");
    (walked && by_name) || dir.join(SKIP_MARKER).exists()
}

/// The `.treaty` files under each path (a file is taken as it is), directories walked in
/// sorted order so that a run's output is stable. Links to directories inside the walk are
/// not followed (a link loop would never end) and the walk stops `MAX_WALK_DEPTH` deep.
/// Directories holding `SKIP_MARKER` are left out, and so are hidden and `target`
/// directories below a path given.
pub fn treaty_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            if !skipped(p, false) {
                walk(p, 0, &mut out);
            }
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for e in entries {
        let linked = e
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
        if e.is_dir() {
            if !linked && depth < MAX_WALK_DEPTH && !skipped(&e, true) {
                walk(&e, depth + 1, out);
            }
        } else if e.extension().is_some_and(|x| x == "treaty") {
            out.push(e);
        }
    }
}
