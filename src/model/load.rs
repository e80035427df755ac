//! Reading files and following `use` imports. Each file is read once (by canonical path);
//! a cycle, an unreadable import or a chain of imports deeper than `MAX_IMPORT_DEPTH` is
//! an error at its `use` line. Files come out with their imports first, so that
//! declarations are in a stable, dependency-first order. Imports are followed with an
//! explicit stack, never by recursion.
//!
//! Where a `use` path leads: `std/NAME` (`.treaty` optional) is the embedded library
//! (`library`), shown as `std/NAME.treaty`; any other path is relative to the importing
//! file and, when no file is there and the path is relative, searched in the directories
//! of `TREATY_PATH` in order. An embedded file's own `use` lines stay in the library. A
//! file on disk whose bytes are those of a library file (the repository's own
//! `rules/institutions/eu-council.treaty` and `std/eu-council`) is the same file: loaded
//! once, under the name it was first reached by, so importing it both ways declares
//! nothing twice.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::library::{self, LibFile};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::source::{FileId, Loc, SourceFile, Span};
use crate::syntax::ast::{Item, SourceAst};
use crate::syntax::parse_source;

/// The largest file read, so that a mistaken argument (a disk image) fails fast; only
/// regular files are read (`read_limited`).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Every file of a run with its syntax tree (when it parsed).
pub struct Loaded {
    pub files: Vec<SourceFile>,
    /// Parsed files in dependency-first order.
    pub asts: Vec<(FileId, SourceAst)>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    InProgress,
    Done,
}

/// What makes two loads the same file: its canonical path, or the library file it is
/// (embedded, or a byte-identical copy on disk).
#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Disk(PathBuf),
    Std(&'static str),
}

