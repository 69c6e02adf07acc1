//! Every input the fuzzers found (kept in `tests/fixtures/fuzz/<target>/`) and a few seeds
//! run through the same entry points as the fuzz targets: none may panic.

use std::path::Path;

fn each(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        run(&bytes);
        n += 1;
    }
    n
}

#[test]
fn fuzz_inputs_do_not_panic() {
    each("template_load", assess::fuzzing::template_load);
    each("expr_compile", assess::fuzzing::expr_compile);
    each("answers_import", assess::fuzzing::answers_import);
    each("event_replay", assess::fuzzing::event_replay);
}

#[test]
fn seeds_do_not_panic() {
    let minimal = include_bytes!("fixtures/templates/valid/minimal/template.yaml");
    assess::fuzzing::template_load(minimal);
    assess::fuzzing::expr_compile(b"answers.scr_reading != 'yes' and case.youngest_child_age_months < 36");
    assess::fuzzing::expr_compile(b"{{ ((((");
    assess::fuzzing::answers_import(b"answers:\n  - { question: scr_reading, value: with_help }\n");
    assess::fuzzing::event_replay(b"{\"seq\":1}\n");
}
