//! Benchmarks of the engine's hot paths (run with `cargo bench --bench engine`):
//! loading and checking the shipped templates, replaying a 10,000-event case, choosing the
//! next question, and scoring. Targets (see README): templates under 20 ms, replay under 20 ms.

use assess::case::event::{Answer, EventBody, GENESIS, QuestionRef, SessionStart, Wording};
use assess::case::store::parse_log;
use assess::case::{CaseState, Record};
use assess::engine;
use assess::scoring;
use assess::template::{self, Template};

fn main() {
    divan::main();
}

fn shipped() -> Template {
    template::find("parenting-capacity", &[]).and_then(|o| o.template).map(|t| t.template).expect("shipped template")
}

/// A case log of about `n` events: sessions of answers to every question of the shipped
/// template, round and round, with a check-understanding event now and then.
fn log(t: &Template, n: usize) -> Vec<u8> {
    let info: assess::case::event::CaseInfo = serde_json::from_value(serde_json::json!({
        "court": "Family Court at Exampleton", "case_number": "ZC26C00099",
        "children": [{"initials": "A.B.", "date_of_birth": "2025-06-01"}],
        "carers": [{"id": "m", "name": "Ms M", "relationship": "mother"}],
        "assessor": {"name": "A"},
        "template": {"id": t.id, "version": t.version, "hash": "x"}
    }))
    .expect("case info");
    let questions: Vec<QuestionRef> = engine::questions(t).iter().map(|q| q.qref()).collect();
    let mut bodies = vec![EventBody::CaseOpened(Box::new(info)), EventBody::ScreeningCompleted { carer: "m".into() }];
    let mut session = 0;
    while bodies.len() < n {
        session += 1;
        bodies.push(EventBody::SessionStarted(SessionStart {
            session,
            date: "2026-03-02".into(),
            place: "home".into(),
            present: "M".into(),
            carers: vec!["m".into()],
        }));
        for q in questions.iter().take(50) {
            bodies.push(EventBody::Answered(Answer {
                session,
                carers: vec!["m".into()],
                question: q.clone(),
                value: if q.aspect.is_some() { "low".into() } else { "easy".into() },
                note: Some("The parent said she would ask the health visitor.".into()),
                wording: Wording::EasyRead,
                cue_card: None,
                attempt: session,
            }));
        }
        bodies.push(EventBody::SessionEnded { session, note: None });
    }
    bodies.truncate(n);
    let mut prev = GENESIS.to_string();
    let mut out = Vec::new();
    for (i, b) in bodies.iter().enumerate() {
        let r = Record::seal(i as u64 + 1, "2026-03-02T10:00:00Z", "A", b, false, &prev);
        prev = r.hash().to_string();
        out.extend_from_slice(r.line().as_bytes());
        out.push(b'\n');
    }
    out
}

#[divan::bench]
fn load_and_check_shipped_templates() -> usize {
    template::load_embedded().iter().filter(|o| o.template.is_some()).count()
}

/// Opening a case: from the log's bytes as read from the file to the case state. Copying the
/// bytes for each run is left out of the time (reading the file makes that buffer); dropping
/// everything afterwards is timed.
#[divan::bench]
fn replay_10000_events(bencher: divan::Bencher) {
    let t = shipped();
    let bytes = log(&t, 10_000);
    bencher.with_inputs(|| bytes.clone()).bench_values(|bytes| {
        let log = parse_log(bytes).expect("log");
        CaseState::replay(&log.records).expect("replay").last_seq
    });
}

/// The first half of a replay: reading the log and checking every line's hash and link.
#[divan::bench]
fn parse_and_check_10000_events(bencher: divan::Bencher) {
    let t = shipped();
    let bytes = log(&t, 10_000);
    bencher.with_inputs(|| bytes.clone()).bench_values(|bytes| parse_log(bytes).expect("log").records.len());
}

/// The second half: turning checked records into the case state.
#[divan::bench]
fn replay_10000_checked_records(bencher: divan::Bencher) {
    let t = shipped();
    let records = parse_log(log(&t, 10_000)).expect("log").records;
    bencher.bench(|| CaseState::replay(divan::black_box(&records)).expect("replay").last_seq);
}

#[divan::bench]
fn next_question(bencher: divan::Bencher) {
    let t = shipped();
    let bytes = log(&t, 400);
    let mut state = CaseState::replay(&parse_log(&bytes[..]).expect("log").records).expect("replay");
    state
        .apply(
            &EventBody::SessionStarted(SessionStart {
                session: 99,
                date: "2026-06-01".into(),
                place: "home".into(),
                present: "M".into(),
                carers: vec!["m".into()],
            }),
            state.last_seq + 1,
        )
        .expect("apply");
    bencher.bench(|| engine::next(&t, divan::black_box(&state), "m"));
}

#[divan::bench]
fn score_a_case(bencher: divan::Bencher) {
    let t = shipped();
    let bytes = log(&t, 400);
    let state = CaseState::replay(&parse_log(&bytes[..]).expect("log").records).expect("replay");
    bencher.bench(|| scoring::score_case(&t, divan::black_box(&state)));
}
