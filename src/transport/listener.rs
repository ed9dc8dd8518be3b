//! The socket Terraform dials, and the stream of (optionally TLS) connections on it.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::transport::server::Connected;

/// A TLS handshake that has not finished in this time is abandoned, so a stuck peer cannot
/// hold a task forever.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The variable that picks the transport, documented as a test aid: Terraform passes its
/// environment to the provider, so `tcp` there makes Linux serve the way Windows must.
pub const TRANSPORT_VARIABLE: &str = "TF_PROVIDER_DATABRICKS_TRANSPORT";

/// Which of go-plugin's transports the provider serves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// A unix socket: go-plugin's choice everywhere but Windows.
    #[cfg(unix)]
    Unix,
    /// 127.0.0.1 and a port: go-plugin's choice on Windows.
    Tcp,
}

/// A `TF_PROVIDER_DATABRICKS_TRANSPORT` value this build cannot serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTransport(pub String);

impl fmt::Display for UnknownTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let choices = if cfg!(unix) {
            "\"unix\" or \"tcp\""
        } else {
            "\"tcp\""
        };
        write!(
            f,
            "{TRANSPORT_VARIABLE} must be {choices} on this system, not {:?}",
            self.0
        )
    }
}

impl std::error::Error for UnknownTransport {}

impl Transport {
    /// The transport go-plugin uses on this system, unless `value` (of
    /// [`TRANSPORT_VARIABLE`]) asks for another; unset or empty means the default.
    pub fn from_env(value: Option<&str>) -> Result<Self, UnknownTransport> {
        match value.map(str::trim) {
            None | Some("") => Ok(Self::DEFAULT),
            Some(v) if v.eq_ignore_ascii_case("tcp") => Ok(Self::Tcp),
            #[cfg(unix)]
            Some(v) if v.eq_ignore_ascii_case("unix") => Ok(Self::Unix),
            Some(v) => Err(UnknownTransport(v.to_owned())),
        }
    }

    #[cfg(unix)]
    pub const DEFAULT: Self = Self::Unix;
    #[cfg(not(unix))]
    pub const DEFAULT: Self = Self::Tcp;
}

/// One accepted connection, plaintext or TLS, as tonic wants it; `S` is the socket's stream.
pub enum Conn<S> {
    Plain(S),
    Tls(Box<TlsStream<S>>),
}

impl<S> Connected for Conn<S> {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Conn<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Conn<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Accepts connections from `accepted` (a listener's stream) forever and yields those that
/// complete the TLS handshake (all of them in plaintext mode). A failed handshake drops only
/// that connection: a stray or hostile client must not take the provider down.
pub fn incoming<S, L>(
    mut accepted: L,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> ReceiverStream<io::Result<Conn<S>>>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    L: Stream<Item = io::Result<S>> + Unpin + Send + 'static,
{
    let (tx, rx) = mpsc::channel(16);
    let acceptor = tls.map(TlsAcceptor::from);
    tokio::spawn(async move {
        while let Some(next) = accepted.next().await {
            let stream = match next {
                Ok(stream) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    // Out of file descriptors and the like: give the system a moment.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let tx = tx.clone();
            match &acceptor {
                None => {
                    if tx.send(Ok(Conn::Plain(stream))).await.is_err() {
                        return;
                    }
                }
                Some(acceptor) => {
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                        {
                            Ok(Ok(tls)) => {
                                let _ = tx.send(Ok(Conn::Tls(Box::new(tls)))).await;
                            }
                            Ok(Err(e)) => tracing::warn!(error = %e, "TLS handshake refused"),
                            Err(_) => tracing::warn!("TLS handshake timed out"),
                        }
                    });
                }
            }
        }
    });
    ReceiverStream::new(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_transport_is_go_plugins_for_this_system() {
        let expected = if cfg!(windows) { "tcp" } else { "unix" };
        assert_eq!(
            format!("{:?}", Transport::from_env(None).unwrap()).to_lowercase(),
            expected
        );
        assert_eq!(Transport::from_env(Some("")), Ok(Transport::DEFAULT));
    }

    #[test]
    fn tcp_can_be_asked_for_in_any_case() {
        assert_eq!(Transport::from_env(Some("tcp")), Ok(Transport::Tcp));
        assert_eq!(Transport::from_env(Some(" TCP ")), Ok(Transport::Tcp));
    }

    #[cfg(unix)]
    #[test]
    fn unix_can_be_asked_for_where_it_exists() {
        assert_eq!(Transport::from_env(Some("unix")), Ok(Transport::Unix));
    }

    #[test]
    fn another_value_is_refused_naming_the_variable() {
        let err = Transport::from_env(Some("udp")).unwrap_err().to_string();
        assert!(
            err.starts_with("TF_PROVIDER_DATABRICKS_TRANSPORT must be ")
                && err.ends_with("\"udp\""),
            "{err}"
        );
    }
}
