//! `assess template …` run as a program: exit codes, every diagnostic printed with its
//! file:line:column, JSON for tools, and clear refusals (exit 1, never a panic's 101).

use assess::template;
use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VALID: &str = "tests/fixtures/templates/valid";
const BROKEN: &str = "tests/fixtures/templates/broken";

/// Runs `assess` in the crate folder, without templates from the environment.
fn assess(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assess"))
        .args(args)
        .current_dir(ROOT)
        .env_remove("ASSESS_TEMPLATES")
        .output()
        .expect("the assess binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn validate_accepts_the_valid_fixtures() {
    let o = assess(&["template", "validate", VALID]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("2 files checked: 2 valid, 0 with errors."), "{}", stdout(&o));
}

#[test]
fn validate_prints_every_error_of_every_broken_fixture_with_its_position() {
    let o = assess(&["template", "validate", BROKEN]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let files = template::files_under(&Path::new(ROOT).join(BROKEN)).unwrap();
    assert!(out.contains(&format!("{n} files checked: 0 valid, {n} with errors.", n = files.len())), "{out}");
    for path in files {
        // The command names files as given on its command line, relative to the crate.
        let relative = path.strip_prefix(ROOT).unwrap();
        let outcome = template::load_path(relative);
        assert!(!outcome.diagnostics.is_empty(), "{}", relative.display());
        for d in &outcome.diagnostics {
            let (line, column) = d.line_column().expect("a position");
            let header = format!("{}:{line}:{column}: {}", d.file, d.message);
            assert!(out.contains(&header), "missing from the output: {header}");
        }
        assert!(out.contains(&format!("{}: INVALID", relative.display())), "{}", relative.display());
    }
}

#[test]
fn validate_of_one_broken_file_exits_1() {
    let file = format!("{BROKEN}/expression-unknown-name.yaml");
    let o = assess(&["template", "validate", &file]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains(&format!("{file}:27:19: `case.youngest_child_age` is not a known fact")), "{out}");
    assert!(out.contains(&format!("{file}:27:52: `answers.scr_readng` names no item")), "{out}");
    assert!(out.contains("hint: check the item id (did you mean `scr_reading`?)"), "{out}");
}

#[test]
fn validate_json_gives_positions_for_tools() {
    let o = assess(&["template", "validate", "--json", VALID, BROKEN]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("the output is JSON");
    let files = report.as_array().expect("a list of files");
    let valid: Vec<&serde_json::Value> = files.iter().filter(|f| f["valid"] == true).collect();
    assert_eq!(valid.len(), 2);
    for v in valid {
        assert_eq!(v["diagnostics"], serde_json::json!([]));
    }
    for f in files.iter().filter(|f| f["valid"] == false) {
        let diagnostics = f["diagnostics"].as_array().expect("diagnostics");
        assert!(!diagnostics.is_empty(), "{f}");
        for d in diagnostics {
            assert!(d["line"].as_u64().is_some_and(|l| l >= 1), "{d}");
            assert!(d["column"].as_u64().is_some_and(|c| c >= 1), "{d}");
            assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()), "{d}");
            assert!(d["severity"] == "error" || d["severity"] == "warning", "{d}");
            assert!(d["file"].is_string(), "{d}");
        }
    }
    let unknown = files
        .iter()
        .find(|f| f["file"].as_str().is_some_and(|n| n.ends_with("expression-unknown-name.yaml")))
        .expect("the fixture is in the report");
    assert_eq!(unknown["diagnostics"][1]["line"], 27);
    assert_eq!(unknown["diagnostics"][1]["column"], 52);
    assert_eq!(unknown["diagnostics"][1]["hint"], "check the item id (did you mean `scr_reading`?)");
}

#[test]
fn a_report_template_error_is_reported_in_the_report_template() {
    let o = assess(&["template", "validate", "--json", &format!("{BROKEN}/report-template-syntax-error.yaml")]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &report[0]["diagnostics"][0];
    assert_eq!(d["file"], format!("{BROKEN}/assets/court-broken.md.j2"));
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(6), Some(36)));
}

#[test]
fn list_shows_templates_from_a_folder() {
    let o = assess(&["template", "list", "--templates", VALID]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().next().is_some_and(|l| l.starts_with("ID")), "{out}");
    let minimal = out.lines().find(|l| l.starts_with("minimal ")).unwrap_or_else(|| panic!("{out}"));
    assert!(minimal.contains("0.1.0") && minimal.contains("Home safety check"), "{minimal}");
}

#[test]
fn show_outlines_a_template_by_id() {
    let o = assess(&["template", "show", "minimal", "--templates", VALID]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Home safety check (minimal 0.1.0)"), "{out}");
    assert!(out.contains("Smoke alarm `smoke_alarm` [yes_no]"), "{out}");
    assert!(out.contains("Area priority (need → need, 3 rules, first match wins)"), "{out}");
}

#[test]
fn show_of_a_broken_file_prints_its_problems_and_exits_1() {
    let file = format!("{BROKEN}/duplicate-item-ids.yaml");
    let o = assess(&["template", "show", &file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("{file}:27:13: the item id `smoke_alarm` is used twice")), "{}", stderr(&o));
}

#[test]
fn schema_prints_the_committed_schema() {
    let o = assess(&["template", "schema"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).expect("the schema is JSON");
    let committed: serde_json::Value = serde_json::from_str(template::SCHEMA_JSON).unwrap();
    assert_eq!(printed, committed);
}

#[test]
fn a_path_that_does_not_exist_is_refused_clearly() {
    let o = assess(&["template", "validate", "no/such/template.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim(), "error: `no/such/template.yaml` does not exist");
}

#[test]
fn an_unknown_template_id_is_refused_clearly() {
    let o = assess(&["template", "show", "no-such-template", "--templates", VALID]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("there is no template called `no-such-template`"), "{}", stderr(&o));
}

#[test]
fn a_folder_without_templates_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let o = assess(&["template", "validate", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("there are no .yaml files in"), "{}", stderr(&o));
}

#[test]
fn a_multi_megabyte_file_is_refused_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, "# padding\n".repeat(300_000)).unwrap();
    let o = assess(&["template", "validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains(":1:1: the file is 2.9 MiB; files over 2.0 MiB are refused"), "{}", stdout(&o));
}

#[test]
fn a_mistyped_command_exits_2() {
    let o = assess(&["template", "validat"]);
    assert_eq!(o.status.code(), Some(2));
}
