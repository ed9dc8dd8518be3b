//! Helpers shared by the integration tests: raw HTTP against a started emulator.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use databricks_account_emulator::{Emulator, Seed, canonical::*};
use serde_json::Value;

pub struct Ctx {
    pub emu: Emulator,
    pub base: String,
    pub http: reqwest::Client,
}

pub fn start() -> Ctx {
    start_with(Seed::canonical())
}

pub fn start_with(seed: Seed) -> Ctx {
    let emu = Emulator::start(seed).expect("emulator starts");
    let base = emu.url();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Ctx { emu, base, http }
}

impl Ctx {
    pub fn token_url(&self, account: &str) -> String {
        format!("{}/oidc/accounts/{account}/v1/token", self.base)
    }

    pub fn scim_url(&self, account: &str, sp: &str) -> String {
        format!(
            "{}/api/2.0/accounts/{account}/scim/v2/ServicePrincipals/{sp}",
            self.base
        )
    }

    /// `…/scim/v2/ServicePrincipals`: POST creates, GET lists.
    pub fn scim_collection(&self, account: &str) -> String {
        format!(
            "{}/api/2.0/accounts/{account}/scim/v2/ServicePrincipals",
            self.base
        )
    }

    /// A SCIM write (`POST`, `PUT`, `PATCH`, `DELETE`) with a bearer token and a JSON body.
    pub async fn scim_write(
        &self,
        method: reqwest::Method,
        url: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut req = self.http.request(method, url).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }

    pub fn secrets_url(&self, account: &str, sp: &str) -> String {
        format!(
            "{}/api/2.0/accounts/{account}/servicePrincipals/{sp}/credentials/secrets",
            self.base
        )
    }

    pub fn admin(&self, path: &str) -> String {
        format!("{}/_emulator{path}", self.base)
    }

    /// The SDKs' token request: Basic auth and the form body of T1.
    pub async fn token_request(
        &self,
        account: &str,
        client_id: &str,
        secret: &str,
    ) -> reqwest::Response {
        self.http
            .post(self.token_url(account))
            .basic_auth(client_id, Some(secret))
            .form(&[("grant_type", "client_credentials"), ("scope", "all-apis")])
            .send()
            .await
            .unwrap()
    }

    pub async fn token_for(&self, account: &str, client_id: &str, secret: &str) -> String {
        let resp = self.token_request(account, client_id, secret).await;
        assert_eq!(resp.status(), 200, "token for {client_id}");
        let body: Value = resp.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// A token of the canonical account-admin principal.
    pub async fn admin_token(&self) -> String {
        self.token_for(ACCOUNT_ID, APPLICATION_ID, SECRET).await
    }

    pub async fn get(&self, url: &str, token: &str) -> reqwest::Response {
        self.http.get(url).bearer_auth(token).send().await.unwrap()
    }

    pub async fn list_secrets(&self, token: &str, sp: &str) -> Value {
        let resp = self.get(&self.secrets_url(ACCOUNT_ID, sp), token).await;
        assert_eq!(resp.status(), 200);
        resp.json().await.unwrap()
    }

    pub async fn secret_ids(&self, token: &str, sp: &str) -> Vec<String> {
        let body = self.list_secrets(token, sp).await;
        body["secrets"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s["id"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Status and JSON body.
pub async fn json(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}
