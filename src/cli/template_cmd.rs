//! `assess template …`: validate, list, show, schema.

use super::{Failure, Outcome, diagnostics};
use crate::diag::{Severity, has_errors};
use crate::template::model::{AskedOf, ResponseRef, Template};
use crate::template::{self, LoadOutcome};
use clap::Subcommand;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Check template files and report every problem with its file:line:column.
    #[command(after_help = "Exit code 0 when every file is valid, 1 when any has an error.\n\n\
Examples:\n  assess template validate assessment-templates/\n  assess template validate my-template/template.yaml --json")]
    Validate {
        /// Template files, or folders to search for `.yaml` files (default: the shipped templates).
        paths: Vec<PathBuf>,
        /// Print the problems as JSON, for editors and other tools.
        #[arg(long)]
        json: bool,
    },
    /// List the templates available (shipped, and in `--templates DIR`).
    List,
    /// Show the outline of a template: areas, items, adaptations and scoring rules.
    #[command(after_help = "Example:\n  assess template show parenting-capacity")]
    Show {
        /// The template's id, or the path of its template.yaml.
        id: String,
    },
    /// Print the JSON Schema of the template format.
    Schema,
}

pub fn run(cmd: TemplateCommand, dirs: &[PathBuf]) -> Outcome {
    match cmd {
        TemplateCommand::Validate { paths, json } => validate(&paths, json),
        TemplateCommand::List => list(dirs),
        TemplateCommand::Show { id } => show(&id, dirs),
        TemplateCommand::Schema => {
            println!("{}", serde_json::to_string_pretty(&template::generated_schema())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn validate(paths: &[PathBuf], json: bool) -> Outcome {
    let outcomes: Vec<LoadOutcome> = if paths.is_empty() {
        template::load_embedded()
    } else {
        let mut files = Vec::new();
        for p in paths {
            if !p.exists() {
                return Err(Failure(format!("`{}` does not exist", p.display())));
            }
            let found = template::files_under(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
            if found.is_empty() {
                return Err(Failure(format!("there are no .yaml files in `{}`", p.display())));
            }
            files.extend(found);
        }
        files.iter().map(|f| template::load_path(f)).collect()
    };
    let failed = outcomes.iter().any(|o| has_errors(&o.diagnostics));
    if json {
        let report: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| {
                serde_json::json!({
                    "file": o.file,
                    "valid": !has_errors(&o.diagnostics),
                    "truncated": o.truncated,
                    "diagnostics": o.diagnostics.iter().map(diagnostics::to_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for o in &outcomes {
            print!("{}", validation_text(o));
        }
        let bad = outcomes.iter().filter(|o| has_errors(&o.diagnostics)).count();
        println!(
            "{} file{} checked: {} valid, {bad} with errors.",
            outcomes.len(),
            plural(outcomes.len()),
            outcomes.len() - bad
        );
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The text `validate` prints for one file: its diagnostics, then a summary line.
pub fn validation_text(o: &LoadOutcome) -> String {
    let errors = o.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = o.diagnostics.len() - errors;
    let mut out = diagnostics::render(&o.file, &o.source, &o.diagnostics);
    if o.truncated {
        let _ = writeln!(
            out,
            "{}: checking stopped after the first {} problems; fix these and validate again\n",
            o.file,
            o.diagnostics.len()
        );
    }
    let status = if errors == 0 { "ok" } else { "INVALID" };
    let _ = writeln!(
        out,
        "{}: {status} ({errors} error{}, {warnings} warning{})",
        o.file,
        plural(errors),
        plural(warnings)
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Every template available: those in `dirs` first, then the embedded ones.
fn available(dirs: &[PathBuf]) -> Vec<(String, LoadOutcome)> {
    let mut out = Vec::new();
    for dir in dirs {
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut paths: Vec<PathBuf> =
                entries.flatten().map(|e| e.path().join(template::TEMPLATE_FILE)).filter(|p| p.is_file()).collect();
            paths.sort();
            out.extend(paths.iter().map(|p| (p.display().to_string(), template::load_path(p))));
        }
    }
    out.extend(template::load_embedded().into_iter().map(|o| ("built in".to_string(), o)));
    out
}

fn list(dirs: &[PathBuf]) -> Outcome {
    println!("{:<24} {:<9} {:<6} {:<6} TITLE", "ID", "VERSION", "AREAS", "ITEMS");
    for (source, o) in available(dirs) {
        match &o.template {
            Some(t) => {
                let t = &t.template;
                let items: usize = t.areas.iter().map(|a| a.items.len()).sum();
                println!("{:<24} {:<9} {:<6} {:<6} {} ({source})", t.id, t.version, t.areas.len(), items, t.title);
            }
            None => println!(
                "{:<24} {:<9} {:<6} {:<6} invalid: run `assess template validate {}`",
                "?", "-", "-", "-", o.file
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(id: &str, dirs: &[PathBuf]) -> Outcome {
    let path = Path::new(id);
    let outcome = if path.is_file() {
        template::load_path(path)
    } else {
        template::find(id, dirs).ok_or_else(|| {
            Failure(format!("there is no template called `{id}`; `assess template list` shows the ones available"))
        })?
    };
    match &outcome.template {
        Some(t) => {
            print!("{}", outline(&t.template));
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprint!("{}", validation_text(&outcome));
            Ok(ExitCode::from(1))
        }
    }
}

/// A plain-text outline of a template, for assessors and authors.
pub fn outline(t: &Template) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} ({} {})\n{}\n", t.title, t.id, t.version, t.description.trim());
    let item_line = |o: &mut String, item: &crate::template::model::Item| {
        let mut tags = Vec::new();
        if let Some(aspects) = &item.aspects {
            tags.push(aspects.keys().map(|a| a.as_str()).collect::<Vec<_>>().join("/"));
        } else if let Some(r) = &item.response {
            tags.push(match r {
                ResponseRef::Named(n) => n.clone(),
                ResponseRef::Inline(s) => s.kind.as_str().to_string(),
            });
        }
        if !item.required {
            tags.push("optional".into());
        }
        if item.asked_of == AskedOf::Joint {
            tags.push("joint".into());
        }
        let _ = write!(o, "  - {} `{}` [{}]", item.title, item.id, tags.join(", "));
        if let Some(c) = &item.show_if {
            let _ = write!(o, " only if {c}");
        }
        o.push('\n');
    };
    if let Some(s) = &t.screening {
        let _ = writeln!(o, "Screening: {} ({} items)", s.title, s.items.len());
        s.items.iter().for_each(|i| item_line(&mut o, i));
        o.push('\n');
    }
    let total: usize = t.areas.iter().map(|a| a.items.len()).sum();
    let _ = writeln!(o, "Areas: {} ({} items)", t.areas.len(), total);
    for (n, a) in t.areas.iter().enumerate() {
        let _ = writeln!(o, "{}. {} `{}` ({} items)", n + 1, a.title, a.id, a.items.len());
        a.items.iter().for_each(|i| item_line(&mut o, i));
    }
    if !t.adaptations.is_empty() {
        let _ = writeln!(o, "\nAdaptations:");
        for a in &t.adaptations {
            let e = &a.effects;
            let mut effects = Vec::new();
            if e.easy_read {
                effects.push("easy-read wording".to_string());
            }
            if e.cue_cards {
                effects.push("cue cards".to_string());
            }
            if let Some(n) = e.max_items_per_session {
                effects.push(format!("at most {n} items a session"));
            }
            if e.check_understanding.is_some() {
                effects.push("check understanding".to_string());
            }
            if !e.reassess.is_empty() {
                effects.push(format!(
                    "re-assess {}",
                    e.reassess.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
            effects.extend(e.notes.iter().cloned());
            let _ = writeln!(o, "  - {} `{}`: when {} → {}", a.title, a.id, a.when, effects.join("; "));
        }
    }
    if let Some(ap) = &t.scoring.area_priority {
        let _ = writeln!(
            o,
            "\nArea priority ({} → {}, {} rules, first match wins):",
            ap.rating_scale,
            ap.priority_scale,
            ap.rules.len()
        );
        for (i, r) in ap.rules.iter().enumerate() {
            let when: Vec<String> =
                r.when.iter().map(|(a, m)| format!("{} {}", a.as_str(), m.levels().join("|"))).collect();
            let when = if when.is_empty() { "otherwise".to_string() } else { when.join(", ") };
            let _ = writeln!(o, "  {}. {when} → {}", i + 1, r.then);
        }
    }
    for m in &t.scoring.measures {
        let _ = writeln!(
            o,
            "\nMeasure {} `{}`: {} items, {} reverse-scored, {} subscales, {} bands",
            m.title,
            m.id,
            m.items.len(),
            m.reverse.len(),
            m.subscales.len(),
            m.bands.len()
        );
    }
    for f in &t.scoring.flags {
        let _ = writeln!(o, "Flag `{}`: when {} → {}", f.id, f.when, f.message);
    }
    o
}
