//! Layout: turns a [`Document`] into pages of positioned text, rules, pictures and charts.
//!
//! Blocks become a vertical list of *chunks* (a line of text, a table row, a chart) separated by
//! discardable space, each chunk saying whether it must stay on the same page as the next one.
//! Paginating that list is then one greedy pass that, when a chunk does not fit, carries the
//! chain of chunks kept together with it onto the next page. This one rule gives the court
//! conventions: a heading is chained to the first two lines after it (never at the foot of a
//! page), a paragraph's first and last two lines are chained (no orphans, no widows), a table's
//! header is chained to its first row and repeated on every page the table runs onto.
//!
//! Coordinates are points from the top-left corner of the page; [`super::pdf`] flips them.

use std::collections::HashMap;
use std::rc::Rc;

use super::chart;
use super::document::{Align, Block, Document, Emphasis, Inline, Table, plain_text};
use super::fonts::{Face, Metrics};
use super::{FrontSheet, RenderError, RenderOptions, Status, Style};

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;

/// An RGB colour, each part 0.0–1.0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    /// Near-black for running text (pure black looks heavy on screen).
    pub const TEXT: Rgb = Rgb(0.08, 0.08, 0.1);
    /// Dark navy for headings.
    pub const HEADING: Rgb = Rgb(0.1, 0.17, 0.3);
    /// Mid grey for the running header, footer and captions.
    pub const MUTED: Rgb = Rgb(0.38, 0.4, 0.44);
    /// Light grey for rules and grid lines.
    pub const RULE: Rgb = Rgb(0.72, 0.74, 0.78);
    /// The table header's background.
    pub const HEADER_FILL: Rgb = Rgb(0.9, 0.92, 0.95);
    /// The DRAFT watermark.
    pub const WATERMARK: Rgb = Rgb(0.9, 0.9, 0.9);

    /// Parses `#rrggbb` (or `rrggbb`).
    pub fn from_hex(s: &str) -> Option<Rgb> {
        let h = s.trim().trim_start_matches('#');
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let part = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok().map(|v| f32::from(v) / 255.0);
        Some(Rgb(part(0)?, part(2)?, part(4)?))
    }
}

/// One run of text in one face, size and colour, on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// Left edge.
    pub x: f32,
    /// Baseline, from the top of the page.
    pub y: f32,
    /// Typeface.
    pub face: Face,
    /// Size in points.
    pub size: f32,
    /// Colour.
    pub colour: Rgb,
    /// The characters.
    pub text: String,
    /// Extra space added after each space character, in points (justification).
    pub space_extra: f32,
    /// Rotation in degrees, counter-clockwise about (x, y).
    pub angle: f32,
}

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    /// Text.
    Text(TextRun),
    /// A filled rectangle: x, y (top), width, height.
    Fill {
        /// Left, top, width, height.
        rect: [f32; 4],
        /// Fill colour.
        colour: Rgb,
    },
    /// A stroked open path.
    Stroke {
        /// The points, in order.
        points: Vec<(f32, f32)>,
        /// Colour.
        colour: Rgb,
        /// Line width in points.
        width: f32,
        /// Dash length (and gap), if dashed.
        dash: Option<f32>,
    },
    /// A filled closed polygon.
    Polygon {
        /// The corners, in order.
        points: Vec<(f32, f32)>,
        /// Fill colour.
        colour: Rgb,
    },
    /// A picture: index into the document's images, and its box.
    Image {
        /// Index into the decoded images.
        index: usize,
        /// Left, top, width, height.
        rect: [f32; 4],
    },
    /// A clickable area that jumps to a heading.
    Link {
        /// Left, top, width, height.
        rect: [f32; 4],
        /// Index into [`Laid::anchors`].
        anchor: usize,
    },
}

impl Draw {
    fn shift(&mut self, dx: f32, dy: f32) {
        match self {
            Draw::Text(t) => {
                t.x += dx;
                t.y += dy;
            }
            Draw::Fill { rect, .. } | Draw::Image { rect, .. } | Draw::Link { rect, .. } => {
                rect[0] += dx;
                rect[1] += dy;
            }
            Draw::Stroke { points, .. } | Draw::Polygon { points, .. } => {
                for p in points {
                    p.0 += dx;
                    p.1 += dy;
                }
            }
        }
    }
}

/// A laid-out page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// What is drawn, in painting order.
    pub draws: Vec<Draw>,
}

/// Where a heading landed.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// 1, 2 or 3.
    pub level: u8,
    /// Number and text, e.g. `"2.3 Safety in the home"`.
    pub title: String,
    /// Page index, from 0.
    pub page: usize,
    /// Top of the heading, from the top of the page.
    pub y: f32,
}

/// The result of layout: pages and heading positions.
#[derive(Debug, Clone, Default)]
pub struct Laid {
    /// Page width and height in points.
    pub size: (f32, f32),
    /// The pages, front sheet first.
    pub pages: Vec<Page>,
    /// Every heading, in document order.
    pub anchors: Vec<Anchor>,
}

/// Size of a decoded picture, by the path written in the Markdown.
#[derive(Debug, Clone, Copy)]
pub struct ImageSize {
    /// Index into the decoded images.
    pub index: usize,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// The typographic settings of a style.
#[derive(Debug, Clone)]
pub struct Theme {
    pub(crate) page: (f32, f32),
    pub(crate) margin: [f32; 4], // top, right, bottom, left
    /// Width of the hanging column for paragraph and heading numbers.
    pub(crate) number_col: f32,
    pub(crate) serif: bool,
    pub(crate) size: f32,
    pub(crate) leading: f32,
    pub(crate) para_space: f32,
    pub(crate) justify: bool,
    /// Heading sizes and space before/after, per level 1–3.
    pub(crate) heading: [(f32, f32, f32); 3],
    pub(crate) table_size: f32,
    pub(crate) small: f32,
    pub(crate) list_indent: f32,
    pub(crate) image_width: f32,
}

impl Theme {
    /// The settings for a style.
    pub fn for_style(style: Style) -> Theme {
        match style {
            Style::Court => Theme {
                page: (210.0 * MM, 297.0 * MM),
                margin: [25.0 * MM, 25.0 * MM, 25.0 * MM, 25.0 * MM],
                number_col: 14.0 * MM,
                serif: true,
                size: 11.0,
                leading: 15.0,
                para_space: 7.0,
                justify: true,
                heading: [(13.5, 16.0, 6.0), (11.5, 11.0, 4.0), (11.0, 8.0, 2.0)],
                table_size: 9.5,
                small: 9.0,
                list_indent: 6.5 * MM,
                image_width: 70.0 * MM,
            },
            Style::EasyRead => Theme {
                page: (210.0 * MM, 297.0 * MM),
                margin: [25.0 * MM, 28.0 * MM, 25.0 * MM, 28.0 * MM],
                number_col: 0.0,
                serif: false,
                size: 16.0,
                leading: 24.0,
                para_space: 14.0,
                justify: false,
                heading: [(24.0, 22.0, 10.0), (20.0, 18.0, 8.0), (17.0, 14.0, 6.0)],
                table_size: 14.0,
                small: 11.0,
                list_indent: 9.0 * MM,
                image_width: 95.0 * MM,
            },
        }
    }

