//! Scoring against expectations worked out by hand from the templates' rules.
//!
//! Postnatal mood (EPDS scoring): items score 0-3; items 3 and 5-10 are listed most-often
//! first (scores 0..3) and reverse-scored, so `most_of_the_time` counts 3 and `never` 0.
//! Bands: 0-9 unlikely, 10-12 possible, 13-30 probable; anxiety subscale (q3-q5) 0-5 below,
//! 6-9 above; one missing item is prorated (sum x 10 / 9, rounded half up), two are not scorable.

mod common;

use assess::case::event::{
    Answer, Assessor, Carer, CaseInfo, Child, EventBody, GENESIS, QuestionRef, SessionStart, TemplatePin, Wording,
};
use assess::case::{CaseState, Record};
use assess::scoring::{self, Change, Total};
use assess::template::{self, Template};
use common::Env;

fn shipped(id: &str) -> Template {
    template::find(id, &[]).and_then(|o| o.template).map(|t| t.template).unwrap()
}

fn minimal() -> Template {
    let path = std::path::Path::new(common::FIXTURES).join("templates/valid/minimal/template.yaml");
    template::load_path(&path).template.unwrap().template
}

/// A case state with one carer (`m`) and the given answers: (question, value, session).
fn state(t: &Template, answers: &[(&str, &str, u32)]) -> CaseState {
    let info = CaseInfo {
        court: "Family Court at Exampleton".into(),
        case_number: "ZC26C00002".into(),
        children: vec![Child { initials: "A.B.".into(), date_of_birth: "2025-06-01".into(), gender: None }],
        carers: vec![Carer { id: "m".into(), name: "Ms M".into(), relationship: "mother".into() }],
        assessor: Assessor { name: "A".into(), role: None, qualifications: None, registration: None },
        instructions: None,
        template: TemplatePin { id: t.id.clone(), version: t.version.clone(), hash: "x".into() },
    };
    let mut bodies = vec![EventBody::CaseOpened(Box::new(info)), EventBody::ScreeningCompleted { carer: "m".into() }];
    let sessions: u32 = answers.iter().map(|a| a.2).max().unwrap_or(1);
    for s in 1..=sessions {
        bodies.push(EventBody::SessionStarted(SessionStart {
            session: s,
            date: format!("2026-03-{:02}", s + 1),
            place: "home".into(),
            present: "M".into(),
            carers: vec!["m".into()],
        }));
        for (i, (q, v, session)) in answers.iter().enumerate() {
            if *session != s {
                continue;
            }
            let question: QuestionRef = q.parse().unwrap();
            let attempt = answers[..i].iter().filter(|a| a.0 == *q).count() as u32 + 1;
            bodies.push(EventBody::Answered(Answer {
                session: s,
                carers: vec!["m".into()],
                question,
                value: (*v).into(),
                note: None,
                wording: Wording::Standard,
                cue_card: None,
                attempt,
            }));
        }
        bodies.push(EventBody::SessionEnded { session: s, note: None });
    }
    let mut prev = GENESIS.to_string();
    let records: Vec<Record> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let r = Record::seal(i as u64 + 1, "2026-03-01T00:00:00Z", "t", b, false, &prev);
            prev = r.hash().to_string();
            r
        })
        .collect();
    CaseState::replay(&records).unwrap()
}

/// Answers to the mood questionnaire: q1..q10 in order; "-" leaves an item unanswered.
fn mood(values: [&str; 10]) -> (Total, Total, Vec<String>) {
    let t = shipped("postnatal-mood");
    let ids = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"];
    let answers: Vec<(&str, &str, u32)> =
        ids.iter().zip(values).filter(|(_, v)| *v != "-").map(|(q, v)| (*q, v, 1)).collect();
    let s = state(&t, &answers);
    let scores = scoring::score_case(&t, &s);
    let c = &scores.carers[0];
    let m = &c.measures[0];
    (m.total.clone(), m.subscales[0].total.clone(), c.flags.iter().map(|f| f.id.clone()).collect())
}

