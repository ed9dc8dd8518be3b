//! go-plugin's TCP transport, the one Windows needs, exercised on Linux through the switch
//! `TF_PROVIDER_DATABRICKS_TRANSPORT=tcp`: the handshake line, the port range Terraform sets,
//! AutoMTLS and Shutdown. The real `terraform` over TCP is in the acceptance tests
//! (`tests/acceptance/tcp.rs`).

use std::process::Command;
use std::time::Duration;

use crate::support::process::{COOKIE, ClientIdentity, provider_binary};
use crate::support::tcp::{TRANSPORT_VARIABLE, TcpProvider};
use terraform_provider_databricks::protocol::tfplugin6 as pb;
use terraform_provider_databricks::transport::go_plugin::proto as plugin;

type ProviderClient = pb::provider_client::ProviderClient<tonic::transport::Channel>;

async fn schema_call(
    channel: tonic::transport::Channel,
) -> Result<pb::get_provider_schema::Response, tonic::Status> {
    ProviderClient::new(channel)
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .map(tonic::Response::into_inner)
}

/// A port range of its own per test, so parallel tests rarely contend for the same ports.
fn ports(offset: u16) -> (u16, u16) {
    let min = 20000 + offset * 500;
    (min, min + 499)
}

#[tokio::test]
async fn over_tcp_the_handshake_announces_a_loopback_port_in_terraforms_range_and_mtls_holds() {
    let identity = ClientIdentity::go_plugin_like();
    let range = ports(0);
    let mut provider = TcpProvider::start(Some(&identity.pem), range);
    assert!(
        provider.handshake_line.starts_with("1|6|tcp|127.0.0.1:"),
        "{}",
        provider.handshake_line
    );
    assert!(provider.address.ip().is_loopback());
    let port = provider.address.port();
    assert!(
        (range.0..=range.1).contains(&port),
        "port {port} outside PLUGIN_MIN_PORT..PLUGIN_MAX_PORT {range:?}"
    );
    assert!(
        provider.server_cert.is_some(),
        "AutoMTLS announces a certificate"
    );

    // Terraform's certificate is served; another one, or none, is not.
    let other = ClientIdentity::go_plugin_like();
    let refused = match provider.tls_channel(Some(&other)).await {
        Err(_) => true,
        Ok(channel) => schema_call(channel).await.is_err(),
    };
    assert!(refused, "a client with a foreign certificate was served");
    let refused = match provider.plain_channel().await {
        Err(_) => true,
        Ok(channel) => schema_call(channel).await.is_err(),
    };
    assert!(refused, "a plaintext client was served");
    let channel = provider.tls_channel(Some(&identity)).await.unwrap();
    let schema = schema_call(channel.clone())
        .await
        .expect("schema over TCP and mTLS");
    assert!(
        schema
            .resource_schemas
            .contains_key("databricks_workflow_connection")
    );

    plugin::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(plugin::Empty {})
        .await
        .expect("Shutdown answers");
    let status = provider
        .wait_for_exit(Duration::from_millis(1500))
        .expect("provider exits promptly after Shutdown");
    assert!(status.success(), "{status:?}");
    assert_eq!(
        provider.rest_of_stdout(),
        "",
        "stdout holds only the handshake line"
    );
    // The port is free again.
    std::net::TcpListener::bind(provider.address).expect("the port was released");
}

#[test]
fn a_reversed_port_range_stops_the_provider_with_go_plugins_words() {
    let output = Command::new(provider_binary())
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env(TRANSPORT_VARIABLE, "tcp")
        .env("PLUGIN_MIN_PORT", "25000")
        .env("PLUGIN_MAX_PORT", "10000")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "no handshake line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "PLUGIN_MIN_PORT value of 25000 is greater than PLUGIN_MAX_PORT value of 10000"
        ),
        "{stderr}"
    );
}

#[test]
fn a_port_range_without_a_free_port_stops_the_provider_naming_the_range() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(provider_binary())
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env(TRANSPORT_VARIABLE, "tcp")
        .env("PLUGIN_MIN_PORT", &port)
        .env("PLUGIN_MAX_PORT", &port)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "no handshake line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("no free port between {port} and {port}")),
        "{stderr}"
    );
}

#[test]
fn an_unknown_transport_is_refused_naming_the_switch() {
    let output = Command::new(provider_binary())
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env(TRANSPORT_VARIABLE, "carrier-pigeon")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("TF_PROVIDER_DATABRICKS_TRANSPORT must be")
            && stderr.contains("carrier-pigeon"),
        "{stderr}"
    );
}
