//! Cases through the command line on the small `minimal` template: every refusal says why
//! and writes nothing; replay is stable; tampering is caught.

mod common;

use assess::case::{CaseState, DataDir};
use common::Env;

const CASE: &str = "ZC26C00001";

/// A case with two carers (mother and father), one child aged 13 months at the first session.
fn two_carers() -> Env {
    let env = Env::fixtures();
    env.new_case("minimal", CASE, &["mother:Jane Doe:mother", "father:John Roe:father"]);
    env
}

fn one_carer() -> Env {
    let env = Env::fixtures();
    env.new_case("minimal", CASE, &["mother:Jane Doe:mother"]);
    env
}

/// Runs a command that must be refused; checks the message and that the log is unchanged.
fn refused_unchanged(env: &Env, args: &[&str], expect: &str) {
    let before = env.log(CASE);
    let r = env.refused(args);
    assert!(r.stderr.contains(expect), "assess {args:?}: expected {expect:?} in:\n{}", r.all());
    assert!(!r.stdout.contains("Saved"), "assess {args:?} said it saved:\n{}", r.all());
    assert_eq!(env.log(CASE), before, "assess {args:?} wrote to the log although it was refused");
}

#[test]
fn every_refusal_says_why_and_writes_nothing() {
    let env = two_carers();
    refused_unchanged(&env, &["answer", "scr_reading", "yes", "--carer", "mother"], "no session is open");
    refused_unchanged(&env, &["review"], "the case is opened");
    refused_unchanged(&env, &["sign-off", "--name", "S", "--registration", "R"], "run `assess review` first");
    refused_unchanged(&env, &["reopen", "--reason", "x"], "only a signed-off case can be reopened");
    refused_unchanged(&env, &["session", "end"], "no session is open");
    refused_unchanged(
        &env,
        &["session", "start", "--date", "02/03/2026", "--place", "home", "--present", "all"],
        "YYYY-MM-DD",
    );
    refused_unchanged(
        &env,
        &["session", "start", "--place", "home", "--present", "all", "--carer", "aunt"],
        "`aunt` is not a carer",
    );
    refused_unchanged(&env, &["session", "start", "--place", " ", "--present", "all"], "where the session is held");
    env.ok(&[
        "session",
        "start",
        "--date",
        "2026-03-02",
        "--place",
        "family home",
        "--present",
        "Ms Doe, Mr Roe, the assessor",
    ]);
    refused_unchanged(
        &env,
        &["session", "start", "--place", "home", "--present", "all"],
        "session 1 (started 2026-03-02) is still open",
    );
    refused_unchanged(
        &env,
        &["answer", "scr_reading", "yes"],
        "say whose answer this is with --carer (mother or father)",
    );
    refused_unchanged(&env, &["answer", "scr_readin", "yes", "--carer", "mother"], "there is no item `scr_readin`");
    refused_unchanged(
        &env,
        &["answer", "scr_reading", "sometimes", "--carer", "mother"],
        "`sometimes` is not one of the choices",
    );
    refused_unchanged(&env, &["answer", "stair_gate", "some", "--carer", "mother"], "`stair_gate` has 2 parts");
    refused_unchanged(&env, &["answer", "stair_gate.skills", "some", "--carer", "mother"], "has no part `skills`");
    refused_unchanged(
        &env,
        &["answer", "stair_gate.knowledge", "some", "--carer", "mother"],
        "finish the screening for Jane Doe (mother) first",
    );
    refused_unchanged(&env, &["skip", "scr_reading", "--reason", "  ", "--carer", "mother"], "give the reason");
    env.ok(&["answer", "scr_reading", "no", "--carer", "mother"]);
    env.ok(&["answer", "scr_reading", "yes", "--carer", "father"]);
    refused_unchanged(
        &env,
        &["answer", "stair_gate.knowledge", "medium", "--carer", "mother"],
        "`medium` is not a level of the rating scale: none, some, high",
    );
    refused_unchanged(&env, &["answer", "smoke_alarm", "perhaps", "--carer", "mother"], "`perhaps` is not yes or no");
    refused_unchanged(&env, &["skip", "scr_reading", "--reason", "declined", "--carer", "mother"], "already answered");
    refused_unchanged(&env, &["review"], "session 1 is still open");
    env.ok(&["session", "end"]);
    refused_unchanged(
        &env,
        &["session", "start", "--date", "2026-03-01", "--place", "home", "--present", "all"],
        "before session 1",
    );
    let r = env.refused(&["review"]);
    assert!(
        r.stderr.contains("3 required item(s) in 'Safety in the home' are unanswered for Jane Doe (mother): stair_gate.knowledge, stair_gate.practice, smoke_alarm"),
        "{}",
        r.all()
    );
}

