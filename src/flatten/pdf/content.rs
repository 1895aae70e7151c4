//! A page's content streams → positioned glyphs. Interprets the text and
//! graphics-state operators of PDF 32000-1 §8–9 that decide where a glyph
//! lands (`cm`, `q`/`Q`, `BT`, `Tm`, `Td`, `TD`, `T*`, `Tf`, `Tc`, `Tw`, `Tz`,
//! `TL`, `Ts`, `Tj`, `TJ`, `'`, `"`), follows form XObjects, and counts images.
//! Paths, colours and clipping are ignored: only where text lands matters.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::fonts::Font;
use super::{Budget, Limits, Unreadable, deref};

/// One character placed on a page, in page space (PDF units, y upwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub ch: char,
    /// Where the glyph starts and where the next one would start.
    pub x0: f32,
    pub x1: f32,
    /// Baseline.
    pub y: f32,
    /// Rendered font size (height of an em).
    pub size: f32,
}

/// What one page holds.
#[derive(Debug, Default)]
pub struct Page {
    /// In content-stream order.
    pub glyphs: Vec<Glyph>,
    pub images: usize,
    /// Codes shown that map to no known text.
    pub unmapped: usize,
}

/// An affine matrix `[a b c d e f]` (PDF 32000-1 §8.3.3).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    /// `self × other`: apply `self`, then `other`.
    fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }
}

/// Which way text runs on the page, to the nearest quarter turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    None,
    /// Text running up the page.
    Quarter,
    Half,
    /// Text running down the page.
    ThreeQuarters,
}

impl Turn {
    /// From the direction a glyph advances in.
    fn of(m: &Matrix) -> Turn {
        let [a, b, ..] = m.0;
        if a.abs() >= b.abs() {
            if a >= 0.0 { Turn::None } else { Turn::Half }
        } else if b > 0.0 {
            Turn::Quarter
        } else {
            Turn::ThreeQuarters
        }
    }

    /// A page point in the frame where this text runs left to right with y up.
    fn upright(self, (x, y): (f32, f32)) -> (f32, f32) {
        match self {
            Turn::None => (x, y),
            Turn::Quarter => (y, -x),
            Turn::Half => (-x, -y),
            Turn::ThreeQuarters => (-y, x),
        }
    }
}

#[derive(Clone)]
struct GraphicsState<'a> {
    ctm: Matrix,
    font: Option<Rc<Font<'a>>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    /// `Tz` / 100.
    scale: f32,
    leading: f32,
    rise: f32,
}

