//! `assess demo`: a fictional family taken through the whole workflow on the shipped
//! parenting-capacity template, ending in the court report and the easy-read summary.
//!
//! Everything is fictional. The run is deterministic: fixed dates and times, so the same
//! build writes the same PDFs byte for byte.

use super::case_cmd::open;
use super::{Failure, Outcome};
use crate::case::event::{Assessor, Carer, CaseInfo, Child, EventBody, Instructions, Source, TemplatePin};
use crate::case::store::{DataDir, Stamp};
use crate::engine::{self, Command, NewEvidence, Next, OfferKind, response::Given};
use crate::template::{self, model::EvidenceKind};
use std::path::Path;
use std::process::ExitCode;

const CASE: &str = "ZC26C00042";

/// Kelly's screening: reading and memory are hard; she has a learning disability.
const KELLY_SCREENING: &[(&str, &str)] = &[
    ("scr_reading", "hard"),
    ("scr_writing", "hard"),
    ("scr_spoken", "some"),
    ("scr_memory", "sometimes"),
    ("scr_time", "sometimes"),
    ("scr_numbers", "some_help"),
    ("scr_school", "special_school"),
    ("scr_diagnosis", "learning_disability"),
    ("scr_pictures", "yes"),
    ("scr_concentration", "short"),
    ("scr_senses", "no"),
    ("scr_supporter", "yes"),
];

/// Dean's screening: no learning needs.
const DEAN_SCREENING: &[(&str, &str)] = &[
    ("scr_reading", "easy"),
    ("scr_writing", "easy"),
    ("scr_spoken", "most"),
    ("scr_memory", "rarely"),
    ("scr_time", "no"),
    ("scr_numbers", "easy"),
    ("scr_school", "no"),
    ("scr_diagnosis", "no"),
    ("scr_pictures", "no"),
    ("scr_concentration", "long"),
    ("scr_senses", "no"),
    ("scr_supporter", "no"),
];

/// Ratings by area for each carer: knowledge, skills, practice.
fn profile(carer: &str, area: &str) -> [&'static str; 3] {
    match (carer, area) {
        ("kelly", "feeding") => ["low", "medium", "low"],
        ("kelly", "health") => ["medium", "low", "medium"],
        ("kelly", "home_safety") => ["medium", "medium", "low"],
        ("kelly", "outside_safety") => ["low", "low", "none"],
        ("kelly", "routines") => ["low", "medium", "medium"],
        ("kelly", "parent_needs") => ["medium", "medium", "high"],
        ("kelly", "stimulation") => ["low", "none", "none"],
        ("dean", "boundaries") => ["low", "none", "medium"],
        ("dean", "health") => ["none", "none", "low"],
        ("dean", "parent_needs") => ["none", "low", "low"],
        _ => ["none", "none", "none"],
    }
}

fn area_words(area: &str) -> &'static str {
    match area {
        "feeding" => "made up a bottle feed, checking the temperature on the inside of the wrist, and winded the baby",
        "health" => "talked through the baby's medicine and how they would know the baby was unwell",
        "home_safety" => "showed the stair gate, the smoke alarm and where medicines and cleaning products are kept",
        "outside_safety" => {
            "fitted the car seat and walked to the shop holding the pushchair on the inside of the pavement"
        }
        "hygiene" => "bathed the baby, testing the water first, and changed a nappy on the floor mat",
        "routines" => "described the day's routine with the picture planner and put the baby down for a nap",
        "emotional_warmth" => "held and soothed the baby, talking gently and making eye contact",
        "stimulation" => "played on the floor with a rattle and a picture book, following the baby's lead",
        "boundaries" => "talked about how they would keep the baby safe as the baby starts to move about",
        "relationships" => "named the people who help them and who they would call in an emergency",
        "parent_needs" => "talked about money, the rent and what helps them when they feel low",
        "development" => "talked about what the baby can do now and what comes next",
        _ => "took part in the session",
    }
}

