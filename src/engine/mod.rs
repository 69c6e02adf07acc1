//! The questionnaire state machine.
//!
//! Pure functions over a template and a replayed [`CaseState`]: [`apply`] turns a [`Command`]
//! into the events to append (or a [`Refusal`] saying why not, with nothing written), and
//! [`next`] says what to ask next. The engine never touches files.
//!
//! Phases: `Opened → Screening → Assessing → Review → SignedOff`, and `SignedOff → Reopened →
//! Review`. A new answer or session during review moves the case back to `Assessing`.

pub mod response;

use crate::case::event::{
    AdaptationActivation, Answer, Attachment, EventBody, Evidence, Phase, QuestionRef, SessionStart, SignOff, Skip,
    Source, Understanding, UnderstandingCheck, Wording,
};
use crate::case::state::{CarerProgress, CaseState};
use crate::template::Template;
use crate::template::model::{
    Adaptation, AskedOf, Aspect, EvidenceKind, EvidenceRequirement, Item, ResponseSpec, Section,
};
use response::Given;
use serde::Serialize;
use std::collections::BTreeMap;

/// Why a command was not carried out. Nothing is written when a command is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The command does not fit the case's phase or session.
    #[error("{0}")]
    NotNow(String),
    /// The question named does not exist or is not being asked.
    #[error("{0}")]
    UnknownQuestion(String),
    /// The answer does not fit the question's response type.
    #[error("the answer to {question} was not saved: {reason}")]
    InvalidAnswer {
        /// The question, as written on the command line.
        question: String,
        /// Why.
        reason: String,
    },
    /// A guard of the state machine is not met (e.g. unanswered items before review).
    #[error("{0}")]
    Guard(String),
    /// A detail of the command is missing or wrong (a date, a carer, a reason).
    #[error("{0}")]
    BadInput(String),
}

/// What the assessor asks the engine to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Start a session.
    StartSession {
        /// YYYY-MM-DD.
        date: String,
        /// Where.
        place: String,
        /// Who was present.
        present: String,
        /// Carer ids taking part (empty: all).
        carers: Vec<String>,
    },
    /// End the open session.
    EndSession {
        /// A note on the session.
        note: Option<String>,
    },
    /// Answer a question, or a check-understanding follow-up (`item.knowledge.check`).
    Answer {
        /// Whose answer, when more than one carer is in the session.
        carer: Option<String>,
        /// `item`, `item.aspect` or `item.aspect.check`.
        question: String,
        /// The answer.
        value: Given,
        /// A note (the parent's words, what was seen).
        note: Option<String>,
    },
    /// Leave a question out, with the reason.
    Skip {
        /// Whose question.
        carer: Option<String>,
        /// `item` or `item.aspect`.
        question: String,
        /// Why.
        reason: String,
    },
    /// Move to review (every required item done).
    Review,
    /// Sign the report off.
    SignOff {
        /// Name.
        name: String,
        /// Registration.
        registration: String,
        /// YYYY-MM-DD.
        date: String,
    },
    /// Record an evidence entry, or a correction of one (`corrects`).
    AddEvidence(NewEvidence),
    /// Link an evidence entry to more questions.
    LinkEvidence {
        /// The entry, e.g. `E3`.
        id: String,
        /// `item` or `item.aspect`, one or more.
        supports: Vec<String>,
    },
    /// Write a section of the assessor's analysis.
    WriteNarrative {
        /// An area id (or `area:<id>`), `summary`, `conclusions` or `recommendations`.
        section: String,
        /// The text.
        text: String,
    },
    /// Reopen a signed-off case.
    Reopen {
        /// Why.
        reason: String,
        /// YYYY-MM-DD.
        date: String,
    },
}

/// The details of a new evidence entry.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvidence {
    /// What kind.
    pub kind: EvidenceKind,
    /// YYYY-MM-DD.
    pub date: String,
    /// Where.
    pub place: Option<String>,
    /// The text (the parent's own words for a parent's account).
    pub text: String,
    /// Questions supported: `item` or `item.aspect`.
    pub supports: Vec<String>,
    /// Carers concerned (empty: all).
    pub carers: Vec<String>,
    /// Who made a third-party report.
    pub source: Option<Source>,
    /// A document's title.
    pub document: Option<String>,
    /// Files already copied into the case.
    pub attachments: Vec<Attachment>,
    /// The entry this corrects.
    pub corrects: Option<String>,
}

/// The narrative sections besides the areas.
pub const NARRATIVE_SECTIONS: &[&str] = &["summary", "conclusions", "recommendations"];

/// A question of the template, in template order.
#[derive(Debug, Clone, Copy)]
pub struct QuestionInfo<'t> {
    /// The section (screening or an area).
    pub section: &'t Section,
    /// The item.
    pub item: &'t Item,
    /// The aspect, for skill items.
    pub aspect: Option<Aspect>,
    /// Whether it belongs to the screening.
    pub screening: bool,
}

impl<'t> QuestionInfo<'t> {
    /// The reference `item` or `item.aspect`.
    pub fn qref(&self) -> QuestionRef {
        QuestionRef { item: self.item.id.clone(), aspect: self.aspect }
    }

    fn question(&self) -> Option<&'t crate::template::model::Question> {
        self.aspect.and_then(|a| self.item.aspects.as_ref().and_then(|m| m.get(&a)))
    }

    /// The standard wording.
    pub fn text(&self) -> &'t str {
        match self.question() {
            Some(q) => &q.text,
            None => self.item.text.as_deref().unwrap_or(&self.item.title),
        }
    }

    /// The easy-read wording, if the template has one.
    pub fn easy_read(&self) -> Option<&'t str> {
        match self.question() {
            Some(q) => q.easy_read.as_deref().or(self.item.easy_read.as_deref()),
            None => self.item.easy_read.as_deref(),
        }
    }

    /// The cue card, if the template has one.
    pub fn cue_card(&self) -> Option<&'t str> {
        self.question().and_then(|q| q.cue_card.as_deref()).or(self.item.cue_card.as_deref())
    }

    /// Help for the assessor.
    pub fn help(&self) -> Option<&'t str> {
        self.question().and_then(|q| q.help.as_deref()).or(self.item.help.as_deref())
    }

    /// The response spec.
    pub fn response(&self, t: &'t Template) -> Option<&'t ResponseSpec> {
        let r = match self.question() {
            Some(q) => Some(&q.response),
            None => self.item.response.as_ref(),
        }?;
        response::spec(t, r)
    }
}

