//! What goes on the wire, captured by a bare TCP server: the token request of test vector T1
//! (Basic header, form body, content type), the User-Agent, and the bearer token on API calls.

use std::sync::{Arc, Mutex};

use databricks_account_client::{
    Account, CancellationToken, Client, ClientConfig, ClientCredentials, Cloud, parse_host,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers every request (one per connection) and records the raw request text.
async fn capture_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut raw = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then as many body bytes as Content-Length says.
            loop {
                let n = stream.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                raw.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&raw).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if raw.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            let text = String::from_utf8_lossy(&raw).to_string();
            let body = if text.starts_with("POST /oidc/") {
                r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":3600,"scope":"all-apis"}"#
            } else {
                r#"{"id":"2323502488275632","applicationId":"b","active":true,"roles":[{"value":"account_admin"}]}"#
            };
            record.lock().unwrap().push(text);
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(answer.as_bytes()).await.unwrap();
        }
    });
    (url, seen)
}

#[tokio::test]
async fn token_request_and_api_call_match_the_reference_vectors() {
    let (url, seen) = capture_server().await;
    let mut config = ClientConfig::new("terraform-provider-databricks", "0.1.0").unwrap();
    config.host = Some(parse_host(&url).unwrap());
    let client = Client::new(config).unwrap();
    let account = Account::new(Cloud::Aws, "ACC");
    client
        .get_service_principal(
            &account,
            "2323502488275632",
            &ClientCredentials::new("b", "c"),
            &CancellationToken::new(),
        )
        .await
        .unwrap();

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let token = seen[0].to_ascii_lowercase();
    assert!(
        seen[0].starts_with("POST /oidc/accounts/ACC/v1/token HTTP/1.1\r\n"),
        "{}",
        seen[0]
    );
    assert!(
        token.contains("\r\nauthorization: basic yjpj\r\n"),
        "{}",
        seen[0]
    );
    assert!(
        token.contains("\r\ncontent-type: application/x-www-form-urlencoded\r\n"),
        "{}",
        seen[0]
    );
    assert!(
        seen[0].ends_with("\r\n\r\ngrant_type=client_credentials&scope=all-apis"),
        "{}",
        seen[0]
    );
    assert!(
        token.contains(
            "\r\nuser-agent: terraform-provider-databricks/0.1.0 databricks-account-client/"
        ),
        "{}",
        seen[0]
    );

    let api = seen[1].to_ascii_lowercase();
    assert!(
        seen[1].starts_with(
            "GET /api/2.0/accounts/ACC/scim/v2/ServicePrincipals/2323502488275632 HTTP/1.1\r\n"
        ),
        "{}",
        seen[1]
    );
    assert!(
        api.contains("\r\nauthorization: bearer tok-1\r\n"),
        "{}",
        seen[1]
    );
    assert!(
        api.contains("\r\naccept: application/json\r\n"),
        "{}",
        seen[1]
    );
}
