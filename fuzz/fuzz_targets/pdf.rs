//! PDF bytes through the whole chain. The first byte picks what the rest is:
//! even, a whole file (seeded with real report PDFs); odd, the content stream
//! of a one-page PDF with a CID font and a `/ToUnicode` map, so the content
//! interpreter and font decoding are reached by most inputs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xxgk::Source;

const FONT: &str = "<< /Type /Font /Subtype /Type0 /BaseFont /F /Encoding /Identity-H \
/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /DW 1000 /W [16 [500 500] 20 30 500] >>] \
/ToUnicode 6 0 R >>";
const CMAP: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap \
1 begincodespacerange <0000> <FFFF> endcodespacerange \
2 beginbfrange <0010> <0019> <0030> <4E00> <4E10> <4E00> endbfrange endcmap end end";

fn one_page(content: &[u8]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
/Resources << /Font << /F1 5 0 R >> /XObject << /X1 7 0 R >> >> >> endobj\n"
        .to_vec();
    pdf.extend(format!("4 0 obj << /Length {} >> stream\n", content.len()).bytes());
    pdf.extend_from_slice(content);
    pdf.extend(format!("\nendstream endobj\n5 0 obj {FONT} endobj\n").bytes());
    pdf.extend(format!("6 0 obj << /Length {} >> stream\n{CMAP}\nendstream endobj\n", CMAP.len()).bytes());
    pdf.extend(b"7 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 9 9] /Length 24 >> stream\nBT /F1 9 Tf <0011> Tj ET\nendstream endobj\n");
    pdf.extend(b"trailer << /Root 1 0 R >>\n%%EOF\n");
    pdf
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode % 2 == 0 { rest.to_vec() } else { one_page(rest) };
    let report = xxgk::extract_bytes(&bytes, Source::default(), None);
    serde_json::to_string(&report).expect("every report serialises");
});
