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

/// A line set in the page's largest size, and this much larger than its body
/// text, is a title; the lines of one title wrapped over several
/// (`洪泽区人民政府` / `2023年政府信息公开工作年度报告`) are joined back into one.
/// Section headings, a size below the title, stay lines of their own.
const HEADING: f32 = 1.2;

/// Appends the page's lines to `out`, one per line of text.
pub fn write_lines(glyphs: &[Glyph], out: &mut String) {
    let lines = lines(glyphs);
    let body = body_size(glyphs);
    let largest = glyphs.iter().map(|g| g.size).fold(0.0, f32::max);
    // The text's horizontal extent on the page: a title is centred in it and
    // narrower than it, where a wrapped line of prose fills it.
    let left = glyphs.iter().map(|g| g.x0).fold(f32::INFINITY, f32::min);
    let right = glyphs
        .iter()
        .map(|g| g.x1)
        .fold(f32::NEG_INFINITY, f32::max);
    let (middle, width) = ((left + right) / 2.0, right - left);
    let title = |line: &Line| {
        let (start, end) = (line.x_start(), line.x_end());
        line.size >= HEADING * body
            && line.size >= 0.95 * largest
            && ((start + end) / 2.0 - middle).abs() <= 0.05 * width
            && end - start < 0.9 * width
    };
    let margins = Margins::of(&lines);
    let mut previous: Option<(Line, bool)> = None;
    for line in lines {
        let is_title = title(&line);
        // A title's next line continues it, and so does the next line of a
        // wrapped paragraph; any other line starts anew.
        let continues = previous.as_ref().is_some_and(|(before, was_title)| {
            (*was_title && is_title) || margins.wraps_into(before, &line)
        });
        let text = line.text();
        if continues {
            let joins_words = out.ends_with(|c: char| c.is_ascii_alphanumeric())
                && text.starts_with(|c: char| c.is_ascii_alphanumeric());
            if joins_words {
                out.push(' ');
            }
        } else if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&text);
        previous = Some((line, is_title));
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Where the page's paragraphs start and end: the left and right edges most
/// lines of prose share (justified prose fills its lines to the right edge).
struct Margins {
    left: Option<f32>,
    right: Option<f32>,
}

impl Margins {
    fn of(lines: &[Line]) -> Margins {
        let prose: Vec<&Line> = lines
            .iter()
            .filter(|l| l.is_prose() && l.is_long())
            .collect();
        Margins {
            left: most_common(prose.iter().map(|l| l.x_start())),
            right: most_common(prose.iter().map(|l| l.x_end())),
        }
    }

    /// `next` continues the paragraph of `line`: `line` is a full line of
    /// prose that does not end a sentence, and `next` is the line below it,
    /// in the same size, starting at the margin (a new paragraph is indented)
    /// and not a heading.
    fn wraps_into(&self, line: &Line, next: &Line) -> bool {
        let (Some(left), Some(right)) = (self.left, self.right) else {
            return false;
        };
        let size = line.size.max(1.0);
        let text = line.text();
        let next_text = next.text();
        line.is_prose()
            && line.is_long()
            && next.is_prose()
            && (line.size - next.size).abs() <= 0.05 * size
            && (line.x_end() - right).abs() <= size
            && (next.x_start() - left).abs() <= 0.5 * size
            && (0.0..=2.5 * size).contains(&(line.y - next.y))
            && !text.ends_with(['。', '！', '？', '；', '：', ':', ';'])
            && !starts_heading(&next_text)
    }
}

/// `一、`, `（一）`, `(1)`, `1.`, `1、`: how section and item headings begin.
fn starts_heading(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('（' | '(') => true,
        Some(c) if "一二三四五六七八九十".contains(c) || c.is_ascii_digit() => {
            let rest: String = chars
                .take_while(|c| !matches!(c, '、' | '.' | '．'))
                .collect();
            rest.chars().count() < 3
                && rest
                    .chars()
                    .all(|c| "一二三四五六七八九十".contains(c) || c.is_ascii_digit())
                && text.contains(['、', '.', '．'])
        }
        _ => false,
    }
}

