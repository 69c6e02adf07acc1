//! Expression compiling and evaluating must never panic or hang.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    assess::fuzzing::expr_compile(data);
});
