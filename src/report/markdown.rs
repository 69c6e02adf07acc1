//! Markdown to [`Document`], with pulldown-cmark.
//!
//! CommonMark with GFM tables and typographic punctuation (curly quotes, dashes), plus these
//! conventions of ours:
//!
//! - **Title**: when the first block is the only level-1 heading, it is the document's title
//!   (set large, not numbered) and the other headings move up a level, so `##` are sections.
//! - **No number**: a heading or paragraph ending in `{-}` (or `{.unnumbered}`) is not numbered,
//!   e.g. `# Statement of truth {-}`.
//! - **Page break**: a line `<!-- pagebreak -->` (or `\newpage` alone in a paragraph).
//! - **Charts**: a fenced code block with the language `chart` (see [`super::chart`]).
//! - **Pictures**: `![caption](cards/bath.png)` on a line of its own; the path goes to the image
//!   callback of [`super::render_markdown`].
//! - Other fenced code blocks are set in the monospaced face, line by line.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::RenderError;
use super::chart::Chart;
use super::document::{Align, Block, Document, Emphasis, Inline, Table};

#[derive(Default)]
struct Builder {
    /// Open containers: the root, block quotes and list items.
    containers: Vec<Vec<Block>>,
    /// Open lists: start number and finished items.
    lists: Vec<(Option<u64>, Vec<Vec<Block>>)>,
    inlines: Vec<Inline>,
    images: Vec<Block>,
    bold: u32,
    italic: u32,
    /// Inside an image: its alt text is being collected.
    image: Option<(String, String)>,
    code: Option<(String, String, usize)>,
    table: Option<Table>,
    row: Vec<Vec<Inline>>,
}

impl Builder {
    fn push(&mut self, block: Block) {
        if let Some(c) = self.containers.last_mut() {
            c.push(block);
        }
    }

    fn emphasis(&self) -> Emphasis {
        Emphasis { bold: self.bold > 0, italic: self.italic > 0, code: false }
    }

    fn text(&mut self, t: &str, e: Emphasis) {
        if let Some((_, alt)) = &mut self.image {
            alt.push_str(t);
            return;
        }
        match self.inlines.last_mut() {
            Some(Inline::Text(prev, pe)) if *pe == e => prev.push_str(t),
            _ => self.inlines.push(Inline::Text(t.to_string(), e)),
        }
    }

    /// Ends a run of inlines as a paragraph (tight list items have no paragraph events).
    fn flush_paragraph(&mut self) {
        let mut inlines = std::mem::take(&mut self.inlines);
        let images = std::mem::take(&mut self.images);
        let plain = super::document::plain_text(&inlines);
        if plain.trim() == "\\newpage" {
            self.push(Block::PageBreak);
            return;
        }
        if !plain.trim().is_empty() {
            let numbered = !strip_opt_out(&mut inlines);
            self.push(Block::Paragraph { text: inlines, numbered, number: None });
        }
        for image in images {
            self.push(image);
        }
    }
}

/// Removes a trailing `{-}` or `{.unnumbered}`; true if there was one.
fn strip_opt_out(inlines: &mut Vec<Inline>) -> bool {
    while matches!(inlines.last(), Some(Inline::Break)) {
        inlines.pop();
    }
    let Some(Inline::Text(text, _)) = inlines.last_mut() else { return false };
    let trimmed = text.trim_end();
    for marker in ["{-}", "{.unnumbered}"] {
        if let Some(rest) = trimmed.strip_suffix(marker) {
            *text = rest.trim_end().to_string();
            if text.is_empty() {
                inlines.pop();
            }
            return true;
        }
    }
    false
}

fn line_of(md: &str, offset: usize) -> usize {
    md.get(..offset).map_or(1, |s| s.bytes().filter(|&b| b == b'\n').count() + 1)
}

