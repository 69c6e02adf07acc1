//! YAML with source positions, and with limits for hostile input.
//!
//! Every YAML file the engine reads (templates, answer imports) goes through [`parse`]:
//! it builds a [`Node`] tree in which every value remembers where it was written, so that
//! schema and semantic errors can point at `file:line:column`. It refuses, with a clear
//! message and in bounded time, what would make a naive loader hang or explode: files over
//! [`Limits::max_bytes`], invalid UTF-8, nesting deeper than [`Limits::max_depth`], alias
//! expansion beyond [`Limits::max_nodes`] ("billion laughs"), duplicate keys, and keys that
//! are not plain strings. Scalars are resolved with the YAML 1.2 core schema, so `no` is the
//! string "no", never `false`.

// A YAML error carries two ranges and a hint; it is made once per file read, so its size
// does not matter and boxing it would only add noise.
#![allow(clippy::result_large_err)]

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt;

/// A position in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Byte offset from the start of the file.
    pub offset: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

impl Pos {
    /// The first character of a file.
    pub const START: Pos = Pos { offset: 0, line: 1, column: 1 };
}

/// A range in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    /// Where it starts.
    pub start: Pos,
    /// Where it ends (exclusive).
    pub end: Pos,
}

/// A YAML value with the range it was written at.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the value was written (for a mapping or sequence, its first character).
    pub range: Range,
    /// The value.
    pub value: NodeValue,
}

/// The value of a [`Node`].
#[derive(Debug, Clone)]
pub enum NodeValue {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string, with the style it was written in (to map positions inside it).
    String(String, ScalarStyle),
    /// A sequence.
    Sequence(Vec<Node>),
    /// A mapping, in source order: each entry is the key (with its range) and the value.
    Mapping(Vec<(String, Range, Node)>),
}

/// Limits that keep hostile input cheap to refuse.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most nodes after alias expansion.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 2 * 1024 * 1024, max_depth: 64, max_nodes: 200_000 }
    }
}

/// Why a YAML file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub range: Range,
    /// How to fix it.
    pub hint: Option<String>,
    /// Another place that matters (e.g. the first of two duplicate keys).
    pub related: Option<(Range, String)>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.range.start.line, self.range.start.column, self.message)
    }
}

impl std::error::Error for YamlError {}

/// Line starts of a text, to turn (line, character column) into byte offsets.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// Position of a saphyr marker (line from 1, column from 0 in characters).
    fn pos(&self, line: usize, col: usize) -> Pos {
        let line_start = self.starts.get(line.saturating_sub(1)).copied().unwrap_or(self.text.len());
        let rest = &self.text[line_start..];
        let offset = line_start
            + rest.char_indices().nth(col).map(|(i, _)| i).unwrap_or_else(|| rest.find('\n').unwrap_or(rest.len()));
        Pos { offset, line: line.max(1), column: col + 1 }
    }

    /// The nearest line before `line` that holds something, if it has no `:` at all, with
    /// the column (from 0) where its text starts.
    fn previous_line_without_colon(&self, line: usize) -> Option<(usize, usize)> {
        let (prev, text) = (1..line)
            .rev()
            .map(|l| (l, self.line_text(l)))
            .find(|(_, t)| !t.trim().is_empty() && !t.trim_start().starts_with('#'))?;
        if text.contains(':') {
            return None;
        }
        Some((prev, text.chars().take_while(|c| c.is_whitespace()).count()))
    }

    /// The first tab in the indentation of `line` or of the two lines after it, as (line,
    /// column from 0).
    fn indenting_tab(&self, line: usize) -> Option<(usize, usize)> {
        (line..line + 3).find_map(|l| {
            let text = self.line_text(l);
            text.chars().take_while(|c| c.is_whitespace()).position(|c| c == '\t').map(|col| (l, col))
        })
    }

    /// The text of a line (from 1), without its line break.
    fn line_text(&self, line: usize) -> &'a str {
        let start = self.starts.get(line.saturating_sub(1)).copied().unwrap_or(self.text.len());
        let rest = &self.text[start..];
        rest.split('\n').next().unwrap_or_default().trim_end_matches('\r')
    }

    fn range(&self, span: &Span) -> Range {
        Range { start: self.pos(span.start.line(), span.start.col()), end: self.pos(span.end.line(), span.end.col()) }
    }
}