fn scored(t: &Total) -> (f64, usize, String) {
    match t {
        Total::Scored { value, prorated, band } => {
            (*value, *prorated, band.as_ref().map(|b| b.label.clone()).unwrap_or_default())
        }
        Total::NotScorable { missing, allowed } => panic!("not scorable: {missing} missing, {allowed} allowed"),
    }
}

const LOW: &str = "as_usual";
const NEVER: &str = "never";

#[test]
fn mood_total_bands_at_every_boundary() {
    // Everything at the least-concern answer: 0.
    let (total, anx, flags) = mood([LOW, LOW, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER]);
    assert_eq!(scored(&total), (0.0, 0, "Depression unlikely".into()));
    assert_eq!(scored(&anx), (0.0, 0, "Below the anxiety cut-off".into()));
    assert!(flags.is_empty());
    // 3 + 3 + 3 (q3 most of the time, reversed) = 9: the top of "unlikely".
    let (total, anx, _) =
        mood(["not_at_all", "not_at_all", "most_of_the_time", NEVER, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER]);
    assert_eq!(scored(&total), (9.0, 0, "Depression unlikely".into()));
    assert_eq!(scored(&anx).0, 3.0);
    // + q4 hardly ever (1) = 10: the bottom of "possible".
    let (total, _, _) =
        mood(["not_at_all", "not_at_all", "most_of_the_time", "rarely", NEVER, NEVER, NEVER, NEVER, NEVER, NEVER]);
    assert_eq!(scored(&total), (10.0, 0, "Possible depression".into()));
    // 3+3+3 + q4 sometimes (2) + q5 not often (reversed 1) = 12: the top of "possible";
    // anxiety 3+2+1 = 6: the bottom of "above".
    let (total, anx, _) = mood([
        "not_at_all",
        "not_at_all",
        "most_of_the_time",
        "sometimes",
        "not_often",
        NEVER,
        NEVER,
        NEVER,
        NEVER,
        NEVER,
    ]);
    assert_eq!(scored(&total), (12.0, 0, "Possible depression".into()));
    assert_eq!(scored(&anx), (6.0, 0, "Above the anxiety cut-off".into()));
    // + q6 not often (1) = 13: the bottom of "probable".
    let (total, _, _) = mood([
        "not_at_all",
        "not_at_all",
        "most_of_the_time",
        "sometimes",
        "not_often",
        "not_often",
        NEVER,
        NEVER,
        NEVER,
        NEVER,
    ]);
    assert_eq!(scored(&total), (13.0, 0, "Probable depression".into()));
    // Anxiety 3 + 2 + 0 = 5: the top of "below".
    let (_, anx, _) = mood([LOW, LOW, "most_of_the_time", "sometimes", NEVER, NEVER, NEVER, NEVER, NEVER, NEVER]);
    assert_eq!(scored(&anx), (5.0, 0, "Below the anxiety cut-off".into()));
    // Everything at the most-concern answer: 30 and 9, and item 10 raises the flag.
    let most = "most_of_the_time";
    let (total, anx, flags) = mood(["not_at_all", "not_at_all", most, "often", most, most, most, most, most, most]);
    assert_eq!(scored(&total), (30.0, 0, "Probable depression".into()));
    assert_eq!(scored(&anx), (9.0, 0, "Above the anxiety cut-off".into()));
    assert_eq!(flags, vec!["self_harm".to_string()]);
}

#[test]
fn item_ten_above_zero_raises_the_flag_whatever_the_total() {
    let (total, _, flags) = mood([LOW, LOW, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER, "not_often"]);
    assert_eq!(scored(&total), (1.0, 0, "Depression unlikely".into()));
    assert_eq!(flags, vec!["self_harm".to_string()]);
    let (_, _, flags) = mood([LOW, LOW, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER, "-"]);
    assert!(flags.is_empty(), "an unanswered item 10 raises no flag");
}

