//! Coverage-guided fuzzing of the scenario language: parsing and running any text must
//! end in an outcome or an error, never a panic. Run from `fuzz/`:
//! `cargo fuzz run scenario corpus/scenario ../tests/scenarios` — libFuzzer writes new
//! inputs to the first directory and only reads the suite's scenarios as seeds.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = mapioffline::scenario::run_script(text);
    }
});
