//! Signals that stop (or do not stop) the provider.
//!
//! Terraform's Ctrl-C reaches its providers too (same process group on unix, same console on
//! Windows); Terraform itself coordinates a graceful stop through StopProvider, so a managed
//! provider ignores it, as go-plugin does. In debug mode it is how a person stops the server.

use tokio_util::sync::CancellationToken;

/// SIGINT as described above; SIGTERM always shuts down cleanly so the socket directory is
/// removed.
#[cfg(unix)]
pub fn listen(debug: bool, shutdown: CancellationToken) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};

    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = interrupt.recv() => {
                    if debug {
                        shutdown.cancel();
                        return;
                    }
                    tracing::debug!("ignoring SIGINT; Terraform stops providers through StopProvider");
                }
                Some(()) = terminate.recv() => {
                    shutdown.cancel();
                    return;
                }
                else => return,
            }
        }
    });
    Ok(())
}

/// Ctrl-C as described above; Ctrl-Break and closing the console shut down cleanly.
#[cfg(windows)]
pub fn listen(debug: bool, shutdown: CancellationToken) -> std::io::Result<()> {
    use tokio::signal::windows::{ctrl_break, ctrl_c, ctrl_close};

    let mut interrupt = ctrl_c()?;
    let mut brk = ctrl_break()?;
    let mut close = ctrl_close()?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = interrupt.recv() => {
                    if debug {
                        shutdown.cancel();
                        return;
                    }
                    tracing::debug!("ignoring Ctrl-C; Terraform stops providers through StopProvider");
                }
                Some(()) = brk.recv() => {
                    shutdown.cancel();
                    return;
                }
                Some(()) = close.recv() => {
                    shutdown.cancel();
                    return;
                }
                else => return,
            }
        }
    });
    Ok(())
}
