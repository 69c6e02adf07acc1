//! The embedded fonts (DejaVu, see `assets/fonts/LICENSE`) and their metrics.
//!
//! Layout measures text with the same numbers a PDF viewer uses to place it: advance widths in
//! thousandths of an em, truncated exactly as they are written to the font's `/W` array, plus the
//! pair kerning of the font's `kern` table. Measured and drawn text therefore line up to the
//! hundredth of a point, which is what makes justified lines end flush with the margin.
//!
//! Each face is parsed once per process, on first use. [`subset`] cuts a face down to the
//! characters a document uses before it is embedded, which keeps a 40-page report small.

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use allsorts::tables::cmap::Cmap;
use allsorts::tables::os2::Os2;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable};
use allsorts::tag;
use printpdf::{FontMetrics as PdfFontMetrics, FontType, ParsedFont, PdfFontMetricsStub};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use super::RenderError;

/// One embedded typeface: family and style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Face {
    /// DejaVu Serif, the court report's body face.
    SerifRegular,
    /// DejaVu Serif Bold.
    SerifBold,
    /// DejaVu Serif Italic.
    SerifItalic,
    /// DejaVu Serif Bold Italic.
    SerifBoldItalic,
    /// DejaVu Sans, the easy-read face.
    SansRegular,
    /// DejaVu Sans Bold.
    SansBold,
    /// DejaVu Sans Oblique.
    SansItalic,
    /// DejaVu Sans Bold Oblique.
    SansBoldItalic,
    /// DejaVu Sans Mono, for inline code.
    Mono,
}

impl Face {
    /// Every face, in a fixed order (the order of font resources in the PDF).
    pub const ALL: [Face; 9] = [
        Face::SerifRegular,
        Face::SerifBold,
        Face::SerifItalic,
        Face::SerifBoldItalic,
        Face::SansRegular,
        Face::SansBold,
        Face::SansItalic,
        Face::SansBoldItalic,
        Face::Mono,
    ];

    /// Position in [`Face::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The font file, embedded in the binary.
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::SerifRegular => include_bytes!("../../assets/fonts/DejaVuSerif.ttf"),
            Face::SerifBold => include_bytes!("../../assets/fonts/DejaVuSerif-Bold.ttf"),
            Face::SerifItalic => include_bytes!("../../assets/fonts/DejaVuSerif-Italic.ttf"),
            Face::SerifBoldItalic => include_bytes!("../../assets/fonts/DejaVuSerif-BoldItalic.ttf"),
            Face::SansRegular => include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
            Face::SansBold => include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
            Face::SansItalic => include_bytes!("../../assets/fonts/DejaVuSans-Oblique.ttf"),
            Face::SansBoldItalic => include_bytes!("../../assets/fonts/DejaVuSans-BoldOblique.ttf"),
            Face::Mono => include_bytes!("../../assets/fonts/DejaVuSansMono.ttf"),
        }
    }

    /// The PostScript name written to the PDF's `/BaseFont`.
    pub fn postscript_name(self) -> &'static str {
        match self {
            Face::SerifRegular => "DejaVuSerif",
            Face::SerifBold => "DejaVuSerif-Bold",
            Face::SerifItalic => "DejaVuSerif-Italic",
            Face::SerifBoldItalic => "DejaVuSerif-BoldItalic",
            Face::SansRegular => "DejaVuSans",
            Face::SansBold => "DejaVuSans-Bold",
            Face::SansItalic => "DejaVuSans-Oblique",
            Face::SansBoldItalic => "DejaVuSans-BoldOblique",
            Face::Mono => "DejaVuSansMono",
        }
    }

    /// The metrics of this face, parsed on first use.
    pub fn metrics(self) -> Result<&'static Metrics, RenderError> {
        static PARSED: [OnceLock<Result<Metrics, String>>; 9] = [const { OnceLock::new() }; 9];
        PARSED[self.index()]
            .get_or_init(|| Metrics::parse(self.bytes()))
            .as_ref()
            .map_err(|detail| RenderError::Font { face: self.postscript_name(), detail: detail.clone() })
    }
}