#[test]
fn one_missing_item_is_prorated_and_two_are_not_scorable() {
    // q10 missing; the other nine sum to 9: 9 x 10 / 9 = 10, "possible".
    let (total, _, _) =
        mood(["not_at_all", "not_at_all", "most_of_the_time", NEVER, NEVER, NEVER, NEVER, NEVER, NEVER, "-"]);
    assert_eq!(scored(&total), (10.0, 1, "Possible depression".into()));
    // Nine sum to 12: 12 x 10 / 9 = 13.33, rounded to 13, "probable".
    let (total, _, _) = mood([
        "not_at_all",
        "not_at_all",
        "most_of_the_time",
        "sometimes",
        "not_often",
        NEVER,
        NEVER,
        NEVER,
        NEVER,
        "-",
    ]);
    assert_eq!(scored(&total), (13.0, 1, "Probable depression".into()));
    // Anxiety with q5 missing: (3 + 2) x 3 / 2 = 7.5, rounded half up to 8, "above".
    let (_, anx, _) = mood([LOW, LOW, "most_of_the_time", "sometimes", "-", NEVER, NEVER, NEVER, NEVER, NEVER]);
    assert_eq!(scored(&anx), (8.0, 1, "Above the anxiety cut-off".into()));
    // Two missing: not scorable.
    let (total, _, _) = mood([LOW, LOW, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER, "-", "-"]);
    assert_eq!(total, Total::NotScorable { missing: 2, allowed: 1 });
}

#[test]
fn area_priority_follows_the_decision_table_and_change_is_tracked() {
    // minimal: rule 1 practice high -> high; rule 2 knowledge some|high -> some; rule 3 -> none.
    let t = minimal();
    let s = state(&t, &[("stair_gate.knowledge", "high", 1), ("stair_gate.practice", "some", 1)]);
    let area = &scoring::score_case(&t, &s).carers[0].areas[0];
    assert_eq!(area.aspects.len(), 2);
    assert_eq!((area.priority.as_deref(), area.rule), (Some("some"), Some(2)));
    assert_eq!(area.change, None);

    let s = state(&t, &[("stair_gate.knowledge", "none", 1), ("stair_gate.practice", "high", 1)]);
    let c = &scoring::score_case(&t, &s).carers[0];
    assert_eq!((c.areas[0].priority.as_deref(), c.areas[0].rule), (Some("high"), Some(1)));
    assert_eq!(c.needs, vec!["safety".to_string()]);
    assert!(c.strengths.is_empty());

    // Taught, then re-assessed in session 2: knowledge high -> none; area some -> none.
    let s = state(
        &t,
        &[("stair_gate.knowledge", "high", 1), ("stair_gate.practice", "some", 1), ("stair_gate.knowledge", "none", 2)],
    );
    let c = &scoring::score_case(&t, &s).carers[0];
    let area = &c.areas[0];
    assert_eq!((area.priority.as_deref(), area.rule), (Some("none"), Some(3)));
    assert_eq!(area.first_priority.as_deref(), Some("some"));
    assert_eq!(area.change, Some(Change::Improved));
    assert_eq!(c.strengths, vec!["safety".to_string()]);
    assert_eq!(c.changes.len(), 1);
    assert_eq!(c.changes[0].first, ("high".to_string(), 1));
    assert_eq!(c.changes[0].latest, ("none".to_string(), 2));
    assert_eq!(c.changes[0].change, Change::Improved);
}

#[test]
fn an_unassessed_area_has_no_priority() {
    let t = minimal();
    let s = state(&t, &[]);
    let area = &scoring::score_case(&t, &s).carers[0].areas[0];
    assert_eq!(area.priority, None);
}

