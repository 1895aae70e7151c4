//! Errors that stop xxgk from reading an input at all. A page that is
//! readable but is not a report is not an error: it is a `not_a_report` record.

use std::io;
use std::path::PathBuf;

/// The I/O cause is part of each message and not a `source`, so printing the
/// error chain (`{:#}`) does not repeat it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: no such file", path.display())]
    NotFound { path: PathBuf },
    /// A URL given where a file was expected.
    #[error(
        "{url}: a URL, not a file: extract reads saved pages; to fetch it, \
         run `echo '{url}' | xxgk crawl - -o reports.jsonl`"
    )]
    Url { url: String },
    #[error("{}: is a directory; give the report files inside it", path.display())]
    IsDirectory { path: PathBuf },
    #[error("{}: cannot read: {cause}", path.display())]
    Read { path: PathBuf, cause: io::Error },
    /// A file of saved records (JSONL / JSON) that cannot be read back.
    #[error("{}: {message}", path.display())]
    Records { path: PathBuf, message: String },
    #[error("{}: cannot write: {cause}", path.display())]
    Write { path: PathBuf, cause: io::Error },
}

impl Error {
    /// Classifies an I/O error met while reading `path`.
    pub fn reading(path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        match source.kind() {
            io::ErrorKind::NotFound if looks_like_url(&path) => Error::Url {
                url: path.display().to_string(),
            },
            io::ErrorKind::NotFound => Error::NotFound { path },
            io::ErrorKind::IsADirectory => Error::IsDirectory { path },
            _ => Error::Read {
                path,
                cause: source,
            },
        }
    }
}

/// `http://…` / `https://…`: what a user pastes when they mean a page.
fn looks_like_url(path: &std::path::Path) -> bool {
    let text = path.to_string_lossy().to_ascii_lowercase();
    text.starts_with("http://") || text.starts_with("https://")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
