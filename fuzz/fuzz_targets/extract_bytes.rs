//! Any bytes through the whole chain (decode → flatten → extract → check):
//! the answer may be anything, but it must come back, and it must serialise.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xxgk::Source;

fuzz_target!(|bytes: &[u8]| {
    let report = xxgk::extract_bytes(bytes, Source::default(), None);
    serde_json::to_string(&report).expect("every report serialises");
});
