//! A PDF font as the content interpreter needs it: how its string bytes split
//! into character codes, what text each code stands for, and how far each
//! glyph advances. Chinese report PDFs (WPS, Word, LibreOffice) embed CID
//! fonts with two-byte codes and a `/ToUnicode` map; older ones use the
//! predefined GBK CMaps; Latin text uses simple one-byte fonts.

use encoding_rs::{GB18030, UTF_16BE};
use lopdf::{Dictionary, Document, Encoding, Object};

use super::{Limits, deref};

/// How the bytes of a shown string split into codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codes {
    /// Simple fonts: one byte a code.
    OneByte,
    /// Type0 fonts under `Identity-H/V` or a UCS-2 CMap: two bytes a code.
    TwoByte,
    /// Type0 fonts under a GB CMap (`GBK-EUC-H`, `GB-EUC-H`, …): a byte below
    /// 0x80 is a code, otherwise two bytes are.
    Gb,
}

/// What a code's text comes from when the font has no `/ToUnicode` map.
enum Fallback<'a> {
    /// The font's one-byte encoding (standard, WinAnsi, `/Differences`).
    Simple(Encoding<'a>),
    /// The code bytes are UTF-16BE (UniGB-UCS2-H, UniGB-UTF16-H).
    Utf16,
    /// The code bytes are GB18030.
    Gb,
    /// Nothing: a code without a `/ToUnicode` entry has no known text.
    None,
}

pub struct Font<'a> {
    codes: Codes,
    /// `Encoding::UnicodeMapEncoding`: the font's `/ToUnicode` map.
    to_unicode: Option<Encoding<'static>>,
    fallback: Fallback<'a>,
    widths: Widths,
}

/// Glyph advances in thousandths of the font size.
struct Widths {
    /// Simple fonts: the width of code `first + i`.
    first: u32,
    simple: Vec<f32>,
    /// CID fonts: `(first, last, width)` ranges from `/W`.
    ranges: Vec<(u32, u32, f32)>,
    default: f32,
}

impl Widths {
    fn of(&self, code: u32) -> f32 {
        if let Some(w) = code
            .checked_sub(self.first)
            .and_then(|i| self.simple.get(i as usize))
        {
            return *w;
        }
        // Ranges are sorted by their first code: the last one starting at or
        // before `code` is the only candidate.
        let after = self.ranges.partition_point(|(lo, _, _)| *lo <= code);
        match after.checked_sub(1).map(|i| self.ranges[i]) {
            Some((_, hi, w)) if code <= hi => w,
            _ => self.default,
        }
    }
}

/// One character code of a shown string.
pub struct Code {
    pub code: u32,
    /// The code is the single byte 32, to which word spacing applies.
    pub is_space_byte: bool,
    /// Advance in thousandths of the font size.
    pub width: f32,
}