    /// The face for an emphasis in this theme's family.
    pub fn face(&self, e: Emphasis) -> Face {
        match (e.code, self.serif, e.bold, e.italic) {
            (true, ..) => Face::Mono,
            (false, true, false, false) => Face::SerifRegular,
            (false, true, true, false) => Face::SerifBold,
            (false, true, false, true) => Face::SerifItalic,
            (false, true, true, true) => Face::SerifBoldItalic,
            (false, false, false, false) => Face::SansRegular,
            (false, false, true, false) => Face::SansBold,
            (false, false, false, true) => Face::SansItalic,
            (false, false, true, true) => Face::SansBoldItalic,
        }
    }

    fn left(&self) -> f32 {
        self.margin[3]
    }
    fn right(&self) -> f32 {
        self.page.0 - self.margin[1]
    }
    fn top(&self) -> f32 {
        self.margin[0]
    }
    fn bottom(&self) -> f32 {
        self.page.1 - self.margin[2]
    }
    /// Left edge of running text (after the number column).
    fn text_left(&self) -> f32 {
        self.left() + self.number_col
    }
}

/// The metrics of the faces a theme uses; each face is parsed on first use.
pub struct Fonts {
    fallback: &'static Metrics,
}

impl Fonts {
    /// Checks that the theme's regular face can be read (it stands in for any face that cannot).
    pub fn load(theme: &Theme) -> Result<Fonts, RenderError> {
        Ok(Fonts { fallback: theme.face(Emphasis::default()).metrics()? })
    }

    /// The metrics of a face (the family's regular face if it could not be read).
    pub fn get(&self, face: Face) -> &'static Metrics {
        face.metrics().unwrap_or(self.fallback)
    }

    /// Width of `text` in points.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        self.get(face).width(text) * size / 1000.0
    }
}

// ---------------------------------------------------------------------------------------------
// Line breaking

/// A piece of a line: text in one face, or a space.
#[derive(Debug, Clone)]
struct Piece {
    face: Face,
    size: f32,
    colour: Rgb,
    text: String,
    width: f32,
    space: bool,
}

#[derive(Debug, Clone)]
enum Token {
    Word(Vec<Piece>),
    Space(Piece),
    Break,
}

/// A broken line, before it is positioned.
#[derive(Debug, Clone, Default)]
struct Line {
    pieces: Vec<Piece>,
    width: f32,
    /// Ends its paragraph or a hard break: never justified.
    last: bool,
}

/// How to set a run of inlines.
#[derive(Debug, Clone, Copy)]
struct Setting {
    size: f32,
    colour: Rgb,
    /// Inverts italic (block quotes are italic; emphasis inside them is upright).
    italic: bool,
    bold: bool,
}

struct Composer<'a> {
    theme: &'a Theme,
    fonts: &'a Fonts,
}

impl Composer<'_> {
    fn tokens(&self, inlines: &[Inline], s: Setting) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut word: Vec<Piece> = Vec::new();
        let flush = |word: &mut Vec<Piece>, tokens: &mut Vec<Token>| {
            if !word.is_empty() {
                tokens.push(Token::Word(std::mem::take(word)));
            }
        };
        for inline in inlines {
            let (text, emphasis) = match inline {
                Inline::Text(t, e) => (t, *e),
                Inline::Break => {
                    flush(&mut word, &mut tokens);
                    tokens.push(Token::Break);
                    continue;
                }
            };
            let e = Emphasis { bold: emphasis.bold || s.bold, italic: emphasis.italic ^ s.italic, code: emphasis.code };
            let face = self.theme.face(e);
            let size = if e.code { s.size * 0.88 } else { s.size };
            let metrics = self.fonts.get(face);
            let mut current = String::new();
            for c in text.chars() {
                if c.is_whitespace() && c != '\u{a0}' {
                    if !current.is_empty() {
                        word.push(self.piece(face, size, s.colour, std::mem::take(&mut current), false));
                    }
                    flush(&mut word, &mut tokens);
                    if !matches!(tokens.last(), Some(Token::Space(_)) | None) {
                        tokens.push(Token::Space(self.piece(face, size, s.colour, " ".into(), true)));
                    }
                } else {
                    let c = if metrics.has(c) { c } else { '?' };
                    current.push(c);
                }
            }
            if !current.is_empty() {
                word.push(self.piece(face, size, s.colour, current, false));
            }
        }
        flush(&mut word, &mut tokens);
        tokens
    }

    fn piece(&self, face: Face, size: f32, colour: Rgb, text: String, space: bool) -> Piece {
        let width = self.fonts.width(face, size, &text);
        Piece { face, size, colour, text, width, space }
    }

    /// Greedy line breaking; words wider than the line are cut between characters.
    fn lines(&self, inlines: &[Inline], s: Setting, width: f32) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut line = Line::default();
        let mut space: Option<Piece> = None;
        for token in self.tokens(inlines, s) {
            match token {
                Token::Space(p) => {
                    if !line.pieces.is_empty() {
                        space = Some(p);
                    }
                }
                Token::Break => {
                    line.last = true;
                    lines.push(std::mem::take(&mut line));
                    space = None;
                }
                Token::Word(pieces) => {
                    let w: f32 = pieces.iter().map(|p| p.width).sum();
                    let sw = space.as_ref().map_or(0.0, |p| p.width);
                    if !line.pieces.is_empty() && line.width + sw + w > width + 0.01 {
                        lines.push(std::mem::take(&mut line));
                        space = None;
                    }
                    if let Some(sp) = space.take()
                        && !line.pieces.is_empty()
                    {
                        line.width += sp.width;
                        line.pieces.push(sp);
                    }
                    if w > width + 0.01 {
                        self.cut_word(pieces, width, &mut line, &mut lines);
                    } else {
                        line.width += w;
                        line.pieces.extend(pieces);
                    }
                }
            }
        }
        if !line.pieces.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        if let Some(l) = lines.last_mut() {
            l.last = true;
        }
        lines
    }

    /// Places a word too wide for any line, cutting it where the line is full.
    fn cut_word(&self, pieces: Vec<Piece>, width: f32, line: &mut Line, lines: &mut Vec<Line>) {
        for p in pieces {
            let metrics = self.fonts.get(p.face);
            let mut chunk = String::new();
            let mut chunk_w = 0.0;
            for c in p.text.chars() {
                let cw = metrics.char_width(c) * p.size / 1000.0;
                if line.width + chunk_w + cw > width && (chunk_w > 0.0 || !line.pieces.is_empty()) {
                    if !chunk.is_empty() {
                        let piece = Piece { text: std::mem::take(&mut chunk), width: chunk_w, ..p.clone() };
                        line.width += piece.width;
                        line.pieces.push(piece);
                    }
                    lines.push(std::mem::take(line));
                    chunk_w = 0.0;
                }
                chunk.push(c);
                chunk_w += cw;
            }
            if !chunk.is_empty() {
                let width = self.fonts.width(p.face, p.size, &chunk);
                line.width += width;
                line.pieces.push(Piece { text: chunk, width, ..p });
            }
        }
    }
}

