//! Reports: Markdown in, a court-ready PDF out.
//!
//! ```text
//! Markdown ──markdown──▶ Document ──document::number──▶ numbered Document
//!          ──layout──▶ pages of positioned text, rules, pictures, charts ──pdf──▶ bytes
//! ```
//!
//! - [`context`]: everything a report template may use, built from the case and its scores.
//! - [`compose`]: the framework's report template (Markdown + Jinja) rendered over the context.
//! - [`markdown`]: pulldown-cmark events to the [`document`] model; our conventions (title,
//!   `{-}` to opt out of numbering, `<!-- pagebreak -->`, `chart` code blocks).
//! - [`document`]: the model and the court's numbering of headings and paragraphs.
//! - [`layout`]: line breaking with the fonts' own metrics, pagination with keep rules, front
//!   sheet, contents, running header, "Page X of Y", watermark.
//! - [`chart`]: the chart spec and its drawing.
//! - [`fonts`]: the embedded DejaVu faces, their metrics and subsetting.
//! - [`pdf`]: the printpdf writer and the lopdf pass (nested outline, stable document id).
//!
//! Output is deterministic: nothing depends on the clock or on random numbers, so the same input
//! gives byte-identical PDFs (the creation date comes from [`Metadata::date`]).
//!
//! ```
//! use assess::report::{render_markdown, RenderOptions};
//!
//! let md = "# Findings\n\nThe home was warm and clean.\n\n# Statement of truth {-}\n\nI confirm…\n";
//! let out = render_markdown(md, &RenderOptions::default(), &|_| None)?;
//! assert!(out.pdf.starts_with(b"%PDF"));
//! assert_eq!(out.headings[0].text, "1. Findings");
//! assert_eq!(out.headings[1].text, "Statement of truth");
//! # Ok::<(), assess::report::RenderError>(())
//! ```

pub mod chart;
pub mod compose;
pub mod context;
pub mod document;
pub mod fonts;
pub mod image;
pub mod layout;
pub mod markdown;
pub mod pdf;

pub use compose::{ComposeError, Kind, report_markdown};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// An embedded font could not be read (a broken build, not bad input).
    #[error("the embedded font {face} could not be read: {detail}")]
    Font {
        /// The font's PostScript name.
        face: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// A picture named in the Markdown was not found by the image callback.
    #[error("the picture `{src}` was not found (hint: paths are relative to the Markdown file)")]
    ImageMissing {
        /// The path as written in the Markdown.
        src: String,
    },
    /// A picture could not be decoded.
    #[error("the picture `{src}` could not be read: {detail} (hint: only PNG pictures are supported)")]
    ImageDecode {
        /// The path as written in the Markdown.
        src: String,
        /// What the decoder said.
        detail: String,
    },
    /// A `chart` code block is not a valid chart spec.
    #[error("the chart at line {line} is not valid: {detail}")]
    Chart {
        /// Line of the code block's opening fence.
        line: usize,
        /// What is wrong, and how to fix it.
        detail: String,
    },
    /// [`Metadata::date`] is not an ISO date.
    #[error("`{value}` is not a date (hint: write it as YYYY-MM-DD)")]
    Date {
        /// The value given.
        value: String,
    },
    /// The YAML front matter of the Markdown is not valid.
    #[error("the front matter (between the `---` lines) is not valid: {detail}")]
    FrontMatter {
        /// What the YAML parser said.
        detail: String,
    },
    /// The PDF could not be serialised.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// The look of the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Style {
    /// For the court: A4, 11 pt serif, justified, numbered paragraphs, contents.
    #[default]
    Court,
    /// For the parent: 16 pt sans serif, 1.5 line spacing, short ragged lines, large pictures,
    /// no paragraph numbers.
    EasyRead,
}

/// Document properties written to the PDF.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// Title shown by PDF viewers.
    pub title: String,
    /// The report's author.
    pub author: String,
    /// Subject, e.g. "Parenting assessment of Ms C.D.".
    pub subject: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Creation date, ISO (`2026-11-22` or `2026-11-22T14:30:00`), taken from the case, never
    /// from the clock; `None` writes 1970-01-01.
    pub date: Option<String>,
}

/// Draft until the author signs the report off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Status {
    /// Not signed off: not for filing.
    #[default]
    Draft,
    /// Signed off.
    Final,
}