/// Where a file's text came from, against which its own `use` paths are resolved.
#[derive(Clone)]
enum Origin {
    Disk(PathBuf),
    Std(&'static LibFile),
}

/// The environment variable naming the directories searched for `use` paths not found
/// next to the importing file.
pub const SEARCH_PATH_VAR: &str = "TREATY_PATH";

struct Loader {
    files: Vec<SourceFile>,
    asts: Vec<(FileId, SourceAst)>,
    diagnostics: Vec<Diagnostic>,
    by_path: HashMap<Key, (FileId, State)>,
    /// Directories searched, in order, for relative `use` paths (`TREATY_PATH`).
    search: Vec<PathBuf>,
    /// Display names of the files being loaded, outermost first, for cycle messages.
    stack: Vec<String>,
}

/// Deepest chain of imports followed: a file that imports a file that imports ... at
/// most this many files in all. A deeper `use` is an error at its line.
pub const MAX_IMPORT_DEPTH: usize = 256;

/// A file whose `use` items are being followed.
struct Open {
    file: FileId,
    /// What identifies it (its canonical path, and the library file it is a copy of),
    /// marked done when the file closes (empty for text given directly).
    keys: Vec<Key>,
    origin: Origin,
    display: String,
    ast: SourceAst,
    /// Index of the next item to look at.
    next: usize,
}

/// Loads the files named on the command line and everything they import, searching
/// `TREATY_PATH` (`search_path`) for imports not found next to their file.
pub fn load_files(paths: &[PathBuf]) -> Loaded {
    load_files_in(paths, &search_path())
}

/// As `load_files`, with the search path given.
pub fn load_files_in(paths: &[PathBuf], search: &[PathBuf]) -> Loaded {
    let mut loader = Loader::new(search);
    for p in paths {
        let origin = Origin::Disk(p.clone());
        if let Some(open) = loader.open_file(origin, &display_path(p), None, 0) {
            loader.follow(open);
        }
    }
    loader.finish()
}

/// Loads source text given directly (tests, tools): `use` is resolved against the
/// current directory, then `TREATY_PATH`.
pub fn load_text(display: &str, text: &str) -> Loaded {
    let mut loader = Loader::new(&search_path());
    let origin = Origin::Disk(PathBuf::from(display));
    if let Some(open) = loader.open_text(origin, display, text.as_bytes().to_vec(), Vec::new()) {
        loader.follow(open);
    }
    loader.finish()
}

/// The directories of `TREATY_PATH` (separated by `:`, or `;` on Windows), empty ones
/// left out.
pub fn search_path() -> Vec<PathBuf> {
    std::env::var_os(SEARCH_PATH_VAR)
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

impl Loader {
    fn new(search: &[PathBuf]) -> Loader {
        Loader {
            files: Vec::new(),
            asts: Vec::new(),
            diagnostics: Vec::new(),
            by_path: HashMap::new(),
            search: search.to_vec(),
            stack: Vec::new(),
        }
    }

    fn finish(self) -> Loaded {
        Loaded {
            files: self.files,
            asts: self.asts,
            diagnostics: self.diagnostics,
        }
    }

    /// Follows the imports of `root`, and theirs, depth first, without recursion: the
    /// files being followed are on an explicit stack (at most `MAX_IMPORT_DEPTH`). Each
    /// file's syntax tree is recorded after those of its imports.
    fn follow(&mut self, root: Open) {
        let mut open = vec![root];
        while let Some(top) = open.last_mut() {
            let next_use = top.ast.items[top.next..]
                .iter()
                .position(|i| matches!(i, Item::Use(_)))
                .map(|k| top.next + k);
            let Some(i) = next_use else {
                if let Some(done) = open.pop() {
                    self.close(done);
                }
                continue;
            };
            top.next = i + 1;
            let Item::Use(target) = &top.ast.items[i] else {
                continue;
            };
            let loc = Loc {
                file: top.file,
                span: target.span,
            };
            if target.value.is_empty() {
                self.diagnostics.push(
                    Diagnostic::error(Code::EmptyUsePath, "`use` needs a file path", loc)
                        .with_label("empty path"),
                );
                continue;
            }
            let (origin, display) = match self.target(&top.origin, &top.display, &target.value) {
                Ok(t) => t,
                Err(d) => {
                    self.diagnostics.push(d.at(loc));
                    continue;
                }
            };
            let depth = open.len();
            if let Some(f) = self.open_file(origin, &display, Some(loc), depth) {
                open.push(f);
            }
        }
    }

    /// Where `use "value"` in a file from `from` (shown as `from_display`) leads, and the
    /// name to show it by.
    fn target(
        &self,
        from: &Origin,
        from_display: &str,
        value: &str,
    ) -> Result<(Origin, String), UseError> {
        if let Some(found) = library::by_import(value) {
            return match found {
                Ok(lib) => Ok((Origin::Std(lib), lib.display())),
                Err(name) => Err(UseError::NoLibraryFile(name)),
            };
        }
        match from {
            Origin::Std(lib) => {
                let dir = Path::new(lib.origin).parent().unwrap_or(Path::new(""));
                let origin = display_path(&dir.join(value));
                match library::by_origin(&origin) {
                    Some(next) => Ok((Origin::Std(next), next.display())),
                    None => Err(UseError::OutsideLibrary(value.to_string())),
                }
            }
            Origin::Disk(path) => {
                let base = path.parent().unwrap_or(Path::new(""));
                let next = base.join(value);
                let display_base = Path::new(from_display).parent().unwrap_or(Path::new(""));
                let display = display_path(&display_base.join(value));
                let missing = |p: &Path| {
                    std::fs::metadata(p).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
                };
                if Path::new(value).is_relative() && missing(&next) {
                    if let Some(dir) = self.search.iter().find(|d| !missing(&d.join(value))) {
                        let found = dir.join(value);
                        let display = display_path(&found);
                        return Ok((Origin::Disk(found), display));
                    }
                }
                Ok((Origin::Disk(next), display))
            }
        }
    }

    /// A file whose imports have all been followed: its syntax tree is recorded.
    fn close(&mut self, done: Open) {
        self.stack.pop();
        self.asts.push((done.file, done.ast));
        self.mark_done(&done.keys);
    }

    fn mark_done(&mut self, keys: &[Key]) {
        for k in keys {
            if let Some(entry) = self.by_path.get_mut(k) {
                entry.1 = State::Done;
            }
        }
    }

    /// `false` when the file `key` names was loaded before or is being loaded (then a
    /// cycle, reported at `used_at`).
    fn is_new(&mut self, key: &Key, display: &str, used_at: Option<Loc>) -> bool {
        match self.by_path.get(key) {
            None => true,
            Some((_, State::Done)) => false,
            Some((_, State::InProgress)) => {
                let mut chain = self.stack.clone();
                chain.push(display.to_string());
                let start = chain.iter().position(|d| d == display).unwrap_or(0);
                let msg = format!("import cycle: {}", chain[start..].join(" -> "));
                let d = match used_at {
                    Some(loc) => Diagnostic::error(Code::ImportCycle, msg, loc)
                        .with_label("this `use` closes the cycle"),
                    None => Diagnostic::bare(Code::ImportCycle, msg),
                }
                .with_help("move the shared declarations into a file that both can `use`");
                self.diagnostics.push(d);
                false
            }
        }
    }

    /// Reads and parses a file named on the command line (`used_at` is `None`) or by a
    /// `use` in a file `depth` imports deep. `Some` when it parsed and its imports are to
    /// be followed; `None` when it was loaded before, or on an error (reported).
    fn open_file(
        &mut self,
        origin: Origin,
        display: &str,
        used_at: Option<Loc>,
        depth: usize,
    ) -> Option<Open> {
        let key = match &origin {
            Origin::Disk(path) => {
                Key::Disk(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
            }
            Origin::Std(lib) => Key::Std(lib.name),
        };
        if !self.is_new(&key, display, used_at) {
            return None;
        }
        if let (Some(loc), true) = (used_at, depth >= MAX_IMPORT_DEPTH) {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::ImportTooDeep,
                    format!("imports nested more than {MAX_IMPORT_DEPTH} deep"),
                    loc,
                )
                .with_label(format!("`{display}` would be file {} of the chain", depth + 1))
                .with_help(format!(
                    "a chain of files, each importing the next, may be at most \
                     {MAX_IMPORT_DEPTH} files long; `use` the deeper files from a file nearer the top"
                )),
            );
            return None;
        }
        let mut keys = vec![key];
        let bytes = match &origin {
            Origin::Std(lib) => lib.text.as_bytes().to_vec(),
            Origin::Disk(path) => match read_limited(path) {
                Ok(b) => b,
                Err(reason) => {
                    let msg = format!("cannot read `{display}`: {reason}");
                    self.diagnostics.push(match used_at {
                        Some(loc) => Diagnostic::error(Code::Unreadable, msg, loc)
                            .with_label("imported here")
                            .with_help(format!(
                                "`use` paths are relative to the file that contains them, \
                                 then searched in the directories of {SEARCH_PATH_VAR}; \
                                 `use \"std/NAME\"` imports the shipped library"
                            )),
                        None => Diagnostic::bare(Code::Unreadable, msg),
                    });
                    return None;
                }
            },
        };
        // A copy of a library file is that file.
        if let (Origin::Disk(_), Some(lib)) = (&origin, library::by_text(&bytes)) {
            let same = Key::Std(lib.name);
            if !self.is_new(&same, display, used_at) {
                self.mark_done(&keys);
                return None;
            }
            keys.push(same);
        }
        for k in &keys {
            self.by_path
                .insert(k.clone(), (self.files.len(), State::InProgress));
        }
        let open = self.open_text(origin, display, bytes, keys.clone());
        if open.is_none() {
            self.mark_done(&keys);
        }
        open
    }

    /// Parses one file's bytes. `Some` when it parsed: its imports are then to be followed
    /// (`follow`) before its syntax tree is recorded (`close`).
    fn open_text(
        &mut self,
        origin: Origin,
        display: &str,
        bytes: Vec<u8>,
        keys: Vec<Key>,
    ) -> Option<Open> {
        let file = self.files.len();
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let bad = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                // The lossy text has U+FFFD (3 bytes) where the bad bytes were; valid_up_to
                // is the same offset in both.
                self.files.push(SourceFile::new(display, text));
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::NotUtf8,
                        format!("`{display}` is not valid UTF-8 (byte {bad})"),
                        Loc {
                            file,
                            span: Span {
                                start: bad,
                                end: bad + '\u{FFFD}'.len_utf8(),
                            },
                        },
                    )
                    .with_label("invalid UTF-8 here")
                    .with_help("save the file as UTF-8"),
                );
                return None;
            }
        };
        self.files.push(SourceFile::new(display, text));
        let (ast, diags) = parse_source(&self.files[file].text, file);
        self.diagnostics.extend(diags);
        let ast = ast?;
        self.stack.push(display.to_string());
        Some(Open {
            file,
            keys,
            origin,
            display: display.to_string(),
            ast,
            next: 0,
        })
    }
}

