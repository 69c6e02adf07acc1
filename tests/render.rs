//! The PDF renderer, checked by opening its output with lopdf.

use assess::report::layout::{self, Draw, ImageSize};
use assess::report::{FrontMatter, RenderError, RenderOptions, Rendered, Style, document, markdown, render_markdown};
use std::collections::HashMap;
use std::path::Path;

const FIXTURES: &str = "tests/fixtures/render";

fn sample() -> (String, RenderOptions) {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("sample-report.md")).expect("fixture");
    let (front, body) = FrontMatter::split(&text).expect("front matter");
    let mut opts = RenderOptions::default();
    front.expect("the sample has front matter").apply(&mut opts);
    (body.to_string(), opts)
}

fn images(src: &str) -> Option<Vec<u8>> {
    std::fs::read(Path::new(FIXTURES).join(src)).ok()
}

fn render(md: &str, opts: &RenderOptions) -> Rendered {
    render_markdown(md, opts, &images).expect("renders")
}

fn open(pdf: &[u8]) -> lopdf::Document {
    lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF")
}

/// The text of each page, as a PDF reader extracts it.
fn page_texts(doc: &lopdf::Document) -> Vec<String> {
    let n = doc.get_pages().len() as u32;
    (1..=n).map(|p| doc.extract_text(&[p]).expect("text extracts")).collect()
}

/// A long document: `sections` sections of paragraphs and a table each.
fn long_md(sections: usize, rows: usize) -> String {
    let mut md = String::from("# Report\n\n");
    for s in 1..=sections {
        md += &format!("## Area {s}\n\n");
        for p in 0..4 {
            md += &format!(
                "Paragraph {p} of area {s}. The parent showed how she prepares a bottle and checked the \
                 temperature on her wrist before feeding; the baby settled quickly after being held close and \
                 spoken to in a calm voice during the session.\n\n"
            );
        }
        md += "| Item | Knowledge | Practice | Evidence |\n|---|---|---|---|\n";
        for r in 0..rows {
            md += &format!("| Item {s}.{r} | Low priority | Medium priority | E{r} |\n");
        }
        md += "\n";
    }
    md
}

#[test]
fn sample_report_page_count_matches_the_pdf() {
    let (md, opts) = sample();
    let out = render(&md, &opts);
    let doc = open(&out.pdf);
    assert_eq!(doc.get_pages().len(), out.pages);
    assert!(out.pages >= 6, "{} pages", out.pages);
}

#[test]
fn every_heading_has_an_outline_entry() {
    let (md, opts) = sample();
    let out = render(&md, &opts);
    let toc = open(&out.pdf).get_toc().expect("outline");
    let outline: Vec<(usize, String, usize)> = toc.toc.iter().map(|t| (t.level, t.title.clone(), t.page)).collect();
    let expected: Vec<(usize, String, usize)> =
        out.headings.iter().map(|h| (usize::from(h.level), h.text.clone(), h.page)).collect();
    assert_eq!(outline, expected);
    assert!(outline.iter().any(|(level, title, _)| *level == 2 && title == "3.1 Hygiene and bathing"));
    assert!(outline.iter().any(|(_, title, _)| title == "Statement of truth"));
}

#[test]
fn every_page_has_page_x_of_y_and_the_running_header() {
    let (md, opts) = sample();
    let out = render(&md, &opts);
    let texts = page_texts(&open(&out.pdf));
    let total = texts.len();
    for (i, text) in texts.iter().enumerate() {
        assert!(text.contains(&format!("Page {} of {total}", i + 1)), "page {}: {text}", i + 1);
        assert!(text.contains("ZC26C00123 — Confidential"), "page {}", i + 1);
        assert!(text.contains("DRAFT"), "page {}: watermark", i + 1);
    }
}

#[test]
fn fonts_are_embedded_and_subset() {
    let (md, opts) = sample();
    let out = render(&md, &opts);
    let doc = open(&out.pdf);
    let mut embedded = 0;
    for object in doc.objects.values() {
        if let Ok(dict) = object.as_dict()
            && dict.get(b"Type").and_then(|t| t.as_name()).is_ok_and(|n| n == b"FontDescriptor")
        {
            assert!(dict.has(b"FontFile2"), "{dict:?}");
            embedded += 1;
        }
    }
    assert!(embedded >= 3, "{embedded} embedded fonts");
    // Subsetting keeps an 8-page report with pictures and charts small.
    assert!(out.pdf.len() < 150_000, "{} bytes", out.pdf.len());
}