/// Positions a line's pieces as text runs starting at `x` on `baseline`, justified to `width`
/// when asked (and when it is not the last line of its paragraph).
fn set_line(line: &Line, x: f32, baseline: f32, width: f32, justify: bool, align: Align) -> Vec<Draw> {
    let trailing_space = line.pieces.last().is_some_and(|p| p.space);
    let pieces = if trailing_space { &line.pieces[..line.pieces.len() - 1] } else { &line.pieces[..] };
    let natural: f32 = pieces.iter().map(|p| p.width).sum();
    let spaces = pieces.iter().filter(|p| p.space).count();
    let extra =
        if justify && !line.last && spaces > 0 && natural < width { (width - natural) / spaces as f32 } else { 0.0 };
    let mut cursor = match align {
        _ if extra > 0.0 => x,
        Align::Left => x,
        Align::Center => x + (width - natural) / 2.0,
        Align::Right => x + width - natural,
    };
    let mut draws: Vec<Draw> = Vec::new();
    for p in pieces {
        let extend = match draws.last_mut() {
            Some(Draw::Text(run)) if run.face == p.face && run.size == p.size && run.colour == p.colour => Some(run),
            _ => None,
        };
        match extend {
            Some(run) => run.text.push_str(&p.text),
            None => draws.push(Draw::Text(TextRun {
                x: cursor,
                y: baseline,
                face: p.face,
                size: p.size,
                colour: p.colour,
                text: p.text.clone(),
                space_extra: extra,
                angle: 0.0,
            })),
        }
        cursor += p.width + if p.space { extra } else { 0.0 };
    }
    draws
}

// ---------------------------------------------------------------------------------------------
// The vertical list

/// An unbreakable piece of the page flow.
#[derive(Debug, Clone, Default)]
struct Chunk {
    height: f32,
    /// Draws with y relative to the top of the chunk.
    draws: Vec<Draw>,
    /// Must be on the same page as the next chunk.
    keep: bool,
    /// Heading anchor index.
    anchor: Option<usize>,
    /// Table header to repeat when this chunk starts a page.
    header: Option<Rc<Chunk>>,
}

#[derive(Debug, Clone)]
enum Flow {
    Chunk(Chunk),
    /// Vertical space, dropped at the top of a page.
    Space(f32),
    PageBreak,
}

struct Placed {
    chunk: Chunk,
    space: f32,
}

/// Splits a vertical list into pages (see the module documentation).
fn paginate(flow: Vec<Flow>, theme: &Theme, anchors: &mut [Anchor]) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut current: Vec<Placed> = Vec::new();
    let mut used = 0.0f32;
    let mut space = 0.0f32;
    let room = theme.bottom() - theme.top();

    fn finish(current: &mut Vec<Placed>, pages: &mut Vec<Page>, theme: &Theme, anchors: &mut [Anchor]) {
        let mut page = Page::default();
        let mut y = theme.top();
        for (i, placed) in current.drain(..).enumerate() {
            if i > 0 {
                y += placed.space;
            }
            if let Some(a) = placed.chunk.anchor
                && let Some(anchor) = anchors.get_mut(a)
            {
                anchor.page = pages.len();
                anchor.y = y;
            }
            for mut d in placed.chunk.draws {
                d.shift(0.0, y);
                page.draws.push(d);
            }
            y += placed.chunk.height;
        }
        pages.push(page);
    }

    let mut queue: std::collections::VecDeque<Flow> = flow.into();
    while let Some(item) = queue.pop_front() {
        match item {
            Flow::Space(h) => {
                if !current.is_empty() {
                    space = space.max(h);
                }
            }
            Flow::PageBreak => {
                if !current.is_empty() {
                    finish(&mut current, &mut pages, theme, anchors);
                    used = 0.0;
                }
                space = 0.0;
            }
            Flow::Chunk(chunk) => {
                let gap = if current.is_empty() { 0.0 } else { space };
                if !current.is_empty() && used + gap + chunk.height > room + 0.01 {
                    // Carry the chain of kept chunks that ends here onto the next page.
                    let mut k = current.len();
                    while k > 0 && current[k - 1].chunk.keep {
                        k -= 1;
                    }
                    let carried = if k == 0 { Vec::new() } else { current.split_off(k) };
                    finish(&mut current, &mut pages, theme, anchors);
                    used = 0.0;
                    queue.push_front(Flow::Chunk(chunk));
                    for placed in carried.into_iter().rev() {
                        queue.push_front(Flow::Chunk(placed.chunk));
                        queue.push_front(Flow::Space(placed.space));
                    }
                    space = 0.0;
                    continue;
                }
                if current.is_empty()
                    && let Some(header) = &chunk.header
                {
                    let header = Chunk { header: None, keep: true, ..(**header).clone() };
                    used += header.height;
                    current.push(Placed { chunk: header, space: 0.0 });
                }
                let gap = if current.is_empty() { 0.0 } else { space };
                used += gap + chunk.height;
                current.push(Placed { chunk, space: gap });
                space = 0.0;
            }
        }
    }
    if !current.is_empty() || pages.is_empty() {
        finish(&mut current, &mut pages, theme, anchors);
    }
    pages
}

