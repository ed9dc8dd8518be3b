//! Which certificate authorities the client trusts for HTTPS hosts, and the errors when there
//! are none.
//!
//! - `SSL_CERT_FILE` (a PEM file) and `SSL_CERT_DIR` (directories of PEM files, separated like
//!   `PATH`), the variables OpenSSL reads, replace the system's authorities on every system. A
//!   file that is missing, unreadable, malformed or holds no certificate is an error naming it,
//!   as is a directory that cannot be read or (with no file) holds no certificate.
//! - Without them, on macOS and Windows the operating system verifies (reqwest's platform
//!   verifier: keychain or certificate store, with their policies); elsewhere the bundles at the
//!   usual places (`/etc/ssl/certs`, …) are read, as the platform verifier would read them.
//! - A system with no authorities at all (a minimal container image) can still reach a
//!   plain-`http://` loopback host. The client is built all the same; a request to an
//!   `https://` host is then refused before it is sent, with an error that says how to provide
//!   authorities instead of the TLS library's bare refusal. Refusing the request, not the
//!   client, keeps what needs no HTTPS working (a destroy that revokes nothing).

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::host::AccountHost;

pub(crate) const CERT_FILE_VARIABLE: &str = "SSL_CERT_FILE";
pub(crate) const CERT_DIR_VARIABLE: &str = "SSL_CERT_DIR";

/// Where the trusted authorities come from.
#[derive(Debug)]
pub(crate) enum Roots {
    /// The operating system verifies (macOS, Windows).
    Platform,
    /// Exactly these authorities (possibly none).
    Only(Vec<CertificateDer<'static>>),
}

/// What the system offers when neither variable is set.
pub(crate) enum SystemRoots {
    /// The operating system verifies (only macOS and Windows have one).
    #[cfg_attr(not(any(target_vendor = "apple", windows)), allow(dead_code))]
    Platform,
    /// The bundles found at the usual places (every other system).
    #[cfg_attr(any(target_vendor = "apple", windows), allow(dead_code))]
    Certificates(Vec<CertificateDer<'static>>),
}

/// Why the client cannot have the authorities it needs.
#[derive(Clone, Debug, thiserror::Error)]
pub enum TrustError {
    #[error("{variable} names {}, which cannot be read: {source}", path.display())]
    Unreadable {
        variable: &'static str,
        path: PathBuf,
        #[source]
        source: Arc<io::Error>,
    },
    #[error("{variable} names {}, which is not valid PEM: {reason}", path.display())]
    Malformed {
        variable: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error(
        "{variable} names {}, which holds no usable CA certificate (PEM, -----BEGIN CERTIFICATE-----)",
        path.display()
    )]
    NoCertificate {
        variable: &'static str,
        path: PathBuf,
    },
    #[error(
        "no CA certificates were found on this system (none at the usual places such as \
         /etc/ssl/certs), so {hosts} cannot be verified: set SSL_CERT_FILE to a file of CA \
         certificates (PEM) or SSL_CERT_DIR to a directory of them"
    )]
    NoSystemRoots { hosts: String },
}

impl PartialEq for TrustError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Self::Unreadable {
                    variable,
                    path,
                    source,
                },
                Self::Unreadable {
                    variable: v,
                    path: p,
                    source: s,
                },
            ) => variable == v && path == p && source.kind() == s.kind(),
            (
                Self::Malformed {
                    variable,
                    path,
                    reason,
                },
                Self::Malformed {
                    variable: v,
                    path: p,
                    reason: r,
                },
            ) => variable == v && path == p && reason == r,
            (
                Self::NoCertificate { variable, path },
                Self::NoCertificate {
                    variable: v,
                    path: p,
                },
            ) => variable == v && path == p,
            (Self::NoSystemRoots { hosts }, Self::NoSystemRoots { hosts: h }) => hosts == h,
            _ => false,
        }
    }
}

impl Eq for TrustError {}

/// A client builder with its authorities, and why HTTPS requests must be refused when the
/// system has none.
pub(crate) struct Trusting {
    pub builder: reqwest::ClientBuilder,
    /// Set when there are no authorities at all: every `https://` request fails with it.
    pub https_refused: Option<TrustError>,
}