/// The value most of `values` share, to the nearest point.
fn most_common(values: impl Iterator<Item = f32>) -> Option<f32> {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for v in values.filter(|v| v.is_finite()) {
        let key = v.round() as i64;
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(_, n)| n)
        .filter(|&(_, n)| n >= 3)
        .map(|(k, _)| k as f32)
}

/// The size most of the page's glyphs are set in.
fn body_size(glyphs: &[Glyph]) -> f32 {
    let mut sizes: Vec<f32> = glyphs
        .iter()
        .map(|g| g.size)
        .filter(|s| s.is_finite())
        .collect();
    if sizes.is_empty() {
        return 0.0;
    }
    let middle = sizes.len() / 2;
    *sizes.select_nth_unstable_by(middle, f32::total_cmp).1
}

fn lines(glyphs: &[Glyph]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut line: Option<Line> = None;
    for glyph in glyphs {
        if glyph.ch.is_whitespace() || glyph.ch.is_control() {
            if let Some(line) = &mut line {
                line.space_pending = true;
            }
            continue;
        }
        match &mut line {
            Some(current) if current.same_baseline(glyph) => current.push(glyph),
            _ => {
                lines.extend(line.take());
                line = Some(Line::start(glyph));
            }
        }
    }
    lines.extend(line);
    lines
}

/// Glyphs of one baseline, in runs separated by cell gaps.
struct Line {
    runs: Vec<Run>,
    y: f32,
    size: f32,
    space_pending: bool,
}

/// Glyphs set one after the other: a cell's text, or a word.
struct Run {
    text: String,
    x_start: f32,
    x_end: f32,
}

impl Run {
    fn start(glyph: &Glyph) -> Run {
        Run {
            text: glyph.ch.to_string(),
            x_start: glyph.x0,
            x_end: glyph.x1.max(glyph.x0),
        }
    }
}

impl Line {
    fn start(glyph: &Glyph) -> Line {
        Line {
            runs: vec![Run::start(glyph)],
            y: glyph.y,
            size: glyph.size,
            space_pending: false,
        }
    }

    /// Text, not a table row: no run after the first is a value (a number,
    /// or a mark standing for none).
    fn is_prose(&self) -> bool {
        self.runs.iter().skip(1).all(|run| {
            !run.text.chars().all(|c| {
                c.is_ascii_digit() || matches!(c, '.' | ',' | '%' | '/' | '-' | '—' | '－' | '／')
            })
        })
    }

    /// Twenty characters or more wide: a line of prose, not a table heading.
    fn is_long(&self) -> bool {
        self.x_end() - self.x_start() >= 20.0 * self.size.max(1.0)
    }

    fn x_start(&self) -> f32 {
        self.runs
            .iter()
            .map(|r| r.x_start)
            .fold(f32::INFINITY, f32::min)
    }

    fn x_end(&self) -> f32 {
        self.runs
            .iter()
            .map(|r| r.x_end)
            .fold(f32::NEG_INFINITY, f32::max)
    }

    fn same_baseline(&self, glyph: &Glyph) -> bool {
        (glyph.y - self.y).abs() <= SAME_LINE * self.size.max(glyph.size).max(1.0)
    }

    /// Adds a glyph of this baseline: to the current run when it follows it,
    /// else as a new run. A glyph left of where the run ended starts a run
    /// too: writers may draw a row's cells in any order, and the runs are
    /// read left to right in the end.
    fn push(&mut self, glyph: &Glyph) {
        let size = self.size.max(glyph.size).max(1.0);
        let run = self.runs.last_mut().expect("a line has a run");
        let gap = glyph.x0 - run.x_end;
        if gap > CELL_GAP * size || gap < -SAME_LINE * size {
            self.runs.push(Run::start(glyph));
        } else {
            if self.space_pending {
                run.text.push(' ');
            }
            run.text.push(glyph.ch);
            run.x_end = run.x_end.max(glyph.x1.max(glyph.x0));
        }
        self.space_pending = false;
    }