/// Every question of the template in the order they are asked: screening, then each area's
/// items, each item's aspects in the order knowledge, skills, practice.
pub fn questions(t: &Template) -> Vec<QuestionInfo<'_>> {
    let mut out = Vec::new();
    let sections = t.screening.iter().map(|s| (s, true)).chain(t.areas.iter().map(|s| (s, false)));
    for (section, screening) in sections {
        for item in &section.items {
            match &item.aspects {
                Some(aspects) => {
                    for a in Aspect::ALL {
                        if aspects.contains_key(&a) {
                            out.push(QuestionInfo { section, item, aspect: Some(a), screening });
                        }
                    }
                }
                None => out.push(QuestionInfo { section, item, aspect: None, screening }),
            }
        }
    }
    out
}

/// Finds a question by its written reference.
pub fn find_question<'t>(t: &'t Template, written: &str) -> Result<QuestionInfo<'t>, Refusal> {
    let (item_id, aspect) = match written.split_once('.') {
        Some((i, a)) => (i, Some(a)),
        None => (written, None),
    };
    let all = questions(t);
    let of_item: Vec<&QuestionInfo> = all.iter().filter(|q| q.item.id == item_id).collect();
    if of_item.is_empty() {
        let ids: Vec<&str> = all.iter().map(|q| q.item.id.as_str()).collect();
        let hint = crate::template::check::suggestion(item_id, &ids);
        return Err(Refusal::UnknownQuestion(format!(
            "there is no item `{item_id}` in this template{hint} (see `assess template show {}`)",
            t.id
        )));
    }
    match aspect {
        None if of_item[0].aspect.is_some() => Err(Refusal::UnknownQuestion(format!(
            "`{item_id}` has {} parts: say which one, e.g. `{item_id}.{}`",
            of_item.len(),
            of_item.iter().filter_map(|q| q.aspect).map(|a| a.as_str()).collect::<Vec<_>>().join("`, `{item_id}.")
        ))),
        None => Ok(*of_item[0]),
        Some(a) => of_item.iter().find(|q| q.aspect.is_some_and(|x| x.as_str() == a)).map(|q| **q).ok_or_else(|| {
            Refusal::UnknownQuestion(if of_item[0].aspect.is_none() {
                format!("`{item_id}` has no parts: write just `{item_id}`")
            } else {
                format!(
                    "`{item_id}` has no part `{a}`: it has {}",
                    of_item.iter().filter_map(|q| q.aspect).map(|a| a.as_str()).collect::<Vec<_>>().join(", ")
                )
            })
        }),
    }
}

/// The adaptations that apply to a carer, with the template's definitions.
fn active<'t>(t: &'t Template, p: &CarerProgress) -> Vec<&'t Adaptation> {
    t.adaptations.iter().filter(|a| p.has_adaptation(&a.id)).collect()
}

/// The facts conditions may use, for one carer at one date.
pub fn condition_context(t: &Template, state: &CaseState, carer: &str, date: Option<&str>) -> minijinja::Value {
    let mut answers: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    if let Some(p) = state.carers.get(carer) {
        for q in questions(t) {
            let Some(a) = p.latest(&q.qref()) else { continue };
            match q.aspect {
                None => {
                    answers.insert(q.item.id.clone(), a.value.clone());
                }
                Some(aspect) => {
                    let entry = answers.entry(q.item.id.clone()).or_insert_with(|| serde_json::json!({}));
                    if let Some(m) = entry.as_object_mut() {
                        m.insert(aspect.as_str().to_string(), a.value.clone());
                    }
                }
            }
        }
    }
    let ages: Vec<i64> = date
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .map(|d| {
            state
                .info
                .children
                .iter()
                .filter_map(|c| c.date_of_birth.parse::<jiff::civil::Date>().ok())
                .filter_map(|dob| dob.until((jiff::Unit::Month, d)).ok().map(|s| i64::from(s.get_months())))
                .collect()
        })
        .unwrap_or_default();
    let mut case = serde_json::Map::new();
    case.insert("number_of_children".into(), state.info.children.len().into());
    case.insert("number_of_carers".into(), state.info.carers.len().into());
    if let Some(y) = ages.iter().min() {
        case.insert("youngest_child_age_months".into(), (*y).into());
    }
    if let Some(o) = ages.iter().max() {
        case.insert("oldest_child_age_months".into(), (*o).into());
    }
    let relationship = state.info.carers.iter().find(|c| c.id == carer).map(|c| c.relationship.clone());
    minijinja::Value::from(minijinja::value::Serde(serde_json::json!({
        "answers": answers,
        "case": case,
        "carer": { "relationship": relationship },
    })))
}

/// The date conditions are judged at: the open session's, else the last session's.
fn current_date(state: &CaseState) -> Option<&str> {
    state.sessions.last().map(|s| s.start.date.as_str())
}

/// Whether a question applies to a carer (its item's condition holds). A condition that
/// cannot be evaluated counts as applying: better to ask than to leave out silently.
pub fn applies(t: &Template, state: &CaseState, carer: &str, q: &QuestionInfo) -> bool {
    Applicability::new(t, state, carer).applies(q)
}

