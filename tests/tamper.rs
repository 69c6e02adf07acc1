//! Tamper evidence: random single-byte changes, deleted lines and reordered lines in
//! `events.jsonl` are all detected by `verify`, which names where the log stops being sound.

mod common;

use assess::case::DataDir;
use common::Env;

const CASE: &str = "ZC26C00020";

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// A case with a few dozen events of every common kind.
fn case() -> Env {
    let env = Env::fixtures();
    env.new_case("minimal", CASE, &["mother:Jane Doe:mother"]);
    for s in 0..3 {
        let date = format!("2026-03-0{}", s + 2);
        env.ok(&["session", "start", "--date", &date, "--place", "home", "--present", "Ms Doe"]);
        if s == 0 {
            env.ok(&["answer", "scr_reading", "with_help"]);
        }
        env.ok(&["answer", "stair_gate.knowledge", "some", "--note", "Said the gate stops falls"]);
        env.ok(&["answer", "smoke_alarm", "yes"]);
        env.ok(&["evidence", "add", "--kind", "observation", "--supports", "smoke_alarm", "--text", "Tested it."]);
        env.ok(&["session", "end"]);
    }
    env
}

#[test]
fn every_single_byte_change_deleted_line_and_reordering_is_detected() {
    let env = case();
    let case = DataDir::new(env.data()).open(CASE).unwrap();
    assert!(case.verify().is_ok());
    let path = case.path.join("events.jsonl");
    let original = std::fs::read(&path).unwrap();
    let lines: Vec<&[u8]> = original.split_inclusive(|&b| b == b'\n').collect();
    assert!(lines.len() > 20, "the case should have a few dozen events, has {}", lines.len());
    let mut rng = Lcg(42);
    let mut checked = 0;

    // Single-byte changes anywhere in the file.
    for _ in 0..400 {
        let mut bytes = original.clone();
        let at = (rng.next() as usize) % bytes.len();
        let old = bytes[at];
        let mut new = (rng.next() % 256) as u8;
        if new == old {
            new = old.wrapping_add(1);
        }
        bytes[at] = new;
        std::fs::write(&path, &bytes).unwrap();
        assert!(case.verify().is_err(), "changing byte {at} from {old:#x} to {new:#x} went unnoticed");
        checked += 1;
    }
    // Every line deleted in turn.
    for i in 0..lines.len() {
        let bytes: Vec<u8> =
            lines.iter().enumerate().filter(|(j, _)| *j != i).flat_map(|(_, l)| l.iter().copied()).collect();
        std::fs::write(&path, &bytes).unwrap();
        let err = case.verify().unwrap_err().to_string();
        assert!(err.contains("event"), "deleting line {} was reported without naming an event: {err}", i + 1);
        checked += 1;
    }
    // Pairs of lines swapped.
    for _ in 0..100 {
        let a = (rng.next() as usize) % lines.len();
        let b = (rng.next() as usize) % lines.len();
        if a == b {
            continue;
        }
        let mut reordered = lines.clone();
        reordered.swap(a, b);
        std::fs::write(&path, reordered.concat()).unwrap();
        assert!(case.verify().is_err(), "swapping lines {} and {} went unnoticed", a + 1, b + 1);
        checked += 1;
    }
    std::fs::write(&path, &original).unwrap();
    assert!(case.verify().is_ok());
    assert!(checked > 450);
}

#[test]
fn verify_names_the_first_changed_event() {
    let env = case();
    let path = env.case_dir(CASE).join("events.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    // Change the note of the second answer to the stairs question.
    let first = text.find("Said the gate stops falls").unwrap();
    let second = first + 1 + text[first + 1..].find("Said the gate stops falls").unwrap();
    let line = text[..second].matches('\n').count() + 1;
    let changed =
        format!("{}Said the gate stops FALLS{}", &text[..second], &text[second + "Said the gate stops falls".len()..]);
    std::fs::write(&path, changed).unwrap();
    let r = env.refused(&["verify"]);
    assert!(
        r.stderr.contains(&format!("event {line} (line {line}, answered) was changed after it was saved")),
        "{}",
        r.all()
    );
}