    /// The line's text, its runs from left to right.
    fn text(&self) -> String {
        let mut runs: Vec<&Run> = self.runs.iter().collect();
        runs.sort_by(|a, b| a.x_start.total_cmp(&b.x_start));
        let mut text = String::new();
        for run in runs {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&run.text);
        }
        text
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
            ("行政处罚", 0.0, 680.0),
        ]);
        assert_eq!(text, "行政许可 550\n行政处罚\n");
    }

    #[test]
    fn cells_drawn_out_of_order_are_read_left_to_right() {
        let text = lines(&[
            ("规章", 0.0, 700.0),
            ("19", 300.0, 700.0),
            ("3", 200.0, 700.0),
            ("2", 250.0, 700.0),
            ("行政规范性文件", 0.0, 680.0),
        ]);
        assert_eq!(text, "规章 3 2 19\n行政规范性文件\n");
    }

    #[test]
    fn a_title_wrapped_over_two_lines_is_joined() {
        // Body lines span x 0..300; the title's lines are centred on 150.
        let mut g = glyphs(&[
            ("洪泽区人民政府", 115.0, 780.0),
            ("2023年报告", 100.0, 750.0),
        ]);
        g.iter_mut().for_each(|g| g.size = 22.0);
        g.extend(glyphs(&[
            (
                "本报告由淮安市洪泽区人民政府办公室根据条例编制此报告。报告中",
                0.0,
                700.0,
            ),
            ("一、总体情况", 20.0, 680.0),
        ]));
        let mut out = String::new();
        write_lines(&g, &mut out);
        assert_eq!(
            out,
            "洪泽区人民政府2023年报告\n本报告由淮安市洪泽区人民政府办公室根据条例编制此报告。报告中\n一、总体情况\n"
        );
    }

    #[test]
    fn lines_in_the_largest_size_that_are_not_a_centred_title_stay_apart() {
        // A report set in one size throughout: title, heading and prose.
        let g = glyphs(&[
            ("示例县人民政府2023年报告", 90.0, 780.0),
            ("一、总体情况", 20.0, 750.0),
            (
                "本报告由淮安市洪泽区人民政府办公室根据条例编制此报告。报告中",
                0.0,
                720.0,
            ),
            (
                "所列数据统计期限自一月一日起至十二月三十一日止。如对本报告有",
                0.0,
                700.0,
            ),
        ]);
        let mut out = String::new();
        write_lines(&g, &mut out);
        assert_eq!(out.lines().count(), 4, "{out}");
    }

    #[test]
    fn wrapped_prose_is_joined_and_tables_headings_and_new_paragraphs_are_not() {
        let full = "政府信息公开工作年度报告政府信息公开工作年度报告政府信息公";
        let g = glyphs(&[
            // An indented first line, two full lines, the paragraph's end.
            ("一、总体情况", 20.0, 800.0),
            (&full[3 * 2..], 20.0, 780.0),
            (full, 0.0, 765.0),
            (full, 0.0, 750.0),
            ("开。", 0.0, 735.0),
            // A full line before a heading at the margin.
            (full, 0.0, 720.0),
            ("二、主动公开", 0.0, 705.0),
            // A full line before a table row.
            (full, 0.0, 690.0),
            ("规章", 0.0, 675.0),
            ("3", 200.0, 675.0),
        ]);
        let mut out = String::new();
        write_lines(&g, &mut out);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 6, "{out}");
        assert_eq!(lines[0], "一、总体情况");
        assert!(lines[1].ends_with("开。") && lines[1].starts_with(&full[6..]));
        assert_eq!(lines[3], "二、主动公开");
        assert_eq!(lines[5], "规章 3");
    }

    #[test]
    fn adjacent_digits_stay_one_number() {
        let text = lines(&[("7730.28", 0.0, 700.0)]);
        assert_eq!(text, "7730.28\n");
    }
}
