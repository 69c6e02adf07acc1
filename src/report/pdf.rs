//! The PDF writer: laid-out pages to bytes, with printpdf, then a small pass with lopdf.
//!
//! printpdf builds the document: page tree, embedded fonts (with `/W` widths and `/ToUnicode`
//! maps, so text stays searchable), pictures, link annotations and the document information.
//! The page content streams are written here, straight from the laid-out draws: going through
//! printpdf's `Op`s cost a string allocation and two map look-ups per character and was over
//! half the time of a render. The glyph codes written are the ones printpdf assigns (the glyph
//! ids of the subset fonts from [`fonts::subset`]), and printpdf learns which characters each
//! font needs from one text operation per font on the first page, whose content is then replaced.
//!
//! The lopdf pass adds what printpdf cannot: a nested outline (section > subsection), and a
//! document id derived from the content instead of printpdf's process-wide counter, so the same
//! input always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lopdf::{Object, ObjectId, StringFormat};
use printpdf::{
    Actions, BorderArray, ColorArray, Destination, FontId, LinkAnnotation, Op, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Pt, Rect, TextItem, XObject, XObjectId,
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
    let mut glyphs: BTreeMap<Face, HashMap<char, u16>> = BTreeMap::new();
    for (face, chars) in &used {
        let font = fonts::subset(*face, chars)?;
        let codes =
            font.codepoint_to_glyph.iter().filter_map(|(&cp, &gid)| char::from_u32(cp).map(|c| (c, gid))).collect();
        glyphs.insert(*face, codes);
        doc.resources.fonts.map.insert(font_id(*face), PdfFont::new(font));
    }
    for (i, p) in pictures.iter().enumerate() {
        doc.resources.xobjects.map.insert(image_id(i), XObject::Image(p.raw.clone()));
    }

    // printpdf pages carry only what printpdf must see: links, and the characters of each font.
    let mut pages = Vec::with_capacity(laid.pages.len());
    for (i, page) in laid.pages.iter().enumerate() {
        let mut ops = Vec::new();
        if i == 0 {
            ops.push(Op::StartTextSection);
            for (face, chars) in &used {
                ops.push(Op::SetFont { font: PdfFontHandle::External(font_id(*face)), size: Pt(10.0) });
                ops.push(Op::ShowText { items: vec![TextItem::Text(chars.iter().collect())] });
            }
            ops.push(Op::EndTextSection);
        }
        ops.extend(link_ops(&page.draws, height, &laid.anchors));
        pages.push(PdfPage::new(Pt(width).into(), Pt(height).into(), ops));
    }
    doc.with_pages(pages);

    let options = PdfSaveOptions { optimize: false, subset_fonts: false, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&options, &mut warnings);
    let page_ids = lo.get_pages();
    for (i, page) in laid.pages.iter().enumerate() {
        let content = content_stream(&page.draws, height, &glyphs)?;
        let contents = page_ids
            .get(&(i as u32 + 1))
            .and_then(|id| lo.get_dictionary(*id).ok())
            .and_then(|d| d.get(b"Contents").ok())
            .and_then(|c| c.as_reference().ok())
            .ok_or_else(|| RenderError::Pdf(format!("page {} has no content stream", i + 1)))?;
        lo.objects.insert(contents, Object::Stream(lopdf::Stream::new(lopdf::Dictionary::new(), content)));
    }
    outline(&mut lo, &laid.anchors, height);
    // printpdf always writes a `GTS_PDFXVersion` (empty here), which readers take as a claim of
    // PDF/X conformance that this file does not make; and an empty `Identifier`.
    if let Ok(info) = lo.trailer.get(b"Info").and_then(Object::as_reference)
        && let Ok(dict) = lo.get_dictionary_mut(info)
    {
        dict.remove(b"GTS_PDFXVersion");
        dict.remove(b"Identifier");
    }

    let id = Sha256::digest(fingerprint);
    let id = Object::String(id[..16].to_vec(), StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    compress(&mut lo);
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(|e| RenderError::Pdf(e.to_string()))?;
    Ok(out)
}

/// Compresses every stream that allows it. lopdf's own `compress` uses the slowest, strongest
/// level, which took 40% of the time of a whole render; level 3 is about as small (+1%) in a
/// third of the time.
fn compress(doc: &mut lopdf::Document) {
    use flate2::{Compression, write::ZlibEncoder};
    use std::io::Write;
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
        {
            let mut encoder = ZlibEncoder::new(Vec::with_capacity(stream.content.len() / 3), Compression::new(LEVEL));
            if encoder.write_all(&stream.content).is_ok()
                && let Ok(packed) = encoder.finish()
                && packed.len() < stream.content.len()
            {
                stream.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                stream.set_content(packed);
            }
        }
    }
}

/// zlib compression level for streams (see [`compress`]).
const LEVEL: u32 = 3;

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

/// Appends a number with at most two decimals (what a PDF needs, and much faster than `{}`).
fn num(out: &mut Vec<u8>, v: f32) {
    let scaled = (f64::from(v) * 100.0).round() as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let a = scaled.unsigned_abs();
    let (int, frac) = (a / 100, a % 100);
    out.extend_from_slice(int.to_string().as_bytes());
    if frac != 0 {
        out.push(b'.');
        out.push(b'0' + (frac / 10) as u8);
        if frac % 10 != 0 {
            out.push(b'0' + (frac % 10) as u8);
        }
    }
    out.push(b' ');
}

