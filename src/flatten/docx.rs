//! DOCX bytes → [`Document`]. A DOCX file is a ZIP archive whose
//! `word/document.xml` holds the body: paragraphs (`w:p`) become text blocks
//! and tables (`w:tbl`) grids, with `w:gridSpan` (columns) and `w:vMerge`
//! (rows) expanded into copies exactly as the HTML flattener expands
//! `colspan` and `rowspan`, so one extractor reads both.

use std::fmt;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::normalize::Collapsed;
use super::{Block, Cell, Document, Grid};

/// The most `word/document.xml` may inflate to. A report's body is well under
/// 1 MB; a ZIP bomb's is gigabytes, and it stops here.
pub const MAX_BODY_BYTES: u64 = 32 << 20;
/// Grid slots all tables of one document may fill (spans included).
const MAX_SLOTS: usize = 500_000;
/// Widest a grid may be; Word itself allows 63 columns.
const MAX_WIDTH: usize = 1000;
/// Tables inside table cells deeper than this are read as cell text.
const MAX_TABLE_DEPTH: usize = 16;

/// Why a DOCX file gives nothing to read.
#[derive(Debug, Clone, PartialEq)]
pub enum Unreadable {
    /// A ZIP archive that is not a Word document (an `.xlsx`, a bundle of files).
    NotWord(&'static str),
    /// The body inflates past [`MAX_BODY_BYTES`].
    TooBig,
    Corrupt(String),
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::NotWord(kind) => write!(f, "the input is {kind}, not a Word document"),
            Unreadable::TooBig => write!(
                f,
                "the DOCX body inflates to more than {} MB (a ZIP bomb or not a report)",
                MAX_BODY_BYTES >> 20
            ),
            Unreadable::Corrupt(cause) => {
                write!(
                    f,
                    "a damaged DOCX file (or ZIP archive) that cannot be read: {cause}"
                )
            }
        }
    }
}

/// Reads a DOCX file into a document.
pub fn flatten_docx(bytes: &[u8]) -> Result<Document, Unreadable> {
    let xml = body_xml(bytes)?;
    let mut walker = Walker::default();
    walker.walk(&xml)?;
    Ok(Document {
        blocks: walker.blocks,
        ..Document::default()
    })
}

/// `word/document.xml`, inflated within the cap.
fn body_xml(bytes: &[u8]) -> Result<String, Unreadable> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Unreadable::Corrupt(format!("not a readable ZIP archive ({e})")))?;
    let Some(index) = archive.index_for_name("word/document.xml") else {
        let kind = if archive.index_for_name("xl/workbook.xml").is_some() {
            "an Excel workbook (.xlsx)"
        } else if archive.index_for_name("ppt/presentation.xml").is_some() {
            "a PowerPoint presentation (.pptx)"
        } else {
            "a ZIP archive"
        };
        return Err(Unreadable::NotWord(kind));
    };
    let entry = archive
        .by_index(index)
        .map_err(|e| Unreadable::Corrupt(format!("word/document.xml: {e}")))?;
    if entry.size() > MAX_BODY_BYTES {
        return Err(Unreadable::TooBig);
    }
    // The declared size may lie: the read itself is capped too.
    let mut body = Vec::with_capacity(entry.size() as usize);
    entry
        .take(MAX_BODY_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|e| Unreadable::Corrupt(format!("word/document.xml: {e}")))?;
    if body.len() as u64 > MAX_BODY_BYTES {
        return Err(Unreadable::TooBig);
    }
    let body = match body.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => body,
    };
    String::from_utf8(body)
        .map_err(|_| Unreadable::Corrupt("word/document.xml is not UTF-8".to_string()))
}

/// A cell as written, before its spans are laid out.
struct RawCell {
    text: String,
    span: usize,
    merge: Merge,
}

/// `w:vMerge`: whether a cell starts, continues or is outside a vertical merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merge {
    None,
    Restart,
    Continue,
    /// A grid column the row leaves empty (`w:gridBefore`).
    Gap,
}

/// One table being read.
#[derive(Default)]
struct Table {
    rows: Vec<Vec<RawCell>>,
    /// `w:gridBefore` of the current row: grid columns left empty at its start.
    skip: usize,
    cell: Option<RawCell>,
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    /// Tables open around the reading position, innermost last.
    tables: Vec<Table>,
    /// Text of the current paragraph (outside tables) or cell.
    text: Collapsed,
    /// Inside `w:t` (text) rather than `w:instrText`, `w:delText`, …
    in_text: bool,
    /// Depth inside elements whose content is not body text.
    skipped: usize,
    slots: usize,
}

