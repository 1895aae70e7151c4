//! Prints the text lines xxgk reads from a PDF, before extraction:
//! `cargo run --example pdf_lines FILE.pdf`. Handy when a PDF reads wrong.

fn main() {
    let path = std::env::args().nth(1).expect("a PDF path");
    let bytes = std::fs::read(&path).expect("readable");
    match xxgk::flatten::pdf::read_text(&bytes, Default::default()) {
        Ok(text) => print!("{}", text.text),
        Err(why) => eprintln!("{why}"),
    }
}
