//! Where output goes: standard output, or a file replaced atomically.
//!
//! A file is written to a temporary file beside it and renamed into place only
//! once complete, so a failed or interrupted export never leaves a half-written
//! file and never destroys the previous one.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// An output destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Stdout,
    File(PathBuf),
}

impl Output {
    /// `-` means standard output; anything else is a file path.
    pub fn from_arg(arg: Option<&Path>) -> Self {
        match arg {
            None => Output::Stdout,
            Some(p) if p.as_os_str() == "-" => Output::Stdout,
            Some(p) => Output::File(p.to_path_buf()),
        }
    }

    /// The name to show in messages.
    pub fn name(&self) -> String {
        match self {
            Output::Stdout => "<stdout>".to_string(),
            Output::File(p) => p.display().to_string(),
        }
    }

    /// Runs `write` against the destination. For a file, the previous content
    /// stays in place unless `write` and every flush succeed.
    pub fn write_with<F>(&self, write: F) -> Result<()>
    where
        F: FnOnce(&mut dyn Write) -> io::Result<()>,
    {
        match self {
            Output::Stdout => {
                let mut out = BufWriter::new(io::stdout().lock());
                match write(&mut out).and_then(|()| out.flush()) {
                    // The reader stopped early (`| head`): not an error.
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                    result => result.map_err(|cause| Error::Write {
                        path: PathBuf::from("<stdout>"),
                        cause,
                    }),
                }
            }
            Output::File(path) => write_file(path, write).map_err(|cause| Error::Write {
                path: path.clone(),
                cause,
            }),
        }
    }
}

fn write_file<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    if path.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory; give a file name",
        ));
    }
    // A device, pipe or socket (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is
    // written to as it is: renaming a file over it would replace the device
    // with a plain file, for every program on the machine.
    if fs::metadata(path).is_ok_and(|meta| !meta.is_file()) {
        let mut out = BufWriter::new(fs::OpenOptions::new().write(true).open(path)?);
        write(&mut out)?;
        return out.flush();
    }
    let file_name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "has no file name"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{}.", file_name.to_string_lossy());
    builder.prefix(&prefix).suffix(".tmp");
    // Keep an existing file's permissions; a new one gets the usual 0644
    // (less the umask) instead of the temporary file's private 0600.
    let permissions = match fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => default_permissions(),
    };
    if let Some(permissions) = permissions {
        builder.permissions(permissions);
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| {
        // Name the directory, not the random temporary name tempfile reports.
        let cause = match e.kind() {
            io::ErrorKind::NotFound => "no such directory".to_string(),
            io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        let message = format!("cannot create a file in {}: {cause}", dir.display());
        io::Error::new(e.kind(), message)
    })?;
    {
        let mut out = BufWriter::new(tmp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn a_complete_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        fs::write(&path, "old").unwrap();
        Output::File(path.clone())
            .write_with(|w| w.write_all(b"new"))
            .unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_write_keeps_the_previous_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        fs::write(&path, "previous export").unwrap();
        let err = Output::File(path.clone())
            .write_with(|w| {
                w.write_all(b"half a fi")?;
                Err(io::Error::other("disk on fire"))
            })
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("out.csv"), "{message}");
        assert!(message.contains("disk on fire"), "{message}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "previous export");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_first_write_creates_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.csv");
        let result = Output::File(path.clone()).write_with(|_| Err(io::Error::other("boom")));
        assert!(result.is_err());
        assert!(!path.exists());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_directory_or_missing_parent_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Output::File(dir.path().to_path_buf())
            .write_with(|w| w.write_all(b"x"))
            .unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
        let missing = dir.path().join("no/such/dir/out.csv");
        let err = Output::File(missing)
            .write_with(|w| w.write_all(b"x"))
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("out.csv: cannot write"), "{message}");
        assert!(
            message.contains("no/such/dir: no such directory"),
            "{message}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_readable_by_others_and_an_old_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        Output::File(path.clone())
            .write_with(|w| w.write_all(b"a"))
            .unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o044, 0o044 & !umask_guess(), "mode {mode:o}");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        Output::File(path.clone())
            .write_with(|w| w.write_all(b"b"))
            .unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    /// The umask's read bits, measured by creating a plain file.
    #[cfg(unix)]
    fn umask_guess() -> u32 {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe");
        fs::write(&probe, "").unwrap();
        let mode = fs::metadata(&probe).unwrap().permissions().mode();
        0o044 & !mode
    }

    /// Writing to a FIFO (as to `/dev/null` or `/dev/stdout`) writes through
    /// it and leaves it a FIFO; it is never replaced by a plain file.
    #[cfg(unix)]
    #[test]
    fn a_device_or_pipe_is_written_to_not_replaced() {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        // A reader opened without blocking lets the writer open the FIFO.
        let mut reader = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .unwrap();
        Output::File(fifo.clone())
            .write_with(|w| w.write_all(b"records\n"))
            .unwrap();
        let mut got = Vec::new();
        let _ = std::io::Read::read_to_end(&mut reader, &mut got);
        assert_eq!(got, b"records\n");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(leftovers(dir.path()).iter().all(|name| name == "pipe"));
    }
}