/// Position of a byte offset in a text (used for invalid UTF-8 and for errors inside strings).
pub fn pos_at(text: &[u8], offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    Pos { offset, line, column }
}

/// Decodes a file as UTF-8, or says where the first invalid byte is.
pub fn decode<'a>(bytes: &'a [u8], limits: &Limits) -> Result<&'a str, YamlError> {
    if bytes.len() > limits.max_bytes {
        return Err(too_big(bytes.len() as u64, limits));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = pos_at(bytes, e.valid_up_to());
        let bad = &bytes[e.valid_up_to()..e.valid_up_to() + e.error_len().unwrap_or(bytes.len() - e.valid_up_to())];
        let bad: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
        YamlError {
            message: format!("the file is not valid UTF-8 text: the byte {} here is not UTF-8", bad.join(" ")),
            range: Range { start: at, end: at },
            hint: Some(
                "save the file as UTF-8 (most editors offer this under \"Save as\" or \"Encoding\"); \
                 it was probably saved as Latin-1 or Windows-1252"
                    .into(),
            ),
            related: None,
        }
    })
}

/// The refusal of a file of `len` bytes, over [`Limits::max_bytes`]: callers that can see a
/// file's size before reading it refuse it without reading it.
pub fn too_big(len: u64, limits: &Limits) -> YamlError {
    YamlError {
        message: format!(
            "the file is {}; files over {} are refused",
            human_size(len),
            human_size(limits.max_bytes as u64)
        ),
        range: Range { start: Pos::START, end: Pos::START },
        hint: Some("check that this is the file you meant: a template is a few hundred kilobytes at most".into()),
        related: None,
    }
}

/// A size in bytes for people: `812 bytes`, `40.0 KiB`, `3.0 MiB`.
fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b < KIB => format!("{b} bytes"),
        b if b < KIB * KIB => format!("{:.1} KiB", b as f64 / KIB as f64),
        b => format!("{:.1} MiB", b as f64 / (KIB * KIB) as f64),
    }
}

/// Parses one YAML document into a positioned tree. An empty file is `Null`.
pub fn parse(text: &str, limits: &Limits) -> Result<Node, YamlError> {
    let index = LineIndex::new(text);
    let mut builder = Builder {
        index: &index,
        limits,
        anchors: HashMap::new(),
        nodes: 0,
        stack: Vec::new(),
        root: None,
        documents: 0,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            syntax_error(&index, e.info(), index.pos(m.line(), m.col()), limits)
        })?;
        builder.event(event, &span)?;
    }
    Ok(builder.root.unwrap_or(Node { range: Range { start: Pos::START, end: Pos::START }, value: NodeValue::Null }))
}

/// A parser error in words for people, with a hint for the usual causes.
fn syntax_error(index: &LineIndex<'_>, info: &str, at: Pos, limits: &Limits) -> YamlError {
    let mut at = at;
    let (message, hint) = if info.contains("recursion limit") {
        // The scanner gives up on flow collections (`[[[…`) before the parser sees them.
        (
            format!("the values are nested more than {} levels deep", limits.max_depth),
            "flatten the structure: templates never need this depth".to_string(),
        )
    } else if info.contains("tab") {
        // The scanner reports the character after the tabs, or the start of the scalar before
        // them; point at the first tab that indents a line.
        let message = match index.indenting_tab(at.line) {
            Some((line, col)) => {
                at = index.pos(line, col);
                "this line is indented with a tab"
            }
            None => "a tab is not allowed here",
        };
        (message.to_string(), "YAML indents with spaces only: replace the tab with spaces".to_string())
    } else if info.contains("quoted scalar") {
        (
            "this quoted text is not closed".to_string(),
            "end the text with the same quote it starts with, on the same line".to_string(),
        )
    } else if info.contains("mapping values are not allowed") {
        (
            "a `: ` appears inside a value".to_string(),
            "put the value in quotes when it contains `: `, e.g. `title: \"Safety: the home\"`".to_string(),
        )
    } else if info.contains("expected ',' or ']'") {
        (
            "a `[` list is not closed".to_string(),
            "end the list with `]`, and separate its entries with commas".to_string(),
        )
    } else if info.contains("expected ',' or '}'") {
        (
            "a `{` mapping is not closed".to_string(),
            "end the mapping with `}`, and separate its entries with commas".to_string(),
        )
    } else if info.contains("unknown anchor") {
        (
            "this alias names an anchor that is not defined before it".to_string(),
            "define the anchor (`&name`) before using it (`*name`)".to_string(),
        )
    } else if info.contains("simple key expect ':'") {
        // The scanner notices only on the line after; blame the line before when it has no colon.
        let message = match index.previous_line_without_colon(at.line) {
            Some((line, col)) => {
                at = index.pos(line, col);
                "this line has no `:` after its key"
            }
            None => "a key is missing its `:` (on this line or the one before)",
        };
        (message.to_string(), "write every entry of a mapping as `key: value`".to_string())
    } else if info.contains("did not find expected key") || info.contains("did not find expected '-'") {
        (
            "this line is not indented like the lines around it".to_string(),
            "line up the keys of one mapping (and the `-` of one list) at the same column, using spaces".to_string(),
        )
    } else {
        (
            format!("this is not valid YAML: {info}"),
            "check the indentation and that every `key: value` and `- item` is well formed".to_string(),
        )
    };
    YamlError { message, range: Range { start: at, end: at }, hint: Some(hint), related: None }
}