#[test]
fn a_second_writer_is_told_the_case_is_busy_and_nothing_is_written() {
    let env = one_carer();
    let case = DataDir::new(env.data()).open(CASE).unwrap();
    let lock = case.lock().unwrap();
    refused_unchanged(
        &env,
        &["session", "start", "--place", "home", "--present", "all"],
        "is being changed by another assess process",
    );
    drop(lock);
    env.ok(&["session", "start", "--place", "home", "--present", "all"]);
}

#[test]
fn an_import_is_all_or_nothing_and_points_at_the_bad_entry() {
    let env = one_carer();
    env.ok(&["session", "start", "--place", "home", "--present", "all"]);
    let file = env.dir.path().join("answers.yaml");
    std::fs::write(
        &file,
        "answers:\n  - { question: scr_reading, value: with_help }\n  - { question: stair_gate.knowledge, value: some }\n  - { question: stair_gate.practice, value: loads }\n",
    )
    .unwrap();
    let before = env.log(CASE);
    let r = env.refused(&["answers", "import", file.to_str().unwrap()]);
    assert!(r.stderr.contains("answers.yaml:4:5"), "{}", r.all());
    assert!(r.stderr.contains("`loads` is not a level"), "{}", r.all());
    assert!(r.stderr.contains("Nothing was imported"), "{}", r.all());
    assert_eq!(env.log(CASE), before);
    std::fs::write(
        &file,
        "answers:\n  - { question: scr_reading, value: with_help }\n  - { question: stair_gate.knowledge, value: some, note: \"She said the gate stops falls\" }\n  - { question: stair_gate.practice, skip: \"not observed\" }\n",
    )
    .unwrap();
    let r = env.ok(&["answers", "import", file.to_str().unwrap()]);
    assert!(r.stdout.contains("Imported 3 entries"), "{}", r.all());
    assert!(r.stdout.contains("Adjustment now in use for mother: Easy-read wording"), "{}", r.all());
}

#[test]
fn replaying_the_log_twice_gives_the_same_state() {
    let env = two_carers();
    env.ok(&["session", "start", "--place", "home", "--present", "all"]);
    env.ok(&["answer", "scr_reading", "no", "--carer", "mother"]);
    env.ok(&["answer", "scr_reading", "yes", "--carer", "father"]);
    env.ok(&["answer", "stair_gate.knowledge", "some", "--carer", "mother", "--note", "Gate keeps her safe"]);
    env.ok(&["skip", "smoke_alarm", "--carer", "father", "--reason", "not observed"]);
    let case = DataDir::new(env.data()).open(CASE).unwrap();
    let records = case.load().unwrap().records;
    let a = CaseState::replay(&records).unwrap();
    let b = CaseState::replay(&records).unwrap();
    assert_eq!(a, b);
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    let mother = &a.carers["mother"];
    assert_eq!(mother.adaptations.len(), 1);
    assert_eq!(mother.adaptations[0].because["scr_reading"], "no");
}

#[test]
fn editing_one_byte_of_the_log_makes_verify_fail_and_name_the_event() {
    let env = one_carer();
    env.ok(&["session", "start", "--place", "home", "--present", "all"]);
    env.ok(&["answer", "scr_reading", "yes"]);
    env.ok(&["answer", "stair_gate.knowledge", "some", "--note", "She said: to stop falls"]);
    let r = env.ok(&["verify"]);
    assert!(r.stdout.contains("is intact"), "{}", r.all());
    let path = env.case_dir(CASE).join("events.jsonl");
    let original = std::fs::read(&path).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    // Change "some" to "home" inside the answer's value.
    let at = text.find("\"value\":\"some\"").unwrap() + "\"value\":\"".len();
    let mut tampered = original.clone();
    tampered[at] = b'h';
    std::fs::write(&path, &tampered).unwrap();
    let r = env.refused(&["verify"]);
    let line = text[..at].matches('\n').count() + 1;
    assert!(r.stderr.contains(&format!("event {line} (line {line}, answered) was changed")), "{}", r.all());
    // Any command on the case now refuses to work on it.
    let r = env.refused(&["next"]);
    assert!(r.stderr.contains("cannot be loaded"), "{}", r.all());
}

