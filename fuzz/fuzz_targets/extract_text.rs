//! The text path: arbitrary bytes read as a text dump (never as HTML), so the
//! line reader, the archive-header reader and the solver's runs, cuts and
//! placements get every execution.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `<` could make the input look like HTML; a look-alike keeps it text.
    let text = String::from_utf8_lossy(data).replace('<', "〈");
    let report = xxgk::extract_bytes(text.as_bytes(), xxgk::Source::default(), None);
    serde_json::to_string(&report).expect("every record serialises");
});