/// Advance widths, character map and kerning of one face.
#[derive(Debug)]
pub struct Metrics {
    units_per_em: u16,
    /// Advance per glyph id, in font units.
    advance_units: Vec<u16>,
    /// Advance per glyph id, in 1/1000 em, truncated as in the PDF's `/W` array.
    advance: Vec<u16>,
    /// Glyph id per Basic Multilingual Plane code point (0: no glyph).
    bmp: Vec<u16>,
    /// Glyph ids of code points beyond the BMP.
    astral: HashMap<u32, u16>,
    /// Pair kerning, keyed by `left << 16 | right` glyph ids, in 1/1000 em.
    kerning: HashMap<u32, f32>,
    /// The same for pairs of printable ASCII characters, indexed `(left - 32) * 96 + right - 32`:
    /// most pairs in an English report, looked up without hashing.
    ascii_kerning: Vec<f32>,
    ascent: i16,
    descent: i16,
    bbox: [i16; 4],
    caret_slope: (i16, i16),
    weight_class: u16,
}

fn parse_error(what: &str) -> impl Fn(allsorts::error::ParseError) -> String + '_ {
    move |e| format!("{what}: {e}")
}

impl Metrics {
    fn parse(bytes: &[u8]) -> Result<Metrics, String> {
        let file = ReadScope::new(bytes).read::<FontData<'_>>().map_err(parse_error("font file"))?;
        let provider = file.table_provider(0).map_err(|e| format!("font file: {e}"))?;
        let table = |t: u32, name: &str| provider.read_table_data(t).map_err(|e| format!("{name} table: {e}"));

        let head_data = table(tag::HEAD, "head")?;
        let head = ReadScope::new(&head_data).read::<HeadTable>().map_err(parse_error("head table"))?;
        let hhea_data = table(tag::HHEA, "hhea")?;
        let hhea = ReadScope::new(&hhea_data).read::<HheaTable>().map_err(parse_error("hhea table"))?;
        let maxp_data = table(tag::MAXP, "maxp")?;
        let maxp = ReadScope::new(&maxp_data).read::<MaxpTable>().map_err(parse_error("maxp table"))?;
        let hmtx_data = table(tag::HMTX, "hmtx")?;
        let hmtx = ReadScope::new(&hmtx_data)
            .read_dep::<HmtxTable<'_>>((usize::from(maxp.num_glyphs), usize::from(hhea.num_h_metrics)))
            .map_err(parse_error("hmtx table"))?;
        let units_per_em = head.units_per_em.max(1);

        let mut advance_units = Vec::with_capacity(usize::from(maxp.num_glyphs));
        for gid in 0..maxp.num_glyphs {
            advance_units.push(hmtx.horizontal_advance(gid).unwrap_or(0));
        }
        // The same arithmetic as printpdf's `/W` writer, so layout and viewer agree exactly.
        let advance = advance_units.iter().map(|&w| (w as f32 * 1000.0 / units_per_em as f32) as i64 as u16).collect();

        let cmap_data = table(tag::CMAP, "cmap")?;
        let cmap = ReadScope::new(&cmap_data).read::<Cmap<'_>>().map_err(parse_error("cmap table"))?;
        let (_, subtable) = allsorts::font::read_cmap_subtable(&cmap)
            .map_err(parse_error("cmap table"))?
            .ok_or_else(|| "the font has no Unicode character map".to_string())?;
        let mut bmp = vec![0u16; 0x10000];
        let mut astral = HashMap::new();
        subtable
            .mappings_fn(|cp, gid| match usize::try_from(cp) {
                Ok(i) if i < bmp.len() => bmp[i] = gid,
                _ => {
                    astral.insert(cp, gid);
                }
            })
            .map_err(parse_error("cmap table"))?;

        let kerning = match provider.read_table_data(tag::KERN) {
            Ok(data) => parse_kern(&data, units_per_em),
            Err(_) => HashMap::new(),
        };
        let weight_class = provider
            .read_table_data(tag::OS_2)
            .ok()
            .and_then(|d| ReadScope::new(&d).read_dep::<Os2>(d.len()).ok().map(|os2| os2.us_weight_class))
            .unwrap_or(400);

        let mut ascii_kerning = vec![0.0f32; 96 * 96];
        let ascii_glyph = |c: u32| bmp.get(c as usize).copied().unwrap_or(0);
        for l in 32..128u32 {
            for r in 32..128u32 {
                let key = u32::from(ascii_glyph(l)) << 16 | u32::from(ascii_glyph(r));
                if let Some(&k) = kerning.get(&key) {
                    ascii_kerning[((l - 32) * 96 + r - 32) as usize] = k;
                }
            }
        }
        Ok(Metrics {
            ascii_kerning,
            units_per_em,
            advance_units,
            advance,
            bmp,
            astral,
            kerning,
            ascent: hhea.ascender,
            descent: hhea.descender,
            bbox: [head.x_min, head.y_min, head.x_max, head.y_max],
            caret_slope: (hhea.caret_slope_rise, hhea.caret_slope_run),
            weight_class,
        })
    }