/// Parses Markdown into a document (not yet numbered: see [`super::document::number`]).
pub fn parse(md: &str) -> Result<Document, RenderError> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_SMART_PUNCTUATION;
    let mut b = Builder { containers: vec![Vec::new()], ..Builder::default() };
    for (event, range) in Parser::new_ext(md, options).into_offset_iter() {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::Heading { .. } => b.inlines.clear(),
                Tag::BlockQuote(_) => b.containers.push(Vec::new()),
                Tag::List(start) => {
                    b.flush_paragraph();
                    b.lists.push((start, Vec::new()));
                }
                Tag::Item => b.containers.push(Vec::new()),
                Tag::CodeBlock(kind) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(l) => l.split_whitespace().next().unwrap_or("").to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    b.code = Some((lang, String::new(), line_of(md, range.start)));
                }
                Tag::Table(align) => {
                    let align = align
                        .iter()
                        .map(|a| match a {
                            pulldown_cmark::Alignment::Center => Align::Center,
                            pulldown_cmark::Alignment::Right => Align::Right,
                            _ => Align::Left,
                        })
                        .collect();
                    b.table = Some(Table { align, ..Table::default() });
                }
                Tag::TableCell => b.inlines.clear(),
                Tag::TableRow | Tag::TableHead => b.row.clear(),
                Tag::Emphasis => b.italic += 1,
                Tag::Strong => b.bold += 1,
                Tag::Image { dest_url, .. } => b.image = Some((dest_url.to_string(), String::new())),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => b.flush_paragraph(),
                TagEnd::Heading(level) => {
                    let mut text = std::mem::take(&mut b.inlines);
                    b.images.clear();
                    let numbered = !strip_opt_out(&mut text);
                    let level = match level {
                        HeadingLevel::H1 => 1,
                        HeadingLevel::H2 => 2,
                        HeadingLevel::H3 => 3,
                        _ => 4,
                    };
                    b.push(Block::Heading { level, text, numbered, number: None });
                }
                TagEnd::BlockQuote(_) => {
                    let inner = b.containers.pop().unwrap_or_default();
                    b.push(Block::Quote(inner));
                }
                TagEnd::Item => {
                    b.flush_paragraph();
                    let item = b.containers.pop().unwrap_or_default();
                    if let Some((_, items)) = b.lists.last_mut() {
                        items.push(item);
                    }
                }
                TagEnd::List(_) => {
                    if let Some((start, items)) = b.lists.pop() {
                        b.push(Block::List { start, items });
                    }
                }
                TagEnd::CodeBlock => {
                    if let Some((lang, body, line)) = b.code.take() {
                        if lang.eq_ignore_ascii_case("chart") {
                            let chart = Chart::parse(&body).map_err(|detail| RenderError::Chart { line, detail })?;
                            b.push(Block::Chart(chart));
                        } else {
                            let code = Emphasis { code: true, ..Emphasis::default() };
                            let mut text = Vec::new();
                            for (i, l) in body.trim_end_matches('\n').split('\n').enumerate() {
                                if i > 0 {
                                    text.push(Inline::Break);
                                }
                                // Keep indentation: no-break spaces are not collapsed.
                                text.push(Inline::Text(l.replace(' ', "\u{a0}"), code));
                            }
                            b.push(Block::Paragraph { text, numbered: false, number: None });
                        }
                    }
                }
                TagEnd::TableCell => {
                    let cell = std::mem::take(&mut b.inlines);
                    b.row.push(cell);
                }
                TagEnd::TableHead => {
                    if let Some(t) = &mut b.table {
                        t.header = std::mem::take(&mut b.row);
                    }
                }
                TagEnd::TableRow => {
                    if let Some(t) = &mut b.table {
                        t.rows.push(std::mem::take(&mut b.row));
                    }
                }
                TagEnd::Table => {
                    if let Some(t) = b.table.take() {
                        b.push(Block::Table(t));
                    }
                }
                TagEnd::Emphasis => b.italic = b.italic.saturating_sub(1),
                TagEnd::Strong => b.bold = b.bold.saturating_sub(1),
                TagEnd::Image => {
                    if let Some((src, alt)) = b.image.take() {
                        b.images.push(Block::Image { src, alt });
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some((_, body, _)) = &mut b.code {
                    body.push_str(&t);
                } else {
                    let e = b.emphasis();
                    b.text(&t, e);
                }
            }
            Event::Code(t) => {
                let e = Emphasis { code: true, ..b.emphasis() };
                b.text(&t, e);
            }
            Event::SoftBreak => {
                let e = b.emphasis();
                b.text(" ", e);
            }
            Event::HardBreak if b.image.is_none() => b.inlines.push(Inline::Break),
            Event::Html(html) | Event::InlineHtml(html) => {
                let h = html.trim();
                if h.starts_with("<!--") && h.trim_start_matches("<!--").trim_end_matches("-->").trim() == "pagebreak" {
                    b.flush_paragraph();
                    b.push(Block::PageBreak);
                }
            }
            Event::Rule => b.push(Block::Rule),
            _ => {}
        }
    }
    let blocks = b.containers.into_iter().next().unwrap_or_default();
    Ok(normalise(blocks))
}

/// Takes out the title (a lone first level-1 heading) and fits heading levels to 1–3.
fn normalise(mut blocks: Vec<Block>) -> Document {
    let h1 = blocks.iter().filter(|b| matches!(b, Block::Heading { level: 1, .. })).count();
    let title = match blocks.first() {
        Some(Block::Heading { level: 1, .. }) if h1 == 1 => match blocks.remove(0) {
            Block::Heading { text, .. } => Some(text),
            _ => None,
        },
        _ => None,
    };
    let shift = u8::from(title.is_some());
    for b in &mut blocks {
        if let Block::Heading { level, .. } = b {
            *level = level.saturating_sub(shift).clamp(1, 3);
        }
    }
    Document { title, blocks }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_levels() {
        let d = parse("# Report\n\n## One\n\ntext\n\n### Sub {-}\n").expect("parses");
        assert!(d.title.is_some());
        assert!(matches!(&d.blocks[0], Block::Heading { level: 1, numbered: true, .. }));
        match &d.blocks[2] {
            Block::Heading { level: 2, numbered: false, text, .. } => {
                assert_eq!(super::super::document::plain_text(text), "Sub")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn page_breaks_lists_quotes_tables() {
        let md = "a {-}\n\n<!-- pagebreak -->\n\n- one\n- two\n  1. nested\n\n> said\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n\n\\newpage\n";
        let d = parse(md).expect("parses");
        let kinds: Vec<&str> = d
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph { numbered: false, .. } => "p-",
                Block::Paragraph { .. } => "p",
                Block::PageBreak => "break",
                Block::List { .. } => "list",
                Block::Quote(_) => "quote",
                Block::Table(_) => "table",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["p-", "break", "list", "quote", "table", "break"]);
    }

    #[test]
    fn chart_errors_have_a_line() {
        let e = parse("text\n\n```chart\ntype: levels\nlevels: []\nbars: []\n```\n").unwrap_err();
        assert!(matches!(e, RenderError::Chart { line: 3, .. }), "{e:?}");
    }
}
