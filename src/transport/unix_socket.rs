//! go-plugin's transport outside Windows: a unix socket in a fresh directory only this user
//! can enter.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tempfile::TempDir;
use tokio::net::UnixListener;

/// The socket and its directory; both are removed when this value is dropped.
pub struct PrivateSocket {
    dir: TempDir,
    path: PathBuf,
}

impl PrivateSocket {
    /// Creates the directory under `PLUGIN_UNIX_SOCKET_DIR` if set (as go-plugin does), else
    /// the system temp dir, and binds `plugin.sock` inside it.
    pub fn bind(parent: Option<&Path>) -> io::Result<(Self, UnixListener)> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("tf-provider-databricks-");
        let dir = match parent {
            Some(parent) => builder.tempdir_in(parent)?,
            None => builder.tempdir()?,
        };
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
        let path = dir.path().join("plugin.sock");
        let listener = UnixListener::bind(&path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot listen on {}: {e}", path.display()),
            )
        })?;
        Ok((Self { dir, path }, listener))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn socket_directory_is_private_and_removed_on_drop() {
        let parent = tempfile::tempdir().unwrap();
        let (socket, _listener) = PrivateSocket::bind(Some(parent.path())).unwrap();
        let dir = socket.dir().to_path_buf();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        assert!(socket.path().exists());
        drop(socket);
        assert!(!dir.exists());
    }
}
