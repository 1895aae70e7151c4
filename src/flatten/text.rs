//! Plain-text dumps → Document. A browser's "save as text" or a copy-paste
//! gives one cell or paragraph per line; Markdown exports give pipe tables;
//! copying a rendered table gives tab-separated rows.

use super::normalize::collapse_whitespace;
use super::{Block, Cell, Document, Grid};

pub fn flatten_text(text: &str) -> Document {
    let mut blocks = Vec::new();
    let mut gaps = Vec::new();
    let mut grid = Grid::default();
    // Empty lines since the last block: a copy that keeps one per blank cell
    // shows where its blank cells were.
    let mut empty = 0u32;
    for line in lines(text) {
        match table_row(line) {
            Some(TableLine::Row(cells)) => grid.rows.push(cells),
            Some(TableLine::Rule) => {}
            None => {
                if !grid.rows.is_empty() {
                    blocks.push(Block::Table(std::mem::take(&mut grid)));
                    gaps.push(0);
                }
                let line = collapse_whitespace(line);
                if line.is_empty() {
                    empty = empty.saturating_add(1);
                } else if !is_page_marker(&line) {
                    blocks.push(Block::Text(line));
                    gaps.push(std::mem::take(&mut empty));
                }
            }
        }
    }
    if !grid.rows.is_empty() {
        blocks.push(Block::Table(grid));
        gaps.push(0);
    }
    Document {
        blocks,
        gaps,
        ..Document::default()
    }
}

/// The lines of a text, broken at LF, CRLF or a lone CR: crawlers that joined
/// a page's text nodes with CR leave no LF at all.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(at) = memchr::memchr2(b'\r', b'\n', rest.as_bytes()) else {
            return Some(std::mem::take(&mut rest));
        };
        let line = &rest[..at];
        let skip = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + skip..];
        Some(line)
    })
}

/// A page number left by PDF conversion: `- 4 -`, `— 5 —`, `第 3 页`.
fn is_page_marker(line: &str) -> bool {
    let core = line.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | ' ' | '第' | '页'));
    core.len() < line.len()
        && !core.is_empty()
        && core.chars().all(|c| c.is_ascii_digit())
        && line.chars().any(|c| matches!(c, '-' | '—' | '–' | '页'))
}

enum TableLine {
    Row(Vec<Cell>),
    /// A Markdown header rule such as `|---|:---:|`.
    Rule,
}

/// A Markdown pipe-table row (`| a | b |`) or a tab-separated row with at
/// least three cells; anything else is a paragraph line.
fn table_row(line: &str) -> Option<TableLine> {
    let trimmed = line.trim();
    if let Some(inner) = trimmed.strip_prefix('|') {
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        let parts: Vec<&str> = inner.split('|').collect();
        let is_rule = parts.iter().all(|p| {
            let p = p.trim();
            !p.is_empty() && p.chars().all(|c| matches!(c, '-' | ':' | ' '))
        });
        if is_rule {
            return Some(TableLine::Rule);
        }
        return Some(TableLine::Row(
            parts
                .iter()
                .map(|p| Cell::new(collapse_whitespace(p)))
                .collect(),
        ));
    }
    let row = line.trim_end_matches(['\r', '\n']);
    // Most lines hold no tab: counting first spares them a Vec.
    if row.split('\t').nth(2).is_some() {
        return Some(TableLine::Row(
            row.split('\t')
                .map(|p| Cell::new(collapse_whitespace(p)))
                .collect(),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_paragraphs() {
        let doc = flatten_text("规章\n\n 0\n\n\u{3000}\n");
        assert_eq!(
            doc.blocks,
            vec![Block::Text("规章".into()), Block::Text("0".into())]
        );
    }

    #[test]
    fn cr_lf_and_crlf_all_break_lines() {
        let doc = flatten_text("规章\r\r\r0\r\n行政许可\n5\r");
        assert_eq!(
            doc.blocks,
            vec![
                Block::Text("规章".into()),
                Block::Text("0".into()),
                Block::Text("行政许可".into()),
                Block::Text("5".into())
            ]
        );
        assert_eq!(doc.gaps, [0, 2, 0, 0]);
    }

    #[test]
    fn page_markers_are_dropped() {
        let doc = flatten_text("- 4 -\n— 5 —\n行政处罚 3985758\n12\n");
        assert_eq!(
            doc.blocks,
            vec![
                Block::Text("行政处罚 3985758".into()),
                Block::Text("12".into())
            ]
        );
    }

    #[test]
    fn pipe_tables_become_grids() {
        let doc = flatten_text("| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 |\n后文");
        let Block::Table(grid) = &doc.blocks[0] else {
            panic!("expected a table")
        };
        assert_eq!(grid.rows.len(), 2);
        assert_eq!(grid.rows[1][1].text, "0");
        assert_eq!(doc.blocks[1], Block::Text("后文".into()));
    }
}