impl GraphicsState<'_> {
    fn new(ctm: Matrix) -> Self {
        GraphicsState {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// The resources a content stream names fonts and XObjects in.
#[derive(Clone, Copy)]
pub struct Resources<'a> {
    dicts: [Option<&'a Dictionary>; 2],
}

impl<'a> Resources<'a> {
    /// A page's resources: its own or inherited dictionary.
    pub fn of_page(doc: &'a Document, page: ObjectId) -> Resources<'a> {
        let (direct, ids) = doc.get_page_resources(page).unwrap_or((None, Vec::new()));
        let referenced = ids.first().and_then(|id| doc.get_dictionary(*id).ok());
        Resources {
            dicts: [direct, referenced],
        }
    }

    fn of_form(doc: &'a Document, form: &'a Dictionary, outer: Resources<'a>) -> Resources<'a> {
        match deref(doc, form.get(b"Resources").ok()).and_then(|o| o.as_dict().ok()) {
            Some(own) => Resources {
                dicts: [Some(own), None],
            },
            // A form without resources uses its page's (PDF 1.1 behaviour).
            None => outer,
        }
    }

    /// Entry `name` of the resource category `kind` (`Font`, `XObject`).
    fn lookup(&self, doc: &'a Document, kind: &[u8], name: &[u8]) -> Option<&'a Object> {
        self.dicts.iter().flatten().find_map(|dict| {
            let category = deref(doc, dict.get(kind).ok())?.as_dict().ok()?;
            deref(doc, category.get(name).ok())
        })
    }
}

/// Interprets the pages of one document; fonts are loaded once and shared
/// by every page that uses them.
pub struct Interpreter<'a, 'b> {
    doc: &'a Document,
    limits: &'b Limits,
    budget: &'b mut Budget,
    /// Keyed by the address of the font's dictionary, which lives as long as `doc`.
    fonts: HashMap<usize, Rc<Font<'a>>>,
    page: Page,
    state: GraphicsState<'a>,
    stack: Vec<GraphicsState<'a>>,
    text_matrix: Matrix,
    line_matrix: Matrix,
    /// The characters of one code.
    scratch: String,
}

impl<'a, 'b> Interpreter<'a, 'b> {
    pub fn new(doc: &'a Document, limits: &'b Limits, budget: &'b mut Budget) -> Self {
        Interpreter {
            doc,
            limits,
            budget,
            fonts: HashMap::new(),
            page: Page::default(),
            state: GraphicsState::new(Matrix::IDENTITY),
            stack: Vec::new(),
            text_matrix: Matrix::IDENTITY,
            line_matrix: Matrix::IDENTITY,
            scratch: String::new(),
        }
    }

    /// Runs one page's content streams.
    pub fn run_page(&mut self, page: ObjectId) -> Result<Page, Unreadable> {
        let remaining = self.budget.content_bytes_left();
        let content = match self.doc.get_page_content_with_limit(page, remaining) {
            Ok(content) => content,
            Err(lopdf::Error::Decompress(_)) => {
                return Err(Unreadable::TooBig(format!(
                    "its page content decompresses to more than {} MB",
                    self.limits.max_content_bytes >> 20
                )));
            }
            Err(_) => Vec::new(),
        };
        self.budget.charge_content(content.len())?;
        self.state = GraphicsState::new(Matrix::IDENTITY);
        self.stack.clear();
        let resources = Resources::of_page(self.doc, page);
        self.run(&content, resources, 0)?;
        Ok(std::mem::take(&mut self.page))
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Resources<'a>,
        depth: usize,
    ) -> Result<(), Unreadable> {
        // A stream that stops parsing keeps what it showed before the damage.
        for operation in Content::decode_iter(content).map_while(Result::ok) {
            self.budget.charge_operation()?;
            self.operate(&operation, resources, depth)?;
        }
        Ok(())
    }

    fn operate(
        &mut self,
        op: &Operation,
        resources: Resources<'a>,
        depth: usize,
    ) -> Result<(), Unreadable> {
        let args = &op.operands;
        let num = |i: usize| args.get(i).and_then(number);
        match op.operator.as_str() {
            "q" if self.stack.len() < self.limits.max_state_depth => {
                self.stack.push(self.state.clone());
            }
            "Q" => {
                if let Some(saved) = self.stack.pop() {
                    self.state = saved;
                }
            }
            "cm" => {
                if let Some(m) = matrix(args) {
                    self.state.ctm = m.then(&self.state.ctm);
                }
            }
            "BT" => {
                self.text_matrix = Matrix::IDENTITY;
                self.line_matrix = Matrix::IDENTITY;
            }
            "Tm" => {
                if let Some(m) = matrix(args) {
                    self.text_matrix = m;
                    self.line_matrix = m;
                }
            }
            "Td" => self.next_line(num(0).unwrap_or(0.0), num(1).unwrap_or(0.0)),
            "TD" => {
                let ty = num(1).unwrap_or(0.0);
                self.state.leading = -ty;
                self.next_line(num(0).unwrap_or(0.0), ty);
            }
            "T*" => self.next_line(0.0, -self.state.leading),
            "Tc" => self.state.char_spacing = num(0).unwrap_or(0.0),
            "Tw" => self.state.word_spacing = num(0).unwrap_or(0.0),
            "Tz" => self.state.scale = num(0).unwrap_or(100.0) / 100.0,
            "TL" => self.state.leading = num(0).unwrap_or(0.0),
            "Ts" => self.state.rise = num(0).unwrap_or(0.0),
            "Tf" => {
                self.state.size = num(1).unwrap_or(0.0);
                self.state.font = match args.first().and_then(|o| o.as_name().ok()) {
                    Some(name) => self.font(resources, name)?,
                    None => None,
                };
            }
            "Tj" => self.show_operand(args.first())?,
            "'" => {
                self.next_line(0.0, -self.state.leading);
                self.show_operand(args.first())?;
            }
            "\"" => {
                self.state.word_spacing = num(0).unwrap_or(0.0);
                self.state.char_spacing = num(1).unwrap_or(0.0);
                self.next_line(0.0, -self.state.leading);
                self.show_operand(args.get(2))?;
            }
            "TJ" => {
                let items = args.first().and_then(|o| o.as_array().ok());
                for item in items.into_iter().flatten() {
                    match item {
                        Object::String(bytes, _) => self.show(bytes)?,
                        other => {
                            if let Some(adjust) = number(other) {
                                let tx = -adjust / 1000.0 * self.state.size * self.state.scale;
                                self.advance(tx);
                            }
                        }
                    }
                }
            }
            "Do" => {
                if let Some(name) = args.first().and_then(|o| o.as_name().ok()) {
                    self.draw_xobject(resources, name, depth)?;
                }
            }
            // An inline image (BI … ID … EI): lopdf parses it as one `BI`.
            "BI" => self.page.images += 1,
            _ => {}
        }
        Ok(())
    }

    fn next_line(&mut self, tx: f32, ty: f32) {
        self.line_matrix = Matrix::translate(tx, ty).then(&self.line_matrix);
        self.text_matrix = self.line_matrix;
    }

    fn advance(&mut self, tx: f32) {
        self.text_matrix = Matrix::translate(tx, 0.0).then(&self.text_matrix);
    }

    /// The font a resource name stands for, loaded on first use. Loading
    /// parses the font's maps, so it is counted and timed: a file naming
    /// thousands of fonts ends as too big, not as minutes of parsing.
    fn font(
        &mut self,
        resources: Resources<'a>,
        name: &[u8],
    ) -> Result<Option<Rc<Font<'a>>>, Unreadable> {
        let Some(dict) = resources
            .lookup(self.doc, b"Font", name)
            .and_then(|o| o.as_dict().ok())
        else {
            return Ok(None);
        };
        let key = dict as *const Dictionary as usize;
        if let Some(font) = self.fonts.get(&key) {
            return Ok(Some(Rc::clone(font)));
        }
        if self.fonts.len() >= self.limits.max_fonts {
            return Err(Unreadable::TooBig(format!(
                "more than {} fonts",
                self.limits.max_fonts
            )));
        }
        let font = Rc::new(Font::load(dict, self.doc, self.limits));
        self.budget.check_time()?;
        self.fonts.insert(key, Rc::clone(&font));
        Ok(Some(font))
    }

    fn show_operand(&mut self, operand: Option<&Object>) -> Result<(), Unreadable> {
        if let Some(Object::String(bytes, _)) = operand {
            self.show(bytes)?;
        }
        Ok(())
    }

    /// Places the glyphs of one shown string.
    fn show(&mut self, bytes: &[u8]) -> Result<(), Unreadable> {
        let Some(font) = self.state.font.clone() else {
            return Ok(());
        };
        let state = &self.state;
        // Text space → page space, without the text matrix (PDF 32000-1 §9.4.4).
        let render = Matrix([
            state.size * state.scale,
            0.0,
            0.0,
            state.size,
            0.0,
            state.rise,
        ]);
        for code in font.codes(bytes) {
            self.budget.charge_glyph()?;
            let to_page = render.then(&self.text_matrix).then(&self.state.ctm);
            // Text turned a quarter or half turn (a landscape table on a
            // portrait page) is read in its own frame, where it runs left
            // to right like any other line.
            let turn = Turn::of(&to_page);
            let (x0, y) = turn.upright(to_page.apply(0.0, 0.0));
            let size = to_page.0[2].hypot(to_page.0[3]);
            let spacing = self.state.char_spacing
                + if code.is_space_byte {
                    self.state.word_spacing
                } else {
                    0.0
                };
            let tx = (code.width / 1000.0 * self.state.size + spacing) * self.state.scale;
            self.advance(tx);
            let (x1, _) = turn.upright(
                render
                    .then(&self.text_matrix)
                    .then(&self.state.ctm)
                    .apply(0.0, 0.0),
            );
            self.scratch.clear();
            if !font.push_text(&code, &mut self.scratch) {
                self.page.unmapped += 1;
                continue;
            }
            let chars = self.scratch.chars().count().max(1) as f32;
            let step = (x1 - x0) / chars;
            for (i, ch) in self.scratch.chars().enumerate() {
                if !(x0.is_finite() && y.is_finite() && step.is_finite()) {
                    break;
                }
                self.page.glyphs.push(Glyph {
                    ch,
                    x0: x0 + step * i as f32,
                    x1: x0 + step * (i as f32 + 1.0),
                    y,
                    size,
                });
            }
        }
        Ok(())
    }

    fn draw_xobject(
        &mut self,
        resources: Resources<'a>,
        name: &[u8],
        depth: usize,
    ) -> Result<(), Unreadable> {
        let Some(Object::Stream(stream)) = resources.lookup(self.doc, b"XObject", name) else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.page.images += 1,
            Ok(b"Form") if depth < self.limits.max_form_depth => {
                let remaining = self.budget.content_bytes_left();
                let Ok(content) = stream
                    .decompressed_content_with_limit(remaining)
                    .or_else(|e| {
                        // An unfiltered form is its own content.
                        if stream.dict.get(b"Filter").is_err() && stream.content.len() <= remaining
                        {
                            Ok(stream.content.clone())
                        } else {
                            Err(e)
                        }
                    })
                else {
                    return Ok(());
                };
                self.budget.charge_content(content.len())?;
                let saved = (self.state.clone(), self.text_matrix, self.line_matrix);
                if let Some(m) = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|m| m.as_array().ok())
                    .and_then(|a| matrix(a))
                {
                    self.state.ctm = m.then(&self.state.ctm);
                }
                let inner = Resources::of_form(self.doc, &stream.dict, resources);
                let depth_before = self.stack.len();
                self.run(&content, inner, depth + 1)?;
                self.stack.truncate(depth_before);
                (self.state, self.text_matrix, self.line_matrix) = saved;
            }
            _ => {}
        }
        Ok(())
    }
}

fn number(object: &Object) -> Option<f32> {
    let n = match object {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

fn matrix(args: &[Object]) -> Option<Matrix> {
    if args.len() < 6 {
        return None;
    }
    let mut m = [0.0; 6];
    for (slot, arg) in m.iter_mut().zip(args) {
        *slot = number(arg)?;
    }
    Some(Matrix(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turned_text_is_read_in_its_own_frame() {
        // Text running up the page: advancing one unit moves y up by one.
        let up = Matrix([0.0, 1.0, -1.0, 0.0, 100.0, 200.0]);
        let turn = Turn::of(&up);
        assert_eq!(turn, Turn::Quarter);
        let (x0, _) = turn.upright(up.apply(0.0, 0.0));
        let (x1, _) = turn.upright(up.apply(1.0, 0.0));
        assert_eq!(x1 - x0, 1.0);
        // The next line (one unit below in text space) is lower in the frame.
        let (_, y0) = turn.upright(up.apply(0.0, 0.0));
        let (_, y1) = turn.upright(up.apply(0.0, -1.0));
        assert_eq!(y1 - y0, -1.0);
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        // Scale by 2, then move by (10, 0): the origin lands at 10, (1, 0) at 12.
        let m = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]).then(&Matrix::translate(10.0, 0.0));
        assert_eq!(m.apply(0.0, 0.0), (10.0, 0.0));
        assert_eq!(m.apply(1.0, 0.0), (12.0, 0.0));
    }
}
