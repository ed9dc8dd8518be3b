//! A local stand-in for the Databricks account API: the OAuth M2M token endpoint, account SCIM
//! service principals and service-principal OAuth secrets, with the real paths, JSON shapes,
//! status codes and error envelopes (described in the crate's `API.md`).
//!
//! Tests start it in-process on a free port and drive it through its admin methods:
//!
//! ```no_run
//! use databricks_account_emulator::{Emulator, Seed, canonical};
//!
//! let emu = Emulator::start(Seed::canonical())?;
//! let base = emu.url(); // e.g. "http://127.0.0.1:41234"
//! emu.remove_role(canonical::ACCOUNT_ID, canonical::SERVICE_PRINCIPAL_ID, "account_admin")?;
//! assert_eq!(emu.calls().token, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The server runs on its own thread with its own Tokio runtime, so it works the same from
//! plain `#[test]`s and from any kind of `#[tokio::test]`; it stops on [`Emulator::shutdown`]
//! or drop.

mod basic_auth;
mod errors;
mod faults;
mod form;
mod ids;
mod loopback;
mod reqlog;
mod routes;
mod seed;
mod shared;
mod state;
mod timefmt;
mod tls;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use axum::serve::ListenerExt;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;

pub use faults::{Fault, FaultRule, RandomFaultKind, RandomFaults};
pub use reqlog::RequestRecord;
pub use seed::{
    ACCOUNT_ADMIN, Account, DEFAULT_REQUEST_LOG_LIMIT, Latency, MAX_LIFETIME_SECONDS,
    STATUS_ACTIVE, STATUS_INACTIVE, Secret, Seed, ServicePrincipal, Settings, canonical,
};
pub use state::{
    AdminError, CallCounts, InjectedFault, NewSecret, NewServicePrincipal, ServicePrincipalUpdate,
};
/// Re-exported for [`Emulator::set_secret_expire_time`] and the seed types' timestamps.
pub use time;

use shared::Shared;
use state::State;
use time::OffsetDateTime;

/// Sized for the scale benchmark's 1,000 simultaneous connections: the default of 128 would
/// drop SYNs and stall clients for a second.
const LISTEN_BACKLOG: u32 = 2048;

