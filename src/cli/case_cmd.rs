//! The assessor's commands: cases, sessions, next, answer, skip, import, review, sign-off,
//! reopen, verify. Each writing command takes the case's lock, replays its log, asks the engine
//! for the events, appends them, and only then says "saved".

use super::{Failure, Outcome};
use crate::case::event::{Assessor, Carer, CaseInfo, Child, EventBody, Instructions, Phase, TemplatePin};
use crate::case::store::{self, CaseDir, DataDir, Stamp};
use crate::case::{CaseState, Record};
use crate::engine::{self, Command as EngineCommand, Next, Offer, OfferKind, response::Given};
use crate::template::{self, LoadedTemplate};
use clap::{Args, Subcommand};
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options every case command shares.
#[derive(Debug, Clone, Args)]
pub struct Workspace {
    /// Folder holding the cases (default: ~/.local/share/assess). Case folders are private to you.
    #[arg(long, global = true, env = "ASSESS_DATA", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The case to work on (default: the one chosen with `assess case open`, or the only one).
    #[arg(long = "case", global = true, env = "ASSESS_CASE", value_name = "ID")]
    pub case_id: Option<String>,
    /// Your name, recorded with every change (default: the case's assessor).
    #[arg(long, global = true, env = "ASSESS_AUTHOR", value_name = "NAME")]
    pub author: Option<String>,
}

impl Workspace {
    /// The data folder.
    pub fn data(&self) -> DataDir {
        DataDir::new(self.data_dir.clone().unwrap_or_else(store::default_data_dir))
    }

    /// The case to work on.
    pub fn case(&self) -> Result<CaseDir, Failure> {
        self.case_named(None)
    }

    fn case_named(&self, named: Option<&str>) -> Result<CaseDir, Failure> {
        let data = self.data();
        let id = match named.map(str::to_string).or_else(|| self.case_id.clone()).or_else(|| data.current()) {
            Some(id) => id,
            None => {
                let ids = data.list()?;
                match ids.as_slice() {
                    [one] => one.clone(),
                    [] => {
                        return Err(Failure(format!(
                            "there are no cases in {} yet: open one with `assess case new`",
                            data.path.display()
                        )));
                    }
                    _ => {
                        return Err(Failure(format!(
                            "say which case with --case ID or `assess case open ID`; the cases are: {}",
                            ids.join(", ")
                        )));
                    }
                }
            }
        };
        Ok(data.open(&id)?)
    }
}

