//! `assess evidence …`, `assess narrative edit`, `assess score`.

use super::case_cmd::{Workspace, change, now, open, today};
use super::{Failure, Outcome};
use crate::case::event::{EventBody, Source};
use crate::case::store::Stamp;
use crate::engine::{self, Command as EngineCommand, NewEvidence};
use crate::scoring;
use crate::template::model::EvidenceKind;
use clap::{Subcommand, ValueEnum};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// The kinds of evidence, as typed on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// What you saw yourself.
    Observation,
    /// The parent's own account, in their words.
    ParentAccount,
    /// A report from someone else (health visitor, nursery, family support worker…).
    ThirdParty,
    /// A document read (medical records, previous assessments, court papers…).
    Document,
}

impl From<KindArg> for EvidenceKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Observation => EvidenceKind::Observation,
            KindArg::ParentAccount => EvidenceKind::ParentAccount,
            KindArg::ThirdParty => EvidenceKind::ThirdParty,
            KindArg::Document => EvidenceKind::Document,
        }
    }
}

/// `assess evidence …`
// Parsed once per run; boxing the big variant would only complicate the match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Record evidence: what you saw, what the parent said, what others reported, what you read.
    #[command(
        after_help = "Examples:\n  assess evidence add --kind observation --date 2026-03-02 --place \"family home\" \\\n    --supports bottle_feeding.skills --text \"Made up a feed correctly, tested the temperature on her wrist.\"\n  assess evidence add --kind parent-account --supports bottle_feeding --text \"I always boil the kettle first.\"\n  assess evidence add --kind third-party --who \"A. Nurse\" --role \"health visitor\" --agency \"Exampleton NHS Trust\" \\\n    --supports weight_checks.practice --text \"Attended every clinic appointment.\"\n  assess evidence add --kind document --title \"GP letter\" --attach letter.pdf --supports health_appointments --text \"…\"\n  assess evidence add --corrects E3 --kind observation --supports bath_time.skills --text \"(corrected text)\""
    )]
    Add {
        /// What kind of evidence.
        #[arg(long, value_enum)]
        kind: KindArg,
        /// The question(s) it supports: ITEM (the whole item) or ITEM.ASPECT. Repeat for more.
        #[arg(long = "supports", value_name = "ITEM[.ASPECT]", required = true)]
        supports: Vec<String>,
        /// The evidence itself. For a parent's account, their own words.
        #[arg(long, conflicts_with = "text_file")]
        text: Option<String>,
        /// Read the text from a file.
        #[arg(long, value_name = "FILE")]
        text_file: Option<PathBuf>,
        /// When it was seen, said or written (YYYY-MM-DD; default the open session's date, or today).
        #[arg(long)]
        date: Option<String>,
        /// Where.
        #[arg(long)]
        place: Option<String>,
        /// The carer it concerns (repeat; default all carers).
        #[arg(long = "carer", value_name = "ID")]
        carers: Vec<String>,
        /// Third-party report: who made it.
        #[arg(long)]
        who: Option<String>,
        /// Third-party report: their role.
        #[arg(long)]
        role: Option<String>,
        /// Third-party report: their agency.
        #[arg(long)]
        agency: Option<String>,
        /// Document: its title.
        #[arg(long)]
        title: Option<String>,
        /// A file to keep with the entry (copied into the case). Repeat for more.
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<PathBuf>,
        /// This entry corrects an earlier one (which stays in the log, marked as corrected).
        #[arg(long, value_name = "E-NUMBER")]
        corrects: Option<String>,
    },
    /// List the evidence entries.
    List {
        /// Include entries that were corrected.
        #[arg(long)]
        all: bool,
    },
    /// Show one entry in full.
    Show {
        /// The entry, e.g. E3.
        id: String,
    },
    /// Link an entry to more questions.
    #[command(after_help = "Example:\n  assess evidence link E3 --supports bath_time.practice")]
    Link {
        /// The entry, e.g. E3.
        id: String,
        /// ITEM or ITEM.ASPECT. Repeat for more.
        #[arg(long = "supports", value_name = "ITEM[.ASPECT]", required = true)]
        supports: Vec<String>,
    },
}