/// Decides which questions apply to a carer, building the conditions' facts once.
pub struct Applicability {
    ctx: minijinja::Value,
}

impl Applicability {
    /// The facts for one carer now.
    pub fn new(t: &Template, state: &CaseState, carer: &str) -> Applicability {
        Applicability { ctx: condition_context(t, state, carer, current_date(state)) }
    }

    /// Whether the question's item condition holds (or cannot be evaluated).
    pub fn applies(&self, q: &QuestionInfo) -> bool {
        match &q.item.show_if {
            None => true,
            Some(cond) => crate::expr::eval_condition(cond, &self.ctx).unwrap_or(true),
        }
    }
}

/// Whether a question is done for a carer: answered, or skipped with a reason.
fn done(p: &CarerProgress, q: &QuestionRef) -> bool {
    p.attempts.contains_key(q) || p.skips.contains_key(q)
}

/// The required applicable questions a carer has not done, grouped by section title.
pub fn outstanding(t: &Template, state: &CaseState, carer: &str, screening: bool) -> Vec<(String, Vec<QuestionRef>)> {
    let Some(p) = state.carers.get(carer) else { return Vec::new() };
    let mut groups: Vec<(String, Vec<QuestionRef>)> = Vec::new();
    let applicability = Applicability::new(t, state, carer);
    for q in questions(t).iter().filter(|q| q.screening == screening && q.item.required) {
        let r = q.qref();
        if done(p, &r) || !applicability.applies(q) {
            continue;
        }
        match groups.last_mut() {
            Some((title, list)) if *title == q.section.title => list.push(r),
            _ => groups.push((q.section.title.clone(), vec![r])),
        }
    }
    groups
}

/// What to do next for one carer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "next", rename_all = "snake_case")]
pub enum Next {
    /// No session is open.
    StartSession {
        /// What to tell the assessor.
        message: String,
    },
    /// Ask this.
    Ask(Box<Offer>),
    /// Everything is done for this carer.
    Finished {
        /// What to tell the assessor.
        message: String,
    },
    /// The case is signed off.
    Frozen {
        /// What to tell the assessor.
        message: String,
    },
}

/// Why a question is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// A screening question.
    Screening,
    /// A question not yet asked.
    Question,
    /// A question asked in an earlier session, to be assessed again after teaching.
    Reassessment,
    /// Check the parent understood the knowledge question just answered.
    CheckUnderstanding,
}

/// A question offered to the assessor, in the wording to use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    /// Why it is offered.
    pub kind: OfferKind,
    /// Who it is put to (more than one for a joint item).
    pub carers: Vec<String>,
    /// What to type to answer it (`item.aspect`, or `item.aspect.check` for a follow-up).
    pub answer_as: String,
    /// The area (or screening) title.
    pub section: String,
    /// The item's title.
    pub item_title: String,
    /// The aspect, for skill items.
    pub aspect: Option<Aspect>,
    /// The words to say.
    pub text: String,
    /// Which wording `text` is.
    pub wording: Wording,
    /// The cue card to show (path inside the template), when cue cards are in use.
    pub cue_card: Option<String>,
    /// Help for the assessor.
    pub help: Option<String>,
    /// How to answer.
    pub how_to_answer: String,
    /// Which attempt this will be.
    pub attempt: u32,
    /// A suggestion to end the session (pacing), when due.
    pub pacing: Option<String>,
    /// Questions done / applicable questions, for this carer.
    pub progress: (usize, usize),
}

fn carer_name(state: &CaseState, id: &str) -> String {
    state
        .info
        .carers
        .iter()
        .find(|c| c.id == id)
        .map(|c| format!("{} ({})", c.name, c.relationship))
        .unwrap_or_else(|| id.to_string())
}

/// The wording and cue card a question is put in for these carers.
fn presentation(t: &Template, state: &CaseState, carers: &[String], q: &QuestionInfo) -> (Wording, Option<String>) {
    let adaptations: Vec<&Adaptation> =
        carers.iter().filter_map(|c| state.carers.get(c)).flat_map(|p| active(t, p)).collect();
    let easy = adaptations.iter().any(|a| a.effects.easy_read) && q.easy_read().is_some();
    let cards = adaptations.iter().any(|a| a.effects.cue_cards);
    let wording = if easy { Wording::EasyRead } else { Wording::Standard };
    (wording, if cards { q.cue_card().map(str::to_string) } else { None })
}

/// The pending check-understanding follow-up for a carer in the open session, if any.
fn pending_check<'t>(t: &'t Template, state: &CaseState, carer: &str) -> Option<(QuestionInfo<'t>, String)> {
    let session = state.open_session()?.start.session;
    let p = state.carers.get(carer)?;
    let prompt = active(t, p).into_iter().find_map(|a| a.effects.check_understanding.clone())?;
    let mut latest: Option<(u64, QuestionInfo)> = None;
    for q in questions(t).into_iter().filter(|q| q.aspect == Some(Aspect::Knowledge)) {
        let Some(a) = p.latest(&q.qref()) else { continue };
        if a.session != session {
            continue;
        }
        let checked = p.checks.get(&q.qref()).is_some_and(|cs| cs.iter().any(|c| c.seq > a.seq));
        if !checked && latest.as_ref().is_none_or(|(s, _)| a.seq > *s) {
            latest = Some((a.seq, q));
        }
    }
    latest.map(|(_, q)| (q, prompt))
}

/// The items a carer has worked on in a session: answered or skipped any part of (the three
/// aspects of a skill item count once; follow-ups not at all).
fn done_in_session(p: &CarerProgress, session: u32) -> usize {
    let answered = p.attempts.iter().filter(|(_, a)| a.iter().any(|x| x.session == session)).map(|(q, _)| &q.item);
    let skipped = p.skips.iter().filter(|(_, s)| s.session == session).map(|(q, _)| &q.item);
    answered.chain(skipped).collect::<std::collections::BTreeSet<_>>().len()
}