#[test]
fn same_input_gives_the_same_bytes() {
    let (md, opts) = sample();
    let a = render(&md, &opts);
    let b = render(&md, &opts);
    assert!(a.pdf == b.pdf, "two renders differ");
    let c = render(&long_md(3, 5), &RenderOptions::default());
    let d = render(&long_md(3, 5), &RenderOptions::default());
    assert!(c.pdf == d.pdf, "two renders differ");
}

#[test]
fn metadata_comes_from_the_options_not_the_clock() {
    let (md, opts) = sample();
    let doc = open(&render(&md, &opts).pdf);
    let info = doc.trailer.get(b"Info").and_then(|r| r.as_reference()).expect("info");
    let info = doc.get_dictionary(info).expect("info dict");
    let date = info.get(b"CreationDate").and_then(|d| d.as_str()).expect("date");
    assert!(date.starts_with(b"D:20261120"), "{}", String::from_utf8_lossy(date));
    let title = info.get(b"Title").and_then(|d| d.as_str()).expect("title");
    let title: Vec<u16> = title[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
    assert_eq!(String::from_utf16_lossy(&title), "Parenting Assessment Report");
}

#[test]
fn a_table_longer_than_a_page_repeats_its_header() {
    let md = long_md(1, 90);
    let out = render(&md, &RenderOptions { contents: false, ..RenderOptions::default() });
    let texts = page_texts(&open(&out.pdf));
    let with_rows: Vec<&String> = texts.iter().filter(|t| t.contains("Item 1.")).collect();
    assert!(with_rows.len() >= 2, "the table should run over pages: {}", with_rows.len());
    for text in with_rows {
        assert!(text.contains("Knowledge") && text.contains("Evidence"), "header missing: {text}");
    }
    // Every row is there once.
    let all = texts.join("\n");
    for r in 0..90 {
        assert_eq!(all.matches(&format!("Item 1.{r} ")).count(), 1, "row {r}");
    }
}

/// Lays out a document the way `render_markdown` does, to look at positions.
fn laid(md: &str, opts: &RenderOptions) -> layout::Laid {
    let mut doc = markdown::parse(md).expect("parses");
    document::number(&mut doc, true);
    layout::layout(&doc, opts, &HashMap::<String, ImageSize>::new()).expect("lays out")
}

#[test]
fn a_heading_never_ends_a_page() {
    // Many sizes of section, so headings land at every height on the page.
    let mut md = String::new();
    for s in 1..40 {
        md += &format!("# Section {s}\n\n");
        for _ in 0..(s % 5) {
            md += "The assessor observed that the home was warm, clean and free from obvious hazards on the \
                   day of the visit, and the parent explained what she would do at night.\n\n";
        }
        md += &format!("## Part {s}\n\nShort.\n\n");
    }
    let opts = RenderOptions { contents: false, ..RenderOptions::default() };
    let out = laid(&md, &opts);
    for a in &out.anchors {
        let page = &out.pages[a.page];
        // Body text (not the header or footer) below the heading on the same page.
        let below = page
            .draws
            .iter()
            .filter_map(|d| match d {
                Draw::Text(t) if t.y > a.y + 20.0 && t.y < out.size.1 - 60.0 && t.size < 12.0 => Some(t.y),
                _ => None,
            })
            .count();
        assert!(below >= 1, "`{}` has nothing after it on page {}", a.title, a.page + 1);
    }
}

#[test]
fn paragraphs_keep_at_least_two_lines_together() {
    let md = long_md(6, 3);
    let out = laid(&md, &RenderOptions { contents: false, ..RenderOptions::default() });
    // The first body line on each page must not be the last line of a paragraph that started
    // on the previous page with only one line: check no page ends with a lone numbered line.
    for (i, page) in out.pages.iter().enumerate() {
        let numbers: Vec<f32> = page
            .draws
            .iter()
            .filter_map(|d| match d {
                Draw::Text(t) if t.text.chars().next().is_some_and(|c| c.is_ascii_digit()) && t.x < 80.0 => Some(t.y),
                _ => None,
            })
            .collect();
        let last_text = page
            .draws
            .iter()
            .filter_map(|d| match d {
                Draw::Text(t) if t.y < out.size.1 - 60.0 => Some(t.y),
                _ => None,
            })
            .fold(0.0f32, f32::max);
        for y in numbers {
            assert!(y < last_text - 1.0, "page {}: a paragraph's first line is alone at the foot", i + 1);
        }
    }
}

#[test]
fn easy_read_has_no_numbers_and_large_type() {
    let md = "# What happens next\n\nYou will see your social worker **every week**.\n\n![Bath time](cards/bath.png)\n\n\
              # Who can help\n\nYour advocate.\n";
    let opts = RenderOptions { style: Style::EasyRead, ..RenderOptions::default() };
    let out = render(md, &opts);
    assert_eq!(out.headings[0].text, "What happens next");
    let text = page_texts(&open(&out.pdf)).join("\n");
    assert!(text.contains("Page 1 of 1"), "{text}");
    assert!(!text.contains("Contents"));
}

#[test]
fn errors_are_typed() {
    let e = render_markdown("![x](missing.png)\n", &RenderOptions::default(), &|_| None).unwrap_err();
    assert!(matches!(e, RenderError::ImageMissing { ref src } if src == "missing.png"), "{e}");
    let e = render_markdown("![x](a.png)\n", &RenderOptions::default(), &|_| Some(b"not a png".to_vec())).unwrap_err();
    assert!(matches!(e, RenderError::ImageDecode { .. }), "{e}");
    let e =
        render_markdown("a\n\n```chart\ntype: bars\nx: []\nseries: []\n```\n", &RenderOptions::default(), &|_| None)
            .unwrap_err();
    assert!(matches!(e, RenderError::Chart { line: 3, .. }), "{e}");
    let mut opts = RenderOptions::default();
    opts.meta.date = Some("yesterday".into());
    let e = render_markdown("a\n", &opts, &|_| None).unwrap_err();
    assert!(matches!(e, RenderError::Date { .. }), "{e}");
}

#[test]
fn long_words_are_broken_to_fit() {
    let word = "x".repeat(400);
    let out = laid(&format!("# A\n\n{word}\n"), &RenderOptions { contents: false, ..RenderOptions::default() });
    let right = out.size.0 - 25.0 * layout::MM + 0.5;
    for d in &out.pages[0].draws {
        if let Draw::Text(t) = d {
            let w = assess::report::fonts::Face::SerifRegular.metrics().expect("font").width(&t.text) * t.size / 1000.0;
            assert!(t.x + w <= right, "`{}` overflows to {}", t.text, t.x + w);
        }
    }
}

#[test]
fn small_document_text_snapshot() {
    let md = "# Report\n\n## Introduction\n\nThe parent said she *understood*.\n\n\
              > I'll keep her safe.\n\n- one\n- two\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n\
              ## Statement of truth {-}\n\nI confirm this is true.\n";
    let opts = RenderOptions {
        running_header: Some("ZC26C00123 — Confidential".into()),
        contents: false,
        ..RenderOptions::default()
    };
    let out = render(md, &opts);
    let text = page_texts(&open(&out.pdf)).join("\n--- page ---\n");
    insta::assert_snapshot!(text);
}

/// Every Markdown file in `tests/fixtures/render/` renders; its text, page by page, is a
/// reviewed snapshot. Adding a case means adding a file (`*easy-read*.md` use that style).
#[test]
fn fixtures_render_to_reviewed_text() {
    insta::glob!("fixtures/render/*.md", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let (front, body) = FrontMatter::split(&text).expect("front matter");
        let mut opts = RenderOptions::default();
        if let Some(front) = front {
            front.apply(&mut opts);
        }
        if path.to_string_lossy().contains("easy-read") {
            opts.style = Style::EasyRead;
        }
        let out = render(body, &opts);
        let pages = page_texts(&open(&out.pdf));
        let shown: Vec<String> =
            pages.iter().enumerate().map(|(i, t)| format!("=== page {} ===\n{}", i + 1, t.trim_end())).collect();
        insta::assert_snapshot!(shown.join("\n"));
    });
}

#[test]
fn contents_entries_link_to_their_headings() {
    let (md, opts) = sample();
    let out = render(&md, &opts);
    let doc = open(&out.pdf);
    let pages = doc.get_pages();
    let contents_page = pages.get(&2).copied().expect("page 2");
    let annots = doc
        .get_dictionary(contents_page)
        .and_then(|p| p.get(b"Annots"))
        .and_then(|a| a.as_array())
        .expect("the contents page has links");
    let level_1_and_2 = out.headings.iter().filter(|h| h.level <= 2).count();
    assert_eq!(annots.len(), level_1_and_2);
    for annot in annots {
        let annot = match annot {
            lopdf::Object::Reference(id) => doc.get_dictionary(*id).expect("annotation"),
            lopdf::Object::Dictionary(d) => d,
            other => panic!("{other:?}"),
        };
        let action = annot.get(b"A").and_then(|a| a.as_dict()).expect("action");
        assert_eq!(action.get(b"S").and_then(|s| s.as_name()).expect("type"), b"GoTo");
    }
}