impl<'a> Font<'a> {
    pub fn load(dict: &'a Dictionary, doc: &'a Document, limits: &Limits) -> Font<'a> {
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok();
        if subtype == Some(b"Type0") {
            return Self::load_type0(dict, doc, limits);
        }
        let to_unicode = to_unicode(dict, doc, limits);
        let fallback = match dict.get_font_encoding_with_limit(doc, limits.max_stream_bytes) {
            Ok(encoding @ (Encoding::OneByteEncoding(_) | Encoding::Differences(_))) => {
                Fallback::Simple(encoding)
            }
            _ => Fallback::None,
        };
        let first = dict
            .get(b"FirstChar")
            .ok()
            .and_then(|o| o.as_i64().ok())
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0);
        let simple = deref(doc, dict.get(b"Widths").ok())
            .and_then(|o| o.as_array().ok())
            .map(|a| {
                a.iter()
                    .take(256)
                    .map(|w| number(deref(doc, Some(w))).unwrap_or(500.0))
                    .collect()
            })
            .unwrap_or_default();
        Font {
            codes: Codes::OneByte,
            to_unicode,
            fallback,
            widths: Widths {
                first,
                simple,
                ranges: Vec::new(),
                // Standard 14 fonts carry no widths: half an em is near the average.
                default: 500.0,
            },
        }
    }

    fn load_type0(dict: &'a Dictionary, doc: &'a Document, limits: &Limits) -> Font<'a> {
        let cmap = dict
            .get(b"Encoding")
            .ok()
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"Identity-H");
        let is_gb = |name: &[u8]| {
            let name = String::from_utf8_lossy(name);
            name.starts_with("GB") && name.contains("EUC")
        };
        let (codes, fallback) = match cmap {
            b"UniGB-UCS2-H" | b"UniGB-UCS2-V" | b"UniGB-UTF16-H" | b"UniGB-UTF16-V" => {
                (Codes::TwoByte, Fallback::Utf16)
            }
            name if is_gb(name) => (Codes::Gb, Fallback::Gb),
            _ => (Codes::TwoByte, Fallback::None),
        };
        let descendant = deref(doc, dict.get(b"DescendantFonts").ok())
            .and_then(|o| o.as_array().ok())
            .and_then(|a| deref(doc, a.first()))
            .and_then(|o| o.as_dict().ok());
        let default = descendant
            .and_then(|d| number(deref(doc, d.get(b"DW").ok())))
            .unwrap_or(1000.0);
        let mut ranges = descendant
            .and_then(|d| deref(doc, d.get(b"W").ok()))
            .and_then(|o| o.as_array().ok())
            .map(|w| cid_widths(doc, w, limits))
            .unwrap_or_default();
        ranges.sort_by_key(|(lo, _, _)| *lo);
        Font {
            codes,
            to_unicode: to_unicode(dict, doc, limits),
            fallback,
            widths: Widths {
                first: 0,
                simple: Vec::new(),
                ranges,
                default,
            },
        }
    }

    /// Splits a shown string into codes.
    pub fn codes<'s>(&'s self, bytes: &'s [u8]) -> impl Iterator<Item = Code> + 's {
        let mut at = 0;
        std::iter::from_fn(move || {
            let first = *bytes.get(at)?;
            let len = match self.codes {
                Codes::OneByte => 1,
                Codes::TwoByte => 2,
                Codes::Gb if first < 0x80 => 1,
                Codes::Gb => 2,
            }
            .min(bytes.len() - at);
            let code = bytes[at..at + len]
                .iter()
                .fold(0u32, |c, &b| (c << 8) | u32::from(b));
            at += len;
            let width = match (self.codes, len) {
                // Half-width characters of the GB CMaps.
                (Codes::Gb, 1) => 500.0,
                _ => self.widths.of(code),
            };
            Some(Code {
                code,
                is_space_byte: len == 1 && code == 32,
                width,
            })
        })
    }

    /// The text a code stands for, appended to `out`; false when it is unknown.
    pub fn push_text(&self, code: &Code, out: &mut String) -> bool {
        let len = match self.codes {
            Codes::OneByte => 1,
            Codes::TwoByte => 2,
            Codes::Gb if code.code < 0x80 => 1,
            Codes::Gb => 2,
        };
        let mapped = match &self.to_unicode {
            Some(Encoding::UnicodeMapEncoding(map)) => map.get(code.code, len),
            _ => None,
        };
        if let Some(units) = mapped {
            let before = out.len();
            out.extend(char::decode_utf16(units).filter_map(Result::ok));
            return out.len() > before;
        }
        let bytes = code.code.to_be_bytes();
        let bytes = &bytes[4 - len as usize..];
        let before = out.len();
        match &self.fallback {
            Fallback::Simple(encoding) => {
                let _ = encoding.write_to_string(bytes, out);
            }
            Fallback::Utf16 => out.push_str(&UTF_16BE.decode_without_bom_handling(bytes).0),
            Fallback::Gb => out.push_str(&GB18030.decode_without_bom_handling(bytes).0),
            Fallback::None => {}
        }
        // A replacement character is no text.
        out.truncate(before + out[before..].trim_end_matches('\u{FFFD}').len());
        out.len() > before
    }
}

/// The font's `/ToUnicode` map. lopdf parses one only on the way to an
/// `Identity` encoding, so it is asked about a copy that says so.
fn to_unicode(dict: &Dictionary, doc: &Document, limits: &Limits) -> Option<Encoding<'static>> {
    dict.get(b"ToUnicode").ok()?;
    let mut identity = dict.clone();
    identity.set("Encoding", Object::Name(b"Identity-H".to_vec()));
    identity.set("Type", Object::Name(b"Font".to_vec()));
    match identity.get_font_encoding_with_limit(doc, limits.max_stream_bytes) {
        Ok(Encoding::UnicodeMapEncoding(map)) => Some(Encoding::UnicodeMapEncoding(map)),
        _ => None,
    }
}

/// `/W` of a CID font: `c [w1 w2 …]` or `c_first c_last w`, bounded.
fn cid_widths(doc: &Document, w: &[Object], limits: &Limits) -> Vec<(u32, u32, f32)> {
    let mut ranges = Vec::new();
    let mut items = w.iter().map(|o| deref(doc, Some(o)));
    let as_code = |o: Option<&Object>| {
        o.and_then(|o| o.as_i64().ok())
            .and_then(|n| u32::try_from(n).ok())
    };
    while ranges.len() < limits.max_width_entries {
        let Some(first) = items.next() else { break };
        let Some(first) = as_code(first) else { break };
        match items.next().flatten() {
            Some(Object::Array(list)) => {
                for (i, width) in list.iter().take(limits.max_width_entries).enumerate() {
                    let code = first.saturating_add(i as u32);
                    if let Some(width) = number(deref(doc, Some(width))) {
                        ranges.push((code, code, width));
                    }
                }
            }
            last => {
                let Some(last) = as_code(last) else { break };
                let Some(width) = number(items.next().flatten()) else {
                    break;
                };
                ranges.push((first, last, width));
            }
        }
    }
    ranges
}

fn number(object: Option<&Object>) -> Option<f32> {
    match object? {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}