/// Review is refused while a rated item lacks its evidence, and allowed once it is added.
#[test]
fn review_names_the_item_short_of_evidence_until_it_is_added() {
    let env = Env::fixtures();
    env.new_case("minimal", "ZC26C00003", &["mother:Jane Doe:mother"]);
    env.ok(&["session", "start", "--place", "home", "--present", "Ms Doe"]);
    env.ok(&["answer", "scr_reading", "yes"]);
    env.ok(&["answer", "stair_gate.knowledge", "none"]);
    env.ok(&["answer", "stair_gate.practice", "none"]);
    env.ok(&["answer", "smoke_alarm", "yes"]);
    env.ok(&["session", "end"]);
    let before = env.log("ZC26C00003");
    let r = env.refused(&["review"]);
    assert!(r.stderr.contains("1 rated item(s) are short of evidence"), "{}", r.all());
    assert!(
        r.stderr.contains("smoke_alarm for Jane Doe (mother): needs 1 more entry of an observation (has 0)"),
        "{}",
        r.all()
    );
    assert_eq!(env.log("ZC26C00003"), before);
    // A parent's account does not count: the template asks for an observation.
    env.ok(&[
        "evidence",
        "add",
        "--kind",
        "parent-account",
        "--supports",
        "smoke_alarm",
        "--text",
        "I test it every Sunday.",
    ]);
    env.refused(&["review"]);
    env.ok(&[
        "evidence",
        "add",
        "--kind",
        "observation",
        "--supports",
        "smoke_alarm",
        "--text",
        "Pressed the test button; it sounded.",
    ]);
    let r = env.ok(&["review"]);
    assert!(r.stdout.contains("The case is now in review"), "{}", r.all());
}

#[test]
fn a_correction_keeps_the_original_in_the_log_and_the_correction_in_the_state() {
    let env = Env::fixtures();
    env.new_case("minimal", "ZC26C00004", &["mother:Jane Doe:mother"]);
    env.ok(&[
        "evidence",
        "add",
        "--kind",
        "observation",
        "--date",
        "2026-03-02",
        "--supports",
        "smoke_alarm",
        "--text",
        "Alarm tested: it worked (kitchen).",
    ]);
    env.ok(&[
        "evidence",
        "add",
        "--corrects",
        "E1",
        "--kind",
        "observation",
        "--date",
        "2026-03-02",
        "--supports",
        "smoke_alarm",
        "--text",
        "Alarm tested: it worked (hallway, not kitchen).",
    ]);
    let r = env.refused(&[
        "evidence",
        "add",
        "--corrects",
        "E1",
        "--kind",
        "observation",
        "--supports",
        "smoke_alarm",
        "--text",
        "again",
    ]);
    assert!(r.stderr.contains("E1 was already corrected by E2"), "{}", r.all());
    let case = assess::case::DataDir::new(env.data()).open("ZC26C00004").unwrap();
    let records = case.load().unwrap().records;
    let texts: Vec<String> = records
        .iter()
        .filter_map(|r| match r.body() {
            Ok(EventBody::EvidenceAdded(e)) => Some(e.text),
            _ => None,
        })
        .collect();
    assert_eq!(texts.len(), 2, "both entries stay in the log");
    let state = CaseState::replay(&records).unwrap();
    let current: Vec<&str> = state.current_evidence().map(|r| r.entry.text.as_str()).collect();
    assert_eq!(current, vec!["Alarm tested: it worked (hallway, not kitchen)."]);
    assert_eq!(state.evidence[0].superseded_by.as_deref(), Some("E2"));
    let r = env.ok(&["evidence", "list", "--all"]);
    assert!(r.stdout.contains("[corrected by E2]"), "{}", r.all());
}

