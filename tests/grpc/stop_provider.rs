//! StopProvider cancels what is in flight and the provider keeps serving: an apply stuck on
//! a slow Databricks answer returns promptly with a "cancelled" error, nothing recorded.

use std::time::{Duration, Instant};

use crate::support::process::ProviderProcess;
use databricks_account_emulator::{Emulator, Fault, FaultRule, Seed, canonical};
use terraform_provider_databricks::protocol::cty::{Value, encode_msgpack};
use terraform_provider_databricks::protocol::tfplugin6 as pb;
use terraform_provider_databricks::provider::schema::provider_schema;
use terraform_provider_databricks::resource::workflow_connection::schema;

fn object(
    schema: &terraform_provider_databricks::protocol::schema::Schema,
    set: &[(&str, &str)],
) -> pb::DynamicValue {
    let mut attrs = std::collections::BTreeMap::new();
    for a in &schema.attributes {
        attrs.insert(a.name.clone(), Value::Null);
    }
    for (k, v) in set {
        attrs.insert((*k).to_string(), Value::String((*v).to_string()));
    }
    pb::DynamicValue {
        msgpack: encode_msgpack(&Value::Object(attrs), &schema.implied_type()).unwrap(),
        json: Vec::new(),
    }
}

#[tokio::test]
async fn stop_provider_cancels_a_slow_apply_and_the_provider_keeps_serving() {
    let emulator = Emulator::start(Seed::canonical()).unwrap();
    // Every token request hangs for 30 s: far longer than the test may take.
    emulator.inject_fault(FaultRule::new("/oidc/", Fault::delay_ms(30_000)).times(0));
    let provider = ProviderProcess::start(None);
    let mut client =
        pb::provider_client::ProviderClient::new(provider.plain_channel().await.unwrap());

    let configured = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.4".into(),
            config: Some(object(&provider_schema(), &[("host", &emulator.url())])),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        configured.diagnostics.is_empty(),
        "{:?}",
        configured.diagnostics
    );

    let connection = schema();
    let config = object(
        &connection,
        &[
            ("name", "slow"),
            ("cloud_provider", "aws"),
            ("account_id", canonical::ACCOUNT_ID),
            ("client_id", canonical::APPLICATION_ID),
            ("client_secret", canonical::SECRET),
            ("service_principal_id", canonical::SERVICE_PRINCIPAL_ID),
            ("secret_id", canonical::SECRET_ID),
        ],
    );
    let mut apply_client = client.clone();
    let started = Instant::now();
    let apply = tokio::spawn(async move {
        apply_client
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: "databricks_workflow_connection".into(),
                prior_state: Some(pb::DynamicValue {
                    msgpack: vec![0xc0],
                    json: vec![],
                }),
                planned_state: Some(config.clone()),
                config: Some(config),
                ..Default::default()
            })
            .await
            .map(tonic::Response::into_inner)
    });
    // Stop only once the apply is in flight: the emulator has received its token request
    // (counted on arrival, then held by the delay).
    let deadline = Instant::now() + Duration::from_secs(10);
    while emulator.calls().token == 0 {
        assert!(
            Instant::now() < deadline,
            "the apply never reached the token request"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();

    let response = tokio::time::timeout(Duration::from_secs(10), apply)
        .await
        .expect("apply returns promptly after StopProvider")
        .unwrap()
        .expect("an OK status carrying diagnostics, never a gRPC error");
    assert!(started.elapsed() < Duration::from_secs(10));
    let errors: Vec<_> = response
        .diagnostics
        .iter()
        .map(|d| d.summary.as_str())
        .collect();
    assert!(errors.iter().any(|s| s.contains("cancelled")), "{errors:?}");
    // Whole sentences, the record's fate last.
    let detail = &response.diagnostics[0].detail;
    assert_eq!(
        detail,
        "The verification was cancelled: Terraform asked the provider to stop. The connection \
         was not recorded.",
    );
    let state = response.new_state.map(|s| s.msgpack).unwrap_or_default();
    assert!(
        state.is_empty() || state == [0xc0],
        "a cancelled create records nothing"
    );

    // Still serving.
    client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap();
}