impl Walker {
    fn walk(&mut self, xml: &str) -> Result<(), Unreadable> {
        let mut reader = Reader::from_str(xml);
        loop {
            let event = reader
                .read_event()
                .map_err(|e| Unreadable::Corrupt(format!("word/document.xml: {e}")))?;
            match event {
                Event::Start(e) => self.open(&e, false),
                Event::Empty(e) => self.open(&e, true),
                Event::End(e) => self.close(e.name().as_ref()),
                Event::Text(t) if self.in_text && self.skipped == 0 => self.text.push_str(&t),
                Event::GeneralRef(r) if self.in_text && self.skipped == 0 => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        self.text.push_str(c.encode_utf8(&mut [0; 4]));
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                        self.text.push_str(s);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        self.flush_paragraph();
        while !self.tables.is_empty() {
            self.end_table();
        }
        Ok(())
    }

    fn open(&mut self, e: &BytesStart, empty: bool) {
        let name = e.name();
        let name = name.as_ref();
        if self.skipped > 0 {
            self.skipped += usize::from(!empty);
            return;
        }
        match name {
            // Deleted text, field instructions and the second copy of a
            // drawing (its fallback) are not what the page shows.
            "w:del" | "w:instrText" | "w:delText" | "mc:Fallback" | "w:footnoteReference" => {
                self.skipped += usize::from(!empty);
            }
            "w:t" => self.in_text = !empty,
            "w:tab" | "w:br" | "w:cr" => self.text.push_str(" "),
            "w:tbl" if !empty => {
                if self.tables.is_empty() {
                    self.flush_paragraph();
                }
                if self.tables.len() < MAX_TABLE_DEPTH {
                    // The outer cell keeps its own text; the inner table is its own block.
                    if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                        cell.text.push_str(self.text.as_str());
                        self.text.clear();
                    }
                    self.tables.push(Table::default());
                }
            }
            "w:tr" if !empty => {
                if let Some(table) = self.tables.last_mut() {
                    table.rows.push(Vec::new());
                    table.skip = 0;
                }
            }
            "w:gridBefore" => {
                if let Some(table) = self.tables.last_mut() {
                    table.skip = attr_number(e).unwrap_or(0).min(MAX_WIDTH);
                    if let Some(row) = table.rows.last_mut() {
                        for _ in 0..table.skip {
                            row.push(RawCell {
                                text: String::new(),
                                span: 1,
                                merge: Merge::Gap,
                            });
                        }
                    }
                }
            }
            "w:tc" if !empty => {
                self.text.clear();
                if let Some(table) = self.tables.last_mut() {
                    table.cell = Some(RawCell {
                        text: String::new(),
                        span: 1,
                        merge: Merge::None,
                    });
                }
            }
            "w:gridSpan" => {
                if let Some(cell) = self.open_cell() {
                    cell.span = attr_number(e).unwrap_or(1).clamp(1, MAX_WIDTH);
                }
            }
            "w:vMerge" => {
                let restart = attr(e, "w:val").is_some_and(|v| v == "restart");
                if let Some(cell) = self.open_cell() {
                    cell.merge = if restart {
                        Merge::Restart
                    } else {
                        Merge::Continue
                    };
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        if self.skipped > 0 {
            self.skipped -= 1;
            return;
        }
        match name {
            "w:t" => self.in_text = false,
            "w:p" => {
                if self.tables.is_empty() {
                    self.flush_paragraph();
                } else {
                    // Paragraphs of one cell are joined by a space, like `<p>`s in a `<td>`.
                    self.text.push_str(" ");
                }
            }
            "w:tc" => {
                let text = self.text.as_str().to_string();
                self.text.clear();
                if let Some(table) = self.tables.last_mut()
                    && let Some(mut cell) = table.cell.take()
                {
                    cell.text.push_str(&text);
                    let cell = RawCell {
                        text: super::normalize::collapse_whitespace(&cell.text),
                        ..cell
                    };
                    if let Some(row) = table.rows.last_mut() {
                        row.push(cell);
                    }
                }
            }
            "w:tbl" => self.end_table(),
            _ => {}
        }
    }

    fn open_cell(&mut self) -> Option<&mut RawCell> {
        self.tables.last_mut()?.cell.as_mut()
    }

    fn flush_paragraph(&mut self) {
        if !self.text.is_empty() {
            self.blocks
                .push(Block::Text(self.text.as_str().to_string()));
        }
        self.text.clear();
    }

    fn end_table(&mut self) {
        let Some(table) = self.tables.pop() else {
            return;
        };
        let grid = layout(table.rows, &mut self.slots);
        if !grid.rows.is_empty() {
            self.blocks.push(Block::Table(grid));
        }
    }
}

/// Places cells into grid columns: a cell covers `span` columns (the extra
/// ones copies), and a `vMerge` continuation copies the text of the cell
/// above it in the same column.
fn layout(rows: Vec<Vec<RawCell>>, slots: &mut usize) -> Grid {
    let mut grid = Grid::default();
    for raw_row in rows {
        let mut row: Vec<Cell> = Vec::new();
        for cell in raw_row {
            let col = row.len();
            if col >= MAX_WIDTH {
                break;
            }
            let text = match cell.merge {
                Merge::Continue => grid
                    .rows
                    .last()
                    .and_then(|above: &Vec<Cell>| above.get(col))
                    .map(|above| above.text.clone())
                    .unwrap_or_default(),
                Merge::None | Merge::Restart | Merge::Gap => cell.text,
            };
            let is_copy = matches!(cell.merge, Merge::Continue | Merge::Gap);
            let span = cell.span.min(MAX_WIDTH - col);
            for i in 0..span {
                if *slots >= MAX_SLOTS {
                    break;
                }
                *slots += 1;
                row.push(Cell {
                    text: text.clone(),
                    is_copy: i > 0 || is_copy,
                });
            }
        }
        grid.rows.push(row);
    }
    grid
}

fn attr<'a>(e: &'a BytesStart, name: &str) -> Option<std::borrow::Cow<'a, str>> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value)
}

fn attr_number(e: &BytesStart) -> Option<usize> {
    let value = attr(e, "w:val")?;
    value.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(inner: &str) -> String {
        format!("<w:document xmlns:w=\"w\"><w:body>{inner}</w:body></w:document>")
    }

    fn blocks(inner: &str) -> Vec<Block> {
        let mut walker = Walker::default();
        walker.walk(&body(inner)).expect("well-formed");
        walker.blocks
    }

    fn cell(text: &str, props: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    fn texts(grid: &Grid) -> Vec<Vec<&str>> {
        grid.rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn paragraphs_become_text_blocks() {
        let b = blocks(
            "<w:p><w:r><w:t>一、总体</w:t></w:r><w:r><w:t xml:space=\"preserve\">情况 </w:t></w:r></w:p>\
             <w:p><w:r><w:instrText>PAGE</w:instrText><w:t>正文&amp;</w:t></w:r></w:p>",
        );
        assert_eq!(
            b,
            vec![
                Block::Text("一、总体情况".into()),
                Block::Text("正文&".into())
            ]
        );
    }

    #[test]
    fn grid_span_and_vertical_merge_are_expanded_like_html_spans() {
        let table = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            cell("三、本年度办理结果", "<w:vMerge w:val=\"restart\"/>"),
            cell("申请人情况", "<w:gridSpan w:val=\"2\"/>"),
            cell("", "<w:vMerge/>"),
            cell("1", ""),
            cell("0", ""),
        );
        let b = blocks(&table);
        let Block::Table(grid) = &b[0] else {
            panic!("a table")
        };
        assert_eq!(
            texts(grid),
            vec![
                vec!["三、本年度办理结果", "申请人情况", "申请人情况"],
                vec!["三、本年度办理结果", "1", "0"],
            ]
        );
        assert!(grid.rows[0][2].is_copy && grid.rows[1][0].is_copy);
        assert!(!grid.rows[1][1].is_copy);
    }

    #[test]
    fn paragraphs_of_a_cell_join_with_a_space() {
        let table = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>商业</w:t></w:r></w:p>\
                     <w:p><w:r><w:t>企业</w:t></w:r></w:p></w:tc></w:tr></w:tbl>";
        let b = blocks(table);
        let Block::Table(grid) = &b[0] else {
            panic!("a table")
        };
        assert_eq!(texts(grid), vec![vec!["商业 企业"]]);
    }

    #[test]
    fn hostile_spans_are_bounded() {
        let row = cell("x", "<w:gridSpan w:val=\"99999999\"/>");
        let table = format!(
            "<w:tbl>{}</w:tbl>",
            format!("<w:tr>{row}</w:tr>").repeat(2000)
        );
        let b = blocks(&table);
        let Block::Table(grid) = &b[0] else {
            panic!("a table")
        };
        let slots: usize = grid.rows.iter().map(Vec::len).sum();
        assert!(slots <= MAX_SLOTS);
    }
}