/// The time recorded on events: `ASSESS_NOW` (RFC 3339, for tests and demos) or the clock.
pub fn now() -> String {
    if let Ok(t) = std::env::var("ASSESS_NOW")
        && let Ok(ts) = t.parse::<jiff::Timestamp>()
    {
        return ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Today's date (YYYY-MM-DD), from `ASSESS_NOW` when set, else the local clock.
pub fn today() -> String {
    if let Ok(t) = std::env::var("ASSESS_NOW")
        && let Ok(ts) = t.parse::<jiff::Timestamp>()
    {
        return ts.strftime("%Y-%m-%d").to_string();
    }
    jiff::Zoned::now().date().to_string()
}

/// A case opened for work: its folder, template, log and state.
pub struct Opened {
    /// The folder.
    pub dir: CaseDir,
    /// The case's own copy of its template.
    pub template: LoadedTemplate,
    /// The records.
    pub records: Vec<Record>,
    /// The replayed state.
    pub state: CaseState,
    /// An interrupted write left out of the log, if any.
    pub interrupted: Option<String>,
}

/// Loads a case: log, state, and the template copy it is pinned to.
pub fn open(dir: CaseDir) -> Result<Opened, Failure> {
    let log = dir.load().map_err(|e| {
        Failure(format!("case `{}` cannot be loaded: {e}. Run `assess verify --case {}` for details.", dir.id, dir.id))
    })?;
    let state =
        CaseState::replay(&log.records).map_err(|e| Failure(format!("case `{}` cannot be read: {e}", dir.id)))?;
    let path = dir.template_dir().join(template::TEMPLATE_FILE);
    let outcome = template::load_path(&path);
    let Some(t) = outcome.template else {
        return Err(Failure(format!(
            "the case's copy of its template does not load:\n{}",
            super::validation_text(&template::load_path(&path))
        )));
    };
    if t.hash != state.info.template.hash {
        return Err(Failure(format!(
            "the case's copy of its template ({}) is not the one the case was opened with; run `assess verify`",
            path.display()
        )));
    }
    Ok(Opened { dir, template: t, records: log.records, state, interrupted: log.interrupted })
}

/// Runs an engine command on the current case under its lock and appends the events.
pub fn change(ws: &Workspace, cmd: &EngineCommand) -> Result<(Opened, Vec<EventBody>), Failure> {
    let dir = ws.case()?;
    let lock = dir.lock()?;
    let opened = open(dir)?;
    let events = engine::apply(&opened.template.template, &opened.state, cmd)?;
    let stamp = Stamp { time: now(), author: author(ws, &opened.state) };
    let records = opened.dir.append(&lock, &events, &stamp)?;
    drop(lock);
    let mut opened = opened;
    for r in &records {
        if let Ok(b) = r.body() {
            let _ = opened.state.apply(&b, r.seq);
        }
    }
    opened.records.extend(records);
    Ok((opened, events))
}

fn author(ws: &Workspace, state: &CaseState) -> String {
    ws.author.clone().filter(|a| !a.trim().is_empty()).unwrap_or_else(|| state.info.assessor.name.clone())
}

/// `assess case …`
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a new case on a template (the case keeps its own copy of the template).
    #[command(
        after_help = "Examples:\n  assess case new --from case.yaml\n  assess case new --number ZC26C00123 --court \"Family Court at Exampleton\" \\\n    --child \"L.B. 2025-03-14\" --carer \"mother:Jane Doe:mother\" --assessor \"Sam Patel\"\n\n\
A case file (--from) looks like:\n  court: Family Court at Exampleton\n  case_number: ZC26C00123\n  children: [{ initials: L.B., date_of_birth: 2025-03-14 }]\n  carers: [{ id: mother, name: Jane Doe, relationship: mother }]\n  assessor: { name: Sam Patel, registration: SW123456 }\n  template: parenting-capacity"
    )]
    New(NewCase),
    /// List the cases in the data folder.
    List,
    /// Show a case: its facts, phase, sessions and each carer's progress.
    Show {
        /// The case id (default: the current case).
        id: Option<String>,
    },
    /// Choose the case that later commands work on.
    Open {
        /// The case id.
        id: String,
    },
}

/// Details of a new case.
#[derive(Debug, Args)]
pub struct NewCase {
    /// A YAML file with the case's details (see the example below).
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// The court's case number, e.g. ZC26C00123.
    #[arg(long)]
    number: Option<String>,
    /// The court, e.g. "Family Court at Exampleton".
    #[arg(long)]
    court: Option<String>,
    /// A child: initials and date of birth, e.g. "L.B. 2025-03-14" (repeat for each child).
    #[arg(long = "child", value_name = "INITIALS DOB")]
    children: Vec<String>,
    /// A carer being assessed: id:name:relationship, e.g. "mother:Jane Doe:mother" (repeat for each).
    #[arg(long = "carer", value_name = "ID:NAME:RELATIONSHIP")]
    carers: Vec<String>,
    /// Your name, as the report's author.
    #[arg(long)]
    assessor: Option<String>,
    /// Your professional registration number.
    #[arg(long)]
    registration: Option<String>,
    /// The template to follow.
    #[arg(long, default_value = "parenting-capacity")]
    template: String,
    /// The case's folder name (default: the case number).
    #[arg(long)]
    id: Option<String>,
}

/// The layout of a `--from` case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    court: String,
    case_number: String,
    children: Vec<Child>,
    carers: Vec<Carer>,
    assessor: Assessor,
    #[serde(default)]
    instructions: Option<Instructions>,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