/// Gives `builder` the authorities of this process's environment and system, for a client
/// whose requests go to `host` (the account consoles when `None`).
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    host: Option<&AccountHost>,
) -> Result<Trusting, TrustError> {
    let roots = Roots::load(|name| std::env::var_os(name), system_roots)?;
    apply(builder, roots, host)
}

impl Roots {
    /// The authorities named by the variables (`env` reads one), else the system's.
    pub(crate) fn load(
        env: impl Fn(&str) -> Option<OsString>,
        system: impl FnOnce() -> SystemRoots,
    ) -> Result<Self, TrustError> {
        // Set but empty counts as unset, as `SSL_CERT_FILE=` is how a shell clears it.
        let set = |name: &str| env(name).filter(|v| !v.is_empty());
        let file = set(CERT_FILE_VARIABLE).map(PathBuf::from);
        let dirs: Vec<PathBuf> = set(CERT_DIR_VARIABLE)
            .map(|v| {
                std::env::split_paths(&v)
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if file.is_none() && dirs.is_empty() {
            return Ok(match system() {
                SystemRoots::Platform => Self::Platform,
                SystemRoots::Certificates(certs) => Self::Only(usable(certs)),
            });
        }
        let mut certs = Vec::new();
        if let Some(file) = &file {
            let found = usable(read_pem_file(CERT_FILE_VARIABLE, file)?);
            if found.is_empty() {
                return Err(TrustError::NoCertificate {
                    variable: CERT_FILE_VARIABLE,
                    path: file.clone(),
                });
            }
            certs.extend(found);
        }
        for dir in &dirs {
            certs.extend(usable(read_pem_dir(dir)?));
        }
        if certs.is_empty() {
            // Only directories were named, and none holds a certificate.
            return Err(TrustError::NoCertificate {
                variable: CERT_DIR_VARIABLE,
                path: std::env::join_paths(&dirs).map_or_else(|_| dirs[0].clone(), PathBuf::from),
            });
        }
        certs.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
        certs.dedup();
        Ok(Self::Only(certs))
    }
}

/// The builder for `roots`; with no authorities at all, only a plain-http host can be served.
fn apply(
    builder: reqwest::ClientBuilder,
    roots: Roots,
    host: Option<&AccountHost>,
) -> Result<Trusting, TrustError> {
    let trusting = |builder| Trusting {
        builder,
        https_refused: None,
    };
    Ok(match roots {
        Roots::Platform => trusting(builder),
        // An empty store: the platform verifier would refuse to be built without roots.
        Roots::Only(certs) if certs.is_empty() => Trusting {
            builder: builder.tls_certs_only(Vec::new()),
            https_refused: https_hosts(host).map(|hosts| TrustError::NoSystemRoots { hosts }),
        },
        Roots::Only(certs) => trusting(
            builder.tls_certs_only(
                certs
                    .iter()
                    // Infallible with rustls: it only keeps the bytes.
                    .filter_map(|der| reqwest::Certificate::from_der(der).ok()),
            ),
        ),
    })
}

/// The HTTPS hosts a client for `host` talks to, for the message; `None` for a plain-http
/// host.
fn https_hosts(host: Option<&AccountHost>) -> Option<String> {
    match host {
        None => Some("the Databricks account consoles (https://)".to_owned()),
        Some(host) => {
            let https = url::Url::parse(host.as_str()).map_or(true, |u| u.scheme() == "https");
            https.then(|| host.as_str().to_owned())
        }
    }
}

/// The certificates a trust store accepts as authorities; others (an unsupported key type, a
/// certificate that is not X.509 at all) are left out, as the platform verifier does.
fn usable(certs: Vec<CertificateDer<'static>>) -> Vec<CertificateDer<'static>> {
    let mut probe = RootCertStore::empty();
    let total = certs.len();
    let kept: Vec<_> = certs
        .into_iter()
        .filter(|der| probe.add(der.clone()).is_ok())
        .collect();
    if kept.len() < total {
        tracing::debug!(
            ignored = total - kept.len(),
            "CA certificates ignored: not usable as trust anchors"
        );
    }
    kept
}

fn read_pem_file(
    variable: &'static str,
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let bytes = std::fs::read(path).map_err(|e| TrustError::Unreadable {
        variable,
        path: path.to_owned(),
        source: Arc::new(e),
    })?;
    CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TrustError::Malformed {
            variable,
            path: path.to_owned(),
            reason: e.to_string(),
        })
}

/// Every certificate in the files of `dir` (not recursive). A file in it that cannot be read
/// or parsed is skipped: such directories also hold CRLs, keys and notes.
fn read_pem_dir(dir: &Path) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let unreadable = |e: io::Error| TrustError::Unreadable {
        variable: CERT_DIR_VARIABLE,
        path: dir.to_owned(),
        source: Arc::new(e),
    };
    let mut certs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if !path.is_file() {
            continue;
        }
        match read_pem_file(CERT_DIR_VARIABLE, &path) {
            Ok(found) => certs.extend(found),
            Err(e) => tracing::debug!(error = %e, "skipped a file of the CA directory"),
        }
    }
    Ok(certs)
}

