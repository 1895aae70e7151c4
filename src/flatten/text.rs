//! Plain-text dumps → Document. A browser's "save as text" or a copy-paste
//! gives one cell or paragraph per line; Markdown exports give pipe tables;
//! copying a rendered table gives tab-separated rows.

use super::normalize::collapse_whitespace;
use super::{Block, Cell, Document, Grid};

pub fn flatten_text(text: &str) -> Document {
    let mut blocks = Vec::new();
    let mut grid = Grid::default();
    for line in text.lines() {
        match table_row(line) {
            Some(TableLine::Row(cells)) => grid.rows.push(cells),
            Some(TableLine::Rule) => {}
            None => {
                if !grid.rows.is_empty() {
                    blocks.push(Block::Table(std::mem::take(&mut grid)));
                }
                let line = collapse_whitespace(line);
                if !line.is_empty() && !is_page_marker(&line) {
                    blocks.push(Block::Text(line));
                }
            }
        }
    }
    if !grid.rows.is_empty() {
        blocks.push(Block::Table(grid));
    }
    Document {
        blocks,
        ..Document::default()
    }
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
