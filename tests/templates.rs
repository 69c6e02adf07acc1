//! Template loading: the broken-template corpus (one file per kind of problem, each with a
//! reviewed snapshot of its diagnostics), the shipped templates, and the schema file.

use assess::diag::Severity;
use assess::template::{self, Base};
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/templates");

/// Every file in `broken/` must fail to load, and its diagnostics are snapshotted.
/// The first line of each fixture is a comment saying what it breaks.
#[test]
fn broken_templates_report_every_problem_with_its_position() {
    insta::glob!("fixtures/templates/broken/*.yaml", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = format!("broken/{}", path.file_name().unwrap().to_string_lossy());
        // Companion files are named relative to the crate, so snapshots do not depend on where
        // the repository is checked out.
        let dir = path.parent().unwrap();
        let dir = dir.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(dir).to_path_buf();
        let outcome = template::load_bytes(&name, &bytes, Base::Dir(dir));
        assert!(outcome.template.is_none(), "{name} should not load");
        assert!(outcome.diagnostics.iter().any(|d| d.severity == Severity::Error), "{name} has no error");
        for d in &outcome.diagnostics {
            assert!(d.range.is_some(), "{name}: a diagnostic without a position: {}", d.message);
        }
        insta::assert_snapshot!(assess::cli::validation_text(&outcome));
    });
}

#[test]
fn valid_fixtures_load_without_diagnostics() {
    for path in template::files_under(&Path::new(FIXTURES).join("valid")).unwrap() {
        let outcome = template::load_path(&path);
        assert!(outcome.diagnostics.is_empty(), "{}", assess::cli::validation_text(&outcome));
        assert!(outcome.template.is_some());
    }
}

#[test]
fn shipped_templates_are_valid_and_clean() {
    let outcomes = template::load_embedded();
    assert!(!outcomes.is_empty(), "no templates are embedded");
    for o in &outcomes {
        assert!(o.diagnostics.is_empty(), "{}", assess::cli::validation_text(o));
    }
}

#[test]
fn committed_schema_matches_the_model() {
    let committed: serde_json::Value = serde_json::from_str(template::SCHEMA_JSON).unwrap();
    assert_eq!(
        committed,
        template::generated_schema(),
        "schemas/assessment-template.schema.json is out of date: run `cargo run -- template schema > schemas/assessment-template.schema.json`"
    );
}