enum Frame {
    Seq {
        range: Range,
        items: Vec<Node>,
        anchor: usize,
    },
    Map {
        range: Range,
        entries: Vec<(String, Range, Node)>,
        /// Where each key was first written, to find duplicates without a quadratic search.
        seen: HashMap<String, Range>,
        key: Option<(String, Range)>,
        anchor: usize,
    },
}

struct Builder<'a, 'b> {
    index: &'b LineIndex<'a>,
    limits: &'b Limits,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
}

impl Builder<'_, '_> {
    fn err(&self, range: Range, message: impl Into<String>, hint: impl Into<String>) -> YamlError {
        YamlError { message: message.into(), range, hint: Some(hint.into()), related: None }
    }

    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), YamlError> {
        let range = self.index.range(span);
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(self.err(
                        range,
                        "the file holds more than one YAML document",
                        "keep one document per file: remove the second `---`",
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = if tag.is_some() || style != ScalarStyle::Plain {
                    NodeValue::String(text.into_owned(), style)
                } else {
                    resolve_plain(&text).unwrap_or(NodeValue::String(text.into_owned(), style))
                };
                self.push(Node { range, value }, anchor)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(range)?;
                self.stack.push(Frame::Seq { range, items: Vec::new(), anchor });
            }
            Event::MappingStart(anchor, _) => {
                self.open(range)?;
                self.stack.push(Frame::Map { range, entries: Vec::new(), seen: HashMap::new(), key: None, anchor });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A collection spans from its first character to its end, so that diagnostics
                // about it underline it (the renderer keeps to the first line).
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { range: start, items, anchor }) => {
                        let range = Range { start: start.start, end: range.end.max_by_offset(start.end) };
                        (Node { range, value: NodeValue::Sequence(items) }, anchor)
                    }
                    Some(Frame::Map { range: start, entries, anchor, .. }) => {
                        let range = Range { start: start.start, end: range.end.max_by_offset(start.end) };
                        (Node { range, value: NodeValue::Mapping(entries) }, anchor)
                    }
                    None => return Ok(()),
                };
                self.push(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return Err(self.err(
                        range,
                        "this alias names an anchor that is not defined before it",
                        "define the anchor (`&name`) before using it (`*name`)",
                    ));
                };
                let size = count_nodes(&target);
                if self.nodes + size > self.limits.max_nodes {
                    return Err(self.err(
                        range,
                        format!("aliases expand this file past {} values (an \"alias bomb\")", self.limits.max_nodes),
                        "write the values out instead of nesting aliases inside aliases",
                    ));
                }
                self.nodes += size - 1;
                self.push(Node { range, value: target.value }, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn open(&mut self, range: Range) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.err(
                range,
                format!("the values are nested more than {} levels deep", self.limits.max_depth),
                "flatten the structure: templates never need this depth",
            ));
        }
        Ok(())
    }

    fn push(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(self.err(
                node.range,
                format!("the file holds more than {} values", self.limits.max_nodes),
                "split the content up",
            ));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, seen, key, .. }) => match key.take() {
                None => {
                    let name = match &node.value {
                        NodeValue::String(s, _) => s.clone(),
                        NodeValue::Number(n) => n.to_string(),
                        NodeValue::Bool(b) => b.to_string(),
                        NodeValue::Null => {
                            return Err(YamlError {
                                message: "a key is empty".into(),
                                range: node.range,
                                hint: Some("write a name before the colon".into()),
                                related: None,
                            });
                        }
                        NodeValue::Sequence(_) | NodeValue::Mapping(_) => {
                            return Err(YamlError {
                                message: "a key must be a plain name, not a list or a mapping".into(),
                                range: node.range,
                                hint: Some("write keys as plain words, e.g. `title:`".into()),
                                related: None,
                            });
                        }
                    };
                    if let Some(first) = seen.get(&name) {
                        return Err(YamlError {
                            message: format!("the key `{name}` appears twice in the same mapping"),
                            range: node.range,
                            hint: Some("keep one of them: YAML would silently drop the first".into()),
                            related: Some((*first, "first written here".into())),
                        });
                    }
                    seen.insert(name.clone(), node.range);
                    *key = Some((name, node.range));
                }
                Some((name, key_range)) => entries.push((name, key_range, node)),
            },
        }
        Ok(())
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        NodeValue::Sequence(items) => items.iter().map(count_nodes).sum(),
        NodeValue::Mapping(entries) => entries.iter().map(|(_, _, v)| 1 + count_nodes(v)).sum(),
        _ => 0,
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema; `None` means it is a string.
fn resolve_plain(text: &str) -> Option<NodeValue> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(NodeValue::Null),
        "true" | "True" | "TRUE" => return Some(NodeValue::Bool(true)),
        "false" | "False" | "FALSE" => return Some(NodeValue::Bool(false)),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(NodeValue::Number(i.into()));
    }
    let looks_float = text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if looks_float && let Ok(f) = text.parse::<f64>() {
        return Number::from_f64(f).map(NodeValue::Number);
    }
    None
}