/// The system's authorities when no variable names any.
#[cfg(any(target_vendor = "apple", windows))]
fn system_roots() -> SystemRoots {
    SystemRoots::Platform
}

/// The system's authorities when no variable names any: the bundles at the places OpenSSL
/// looks (as the platform verifier reads them on this kind of system).
#[cfg(not(any(target_vendor = "apple", windows)))]
fn system_roots() -> SystemRoots {
    let found = rustls_native_certs::load_native_certs();
    for error in &found.errors {
        tracing::debug!(error = %error, "a system CA location could not be read");
    }
    SystemRoots::Certificates(found.certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::host::parse_host;

    /// A self-signed CA certificate in PEM.
    fn ca_pem(name: &str) -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec![name.to_owned()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap().pem()
    }

    fn env_of(pairs: &[(&str, &Path)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        let pairs: Vec<(String, OsString)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.as_os_str().to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn no_system() -> SystemRoots {
        SystemRoots::Certificates(Vec::new())
    }

    fn count(roots: Roots) -> usize {
        match roots {
            Roots::Only(certs) => certs.len(),
            Roots::Platform => panic!("expected certificates, got the platform verifier"),
        }
    }

    #[test]
    fn ssl_cert_file_replaces_the_system_authorities() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ca.pem");
        std::fs::write(&file, format!("{}{}", ca_pem("a"), ca_pem("b"))).unwrap();
        let roots = Roots::load(env_of(&[(CERT_FILE_VARIABLE, &file)]), || {
            panic!("the system store must not be read")
        })
        .unwrap();
        assert_eq!(count(roots), 2);
    }

    #[test]
    fn a_missing_ssl_cert_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("missing.pem");
        let err = Roots::load(env_of(&[(CERT_FILE_VARIABLE, &file)]), no_system).unwrap_err();
        assert!(
            matches!(&err, TrustError::Unreadable { source, .. } if source.kind() == io::ErrorKind::NotFound),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "SSL_CERT_FILE names {}, which cannot be read",
                file.display()
            )),
            "{text}"
        );
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn an_ssl_cert_file_that_cannot_be_read_is_an_error_naming_it() {
        // A directory cannot be read as a file, even by root (who reads files of any mode).
        let dir = tempfile::tempdir().unwrap();
        let err = Roots::load(env_of(&[(CERT_FILE_VARIABLE, dir.path())]), no_system).unwrap_err();
        assert!(matches!(err, TrustError::Unreadable { .. }), "{err:?}");
        assert!(
            err.to_string().contains(&dir.path().display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn an_ssl_cert_file_without_a_certificate_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        for (name, contents) in [
            ("empty.pem", String::new()),
            ("notes.txt", "not a certificate\n".to_owned()),
            (
                "key.pem",
                rcgen::KeyPair::generate().unwrap().serialize_pem(),
            ),
        ] {
            let file = dir.path().join(name);
            std::fs::write(&file, contents).unwrap();
            let err = Roots::load(env_of(&[(CERT_FILE_VARIABLE, &file)]), no_system).unwrap_err();
            assert_eq!(
                err,
                TrustError::NoCertificate {
                    variable: CERT_FILE_VARIABLE,
                    path: file.clone()
                }
            );
            assert!(
                err.to_string().contains(&file.display().to_string()),
                "{err}"
            );
        }
    }

    #[test]
    fn a_malformed_ssl_cert_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cut.pem");
        let pem = ca_pem("a");
        std::fs::write(&file, &pem[..pem.len() / 2]).unwrap();
        let err = Roots::load(env_of(&[(CERT_FILE_VARIABLE, &file)]), no_system).unwrap_err();
        assert!(matches!(err, TrustError::Malformed { .. }), "{err:?}");
        assert!(
            err.to_string().contains(&file.display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn ssl_cert_dir_reads_every_certificate_file_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pem"), ca_pem("a")).unwrap();
        std::fs::write(dir.path().join("b.crt"), ca_pem("b")).unwrap();
        std::fs::write(dir.path().join("README"), "certificates for tests\n").unwrap();
        std::fs::create_dir(dir.path().join("nested")).unwrap();
        let roots = Roots::load(env_of(&[(CERT_DIR_VARIABLE, dir.path())]), no_system).unwrap();
        assert_eq!(count(roots), 2);
    }

    #[test]
    fn an_ssl_cert_dir_that_is_missing_or_empty_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let err = Roots::load(env_of(&[(CERT_DIR_VARIABLE, &missing)]), no_system).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("SSL_CERT_DIR names {}", missing.display())),
            "{err}"
        );
        let err = Roots::load(env_of(&[(CERT_DIR_VARIABLE, dir.path())]), no_system).unwrap_err();
        assert_eq!(
            err,
            TrustError::NoCertificate {
                variable: CERT_DIR_VARIABLE,
                path: dir.path().to_owned()
            }
        );
    }

    #[test]
    fn without_variables_the_system_decides() {
        let none = env_of(&[]);
        assert!(matches!(
            Roots::load(&none, || SystemRoots::Platform),
            Ok(Roots::Platform)
        ));
        let der = CertificateDer::from_pem_slice(ca_pem("a").as_bytes()).unwrap();
        let roots = Roots::load(&none, || SystemRoots::Certificates(vec![der])).unwrap();
        assert_eq!(count(roots), 1);
        // Set but empty is unset.
        let empty = env_of(&[(CERT_FILE_VARIABLE, Path::new(""))]);
        assert_eq!(count(Roots::load(empty, no_system).unwrap()), 0);
    }

    #[test]
    fn without_any_authority_a_plain_http_loopback_host_still_gets_a_client() {
        let host = parse_host("http://127.0.0.1:8080").unwrap();
        let trusting = apply(
            reqwest::Client::builder(),
            Roots::Only(Vec::new()),
            Some(&host),
        )
        .unwrap();
        assert!(trusting.https_refused.is_none());
        assert!(trusting.builder.build().is_ok());
    }

    #[test]
    fn without_any_authority_https_requests_are_refused_saying_how_to_provide_one() {
        let host = parse_host("https://accounts.example.test").unwrap();
        for host in [Some(&host), None] {
            let trusting =
                apply(reqwest::Client::builder(), Roots::Only(Vec::new()), host).unwrap();
            // The client itself builds: what needs no HTTPS still works.
            assert!(trusting.builder.build().is_ok());
            let text = trusting.https_refused.unwrap().to_string();
            assert!(
                text.contains("SSL_CERT_FILE") && text.contains("SSL_CERT_DIR"),
                "{text}"
            );
            assert!(!text.contains("builder error"), "{text}");
        }
    }

    #[test]
    fn a_client_trusting_only_the_named_authorities_builds() {
        let der = CertificateDer::from_pem_slice(ca_pem("a").as_bytes()).unwrap();
        let host = parse_host("https://accounts.example.test").unwrap();
        let trusting = apply(
            reqwest::Client::builder(),
            Roots::Only(vec![der]),
            Some(&host),
        )
        .unwrap();
        assert!(trusting.https_refused.is_none());
        assert!(trusting.builder.build().is_ok());
    }
}
