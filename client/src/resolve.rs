//! Host name resolution for the HTTP client: the system resolver, as reqwest uses by default,
//! with a typed error so a name that does not resolve can be told from other connect
//! failures by its type rather than by the resolver's wording.

use std::io;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Resolves with the operating system's resolver (`getaddrinfo`), off the async threads.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map(Iterator::collect::<Vec<_>>);
            match found {
                Ok(addrs) => Ok(Box::new(addrs.into_iter()) as Addrs),
                Err(source) => Err(Box::new(NameNotResolved { host, source }) as _),
            }
        })
    }
}

/// A host name the resolver could not turn into an address.
#[derive(Debug, thiserror::Error)]
#[error("the host name {host} did not resolve")]
pub(crate) struct NameNotResolved {
    pub host: String,
    #[source]
    pub source: io::Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_name_that_does_not_resolve_is_a_typed_error_and_loopback_resolves() {
        let name: Name = "nonexistent.invalid".parse().unwrap();
        let err = match SystemResolver.resolve(name).await {
            Ok(_) => panic!("a .invalid name must not resolve"),
            Err(e) => e,
        };
        let typed = err.downcast_ref::<NameNotResolved>().expect("typed");
        assert_eq!(typed.host, "nonexistent.invalid");
        let name: Name = "localhost".parse().unwrap();
        let addrs: Vec<_> = match SystemResolver.resolve(name).await {
            Ok(addrs) => addrs.collect(),
            Err(e) => panic!("{e}"),
        };
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    }
}
