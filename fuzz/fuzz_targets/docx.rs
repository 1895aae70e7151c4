//! DOCX bytes through the whole chain. The first byte picks what the rest is:
//! even, a whole file (seeded with the DOCX samples); odd, the body
//! `word/document.xml` of a file built around it, so the XML walk and the
//! span layout are reached by most inputs rather than stopped by a checksum.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use xxgk::Source;

fn docx_around(body: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("word/document.xml", stored).expect("an entry");
    zip.write_all(body).expect("in memory");
    zip.finish().expect("in memory").into_inner()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode % 2 == 0 { rest.to_vec() } else { docx_around(rest) };
    let report = xxgk::extract_bytes(&bytes, Source::default(), None);
    serde_json::to_string(&report).expect("every report serialises");
});
