//! The record xxgk writes for every report: the serde shape of SPEC §7.
//!
//! Tables are ordered maps (row key → column key → cell) so JSON keeps the
//! template's order and a template-2019 record can hold keys a 2021 one lacks.

use std::fmt;
use std::str::FromStr;

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Version of the record layout; bumped only when a key changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// One table: row key → column key → cell (`None` = the page gives no number).
/// One table row: column key → cell. Keys are the template's fixed names, so
/// a fast hash suits them (nothing on a page chooses them).
pub type Row = IndexMap<String, Option<Value>, rustc_hash::FxBuildHasher>;
pub type Table = IndexMap<String, Row, rustc_hash::FxBuildHasher>;

/// A cell's content. Every cell is a number except `procurement.amount_unit`,
/// the unit written beside the 2019 template's 采购总金额 (`元`, `万元`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Number(Number),
    Text(String),
}

impl Value {
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            Value::Text(_) => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => n.fmt(f),
            Value::Text(t) => f.write_str(t),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Number(n) => n.serialize(serializer),
            Value::Text(t) => t.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Through serde_json::Value, which keeps a number's digits under
        // `arbitrary_precision` (an untagged enum would not).
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Number(n) => Number::from_str(&n.to_string())
                .map(Value::Number)
                .map_err(serde::de::Error::custom),
            serde_json::Value::String(s) => Ok(Value::Text(s)),
            other => Err(serde::de::Error::custom(format!(
                "a cell must be a number, a string or null, not {other}"
            ))),
        }
    }
}

/// A number exactly as the page wrote it, after SPEC §5 normalisation:
/// an optional `-`, digits, and for amounts a fractional part. Keeping the
/// text (not an `f64`) is what lets `9750.26` print as `9750.26` forever.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Number(String);

impl Number {
    /// The canonical text, e.g. `"24421"`, `"-4"`, `"9750.26"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as an integer, when it is one (counts always are).
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    pub fn from_i64(value: i64) -> Self {
        Number(value.to_string())
    }
}

impl FromStr for Number {
    type Err = String;

    /// Accepts only the canonical form: `-?\d+(\.\d+)?` with no superfluous
    /// leading zeros, so two equal numbers always have the same text.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let ok =
            all_digits(int) && (int == "0" || !int.starts_with('0')) && frac.is_none_or(all_digits);
        if ok {
            Ok(Number(s.to_string()))
        } else {
            Err(format!("not a canonical number: {s:?}"))
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // With serde_json's `arbitrary_precision` a Number carries its digits verbatim.
        let n = serde_json::Number::from_str(&self.0).map_err(serde::ser::Error::custom)?;
        n.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(deserializer)?;
        Number::from_str(&n.to_string()).map_err(serde::de::Error::custom)
    }
}

/// Which national template a report follows (SPEC §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Template {
    #[serde(rename = "2021")]
    T2021,
    #[serde(rename = "2019")]
    T2019,
    #[serde(rename = "unknown")]
    Unknown,
}

impl Template {
    pub fn as_str(self) -> &'static str {
        match self {
            Template::T2021 => "2021",
            Template::T2019 => "2019",
            Template::Unknown => "unknown",
        }
    }
}

/// Outcome of reading one input (SPEC §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every row and cell of the template was located.
    Complete,
    /// Some rows or cells could not be located (null, with warnings).
    Partial,
    /// Readable, but not an annual report; `reason` says why.
    NotAReport,
    /// The input could not be obtained or read; `reason` holds the error.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Partial => "partial",
            Status::NotAReport => "not_a_report",
            Status::Error => "error",
        }
    }
}

/// Where the bytes came from. File inputs fill `path`; crawled ones `url` and
/// the HTTP facts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Source {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// What was read: `html`, `text`, `pdf` or `docx` (SPEC §7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// The list page a crawl found this URL on (SPEC §7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_on: Option<String>,
    /// The page a saved copy was made from, as its archive header names it (`原始链接:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_url: Option<String>,
    /// The file the report was read from, when the page asked for only
    /// links to it (SPEC §7); the fields above stay the page's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_url: Option<String>,
    /// The facts of that file's bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

/// The raw bytes of a report's attached file, as `source` gives a page's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

impl Source {
    /// The name a user knows this input by: the URL asked for, else the path.
    pub fn name(&self) -> &str {
        self.url.as_deref().or(self.path.as_deref()).unwrap_or("")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub title: Option<String>,
    pub agency: Option<String>,
    pub year: Option<i32>,
    /// Publication date as `YYYY-MM-DD`, when the page shows one.
    pub published: Option<String>,
    pub template: Template,
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            title: None,
            agency: None,
            year: None,
            published: None,
            template: Template::Unknown,
        }
    }
}

/// The report's prose sections (一、五、六) as plain text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sections {
    pub overview: Option<String>,
    pub problems: Option<String>,
    pub other_matters: Option<String>,
}

/// One 勾稽关系 check: `ok` is `None` when the cells it needs are missing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub id: String,
    pub ok: Option<bool>,
    pub detail: String,
}