/// What the front sheet says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontSheet {
    /// E.g. "In the Family Court sitting at Chelmsford".
    pub court: String,
    /// E.g. `ZC26C00123`.
    pub case_number: String,
    /// E.g. "Parenting Assessment Report".
    pub title: String,
    /// E.g. "Ms C.D. (mother)".
    pub subtitle: Option<String>,
    /// The children, one line each, e.g. "A.B. (born 3 March 2024)".
    pub children: Vec<String>,
    /// The parents, one line each, e.g. "Ms C.D. (mother)".
    pub parents: Vec<String>,
    /// The author's name.
    pub author: String,
    /// The author's qualifications.
    pub qualifications: String,
    /// Professional registration, e.g. "Social Work England SW123456".
    pub registration: String,
    /// Date of the report, as it should read.
    pub date: String,
    /// Draft or final.
    pub status: Status,
}

/// How to render a report.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// Court or easy-read.
    pub style: Style,
    /// PDF document properties.
    pub meta: Metadata,
    /// Text at the top of every page, e.g. "ZC26C00123 — Confidential".
    pub running_header: Option<String>,
    /// Large diagonal text on every page, e.g. "DRAFT" until sign-off.
    pub watermark: Option<String>,
    /// A front sheet as the first page.
    pub front_sheet: Option<FrontSheet>,
    /// A contents list (level-1 and level-2 headings) after the front sheet.
    pub contents: bool,
    /// Number paragraphs 1.1, 1.2… (headings are numbered in the court style either way).
    pub number_paragraphs: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            style: Style::Court,
            meta: Metadata::default(),
            running_header: None,
            watermark: None,
            front_sheet: None,
            contents: true,
            number_paragraphs: true,
        }
    }
}

/// A heading as it appears in the outline and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 (section) to 3.
    pub level: u8,
    /// Number and text, e.g. "2.3 Safety in the home".
    pub text: String,
    /// The page it starts on, from 1.
    pub page: usize,
}

/// A rendered report.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Every heading with its page, in order.
    pub headings: Vec<Heading>,
}

/// Renders a Markdown report to PDF.
///
/// `images` is asked for the bytes of each picture the Markdown names (`![alt](path)`); it
/// returns `None` when there is no such file. See [`markdown`] for the Markdown conventions and
/// [`chart`] for charts.
pub fn render_markdown(
    md: &str,
    opts: &RenderOptions,
    images: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Rendered, RenderError> {
    let mut doc = markdown::parse(md)?;
    let court = opts.style == Style::Court;
    if court {
        document::number(&mut doc, opts.number_paragraphs);
    }

    // Pictures, each decoded once however often it is used.
    let mut fingerprint = Sha256::new();
    fingerprint.update(md.as_bytes());
    fingerprint.update(format!("{opts:?}").as_bytes());
    let mut pictures = Vec::new();
    let mut sizes: HashMap<String, layout::ImageSize> = HashMap::new();
    let mut sources = Vec::new();
    collect_images(&doc.blocks, &mut sources);
    for src in sources {
        if sizes.contains_key(&src) {
            continue;
        }
        let bytes = images(&src).ok_or_else(|| RenderError::ImageMissing { src: src.clone() })?;
        fingerprint.update(&bytes);
        let picture =
            image::decode_png(&bytes).map_err(|detail| RenderError::ImageDecode { src: src.clone(), detail })?;
        sizes.insert(src, layout::ImageSize { index: pictures.len(), width: picture.width, height: picture.height });
        pictures.push(picture);
    }

    let opts_for_layout;
    let opts = if court {
        opts
    } else {
        // Easy-read reports have no contents list.
        opts_for_layout = RenderOptions { contents: false, ..opts.clone() };
        &opts_for_layout
    };
    let laid = layout::layout(&doc, opts, &sizes)?;
    let pdf = pdf::write(&laid, &pictures, &opts.meta, &fingerprint.finalize())?;
    let headings =
        laid.anchors.iter().map(|a| Heading { level: a.level, text: a.title.clone(), page: a.page + 1 }).collect();
    Ok(Rendered { pdf, pages: laid.pages.len(), headings })
}

fn collect_images(blocks: &[document::Block], out: &mut Vec<String>) {
    for b in blocks {
        match b {
            document::Block::Image { src, .. } => out.push(src.clone()),
            document::Block::Quote(inner) => collect_images(inner, out),
            document::Block::List { items, .. } => {
                for item in items {
                    collect_images(item, out);
                }
            }
            _ => {}
        }
    }
}

/// Report options written at the top of a Markdown file, between `---` lines (YAML).
///
/// Lets a plain Markdown file carry its front sheet, so `assess render` can produce a complete
/// court report from one file:
///
/// ```markdown
/// ---
/// title: Parenting Assessment Report
/// subtitle: Ms C.D. (mother)
/// court: In the Family Court sitting at Chelmsford
/// case_number: ZC26C00123
/// children: ["A.B. (born 3 March 2024)"]
/// parents: ["Ms C.D. (mother)"]
/// author: Jane Smith
/// qualifications: BA (Hons) Social Work
/// registration: Social Work England SW012345
/// date: 2026-11-20
/// status: draft          # draft (the default: DRAFT watermark) or final
/// ---
/// # Introduction
/// ```
///
/// With a `case_number`, the report gets a front sheet and the running header
/// "ZC26C00123 — Confidential".
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Title of the report (front sheet and PDF properties).
    pub title: Option<String>,
    /// Second line of the title.
    pub subtitle: Option<String>,
    /// The court.
    #[serde(default)]
    pub court: String,
    /// The case number; with it, the report gets a front sheet.
    pub case_number: Option<String>,
    /// The children, one line each.
    #[serde(default)]
    pub children: Vec<String>,
    /// The parents, one line each.
    #[serde(default)]
    pub parents: Vec<String>,
    /// The author.
    #[serde(default)]
    pub author: String,
    /// The author's qualifications.
    #[serde(default)]
    pub qualifications: String,
    /// The author's registration.
    #[serde(default)]
    pub registration: String,
    /// Date of the report, ISO (`2026-11-20`).
    pub date: Option<String>,
    /// `draft` or `final`.
    #[serde(default)]
    pub status: FrontMatterStatus,
    /// PDF subject.
    #[serde(default)]
    pub subject: String,
    /// PDF keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// `status:` in the front matter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FrontMatterStatus {
    /// Not signed off.
    #[default]
    Draft,
    /// Signed off.
    Final,
}

