//! Walks the shipped parenting-capacity template from `case new` to `sign-off`, recording what
//! the engine offers at every step (question, wording, cue card, attempt, pacing), as a
//! reviewed snapshot. Twice: one carer with no adaptations; two carers where the mother has
//! easy-read wording, cue cards, shorter sessions, check-understanding and teach-then-reassess.
//!
//! Case, sessions, evidence, review and sign-off go through the command line; the hundreds of
//! questions go through the same engine and store calls the command line makes, so the test
//! stays fast.

mod common;

use assess::case::event::{EventBody, Wording};
use assess::case::{CaseState, DataDir, Stamp};
use assess::engine::{self, Command, Next, OfferKind, response::Given};
use assess::template::{self, Template};
use common::Env;
use std::fmt::Write as _;

fn shipped() -> Template {
    template::find("parenting-capacity", &[]).and_then(|o| o.template).map(|t| t.template).unwrap()
}

/// Screening answers that need no adaptation.
const NO_NEEDS: &[(&str, &str)] = &[
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

/// Screening answers of a parent with a learning disability who finds reading hard.
const LEARNING_NEEDS: &[(&str, &str)] = &[
    ("scr_reading", "hard"),
    ("scr_writing", "hard"),
    ("scr_spoken", "some"),
    ("scr_memory", "sometimes"),
    ("scr_time", "no"),
    ("scr_numbers", "some_help"),
    ("scr_school", "special_school"),
    ("scr_diagnosis", "learning_disability"),
    ("scr_pictures", "yes"),
    ("scr_concentration", "short"),
    ("scr_senses", "no"),
    ("scr_supporter", "no"),
];

/// A rating for a question, varied but fixed, so areas end with different priorities.
fn rating_for(question: &str, attempt: u32) -> &'static str {
    if attempt > 1 {
        return "none";
    }
    let h = question.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    ["none", "none", "low", "none", "medium", "low", "none", "high"][(h % 8) as usize]
}

struct Walk {
    env: Env,
    case: String,
    template: Template,
    transcript: String,
    date: jiff::civil::Date,
}

impl Walk {
    fn new(case: &str, carers: &[&str]) -> Walk {
        let env = Env::shipped();
        let mut args = vec![
            "case",
            "new",
            "--number",
            case,
            "--court",
            "Family Court at Exampleton",
            "--child",
            "L.B. 2025-09-01",
            "--assessor",
            "Sam Patel",
        ];
        for c in carers {
            args.extend(["--carer", c]);
        }
        env.ok(&args);
        Walk {
            env,
            case: case.into(),
            template: shipped(),
            transcript: String::new(),
            date: jiff::civil::date(2026, 3, 2),
        }
    }

    fn start_session(&mut self) {
        let date = self.date.to_string();
        self.date = self.date.checked_add(jiff::Span::new().days(7)).unwrap();
        self.env.ok(&[
            "session",
            "start",
            "--date",
            &date,
            "--place",
            "family home",
            "--present",
            "the family and the assessor",
        ]);
        let _ = writeln!(self.transcript, "== session started {date}");
    }

    fn end_session(&mut self, why: &str) {
        self.env.ok(&["session", "end"]);
        let _ = writeln!(self.transcript, "== session ended ({why})");
    }

    fn state(&self) -> CaseState {
        let dir = DataDir::new(self.env.data()).open(&self.case).unwrap();
        CaseState::replay(&dir.load().unwrap().records).unwrap()
    }

    /// Applies a command as the command line does: engine, then one append under the lock.
    fn apply(&self, state: &mut CaseState, cmd: &Command) {
        let dir = DataDir::new(self.env.data()).open(&self.case).unwrap();
        let lock = dir.lock().unwrap();
        let events = engine::apply(&self.template, state, cmd).unwrap_or_else(|e| panic!("{cmd:?} refused: {e}"));
        let stamp = Stamp { time: "2026-03-02T10:00:00Z".into(), author: "Sam Patel".into() };
        for r in dir.append(&lock, &events, &stamp).unwrap() {
            state.apply(&r.body().unwrap(), r.seq).unwrap();
        }
    }

    /// Answers everything the engine offers until every carer is finished, following pacing.
    fn answer_everything(&mut self, screening: &[(&str, &[(&str, &str)])]) {
        self.start_session();
        let mut steps = 0;
        let mut state = self.state();
        loop {
            steps += 1;
            assert!(steps < 3000, "the walk does not end");
            let carers = state.open_session().unwrap().start.carers.clone();
            // Whoever in the session has an offer, in turn.
            let offers: Vec<(String, Next)> =
                carers.iter().map(|c| (c.clone(), engine::next(&self.template, &state, c))).collect();
            let Some((carer, offer)) = offers
                .iter()
                .filter_map(|(c, n)| match n {
                    Next::Ask(o) => Some((c.clone(), o.clone())),
                    _ => None,
                })
                .min_by_key(|(_, o)| o.progress.0)
            else {
                self.end_session("every question done");
                return;
            };
            if let Some(p) = &offer.pacing {
                let _ = writeln!(self.transcript, "   pacing: {p}");
                self.end_session("pacing");
                self.start_session();
                state = self.state();
                continue;
            }
            let value = match offer.kind {
                OfferKind::CheckUnderstanding => "understood".to_string(),
                OfferKind::Screening => {
                    let answers = screening.iter().find(|(c, _)| *c == carer).map(|(_, a)| *a).unwrap();
                    answers.iter().find(|(q, _)| *q == offer.answer_as).map(|(_, v)| v.to_string()).unwrap()
                }
                _ => rating_for(&offer.answer_as, offer.attempt).to_string(),
            };
            let wording = match offer.wording {
                Wording::EasyRead => "easy-read",
                Wording::Standard => "standard",
            };
            let card = offer.cue_card.as_ref().map(|c| format!(" card={c}")).unwrap_or_default();
            let _ = writeln!(
                self.transcript,
                "{:>3}/{:<3} {:<7} {:<19} {:<42} {wording}{card} attempt={} -> {value}",
                offer.progress.0,
                offer.progress.1,
                offer.carers.join("+"),
                format!("{:?}", offer.kind),
                offer.answer_as,
                offer.attempt
            );
            let cmd = Command::Answer {
                carer: Some(carer.clone()),
                question: offer.answer_as.clone(),
                value: Given::Text(value),
                note: None,
            };
            self.apply(&mut state, &cmd);
        }
    }