/// Runs the demo and writes the reports under `out`.
pub fn run(out: &Path, dirs: &[std::path::PathBuf]) -> Outcome {
    let outcome = template::find("parenting-capacity", dirs)
        .ok_or_else(|| Failure("the shipped template `parenting-capacity` is missing from this build".into()))?;
    let Some(loaded) = outcome.template.clone() else {
        eprint!("{}", super::validation_text(&outcome));
        return Ok(ExitCode::from(1));
    };
    let data_dir = out.join("case-data");
    if data_dir.join(CASE).exists() {
        std::fs::remove_dir_all(data_dir.join(CASE)).map_err(|e| format!("cannot clear the old demo case: {e}"))?;
    }
    let data = DataDir::new(data_dir.clone());
    let info = CaseInfo {
        court: "Family Court at Exampleton".into(),
        case_number: CASE.into(),
        children: vec![Child {
            initials: "R.M.".into(),
            date_of_birth: "2025-11-20".into(),
            gender: Some("girl".into()),
        }],
        carers: vec![
            Carer { id: "kelly".into(), name: "Kelly Morgan".into(), relationship: "mother".into() },
            Carer { id: "dean".into(), name: "Dean Walsh".into(), relationship: "father".into() },
        ],
        assessor: Assessor {
            name: "Sam Patel".into(),
            role: Some("Senior Social Worker, Exampleton Council".into()),
            qualifications: Some(
                "BA (Hons) Social Work; trained in parenting assessment of parents with learning disabilities".into(),
            ),
            registration: Some("SW123456".into()),
        },
        instructions: Some(Instructions {
            instructed_by: "Exampleton Council, by order of the court".into(),
            date: Some("2026-02-16".into()),
            questions: vec![
                "What are the parents' strengths and needs in caring for R.M.?".into(),
                "Can the parents meet R.M.'s needs, with what support, and within her timescales?".into(),
                "What adjustments did the parents need to take part fairly in the assessment?".into(),
            ],
        }),
        template: TemplatePin {
            id: loaded.template.id.clone(),
            version: loaded.template.version.clone(),
            hash: loaded.hash.clone(),
        },
    };
    let stamp = Stamp { time: "2026-03-02T09:00:00Z".into(), author: "Sam Patel".into() };
    let files = loaded.base.files().map_err(|e| format!("cannot read the template's files: {e}"))?;
    let yaml = format!("# Fictional demo case.\n{}", serde_norway::to_string(&info).unwrap_or_default());
    let (dir, _) = data.create(CASE, &yaml, &files, &EventBody::CaseOpened(Box::new(info)), &stamp)?;
    let t = &loaded.template;
    let mut state = open(dir.clone())?.state;
    let lock = dir.lock()?;
    // The demo's events are applied at once and written a session at a time: the same events
    // the commands would write, with fewer waits for the disk.
    let pending = std::cell::RefCell::new(Vec::new());
    let mut apply = |state: &mut crate::case::CaseState, cmd: Command| -> Result<(), Failure> {
        let events = engine::apply(t, state, &cmd)?;
        let flush = events.iter().any(|e| matches!(e, EventBody::SessionEnded { .. } | EventBody::SignedOff(_)));
        for e in events {
            state.apply(&e, state.last_seq + 1)?;
            pending.borrow_mut().push(e);
        }
        if flush {
            dir.append(&lock, &pending.borrow_mut().split_off(0), &stamp)?;
        }
        Ok(())
    };

    let mut date = jiff::civil::date(2026, 3, 2);
    let mut session_count = 0;
    let start = |state: &mut crate::case::CaseState,
                 date: jiff::civil::Date,
                 apply: &mut dyn FnMut(&mut crate::case::CaseState, Command) -> Result<(), Failure>| {
        apply(
            state,
            Command::StartSession {
                date: date.to_string(),
                place: "the family home".into(),
                present:
                    "Kelly Morgan (mother), Dean Walsh (father), R.M., Jo Green (advocate for Ms Morgan), the assessor"
                        .into(),
                carers: vec![],
            },
        )
    };
    start(&mut state, date, &mut apply)?;
    session_count += 1;
    loop {
        let carers = state.open_session().map(|s| s.start.carers.clone()).unwrap_or_default();
        let offer = carers
            .iter()
            .filter_map(|c| match engine::next(t, &state, c) {
                Next::Ask(o) => Some((c.clone(), o)),
                _ => None,
            })
            .min_by_key(|(_, o)| o.progress.0);
        let Some((carer, offer)) = offer else { break };
        if offer.pacing.is_some() {
            apply(
                &mut state,
                Command::EndSession {
                    note: Some("Ended after six items, as agreed, to keep the session short.".into()),
                },
            )?;
            date = date.checked_add(jiff::Span::new().days(7)).map_err(|e| e.to_string())?;
            start(&mut state, date, &mut apply)?;
            session_count += 1;
            continue;
        }
        let area = t
            .areas
            .iter()
            .find(|a| a.items.iter().any(|i| offer.answer_as.starts_with(&format!("{}.", i.id))))
            .map(|a| a.id.as_str());
        let (value, note) = match offer.kind {
            OfferKind::Screening => {
                let table = if carer == "kelly" { KELLY_SCREENING } else { DEAN_SCREENING };
                let v = table.iter().find(|(q, _)| *q == offer.answer_as).map_or("no", |(_, v)| v);
                (v.to_string(), None)
            }
            OfferKind::CheckUnderstanding => {
                ("understood".to_string(), Some("Explained it back in her own words.".to_string()))
            }
            OfferKind::Reassessment => (
                "low".to_string(),
                Some("Practised with me in the last session; much more confident today.".to_string()),
            ),
            OfferKind::Question if offer.answer_as.starts_with("alcohol_drugs.") => ("none".to_string(), None),
            OfferKind::Question => {
                let p = profile(&carer, area.unwrap_or(""));
                let i = match offer.aspect {
                    Some(crate::template::model::Aspect::Knowledge) => 0,
                    Some(crate::template::model::Aspect::Skills) => 1,
                    _ => 2,
                };
                (p[i].to_string(), None)
            }
        };
        apply(
            &mut state,
            Command::Answer { carer: Some(carer), question: offer.answer_as.clone(), value: Given::Text(value), note },
        )?;
    }
    apply(&mut state, Command::EndSession { note: None })?;

    // Evidence: an observation per area, the parents' own words, other professionals, documents.
    let last = date.to_string();
    for area in &t.areas {
        apply(
            &mut state,
            Command::AddEvidence(NewEvidence {
                kind: EvidenceKind::Observation,
                date: last.clone(),
                place: Some("the family home".into()),
                text: format!("Over the sessions, Ms Morgan and Mr Walsh {}.", area_words(&area.id)),
                supports: area.items.iter().map(|i| i.id.clone()).collect(),
                carers: vec![],
                source: None,
                document: None,
                attachments: vec![],
                corrects: None,
            }),
        )?;
    }
    let evidence = [
        (
            EvidenceKind::ParentAccount,
            "kelly",
            "feed_bottle_prep",
            "I do the water first, then the powder. I count the scoops out loud so I don't lose count.",
            None,
            None,
        ),
        (
            EvidenceKind::ParentAccount,
            "kelly",
            "scr_school",
            "I went to Brookside special school until I was sixteen. Reading is hard for me.",
            None,
            None,
        ),
        (
            EvidenceKind::ParentAccount,
            "kelly",
            "scr_diagnosis",
            "The doctor at school said I have a learning disability.",
            None,
            None,
        ),
        (EvidenceKind::ParentAccount, "dean", "scr_school", "I went to the high school; no extra help.", None, None),
        (EvidenceKind::ParentAccount, "dean", "scr_diagnosis", "No, nothing like that.", None, None),
        (
            EvidenceKind::ThirdParty,
            "",
            "health_appointments",
            "R.M. has attended every health visitor appointment; her weight is on the 50th centile.",
            Some(("Amira Shah", "health visitor", "Exampleton NHS Trust")),
            None,
        ),
        (
            EvidenceKind::ThirdParty,
            "kelly",
            "bills_benefits",
            "Ms Morgan has rent arrears of about £400 and has agreed a repayment plan with our help.",
            Some(("Chris Evans", "family support worker", "Exampleton Family Hub")),
            None,
        ),
        (
            EvidenceKind::Document,
            "",
            "health_appointments",
            "R.M.'s immunisations are up to date (letter from the GP practice).",
            None,
            Some("Letter from Riverside GP Practice"),
        ),
    ];
    for (kind, carer, item, text, source, document) in evidence {
        if !t.areas.iter().chain(t.screening.iter()).any(|a| a.items.iter().any(|i| i.id == item)) {
            continue;
        }
        apply(
            &mut state,
            Command::AddEvidence(NewEvidence {
                kind,
                date: last.clone(),
                place: None,
                text: text.into(),
                supports: vec![item.into()],
                carers: if carer.is_empty() { vec![] } else { vec![carer.into()] },
                source: source.map(|(who, role, agency)| Source {
                    who: who.into(),
                    role: role.into(),
                    agency: Some(agency.into()),
                }),
                document: document.map(str::to_string),
                attachments: vec![],
                corrects: None,
            }),
        )?;
    }
    for area in &t.areas {
        let text = match area.id.as_str() {
            "feeding" => "Ms Morgan knows how to make up a feed safely and, with the picture card, followed each step. Her skills improved after one teaching session. Mr Walsh feeds R.M. confidently. Ms Morgan needs prompts to keep a feeding chart, which the family support worker has started with her.".to_string(),
            "parent_needs" => "Money and the tenancy are the family's greatest pressure. Ms Morgan finds letters about the rent hard to read and had fallen into arrears before the family hub helped. This is the area of highest need and the one most likely to affect R.M. if support stops.".to_string(),
            _ => format!("My findings in {} are set out above with the evidence behind them. The ratings were discussed with both parents at the end of each session.", area.title.to_lowercase()),
        };
        apply(&mut state, Command::WriteNarrative { section: area.id.clone(), text })?;
    }
    apply(&mut state, Command::WriteNarrative { section: "summary".into(), text: "Ms Morgan and Mr Walsh love R.M. and meet most of her day-to-day needs. Ms Morgan has a learning disability; with easy-read questions, picture cards, short sessions and teaching before re-assessing, she showed she can learn and keep new skills. The family's main needs are money and the tenancy, routines, and Ms Morgan's understanding of health care.".into() })?;
    apply(&mut state, Command::WriteNarrative { section: "conclusions".into(), text: "In my opinion the parents can meet R.M.'s needs with support that continues for at least twelve months. Ms Morgan's learning is steady when teaching is adapted to her. Without help with money and the home, the risk to R.M. would rise.".into() })?;
    apply(&mut state, Command::WriteNarrative { section: "recommendations".into(), text: "1. Family support worker visits weekly for six months, then fortnightly, using picture-based routines.\n\n2. Help with benefits, the rent repayment plan and letters, through the family hub.\n\n3. An advocate for Ms Morgan at meetings about R.M.\n\n4. Health visitor contact as usual, with easy-read information about illness and medicines.".into() })?;
    apply(&mut state, Command::Review)?;
    let sign_date = date.checked_add(jiff::Span::new().days(4)).map_err(|e| e.to_string())?;
    apply(
        &mut state,
        Command::SignOff { name: "Sam Patel".into(), registration: "SW123456".into(), date: sign_date.to_string() },
    )?;
    drop(lock);

    let opened = open(data.open(CASE)?)?;
    let court = crate::report::report_markdown(&opened.template, &opened.state, crate::report::Kind::Court)?;
    let easy = crate::report::report_markdown(&opened.template, &opened.state, crate::report::Kind::EasyRead)?;
    super::report_cmd::write_reports(&opened, out, "demo", &court, &easy)?;
    println!(
        "Demo case {CASE}: {} sessions, {} events, {} evidence entries; signed off {}.",
        session_count,
        opened.records.len(),
        opened.state.evidence.len(),
        sign_date
    );
    Ok(ExitCode::SUCCESS)
}
