//! SIGINT and SIGTERM (Ctrl-C on Windows): the emulator runs until one arrives.

/// SIGINT and SIGTERM, listened for from [`Signals::install`] on.
pub(crate) struct Signals {
    rt: tokio::runtime::Runtime,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn install() -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let (term, int) = rt.block_on(async {
                Ok::<_, std::io::Error>((
                    signal(SignalKind::terminate())?,
                    signal(SignalKind::interrupt())?,
                ))
            })?;
            Ok(Self { rt, term, int })
        }
        #[cfg(not(unix))]
        {
            Ok(Self { rt })
        }
    }

    /// Blocks until one of the signals arrives.
    pub fn wait(mut self) {
        #[cfg(unix)]
        self.rt.block_on(async {
            tokio::select! {
                _ = self.term.recv() => {}
                _ = self.int.recv() => {}
            }
        });
        #[cfg(not(unix))]
        {
            let _ = self.rt.block_on(tokio::signal::ctrl_c());
        }
    }
}