    /// The glyph id of a character, if the face has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        let cp = c as u32;
        let gid = match usize::try_from(cp) {
            Ok(i) if i < self.bmp.len() => self.bmp[i],
            _ => self.astral.get(&cp).copied().unwrap_or(0),
        };
        (gid != 0).then_some(gid)
    }

    /// Whether the face can draw `c`.
    pub fn has(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    /// Advance of one character in 1/1000 em (0 for characters without a glyph).
    pub fn char_width(&self, c: char) -> f32 {
        self.glyph(c).and_then(|g| self.advance.get(usize::from(g))).map_or(0.0, |&w| f32::from(w))
    }

    /// Kerning between two characters in 1/1000 em (negative: closer). Pairs with a space are
    /// never kerned, so word widths add up to line widths.
    pub fn kern(&self, left: char, right: char) -> f32 {
        if self.kerning.is_empty() || left == ' ' || right == ' ' {
            return 0.0;
        }
        let (l, r) = (left as u32, right as u32);
        if (32..128).contains(&l) && (32..128).contains(&r) {
            return self.ascii_kerning[((l - 32) * 96 + r - 32) as usize];
        }
        match (self.glyph(left), self.glyph(right)) {
            (Some(l), Some(r)) => self.kerning.get(&(u32::from(l) << 16 | u32::from(r))).copied().unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// Width of a run of text in 1/1000 em, kerning included.
    pub fn width(&self, text: &str) -> f32 {
        let mut total = 0.0;
        let mut prev = None;
        for c in text.chars() {
            total += self.char_width(c);
            if let Some(p) = prev {
                total += self.kern(p, c);
            }
            prev = Some(c);
        }
        total
    }

    /// Ascender height in 1/1000 em.
    pub fn ascent(&self) -> f32 {
        f32::from(self.ascent) * 1000.0 / f32::from(self.units_per_em)
    }
}

/// Reads the horizontal format-0 subtables of a TrueType `kern` table.
fn parse_kern(data: &[u8], units_per_em: u16) -> HashMap<u32, f32> {
    let u16_at = |i: usize| data.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let mut pairs = HashMap::new();
    let (Some(0), Some(tables)) = (u16_at(0), u16_at(2)) else { return pairs };
    let mut at = 4usize;
    for _ in 0..tables {
        let (Some(length), Some(coverage)) = (u16_at(at + 2), u16_at(at + 4)) else { break };
        let horizontal = coverage & 0x1 != 0;
        let minimum_or_cross = coverage & 0x6 != 0;
        if coverage >> 8 == 0 && horizontal && !minimum_or_cross {
            let count = u16_at(at + 6).unwrap_or(0);
            let mut p = at + 14;
            for _ in 0..count {
                let (Some(l), Some(r), Some(v)) = (u16_at(p), u16_at(p + 2), u16_at(p + 4)) else { break };
                let value = f32::from(v as i16) * 1000.0 / f32::from(units_per_em);
                pairs.insert(u32::from(l) << 16 | u32::from(r), value);
                p += 6;
            }
        }
        if length == 0 {
            break;
        }
        at += usize::from(length);
    }
    pairs
}

/// Cuts `face` down to the characters in `used` and returns it ready for printpdf.
///
/// printpdf subsets fonts only with its `text_layout` feature, which brings a whole HTML layout
/// engine; allsorts (which printpdf already depends on) does the work here instead. The subset
/// keeps a Unicode `cmap`, so printpdf maps characters to the renumbered glyphs by itself, and the
/// `/W` widths it writes are the same thousandths of an em that [`Metrics`] measured with.
pub fn subset(face: Face, used: &BTreeSet<char>) -> Result<ParsedFont, RenderError> {
    let metrics = face.metrics()?;
    let font_error = |detail: String| RenderError::Font { face: face.postscript_name(), detail };
    let file = ReadScope::new(face.bytes()).read::<FontData<'_>>().map_err(|e| font_error(e.to_string()))?;
    let provider = file.table_provider(0).map_err(|e| font_error(e.to_string()))?;

    // Glyph 0 (.notdef) must come first; allsorts renumbers glyph `ids[i]` to `i`.
    let mut by_glyph: BTreeMap<u16, Vec<char>> = BTreeMap::new();
    for &c in used {
        if let Some(g) = metrics.glyph(c) {
            by_glyph.entry(g).or_default().push(c);
        }
    }
    let ids: Vec<u16> = std::iter::once(0).chain(by_glyph.keys().copied()).collect();
    let bytes = allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| font_error(format!("subsetting failed: {e}")))?;

    let mut codepoint_to_glyph = BTreeMap::new();
    let mut glyph_widths = BTreeMap::new();
    for (new_gid, old_gid) in ids.iter().enumerate() {
        let Ok(new_gid) = u16::try_from(new_gid) else { break };
        let advance = metrics.advance_units.get(usize::from(*old_gid)).copied().unwrap_or(0);
        glyph_widths.insert(new_gid, advance);
        for c in by_glyph.get(old_gid).into_iter().flatten() {
            codepoint_to_glyph.insert(*c as u32, new_gid);
        }
    }

    // The subset tag (six capitals) is derived from the glyph set, so the same text always
    // gives the same name: nothing in the file depends on the clock or a random number.
    let mut hash: u32 = 2166136261;
    for g in &ids {
        for b in g.to_be_bytes() {
            hash = (hash ^ u32::from(b)).wrapping_mul(16777619);
        }
    }
    let tag: String = (0..6).map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8)).collect();

    let upm = metrics.units_per_em;
    Ok(ParsedFont {
        original_bytes: bytes,
        font_index: 0,
        font_name: Some(format!("{tag}+{}", face.postscript_name())),
        codepoint_to_glyph,
        glyph_widths,
        units_per_em: upm,
        font_metrics: PdfFontMetrics { ascent: metrics.ascent, descent: metrics.descent },
        font_type: FontType::TrueType,
        pdf_font_metrics: PdfFontMetricsStub {
            units_per_em: upm,
            x_min: metrics.bbox[0],
            y_min: metrics.bbox[1],
            x_max: metrics.bbox[2],
            y_max: metrics.bbox[3],
            caret_slope_rise: metrics.caret_slope.0,
            caret_slope_run: metrics.caret_slope.1,
            us_weight_class: metrics.weight_class,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_face_parses_and_measures() {
        for face in Face::ALL {
            let m = face.metrics().expect("embedded font parses");
            assert!(m.has('a') && m.has('€') && m.has('—'), "{face:?}");
            assert!(m.width("Parenting") > 3000.0, "{face:?}");
        }
    }

    #[test]
    fn serif_kerns_common_pairs() {
        let m = Face::SerifRegular.metrics().expect("parses");
        assert!(m.kern('A', 'V') < 0.0);
        assert_eq!(m.kern('A', ' '), 0.0);
    }

    #[test]
    fn subset_keeps_only_used_glyphs() {
        let used: BTreeSet<char> = "Page of".chars().collect();
        let font = subset(Face::SerifRegular, &used).expect("subsets");
        assert!(font.original_bytes.len() < 20_000, "{}", font.original_bytes.len());
        assert_eq!(font.codepoint_to_glyph.len(), used.len());
    }
}
