//! Acceptance: what the real Terraform CLI sees of the provider's schema and validation.

use crate::support::terraform::{SOURCE, Workdir, required_providers};

/// (name, required, optional, computed, sensitive, write_only) for every attribute.
const RESOURCE_FLAGS: [(&str, bool, bool, bool, bool, bool); 18] = [
    ("name", true, false, false, false, false),
    ("description", false, true, false, false, false),
    ("cloud_provider", true, false, false, false, false),
    ("account_id", true, false, false, false, false),
    ("client_id", true, false, false, false, false),
    ("client_secret", false, true, false, true, false),
    ("client_secret_wo", false, true, false, false, true),
    ("client_secret_wo_version", false, true, false, false, false),
    ("service_principal_id", true, false, false, false, false),
    ("secret_id", true, false, false, false, false),
    ("expiry_warning_days", false, true, true, false, false),
    ("revoke_secret_on_destroy", false, true, true, false, false),
    ("id", false, false, true, false, false),
    ("service_principal_name", false, false, true, false, false),
    ("secret_create_time", false, false, true, false, false),
    ("secret_expire_time", false, false, true, false, false),
    ("verified_at", false, false, true, false, false),
    ("status", false, false, true, false, false),
];

fn flag(attr: &serde_json::Value, name: &str) -> bool {
    attr.get(name)
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

#[test]
fn providers_schema_json_shows_every_attribute_with_its_flags() {
    let work = Workdir::new(&format!(
        "{}\nprovider \"databricks\" {{}}\n",
        required_providers()
    ));
    let out = work.run(&["providers", "schema", "-json"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("schema JSON");
    let provider = &json["provider_schemas"][SOURCE];
    let resource = &provider["resource_schemas"]["databricks_workflow_connection"];
    assert_eq!(resource["version"], 1);
    let attrs = resource["block"]["attributes"]
        .as_object()
        .expect("attributes");
    assert_eq!(
        attrs.len(),
        RESOURCE_FLAGS.len(),
        "{:?}",
        attrs.keys().collect::<Vec<_>>()
    );
    for (name, required, optional, computed, sensitive, write_only) in RESOURCE_FLAGS {
        let attr = &attrs[name];
        assert_eq!(
            (
                flag(attr, "required"),
                flag(attr, "optional"),
                flag(attr, "computed"),
                flag(attr, "sensitive"),
                flag(attr, "write_only")
            ),
            (required, optional, computed, sensitive, write_only),
            "flags of {name}"
        );
        assert_eq!(attr["description_kind"], "markdown", "{name}");
        assert!(
            attr["description"].as_str().is_some_and(|d| d.len() > 10),
            "{name} has a description"
        );
    }
    let expected_types = [
        ("client_secret_wo_version", "number"),
        ("expiry_warning_days", "number"),
        ("revoke_secret_on_destroy", "bool"),
        ("name", "string"),
    ];
    for (name, ty) in expected_types {
        assert_eq!(attrs[name]["type"], ty, "{name}");
    }

    let provider_attrs = provider["provider"]["block"]["attributes"]
        .as_object()
        .unwrap();
    let mut names: Vec<&str> = provider_attrs.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "account_id",
            "client_id",
            "client_secret",
            "config_file",
            "host",
            "http_timeout_seconds",
            "profile",
            "rate_limit",
            "retry_timeout_seconds"
        ]
    );
    assert!(
        provider_attrs
            .values()
            .all(|a| flag(a, "optional") && !flag(a, "required"))
    );
    assert!(flag(&provider_attrs["client_secret"], "sensitive"));
}
