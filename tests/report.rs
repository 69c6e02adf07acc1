//! The court report and the easy-read summary of the demo case, opened with a PDF reader:
//! pages, outline, "Page X of Y", running header, embedded fonts, every cited E-number in the
//! schedule, determinism, and the report's text as a reviewed snapshot.

mod common;

use common::Env;
use lopdf::{Document, Object};
use std::collections::BTreeSet;
use std::sync::OnceLock;

struct Demo {
    _env: Env,
    court: Vec<u8>,
    easy: Vec<u8>,
    court_md: String,
    second_court: Vec<u8>,
}

/// Runs `assess demo` twice into two folders (once, shared by the tests).
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let env = Env::shipped();
        let a = env.dir.path().join("a");
        let b = env.dir.path().join("b");
        let r = env.ok(&["demo", "--out", a.to_str().unwrap()]);
        assert!(r.stdout.contains("demo-report.pdf"), "{}", r.all());
        env.ok(&["demo", "--out", b.to_str().unwrap()]);
        Demo {
            court: std::fs::read(a.join("demo-report.pdf")).unwrap(),
            easy: std::fs::read(a.join("demo-easy-read.pdf")).unwrap(),
            court_md: std::fs::read_to_string(a.join("demo-report.md")).unwrap(),
            second_court: std::fs::read(b.join("demo-report.pdf")).unwrap(),
            _env: env,
        }
    })
}

fn pages_text(pdf: &[u8]) -> Vec<String> {
    let doc = Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages.iter().map(|p| doc.extract_text(&[*p]).unwrap_or_default()).collect()
}

/// Outline titles, depth-first.
fn outline_titles(pdf: &[u8]) -> Vec<String> {
    let doc = Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let mut out = Vec::new();
    let Ok(outlines) = catalog.get(b"Outlines").and_then(|o| o.as_reference()) else { return out };
    let Ok(first) = doc.get_dictionary(outlines).and_then(|d| d.get(b"First")).and_then(Object::as_reference) else {
        return out;
    };
    let mut stack = vec![first];
    while let Some(id) = stack.pop() {
        let d = doc.get_dictionary(id).unwrap();
        if let Ok(t) = d.get(b"Title") {
            let title = match t {
                Object::String(bytes, _) => decode_pdf_string(bytes),
                _ => String::new(),
            };
            out.push(title);
        }
        if let Ok(next) = d.get(b"Next").and_then(Object::as_reference) {
            stack.push(next);
        }
        if let Ok(child) = d.get(b"First").and_then(Object::as_reference) {
            stack.push(child);
        }
    }
    out
}

fn decode_pdf_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> =
            bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

#[test]
fn every_page_says_page_x_of_y_and_carries_the_case_number() {
    for pdf in [&demo().court, &demo().easy] {
        let pages = pages_text(pdf);
        let total = pages.len();
        assert!(total > 1);
        for (i, text) in pages.iter().enumerate() {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&format!("Page {} of {total}", i + 1)), "page {} lacks its number:\n{flat}", i + 1);
            assert!(flat.contains("ZC26C00042"), "page {} lacks the case number", i + 1);
        }
    }
    let first = pages_text(&demo().court)[1].split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(first.contains("Confidential"), "{first}");
}

#[test]
fn the_outline_has_an_entry_for_every_heading() {
    let md = &demo().court_md;
    let headings: Vec<String> = md
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().trim_end_matches("{-}").trim().to_string())
        .collect();
    // The layout sets typographic apostrophes; compare without them.
    let outline: Vec<String> = outline_titles(&demo().court).iter().map(|t| t.replace('\u{2019}', "'")).collect();
    assert!(!outline.is_empty(), "the PDF has no outline");
    for h in &headings {
        assert!(outline.iter().any(|o| o.ends_with(h.as_str())), "no bookmark for the heading `{h}`: {outline:?}");
    }
}

#[test]
fn fonts_are_embedded() {
    let doc = Document::load_mem(&demo().court).unwrap();
    let mut embedded = 0;
    for (_, obj) in doc.objects.iter() {
        if let Ok(d) = obj.as_dict()
            && d.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == b"FontDescriptor")
        {
            assert!(d.has(b"FontFile2") || d.has(b"FontFile3") || d.has(b"FontFile"), "a font is not embedded: {d:?}");
            embedded += 1;
        }
    }
    assert!(embedded >= 2, "expected regular and bold at least, found {embedded}");
}

#[test]
fn every_cited_evidence_number_is_in_the_schedule() {
    let md = &demo().court_md;
    let (body, schedule) = md.split_once("# Evidence schedule").expect("the report has an evidence schedule");
    let cited: BTreeSet<String> = e_numbers(body);
    let listed: BTreeSet<String> = schedule
        .lines()
        .filter_map(|l| l.strip_prefix("| E"))
        .filter_map(|l| l.split(' ').next())
        .map(|n| format!("E{n}"))
        .collect();
    assert!(!cited.is_empty());
    for e in &cited {
        assert!(listed.contains(e), "{e} is cited but not in the schedule");
    }
    // And the PDF's text carries them too.
    let text = pages_text(&demo().court).join("\n");
    for e in &listed {
        assert!(text.contains(e.as_str()), "{e} is missing from the PDF text");
    }
}

fn e_numbers(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices('E') {
        let prev_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let digits: String = text[i + 1..].chars().take_while(char::is_ascii_digit).collect();
        if prev_ok && !digits.is_empty() {
            out.insert(format!("E{digits}"));
        }
    }
    out
}

#[test]
fn the_same_case_gives_the_same_bytes() {
    assert!(demo().court == demo().second_court, "two renders of the same case differ");
}

#[test]
fn the_easy_read_summary_has_large_type_and_pictures() {
    let doc = Document::load_mem(&demo().easy).unwrap();
    let images = doc
        .objects
        .values()
        .filter(|o| {
            o.as_stream().is_ok_and(|s| s.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Image"))
        })
        .count();
    assert!(images >= 3, "the easy-read summary should show cue-card pictures, found {images}");
    let text = pages_text(&demo().easy).join("\n");
    assert!(text.contains("What is going well"), "{text}");
    assert!(text.contains("What happens next"), "{text}");
}

#[test]
fn the_report_text_is_reviewed() {
    let pages = pages_text(&demo().court);
    let text: String = pages
        .iter()
        .enumerate()
        .map(|(i, p)| format!("=== page {} ===\n{}\n", i + 1, p.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect();
    insta::assert_snapshot!(text);
}