    /// Adds an observation per area and a parent's account for the screening history, as the
    /// evidence requirements ask, through the command line.
    fn add_evidence(&mut self) {
        let t = self.template.clone();
        for area in &t.areas {
            let mut args: Vec<String> = ["evidence", "add", "--kind", "observation", "--date", "2026-03-02", "--text"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            args.push(format!("Seen during the sessions: {}.", area.title));
            for item in &area.items {
                args.push("--supports".into());
                args.push(item.id.clone());
            }
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            self.env.ok(&refs);
        }
        self.env.ok(&[
            "evidence",
            "add",
            "--kind",
            "parent-account",
            "--date",
            "2026-03-02",
            "--supports",
            "scr_school",
            "--supports",
            "scr_diagnosis",
            "--text",
            "I went to a special school until I was sixteen.",
        ]);
        let _ = writeln!(self.transcript, "== evidence added: one observation per area, one parent's account");
    }

    fn finish(mut self) -> String {
        let r = self.env.ok(&["review"]);
        let _ = writeln!(self.transcript, "== review: {}", r.stdout.lines().next().unwrap_or(""));
        let date = self.date.to_string();
        let r = self.env.ok(&["sign-off", "--name", "Sam Patel", "--registration", "SW123456", "--date", &date]);
        let _ = writeln!(self.transcript, "== sign-off: {}", r.stdout.lines().last().unwrap_or(""));
        let r = self.env.ok(&["next"]);
        let _ = writeln!(self.transcript, "== next: {}", r.stdout.trim());
        self.env.ok(&["verify"]);
        let state = self.state();
        for (id, p) in &state.carers {
            let adaptations: Vec<&str> = p.adaptations.iter().map(|a| a.adaptation.as_str()).collect();
            let _ = writeln!(self.transcript, "== {id}: adaptations [{}]", adaptations.join(", "));
        }
        let _ = writeln!(self.transcript, "== {} sessions, phase {}", state.sessions.len(), state.phase.describe());
        self.transcript
    }
}

#[test]
fn one_carer_without_adaptations_from_case_new_to_sign_off() {
    let mut walk = Walk::new("ZC26C00010", &["mother:Jane Doe:mother"]);
    // Review is refused while items are outstanding.
    walk.answer_everything(&[("mother", NO_NEEDS)]);
    let r = walk.env.refused(&["review"]);
    assert!(r.stderr.contains("short of evidence"), "{}", r.all());
    walk.add_evidence();
    let transcript = walk.finish();
    assert!(!transcript.contains("easy-read"));
    assert!(!transcript.contains("card="));
    insta::assert_snapshot!(transcript);
}

#[test]
fn two_carers_one_with_easy_read_cue_cards_and_pacing_from_case_new_to_sign_off() {
    let mut walk = Walk::new("ZC26C00011", &["mother:Jane Doe:mother", "father:John Roe:father"]);
    walk.answer_everything(&[("mother", LEARNING_NEEDS), ("father", NO_NEEDS)]);
    walk.add_evidence();
    let transcript = walk.finish();
    // The mother's questions come in easy-read wording with cue cards; the father's do not.
    assert!(transcript.lines().any(|l| l.contains(" mother ") && l.contains("easy-read") && l.contains("card=")));
    assert!(!transcript.lines().any(|l| l.contains(" father ") && (l.contains("easy-read") || l.contains("card="))));
    assert!(transcript.contains("pacing:"));
    assert!(transcript.contains("CheckUnderstanding"));
    assert!(transcript.contains("Reassessment"));
    insta::assert_snapshot!(transcript);
}

/// Every event the walk wrote replays to the same state twice.
#[test]
fn the_walked_case_replays_identically() {
    let mut walk = Walk::new("ZC26C00012", &["mother:Jane Doe:mother"]);
    walk.answer_everything(&[("mother", LEARNING_NEEDS)]);
    let dir = DataDir::new(walk.env.data()).open("ZC26C00012").unwrap();
    let records = dir.load().unwrap().records;
    assert_eq!(CaseState::replay(&records).unwrap(), CaseState::replay(&records).unwrap());
    assert!(records.iter().any(|r| matches!(r.body(), Ok(EventBody::AdaptationActivated(_)))));
}