/// Runs `assess case …`.
pub fn run_case(cmd: CaseCommand, ws: &Workspace, dirs: &[PathBuf]) -> Outcome {
    match cmd {
        CaseCommand::New(n) => new_case(n, ws, dirs),
        CaseCommand::List => list(ws),
        CaseCommand::Show { id } => {
            let opened = open(ws.case_named(id.as_deref())?)?;
            print!("{}", show(&opened));
            Ok(ExitCode::SUCCESS)
        }
        CaseCommand::Open { id } => {
            let dir = ws.data().open(&id)?;
            ws.data().set_current(&dir.id)?;
            println!("Working on case {} from now on.", dir.id);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn new_case(n: NewCase, ws: &Workspace, dirs: &[PathBuf]) -> Outcome {
    let mut file = match &n.from {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            serde_norway::from_str::<CaseFile>(&text)
                .map_err(|e| format!("{} is not a valid case file: {e}", path.display()))?
        }
        None => CaseFile {
            court: String::new(),
            case_number: String::new(),
            children: Vec::new(),
            carers: Vec::new(),
            assessor: Assessor { name: String::new(), role: None, qualifications: None, registration: None },
            instructions: None,
            template: None,
            id: None,
        },
    };
    if let Some(v) = n.number {
        file.case_number = v;
    }
    if let Some(v) = n.court {
        file.court = v;
    }
    if let Some(v) = n.assessor {
        file.assessor.name = v;
    }
    if let Some(v) = n.registration {
        file.assessor.registration = Some(v);
    }
    for c in &n.children {
        let (initials, dob) = c.trim().rsplit_once(' ').ok_or_else(|| {
            format!("--child \"{c}\": write the initials then the date of birth, e.g. \"L.B. 2025-03-14\"")
        })?;
        file.children.push(Child { initials: initials.trim().into(), date_of_birth: dob.into(), gender: None });
    }
    for c in &n.carers {
        let parts: Vec<&str> = c.splitn(3, ':').map(str::trim).collect();
        let [id, name, relationship] = parts[..] else {
            return Err(Failure(format!(
                "--carer \"{c}\": write id:name:relationship, e.g. \"mother:Jane Doe:mother\""
            )));
        };
        file.carers.push(Carer { id: id.into(), name: name.into(), relationship: relationship.into() });
    }
    let mut missing = Vec::new();
    for (value, what) in [
        (&file.case_number, "the case number (--number)"),
        (&file.court, "the court (--court)"),
        (&file.assessor.name, "your name as assessor (--assessor)"),
    ] {
        if value.trim().is_empty() {
            missing.push(what);
        }
    }
    if file.children.is_empty() {
        missing.push("at least one child (--child \"INITIALS YYYY-MM-DD\")");
    }
    if file.carers.is_empty() {
        missing.push("at least one carer (--carer id:name:relationship)");
    }
    if !missing.is_empty() {
        return Err(Failure(format!("the case cannot be opened without {}", missing.join(", "))));
    }
    for c in &file.children {
        engine::response::check_date(&c.date_of_birth)
            .map_err(|e| format!("the date of birth of {}: {e}", c.initials))?;
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in &file.carers {
        store::check_id(&c.id).map_err(|_| {
            format!("the carer id `{}` must be a short word of letters, digits, - or _ (e.g. mother)", c.id)
        })?;
        if !seen.insert(c.id.clone()) {
            return Err(Failure(format!("two carers have the id `{}`: give each a different one", c.id)));
        }
    }
    let template_id = n.from.as_ref().and(file.template.clone()).unwrap_or(n.template);
    let outcome = template::find(&template_id, dirs)
        .ok_or_else(|| format!("there is no template `{template_id}` (see `assess template list`)"))?;
    let Some(t) = outcome.template.clone() else {
        return Err(Failure(format!("the template `{template_id}` has errors:\n{}", super::validation_text(&outcome))));
    };
    let info = CaseInfo {
        court: file.court.trim().into(),
        case_number: file.case_number.trim().into(),
        children: file.children,
        carers: file.carers,
        assessor: file.assessor,
        instructions: file.instructions,
        template: TemplatePin { id: t.template.id.clone(), version: t.template.version.clone(), hash: t.hash.clone() },
    };
    let id = n.id.or(file.id).unwrap_or_else(|| info.case_number.clone());
    let files = t.base.files().map_err(|e| format!("cannot read the template's files: {e}"))?;
    let yaml = format!(
        "# The facts of case {id}, for reading. The log (events.jsonl) is the source of truth:\n# do not edit this file; it is not read back.\n{}",
        serde_norway::to_string(&info).unwrap_or_default()
    );
    let data = ws.data();
    let author = ws.author.clone().unwrap_or_else(|| info.assessor.name.clone());
    let (dir, _) = data.create(
        &id,
        &yaml,
        &files,
        &EventBody::CaseOpened(Box::new(info.clone())),
        &Stamp { time: now(), author },
    )?;
    data.set_current(&dir.id)?;
    println!("Opened case {} on template {} {}.", dir.id, t.template.id, t.template.version);
    println!("Case folder: {}", dir.path.display());
    println!(
        "Next: start the first session, e.g. `assess session start --date {} --place \"family home\" --present \"…\"`.",
        today()
    );
    Ok(ExitCode::SUCCESS)
}

fn list(ws: &Workspace) -> Outcome {
    let data = ws.data();
    let ids = data.list()?;
    if ids.is_empty() {
        println!("No cases in {} yet. Open one with `assess case new`.", data.path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let current = data.current();
    println!("  {:<16} {:<12} {:<10} CARERS", "CASE", "PHASE", "SESSIONS");
    for id in ids {
        let mark = if current.as_deref() == Some(id.as_str()) { "*" } else { "" };
        match data
            .open(&id)
            .and_then(|d| d.load())
            .map_err(Failure::from)
            .and_then(|l| Ok(CaseState::replay(&l.records)?))
        {
            Ok(s) => println!(
                "{mark:<2}{id:<16} {:<12} {:<10} {}",
                s.phase.describe(),
                s.sessions.len(),
                s.info.carers.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
            Err(Failure(e)) => println!("{mark:<2}{id:<16} cannot be read: {e}"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A plain summary of a case.
pub fn show(o: &Opened) -> String {
    let s = &o.state;
    let t = &o.template.template;
    let mut out = String::new();
    let _ = writeln!(out, "Case {} — {}", s.info.case_number, s.info.court);
    let _ = writeln!(out, "Template: {} {} ({})", t.id, t.version, t.title);
    let _ = writeln!(out, "Phase: {}", s.phase.describe());
    let _ = writeln!(
        out,
        "Children: {}",
        s.info
            .children
            .iter()
            .map(|c| format!("{} (born {})", c.initials, c.date_of_birth))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(out, "Assessor: {}", s.info.assessor.name);
    let _ = writeln!(out, "Sessions: {}", s.sessions.len());
    for sess in &s.sessions {
        let _ = writeln!(
            out,
            "  {}. {} at {}; present: {}{}",
            sess.start.session,
            sess.start.date,
            sess.start.place,
            sess.start.present,
            if sess.ended { "" } else { " (open)" }
        );
    }
    let all = engine::questions(t);
    for c in &s.info.carers {
        let p = &s.carers[&c.id];
        let applicability = engine::Applicability::new(t, s, &c.id);
        let applicable: Vec<_> = all.iter().filter(|q| applicability.applies(q)).collect();
        let done =
            applicable.iter().filter(|q| p.attempts.contains_key(&q.qref()) || p.skips.contains_key(&q.qref())).count();
        let _ = writeln!(out, "{} ({}): {done} of {} questions done", c.name, c.relationship, applicable.len());
        let _ = writeln!(out, "  Screening: {}", if p.screening_complete { "complete" } else { "not complete" });
        for a in &p.adaptations {
            let _ = writeln!(out, "  Adjustment: {} — {}", a.title, a.reason);
        }
    }
    if let Some(i) = &o.interrupted {
        let _ = writeln!(out, "Note: {i}; it was not saved and will be cleared on the next change.");
    }
    out
}

/// `assess session …`
#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Start a session with the family.
    #[command(
        after_help = "Example:\n  assess session start --date 2026-03-02 --place \"family home\" --present \"Ms Doe (mother); Ms Advocate (advocate); the assessor\""
    )]
    Start {
        /// The date of the session (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
        /// Where it is held.
        #[arg(long)]
        place: String,
        /// Everyone present.
        #[arg(long)]
        present: String,
        /// A carer taking part (repeat; default every carer in the case).
        #[arg(long = "carer", value_name = "ID")]
        carers: Vec<String>,
    },
    /// End the open session.
    End {
        /// A note on how the session went.
        #[arg(long)]
        note: Option<String>,
    },
}

/// Runs `assess session …`.
pub fn run_session(cmd: SessionCommand, ws: &Workspace) -> Outcome {
    match cmd {
        SessionCommand::Start { date, place, present, carers } => {
            let cmd = EngineCommand::StartSession { date: date.unwrap_or_else(today), place, present, carers };
            let (o, _) = change(ws, &cmd)?;
            let s = o.state.open_session().ok_or("the session did not start")?;
            println!("Session {} started on {} at {}.", s.start.session, s.start.date, s.start.place);
            for c in &s.start.carers {
                print!("{}", describe_next(&o, c));
            }
        }
        SessionCommand::End { note } => {
            let (o, events) = change(ws, &EngineCommand::EndSession { note })?;
            if let Some(EventBody::SessionEnded { session, .. }) = events.first() {
                let n: usize = o
                    .state
                    .carers
                    .values()
                    .map(|p| p.attempts.values().filter(|a| a.iter().any(|x| x.session == *session)).count())
                    .sum();
                println!("Session {session} ended and saved ({n} answers in this session).");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What to do next, for people.
pub fn describe_next(o: &Opened, carer: &str) -> String {
    format_next(&o.state, carer, &engine::next(&o.template.template, &o.state, carer))
}

fn format_next(state: &CaseState, carer: &str, next: &Next) -> String {
    let name = state.info.carers.iter().find(|c| c.id == carer).map_or(carer, |c| c.name.as_str());
    match next {
        Next::StartSession { message } | Next::Finished { message } | Next::Frozen { message } => {
            format!("{name}: {message}\n")
        }
        Next::Ask(offer) => format_offer(state, offer),
    }
}

/// An offer as the assessor reads it.
pub fn format_offer(state: &CaseState, offer: &Offer) -> String {
    let names: Vec<String> = offer
        .carers
        .iter()
        .map(|c| state.info.carers.iter().find(|x| &x.id == c).map_or(c.clone(), |x| x.name.clone()))
        .collect();
    let mut o = String::new();
    let kind = match offer.kind {
        OfferKind::Screening => "Screening question",
        OfferKind::Question => "Question",
        OfferKind::Reassessment => "Re-assessment (taught in an earlier session; ask again)",
        OfferKind::CheckUnderstanding => "Check understanding",
    };
    let _ = writeln!(
        o,
        "{kind} for {} — {} of {} done",
        names.join(" and ") + if names.len() > 1 { " (together)" } else { "" },
        offer.progress.0,
        offer.progress.1
    );
    let aspect = offer.aspect.map(|a| format!(" ({})", a.as_str())).unwrap_or_default();
    let _ = writeln!(o, "  {}: {}{aspect}", offer.section, offer.item_title);
    let wording = match offer.wording {
        crate::case::event::Wording::EasyRead => "easy-read wording",
        crate::case::event::Wording::Standard => "standard wording",
    };
    let _ = writeln!(o, "  Ask ({wording}): \"{}\"", offer.text);
    if let Some(card) = &offer.cue_card {
        let _ = writeln!(o, "  Show cue card: {card}");
    }
    if let Some(help) = &offer.help {
        let _ = writeln!(o, "  Help: {help}");
    }
    let _ = writeln!(o, "  Answer with: assess answer {} VALUE — {}", offer.answer_as, offer.how_to_answer);
    if offer.attempt > 1 && offer.kind != OfferKind::CheckUnderstanding {
        let _ = writeln!(o, "  This will be attempt {}.", offer.attempt);
    }
    if let Some(p) = &offer.pacing {
        let _ = writeln!(o, "  Pacing: {p}");
    }
    o
}

/// `assess next`: what to ask next, for one carer or each carer in the session.
pub fn run_next(ws: &Workspace, carer: Option<String>, json: bool) -> Outcome {
    let o = open(ws.case()?)?;
    let carers: Vec<String> = match carer {
        Some(c) => vec![c],
        None => match o.state.open_session() {
            Some(s) => s.start.carers.clone(),
            None => o.state.info.carers.iter().map(|c| c.id.clone()).collect(),
        },
    };
    let mut all = Vec::new();
    for c in &carers {
        if !o.state.carers.contains_key(c) {
            return Err(Failure(format!("`{c}` is not a carer in this case")));
        }
        let next = engine::next(&o.template.template, &o.state, c);
        if json {
            all.push(serde_json::json!({ "carer": c, "next": next }));
        } else {
            print!("{}", format_next(&o.state, c, &next));
        }
        if matches!(next, Next::StartSession { .. } | Next::Frozen { .. }) {
            break;
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    }
    Ok(ExitCode::SUCCESS)
}

/// An answer's value for people: text as it is, lists joined with commas.
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) if a.is_empty() => "none".into(),
        serde_json::Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Prints what was saved, in a line.
pub fn saved(events: &[EventBody], state: &CaseState) -> String {
    let mut out = String::new();
    for e in events {
        match e {
            EventBody::Answered(a) => {
                let _ = writeln!(
                    out,
                    "Saved: {} = {} ({}, session {}, attempt {}).",
                    a.question,
                    value_text(&a.value),
                    a.carers.join(" and "),
                    a.session,
                    a.attempt
                );
            }
            EventBody::Skipped(s) => {
                let _ = writeln!(out, "Saved: {} skipped for {} — {}.", s.question, s.carers.join(" and "), s.reason);
            }
            EventBody::UnderstandingChecked(u) => {
                let _ = writeln!(out, "Saved: understanding of {} checked — {}.", u.question, u.result.as_str());
            }
            EventBody::ScreeningCompleted { carer } => {
                let _ = writeln!(out, "Screening complete for {carer}.");
            }
            EventBody::AdaptationActivated(a) => {
                let _ = writeln!(out, "Adjustment now in use for {}: {} — {}", a.carer, a.title, a.reason);
            }
            EventBody::PhaseChanged { to, reason, .. } => {
                let why = reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
                let _ = writeln!(out, "The case is now {}{why}.", to.describe());
            }
            _ => {}
        }
    }
    let _ = state;
    out
}

/// `assess answer` and `assess skip`.
pub fn run_answer(ws: &Workspace, cmd: EngineCommand) -> Outcome {
    let (o, events) = change(ws, &cmd)?;
    print!("{}", saved(&events, &o.state));
    let carers: Vec<String> = events
        .iter()
        .find_map(|e| match e {
            EventBody::Answered(a) => Some(a.carers.clone()),
            EventBody::Skipped(s) => Some(s.carers.clone()),
            EventBody::UnderstandingChecked(u) => Some(u.carers.clone()),
            _ => None,
        })
        .unwrap_or_default();
    if let Some(c) = carers.first() {
        print!("\nNext: {}", describe_next(&o, c));
    }
    Ok(ExitCode::SUCCESS)
}

/// The layout of an answers file for `assess answers import`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswersFile {
    /// Default carer for entries that name none.
    #[serde(default)]
    carer: Option<String>,
    answers: Vec<AnswerEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerEntry {
    question: String,
    #[serde(default)]
    carer: Option<String>,
    #[serde(default)]
    value: Option<serde_json::Value>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    skip: Option<String>,
}

fn given(v: &serde_json::Value) -> Option<Given> {
    match v {
        serde_json::Value::String(s) => Some(Given::Text(s.clone())),
        serde_json::Value::Number(n) => n.as_f64().map(Given::Number),
        serde_json::Value::Bool(b) => Some(Given::Text(if *b { "yes".into() } else { "no".into() })),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map(str::to_string).or_else(|| Some(x.to_string())))
            .collect::<Option<Vec<_>>>()
            .map(Given::List),
        _ => None,
    }
}

/// Reads an answers file and turns it into events against `state`, all or none: the first
/// entry that is refused stops the import, and its `file:line:column` is in the message.
/// Returns the number of entries, the events, and the state after them.
pub fn import_events(
    t: &crate::template::Template,
    state: &CaseState,
    file_name: &str,
    bytes: &[u8],
) -> Result<(usize, Vec<EventBody>, CaseState), Failure> {
    let limits = crate::yaml::Limits::default();
    let text = crate::yaml::decode(bytes, &limits).map_err(|e| format!("{file_name}:{e}"))?;
    let root = crate::yaml::parse(text, &limits).map_err(|e| format!("{file_name}:{e}"))?;
    let file: AnswersFile = serde_json::from_value(root.to_json()).map_err(|e| {
        format!("{file_name} is not an answers file: {e}\nIt should look like:\n  carer: mother\n  answers:\n    - {{ question: scr_reading, value: with_help }}\n    - {{ question: feeding_bottle.knowledge, value: low, note: \"…\" }}\n    - {{ question: bath_time.skills, skip: \"not observed\" }}")
    })?;
    let where_ = |i: usize| {
        let p = root.at_pointer(&format!("/answers/{i}")).range.start;
        format!("{file_name}:{}:{}", p.line, p.column)
    };
    let mut preview = state.clone();
    let mut all = Vec::new();
    for (i, entry) in file.answers.iter().enumerate() {
        let carer = entry.carer.clone().or_else(|| file.carer.clone());
        let cmd = match (&entry.value, &entry.skip) {
            (Some(v), None) => EngineCommand::Answer {
                carer,
                question: entry.question.clone(),
                value: given(v)
                    .ok_or_else(|| format!("{}: the value of {} cannot be read", where_(i), entry.question))?,
                note: entry.note.clone(),
            },
            (None, Some(reason)) => {
                EngineCommand::Skip { carer, question: entry.question.clone(), reason: reason.clone() }
            }
            _ => {
                return Err(Failure(format!(
                    "{}: give either `value` or `skip` for {}; nothing was imported",
                    where_(i),
                    entry.question
                )));
            }
        };
        let events = engine::apply(t, &preview, &cmd).map_err(|e| {
            Failure(format!("{}: {e}\nNothing was imported: fix this entry and import the file again.", where_(i)))
        })?;
        for e in &events {
            let _ = preview.apply(e, preview.last_seq + 1);
        }
        all.extend(events);
    }
    Ok((file.answers.len(), all, preview))
}

/// `assess answers import FILE`: all answers or none.
pub fn run_import(ws: &Workspace, path: &Path) -> Outcome {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file_name = path.display().to_string();
    let dir = ws.case()?;
    let lock = dir.lock()?;
    let opened = open(dir)?;
    let (n, all, preview) = import_events(&opened.template.template, &opened.state, &file_name, &bytes)?;
    let stamp = Stamp { time: now(), author: author(ws, &opened.state) };
    opened.dir.append(&lock, &all, &stamp)?;
    println!("Imported {n} entries from {file_name} as one change.");
    print!("{}", saved(&all, &preview));
    Ok(ExitCode::SUCCESS)
}

/// `assess review`, `assess sign-off`, `assess reopen`.
pub fn run_phase(ws: &Workspace, cmd: EngineCommand) -> Outcome {
    let (o, events) = change(ws, &cmd)?;
    print!("{}", saved(&events, &o.state));
    match o.state.phase {
        Phase::Review => println!(
            "Everything required is done. Check the draft report, then sign off with `assess sign-off --name \"…\" --registration \"…\"`."
        ),
        Phase::SignedOff => println!(
            "Signed off by {}. The case is now frozen; the report is final.",
            o.state.sign_offs.last().map_or("", |s| s.name.as_str())
        ),
        Phase::Reopened => println!(
            "Reopened. Make the changes, then run `assess review` and sign off again; the report lists the amendment."
        ),
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// `assess verify`.
pub fn run_verify(ws: &Workspace, id: Option<String>) -> Outcome {
    let dir = ws.case_named(id.as_deref())?;
    let verified = dir.verify().map_err(|e| e.to_string()).and_then(|v| {
        let log = dir.load().map_err(|e| e.to_string())?;
        CaseState::replay(&log.records).map_err(|e| e.to_string())?;
        Ok(v)
    });
    match verified {
        Ok(v) => {
            println!(
                "Case {} is intact: {} events, every hash matches, none missing or out of order, and the template copy is the one it was opened with.",
                dir.id, v.events
            );
            if let Some(i) = v.interrupted {
                println!("Note: {i}; it was never reported as saved, and the next change clears it.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("Case {} FAILED verification: {e}", dir.id);
            Ok(ExitCode::from(1))
        }
    }
}