// ---------------------------------------------------------------------------------------------
// Blocks to flow

/// Builds the flow of a document body.
struct Builder<'a> {
    theme: &'a Theme,
    fonts: &'a Fonts,
    images: &'a HashMap<String, ImageSize>,
    flow: Vec<Flow>,
    anchors: Vec<Anchor>,
    /// Inside a list: lines are set ragged (a short measure justifies badly).
    in_list: u32,
}

impl Builder<'_> {
    fn composer(&self) -> Composer<'_> {
        Composer { theme: self.theme, fonts: self.fonts }
    }

    fn body(&self) -> Setting {
        Setting { size: self.theme.size, colour: Rgb::TEXT, italic: false, bold: false }
    }

    /// Turns lines of text into chunks: a chunk per line, chained against orphans and widows.
    fn push_lines(&mut self, lines: Vec<Vec<Draw>>, leading: f32, first_keep: Option<usize>) {
        let n = lines.len();
        for (i, draws) in lines.into_iter().enumerate() {
            let keep = n > 1 && (i == 0 || i + 2 == n);
            let anchor = if i == 0 { first_keep } else { None };
            self.flow.push(Flow::Chunk(Chunk { height: leading, draws, keep, anchor, header: None }));
        }
    }

    /// Sets inlines as a paragraph between `left` and `right`; returns the lines' draws with y
    /// relative to the line's top.
    fn paragraph_lines(
        &self,
        text: &[Inline],
        s: Setting,
        left: f32,
        right: f32,
        leading: f32,
        justify: bool,
    ) -> Vec<Vec<Draw>> {
        let width = right - left;
        let lines = self.composer().lines(text, s, width);
        let ascent = baseline_offset(s.size, leading);
        lines.iter().map(|l| set_line(l, left, ascent, width, justify, Align::Left)).collect()
    }

    fn blocks(&mut self, blocks: &[Block], indent: f32, quote: bool) -> Result<(), RenderError> {
        for block in blocks {
            self.block(block, indent, quote)?;
        }
        Ok(())
    }

    fn block(&mut self, block: &Block, indent: f32, quote: bool) -> Result<(), RenderError> {
        let t = self.theme;
        let left = t.text_left() + indent;
        match block {
            Block::Heading { level, text, number, .. } => self.heading(*level, text, number.as_deref()),
            Block::Paragraph { text, number, .. } => {
                let mut s = self.body();
                s.italic = quote;
                let mut lines = self.paragraph_lines(
                    text,
                    s,
                    left,
                    t.right() - if quote { indent } else { 0.0 },
                    t.leading,
                    t.justify && self.in_list == 0,
                );
                if let (Some(number), Some(first)) = (number, lines.first_mut()) {
                    first.insert(
                        0,
                        Draw::Text(TextRun {
                            x: t.left(),
                            y: baseline_offset(t.size, t.leading),
                            face: t.face(Emphasis { bold: true, ..Emphasis::default() }),
                            size: t.size,
                            colour: Rgb::TEXT,
                            text: number.clone(),
                            space_extra: 0.0,
                            angle: 0.0,
                        }),
                    );
                }
                if quote {
                    for line in &mut lines {
                        line.push(Draw::Fill { rect: [left - 4.5 * MM, 0.0, 1.6, t.leading], colour: Rgb::RULE });
                    }
                }
                self.push_lines(lines, t.leading, None);
                self.flow.push(Flow::Space(t.para_space));
            }
            Block::List { start, items } => {
                for (n, item) in (start.unwrap_or(1)..).zip(items) {
                    let marker = match start {
                        Some(_) => format!("{n}."),
                        None if indent > t.list_indent * 0.5 && !quote => "–".to_string(),
                        None => "•".to_string(),
                    };
                    let before = self.flow.len();
                    self.in_list += 1;
                    let done = self.blocks(item, indent + t.list_indent, quote);
                    self.in_list -= 1;
                    done?;
                    // Put the marker on the item's first line.
                    if let Some(Flow::Chunk(first)) =
                        self.flow[before..].iter_mut().find(|f| matches!(f, Flow::Chunk(_)))
                    {
                        let face = t.face(Emphasis { italic: quote, ..Emphasis::default() });
                        let w = self.fonts.width(face, t.size, &marker);
                        let right_edge = left + t.list_indent - 1.8 * MM;
                        first.draws.insert(
                            0,
                            Draw::Text(TextRun {
                                x: right_edge - w,
                                y: baseline_offset(t.size, t.leading),
                                face,
                                size: t.size,
                                colour: Rgb::TEXT,
                                text: marker,
                                space_extra: 0.0,
                                angle: 0.0,
                            }),
                        );
                    }
                    // Items of a list sit closer together than paragraphs.
                    if let Some(Flow::Space(s)) = self.flow.last_mut() {
                        *s = t.para_space * 0.45;
                    }
                }
                if let Some(Flow::Space(s)) = self.flow.last_mut() {
                    *s = t.para_space;
                }
            }
            Block::Quote(inner) => {
                self.flow.push(Flow::Space(t.para_space * 0.5));
                self.blocks(inner, indent + 9.0 * MM, true)?;
            }
            Block::Table(table) => self.table(table, left)?,
            Block::Image { src, alt } => self.image(src, alt, left)?,
            Block::Chart(c) => {
                let width = t.right() - left;
                let (height, mut draws) = chart::draw(c, self.theme, self.fonts, width);
                for d in &mut draws {
                    d.shift(left, 0.0);
                }
                self.flow.push(Flow::Space(t.para_space));
                self.flow.push(Flow::Chunk(Chunk { height, draws, ..Chunk::default() }));
                self.flow.push(Flow::Space(t.para_space * 1.5));
            }
            Block::Rule => {
                let h = t.leading;
                self.flow.push(Flow::Chunk(Chunk {
                    height: h,
                    draws: vec![Draw::Stroke {
                        points: vec![(left, h / 2.0), (t.right(), h / 2.0)],
                        colour: Rgb::RULE,
                        width: 0.6,
                        dash: None,
                    }],
                    ..Chunk::default()
                }));
            }
            Block::PageBreak => self.flow.push(Flow::PageBreak),
        }
        Ok(())
    }

    fn heading(&mut self, level: u8, text: &[Inline], number: Option<&str>) {
        let t = self.theme;
        let (size, before, after) = t.heading[usize::from(level.clamp(1, 3)) - 1];
        let s = Setting { size, colour: Rgb::HEADING, italic: level == 3, bold: true };
        let leading = size * 1.3;
        let mut lines = self.paragraph_lines(text, s, t.text_left(), t.right(), leading, false);
        if let (Some(n), Some(first)) = (number, lines.first_mut()) {
            first.insert(
                0,
                Draw::Text(TextRun {
                    x: t.left(),
                    y: baseline_offset(size, leading),
                    face: t.face(Emphasis { bold: true, ..Emphasis::default() }),
                    size,
                    colour: Rgb::HEADING,
                    text: n.to_string(),
                    space_extra: 0.0,
                    angle: 0.0,
                }),
            );
        }
        let title = match number {
            Some(n) => format!("{n} {}", plain_text(text)),
            None => plain_text(text),
        };
        self.anchors.push(Anchor { level, title, page: 0, y: 0.0 });
        let anchor = Some(self.anchors.len() - 1);
        self.flow.push(Flow::Space(before));
        let n = lines.len();
        for (i, draws) in lines.into_iter().enumerate() {
            self.flow.push(Flow::Chunk(Chunk {
                height: leading,
                draws,
                keep: true,
                anchor: if i == 0 { anchor } else { None },
                header: None,
            }));
            if i + 1 == n {
                self.flow.push(Flow::Space(after));
            }
        }
    }

    fn title(&mut self, text: &[Inline]) {
        let t = self.theme;
        let size = t.heading[0].0 * 1.45;
        let s = Setting { size, colour: Rgb::HEADING, italic: false, bold: true };
        let leading = size * 1.25;
        let width = t.right() - t.left();
        let lines = self.composer().lines(text, s, width);
        for l in &lines {
            let draws = set_line(l, t.left(), baseline_offset(size, leading), width, false, Align::Center);
            self.flow.push(Flow::Chunk(Chunk { height: leading, draws, keep: true, ..Chunk::default() }));
        }
        self.flow.push(Flow::Chunk(Chunk {
            height: 14.0,
            draws: vec![Draw::Stroke {
                points: vec![(t.left(), 7.0), (t.right(), 7.0)],
                colour: Rgb::RULE,
                width: 0.8,
                dash: None,
            }],
            ..Chunk::default()
        }));
        self.flow.push(Flow::Space(t.para_space * 1.5));
    }

    fn image(&mut self, src: &str, alt: &str, left: f32) -> Result<(), RenderError> {
        let t = self.theme;
        let Some(size) = self.images.get(src).copied() else {
            return Err(RenderError::ImageMissing { src: src.to_string() });
        };
        let avail = t.right() - left;
        // Court: at most the picture's size at 150 dpi. Easy-read: pictures large, whatever their size.
        let natural = if t.serif { size.width as f32 * 72.0 / 150.0 } else { f32::MAX };
        let w = natural.min(t.image_width).min(avail);
        let h = w * size.height as f32 / size.width.max(1) as f32;
        let max_h = (t.bottom() - t.top()) * 0.6;
        let (w, h) = if h > max_h { (w * max_h / h, max_h) } else { (w, h) };
        let x = left + (avail - w) / 2.0;
        let mut draws = vec![Draw::Image { index: size.index, rect: [x, 0.0, w, h] }];
        let mut height = h;
        if !alt.is_empty() {
            let s = Setting { size: t.small, colour: Rgb::MUTED, italic: true, bold: false };
            let lines = self.composer().lines(&[Inline::Text(alt.to_string(), Emphasis::default())], s, avail);
            let leading = t.small * 1.35;
            height += 3.0;
            for l in &lines {
                let mut line =
                    set_line(l, left, height + baseline_offset(t.small, leading), avail, false, Align::Center);
                draws.append(&mut line);
                height += leading;
            }
        }
        self.flow.push(Flow::Space(t.para_space));
        self.flow.push(Flow::Chunk(Chunk { height, draws, ..Chunk::default() }));
        self.flow.push(Flow::Space(t.para_space));
        Ok(())
    }

    fn table(&mut self, table: &Table, left: f32) -> Result<(), RenderError> {
        let t = self.theme;
        let cols = table.header.len().max(table.rows.iter().map(Vec::len).max().unwrap_or(0));
        if cols == 0 {
            return Ok(());
        }
        let size = t.table_size;
        let leading = size * 1.32;
        let pad_x = 4.0;
        let pad_y = 3.2;
        let width = t.right() - left;
        let body = Setting { size, colour: Rgb::TEXT, italic: false, bold: false };
        let head = Setting { bold: true, colour: Rgb::HEADING, ..body };
        let composer = Composer { theme: self.theme, fonts: self.fonts };

        // Column widths from content: each column gets at least its longest word and, where
        // there is room, its whole text on one line; what is left is shared out in proportion.
        let mut min_w = vec![0.0f32; cols];
        let mut max_w = vec![0.0f32; cols];
        let rows = std::iter::once((&table.header, head)).chain(table.rows.iter().map(|r| (r, body)));
        for (row, s) in rows {
            for (c, cell) in row.iter().enumerate().take(cols) {
                let tokens = composer.tokens(cell, s);
                let mut line = 0.0f32;
                for tok in &tokens {
                    match tok {
                        Token::Word(p) => {
                            let w: f32 = p.iter().map(|p| p.width).sum();
                            min_w[c] = min_w[c].max(w.min(width * 0.45));
                            line += w;
                        }
                        Token::Space(p) => line += p.width,
                        Token::Break => {
                            max_w[c] = max_w[c].max(line);
                            line = 0.0;
                        }
                    }
                }
                max_w[c] = max_w[c].max(line);
            }
        }
        let inner = width - 2.0 * pad_x * cols as f32;
        let widths = column_widths(&min_w, &max_w, inner);
        let mut xs = Vec::with_capacity(cols + 1);
        let mut x = left;
        for w in &widths {
            xs.push(x);
            x += w + 2.0 * pad_x;
        }
        xs.push(left + width);

        let empty = Vec::new();
        let row_chunk = |cells: &Vec<Vec<Inline>>, s: Setting, header: bool| -> Chunk {
            let mut draws = Vec::new();
            let mut lines_max = 1usize;
            for c in 0..cols {
                let cell = cells.get(c).unwrap_or(&empty);
                let lines = composer.lines(cell, s, widths[c]);
                lines_max = lines_max.max(lines.len());
                let align = table.align.get(c).copied().unwrap_or_default();
                for (i, l) in lines.iter().enumerate() {
                    let y = pad_y + i as f32 * leading + baseline_offset(size, leading);
                    draws.extend(set_line(l, xs[c] + pad_x, y, widths[c], false, align));
                }
            }
            let height = lines_max as f32 * leading + 2.0 * pad_y;
            let mut all = Vec::with_capacity(draws.len() + 3);
            if header {
                all.push(Draw::Fill { rect: [left, 0.0, width, height], colour: Rgb::HEADER_FILL });
            }
            all.append(&mut draws);
            let rule = if header { (Rgb::HEADING, 0.9) } else { (Rgb::RULE, 0.5) };
            all.push(Draw::Stroke {
                points: vec![(left, height), (left + width, height)],
                colour: rule.0,
                width: rule.1,
                dash: None,
            });
            Chunk { height, draws: all, keep: header, ..Chunk::default() }
        };

        let mut header = row_chunk(&table.header, head, true);
        // A rule above the header, part of the header so it repeats with it.
        header.draws.push(Draw::Stroke {
            points: vec![(left, 0.0), (left + width, 0.0)],
            colour: Rgb::HEADING,
            width: 0.9,
            dash: None,
        });
        let header = Rc::new(header);
        self.flow.push(Flow::Space(t.para_space));
        self.flow.push(Flow::Chunk((*header).clone()));
        let n = table.rows.len();
        for (i, row) in table.rows.iter().enumerate() {
            let mut chunk = row_chunk(row, body, false);
            chunk.header = Some(Rc::clone(&header));
            // Keep the first two rows with the header, and never leave one row alone.
            chunk.keep = (i == 0 && n > 1) || i + 2 == n;
            self.flow.push(Flow::Chunk(chunk));
        }
        self.flow.push(Flow::Space(t.para_space * 1.4));
        Ok(())
    }
}

