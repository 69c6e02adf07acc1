//! Crash safety: `assess answer` processes are killed (SIGKILL) at random moments while they
//! write. After every kill the case must load, and every answer a process reported as saved
//! must be in the log; at the end `assess verify` must pass.

mod common;

use assess::case::{CaseState, DataDir, EventBody};
use common::Env;
use std::process::Stdio;
use std::time::Duration;

const CASE: &str = "ZC26C00009";

/// A small deterministic random source (no extra crate needed for a test's jitter).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn killing_writers_at_random_never_loses_a_saved_answer_or_breaks_the_case() {
    let env = Env::fixtures();
    env.new_case("minimal", CASE, &["mother:Jane Doe:mother"]);
    env.ok(&["session", "start", "--place", "home", "--present", "all"]);
    env.ok(&["answer", "scr_reading", "yes"]);

    let rounds: u64 = std::env::var("ASSESS_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let mut rng = Lcg(0x5eed);
    let mut acknowledged = Vec::new();
    let mut killed = 0;
    let data = DataDir::new(env.data());
    for i in 0..rounds {
        let note = format!("attempt-{i}");
        let mut child = env
            .command(&["answer", "stair_gate.knowledge", "some", "--note", &note])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.next() % 15_000));
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        if !out.status.success() {
            killed += 1;
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        if stdout.contains("Saved: stair_gate.knowledge") {
            acknowledged.push(note);
        }
        // After every kill the case loads and replays.
        let case = data.open(CASE).unwrap();
        let log = case.load().unwrap_or_else(|e| panic!("round {i}: the case no longer loads: {e}"));
        CaseState::replay(&log.records).unwrap_or_else(|e| panic!("round {i}: the case no longer replays: {e}"));
    }
    let case = data.open(CASE).unwrap();
    let log = case.load().unwrap();
    let notes: Vec<String> = log
        .records
        .iter()
        .filter_map(|r| match r.body() {
            Ok(EventBody::Answered(a)) => a.note,
            _ => None,
        })
        .collect();
    for n in &acknowledged {
        assert!(notes.contains(n), "{n} was reported saved but is not in the log");
    }
    assert!(killed > 0, "no process was killed while running: the test did not test anything");
    assert!(!acknowledged.is_empty(), "no process finished: the timing is off");
    let r = env.ok(&["verify"]);
    assert!(r.stdout.contains("is intact"), "{}", r.all());
    eprintln!(
        "{rounds} rounds: {killed} killed before finishing, {} reported saved, {} in the log",
        acknowledged.len(),
        notes.len()
    );
}