/// How [`Emulator::start_with`] starts the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Address to bind; default `127.0.0.1:0` (a free port).
    pub addr: SocketAddr,
    /// Serve HTTPS with a certificate for `localhost`, `127.0.0.1` and `::1`, signed by a CA
    /// generated at start ([`Emulator::ca_certificate_pem`]). Default: plain HTTP.
    pub tls: bool,
    /// Allow an `addr` other than loopback (`0.0.0.0`, `::`, a LAN address). The admin API has
    /// no authentication and hands out every secret, so by default [`Emulator::start_with`]
    /// refuses such an address. With it, the admin API also answers requests that name the
    /// emulator by IP address (still never by a host name other than `localhost`). Default:
    /// `false`.
    pub allow_remote: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tls: false,
            allow_remote: false,
        }
    }
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    addr: SocketAddr,
    /// The PEM of the CA that signed the server certificate, when serving HTTPS.
    ca_pem: Option<String>,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("tls", &self.ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts on `127.0.0.1:0` (a free port), plain HTTP.
    pub fn start(seed: Seed) -> io::Result<Emulator> {
        Emulator::start_with(seed, Options::default())
    }

    /// Starts on `addr`, plain HTTP; fails on an invalid seed (`InvalidData`) or if the
    /// address cannot be bound.
    pub fn start_on(addr: SocketAddr, seed: Seed) -> io::Result<Emulator> {
        Emulator::start_with(
            seed,
            Options {
                addr,
                ..Options::default()
            },
        )
    }

    /// Starts as `options` say, e.g. with HTTPS:
    ///
    /// ```no_run
    /// use databricks_account_emulator::{Emulator, Options, Seed};
    ///
    /// let emu = Emulator::start_with(Seed::canonical(), Options { tls: true, ..Default::default() })?;
    /// assert!(emu.url().starts_with("https://127.0.0.1:"));
    /// let ca = emu.ca_certificate_pem().unwrap_or_default(); // trust this, e.g. via SSL_CERT_FILE
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// An `addr` that is not loopback is refused (`InvalidInput`) unless
    /// [`Options::allow_remote`] is set.
    pub fn start_with(seed: Seed, options: Options) -> io::Result<Emulator> {
        if !options.allow_remote && !loopback::is_loopback(options.addr.ip()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "refusing to listen on {}, which other machines can reach: the admin API \
                     under /_emulator/ is unauthenticated and reveals every secret; set \
                     Options::allow_remote to listen there anyway",
                    options.addr.ip()
                ),
            ));
        }
        let state = State::from_seed(seed)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("seed: {e}")))?;
        let tls = if options.tls {
            Some(tls::generate()?)
        } else {
            None
        };
        let shared = Arc::new(Shared::new(state, tls.is_some()));
        let admin_hosts = if options.allow_remote {
            routes::HostRule::LoopbackOrIpAddress
        } else {
            routes::HostRule::Loopback
        };
        let app = routes::router(shared.clone(), admin_hosts);
        let (ready_tx, ready_rx) = mpsc::channel::<io::Result<SocketAddr>>();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let server_config = tls.as_ref().map(|t| t.config.clone());
        let bound_shared = shared.clone();
        let addr = options.addr;
        let thread = std::thread::Builder::new()
            .name("account-emulator".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("account-emulator-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    let bound = bind(addr).and_then(|l| l.local_addr().map(|a| (l, a)));
                    let (listener, local) = match bound {
                        Ok(b) => b,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    bound_shared.set_bound(local);
                    let _ = ready_tx.send(Ok(local));
                    tokio::select! {
                        _ = serve(listener, local, server_config, app) => {}
                        _ = stop_rx => {}
                    }
                });
                // Drops open connections; a test double need not drain them.
                rt.shutdown_timeout(Duration::from_millis(200));
            })?;
        let bound = ready_rx
            .recv()
            .map_err(|_| io::Error::other("emulator thread exited during start-up"))
            .and_then(|r| r);
        match bound {
            Ok(addr) => Ok(Emulator {
                addr,
                ca_pem: tls.map(|t| t.ca_pem),
                shared,
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Err(e) => {
                let _ = thread.join();
                Err(e)
            }
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` or, with TLS, `https://127.0.0.1:41234` (no
    /// trailing slash). An unspecified bind address (`0.0.0.0`) is reported as loopback, which
    /// is what a local client can reach.
    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!(
            "{scheme}://{}",
            loopback::loopback_if_unspecified(self.addr)
        )
    }

    /// With TLS: the PEM of the CA certificate that signed the server certificate (generated
    /// at start, different every time). Clients trust it, e.g. with `SSL_CERT_FILE`.
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The bound socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and waits for its thread. Also done on drop.
    pub fn shutdown(mut self) {
        self.stop_server();
    }

    fn stop_server(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    // ---- state and settings --------------------------------------------------------------

    /// The whole state in seed format (secret values included).
    pub fn snapshot(&self) -> Seed {
        self.shared.lock().snapshot()
    }

    pub fn settings(&self) -> Settings {
        self.shared.lock().settings.clone()
    }

    pub fn set_settings(&self, settings: Settings) -> Result<(), AdminError> {
        self.shared.lock().set_settings(settings)
    }

    /// Changes some settings, e.g. `emu.update_settings(|s| s.scim_get_omits_roles = true)`.
    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) -> Result<(), AdminError> {
        let mut st = self.shared.lock();
        let mut settings = st.settings.clone();
        f(&mut settings);
        st.set_settings(settings)
    }

    // ---- calls, faults, latency, tokens -----------------------------------------------------

    /// Requests per endpoint since start or the last [`Emulator::reset_calls`].
    pub fn calls(&self) -> CallCounts {
        self.shared.lock().calls
    }

    pub fn reset_calls(&self) {
        self.shared.lock().calls = CallCounts::default();
    }

    /// The request log, oldest first: one record per API request (admin requests are not
    /// logged), at most `Settings::request_log_limit` of the newest. No secrets or tokens.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().requests()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.shared.lock().clear_requests();
    }

    /// Scripts a fault; returns its id. Rules are tried in the order they were added.
    pub fn inject_fault(&self, rule: FaultRule) -> u64 {
        self.shared.lock().inject_fault(rule)
    }

    /// The scripted faults still waiting, with their remaining counts.
    pub fn faults(&self) -> Vec<InjectedFault> {
        self.shared.lock().faults()
    }

    pub fn clear_faults(&self) {
        self.shared.lock().clear_faults();
    }

    /// Latency added to every API request (`None`: none).
    pub fn set_latency(&self, latency: Option<Latency>) {
        self.shared.lock().settings.latency = latency;
    }

    /// Random 429/503 answers (`None`: off). Setting it re-seeds the fault RNG.
    pub fn set_random_faults(&self, random: Option<RandomFaults>) -> Result<(), AdminError> {
        self.shared.lock().set_random_faults(random)
    }

    /// Invalidates every issued bearer token (the next API call gets 401).
    pub fn expire_tokens(&self) {
        self.shared.lock().tokens.expire_all();
    }

    // ---- accounts and service principals -------------------------------------------------

    pub fn add_account(&self, account_id: &str) -> Result<(), AdminError> {
        self.shared
            .lock()
            .directory
            .add_account(Some(account_id.to_owned()))
            .map(|_| ())
    }

    /// Adds a principal; unset ids are generated in the real formats. Returns the record,
    /// including the generated secret values.
    pub fn add_service_principal(
        &self,
        account_id: &str,
        new: NewServicePrincipal,
    ) -> Result<ServicePrincipal, AdminError> {
        self.shared
            .lock()
            .directory
            .add_service_principal(account_id, new)
    }

    pub fn service_principal(
        &self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<ServicePrincipal, AdminError> {
        self.shared
            .lock()
            .directory
            .service_principal(account_id, sp_id)
            .cloned()
    }

    /// Changes display name, application id or external id (e.g. for the client-id-mismatch
    /// case, T9).
    pub fn update_service_principal(
        &self,
        account_id: &str,
        sp_id: &str,
        update: ServicePrincipalUpdate,
    ) -> Result<ServicePrincipal, AdminError> {
        self.shared
            .lock()
            .directory
            .update_service_principal(account_id, sp_id, update)
    }

    /// Removes the principal and its secrets (SCIM GET then answers 404, T6).
    pub fn delete_service_principal(
        &self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<(), AdminError> {
        self.shared
            .lock()
            .directory
            .delete_service_principal(account_id, sp_id)
            .map(|_| ())
    }

    pub fn deactivate_service_principal(
        &self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<(), AdminError> {
        self.shared
            .lock()
            .directory
            .set_service_principal_active(account_id, sp_id, false)
    }

    pub fn activate_service_principal(
        &self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<(), AdminError> {
        self.shared
            .lock()
            .directory
            .set_service_principal_active(account_id, sp_id, true)
    }

    /// Grants a role (`"account_admin"`); granting a held role is a no-op.
    pub fn add_role(&self, account_id: &str, sp_id: &str, role: &str) -> Result<(), AdminError> {
        self.shared
            .lock()
            .directory
            .add_role(account_id, sp_id, role)
    }

    /// Revokes a role; revoking a role not held is a no-op.
    pub fn remove_role(&self, account_id: &str, sp_id: &str, role: &str) -> Result<(), AdminError> {
        self.shared
            .lock()
            .directory
            .remove_role(account_id, sp_id, role)
    }

    // ---- secrets -------------------------------------------------------------------------------

    /// Adds a secret (no 5-secret limit). The result includes the secret value.
    pub fn add_secret(
        &self,
        account_id: &str,
        sp_id: &str,
        new: NewSecret,
    ) -> Result<Secret, AdminError> {
        self.shared
            .lock()
            .directory
            .add_secret(account_id, sp_id, new)
    }

    pub fn delete_secret(
        &self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
    ) -> Result<(), AdminError> {
        self.shared
            .lock()
            .directory
            .delete_secret(account_id, sp_id, secret_id)
            .map(|_| ())
    }

    /// Makes the secret expired (expire time one second ago).
    pub fn expire_secret(
        &self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
    ) -> Result<Secret, AdminError> {
        let at = timefmt::after_seconds(timefmt::now(), -1);
        self.set_secret_expire_time(account_id, sp_id, secret_id, Some(at))
    }

    /// Sets the expiry (`None`: never expires), e.g. a few days ahead for expiry warnings.
    pub fn set_secret_expire_time(
        &self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
        expire_time: Option<OffsetDateTime>,
    ) -> Result<Secret, AdminError> {
        self.shared.lock().directory.set_secret_expire_time(
            account_id,
            sp_id,
            secret_id,
            expire_time,
        )
    }

    /// Sets the status to `INACTIVE` (\[U\]: the API documents only `ACTIVE`).
    pub fn deactivate_secret(
        &self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
    ) -> Result<Secret, AdminError> {
        self.shared.lock().directory.set_secret_status(
            account_id,
            sp_id,
            secret_id,
            STATUS_INACTIVE,
        )
    }

    pub fn activate_secret(
        &self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
    ) -> Result<Secret, AdminError> {
        self.shared
            .lock()
            .directory
            .set_secret_status(account_id, sp_id, secret_id, STATUS_ACTIVE)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop_server();
    }
}

/// Serves `app` until the runtime stops, over TLS when a server configuration is given.
async fn serve(
    listener: TcpListener,
    local: SocketAddr,
    tls: Option<Arc<rustls::ServerConfig>>,
    app: Router,
) {
    let result = match tls {
        None => {
            // Small request/response pairs: don't let Nagle add latency.
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, app).await
        }
        Some(config) => axum::serve(tls::TlsListener::new(listener, local, config), app).await,
    };
    if let Err(e) = result {
        tracing::error!(error = %e, "the emulator stopped serving");
    }
}

fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // Lets the binary restart on a fixed port right away.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}