/// Shares `inner` points among table columns, given each column's longest word (`min`) and
/// whole text on one line (`max`).
///
/// Columns whose whole text fits in a fair share of what is left get exactly that (so short
/// columns such as dates and references never wrap); the rest get their longest word plus a
/// share of the remaining room in proportion to how much they would like. When everything fits,
/// the spare room is shared in proportion to content.
fn column_widths(min: &[f32], max: &[f32], inner: f32) -> Vec<f32> {
    let sum_max: f32 = max.iter().sum();
    if sum_max <= inner {
        let n = max.len() as f32;
        return max.iter().map(|w| w + (inner - sum_max) * (w + 1.0) / (sum_max + n)).collect();
    }
    let mut widths = vec![0.0f32; max.len()];
    let mut open: Vec<usize> = (0..max.len()).collect();
    let mut room = inner;
    loop {
        let fair = room / open.len().max(1) as f32;
        let (fits, rest): (Vec<usize>, Vec<usize>) = open.iter().partition(|&&c| max[c] <= fair);
        if fits.is_empty() || rest.is_empty() {
            break;
        }
        for c in fits {
            widths[c] = max[c];
            room -= max[c];
        }
        open = rest;
    }
    let sum_min: f32 = open.iter().map(|&c| min[c]).sum();
    if sum_min <= room {
        let flex: f32 = open.iter().map(|&c| max[c] - min[c]).sum::<f32>().max(0.01);
        for &c in &open {
            widths[c] = min[c] + (room - sum_min) * (max[c] - min[c]) / flex;
        }
    } else {
        for &c in &open {
            widths[c] = min[c] * room / sum_min.max(0.01);
        }
    }
    widths
}

