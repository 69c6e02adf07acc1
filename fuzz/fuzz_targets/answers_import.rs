//! Importing an answers file into a case must never panic or hang.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    assess::fuzzing::answers_import(data);
});