/// Something the user should know about a record: a blank cell, a row that
/// was not found, a cell whose text is not a number, an extra row…
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: String,
    /// `table.row.column` (or `table.row`) the warning is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    pub message: String,
}

/// A link found on a page that is not itself a report (list pages, attachments).
/// [`crate::links`] decides what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The link's title: its `title` attribute when the text is cut short.
    pub text: String,
    /// Absolute when the page's URL is known, else as the page wrote it.
    pub href: String,
    /// Absent in records written before links were classified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<LinkKind>,
    /// The year the linked report covers, as its title says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The date the list shows beside the link (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
}

/// What a link of a list page leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// An annual report's page.
    Report,
    /// An annual report as a file (PDF, Word, WPS).
    Attachment,
    /// Another file an article links to (a notice's attachment, a
    /// spreadsheet): recorded, never fetched.
    File,
    /// Another page of the same list (pagination, or the list's data URL).
    Page,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Report => "report",
            LinkKind::Attachment => "attachment",
            LinkKind::File => "file",
            LinkKind::Page => "page",
        }
    }
}

/// Everything xxgk knows about one input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub source: Source,
    pub meta: Meta,
    pub status: Status,
    /// Why a page is `not_a_report`, or the error of an `error` record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Report-looking or attachment links of a page that is not a report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    pub active_disclosure: Table,
    pub applications: Table,
    pub review_litigation: Table,
    pub sections: Sections,
    pub checks: Vec<Check>,
    pub warnings: Vec<Warning>,
    /// Cells solved from the template's arithmetic rather than read directly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovered: Vec<String>,
}

impl Report {
    /// An empty record for `source` with the given outcome.
    pub fn empty(source: Source, status: Status, reason: Option<String>) -> Self {
        Report {
            schema_version: SCHEMA_VERSION,
            source,
            meta: Meta::default(),
            status,
            reason,
            links: Vec::new(),
            active_disclosure: Table::default(),
            applications: Table::default(),
            review_litigation: Table::default(),
            sections: Sections::default(),
            checks: Vec::new(),
            warnings: Vec::new(),
            recovered: Vec::new(),
        }
    }

    /// A record for an input that could not be obtained or read.
    pub fn error(source: Source, error: impl fmt::Display) -> Self {
        Report::empty(source, Status::Error, Some(error.to_string()))
    }

    /// The three tables with their SPEC names, in output order.
    pub fn tables(&self) -> [(&'static str, &Table); 3] {
        [
            ("active_disclosure", &self.active_disclosure),
            ("applications", &self.applications),
            ("review_litigation", &self.review_litigation),
        ]
    }

    /// Every numeric cell as `(table, row, column, value)` in output order.
    /// The one text field, `procurement.amount_unit`, is not a cell: it
    /// qualifies `procurement.amount` and is left to JSON and the wide CSV.
    pub fn cells(&self) -> impl Iterator<Item = (&'static str, &str, &str, Option<&Number>)> {
        self.tables().into_iter().flat_map(|(table, rows)| {
            rows.iter().flat_map(move |(row, cols)| {
                cols.iter().filter_map(move |(col, v)| match v {
                    Some(Value::Text(_)) => None,
                    Some(Value::Number(n)) => Some((table, row.as_str(), col.as_str(), Some(n))),
                    None => Some((table, row.as_str(), col.as_str(), None)),
                })
            })
        })
    }

    /// Looks up one cell; `None` when the key is absent or the cell is null.
    pub fn cell(&self, table: &str, row: &str, column: &str) -> Option<&Number> {
        let t = match table {
            "active_disclosure" => &self.active_disclosure,
            "applications" => &self.applications,
            "review_litigation" => &self.review_litigation,
            _ => return None,
        };
        t.get(row)?.get(column)?.as_ref()?.as_number()
    }

    pub fn warn(&mut self, code: &str, cell: Option<String>, message: impl Into<String>) {
        self.warnings.push(Warning {
            code: code.to_string(),
            cell,
            message: message.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_digits_through_json() {
        let n: Number = "9750.26".parse().unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "9750.26");
        let back: Number = serde_json::from_str("9750.2600").unwrap();
        assert_eq!(back.as_str(), "9750.2600");
    }

    #[test]
    fn cells_round_trip_through_json() {
        let cells = vec![
            Some(Value::Number("251000".parse().unwrap())),
            Some(Value::Text("元".into())),
            None,
        ];
        let json = serde_json::to_string(&cells).unwrap();
        assert_eq!(json, r#"[251000,"元",null]"#);
        let back: Vec<Option<Value>> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cells);
    }

    #[test]
    fn non_canonical_numbers_are_refused() {
        for bad in ["", "-", "01", "1.", ".5", "1e5", "1,234", "+3"] {
            assert!(bad.parse::<Number>().is_err(), "{bad}");
        }
        for good in ["0", "-4", "24421", "0.5", "9750.26"] {
            assert!(good.parse::<Number>().is_ok(), "{good}");
        }
    }
}