/// Distance from the top of a line box to its baseline.
fn baseline_offset(size: f32, leading: f32) -> f32 {
    // DejaVu's ascent is about 0.93 em and its descent 0.24; centre the glyphs in the box.
    (leading - size * 1.17) / 2.0 + size * 0.93
}

// ---------------------------------------------------------------------------------------------
// Front sheet and contents

fn front_sheet(fs: &FrontSheet, theme: &Theme, fonts: &Fonts) -> Page {
    let t = theme;
    let composer = Composer { theme: t, fonts };
    let mut page = Page::default();
    let left = t.left();
    let width = t.right() - t.left();
    let mut y = t.top() + 8.0 * MM;
    let centred = |page: &mut Page, y: &mut f32, text: &str, size: f32, bold: bool, colour: Rgb| {
        let s = Setting { size, colour, italic: false, bold };
        let leading = size * 1.3;
        for l in composer.lines(&[Inline::Text(text.to_string(), Emphasis::default())], s, width) {
            page.draws.extend(set_line(&l, left, *y + baseline_offset(size, leading), width, false, Align::Center));
            *y += leading;
        }
    };
    centred(&mut page, &mut y, &fs.court, 13.0, true, Rgb::TEXT);
    y += 2.0;
    centred(&mut page, &mut y, &format!("Case number: {}", fs.case_number), 11.0, false, Rgb::TEXT);
    y += 10.0 * MM;
    if !fs.children.is_empty() {
        centred(&mut page, &mut y, "In the matter of", 10.0, false, Rgb::MUTED);
        y += 2.0;
        for child in &fs.children {
            centred(&mut page, &mut y, child, 12.0, true, Rgb::TEXT);
        }
    }
    y += 16.0 * MM;
    let rule = |page: &mut Page, y: f32| {
        page.draws.push(Draw::Stroke {
            points: vec![(left + width * 0.2, y), (left + width * 0.8, y)],
            colour: Rgb::HEADING,
            width: 1.2,
            dash: None,
        })
    };
    rule(&mut page, y);
    y += 9.0 * MM;
    centred(&mut page, &mut y, &fs.title, 22.0, true, Rgb::HEADING);
    if let Some(sub) = &fs.subtitle {
        y += 3.0;
        centred(&mut page, &mut y, sub, 13.0, false, Rgb::HEADING);
    }
    y += 7.0 * MM;
    rule(&mut page, y);
    y += 16.0 * MM;

    let status = match fs.status {
        Status::Draft => "DRAFT — not for filing".to_string(),
        Status::Final => "Final".to_string(),
    };
    let mut rows: Vec<(&str, String)> = Vec::new();
    if !fs.parents.is_empty() {
        rows.push((if fs.parents.len() > 1 { "Parents" } else { "Parent" }, fs.parents.join("\n")));
    }
    rows.push(("Author", fs.author.clone()));
    if !fs.qualifications.is_empty() {
        rows.push(("Qualifications", fs.qualifications.clone()));
    }
    if !fs.registration.is_empty() {
        rows.push(("Registration", fs.registration.clone()));
    }
    rows.push(("Date of report", fs.date.clone()));
    rows.push(("Status", status));
    let label_w = 42.0 * MM;
    let box_left = left + 8.0 * MM;
    let box_right = t.right() - 8.0 * MM;
    let size = 11.0;
    let leading = 15.0;
    page.draws.push(Draw::Stroke {
        points: vec![(box_left, y), (box_right, y)],
        colour: Rgb::RULE,
        width: 0.6,
        dash: None,
    });
    for (label, value) in rows {
        y += 5.0;
        let label_s = Setting { size, colour: Rgb::MUTED, italic: false, bold: true };
        let value_s = Setting { size, colour: Rgb::TEXT, italic: false, bold: false };
        let label_lines = composer.lines(&[Inline::Text(label.to_string(), Emphasis::default())], label_s, label_w);
        let inlines: Vec<Inline> = value
            .split('\n')
            .enumerate()
            .flat_map(|(i, part)| {
                let text = Inline::Text(part.to_string(), Emphasis::default());
                if i == 0 { vec![text] } else { vec![Inline::Break, text] }
            })
            .collect();
        let value_lines = composer.lines(&inlines, value_s, box_right - box_left - label_w);
        let n = label_lines.len().max(value_lines.len());
        for (i, l) in label_lines.iter().enumerate() {
            let b = y + i as f32 * leading + baseline_offset(size, leading);
            page.draws.extend(set_line(l, box_left, b, label_w, false, Align::Left));
        }
        for (i, l) in value_lines.iter().enumerate() {
            let b = y + i as f32 * leading + baseline_offset(size, leading);
            page.draws.extend(set_line(l, box_left + label_w, b, box_right - box_left - label_w, false, Align::Left));
        }
        y += n as f32 * leading + 5.0;
        page.draws.push(Draw::Stroke {
            points: vec![(box_left, y), (box_right, y)],
            colour: Rgb::RULE,
            width: 0.6,
            dash: None,
        });
    }
    if fs.status == Status::Draft {
        y += 12.0 * MM;
        centred(
            &mut page,
            &mut y,
            "This is a draft. It has not been signed and must not be filed or relied on.",
            9.5,
            false,
            Rgb::MUTED,
        );
    }
    page
}