#[test]
fn a_changed_template_copy_is_caught() {
    let env = one_carer();
    let path = env.case_dir(CASE).join("template/template.yaml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text = text.replace("Home safety check", "Home safety check (edited)");
    std::fs::write(&path, text).unwrap();
    let r = env.refused(&["verify"]);
    assert!(r.stderr.contains("copy of its template"), "{}", r.all());
}

#[cfg(unix)]
#[test]
fn case_folders_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = one_carer();
    let mut stack = vec![env.data()];
    while let Some(p) = stack.pop() {
        let meta = std::fs::metadata(&p).unwrap();
        assert_eq!(meta.permissions().mode() & 0o077, 0, "{} can be read by others", p.display());
        if meta.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        }
    }
}

#[test]
fn the_whole_workflow_runs_from_a_script_through_run() {
    let env = one_carer();
    env.ok(&["session", "start", "--place", "home", "--present", "Ms Doe; the assessor"]);
    // Screening answer, a note; then the stairs (knowledge, practice) and the smoke alarm.
    let script = "no\n\nsome\nShe said a gate stops falls\nhigh\n\nskip not observed\n";
    let r = env.run_with_input(&["run"], script);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("Ask (easy-read wording): \"Why do we put a gate on the stairs?\""), "{}", r.stdout);
    assert!(r.stdout.contains("Saved: stair_gate.practice = high"), "{}", r.stdout);
    assert!(r.stdout.contains("Saved: smoke_alarm skipped"), "{}", r.stdout);
    env.ok(&["session", "end"]);
    env.ok(&["review"]);
    let r = env.ok(&["sign-off", "--name", "Sam Patel", "--registration", "SW123456", "--date", "2026-03-20"]);
    assert!(r.stdout.contains("Signed off by Sam Patel"), "{}", r.all());
    refused_unchanged(&env, &["session", "start", "--place", "home", "--present", "all"], "signed off");
    env.ok(&["reopen", "--reason", "The court asked about the smoke alarm", "--date", "2026-04-01"]);
    env.ok(&["session", "start", "--date", "2026-04-02", "--place", "home", "--present", "Ms Doe"]);
    env.ok(&["answer", "smoke_alarm", "yes", "--note", "Tested in front of me"]);
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
    env.ok(&["session", "end"]);
    env.ok(&["review"]);
    env.ok(&["sign-off", "--name", "Sam Patel", "--registration", "SW123456", "--date", "2026-04-03"]);
    env.ok(&["verify"]);
}

#[test]
fn a_joint_item_is_answered_once_for_every_carer_in_the_session() {
    let env = Env::fixtures();
    env.new_case("joint", CASE, &["mother:Jane Doe:mother", "father:John Roe:father"]);
    let r = env.ok(&["session", "start", "--place", "home", "--present", "both parents"]);
    assert!(r.stdout.contains("Question for Jane Doe and John Roe (together)"), "{}", r.all());
    // No --carer needed: the item is asked of both together.
    let r = env.ok(&["answer", "bedtime_plan", "none", "--note", "They take turns"]);
    assert!(r.stdout.contains("Saved: bedtime_plan = none (mother and father, session 1, attempt 1)."), "{}", r.all());
    // Their own items still need --carer.
    refused_unchanged(
        &env,
        &["answer", "own_sleep", "none"],
        "say whose answer this is with --carer (mother or father)",
    );
    let case = DataDir::new(env.data()).open(CASE).unwrap();
    let state = CaseState::replay(&case.load().unwrap().records).unwrap();
    for carer in ["mother", "father"] {
        let a = &state.carers[carer].attempts[&"bedtime_plan".parse().unwrap()][0];
        assert_eq!(a.value, "none");
        assert_eq!(a.joint_with.len(), 1);
    }
}
