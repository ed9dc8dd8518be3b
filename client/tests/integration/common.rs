//! Shared set-up of the integration tests: an in-process emulator and a client aimed at it
//! with small budgets, so retry tests take seconds.
#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::Duration;

use databricks_account_client::{
    Account, CancellationToken, Client, ClientConfig, ClientCredentials, Cloud, SecretString,
    VerifyInput, VerifyWith, parse_host,
};
use databricks_account_emulator::{Emulator, NewSecret, NewServicePrincipal, Seed, canonical};

pub use canonical::{
    ACCOUNT_ID, APPLICATION_ID, APPLICATION_ID_2, SECRET, SECRET_2, SECRET_ID, SECRET_ID_2,
    SERVICE_PRINCIPAL_ID, SERVICE_PRINCIPAL_ID_2,
};

pub const SCIM_PREFIX: &str =
    "/api/2.0/accounts/0d2a7b1c-1234-4abc-9def-0123456789ab/scim/v2/ServicePrincipals/";
pub const SECRETS_PREFIX: &str =
    "/api/2.0/accounts/0d2a7b1c-1234-4abc-9def-0123456789ab/servicePrincipals/";
pub const TOKEN_PATH: &str = "/oidc/accounts/0d2a7b1c-1234-4abc-9def-0123456789ab/v1/token";

/// Management credentials: a third, account-admin principal added by [`start`].
pub const MGMT_SP_ID: &str = "7000000000000001";
pub const MGMT_APP_ID: &str = "11111111-2222-4333-8444-555555555555";
pub const MGMT_SECRET: &str = "dosemanagement0123456789abcdefghijklmn";

pub fn start() -> Emulator {
    let emu = Emulator::start(Seed::canonical()).expect("emulator starts");
    emu.add_service_principal(
        ACCOUNT_ID,
        NewServicePrincipal {
            id: Some(MGMT_SP_ID.into()),
            application_id: Some(MGMT_APP_ID.into()),
            display_name: Some("terraform-management".into()),
            roles: vec!["account_admin".into()],
            secrets: vec![NewSecret {
                secret: Some(MGMT_SECRET.into()),
                ..NewSecret::default()
            }],
            ..NewServicePrincipal::default()
        },
    )
    .expect("management principal added");
    emu
}

/// Fast settings: 2 s per request, 3 s retry budget, 20 ms first backoff step.
pub fn config(emu: &Emulator) -> ClientConfig {
    let mut c = ClientConfig::new("terraform-provider-databricks", "0.1.0").unwrap();
    c.host = Some(parse_host(&emu.url()).unwrap());
    c.http_timeout = Duration::from_secs(2);
    c.retry_timeout = Duration::from_secs(3);
    c.initial_backoff = Duration::from_millis(20);
    c.max_backoff = Duration::from_millis(200);
    c.rate_limit = 1000;
    c
}

pub fn client(emu: &Emulator) -> Client {
    Client::new(config(emu)).unwrap()
}

/// A client whose management reads never reuse an earlier answer: for tests that count the
/// requests of the token cache itself.
pub fn client_without_read_reuse(emu: &Emulator) -> Client {
    let mut c = config(emu);
    c.management_read_reuse = Duration::ZERO;
    Client::new(c).unwrap()
}

pub fn account() -> Account {
    Account::new(Cloud::Aws, ACCOUNT_ID)
}

pub fn own_credentials() -> ClientCredentials {
    ClientCredentials::new(APPLICATION_ID, SECRET)
}

pub fn management() -> ClientCredentials {
    ClientCredentials::new(MGMT_APP_ID, MGMT_SECRET)
}

/// The canonical connection, checked with its own secret.
pub fn own_input() -> VerifyInput {
    VerifyInput::new(
        Cloud::Aws,
        ACCOUNT_ID,
        Some(APPLICATION_ID.into()),
        SERVICE_PRINCIPAL_ID,
        SECRET_ID,
        VerifyWith::OwnSecret(SecretString::new(SECRET)),
    )
}

/// The canonical connection, checked with the management credentials.
pub fn management_input() -> VerifyInput {
    let mut input = own_input();
    input.credentials = VerifyWith::Management(management());
    input
}

pub fn never() -> CancellationToken {
    CancellationToken::new()
}