#[test]
fn attachments_are_kept_by_hash_and_a_changed_one_fails_verify() {
    let env = Env::fixtures();
    env.new_case("minimal", "ZC26C00005", &["mother:Jane Doe:mother"]);
    let letter = env.dir.path().join("gp-letter.txt");
    std::fs::write(&letter, "Immunisations up to date.").unwrap();
    let r = env.ok(&[
        "evidence",
        "add",
        "--kind",
        "document",
        "--title",
        "GP letter",
        "--date",
        "2026-02-01",
        "--supports",
        "smoke_alarm",
        "--text",
        "The GP confirms the immunisations.",
        "--attach",
        letter.to_str().unwrap(),
    ]);
    assert!(r.stdout.contains("Attached gp-letter.txt (25 bytes"), "{}", r.all());
    let r = env.ok(&["evidence", "show", "E1"]);
    assert!(r.stdout.contains("Document: GP letter"), "{}", r.all());
    env.ok(&["verify"]);
    let stored: Vec<_> = std::fs::read_dir(env.case_dir("ZC26C00005").join("attachments")).unwrap().collect();
    assert_eq!(stored.len(), 1);
    let path = stored[0].as_ref().unwrap().path();
    std::fs::write(&path, "Immunisations NOT up to date.").unwrap();
    let r = env.refused(&["verify"]);
    assert!(
        r.stderr.contains("the attachment `gp-letter.txt` of evidence E1 (event 2) is missing or was changed"),
        "{}",
        r.all()
    );
    // A document needs its title, a third-party report who made it: refused, nothing written.
    let before = env.log("ZC26C00005");
    let r = env.refused(&["evidence", "add", "--kind", "third-party", "--supports", "smoke_alarm", "--text", "x"]);
    assert!(r.stderr.contains("needs who made it and their role"), "{}", r.all());
    let r = env.refused(&["evidence", "add", "--kind", "observation", "--supports", "no_such_item", "--text", "x"]);
    assert!(r.stderr.contains("there is no item `no_such_item`"), "{}", r.all());
    assert_eq!(env.log("ZC26C00005"), before);
}

#[test]
fn the_narrative_is_written_from_a_file_or_the_editor_and_every_version_is_kept() {
    let env = Env::fixtures();
    env.new_case("minimal", "ZC26C00006", &["mother:Jane Doe:mother"]);
    let file = env.dir.path().join("safety.md");
    std::fs::write(&file, "Ms Doe keeps the stairs safe.\n").unwrap();
    env.ok(&["narrative", "edit", "safety", "--file", file.to_str().unwrap()]);
    let r = env.refused(&["narrative", "edit", "safety", "--file", file.to_str().unwrap()]);
    assert!(r.stderr.contains("unchanged"), "{}", r.all());
    let r = env.refused(&["narrative", "edit", "kitchen", "--file", file.to_str().unwrap()]);
    assert!(r.stderr.contains("the sections are: summary, conclusions, recommendations, safety"), "{}", r.all());
    // An "editor" that appends a sentence to the file it is given.
    let editor = env.dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\necho 'She tests the alarm weekly.' >> \"$1\"\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let out =
        env.command(&["narrative", "edit", "safety"]).env("EDITOR", &editor).env_remove("VISUAL").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let case = assess::case::DataDir::new(env.data()).open("ZC26C00006").unwrap();
    let state = CaseState::replay(&case.load().unwrap().records).unwrap();
    let n = &state.narrative["area:safety"];
    assert_eq!(n.text, "Ms Doe keeps the stairs safe.\nShe tests the alarm weekly.");
    assert_eq!(n.versions, 2);
}

#[test]
fn the_score_table_reads_plainly() {
    let env = Env::shipped();
    env.ok(&[
        "case",
        "new",
        "--template",
        "postnatal-mood",
        "--number",
        "ZC26C00007",
        "--court",
        "Family Court at Exampleton",
        "--child",
        "L.B. 2026-01-10",
        "--carer",
        "mother:Jane Doe:mother",
        "--assessor",
        "Sam Patel",
    ]);
    env.ok(&["session", "start", "--place", "clinic", "--present", "Ms Doe; the assessor"]);
    let answers = env.dir.path().join("mood.yaml");
    std::fs::write(
        &answers,
        "answers:\n  - { question: q1, value: bit_less }\n  - { question: q2, value: bit_less }\n  - { question: q3, value: some_of_the_time }\n  - { question: q4, value: sometimes }\n  - { question: q5, value: not_often }\n  - { question: q6, value: some_of_the_time }\n  - { question: q7, value: not_often }\n  - { question: q8, value: some_of_the_time }\n  - { question: q9, value: not_often }\n",
    )
    .unwrap();
    env.ok(&["answers", "import", answers.to_str().unwrap()]);
    let r = env.ok(&["score"]);
    insta::assert_snapshot!(r.stdout);
    let json: serde_json::Value = serde_json::from_str(&env.ok(&["score", "--json"]).stdout).unwrap();
    assert_eq!(json["carers"][0]["measures"][0]["total"]["status"], "scored");
}
