//! The document model: what a report says, before it is laid out on pages.
//!
//! [`super::markdown`] builds it from Markdown; [`number`] then applies the court's numbering
//! conventions; [`super::layout`] turns it into pages.

use super::chart::Chart;

/// A whole report body: a sequence of blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The document title, when the Markdown opens with the only level-1 heading.
    pub title: Option<Vec<Inline>>,
    /// The blocks, in reading order.
    pub blocks: Vec<Block>,
}

/// How a span of text is set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Emphasis {
    /// `**bold**`
    pub bold: bool,
    /// `*italic*`
    pub italic: bool,
    /// `` `code` ``, set in the monospaced face.
    pub code: bool,
}

/// A piece of running text.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Text in one emphasis.
    Text(String, Emphasis),
    /// A hard line break (two spaces or a backslash at the end of a line).
    Break,
}

/// One block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading, level 1 (section) to 3.
    Heading {
        /// 1, 2 or 3 (deeper Markdown headings are set as level 3).
        level: u8,
        /// The heading text.
        text: Vec<Inline>,
        /// False when the author opted out with `{-}`.
        numbered: bool,
        /// The number given by [`number`], e.g. `"2."` or `"2.3"`.
        number: Option<String>,
    },
    /// A paragraph of running text.
    Paragraph {
        /// The text.
        text: Vec<Inline>,
        /// False when the author opted out with `{-}`.
        numbered: bool,
        /// The number given by [`number`], e.g. `"2.4"`.
        number: Option<String>,
    },
    /// A bulleted (`start: None`) or numbered list; each item is a list of blocks.
    List {
        /// The number of the first item of a numbered list.
        start: Option<u64>,
        /// The items.
        items: Vec<Vec<Block>>,
    },
    /// A block quote: the parent's own words, set in italic and indented.
    Quote(Vec<Block>),
    /// A table with one header row.
    Table(Table),
    /// A picture (PNG), e.g. a cue card.
    Image {
        /// The path as written in the Markdown, handed to the image callback.
        src: String,
        /// The alternative text, used as a caption.
        alt: String,
    },
    /// A chart drawn as vector graphics.
    Chart(Chart),
    /// A horizontal rule.
    Rule,
    /// A forced page break.
    PageBreak,
}

/// How the text of a table column is aligned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Align {
    /// Left (the default).
    #[default]
    Left,
    /// Centred.
    Center,
    /// Right, for figures.
    Right,
}

/// A table: header cells, body rows, column alignment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Alignment per column.
    pub align: Vec<Align>,
    /// The header row, repeated on every page the table runs onto.
    pub header: Vec<Vec<Inline>>,
    /// The body rows.
    pub rows: Vec<Vec<Vec<Inline>>>,
}

/// Plain text of some inlines (for the outline, the contents and error messages).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text(t, _) => out.push_str(t),
            Inline::Break => out.push(' '),
        }
    }
    out
}

/// Numbers headings and paragraphs the way a court report is numbered.
///
/// One counter per level is shared by headings and paragraphs, as in legal drafting, so every
/// number is unique and says where it sits:
///
/// ```text
/// 1.    Introduction          (level-1 heading)
/// 1.1   paragraph
/// 1.2   paragraph
/// 1.3   Sources of information (level-2 heading)
/// 1.3.1 paragraph
/// 2.    Findings
/// ```
///
/// Level-3 headings are not numbered; paragraphs under them go on with the enclosing sequence.
/// A heading or paragraph marked `{-}` is not numbered, and nor are the paragraphs of an
/// unnumbered level-1 section (a statement of truth, say) or those before the first section.
/// Only top-level paragraphs are numbered: lists, quotes and tables belong to the paragraph
/// above them.
pub fn number(doc: &mut Document, paragraphs: bool) {
    let (mut section, mut sub, mut para) = (0u32, 0u32, 0u32);
    // Depth of the numbered heading that paragraphs hang from: 0 none, 1 section, 2 subsection.
    let mut depth = 0u8;
    for block in &mut doc.blocks {
        match block {
            Block::Heading { level: 1, numbered, number, .. } => {
                if *numbered {
                    (section, sub, depth) = (section + 1, 0, 1);
                    *number = Some(format!("{section}."));
                } else {
                    depth = 0;
                }
            }
            Block::Heading { level: 2, numbered: true, number, .. } if depth > 0 => {
                (sub, para, depth) = (sub + 1, 0, 2);
                *number = Some(format!("{section}.{sub}"));
            }
            Block::Paragraph { numbered: true, number, .. } if paragraphs && depth > 0 => {
                *number = Some(if depth == 1 {
                    sub += 1;
                    format!("{section}.{sub}")
                } else {
                    para += 1;
                    format!("{section}.{sub}.{para}")
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, numbered: bool) -> Block {
        Block::Heading { level, text: vec![], numbered, number: None }
    }
    fn p(numbered: bool) -> Block {
        Block::Paragraph { text: vec![], numbered, number: None }
    }
    fn numbers(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Heading { number, .. } | Block::Paragraph { number, .. } => {
                    number.clone().unwrap_or_else(|| "-".into())
                }
                _ => "?".into(),
            })
            .collect()
    }

    #[test]
    fn headings_and_paragraphs_share_counters() {
        let mut doc = Document {
            title: None,
            blocks: vec![
                p(true),
                h(1, true),
                p(true),
                p(true),
                h(2, true),
                p(true),
                p(false),
                p(true),
                h(3, true),
                p(true),
                h(1, true),
                p(true),
                h(1, false),
                p(true),
            ],
        };
        number(&mut doc, true);
        assert_eq!(
            numbers(&doc),
            ["-", "1.", "1.1", "1.2", "1.3", "1.3.1", "-", "1.3.2", "-", "1.3.3", "2.", "2.1", "-", "-"]
        );
    }
}
