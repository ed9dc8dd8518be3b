//! Where `--tls` puts the CA certificate. Created exclusively (`O_EXCL`) and never through a
//! symbolic link, so another user of the machine cannot plant a link that makes the emulator
//! overwrite one of its user's files.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The CA file of `--tls`.
pub(crate) enum CaFile {
    /// No path given: `ca.pem` in a new directory under the temp directory that only this
    /// user may enter; both removed at exit.
    Private {
        /// Removes the directory and the file when dropped.
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    /// The path the user named, left in place at exit.
    Named(PathBuf),
}

impl CaFile {
    pub fn write(requested: Option<&Path>, pem: &str) -> std::io::Result<CaFile> {
        match requested {
            None => CaFile::write_private(pem),
            Some(path) => {
                replace_file(path, pem)?;
                Ok(CaFile::Named(path.to_path_buf()))
            }
        }
    }

    fn write_private(pem: &str) -> std::io::Result<CaFile> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("databricks-account-emulator-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir()?;
        let path = dir.path().join("ca.pem");
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(pem.as_bytes()))
            .map_err(|e| with_path(&path, e))?;
        Ok(CaFile::Private { _dir: dir, path })
    }

    pub fn path(&self) -> &Path {
        match self {
            CaFile::Private { path, .. } | CaFile::Named(path) => path,
        }
    }
}

/// Writes `contents` to a new file beside `path` and renames it over `path`: a file already
/// there (say, the CA of the last run) is replaced, never written into, so a hard link to it
/// keeps its old contents. A symbolic link or anything but a regular file at `path` is refused.
fn replace_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(with_path(
                path,
                Error::new(
                    ErrorKind::AlreadyExists,
                    "is a symbolic link, which the emulator does not write through; remove it \
                     or name another path",
                ),
            ));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(with_path(
                path,
                Error::new(ErrorKind::AlreadyExists, "exists and is not a regular file"),
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(with_path(path, e)),
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".databricks-account-emulator-ca-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut file = builder.tempfile_in(dir).map_err(|e| with_path(path, e))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| with_path(path, e))?;
    // A rename replaces whatever is at `path` by name, a link included: nothing is followed.
    file.persist(path).map_err(|e| with_path(path, e.error))?;
    Ok(())
}

fn with_path(path: &Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}
