//! The go-plugin edge, exercised on the real binary: handshake, AutoMTLS, shutdown, signals.

use std::process::Command;
use std::time::Duration;

use crate::support::process::{
    COOKIE, ClientIdentity, DebugProvider, ProviderProcess, provider_binary,
};
use crate::support::robust::wait_for;
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

#[tokio::test]
async fn mtls_accepts_terraforms_p521_client_certificate() {
    let identity = ClientIdentity::go_plugin_like();
    let provider = ProviderProcess::start(Some(&identity.pem));
    let channel = provider
        .tls_channel(Some(&identity))
        .await
        .expect("TLS connect");
    let schema = schema_call(channel).await.expect("schema over mTLS");
    assert!(
        schema
            .resource_schemas
            .contains_key("databricks_workflow_connection")
    );
}

#[tokio::test]
async fn mtls_refuses_a_client_without_a_certificate() {
    let identity = ClientIdentity::go_plugin_like();
    let provider = ProviderProcess::start(Some(&identity.pem));
    // TLS 1.3 lets the client finish before the server judges its certificate, so the refusal
    // shows either at connect or at the first call.
    let refused = match provider.tls_channel(None).await {
        Err(_) => true,
        Ok(channel) => schema_call(channel).await.is_err(),
    };
    assert!(refused, "a client without a certificate was served");
}

#[tokio::test]
async fn mtls_refuses_a_client_with_another_certificate() {
    let expected = ClientIdentity::go_plugin_like();
    let other = ClientIdentity::go_plugin_like();
    let provider = ProviderProcess::start(Some(&expected.pem));
    let refused = match provider.tls_channel(Some(&other)).await {
        Err(_) => true,
        Ok(channel) => schema_call(channel).await.is_err(),
    };
    assert!(refused, "a client with a foreign certificate was served");
    // And the provider still serves the right client afterwards.
    let channel = provider.tls_channel(Some(&expected)).await.unwrap();
    schema_call(channel).await.expect("still serving");
}

#[tokio::test]
async fn mtls_refuses_plaintext_clients() {
    let identity = ClientIdentity::go_plugin_like();
    let provider = ProviderProcess::start(Some(&identity.pem));
    let refused = match provider.plain_channel().await {
        Err(_) => true,
        Ok(channel) => schema_call(channel).await.is_err(),
    };
    assert!(refused);
}

#[tokio::test]
async fn handshake_line_is_the_only_stdout_and_shutdown_exits_promptly_without_a_socket() {
    let identity = ClientIdentity::go_plugin_like();
    let mut provider = ProviderProcess::start(Some(&identity.pem));
    assert!(provider.handshake_line.starts_with("1|6|unix|"));
    assert!(!provider.handshake_line.ends_with('='));
    let socket_dir = provider.socket.parent().unwrap().to_path_buf();
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&socket_dir).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o700, "socket directory must be private");

    let channel = provider.tls_channel(Some(&identity)).await.unwrap();
    schema_call(channel.clone()).await.unwrap();
    plugin::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(plugin::Empty {})
        .await
        .expect("Shutdown answers");
    // Terraform SIGKILLs after 2 s; we must be gone well before.
    let status = provider
        .wait_for_exit(Duration::from_millis(1500))
        .expect("provider exits promptly after Shutdown");
    assert!(status.success(), "{status:?}");
    assert!(!provider.socket.exists(), "socket file left behind");
    assert!(!socket_dir.exists(), "socket directory left behind");
    assert_eq!(
        provider.rest_of_stdout(),
        "",
        "stdout must hold only the handshake line"
    );
}

#[tokio::test]
async fn sigint_is_ignored_and_stop_provider_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("provider.log");
    let provider = ProviderProcess::start_logging(None, &log);
    assert!(
        provider.handshake_line.ends_with("|grpc|"),
        "no TLS without PLUGIN_CLIENT_CERT"
    );
    provider.signal("INT");
    // The provider says when it has handled the signal; only then is serving afterwards proof.
    wait_for(
        Duration::from_secs(10),
        "the provider to log the SIGINT",
        || {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("ignoring SIGINT")
                .then_some(())
        },
    );
    assert!(
        crate::support::robust::alive(provider.child.id()),
        "SIGINT stopped the provider"
    );
    let channel = provider.plain_channel().await.unwrap();
    let mut client = ProviderClient::new(channel.clone());
    let stop = client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stop.error, "");
    schema_call(channel)
        .await
        .expect("serving after SIGINT and StopProvider");
}

#[tokio::test]
async fn sigterm_exits_cleanly_and_removes_the_socket() {
    let mut provider = ProviderProcess::start(None);
    provider.signal("TERM");
    let status = provider
        .wait_for_exit(Duration::from_secs(2))
        .expect("exits on SIGTERM");
    assert!(status.success());
    assert!(!provider.socket.parent().unwrap().exists());
}