/// The contents pages: an entry per level-1 and level-2 heading with dot leaders and the page
/// number, each entry a link to its heading.
fn contents(anchors: &[Anchor], first_body_page: usize, theme: &Theme, fonts: &Fonts) -> Vec<Page> {
    let t = theme;
    let composer = Composer { theme: t, fonts };
    let mut flow = Vec::new();
    let size = t.size;
    let leading = t.leading;
    let page_col = 12.0 * MM;
    let right = t.right();
    let mut head_anchor = [Anchor { level: 1, title: String::new(), page: 0, y: 0.0 }];
    let title_s = Setting { size: t.heading[0].0, colour: Rgb::HEADING, italic: false, bold: true };
    let title_lines =
        composer.lines(&[Inline::Text("Contents".into(), Emphasis::default())], title_s, right - t.left());
    for l in &title_lines {
        let lead = t.heading[0].0 * 1.3;
        let draws = set_line(l, t.left(), baseline_offset(t.heading[0].0, lead), right - t.left(), false, Align::Left);
        flow.push(Flow::Chunk(Chunk { height: lead, draws, keep: true, ..Chunk::default() }));
    }
    flow.push(Flow::Space(t.heading[0].2 + 4.0));
    let dot_face = t.face(Emphasis::default());
    let dot_w = fonts.width(dot_face, size, ". ");
    for (i, a) in anchors.iter().enumerate() {
        if a.level > 2 {
            continue;
        }
        let s = Setting { size, colour: Rgb::TEXT, italic: false, bold: a.level == 1 };
        let (number, title) = split_number(&a.title);
        // Section numbers hang in the number column; subsection numbers align with section titles.
        let num_w = if t.number_col > 0.0 { t.number_col } else { 12.0 * MM };
        let (num_x, text_x) =
            if a.level == 1 { (t.left(), t.left() + num_w) } else { (t.left() + num_w, t.left() + num_w + 11.0 * MM) };
        let text_right = right - page_col;
        let lines =
            composer.lines(&[Inline::Text(title.to_string(), Emphasis::default())], s, text_right - text_x - 4.0 * MM);
        let page_no = (a.page + first_body_page + 1).to_string();
        let base = baseline_offset(size, leading);
        if a.level == 1 {
            flow.push(Flow::Space(5.0));
        }
        let n = lines.len();
        for (li, l) in lines.iter().enumerate() {
            let mut draws = set_line(l, text_x, base, text_right - text_x, false, Align::Left);
            if li == 0
                && let Some(num) = number
            {
                let face = t.face(Emphasis { bold: a.level == 1, ..Emphasis::default() });
                draws.insert(0, text_run(num_x, base, face, size, Rgb::TEXT, num));
            }
            if li + 1 == n {
                // Dot leaders on a fixed grid, so the dots of every entry line up.
                let start = text_x + l.width + 2.5;
                let end = right - fonts.width(dot_face, size, "000") - 4.0;
                let mut x = ((start - t.left()) / dot_w).ceil() * dot_w + t.left();
                let mut dots = String::new();
                let first = x;
                while x + dot_w <= end {
                    dots.push_str(". ");
                    x += dot_w;
                }
                if !dots.is_empty() {
                    draws.push(text_run(first, base, dot_face, size, Rgb::MUTED, dots.trim_end()));
                }
                let face = t.face(Emphasis { bold: a.level == 1, ..Emphasis::default() });
                let w = fonts.width(face, size, &page_no);
                draws.push(text_run(right - w, base, face, size, Rgb::TEXT, &page_no));
            }
            draws.push(Draw::Link { rect: [num_x, 0.0, right - num_x, leading], anchor: i });
            flow.push(Flow::Chunk(Chunk { height: leading, draws, keep: li + 1 < n, ..Chunk::default() }));
        }
    }
    paginate(flow, t, &mut head_anchor)
}