impl FrontMatter {
    /// Splits YAML front matter off a Markdown document. `Ok((None, md))` when there is none.
    pub fn split(md: &str) -> Result<(Option<FrontMatter>, &str), RenderError> {
        let Some(rest) = md.strip_prefix("---\n").or_else(|| md.strip_prefix("---\r\n")) else {
            return Ok((None, md));
        };
        let end = rest.find("\n---\n").or_else(|| rest.find("\n---\r\n")).or_else(|| {
            rest.strip_suffix("\n---").map(|s| s.len()).or_else(|| rest.strip_suffix("\n---\n").map(|s| s.len()))
        });
        let Some(end) = end else { return Ok((None, md)) };
        let yaml = &rest[..end];
        let body = rest[end + 1..].trim_start_matches("---").trim_start_matches(['\r', '\n']);
        let fm: FrontMatter =
            serde_norway::from_str(yaml).map_err(|e| RenderError::FrontMatter { detail: e.to_string() })?;
        Ok((Some(fm), body))
    }

    /// Fills in `opts` from the front matter: metadata, and with a case number a front sheet,
    /// running header, and the DRAFT watermark while the status is draft.
    pub fn apply(&self, opts: &mut RenderOptions) {
        if let Some(t) = &self.title {
            opts.meta.title = t.clone();
        }
        opts.meta.author = self.author.clone();
        opts.meta.subject = self.subject.clone();
        opts.meta.keywords = self.keywords.clone();
        opts.meta.date = self.date.clone();
        let Some(case) = &self.case_number else { return };
        let status = match self.status {
            FrontMatterStatus::Draft => Status::Draft,
            FrontMatterStatus::Final => Status::Final,
        };
        opts.running_header = Some(format!("{case} — Confidential"));
        opts.watermark = (status == Status::Draft).then(|| "DRAFT".to_string());
        opts.front_sheet = Some(FrontSheet {
            court: self.court.clone(),
            case_number: case.clone(),
            title: self.title.clone().unwrap_or_else(|| "Parenting Assessment Report".into()),
            subtitle: self.subtitle.clone(),
            children: self.children.clone(),
            parents: self.parents.clone(),
            author: self.author.clone(),
            qualifications: self.qualifications.clone(),
            registration: self.registration.clone(),
            date: self.date.as_deref().map(long_date).unwrap_or_default(),
            status,
        });
    }
}

/// `2026-11-20` as "20 November 2026" (anything else is returned as written).
pub fn long_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = iso.get(..10).unwrap_or(iso).split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => match (m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(m @ 1..=12), Ok(d @ 1..=31)) => format!("{d} {} {y}", MONTHS[m - 1]),
            _ => iso.to_string(),
        },
        _ => iso.to_string(),
    }
}
