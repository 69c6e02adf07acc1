//! The state of a case, always rebuilt by replaying its log from the start.

use super::event::{
    AdaptationActivation, Answer, CaseInfo, EventBody, Evidence, Phase, QuestionRef, Record, SessionStart, SignOff,
    Understanding, Wording,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything known about a case at the end of its log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseState {
    /// The facts from `case_opened`.
    pub info: CaseInfo,
    /// The current phase.
    pub phase: Phase,
    /// Every session, in order.
    pub sessions: Vec<Session>,
    /// Progress per carer id.
    pub carers: BTreeMap<String, CarerProgress>,
    /// Every phase change with its reason and event number.
    pub phase_history: Vec<PhaseChange>,
    /// Every sign-off (more than one after a reopening).
    pub sign_offs: Vec<SignOff>,
    /// Every reopening: reason, date.
    pub reopenings: Vec<Reopening>,
    /// Every evidence entry, in the order recorded (corrected ones included, marked).
    pub evidence: Vec<EvidenceRecord>,
    /// The assessor's narrative, latest text per section.
    pub narrative: BTreeMap<String, NarrativeRecord>,
    /// Sequence number of the last event.
    pub last_seq: u64,
}

/// An evidence entry as it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceRecord {
    /// The entry as recorded, with every later link added to `supports`.
    pub entry: Evidence,
    /// The entry that corrects this one, if any.
    pub superseded_by: Option<String>,
    /// The event's sequence number.
    pub seq: u64,
}

/// The latest text of a narrative section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NarrativeRecord {
    /// The text.
    pub text: String,
    /// How many times it was written.
    pub versions: u32,
    /// The latest event's sequence number.
    pub seq: u64,
}

/// A session and whether it is still open.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    /// Its start details.
    pub start: SessionStart,
    /// Whether it has ended.
    pub ended: bool,
    /// The note made at its end.
    pub note: Option<String>,
}

/// One phase change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseChange {
    /// Before.
    pub from: Phase,
    /// After.
    pub to: Phase,
    /// Why.
    pub reason: Option<String>,
    /// The event's sequence number.
    pub seq: u64,
}

/// A reopening after sign-off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reopening {
    /// Why.
    pub reason: String,
    /// When (YYYY-MM-DD).
    pub date: String,
    /// The event's sequence number.
    pub seq: u64,
}

/// One carer's screening, adaptations, answers and skips.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CarerProgress {
    /// Every attempt at each question, oldest first.
    pub attempts: BTreeMap<QuestionRef, Vec<Attempt>>,
    /// Questions skipped (and not answered since), with the reason.
    pub skips: BTreeMap<QuestionRef, SkipRecord>,
    /// Check-understanding results per knowledge question, oldest first.
    pub checks: BTreeMap<QuestionRef, Vec<CheckRecord>>,
    /// Whether the screening is complete.
    pub screening_complete: bool,
    /// The adaptations that apply, in the order activated.
    pub adaptations: Vec<AdaptationActivation>,
}

impl CarerProgress {
    /// The latest answer to a question.
    pub fn latest(&self, q: &QuestionRef) -> Option<&Attempt> {
        self.attempts.get(q).and_then(|a| a.last())
    }

    /// Whether an adaptation with this id applies.
    pub fn has_adaptation(&self, id: &str) -> bool {
        self.adaptations.iter().any(|a| a.adaptation == id)
    }
}

/// One attempt at a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    /// The session.
    pub session: u32,
    /// The normalised answer.
    pub value: serde_json::Value,
    /// The assessor's note.
    pub note: Option<String>,
    /// Wording used.
    pub wording: Wording,
    /// Cue card shown.
    pub cue_card: Option<String>,
    /// 1, 2, …
    pub attempt: u32,
    /// The other carers it was given jointly with.
    pub joint_with: Vec<String>,
    /// The event's sequence number.
    pub seq: u64,
}

/// A skip with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkipRecord {
    /// The session.
    pub session: u32,
    /// Why.
    pub reason: String,
    /// The event's sequence number.
    pub seq: u64,
}

/// A check-understanding result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRecord {
    /// The session.
    pub session: u32,
    /// The result.
    pub result: Understanding,
    /// What the parent said.
    pub note: Option<String>,
    /// The event's sequence number.
    pub seq: u64,
}

/// Why a log could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The log is empty.
    #[error("the case has no events")]
    Empty,
    /// The first event is not `case_opened`.
    #[error("the first event is `{0}`, not `case_opened`")]
    NoOpening(String),
    /// An event's payload does not fit its kind.
    #[error("event {seq} (`{kind}`) cannot be read by this version of assess: {detail}")]
    Unreadable {
        /// Sequence number.
        seq: u64,
        /// Kind.
        kind: String,
        /// What serde said.
        detail: String,
    },
    /// An event names a carer the case does not have.
    #[error("event {seq} names the carer `{carer}`, who is not part of the case")]
    UnknownCarer {
        /// Sequence number.
        seq: u64,
        /// The id.
        carer: String,
    },
}

impl CaseState {
    /// Rebuilds the state from the log's records.
    pub fn replay(records: &[Record]) -> Result<CaseState, ReplayError> {
        let first = records.first().ok_or(ReplayError::Empty)?;
        let info = match body(first)? {
            EventBody::CaseOpened(info) => info,
            other => return Err(ReplayError::NoOpening(other.kind().to_string())),
        };
        let carers = info.carers.iter().map(|c| (c.id.clone(), CarerProgress::default())).collect();
        let mut state = CaseState {
            info: *info,
            phase: Phase::Opened,
            sessions: Vec::new(),
            carers,
            phase_history: Vec::new(),
            sign_offs: Vec::new(),
            reopenings: Vec::new(),
            evidence: Vec::new(),
            narrative: BTreeMap::new(),
            last_seq: first.seq,
        };
        // Reading payloads is most of the work and needs no state: spread it, apply in order.
        let bodies = super::parallel::map_in_order(&records[1..], |_, r| body(r));
        for (r, b) in records[1..].iter().zip(bodies) {
            state.apply_owned(b?, r.seq)?;
        }
        Ok(state)
    }