fn text_run(x: f32, y: f32, face: Face, size: f32, colour: Rgb, text: &str) -> Draw {
    Draw::Text(TextRun { x, y, face, size, colour, text: text.to_string(), space_extra: 0.0, angle: 0.0 })
}

/// Splits `"2.3 Safety"` into `(Some("2.3"), "Safety")`.
fn split_number(title: &str) -> (Option<&str>, &str) {
    match title.split_once(' ') {
        Some((n, rest))
            if n.chars().next().is_some_and(|c| c.is_ascii_digit())
                && n.chars().all(|c| c.is_ascii_digit() || c == '.') =>
        {
            (Some(n), rest)
        }
        _ => (None, title),
    }
}

// ---------------------------------------------------------------------------------------------
// Putting it together

/// Lays out a numbered document: front sheet, contents, body, then running header, footer and
/// watermark on every page.
pub fn layout(doc: &Document, opts: &RenderOptions, images: &HashMap<String, ImageSize>) -> Result<Laid, RenderError> {
    let theme = Theme::for_style(opts.style);
    let fonts = Fonts::load(&theme)?;
    let mut builder =
        Builder { theme: &theme, fonts: &fonts, images, flow: Vec::new(), anchors: Vec::new(), in_list: 0 };
    if let Some(title) = &doc.title {
        builder.title(title);
    }
    builder.blocks(&doc.blocks, 0.0, false)?;
    let Builder { flow, mut anchors, .. } = builder;
    let body = paginate(flow, &theme, &mut anchors);

    let mut pages = Vec::new();
    if let Some(fs) = &opts.front_sheet {
        pages.push(front_sheet(fs, &theme, &fonts));
    }
    let want_contents = opts.contents && anchors.iter().any(|a| a.level <= 2);
    if want_contents {
        // Two passes: lay the contents out to learn how many pages it takes, then again with the
        // real page numbers; repeat if that changed its length (it cannot while the numbers sit in
        // their fixed column, but the loop keeps that true by construction, not by assumption).
        let mut toc = contents(&anchors, pages.len() + 1, &theme, &fonts);
        for _ in 0..3 {
            let again = contents(&anchors, pages.len() + toc.len(), &theme, &fonts);
            let stable = again.len() == toc.len();
            toc = again;
            if stable {
                break;
            }
        }
        pages.extend(toc);
    }
    let offset = pages.len();
    for a in &mut anchors {
        a.page += offset;
    }
    pages.extend(body);
    decorate(&mut pages, opts, &theme, &fonts);
    Ok(Laid { size: theme.page, pages, anchors })
}

/// Adds the running header, the "Page X of Y" footer and the watermark to every page.
fn decorate(pages: &mut [Page], opts: &RenderOptions, t: &Theme, fonts: &Fonts) {
    let total = pages.len();
    let face = t.face(Emphasis::default());
    let size = if t.serif { 8.5 } else { 11.0 };
    for (i, page) in pages.iter_mut().enumerate() {
        let mut under = Vec::new();
        if let Some(mark) = &opts.watermark {
            let wsize = 120.0f32.min(900.0 / mark.chars().count().max(1) as f32 * 1.6);
            let bold = t.face(Emphasis { bold: true, ..Emphasis::default() });
            let w = fonts.width(bold, wsize, mark);
            let (cx, cy) = (t.page.0 / 2.0, t.page.1 / 2.0);
            let a = 54.7f32.to_radians();
            // Start the baseline so the word's centre falls on the page's centre.
            let (dx, dy) = (a.cos() * w / 2.0, a.sin() * w / 2.0);
            let lift = wsize * 0.35;
            under.push(Draw::Text(TextRun {
                x: cx - dx + a.sin() * lift,
                y: cy + dy + a.cos() * lift,
                face: bold,
                size: wsize,
                colour: Rgb::WATERMARK,
                text: mark.clone(),
                space_extra: 0.0,
                angle: 54.7,
            }));
        }
        if let Some(header) = &opts.running_header {
            let y = t.top() - 9.0 * MM;
            under.push(text_run(t.left(), y, face, size, Rgb::MUTED, header));
            under.push(Draw::Stroke {
                points: vec![(t.left(), y + 2.8 * MM), (t.right(), y + 2.8 * MM)],
                colour: Rgb::RULE,
                width: 0.5,
                dash: None,
            });
        }
        let footer = format!("Page {} of {}", i + 1, total);
        let w = fonts.width(face, size, &footer);
        let y = t.bottom() + 12.0 * MM;
        // Reading order: header, body, footer (the watermark is painted first, underneath).
        under.append(&mut page.draws);
        under.push(text_run((t.page.0 - w) / 2.0, y, face, size, Rgb::MUTED, &footer));
        page.draws = under;
    }
}
