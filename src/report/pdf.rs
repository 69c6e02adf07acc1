//! The PDF writer: laid-out pages to bytes, with printpdf, then a small pass with lopdf.
//!
//! printpdf writes the pages, fonts and pictures. The lopdf pass adds what printpdf cannot:
//! a nested outline (section > subsection), and a document id derived from the content instead
//! of printpdf's process-wide counter, so the same input always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Object, ObjectId, StringFormat};
use printpdf::{
    Actions, BorderArray, ColorArray, Destination, FontId, Line, LineDashPattern, LinePoint, LinkAnnotation, Op,
    PaintMode, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect,
    TextItem, TextMatrix, WindingOrder, XObject, XObjectId, XObjectTransform,
};
use sha2::{Digest, Sha256};

use super::fonts::{self, Face};
use super::image::Picture;
use super::layout::{Anchor, Draw, Laid, Rgb, TextRun};
use super::{Metadata, RenderError};

/// Writes the laid-out pages as a PDF. `fingerprint` seeds the document id.
pub fn write(laid: &Laid, pictures: &[Picture], meta: &Metadata, fingerprint: &[u8]) -> Result<Vec<u8>, RenderError> {
    let (width, height) = laid.size;
    let mut doc = PdfDocument::new(&meta.title);
    let info = &mut doc.metadata.info;
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = "assess".into();
    info.producer = format!("assess {} (printpdf)", env!("CARGO_PKG_VERSION"));
    let date = pdf_date(meta.date.as_deref().unwrap_or("1970-01-01"))?;
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;

    // Fonts: only the faces used, each cut down to the characters used.
    let mut used: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for page in &laid.pages {
        for d in &page.draws {
            if let Draw::Text(t) = d {
                used.entry(t.face).or_default().extend(t.text.chars());
            }
        }
    }
    for (face, chars) in &used {
        let font = fonts::subset(*face, chars)?;
        doc.resources.fonts.map.insert(font_id(*face), PdfFont::new(font));
    }
    for (i, p) in pictures.iter().enumerate() {
        doc.resources.xobjects.map.insert(image_id(i), XObject::Image(p.raw.clone()));
    }

    let mut pages = Vec::with_capacity(laid.pages.len());
    for page in &laid.pages {
        let ops = page_ops(&page.draws, height, pictures, &laid.anchors)?;
        pages.push(PdfPage::new(Pt(width).into(), Pt(height).into(), ops));
    }
    doc.with_pages(pages);

    let options = PdfSaveOptions { optimize: false, subset_fonts: false, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&options, &mut warnings);
    outline(&mut lo, &laid.anchors, height);

    let id = Sha256::digest(fingerprint);
    let id = Object::String(id[..16].to_vec(), StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    lo.compress();
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(|e| RenderError::Pdf(e.to_string()))?;
    Ok(out)
}

fn font_id(face: Face) -> FontId {
    FontId(format!("F{}", face.index()))
}

fn image_id(i: usize) -> XObjectId {
    XObjectId(format!("Im{i}"))
}

/// `2026-11-22` (or a longer ISO timestamp) as a PDF date; the clock is never read.
fn pdf_date(iso: &str) -> Result<printpdf::OffsetDateTime, RenderError> {
    let digits: String = iso.chars().filter(char::is_ascii_digit).take(14).collect();
    let bad = || RenderError::Date { value: iso.to_string() };
    if digits.len() < 8 {
        return Err(bad());
    }
    let padded = format!("D:{digits:0<14}");
    printpdf::parse_pdf_date(&padded).map_err(|_| bad())
}

fn colour(c: Rgb) -> printpdf::Color {
    printpdf::Color::Rgb(printpdf::Rgb { r: c.0, g: c.1, b: c.2, icc_profile: None })
}

fn point(x: f32, y: f32, height: f32) -> LinePoint {
    LinePoint { p: Point { x: Pt(x), y: Pt(height - y) }, bezier: false }
}

/// The glyph string of a run: kerning and justification become offsets in a `TJ` array.
fn text_items(run: &TextRun) -> Result<Vec<TextItem>, RenderError> {
    let metrics = run.face.metrics()?;
    let space = if run.space_extra > 0.0 { -run.space_extra / run.size * 1000.0 } else { 0.0 };
    let mut items = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for c in run.text.chars() {
        if let Some(p) = prev {
            let k = metrics.kern(p, c);
            if k != 0.0 {
                items.push(TextItem::Text(std::mem::take(&mut current)));
                items.push(TextItem::Offset(-k));
            }
        }
        current.push(c);
        if c == ' ' && space != 0.0 {
            items.push(TextItem::Text(std::mem::take(&mut current)));
            items.push(TextItem::Offset(space));
        }
        prev = Some(c);
    }
    if !current.is_empty() {
        items.push(TextItem::Text(current));
    }
    Ok(items)
}

fn page_ops(draws: &[Draw], height: f32, pictures: &[Picture], anchors: &[Anchor]) -> Result<Vec<Op>, RenderError> {
    let mut ops = Vec::with_capacity(draws.len() * 4);
    let mut in_text = false;
    let mut font: Option<(Face, f32)> = None;
    let mut fill: Option<Rgb> = None;
    for d in draws {
        if in_text && !matches!(d, Draw::Text(_)) {
            ops.push(Op::EndTextSection);
            in_text = false;
            font = None;
        }
        match d {
            Draw::Text(run) => {
                if !in_text {
                    ops.push(Op::StartTextSection);
                    in_text = true;
                }
                if font != Some((run.face, run.size)) {
                    ops.push(Op::SetFont { font: PdfFontHandle::External(font_id(run.face)), size: Pt(run.size) });
                    font = Some((run.face, run.size));
                }
                if fill != Some(run.colour) {
                    ops.push(Op::SetFillColor { col: colour(run.colour) });
                    fill = Some(run.colour);
                }
                let (x, y) = (run.x, height - run.y);
                let matrix = if run.angle == 0.0 {
                    TextMatrix::Translate(Pt(x), Pt(y))
                } else {
                    let (s, c) = run.angle.to_radians().sin_cos();
                    TextMatrix::Raw([c, s, -s, c, x, y])
                };
                ops.push(Op::SetTextMatrix { matrix });
                ops.push(Op::ShowText { items: text_items(run)? });
            }
            Draw::Fill { rect, colour: c } => {
                if fill != Some(*c) {
                    ops.push(Op::SetFillColor { col: colour(*c) });
                    fill = Some(*c);
                }
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(rect[0]),
                        y: Pt(height - rect[1] - rect[3]),
                        width: Pt(rect[2]),
                        height: Pt(rect[3]),
                        mode: Some(PaintMode::Fill),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
            }
            Draw::Polygon { points, colour: c } => {
                if fill != Some(*c) {
                    ops.push(Op::SetFillColor { col: colour(*c) });
                    fill = Some(*c);
                }
                let ring = PolygonRing { points: points.iter().map(|&(x, y)| point(x, y, height)).collect() };
                ops.push(Op::DrawPolygon {
                    polygon: Polygon { rings: vec![ring], mode: PaintMode::Fill, winding_order: WindingOrder::NonZero },
                });
            }
            Draw::Stroke { points, colour: c, width, dash } => {
                ops.push(Op::SetOutlineColor { col: colour(*c) });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                if let Some(d) = dash {
                    ops.push(Op::SetLineDashPattern { dash: LineDashPattern::new(0.0, &[*d, *d]) });
                }
                ops.push(Op::DrawLine {
                    line: Line { points: points.iter().map(|&(x, y)| point(x, y, height)).collect(), is_closed: false },
                });
                if dash.is_some() {
                    ops.push(Op::SetLineDashPattern { dash: LineDashPattern::new(0.0, &[]) });
                }
            }
            Draw::Image { index, rect } => {
                let Some(p) = pictures.get(*index) else { continue };
                ops.push(Op::UseXobject {
                    id: image_id(*index),
                    transform: XObjectTransform {
                        translate_x: Some(Pt(rect[0])),
                        translate_y: Some(Pt(height - rect[1] - rect[3])),
                        rotate: None,
                        scale_x: Some(rect[2] / p.width.max(1) as f32),
                        scale_y: Some(rect[3] / p.height.max(1) as f32),
                        dpi: Some(72.0),
                        no_auto_scale: false,
                    },
                });
            }
            Draw::Link { rect, anchor } => {
                let Some(a) = anchors.get(*anchor) else { continue };
                let area = Rect {
                    x: Pt(rect[0]),
                    y: Pt(height - rect[1] - rect[3]),
                    width: Pt(rect[2]),
                    height: Pt(rect[3]),
                    mode: None,
                    winding_order: None,
                };
                let to = Destination::Xyz { page: a.page + 1, left: None, top: Some(height - a.y + 6.0), zoom: None };
                ops.push(Op::LinkAnnotation {
                    link: LinkAnnotation::new(
                        area,
                        Actions::Goto(to),
                        Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                        Some(ColorArray::Transparent),
                        None,
                    ),
                });
            }
        }
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    Ok(ops)
}

/// A PDF text string in UTF-16BE with a byte-order mark (any script, any viewer).
fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// Writes the outline (bookmarks) as a tree: level-2 headings under their level-1 heading,
/// level 3 under level 2.
fn outline(doc: &mut lopdf::Document, anchors: &[Anchor], height: f32) {
    if anchors.is_empty() {
        return;
    }
    let pages = doc.get_pages();
    let root_id = doc.new_object_id();
    let ids: Vec<ObjectId> = anchors.iter().map(|_| doc.new_object_id()).collect();
    // Parent of each entry: the nearest earlier entry of a lower level.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(anchors.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, a) in anchors.iter().enumerate() {
        while stack.last().is_some_and(|&s| anchors[s].level >= a.level) {
            stack.pop();
        }
        parent.push(stack.last().copied());
        stack.push(i);
    }
    let children = |p: Option<usize>| -> Vec<usize> { (0..anchors.len()).filter(|&i| parent[i] == p).collect() };
    let descendants = |i: usize| -> i64 {
        let mut n = 0;
        let mut j = i + 1;
        while j < anchors.len() && anchors[j].level > anchors[i].level {
            n += 1;
            j += 1;
        }
        n
    };
    for (i, a) in anchors.iter().enumerate() {
        let siblings = children(parent[i]);
        let pos = siblings.iter().position(|&s| s == i).unwrap_or(0);
        let mut dict = lopdf::Dictionary::new();
        dict.set("Title", text_string(&a.title));
        dict.set("Parent", Object::Reference(parent[i].map_or(root_id, |p| ids[p])));
        let page = pages.get(&(a.page as u32 + 1)).copied();
        if let Some(page) = page {
            dict.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(height - a.y + 6.0),
                    Object::Null,
                ]),
            );
        }
        if pos > 0 {
            dict.set("Prev", Object::Reference(ids[siblings[pos - 1]]));
        }
        if let Some(&next) = siblings.get(pos + 1) {
            dict.set("Next", Object::Reference(ids[next]));
        }
        let kids = children(Some(i));
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            dict.set("First", Object::Reference(ids[first]));
            dict.set("Last", Object::Reference(ids[last]));
            dict.set("Count", Object::Integer(descendants(i)));
        }
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    let top = children(None);
    let mut root = lopdf::Dictionary::new();
    root.set("Type", Object::Name(b"Outlines".to_vec()));
    if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
        root.set("First", Object::Reference(ids[first]));
        root.set("Last", Object::Reference(ids[last]));
    }
    root.set("Count", Object::Integer(anchors.len() as i64));
    doc.objects.insert(root_id, Object::Dictionary(root));
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Outlines", Object::Reference(root_id));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
}
