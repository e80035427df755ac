//! Reading files and following `use` imports. Each file is read once (by canonical path);
//! a cycle, an unreadable import or a chain of imports deeper than `MAX_IMPORT_DEPTH` is
//! an error at its `use` line. Files come out with their imports first, so that
//! declarations are in a stable, dependency-first order. Imports are followed with an
//! explicit stack, never by recursion.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Code, Diagnostic};
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

struct Loader {
    files: Vec<SourceFile>,
    asts: Vec<(FileId, SourceAst)>,
    diagnostics: Vec<Diagnostic>,
    by_path: HashMap<PathBuf, (FileId, State)>,
    /// Display names of the files being loaded, outermost first, for cycle messages.
    stack: Vec<String>,
}

/// Deepest chain of imports followed: a file that imports a file that imports ... at
/// most this many files in all. A deeper `use` is an error at its line.
pub const MAX_IMPORT_DEPTH: usize = 256;

/// A file whose `use` items are being followed.
struct Open {
    file: FileId,
    /// Its canonical path, marked done when the file closes (`None` for text given
    /// directly).
    key: Option<PathBuf>,
    path: PathBuf,
    display: String,
    ast: SourceAst,
    /// Index of the next item to look at.
    next: usize,
}

/// Loads the files named on the command line and everything they import.
pub fn load_files(paths: &[PathBuf]) -> Loaded {
    let mut loader = Loader::new();
    for p in paths {
        if let Some(open) = loader.open_file(p, &display_path(p), None, 0) {
            loader.follow(open);
        }
    }
    loader.finish()
}

/// Loads source text given directly (tests, tools): `use` is resolved against the
/// current directory.
pub fn load_text(display: &str, text: &str) -> Loaded {
    let mut loader = Loader::new();
    if let Some(open) =
        loader.open_text(Path::new(display), display, text.as_bytes().to_vec(), None)
    {
        loader.follow(open);
    }
    loader.finish()
}

impl Loader {
    fn new() -> Loader {
        Loader {
            files: Vec::new(),
            asts: Vec::new(),
            diagnostics: Vec::new(),
            by_path: HashMap::new(),
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
            let base = top.path.parent().unwrap_or(Path::new(""));
            let display_base = Path::new(&top.display).parent().unwrap_or(Path::new(""));
            let next = base.join(&target.value);
            let next_display = display_path(&display_base.join(&target.value));
            let depth = open.len();
            if let Some(f) = self.open_file(&next, &next_display, Some(loc), depth) {
                open.push(f);
            }
        }
    }

    /// A file whose imports have all been followed: its syntax tree is recorded.
    fn close(&mut self, done: Open) {
        self.stack.pop();
        self.asts.push((done.file, done.ast));
        if let Some(entry) = done.key.and_then(|k| self.by_path.get_mut(&k)) {
            entry.1 = State::Done;
        }
    }

    /// Reads and parses a file named on the command line (`used_at` is `None`) or by a
    /// `use` in a file `depth` imports deep. `Some` when it parsed and its imports are to
    /// be followed; `None` when it was loaded before, or on an error (reported).
    fn open_file(
        &mut self,
        path: &Path,
        display: &str,
        used_at: Option<Loc>,
        depth: usize,
    ) -> Option<Open> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        match self.by_path.get(&key) {
            Some((_, State::Done)) => return None,
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
                return None;
            }
            None => {}
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
        let bytes = match read_limited(path) {
            Ok(b) => b,
            Err(reason) => {
                let msg = format!("cannot read `{display}`: {reason}");
                self.diagnostics.push(match used_at {
                    Some(loc) => Diagnostic::error(Code::Unreadable, msg, loc)
                        .with_label("imported here")
                        .with_help("`use` paths are relative to the file that contains them"),
                    None => Diagnostic::bare(Code::Unreadable, msg),
                });
                return None;
            }
        };
        self.by_path
            .insert(key.clone(), (self.files.len(), State::InProgress));
        let open = self.open_text(path, display, bytes, Some(key.clone()));
        if open.is_none() {
            if let Some(entry) = self.by_path.get_mut(&key) {
                entry.1 = State::Done;
            }
        }
        open
    }

    /// Parses one file's bytes. `Some` when it parsed: its imports are then to be followed
    /// (`follow`) before its syntax tree is recorded (`close`).
    fn open_text(
        &mut self,
        path: &Path,
        display: &str,
        bytes: Vec<u8>,
        key: Option<PathBuf>,
    ) -> Option<Open> {
        let file = self.files.len();
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let bad = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                // The lossy text has U+FFFD (3 bytes) where the bad bytes were; valid_up_to
                // is the same offset in both.
                self.files.push(SourceFile {
                    display: display.to_string(),
                    text,
                });
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
        self.files.push(SourceFile {
            display: display.to_string(),
            text,
        });
        let (ast, diags) = parse_source(&self.files[file].text, file);
        self.diagnostics.extend(diags);
        let ast = ast?;
        self.stack.push(display.to_string());
        Some(Open {
            file,
            key,
            path: path.to_path_buf(),
            display: display.to_string(),
            ast,
            next: 0,
        })
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
