//! The client's log lines as they are written, for tests that wait until the client has
//! logged a decision (a retry, say) instead of guessing how long it takes to get there.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tracing_subscriber::fmt::MakeWriter;

/// Sends each write of the subscriber (one formatted event) down a channel.
#[derive(Clone)]
struct Sender(UnboundedSender<String>);

impl std::io::Write for Sender {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The receiver may be gone once the test has what it waited for.
        let _ = self.0.send(String::from_utf8_lossy(buf).into_owned());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Sender {
    type Writer = Sender;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Events at WARN and above on the current thread, until the returned guard is dropped. A
/// `#[tokio::test]` runs the client (and every task it spawns) on that thread.
pub fn warnings() -> (tracing::subscriber::DefaultGuard, UnboundedReceiver<String>) {
    let (tx, rx) = unbounded_channel();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(Sender(tx))
        .finish();
    (tracing::subscriber::set_default(subscriber), rx)
}

/// Returns once a line containing `text` has been written.
pub async fn until_logged(lines: &mut UnboundedReceiver<String>, text: &str) {
    while let Some(line) = lines.recv().await {
        if line.contains(text) {
            return;
        }
    }
}
