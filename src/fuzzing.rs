//! Entry points for the fuzz targets in `fuzz/` and for their regression tests
//! (`tests/fuzz_regressions.rs` replays every input the fuzzers ever found). Each takes
//! arbitrary bytes and must return without panicking, whatever they hold.

use crate::case::event::{CaseInfo, EventBody, GENESIS, Record, SessionStart};
use crate::case::{CaseState, store};
use crate::template::{self, Base, Template};

/// The small template the import and replay targets run against.
const MINIMAL: &str = include_str!("../tests/fixtures/templates/valid/minimal/template.yaml");

fn minimal() -> Option<Template> {
    template::load_bytes("minimal.yaml", MINIMAL.as_bytes(), Base::Dir(std::env::temp_dir()))
        .template
        .map(|t| t.template)
}

/// Loads bytes as a template file.
pub fn template_load(data: &[u8]) {
    let _ = template::load_bytes("fuzz.yaml", data, Base::Dir(std::env::temp_dir().join("assess-fuzz-none")));
}

/// Compiles bytes as an expression, checks its names, and evaluates it.
pub fn expr_compile(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let _ = crate::expr::compile_check(source, &|_| Ok(()));
    let ctx = minijinja::Value::from(minijinja::value::Serde(serde_json::json!({
        "answers": {"scr_reading": "no", "stair_gate": {"knowledge": "some"}},
        "case": {"youngest_child_age_months": 14},
        "value": 3,
    })));
    let _ = crate::expr::eval_condition(source, &ctx);
}

/// A state with one carer whose screening is done and a session open.
fn open_state(t: &Template) -> Option<CaseState> {
    let info: CaseInfo = serde_json::from_value(serde_json::json!({
        "court": "C", "case_number": "Z1",
        "children": [{"initials": "A", "date_of_birth": "2025-06-01"}],
        "carers": [{"id": "m", "name": "M", "relationship": "mother"}],
        "assessor": {"name": "A"},
        "template": {"id": t.id, "version": t.version, "hash": "x"}
    }))
    .ok()?;
    let mut state =
        CaseState::replay(&[Record::seal(1, "", "", &EventBody::CaseOpened(Box::new(info)), false, GENESIS)]).ok()?;
    let start = SessionStart {
        session: 1,
        date: "2026-03-02".into(),
        place: "home".into(),
        present: "M".into(),
        carers: vec!["m".into()],
    };
    state.apply(&EventBody::SessionStarted(start), 2).ok()?;
    Some(state)
}

/// Imports bytes as an answers file into a case with an open session.
pub fn answers_import(data: &[u8]) {
    let Some(t) = minimal() else { return };
    let Some(state) = open_state(&t) else { return };
    let _ = crate::cli::case_cmd::import_events(&t, &state, "answers.yaml", data);
}

/// Reads bytes as a case log and replays it.
pub fn event_replay(data: &[u8]) {
    let Ok(log) = store::parse_log(data) else { return };
    let Ok(state) = CaseState::replay(&log.records) else { return };
    if let Some(t) = minimal() {
        let _ = crate::scoring::score_case(&t, &state);
        for c in &state.info.carers {
            let _ = crate::engine::next(&t, &state, &c.id);
        }
    }
}
