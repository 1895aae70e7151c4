//! Positioned glyphs → text lines. Glyphs come in content-stream order,
//! which PDF writers keep in reading order within a table cell and a row;
//! positions decide where a line ends and where a cell boundary falls.

use super::content::Glyph;

/// A glyph belongs to the current line while its baseline is within this
/// share of the font size of the line's: numbers set a couple of points below
/// their label stay on its line, the next line of a paragraph does not.
const SAME_LINE: f32 = 0.5;
/// A horizontal gap wider than this share of the font size separates two
/// cells (or words): it becomes a space.
const CELL_GAP: f32 = 0.25;

/// Appends the page's lines to `out`, one per line of text.
pub fn write_lines(glyphs: &[Glyph], out: &mut String) {
    let mut line: Option<Line> = None;
    for glyph in glyphs {
        if glyph.ch.is_whitespace() || glyph.ch.is_control() {
            if let Some(line) = &mut line {
                line.space_pending = true;
            }
            continue;
        }
        match &mut line {
            Some(current) if current.continues(glyph) => current.push(glyph),
            _ => {
                if let Some(done) = line.take() {
                    done.finish(out);
                }
                line = Some(Line::start(glyph));
            }
        }
    }
    if let Some(done) = line {
        done.finish(out);
    }
}

struct Line {
    text: String,
    y: f32,
    size: f32,
    x_end: f32,
    space_pending: bool,
}

impl Line {
    fn start(glyph: &Glyph) -> Line {
        let mut text = String::new();
        text.push(glyph.ch);
        Line {
            text,
            y: glyph.y,
            size: glyph.size,
            x_end: glyph.x1.max(glyph.x0),
            space_pending: false,
        }
    }

    /// Same baseline (within tolerance) and not back to the left.
    fn continues(&self, glyph: &Glyph) -> bool {
        let size = self.size.max(glyph.size).max(1.0);
        (glyph.y - self.y).abs() <= SAME_LINE * size && glyph.x0 >= self.x_end - SAME_LINE * size
    }

    fn push(&mut self, glyph: &Glyph) {
        let gap = glyph.x0 - self.x_end;
        if self.space_pending || gap > CELL_GAP * self.size.max(glyph.size) {
            self.text.push(' ');
        }
        self.space_pending = false;
        self.text.push(glyph.ch);
        self.x_end = self.x_end.max(glyph.x1.max(glyph.x0));
    }

    fn finish(self, out: &mut String) {
        out.push_str(&self.text);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(items: &[(&str, f32, f32)]) -> Vec<Glyph> {
        // (text, x, baseline): characters 10 units wide, size 10.
        items
            .iter()
            .flat_map(|&(text, x, y)| {
                text.chars().enumerate().map(move |(i, ch)| Glyph {
                    ch,
                    x0: x + 10.0 * i as f32,
                    x1: x + 10.0 * (i as f32 + 1.0),
                    y,
                    size: 10.0,
                })
            })
            .collect()
    }

    fn lines(items: &[(&str, f32, f32)]) -> String {
        let mut out = String::new();
        write_lines(&glyphs(items), &mut out);
        out
    }

    #[test]
    fn cells_of_a_row_are_separated_and_numbers_set_lower_stay_on_the_row() {
        let text = lines(&[
            ("规章", 0.0, 700.0),
            ("0", 200.0, 698.0),
            ("12", 260.0, 698.0),
        ]);
        assert_eq!(text, "规章 0 12\n");
    }

    #[test]
    fn a_vertical_label_gives_one_line_per_character() {
        let text = lines(&[("三", 0.0, 700.0), ("、", 0.0, 685.0), ("本", 0.0, 670.0)]);
        assert_eq!(text, "三\n、\n本\n");
    }

    #[test]
    fn the_next_row_starts_a_new_line() {
        let text = lines(&[
            ("行政许可", 0.0, 700.0),
            ("550", 300.0, 700.0),
            ("行政处罚", 0.0, 700.5),
        ]);
        assert_eq!(text, "行政许可 550\n行政处罚\n");
    }

    #[test]
    fn adjacent_digits_stay_one_number() {
        let text = lines(&[("7730.28", 0.0, 700.0)]);
        assert_eq!(text, "7730.28\n");
    }
}
