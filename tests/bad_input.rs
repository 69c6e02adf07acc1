//! Bad input of every kind gets exit code 1 and a message: never a panic (exit 101), never a
//! hang. Templates (the broken corpus), answer files, and damaged case folders.

mod common;

use common::Env;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const CASE: &str = "ZC26C00030";

/// Runs the command with a watchdog; returns (exit code, stderr).
fn run_guarded(env: &Env, args: &[&str]) -> (i32, String) {
    let mut child =
        env.command(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("assess {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn expect_refused(env: &Env, args: &[&str], what: &str) {
    let (code, stderr) = run_guarded(env, args);
    assert_ne!(code, 101, "{what}: assess {args:?} panicked:\n{stderr}");
    assert_eq!(code, 1, "{what}: assess {args:?} should exit 1, got {code}:\n{stderr}");
    assert!(stderr.trim().len() > 10, "{what}: assess {args:?} gave no message");
}

#[test]
fn every_broken_template_is_refused_with_a_message() {
    let env = Env::fixtures();
    let dir = Path::new(common::FIXTURES).join("templates/broken");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            expect_refused(&env, &["template", "validate", path.to_str().unwrap()], &path.display().to_string());
            n += 1;
        }
    }
    assert!(n >= 1);
    // Hostile files made on the spot.
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("too big", vec![b'#'; 3 * 1024 * 1024]),
        ("deep", format!("a: {}", "[".repeat(10_000)).into_bytes()),
        ("alias bomb", {
            let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 0..12 {
                s.push_str(&format!(
                    "b{i}: &b{i} [{}]\n",
                    vec![if i == 0 { "*a".to_string() } else { format!("*b{}", i - 1) }; 10].join(", ")
                ));
            }
            s.into_bytes()
        }),
        ("not UTF-8", b"id: \xff\xfe\n".to_vec()),
        ("empty", Vec::new()),
        ("a list", b"- 1\n- 2\n".to_vec()),
    ];
    for (what, bytes) in hostile {
        let path = env.dir.path().join("hostile.yaml");
        std::fs::write(&path, bytes).unwrap();
        let start = Instant::now();
        expect_refused(&env, &["template", "validate", path.to_str().unwrap()], what);
        assert!(start.elapsed() < Duration::from_secs(10), "{what} took {:?}", start.elapsed());
    }
}

fn case_with_session() -> Env {
    let env = Env::fixtures();
    env.new_case("minimal", CASE, &["mother:Jane Doe:mother"]);
    env.ok(&["session", "start", "--place", "home", "--present", "Ms Doe"]);
    env.ok(&["answer", "scr_reading", "yes"]);
    env
}

#[test]
fn malformed_answer_files_are_refused_and_nothing_is_written() {
    let env = case_with_session();
    let before = env.log(CASE);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not a mapping", b"- a\n- b\n".to_vec()),
        ("answers not a list", b"answers: yes\n".to_vec()),
        ("unknown key", b"answers:\n  - { question: smoke_alarm, value: yes, colour: red }\n".to_vec()),
        ("no value or skip", b"answers:\n  - { question: smoke_alarm }\n".to_vec()),
        ("both value and skip", b"answers:\n  - { question: smoke_alarm, value: yes, skip: no }\n".to_vec()),
        ("value is a mapping", b"answers:\n  - { question: smoke_alarm, value: { a: 1 } }\n".to_vec()),
        ("unknown question", b"answers:\n  - { question: nothing_here, value: yes }\n".to_vec()),
        ("bad value", b"answers:\n  - { question: stair_gate.knowledge, value: 42 }\n".to_vec()),
        ("not UTF-8", b"answers:\n  - { question: \xff }\n".to_vec()),
        ("deep", format!("answers: {}", "[".repeat(5000)).into_bytes()),
        ("duplicate keys", b"answers: []\nanswers: []\n".to_vec()),
        ("tabs", b"answers:\n\t- x\n".to_vec()),
    ];
    for (what, bytes) in files {
        let path = env.dir.path().join("answers.yaml");
        std::fs::write(&path, bytes).unwrap();
        expect_refused(&env, &["answers", "import", path.to_str().unwrap()], what);
        assert_eq!(env.log(CASE), before, "{what}: something was written");
    }
    expect_refused(&env, &["answers", "import", "/no/such/file.yaml"], "missing file");
}

#[test]
fn damaged_case_folders_are_refused_with_a_message() {
    type Damage = fn(&Path);
    let damages: Vec<(&str, Damage)> = vec![
        ("log deleted", |d| std::fs::remove_file(d.join("events.jsonl")).unwrap()),
        ("log emptied", |d| std::fs::write(d.join("events.jsonl"), b"").unwrap()),
        ("log is garbage", |d| std::fs::write(d.join("events.jsonl"), b"not json at all\n").unwrap()),
        ("log is binary", |d| std::fs::write(d.join("events.jsonl"), [0u8, 159, 146, 150, 10]).unwrap()),
        ("head deleted", |d| std::fs::remove_file(d.join("head")).unwrap()),
        ("head is garbage", |d| std::fs::write(d.join("head"), b"{{{").unwrap()),
        ("template copy deleted", |d| std::fs::remove_dir_all(d.join("template")).unwrap()),
        ("template copy broken", |d| std::fs::write(d.join("template/template.yaml"), b"id: [").unwrap()),
        ("an event of an unknown kind", |d| {
            use assess::case::Record;
            let text = std::fs::read_to_string(d.join("events.jsonl")).unwrap();
            let last = Record::from_line(text.lines().last().unwrap()).unwrap();
            let r = Record::seal_raw(
                last.seq + 1,
                &last.time(),
                &last.author(),
                "from_the_future",
                last.payload(),
                false,
                last.hash(),
            );
            std::fs::write(d.join("events.jsonl"), format!("{text}{}\n", r.line())).unwrap();
            std::fs::write(d.join("head"), format!("{{\"seq\":{},\"hash\":\"{}\"}}", r.seq, r.hash())).unwrap();
        }),
        ("an event whose payload is not one JSON value", |d| {
            use assess::case::Record;
            // Written with a correct hash, so only reading the event can tell.
            let text = std::fs::read_to_string(d.join("events.jsonl")).unwrap();
            let last = Record::from_line(text.lines().last().unwrap()).unwrap();
            let payload = format!("{},\"x\":1", last.payload());
            let r = Record::seal_raw(
                last.seq + 1,
                &last.time(),
                &last.author(),
                &last.kind(),
                &payload,
                false,
                last.hash(),
            );
            std::fs::write(d.join("events.jsonl"), format!("{text}{}\n", r.line())).unwrap();
            std::fs::write(d.join("head"), format!("{{\"seq\":{},\"hash\":\"{}\"}}", r.seq, r.hash())).unwrap();
        }),
    ];
    for (what, damage) in damages {
        let env = case_with_session();
        damage(&env.case_dir(CASE));
        for cmd in [&["next"][..], &["verify"], &["score"], &["answer", "smoke_alarm", "yes"], &["report"]] {
            expect_refused(&env, cmd, &format!("{what}, {cmd:?}"));
        }
    }
}
