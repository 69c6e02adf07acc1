//! Reading and replaying a case log must never panic or hang.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    assess::fuzzing::event_replay(data);
});