/// Runs `assess evidence …`.
pub fn run_evidence(cmd: EvidenceCommand, ws: &Workspace) -> Outcome {
    match cmd {
        EvidenceCommand::Add {
            kind,
            supports,
            text,
            text_file,
            date,
            place,
            carers,
            who,
            role,
            agency,
            title,
            attach,
            corrects,
        } => {
            let text = match (text, text_file) {
                (Some(t), _) => t,
                (None, Some(f)) => {
                    std::fs::read_to_string(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?
                }
                (None, None) => return Err(Failure("give the evidence with --text \"…\" or --text-file FILE".into())),
            };
            for a in &attach {
                if !a.is_file() {
                    return Err(Failure(format!("the attachment {} does not exist", a.display())));
                }
            }
            let dir = ws.case()?;
            let lock = dir.lock()?;
            let opened = open(dir)?;
            let date =
                date.unwrap_or_else(|| opened.state.open_session().map(|s| s.start.date.clone()).unwrap_or_else(today));
            let source = who.map(|who| Source { who, role: role.unwrap_or_default(), agency });
            let mut new = NewEvidence {
                kind: kind.into(),
                date,
                place,
                text,
                supports,
                carers,
                source,
                document: title,
                attachments: Vec::new(),
                corrects,
            };
            // Check everything before copying any file into the case.
            engine::apply(&opened.template.template, &opened.state, &EngineCommand::AddEvidence(new.clone()))?;
            for a in &attach {
                new.attachments.push(opened.dir.store_attachment(&lock, a)?);
            }
            let events = engine::apply(&opened.template.template, &opened.state, &EngineCommand::AddEvidence(new))?;
            let author = ws.author.clone().unwrap_or_else(|| opened.state.info.assessor.name.clone());
            opened.dir.append(&lock, &events, &Stamp { time: now(), author })?;
            for e in &events {
                if let EventBody::EvidenceAdded(e) = e {
                    let corrects = e.supersedes.as_ref().map(|s| format!(", correcting {s}")).unwrap_or_default();
                    println!(
                        "Saved evidence {} ({}{corrects}), supporting {}.",
                        e.id,
                        kind_label(e.kind),
                        e.supports.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                    );
                    for a in &e.attachments {
                        println!("  Attached {} ({} bytes, sha256 {}).", a.name, a.bytes, &a.sha256[..12]);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::List { all } => {
            let o = open(ws.case()?)?;
            if o.state.evidence.is_empty() {
                println!("No evidence recorded yet. Add some with `assess evidence add`.");
            }
            for r in &o.state.evidence {
                if r.superseded_by.is_some() && !all {
                    continue;
                }
                let e = &r.entry;
                let status = r.superseded_by.as_ref().map(|b| format!(" [corrected by {b}]")).unwrap_or_default();
                println!(
                    "{:<4} {} {:<20} {}{status}\n     supports {}",
                    e.id,
                    e.date,
                    kind_label(e.kind),
                    first_words(&e.text, 60),
                    e.supports.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::Show { id } => {
            let o = open(ws.case()?)?;
            let r = o
                .state
                .evidence
                .iter()
                .find(|r| r.entry.id.eq_ignore_ascii_case(&id))
                .ok_or_else(|| format!("there is no evidence entry `{id}` (see `assess evidence list`)"))?;
            let e = &r.entry;
            let mut out = String::new();
            let _ = writeln!(out, "{} — {} on {}", e.id, kind_label(e.kind), e.date);
            if let Some(p) = &e.place {
                let _ = writeln!(out, "Place: {p}");
            }
            if let Some(s) = &e.source {
                let agency = s.agency.as_ref().map(|a| format!(", {a}")).unwrap_or_default();
                let _ = writeln!(out, "Reported by: {} ({}{agency})", s.who, s.role);
            }
            if let Some(d) = &e.document {
                let _ = writeln!(out, "Document: {d}");
            }
            let carers = if e.carers.is_empty() { "all carers".to_string() } else { e.carers.join(", ") };
            let _ = writeln!(out, "Concerns: {carers}");
            let _ = writeln!(
                out,
                "Supports: {}",
                e.supports.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            );
            for a in &e.attachments {
                let _ = writeln!(out, "Attachment: {} ({} bytes) stored as attachments/{}", a.name, a.bytes, a.sha256);
            }
            if let Some(s) = &e.supersedes {
                let _ = writeln!(out, "Corrects: {s}");
            }
            if let Some(b) = &r.superseded_by {
                let _ = writeln!(out, "Corrected by: {b} (this entry is kept in the log but not used)");
            }
            let _ = writeln!(out, "\n{}", e.text);
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::Link { id, supports } => {
            let (_, events) = change(ws, &EngineCommand::LinkEvidence { id, supports })?;
            if let Some(EventBody::EvidenceLinked { evidence, supports }) = events.first() {
                println!(
                    "Saved: {evidence} now also supports {}.",
                    supports.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The kind, for people.
pub fn kind_label(k: EvidenceKind) -> &'static str {
    match k {
        EvidenceKind::Observation => "observation",
        EvidenceKind::ParentAccount => "parent's account",
        EvidenceKind::ThirdParty => "third-party report",
        EvidenceKind::Document => "document",
    }
}

fn first_words(text: &str, n: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= n { flat } else { format!("{}…", flat.chars().take(n).collect::<String>()) }
}

/// `assess narrative edit SECTION`: opens `$EDITOR` on the section (or reads `--file`).
pub fn run_narrative(ws: &Workspace, section: &str, file: Option<PathBuf>) -> Outcome {
    let opened = open(ws.case()?)?;
    let section = engine::narrative_section(&opened.template.template, section)?;
    let text = match file {
        Some(f) => std::fs::read_to_string(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?,
        None => edit_in_editor(&section, opened.state.narrative.get(&section).map(|n| n.text.as_str()).unwrap_or(""))?,
    };
    let (_, events) = change(ws, &EngineCommand::WriteNarrative { section: section.clone(), text })?;
    if !events.is_empty() {
        println!("Saved the analysis `{section}`.");
    }
    Ok(ExitCode::SUCCESS)
}

fn edit_in_editor(section: &str, current: &str) -> Result<String, Failure> {
    let editor = std::env::var("VISUAL").or_else(|_| std::env::var("EDITOR")).map_err(|_| {
        Failure("set EDITOR to your text editor (e.g. EDITOR=nano), or give the text with --file FILE".into())
    })?;
    let dir = tempfile_dir()?;
    let path = dir.join(format!("{}.md", section.replace(':', "-")));
    // End with a newline so the editor (and anything appending) starts on a fresh line.
    let initial = if current.is_empty() { String::new() } else { format!("{current}\n") };
    crate::case::store::write_atomic(&path, initial.as_bytes())?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status()
        .map_err(|e| format!("could not start the editor `{editor}`: {e}"))?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read back {}: {e}", path.display()))?;
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_dir(&dir);
    if !status.success() {
        return Err(Failure(format!("the editor `{editor}` did not finish normally; nothing was saved")));
    }
    Ok(text)
}

/// A private temporary folder for the editor's file (it holds case text).
fn tempfile_dir() -> Result<PathBuf, Failure> {
    let dir = std::env::temp_dir().join(format!("assess-edit-{}", std::process::id()));
    crate::case::store::create_private_dir(&dir)?;
    Ok(dir)
}

/// `assess score`.
pub fn run_score(ws: &Workspace, json: bool) -> Outcome {
    let o = open(ws.case()?)?;
    let t = &o.template.template;
    let scores = scoring::score_case(t, &o.state);
    if json {
        println!("{}", serde_json::to_string_pretty(&scores)?);
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", score_table(&o.template.template, &o.state, &scores));
    Ok(ExitCode::SUCCESS)
}

/// The scores as a plain-text table.
pub fn score_table(t: &crate::template::Template, state: &crate::case::CaseState, scores: &scoring::Scores) -> String {
    let mut out = String::new();
    let rules = t.scoring.area_priority.as_ref();
    let label = |scale: Option<&String>, level: &str| -> String {
        scale.map_or(level.to_string(), |s| scoring::level_label(t, s, level).to_string())
    };
    for c in &scores.carers {
        let name = state
            .info
            .carers
            .iter()
            .find(|x| x.id == c.carer)
            .map_or(c.carer.clone(), |x| format!("{} ({})", x.name, x.relationship));
        let _ = writeln!(out, "{name}");
        if rules.is_some() && !t.areas.is_empty() {
            let _ = writeln!(
                out,
                "  {:<34} {:<10} {:<10} {:<10} {:<18} CHANGE",
                "AREA", "KNOWLEDGE", "SKILLS", "PRACTICE", "PRIORITY"
            );
            for a in &c.areas {
                let asp = |x| a.aspects.get(&x).map_or("-".to_string(), |l| l.clone());
                let priority = a
                    .priority
                    .as_ref()
                    .map_or("not assessed".to_string(), |p| label(rules.map(|r| &r.priority_scale), p));
                let change = a.change.map_or("", |c| c.as_str());
                let _ = writeln!(
                    out,
                    "  {:<34} {:<10} {:<10} {:<10} {:<18} {change}",
                    truncate(&a.title, 34),
                    asp(crate::template::model::Aspect::Knowledge),
                    asp(crate::template::model::Aspect::Skills),
                    asp(crate::template::model::Aspect::Practice),
                    priority
                );
            }
            let title = |id: &String| c.areas.iter().find(|a| &a.area == id).map_or(id.clone(), |a| a.title.clone());
            let _ = writeln!(
                out,
                "  Strengths: {}",
                if c.strengths.is_empty() {
                    "none yet".into()
                } else {
                    c.strengths.iter().map(title).collect::<Vec<_>>().join("; ")
                }
            );
            let _ = writeln!(
                out,
                "  Needs, highest priority first: {}",
                if c.needs.is_empty() {
                    "none".into()
                } else {
                    c.needs.iter().map(title).collect::<Vec<_>>().join("; ")
                }
            );
        }
        for m in &c.measures {
            let _ = writeln!(out, "  {}: {}", m.title, m.total.text());
            for s in &m.subscales {
                let _ = writeln!(out, "    {}: {}", s.title, s.total.text());
            }
        }
        for f in &c.flags {
            let _ = writeln!(out, "  FLAG ({}): {}", f.id, f.message);
        }
        if !c.changes.is_empty() {
            let _ = writeln!(out, "  Change across sessions:");
            for ch in &c.changes {
                let _ = writeln!(
                    out,
                    "    {}: {} (session {}) → {} (session {}): {}",
                    ch.question,
                    ch.first.0,
                    ch.first.1,
                    ch.latest.0,
                    ch.latest.1,
                    ch.change.as_str()
                );
            }
        }
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}