/// A `use` path that leads nowhere, before it is placed at its line.
enum UseError {
    /// `std/NAME` with no such library file.
    NoLibraryFile(String),
    /// A library file's relative `use` that leaves the library.
    OutsideLibrary(String),
}

impl UseError {
    fn at(self, loc: Loc) -> Diagnostic {
        match self {
            UseError::NoLibraryFile(name) => {
                let help = match did_you_mean(&name, library::names()) {
                    Some(h) => format!("did you mean `{}{h}`?", library::PREFIX),
                    None => format!(
                        "the library has: {}",
                        library::names()
                            .map(|n| format!("{}{n}", library::PREFIX))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                Diagnostic::error(
                    Code::Unreadable,
                    format!("no library file `{}{name}`", library::PREFIX),
                    loc,
                )
                .with_label("not in the shipped library")
                .with_help(help)
            }
            UseError::OutsideLibrary(value) => Diagnostic::error(
                Code::Unreadable,
                format!("`{value}` is not in the shipped library"),
                loc,
            )
            .with_label("a library file may import only library files"),
        }
    }
}

/// The bytes of a regular file of at most `MAX_FILE_BYTES`. Anything else (after
/// following symbolic links) is refused before it is opened: opening a FIFO waits for a
/// writer, and a device such as `/dev/zero` reports a size of 0 and never ends. The read
/// itself stops one byte past the limit, whatever size the file reported.
fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let too_large = || format!("it is larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024);
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if let Some(what) = not_a_regular_file(&meta.file_type()) {
        return Err(what);
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
    // What was opened may not be what was looked at a moment ago.
    let meta = file.metadata().map_err(|e| io_reason(&e))?;
    if let Some(what) = not_a_regular_file(&meta.file_type()) {
        return Err(what);
    }
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_FILE_BYTES) as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Why a file of this type is not read (`None` for a regular file).
fn not_a_regular_file(t: &std::fs::FileType) -> Option<String> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("it is a directory".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let what = if t.is_fifo() {
            Some("a FIFO (named pipe)")
        } else if t.is_socket() {
            Some("a socket")
        } else if t.is_char_device() {
            Some("a character device")
        } else if t.is_block_device() {
            Some("a block device")
        } else {
            None
        };
        if let Some(what) = what {
            return Some(format!("it is {what}, not a regular file"));
        }
    }
    Some("it is not a regular file".into())
}

/// An OS-independent reason, so that messages (and snapshots) are the same everywhere.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::InvalidData => "not valid text".into(),
        _ => "it could not be read".into(),
    }
}