    /// Applies one event without consuming it (the engine previews its new events this way).
    pub fn apply(&mut self, body: &EventBody, seq: u64) -> Result<(), ReplayError> {
        self.apply_owned(body.clone(), seq)
    }

    /// Applies one event, moving its contents into the state (replay does this for every
    /// event, so nothing is copied that need not be).
    pub fn apply_owned(&mut self, body: EventBody, seq: u64) -> Result<(), ReplayError> {
        self.last_seq = seq;
        match body {
            EventBody::CaseOpened(_) => {}
            EventBody::SessionStarted(start) => {
                self.sessions.push(Session { start, ended: false, note: None });
            }
            EventBody::SessionEnded { session, note } => {
                if let Some(s) = self.sessions.iter_mut().find(|s| s.start.session == session) {
                    s.ended = true;
                    s.note = note;
                }
            }
            EventBody::Answered(a) => {
                let Answer { session, carers, question, value, note, wording, cue_card, attempt } = a;
                let attempt = Attempt { session, value, note, wording, cue_card, attempt, joint_with: Vec::new(), seq };
                let joint_with = |c: &String| carers.iter().filter(|o| *o != c).cloned().collect();
                // Each carer of a joint answer gets the attempt; the last one takes the original.
                if let Some((last, others)) = carers.split_last() {
                    for c in others {
                        self.add_attempt(c, &question, Attempt { joint_with: joint_with(c), ..attempt.clone() })?;
                    }
                    self.add_attempt(last, &question, Attempt { joint_with: joint_with(last), ..attempt })?;
                }
            }
            EventBody::Skipped(s) => {
                for c in &s.carers {
                    let p = self.carer_mut(c, seq)?;
                    p.skips
                        .insert(s.question.clone(), SkipRecord { session: s.session, reason: s.reason.clone(), seq });
                }
            }
            EventBody::UnderstandingChecked(u) => {
                for c in &u.carers {
                    let p = self.carer_mut(c, seq)?;
                    p.checks.entry(u.question.clone()).or_default().push(CheckRecord {
                        session: u.session,
                        result: u.result,
                        note: u.note.clone(),
                        seq,
                    });
                }
            }
            EventBody::ScreeningCompleted { carer } => self.carer_mut(&carer, seq)?.screening_complete = true,
            EventBody::AdaptationActivated(a) => {
                let p = self.carer_mut(&a.carer, seq)?;
                if !p.has_adaptation(&a.adaptation) {
                    p.adaptations.push(a);
                }
            }
            EventBody::PhaseChanged { from, to, reason } => {
                self.phase = to;
                self.phase_history.push(PhaseChange { from, to, reason, seq });
            }
            EventBody::SignedOff(s) => self.sign_offs.push(s),
            EventBody::EvidenceAdded(e) => {
                if let Some(old) = &e.supersedes
                    && let Some(r) = self.evidence.iter_mut().find(|r| &r.entry.id == old)
                {
                    r.superseded_by = Some(e.id.clone());
                }
                self.evidence.push(EvidenceRecord { entry: *e, superseded_by: None, seq });
            }
            EventBody::EvidenceLinked { evidence, supports } => {
                if let Some(r) = self.evidence.iter_mut().find(|r| r.entry.id == evidence) {
                    for q in supports {
                        if !r.entry.supports.contains(&q) {
                            r.entry.supports.push(q);
                        }
                    }
                }
            }
            EventBody::NarrativeWritten { section, text } => {
                let n =
                    self.narrative.entry(section).or_insert(NarrativeRecord { text: String::new(), versions: 0, seq });
                n.text = text;
                n.versions += 1;
                n.seq = seq;
            }
            EventBody::Reopened { reason, date } => self.reopenings.push(Reopening { reason, date, seq }),
        }
        Ok(())
    }

    /// Records an attempt at a question for one carer; an answer clears an earlier skip.
    fn add_attempt(&mut self, carer: &str, question: &QuestionRef, attempt: Attempt) -> Result<(), ReplayError> {
        let p = self.carer_mut(carer, attempt.seq)?;
        p.skips.remove(question);
        match p.attempts.get_mut(question) {
            Some(attempts) => attempts.push(attempt),
            None => {
                p.attempts.insert(question.clone(), vec![attempt]);
            }
        }
        Ok(())
    }

    fn carer_mut(&mut self, id: &str, seq: u64) -> Result<&mut CarerProgress, ReplayError> {
        self.carers.get_mut(id).ok_or_else(|| ReplayError::UnknownCarer { seq, carer: id.to_string() })
    }

    /// The evidence entries in force (not corrected by a later entry).
    pub fn current_evidence(&self) -> impl Iterator<Item = &EvidenceRecord> {
        self.evidence.iter().filter(|r| r.superseded_by.is_none())
    }

    /// The session that is open, if any.
    pub fn open_session(&self) -> Option<&Session> {
        self.sessions.last().filter(|s| !s.ended)
    }
}

fn body(r: &Record) -> Result<EventBody, ReplayError> {
    r.body().map_err(|detail| ReplayError::Unreadable { seq: r.seq, kind: r.kind().into_owned(), detail })
}
