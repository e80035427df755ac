//! Positions and addresses as the protocol speaks them: 0-based lines and UTF-16 columns,
//! `file://` URIs, and the word under the cursor.
//!
//! Invariant: every conversion clamps (an offset past the end, a position past a line's
//! end, a column inside a character); none panics on any input.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

use crate::source::{floor_char_boundary, Span};

/// The protocol position of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count();
    Position::new(to_u32(line), to_u32(character))
}

/// The byte offset of protocol position `pos` in `text` (clamped to the line's end).
pub fn offset(text: &str, pos: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0u32;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= pos.character {
            return line_start + i;
        }
        units += to_u32(c.len_utf16());
    }
    line_end
}

/// The protocol range of a byte span.
pub fn range(text: &str, span: Span) -> Range {
    Range::new(position(text, span.start), position(text, span.end))
}

/// The range of 1-based `line`, from 1-based character `column` to the line's end (how the
/// reports' places, `file:line:column`, become ranges).
pub fn line_range(text: &str, line: usize, column: usize) -> Range {
    let line_text = text.split('\n').nth(line.saturating_sub(1)).unwrap_or("");
    let line_text = line_text.trim_end_matches('\r');
    let start: usize = line_text
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf16)
        .sum();
    let end = line_text.encode_utf16().count();
    let line = to_u32(line.saturating_sub(1));
    Range::new(
        Position::new(line, to_u32(start)),
        Position::new(line, to_u32(end.max(start))),
    )
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The path a `file://` URI names (`None` for other schemes).
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path` is not a local file; `file:///path` is.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = percent_decode(path)?;
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// The `file://` URI of an absolute path.
pub fn path_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// A name as written: a run of letters, digits, `_` and `.` (`UKR.armed_forces`, `13a`,
/// `Plan28.7`), with its byte span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<'t> {
    pub text: &'t str,
    pub span: Span,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

/// Every word of `text` outside comments and strings, in order.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b if is_word_byte(b) && b != b'.' => {
                let start = i;
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                let end = if bytes[i - 1] == b'.' { i - 1 } else { i };
                out.push(Word {
                    text: &text[start..end],
                    span: Span { start, end },
                });
            }
            _ => i += 1,
        }
    }
    out
}

/// The word at byte `offset` (touching it on either side) and the word before it.
pub fn word_at(text: &str, offset: usize) -> Option<(Word<'_>, Option<Word<'_>>)> {
    let all = words(text);
    let i = all
        .iter()
        .position(|w| w.span.start <= offset && offset <= w.span.end)?;
    let before = i.checked_sub(1).map(|j| all[j].clone());
    Some((all[i].clone(), before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "a\n“é” b\nc";
        let b = text.find('b').unwrap_or(0);
        let pos = position(text, b);
        assert_eq!(pos, Position::new(1, 4));
        assert_eq!(offset(text, pos), b);
        assert_eq!(offset(text, Position::new(9, 9)), text.len());
        assert_eq!(offset(text, Position::new(0, 99)), 1);
    }

    #[test]
    fn uris_round_trip_through_paths() {
        let path = Path::new("/srv/drafts/a b/ü.treaty");
        let uri = path_uri(path)
            .unwrap_or_else(|| Uri::from_str("file:///").unwrap_or_else(|_| unreachable!()));
        assert_eq!(uri.as_str(), "file:///srv/drafts/a%20b/%C3%BC.treaty");
        assert_eq!(uri_path(&uri).as_deref(), Some(path));
    }

    #[test]
    fn words_skip_comments_and_strings() {
        let text = "actor UKR \"Ukraine // not\" // UKR\nclause 13a { UKR.x <= 5 }";
        let w: Vec<_> = words(text).into_iter().map(|w| w.text).collect();
        assert_eq!(w, ["actor", "UKR", "clause", "13a", "UKR.x", "5"]);
        let at = text.find("13a").unwrap_or(0) + 1;
        let (word, before) = word_at(text, at).unwrap_or_else(|| unreachable!());
        assert_eq!(word.text, "13a");
        assert_eq!(before.map(|b| b.text), Some("clause"));
    }
}