/// A path as the user should read it: lexically normalised (`a/./b/../c` -> `a/c`),
/// with `/` separators on every platform.
pub fn display_path(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in path.components() {
        match c {
            Component::RootDir => absolute = true,
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..".into());
                }
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of exactly `MAX_IMPORT_DEPTH` files loads; one more file is an error at
    /// the last `use`. Files come out imports first.
    #[test]
    fn import_chains_up_to_the_limit_load() {
        let dir = std::env::temp_dir().join(format!("treaty-load-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let n = MAX_IMPORT_DEPTH + 1;
        for i in 0..n {
            let next = if i + 1 < n {
                format!("use \"f{}.treaty\"\n", i + 1)
            } else {
                String::new()
            };
            std::fs::write(
                dir.join(format!("f{i}.treaty")),
                format!("{next}actor A{i} \"x\"\n"),
            )
            .unwrap();
        }
        let ok = load_files(&[dir.join("f1.treaty")]);
        assert!(ok.diagnostics.is_empty());
        assert_eq!(ok.files.len(), MAX_IMPORT_DEPTH);
        let order: Vec<FileId> = ok.asts.iter().map(|(f, _)| *f).collect();
        assert_eq!(order, (0..MAX_IMPORT_DEPTH).rev().collect::<Vec<_>>());
        let deep = load_files(&[dir.join("f0.treaty")]);
        assert_eq!(deep.diagnostics.len(), 1);
        assert_eq!(
            deep.diagnostics[0].message,
            format!("imports nested more than {MAX_IMPORT_DEPTH} deep")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn normalises_display_paths() {
        assert_eq!(display_path(Path::new("./a/b/../c.treaty")), "a/c.treaty");
        assert_eq!(display_path(Path::new("../x/./y")), "../x/y");
        assert_eq!(display_path(Path::new("/r/a/../b")), "/r/b");
    }
}