impl Pos {
    /// The later of two positions.
    fn max_by_offset(self, other: Pos) -> Pos {
        if other.offset > self.offset { other } else { self }
    }
}

impl Node {
    /// The value as JSON (for schema validation and serde).
    pub fn to_json(&self) -> Value {
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Number(n) => Value::Number(n.clone()),
            NodeValue::String(s, _) => Value::String(s.clone()),
            NodeValue::Sequence(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Mapping(entries) => {
                Value::Object(entries.iter().map(|(k, _, v)| (k.clone(), v.to_json())).collect::<Map<_, _>>())
            }
        }
    }

    /// The node a JSON pointer (`/areas/0/items/3`) names, as deep as it resolves.
    pub fn at_pointer(&self, pointer: &str) -> &Node {
        let mut node = self;
        for part in pointer.split('/').skip(1) {
            let part = part.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                NodeValue::Sequence(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
                NodeValue::Mapping(entries) => entries.iter().find(|(k, _, _)| *k == part).map(|(_, _, v)| v),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// The range of key `name` of the mapping at `pointer`, if there is one.
    pub fn key_range(&self, pointer: &str, name: &str) -> Option<Range> {
        match &self.at_pointer(pointer).value {
            NodeValue::Mapping(entries) => entries.iter().find(|(k, _, _)| k == name).map(|(_, r, _)| *r),
            _ => None,
        }
    }

    /// Where the character at `index` (in the parsed string) of a single-line string scalar
    /// was written; for other scalars, the scalar's start.
    pub fn pos_in_string(&self, index: usize) -> Pos {
        let start = self.range.start;
        match &self.value {
            NodeValue::String(s, style) if !s.contains('\n') => {
                let quote = usize::from(matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted));
                // Only where the written text equals the parsed text can offsets be mapped.
                let verbatim = match style {
                    ScalarStyle::Plain => true,
                    ScalarStyle::DoubleQuoted => !s.contains('\\') && !s.contains('"'),
                    ScalarStyle::SingleQuoted => !s.contains('\''),
                    _ => false,
                };
                if verbatim {
                    let prefix = &s[..index.min(s.len())];
                    return Pos {
                        offset: start.offset + quote + prefix.len(),
                        line: start.line,
                        column: start.column + quote + prefix.chars().count(),
                    };
                }
                start
            }
            _ => start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Node, YamlError> {
        parse(s, &Limits::default())
    }

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let node = parse_str("a: 1\nbb:\n  - x\n  - 'y'\n").unwrap();
        let y = node.at_pointer("/bb/1");
        assert_eq!((y.range.start.line, y.range.start.column), (4, 5));
        assert_eq!(y.range.start.offset, "a: 1\nbb:\n  - x\n  - ".len());
        assert_eq!(node.key_range("", "bb").unwrap().start.line, 2);
    }

    #[test]
    fn core_schema_keeps_norway_a_string() {
        let v = parse_str("a: no\nb: yes\nc: 3\nd: 2.5\ne: ~\nf: true\ng: '3'").unwrap().to_json();
        assert_eq!(v, serde_json::json!({"a": "no", "b": "yes", "c": 3, "d": 2.5, "e": null, "f": true, "g": "3"}));
    }

    #[test]
    fn duplicate_keys_are_refused_with_both_places() {
        let e = parse_str("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(e.range.start.line, 3);
        assert_eq!(e.related.unwrap().0.start.line, 1);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            s.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let e = parse_str(&s).unwrap_err();
        assert!(e.message.contains("aliases expand"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let s = "[".repeat(100_000);
        let e = parse_str(&s).unwrap_err();
        assert!(e.message.contains("nested"), "{}", e.message);
    }

    #[test]
    fn invalid_utf8_points_at_the_byte() {
        let e = decode(b"a: 1\nb: \xff\n", &Limits::default()).unwrap_err();
        assert_eq!((e.range.start.line, e.range.start.column), (2, 4));
        assert!(e.message.contains("0xFF"), "{}", e.message);
    }

    #[test]
    fn deep_flow_nesting_that_the_scanner_refuses_says_so_in_words() {
        // The scanner stops at 256 open brackets, before the builder's own limit is reached.
        let e = parse_str(&format!("a: {}", "{b: ".repeat(1_000))).unwrap_err();
        assert!(e.message.contains("nested more than 64 levels"), "{}", e.message);
    }

    #[test]
    fn a_tab_is_blamed_where_it_is() {
        let e = parse_str("a:\n  - x\n\t- y\n").unwrap_err();
        assert!(e.message.contains("tab"), "{}", e.message);
        assert_eq!((e.range.start.line, e.range.start.column), (3, 1));
    }

    #[test]
    fn a_missing_colon_is_blamed_on_its_line() {
        let e = parse_str("a: 1\nb\nc: 2\n").unwrap_err();
        assert_eq!(e.range.start.line, 2, "{}", e.message);
    }

    #[test]
    fn an_empty_file_is_null_at_the_first_character() {
        let node = parse_str("# only a comment\n").unwrap();
        assert!(matches!(node.value, NodeValue::Null));
        assert_eq!((node.range.start.line, node.range.start.column), (1, 1));
    }

    #[test]
    fn a_collection_spans_to_its_end() {
        let node = parse_str("a: { b: 1, c: [2, 3] }\n").unwrap();
        let a = node.at_pointer("/a");
        assert_eq!((a.range.start.column, a.range.end.column), (4, 23));
    }

    #[test]
    fn duplicate_keys_in_a_huge_mapping_are_found_quickly() {
        let mut s: String = (0..50_000).map(|i| format!("k{i}: 1\n")).collect();
        s.push_str("k49999: 2\n");
        let e = parse_str(&s).unwrap_err();
        assert_eq!(e.range.start.line, 50_001);
    }

    #[test]
    fn sizes_are_written_for_people() {
        assert_eq!(human_size(812), "812 bytes");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
        let e = decode(&vec![b' '; 3 * 1024 * 1024], &Limits::default()).unwrap_err();
        assert_eq!(e.message, "the file is 3.0 MiB; files over 2.0 MiB are refused");
    }

    #[test]
    fn position_inside_a_plain_string() {
        let node = parse_str("when: answers.x == 1\n").unwrap();
        let w = node.at_pointer("/when");
        assert_eq!(w.pos_in_string(8).column, 15);
    }
}
