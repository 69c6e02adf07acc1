//! Template loading: YAML, schema and semantic checks must never panic or hang.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    assess::fuzzing::template_load(data);
});