fn op(out: &mut Vec<u8>, name: &str) {
    out.extend_from_slice(name.as_bytes());
    out.push(b'\n');
}

fn rgb(out: &mut Vec<u8>, c: Rgb, name: &str) {
    num(out, c.0);
    num(out, c.1);
    num(out, c.2);
    op(out, name);
}

/// A run's `TJ` array: glyph codes as two-byte literal strings (half the size of hex, which
/// matters for compression time), with kerning and justification as offsets.
fn show_text(out: &mut Vec<u8>, run: &TextRun, codes: &HashMap<char, u16>) -> Result<(), RenderError> {
    let metrics = run.face.metrics()?;
    let space = if run.space_extra > 0.0 { -run.space_extra / run.size * 1000.0 } else { 0.0 };
    out.extend_from_slice(b"[(");
    let mut prev: Option<char> = None;
    for c in run.text.chars() {
        if let Some(p) = prev {
            let k = metrics.kern(p, c);
            let extra = if p == ' ' { space } else { 0.0 };
            if k != 0.0 || extra != 0.0 {
                out.extend_from_slice(b") ");
                num(out, -k + extra);
                out.push(b'(');
            }
        }
        let code = codes.get(&c).copied().unwrap_or(0);
        for b in code.to_be_bytes() {
            match b {
                b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.push(b),
            }
        }
        prev = Some(c);
    }
    out.extend_from_slice(b")] TJ\n");
    Ok(())
}

/// The content stream of one page.
fn content_stream(
    draws: &[Draw],
    height: f32,
    glyphs: &BTreeMap<Face, HashMap<char, u16>>,
) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::with_capacity(draws.len() * 48);
    let empty = HashMap::new();
    let mut in_text = false;
    let mut font: Option<(Face, f32)> = None;
    let mut fill: Option<Rgb> = None;
    let mut stroke: Option<(Rgb, f32)> = None;
    for d in draws {
        if in_text && !matches!(d, Draw::Text(_)) {
            op(&mut out, "ET");
            in_text = false;
            font = None;
        }
        match d {
            Draw::Text(run) => {
                if !in_text {
                    op(&mut out, "BT");
                    in_text = true;
                }
                if font != Some((run.face, run.size)) {
                    out.extend_from_slice(format!("/{} ", font_id(run.face).0).as_bytes());
                    num(&mut out, run.size);
                    op(&mut out, "Tf");
                    font = Some((run.face, run.size));
                }
                if fill != Some(run.colour) {
                    rgb(&mut out, run.colour, "rg");
                    fill = Some(run.colour);
                }
                let (s, c) = if run.angle == 0.0 { (0.0, 1.0) } else { run.angle.to_radians().sin_cos() };
                for v in [c, s, -s, c, run.x, height - run.y] {
                    num(&mut out, v);
                }
                op(&mut out, "Tm");
                show_text(&mut out, run, glyphs.get(&run.face).unwrap_or(&empty))?;
            }
            Draw::Fill { rect, colour } => {
                if fill != Some(*colour) {
                    rgb(&mut out, *colour, "rg");
                    fill = Some(*colour);
                }
                for v in [rect[0], height - rect[1] - rect[3], rect[2], rect[3]] {
                    num(&mut out, v);
                }
                op(&mut out, "re f");
            }
            Draw::Polygon { points, colour } => {
                if fill != Some(*colour) {
                    rgb(&mut out, *colour, "rg");
                    fill = Some(*colour);
                }
                for (i, &(x, y)) in points.iter().enumerate() {
                    num(&mut out, x);
                    num(&mut out, height - y);
                    op(&mut out, if i == 0 { "m" } else { "l" });
                }
                op(&mut out, "h f");
            }
            Draw::Stroke { points, colour, width, dash } => {
                if stroke != Some((*colour, *width)) {
                    rgb(&mut out, *colour, "RG");
                    num(&mut out, *width);
                    op(&mut out, "w");
                    stroke = Some((*colour, *width));
                }
                if let Some(d) = dash {
                    out.push(b'[');
                    num(&mut out, *d);
                    out.extend_from_slice(b"] 0 d\n");
                }
                for (i, &(x, y)) in points.iter().enumerate() {
                    num(&mut out, x);
                    num(&mut out, height - y);
                    op(&mut out, if i == 0 { "m" } else { "l" });
                }
                op(&mut out, "S");
                if dash.is_some() {
                    op(&mut out, "[] 0 d");
                }
            }
            Draw::Image { index, rect } => {
                op(&mut out, "q");
                for v in [rect[2], 0.0, 0.0, rect[3], rect[0], height - rect[1] - rect[3]] {
                    num(&mut out, v);
                }
                op(&mut out, "cm");
                out.extend_from_slice(format!("/{} Do\nQ\n", image_id(*index).0).as_bytes());
            }
            Draw::Link { .. } => {}
        }
    }
    if in_text {
        op(&mut out, "ET");
    }
    Ok(out)
}

/// Link annotations for printpdf (they live in the page's `/Annots`, not its content).
fn link_ops(draws: &[Draw], height: f32, anchors: &[Anchor]) -> Vec<Op> {
    let mut ops = Vec::new();
    for d in draws {
        let Draw::Link { rect, anchor } = d else { continue };
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
    ops
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