/// Questions a carer answered in an earlier session that are due to be assessed again
/// (teach, then re-assess): the adaptation's `reassess` aspects, first attempt only, and only
/// when the first rating showed some need.
fn reassessment_due<'t>(t: &'t Template, state: &CaseState, carer: &str) -> Option<QuestionInfo<'t>> {
    let session = state.open_session()?.start.session;
    let p = state.carers.get(carer)?;
    let aspects: Vec<Aspect> = active(t, p).iter().flat_map(|a| a.effects.reassess.iter().copied()).collect();
    if aspects.is_empty() {
        return None;
    }
    questions(t).into_iter().find(|q| {
        let Some(aspect) = q.aspect else { return false };
        if !aspects.contains(&aspect) {
            return false;
        }
        let Some(attempts) = p.attempts.get(&q.qref()) else { return false };
        attempts.len() == 1 && attempts[0].session < session && !best_level(t, q, &attempts[0].value)
    })
}

/// Whether a rating is the level of least need on its scale (nothing to teach).
fn best_level(t: &Template, q: &QuestionInfo, value: &serde_json::Value) -> bool {
    let Some(spec) = q.response(t) else { return false };
    let Some(scale) = spec.scale.as_ref().and_then(|s| t.scales.iter().find(|x| &x.id == s)) else { return false };
    scale.levels.first().is_some_and(|l| value.as_str() == Some(l.id.as_str()))
}

/// What to ask a carer next.
pub fn next(t: &Template, state: &CaseState, carer: &str) -> Next {
    if state.phase == Phase::SignedOff {
        return Next::Frozen {
            message: "The case is signed off. To change anything, reopen it with `assess reopen --reason \"…\"`."
                .into(),
        };
    }
    let Some(session) = state.open_session() else {
        return Next::StartSession {
            message: "No session is open. Start one with `assess session start --date YYYY-MM-DD --place \"…\" --present \"…\"`.".into(),
        };
    };
    let Some(p) = state.carers.get(carer) else {
        return Next::Finished { message: format!("`{carer}` is not a carer in this case.") };
    };
    if !session.start.carers.iter().any(|c| c == carer) {
        return Next::Finished { message: format!("{} is not taking part in this session.", carer_name(state, carer)) };
    }
    let all = questions(t);
    let applicability = Applicability::new(t, state, carer);
    let applicable: Vec<&QuestionInfo> = all.iter().filter(|q| applicability.applies(q)).collect();
    let progress = (applicable.iter().filter(|q| done(p, &q.qref())).count(), applicable.len());
    let pacing = active(t, p).iter().filter_map(|a| a.effects.max_items_per_session.map(|n| (n, a))).min_by_key(|(n, _)| *n).and_then(
        |(n, a)| {
            let count = done_in_session(p, session.start.session);
            (count >= n as usize).then(|| {
                format!(
                    "{count} items done this session: suggest ending the session now and carrying on next time ({}: at most {n} items per session).",
                    a.title
                )
            })
        },
    );
    let offer = |kind: OfferKind, q: &QuestionInfo, answer_as: String, text: Option<String>, how: Option<String>| {
        let carers =
            if q.item.asked_of == AskedOf::Joint { session.start.carers.clone() } else { vec![carer.to_string()] };
        let (wording, cue_card) = presentation(t, state, &carers, q);
        let attempt = p.attempts.get(&q.qref()).map_or(0, Vec::len) as u32 + 1;
        let words = match wording {
            Wording::EasyRead => q.easy_read().unwrap_or(q.text()),
            Wording::Standard => q.text(),
        };
        Next::Ask(Box::new(Offer {
            kind,
            carers,
            answer_as,
            section: q.section.title.clone(),
            item_title: q.item.title.clone(),
            aspect: q.aspect,
            text: text.unwrap_or_else(|| words.to_string()),
            wording,
            cue_card,
            help: q.help().map(str::to_string),
            how_to_answer: how.unwrap_or_else(|| q.response(t).map(|s| response::describe(t, s)).unwrap_or_default()),
            attempt: if kind == OfferKind::CheckUnderstanding { attempt.saturating_sub(1).max(1) } else { attempt },
            pacing: pacing.clone(),
            progress,
        }))
    };
    if let Some((q, prompt)) = pending_check(t, state, carer) {
        let how = format!(
            "how well they explained it back: {}",
            Understanding::ALL.iter().map(|u| u.as_str()).collect::<Vec<_>>().join(", ")
        );
        return offer(OfferKind::CheckUnderstanding, &q, format!("{}.check", q.qref()), Some(prompt), Some(how));
    }
    if !p.screening_complete
        && let Some(q) = applicable.iter().find(|q| q.screening && !done(p, &q.qref()))
    {
        return offer(OfferKind::Screening, q, q.qref().to_string(), None, None);
    }
    if let Some(q) = reassessment_due(t, state, carer) {
        return offer(OfferKind::Reassessment, &q, q.qref().to_string(), None, None);
    }
    if let Some(q) = applicable.iter().find(|q| !q.screening && !done(p, &q.qref())) {
        return offer(OfferKind::Question, q, q.qref().to_string(), None, None);
    }
    Next::Finished {
        message: format!(
            "Every question for {} is answered or skipped. When the evidence is in, run `assess review`.",
            carer_name(state, carer)
        ),
    }
}

