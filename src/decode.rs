//! Bytes → text. Government pages come as UTF-8, GBK/GB2312 or GB18030, often
//! mislabelled; the order of evidence is: byte-order mark, the charset the
//! server declared, the page's own `<meta>`, then statistical detection.

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};
use memchr::{memchr, memchr2_iter};

/// Text decoded from a page, with the encoding that was used.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// encoding_rs's canonical name, e.g. `UTF-8` or `gb18030`.
    pub encoding: &'static str,
}

/// How far into a page a `<meta charset>` is looked for. The HTML standard
/// says 1024 bytes; real pages put scripts and comments first, so look further.
const META_SCAN_BYTES: usize = 16 * 1024;

/// The decoded text as an owned string no bigger than it needs: a decoder
/// sizes its output for the worst case (GBK's two bytes may become three).
fn owned(text: std::borrow::Cow<str>) -> String {
    let mut text = text.into_owned();
    text.shrink_to_fit();
    text
}

/// Decodes `bytes`, preferring `declared` (e.g. a Content-Type charset) when it
/// decodes cleanly.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: owned(text),
            encoding: encoding.name(),
        };
    }
    let candidates = [declared.and_then(label_to_encoding), meta_charset(bytes)];
    for encoding in candidates.into_iter().flatten() {
        if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
            return Decoded {
                text: owned(text),
                encoding: encoding.name(),
            };
        }
    }
    let encoding = detect(bytes);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: owned(text),
        encoding: encoding.name(),
    }
}

/// Maps a charset label to the encoding xxgk decodes it with. GBK and GB2312
/// pages routinely contain GB18030-only characters, and GB18030 is a strict
/// superset, so both are read as GB18030.
pub fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().trim_matches(['"', '\'']).as_bytes())?;
    Some(if encoding == GBK { GB18030 } else { encoding })
}

/// The charset named by `<meta charset=…>` or `<meta http-equiv … content="…charset=…">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_SCAN_BYTES)];
    // Charset labels are ASCII, so searching the raw bytes case-insensitively
    // is safe (and `Encoding::for_label` ignores case).
    let mut from = 0;
    while let Some(i) = find_ignoring_case(&head[from..], b"<meta") {
        let start = from + i;
        let end = memchr(b'>', &head[start..]).map_or(head.len(), |e| start + e);
        let tag = &head[start..end];
        if let Some(j) = find_ignoring_case(tag, b"charset") {
            let rest = &tag[j + b"charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
                let rest = rest.strip_prefix(b"'").unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
                    .unwrap_or(rest.len());
                if let Some(enc) = std::str::from_utf8(&rest[..label_end])
                    .ok()
                    .and_then(label_to_encoding)
                {
                    // A page whose meta we can read as ASCII is not UTF-16 (HTML spec: use UTF-8).
                    return Some(if is_utf16(enc) { UTF_8 } else { enc });
                }
            }
        }
        from = end.max(start + 1);
    }
    None
}

fn is_utf16(encoding: &'static Encoding) -> bool {
    encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE
}

/// Statistical detection for pages that declare nothing usable.
fn detect(bytes: &[u8]) -> &'static Encoding {
    // encoding_rs validates several times faster than `str::from_utf8`.
    if Encoding::utf8_valid_up_to(bytes) == bytes.len() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // Top-level domain hint `cn`: these are Chinese government pages.
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    if guess == GBK { GB18030 } else { guess }
}

/// A short name for binary content that is certainly not a web page or text
/// dump (PDF, Office, images, archives), or `None`.
pub fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (e.g. .docx/.xlsx)"),
        (
            b"\xD0\xCF\x11\xE0",
            "an MS Office document (.doc/.xls/.wps)",
        ),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x1F\x8B", "gzip-compressed data"),
        (b"Rar!", "a RAR archive"),
        (b"\x7FELF", "an executable"),
        // Text, but a word processor's markup around it, not a page or a dump.
        (b"{\\rtf", "an RTF document"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(kind);
    }
    if Encoding::for_bom(bytes).is_some() {
        return None; // UTF-16 text legitimately contains NUL bytes.
    }
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)))
        .count();
    // Text never holds NUL; a few stray control bytes are tolerated.
    if head.contains(&0) || controls * 20 > head.len().max(1) {
        Some("binary data")
    } else {
        None
    }
}

/// Offset of `needle` in `haystack`, ignoring ASCII case. `needle` is not empty.
fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    let mut candidates = memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        haystack,
    );
    candidates.find(|&i| {
        haystack
            .get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn utf8_bom_wins() {
        let d = decode("\u{feff}政府".as_bytes(), Some("gbk"));
        assert_eq!(d.text, "政府");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn meta_charset_gb2312_is_read_as_gb18030() {
        let mut page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>".to_vec();
        page.extend(gbk("政府信息公开工作年度报告"));
        let d = decode(&page, None);
        assert!(d.text.contains("政府信息公开工作年度报告"));
        assert_eq!(d.encoding, "gb18030");
    }

    #[test]
    fn wrong_declared_charset_falls_back_to_detection() {
        let text = "一、总体情况。本机关全年收到政府信息公开申请九十三件，均已按时答复。".repeat(5);
        let d = decode(&gbk(&text), Some("utf-8"));
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, "gb18030");
    }

    #[test]
    fn undeclared_utf8_is_utf8() {
        let d = decode("行政许可 24421".as_bytes(), None);
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn binary_kinds() {
        assert_eq!(binary_kind(b"%PDF-1.7 ..."), Some("a PDF document"));
        assert_eq!(binary_kind(b"abc\0def"), Some("binary data"));
        assert_eq!(binary_kind(br"{\rtf1\ansi 2023"), Some("an RTF document"));
        assert_eq!(binary_kind("普通文本\n".as_bytes()), None);
        assert_eq!(binary_kind(&gbk("普通文本")), None);
    }
}
