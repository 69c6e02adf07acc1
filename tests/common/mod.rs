//! Helpers shared by the command-line tests: a private data folder and a way to run `assess`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The test fixtures folder.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A throwaway data folder with commands run against it.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub templates: Option<PathBuf>,
    pub now: String,
}

/// What a command did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both streams, for snapshots and messages.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl Env {
    /// An environment using the shipped templates.
    pub fn shipped() -> Env {
        Env { dir: tempfile::tempdir().unwrap(), templates: None, now: "2026-03-02T10:00:00Z".into() }
    }

    /// An environment using the small fixture templates.
    pub fn fixtures() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            templates: Some(Path::new(FIXTURES).join("templates/valid")),
            now: "2026-03-02T10:00:00Z".into(),
        }
    }

    /// The data folder.
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The command, ready to run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_assess"));
        c.args(args)
            .env("ASSESS_DATA", self.data())
            .env("ASSESS_NOW", &self.now)
            .env_remove("ASSESS_CASE")
            .env_remove("ASSESS_AUTHOR")
            .env_remove("ASSESS_TEMPLATES")
            .current_dir(self.dir.path());
        if let Some(t) = &self.templates {
            c.env("ASSESS_TEMPLATES", t);
        }
        c
    }

    /// Runs `assess ARGS`.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = self.command(args).stdin(Stdio::null()).output().unwrap();
        to_run(out)
    }

    /// Runs `assess ARGS` with text on standard input.
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        to_run(child.wait_with_output().unwrap())
    }

    /// Opens a case on `template` with one child (L.B., born 2025-01-10) and the given carers
    /// (`id:name:relationship`), at the Family Court at Exampleton, assessed by Sam Patel.
    pub fn new_case(&self, template: &str, number: &str, carers: &[&str]) {
        let mut args = vec![
            "case",
            "new",
            "--template",
            template,
            "--number",
            number,
            "--court",
            "Family Court at Exampleton",
            "--child",
            "L.B. 2025-01-10",
            "--assessor",
            "Sam Patel",
        ];
        for c in carers {
            args.extend(["--carer", c]);
        }
        self.ok(&args);
    }

    /// Runs and insists on success.
    pub fn ok(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(r.code, 0, "assess {args:?} failed:\n{}", r.all());
        r
    }

    /// Runs and insists on exit code 1 (refused), returning the message.
    pub fn refused(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(r.code, 1, "assess {args:?} should be refused:\n{}", r.all());
        r
    }

    /// The case folder.
    pub fn case_dir(&self, id: &str) -> PathBuf {
        self.data().join(id)
    }

    /// The bytes of a case's log.
    pub fn log(&self, id: &str) -> Vec<u8> {
        std::fs::read(self.case_dir(id).join("events.jsonl")).unwrap()
    }
}

fn to_run(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