/// Turns a command into events, or refuses it. Nothing is written by the engine.
pub fn apply(t: &Template, state: &CaseState, cmd: &Command) -> Result<Vec<EventBody>, Refusal> {
    match cmd {
        Command::StartSession { date, place, present, carers } => start_session(t, state, date, place, present, carers),
        Command::EndSession { note } => {
            let s = state.open_session().ok_or_else(|| Refusal::NotNow("no session is open".into()))?;
            Ok(vec![EventBody::SessionEnded { session: s.start.session, note: clean(note) }])
        }
        Command::Answer { carer, question, value, note } => answer(t, state, carer.as_deref(), question, value, note),
        Command::Skip { carer, question, reason } => skip(t, state, carer.as_deref(), question, reason),
        Command::Review => review(t, state),
        Command::SignOff { name, registration, date } => {
            if state.phase != Phase::Review {
                return Err(Refusal::NotNow(format!(
                    "the case is {}: run `assess review` first, which checks that everything required is done",
                    state.phase.describe()
                )));
            }
            let name = required_text(name, "your name (--name)")?;
            let registration = required_text(registration, "your professional registration number (--registration)")?;
            let date = response::check_date(date).map_err(Refusal::BadInput)?;
            if let Some(last) = state.sessions.last().filter(|s| s.start.date > date) {
                return Err(Refusal::BadInput(format!(
                    "the sign-off date {date} is before the last session ({}); sign off on or after it",
                    last.start.date
                )));
            }
            Ok(vec![
                EventBody::SignedOff(SignOff { name, registration, date }),
                EventBody::PhaseChanged { from: Phase::Review, to: Phase::SignedOff, reason: None },
            ])
        }
        Command::AddEvidence(e) => add_evidence(t, state, e),
        Command::LinkEvidence { id, supports } => {
            refuse_if_frozen(state)?;
            let record = state.evidence.iter().find(|r| r.entry.id == *id).ok_or_else(|| {
                Refusal::BadInput(format!("there is no evidence entry `{id}` (see `assess evidence list`)"))
            })?;
            if let Some(by) = &record.superseded_by {
                return Err(Refusal::NotNow(format!("{id} was corrected by {by}: link {by} instead")));
            }
            let mut new = Vec::new();
            for s in supports {
                let q = resolve_support(t, s)?;
                if !record.entry.supports.contains(&q) && !new.contains(&q) {
                    new.push(q);
                }
            }
            if new.is_empty() {
                return Err(Refusal::BadInput(format!("{id} already supports every question named")));
            }
            Ok(vec![EventBody::EvidenceLinked { evidence: id.clone(), supports: new }])
        }
        Command::WriteNarrative { section, text } => {
            refuse_if_frozen(state)?;
            let section = narrative_section(t, section)?;
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(Refusal::BadInput("the text is empty: nothing was saved".into()));
            }
            if state.narrative.get(&section).is_some_and(|n| n.text == text) {
                return Err(Refusal::BadInput(format!("the text of `{section}` is unchanged: nothing was saved")));
            }
            Ok(vec![EventBody::NarrativeWritten { section, text }])
        }
        Command::Reopen { reason, date } => {
            if state.phase != Phase::SignedOff {
                return Err(Refusal::NotNow(format!(
                    "only a signed-off case can be reopened; this one is {}",
                    state.phase.describe()
                )));
            }
            let reason = required_text(reason, "the reason for reopening (--reason); the report shows it")?;
            let date = response::check_date(date).map_err(Refusal::BadInput)?;
            Ok(vec![
                EventBody::Reopened { reason: reason.clone(), date },
                EventBody::PhaseChanged { from: Phase::SignedOff, to: Phase::Reopened, reason: Some(reason) },
            ])
        }
    }
}

/// Normalises a narrative section name: `area:<id>` for areas.
pub fn narrative_section(t: &Template, section: &str) -> Result<String, Refusal> {
    let s = section.trim();
    let id = s.strip_prefix("area:").unwrap_or(s);
    if t.areas.iter().any(|a| a.id == id) {
        return Ok(format!("area:{id}"));
    }
    if NARRATIVE_SECTIONS.contains(&s) {
        return Ok(s.to_string());
    }
    let mut known: Vec<String> = NARRATIVE_SECTIONS.iter().map(|s| s.to_string()).collect();
    known.extend(t.areas.iter().map(|a| a.id.clone()));
    Err(Refusal::BadInput(format!("`{s}` is not a section of the analysis; the sections are: {}", known.join(", "))))
}

/// Resolves what an evidence entry supports: `item` (the whole item) or `item.aspect`.
pub fn resolve_support(t: &Template, written: &str) -> Result<QuestionRef, Refusal> {
    let written = written.trim();
    if !written.contains('.') && questions(t).iter().any(|q| q.item.id == written) {
        return Ok(QuestionRef { item: written.to_string(), aspect: None });
    }
    find_question(t, written).map(|q| q.qref())
}

/// The evidence a question needs: the item's own requirement, else the template's default for
/// the aspect, else the default for every item.
pub fn requirement<'t>(t: &'t Template, q: &QuestionInfo<'t>) -> Option<&'t EvidenceRequirement> {
    if let Some(r) = &q.item.evidence {
        return Some(r);
    }
    let d = t.evidence_defaults.as_ref()?;
    let by_aspect = match q.aspect {
        Some(Aspect::Knowledge) => d.knowledge.as_ref(),
        Some(Aspect::Skills) => d.skills.as_ref(),
        Some(Aspect::Practice) => d.practice.as_ref(),
        None => None,
    };
    by_aspect.or(d.all.as_ref()).filter(|r| r.min > 0)
}

/// The evidence entries in force that count for a question and carer.
pub fn evidence_for<'s>(
    state: &'s CaseState,
    q: &QuestionRef,
    carer: &str,
) -> impl Iterator<Item = &'s crate::case::state::EvidenceRecord> {
    let whole = QuestionRef { item: q.item.clone(), aspect: None };
    let q = q.clone();
    let carer = carer.to_string();
    state.current_evidence().filter(move |r| {
        (r.entry.carers.is_empty() || r.entry.carers.contains(&carer))
            && r.entry.supports.iter().any(|s| *s == q || *s == whole)
    })
}