#[tokio::test]
async fn messages_larger_than_four_mebibytes_are_accepted() {
    let provider = ProviderProcess::start(None);
    let mut client = ProviderClient::new(provider.plain_channel().await.unwrap());
    // A 6 MiB description: far over tonic's default limit, and over the attribute's own limit,
    // so the answer is a diagnostic rather than a transport error.
    let schema = terraform_provider_databricks::resource::workflow_connection::schema();
    let mut attrs = std::collections::BTreeMap::new();
    for a in &schema.attributes {
        attrs.insert(
            a.name.clone(),
            terraform_provider_databricks::protocol::cty::Value::Null,
        );
    }
    attrs.insert(
        "description".into(),
        terraform_provider_databricks::protocol::cty::Value::String("x".repeat(6 << 20)),
    );
    let value = terraform_provider_databricks::protocol::cty::Value::Object(attrs);
    let msgpack = terraform_provider_databricks::protocol::cty::encode_msgpack(
        &value,
        &schema.implied_type(),
    )
    .unwrap();
    let response = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "databricks_workflow_connection".into(),
            config: Some(pb::DynamicValue {
                msgpack,
                json: vec![],
            }),
            client_capabilities: None,
        })
        .await
        .expect("a large request is not refused by the transport")
        .into_inner();
    assert!(
        response
            .diagnostics
            .iter()
            .any(|d| d.summary == "Value is too long")
    );
}

#[test]
fn without_the_cookie_it_explains_itself_on_stderr_and_exits_1() {
    let output = Command::new(provider_binary())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "nothing on stdout");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Terraform provider plugin"), "{stderr}");
}

#[test]
fn a_wrong_cookie_is_refused_too() {
    let output = Command::new(provider_binary())
        .env("TF_PLUGIN_MAGIC_COOKIE", &COOKIE[..10])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
}

#[test]
fn version_flag_prints_the_version() {
    let output = Command::new(provider_binary())
        .arg("--version")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(env!("CARGO_PKG_VERSION")), "{stdout}");
}

#[test]
fn debug_mode_prints_a_reattach_value_that_points_at_a_live_socket() {
    let dir = tempfile::tempdir().unwrap();
    let mut provider = DebugProvider::start(&dir.path().join("provider.log"));
    let value: serde_json::Value = serde_json::from_str(&provider.reattach).unwrap();
    let entry = &value["terraform.local/okta-workflows/databricks"];
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Pid"], provider.pid());
    let socket = std::path::PathBuf::from(entry["Addr"]["String"].as_str().unwrap());
    assert!(socket.exists());
    Command::new("kill")
        .args(["-INT", &provider.pid().to_string()])
        .status()
        .unwrap();
    let status = provider.child.wait().unwrap();
    assert!(
        status.success(),
        "Ctrl-C stops a debug-mode provider cleanly"
    );
    assert!(!socket.exists());
}

#[tokio::test]
async fn schema_and_metadata_announce_the_resource_and_capabilities() {
    let provider = ProviderProcess::start(None);
    let channel = provider.plain_channel().await.unwrap();
    let schema = schema_call(channel.clone()).await.unwrap();
    let caps = schema.server_capabilities.expect("capabilities");
    assert!(caps.plan_destroy);
    assert!(caps.get_provider_schema_optional);
    assert!(
        schema.provider.and_then(|p| p.block).is_some(),
        "provider block present"
    );
    let metadata = ProviderClient::new(channel)
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    let names: Vec<_> = metadata
        .resources
        .iter()
        .map(|r| r.type_name.as_str())
        .collect();
    assert_eq!(names, ["databricks_workflow_connection"]);
    assert!(
        metadata
            .server_capabilities
            .unwrap()
            .get_provider_schema_optional
    );
}

#[tokio::test]
async fn health_service_reports_plugin_serving() {
    let provider = ProviderProcess::start(None);
    let channel = provider.plain_channel().await.unwrap();
    let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
    let status = client
        .check(tonic_health::pb::HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(
        status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
}

#[tokio::test]
async fn logs_are_hclog_json_lines_on_stderr_at_the_requested_level() {
    use std::io::BufRead;
    let mut child = Command::new(provider_binary())
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("TF_LOG_PROVIDER", "debug")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let socket = line.split('|').nth(3).unwrap().to_string();
    let path = std::path::PathBuf::from(socket);
    let channel = tonic::transport::Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let path = path.clone();
            async move {
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(
                    tokio::net::UnixStream::connect(path).await?,
                ))
            }
        }))
        .await
        .unwrap();
    plugin::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(plugin::Empty {})
        .await
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(!lines.is_empty(), "debug logging produced nothing");
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        for key in ["@level", "@message", "@timestamp", "@module"] {
            assert!(v[key].is_string(), "{key} missing or not a string in {l}");
        }
        assert!(
            ["debug", "info", "warn", "error"].contains(&v["@level"].as_str().unwrap()),
            "{l}"
        );
    }
    assert!(
        stderr.contains("shutdown requested by Terraform"),
        "{stderr}"
    );
}