/// A rated question short of evidence.
#[derive(Debug, Clone)]
pub struct Shortfall<'t> {
    /// Whose.
    pub carer: String,
    /// Which question.
    pub question: QuestionRef,
    /// What it needs.
    pub requirement: &'t EvidenceRequirement,
    /// How many entries count now.
    pub have: usize,
}

/// Answered questions short of the evidence their requirement asks for, per carer.
pub fn evidence_shortfalls<'t>(t: &'t Template, state: &CaseState) -> Vec<Shortfall<'t>> {
    let mut out = Vec::new();
    for carer in &state.info.carers {
        let p = &state.carers[&carer.id];
        for q in questions(t) {
            let r = q.qref();
            if !p.attempts.contains_key(&r) {
                continue;
            }
            let Some(req) = requirement(t, &q) else { continue };
            let have = evidence_for(state, &r, &carer.id)
                .filter(|e| req.kinds.is_empty() || req.kinds.contains(&e.entry.kind))
                .count();
            if have < req.min as usize {
                out.push(Shortfall { carer: carer.id.clone(), question: r, requirement: req, have });
            }
        }
    }
    out
}

/// "an observation or a third-party report", for messages.
pub fn kinds_phrase(kinds: &[EvidenceKind]) -> String {
    if kinds.is_empty() {
        return "any kind".into();
    }
    let words: Vec<&str> = kinds
        .iter()
        .map(|k| match k {
            EvidenceKind::Observation => "an observation",
            EvidenceKind::ParentAccount => "the parent's own account",
            EvidenceKind::ThirdParty => "a third-party report",
            EvidenceKind::Document => "a document",
        })
        .collect();
    match words.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn add_evidence(t: &Template, state: &CaseState, e: &NewEvidence) -> Result<Vec<EventBody>, Refusal> {
    refuse_if_frozen(state)?;
    let date = response::check_date(&e.date).map_err(Refusal::BadInput)?;
    let text = required_text(&e.text, "the evidence itself (--text or --text-file)")?;
    if e.supports.is_empty() {
        return Err(Refusal::BadInput(
            "say which questions the evidence supports with --supports ITEM or ITEM.ASPECT (repeat for each)".into(),
        ));
    }
    let mut supports = Vec::new();
    for s in &e.supports {
        let q = resolve_support(t, s)?;
        if !supports.contains(&q) {
            supports.push(q);
        }
    }
    for c in &e.carers {
        if !state.carers.contains_key(c) {
            return Err(Refusal::BadInput(format!(
                "`{c}` is not a carer in this case; the carers are: {}",
                state.info.carers.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let source = match (e.kind, &e.source) {
        (EvidenceKind::ThirdParty, Some(s)) if !s.who.trim().is_empty() && !s.role.trim().is_empty() => Some(s.clone()),
        (EvidenceKind::ThirdParty, _) => {
            return Err(Refusal::BadInput(
                "a third-party report needs who made it and their role (--who \"…\" --role \"…\", and --agency if there is one)".into(),
            ));
        }
        (_, s) => s.clone(),
    };
    let document = match (e.kind, &e.document) {
        (EvidenceKind::Document, Some(d)) if !d.trim().is_empty() => Some(d.trim().to_string()),
        (EvidenceKind::Document, _) => {
            return Err(Refusal::BadInput("a document needs its title (--title \"…\")".into()));
        }
        (_, d) => d.clone(),
    };
    if let Some(old) = &e.corrects {
        let r = state.evidence.iter().find(|r| r.entry.id == *old).ok_or_else(|| {
            Refusal::BadInput(format!("there is no evidence entry `{old}` to correct (see `assess evidence list`)"))
        })?;
        if let Some(by) = &r.superseded_by {
            return Err(Refusal::NotNow(format!("{old} was already corrected by {by}: correct {by} instead")));
        }
    }
    let mut events = back_from_review(state, "evidence was added after review");
    events.push(EventBody::EvidenceAdded(Box::new(Evidence {
        id: format!("E{}", state.evidence.len() + 1),
        kind: e.kind,
        date,
        place: clean(&e.place),
        text,
        supports,
        carers: e.carers.clone(),
        source,
        document,
        attachments: e.attachments.clone(),
        supersedes: e.corrects.clone(),
    })));
    Ok(events)
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn required_text(s: &str, what: &str) -> Result<String, Refusal> {
    let s = s.trim();
    if s.is_empty() { Err(Refusal::BadInput(format!("give {what}"))) } else { Ok(s.to_string()) }
}

fn refuse_if_frozen(state: &CaseState) -> Result<(), Refusal> {
    if state.phase == Phase::SignedOff {
        return Err(Refusal::NotNow(
            "the case is signed off: reopen it with `assess reopen --reason \"…\"` to make changes (the report will show the amendment)".into(),
        ));
    }
    Ok(())
}

/// Events that move the case back to assessing when it changes during review.
fn back_from_review(state: &CaseState, why: &str) -> Vec<EventBody> {
    if state.phase == Phase::Review {
        vec![EventBody::PhaseChanged { from: Phase::Review, to: Phase::Assessing, reason: Some(why.into()) }]
    } else {
        Vec::new()
    }
}

fn start_session(
    t: &Template,
    state: &CaseState,
    date: &str,
    place: &str,
    present: &str,
    carers: &[String],
) -> Result<Vec<EventBody>, Refusal> {
    refuse_if_frozen(state)?;
    if let Some(s) = state.open_session() {
        return Err(Refusal::NotNow(format!(
            "session {} (started {}) is still open: end it with `assess session end` first",
            s.start.session, s.start.date
        )));
    }
    let date = response::check_date(date).map_err(Refusal::BadInput)?;
    if let Some(last) = state.sessions.last().filter(|s| s.start.date.as_str() > date.as_str()) {
        return Err(Refusal::BadInput(format!(
            "the date {date} is before session {} ({}): sessions are recorded in the order they were held",
            last.start.session, last.start.date
        )));
    }
    let place = required_text(place, "where the session is held (--place), e.g. \"family home\"")?;
    let present = required_text(present, "who is present (--present), e.g. \"Ms Doe (mother); the assessor\"")?;
    let carers: Vec<String> =
        if carers.is_empty() { state.info.carers.iter().map(|c| c.id.clone()).collect() } else { carers.to_vec() };
    for c in &carers {
        if !state.carers.contains_key(c) {
            return Err(Refusal::BadInput(format!(
                "`{c}` is not a carer in this case; the carers are: {}",
                state.info.carers.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let session = state.sessions.len() as u32 + 1;
    let mut events = back_from_review(state, "a new session was started");
    events.push(EventBody::SessionStarted(SessionStart { session, date, place, present, carers: carers.clone() }));
    if state.phase == Phase::Opened {
        events.push(EventBody::PhaseChanged { from: Phase::Opened, to: Phase::Screening, reason: None });
    }
    // A template without screening questions: screening is complete at once.
    if t.screening.as_ref().is_none_or(|s| s.items.is_empty()) {
        let mut preview = state.clone();
        for e in &events {
            let _ = preview.apply(e, 0);
        }
        for c in &carers {
            events.extend(complete_screening(t, &preview, c));
            let _ = preview.apply(&EventBody::ScreeningCompleted { carer: c.clone() }, 0);
        }
        events.extend(phase_after_screening(&preview));
    }
    Ok(events)
}

/// The carers an answer belongs to: the one named, the only one in the session, or everyone
/// in the session for a joint item.
fn whose(state: &CaseState, named: Option<&str>, q: &QuestionInfo) -> Result<Vec<String>, Refusal> {
    let session = state.open_session().ok_or_else(|| {
        Refusal::NotNow(
            "no session is open: start one with `assess session start` so the answer is recorded with its session"
                .into(),
        )
    })?;
    let in_session = &session.start.carers;
    if let Some(c) = named {
        if !state.carers.contains_key(c) {
            return Err(Refusal::BadInput(format!(
                "`{c}` is not a carer in this case; the carers are: {}",
                state.info.carers.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        if !in_session.iter().any(|x| x == c) {
            return Err(Refusal::BadInput(format!(
                "{} is not taking part in session {}",
                carer_name(state, c),
                session.start.session
            )));
        }
        if q.item.asked_of == AskedOf::Joint {
            return Ok(in_session.clone());
        }
        return Ok(vec![c.to_string()]);
    }
    if q.item.asked_of == AskedOf::Joint || in_session.len() == 1 {
        return Ok(in_session.clone());
    }
    Err(Refusal::BadInput(format!(
        "say whose answer this is with --carer ({})",
        in_session.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" or ")
    )))
}

fn answer(
    t: &Template,
    state: &CaseState,
    carer: Option<&str>,
    written: &str,
    value: &Given,
    note: &Option<String>,
) -> Result<Vec<EventBody>, Refusal> {
    refuse_if_frozen(state)?;
    let (base, is_check) = match written.strip_suffix(".check") {
        Some(b) => (b, true),
        None => (written, false),
    };
    let q = find_question(t, base)?;
    let carers = whose(state, carer, &q)?;
    let session = state.open_session().map(|s| s.start.session).unwrap_or(0);
    for c in &carers {
        let p = &state.carers[c];
        if !q.screening && !p.screening_complete {
            let left: usize = outstanding(t, state, c, true).iter().map(|(_, l)| l.len()).sum();
            return Err(Refusal::Guard(format!(
                "finish the screening for {} first ({left} question(s) left): the adjustments to the assessment depend on it",
                carer_name(state, c)
            )));
        }
    }
    let mut events = back_from_review(state, "an answer was added after review");
    if is_check {
        if q.aspect != Some(Aspect::Knowledge) {
            return Err(Refusal::UnknownQuestion(format!(
                "only knowledge questions have a check-understanding follow-up; `{written}` is not one"
            )));
        }
        let answered = carers.iter().all(|c| state.carers[c].attempts.contains_key(&q.qref()));
        if !answered {
            return Err(Refusal::NotNow(format!(
                "`{base}` has not been answered yet: ask it before checking understanding"
            )));
        }
        let text = match value {
            Given::Text(s) => s.trim().to_lowercase().replace([' ', '-'], "_"),
            _ => String::new(),
        };
        let result = Understanding::ALL
            .into_iter()
            .find(|u| {
                u.as_str() == text
                    || (text == "no" && *u == Understanding::NotYet)
                    || (text == "yes" && *u == Understanding::Understood)
            })
            .ok_or_else(|| Refusal::InvalidAnswer {
                question: written.to_string(),
                reason: "say how well the parent explained it back: understood, partly or not_yet".into(),
            })?;
        events.push(EventBody::UnderstandingChecked(UnderstandingCheck {
            session,
            carers,
            question: q.qref(),
            result,
            note: clean(note),
        }));
        return Ok(events);
    }
    let spec = q.response(t).ok_or_else(|| Refusal::UnknownQuestion(format!("`{written}` has no response type")))?;
    let normalised = response::check(t, spec, value)
        .map_err(|reason| Refusal::InvalidAnswer { question: written.to_string(), reason })?;
    let (wording, cue_card) = presentation(t, state, &carers, &q);
    let attempt = carers.iter().map(|c| state.carers[c].attempts.get(&q.qref()).map_or(0, Vec::len)).max().unwrap_or(0)
        as u32
        + 1;
    events.push(EventBody::Answered(Answer {
        session,
        carers: carers.clone(),
        question: q.qref(),
        value: normalised,
        note: clean(note),
        wording,
        cue_card,
        attempt,
    }));
    if q.screening {
        events.extend(after_screening_change(t, state, &events, &carers));
    }
    Ok(events)
}

/// After a screening answer or skip: completes each carer's screening when nothing required
/// is left, activating the adaptations whose rules hold.
fn after_screening_change(t: &Template, state: &CaseState, so_far: &[EventBody], carers: &[String]) -> Vec<EventBody> {
    let mut preview = state.clone();
    for e in so_far {
        let _ = preview.apply(e, preview.last_seq + 1);
    }
    let mut out = Vec::new();
    for c in carers {
        if preview.carers[c].screening_complete || !outstanding(t, &preview, c, true).is_empty() {
            continue;
        }
        let events = complete_screening(t, &preview, c);
        for e in &events {
            let _ = preview.apply(e, preview.last_seq + 1);
        }
        out.extend(events);
    }
    out.extend(phase_after_screening(&preview));
    out
}

fn complete_screening(t: &Template, state: &CaseState, carer: &str) -> Vec<EventBody> {
    let mut out = vec![EventBody::ScreeningCompleted { carer: carer.to_string() }];
    let ctx = condition_context(t, state, carer, current_date(state));
    let screening_answers: BTreeMap<String, serde_json::Value> = t
        .screening
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| {
            let q = QuestionRef { item: i.id.clone(), aspect: None };
            state.carers.get(carer)?.latest(&q).map(|a| (i.id.clone(), a.value.clone()))
        })
        .collect();
    for a in &t.adaptations {
        if state.carers.get(carer).is_some_and(|p| p.has_adaptation(&a.id)) {
            continue;
        }
        if crate::expr::eval_condition(&a.when, &ctx).unwrap_or(false) {
            let names = crate::expr::compile_check(&a.when, &|_| Ok(())).unwrap_or_default();
            let because = screening_answers
                .iter()
                .filter(|(id, _)| {
                    names.iter().any(|n| n == &format!("answers.{id}") || n.starts_with(&format!("answers.{id}.")))
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            out.push(EventBody::AdaptationActivated(AdaptationActivation {
                carer: carer.to_string(),
                adaptation: a.id.clone(),
                title: a.title.clone(),
                reason: a.reason.clone(),
                because,
            }));
        }
    }
    out
}

fn phase_after_screening(state: &CaseState) -> Vec<EventBody> {
    let all_done = state.carers.values().all(|p| p.screening_complete);
    if all_done && matches!(state.phase, Phase::Screening | Phase::Opened) {
        vec![EventBody::PhaseChanged {
            from: state.phase,
            to: Phase::Assessing,
            reason: Some("every carer's screening is complete".into()),
        }]
    } else {
        Vec::new()
    }
}

fn skip(
    t: &Template,
    state: &CaseState,
    carer: Option<&str>,
    written: &str,
    reason: &str,
) -> Result<Vec<EventBody>, Refusal> {
    refuse_if_frozen(state)?;
    let q = find_question(t, written)?;
    let carers = whose(state, carer, &q)?;
    let reason = required_text(
        reason,
        "the reason with --reason, e.g. \"declined\" or \"not observed: the child was at nursery\"",
    )?;
    for c in &carers {
        if let Some(a) = state.carers[c].latest(&q.qref()) {
            return Err(Refusal::NotNow(format!(
                "{written} was already answered for {} in session {}; an answer cannot be replaced by a skip",
                carer_name(state, c),
                a.session
            )));
        }
    }
    let session = state.open_session().map(|s| s.start.session).unwrap_or(0);
    let mut events = back_from_review(state, "a question was skipped after review");
    events.push(EventBody::Skipped(Skip { session, carers: carers.clone(), question: q.qref(), reason }));
    if q.screening {
        events.extend(after_screening_change(t, state, &events, &carers));
    }
    Ok(events)
}

fn review(t: &Template, state: &CaseState) -> Result<Vec<EventBody>, Refusal> {
    match state.phase {
        Phase::Assessing | Phase::Reopened => {}
        Phase::Review => return Err(Refusal::NotNow("the case is already in review".into())),
        other => {
            return Err(Refusal::NotNow(format!(
                "the case is {}: review comes after the screening and the assessment",
                other.describe()
            )));
        }
    }
    if let Some(s) = state.open_session() {
        return Err(Refusal::NotNow(format!(
            "session {} is still open: end it with `assess session end` first",
            s.start.session
        )));
    }
    let mut problems = Vec::new();
    for carer in &state.info.carers {
        for (section, list) in outstanding(t, state, &carer.id, false) {
            let names: Vec<String> = list.iter().map(ToString::to_string).collect();
            problems.push(format!(
                "{} required item(s) in '{section}' are unanswered for {}: {}",
                list.len(),
                carer_name(state, &carer.id),
                names.join(", ")
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Refusal::Guard(format!(
            "the case cannot go to review yet:\n  - {}\nAnswer them, or skip each with a reason (`assess skip ITEM --reason \"…\"`).",
            problems.join("\n  - ")
        )));
    }
    let short = evidence_shortfalls(t, state);
    if !short.is_empty() {
        let lines: Vec<String> = short
            .iter()
            .map(|s| {
                let more = s.requirement.min as usize - s.have;
                format!(
                    "{} for {}: needs {more} more entr{} of {} (has {})",
                    s.question,
                    carer_name(state, &s.carer),
                    if more == 1 { "y" } else { "ies" },
                    kinds_phrase(&s.requirement.kinds),
                    s.have
                )
            })
            .collect();
        return Err(Refusal::Guard(format!(
            "the case cannot go to review yet: {} rated item(s) are short of evidence:\n  - {}\nAdd it with `assess evidence add --kind KIND --supports ITEM.ASPECT --text \"…\"`.",
            lines.len(),
            lines.join("\n  - ")
        )));
    }
    Ok(vec![EventBody::PhaseChanged { from: state.phase, to: Phase::Review, reason: None }])
}
