//! Acceptance: `terraform validate` on the examples and on every invalid input, each failing
//! with a diagnostic that points at the offending attribute.

use std::path::Path;

use crate::support::terraform::{Workdir, required_providers};

const VALID: &[(&str, &str)] = &[
    ("name", "\"Databricks analytics\""),
    ("cloud_provider", "\"aws\""),
    ("account_id", "\"0d2a7b1c-1234-4abc-9def-0123456789ab\""),
    ("client_id", "\"6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b\""),
    (
        "client_secret",
        "\"dose1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e\"",
    ),
    ("service_principal_id", "\"2323502488275632\""),
    (
        "secret_id",
        "\"09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110\"",
    ),
];

/// A resource block: the valid arguments with `changes` applied (`None` removes one).
fn resource(changes: &[(&str, Option<String>)]) -> String {
    let mut args: Vec<(String, String)> = VALID
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (key, value) in changes {
        args.retain(|(k, _)| k != key);
        if let Some(v) = value {
            args.push((key.to_string(), v.clone()));
        }
    }
    let body: String = args.iter().map(|(k, v)| format!("  {k} = {v}\n")).collect();
    format!(
        "{}\nresource \"databricks_workflow_connection\" \"c\" {{\n{body}}}\n",
        required_providers()
    )
}

/// An argument value as HCL source.
fn set(hcl: &str) -> Option<String> {
    Some(hcl.to_string())
}

fn validate_json(main_tf: &str) -> serde_json::Value {
    let work = Workdir::new(main_tf);
    let out = work.run(&["validate", "-json", "-no-color"]);
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("validate -json: {e}\n{}", out.combined()))
}

fn copy_dir(from: &Path, work: &Workdir) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "tf") {
            work.write(
                path.file_name().unwrap().to_str().unwrap(),
                &std::fs::read_to_string(&path).unwrap(),
            );
        }
    }
}

#[test]
fn the_examples_validate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for dir in ["provider", "resources/databricks_workflow_connection"] {
        let work = Workdir::new("");
        copy_dir(&root.join(dir), &work);
        let out = work.run(&["validate", "-no-color"]);
        assert_eq!(out.code, 0, "examples/{dir}: {}", out.combined());
    }
}

#[test]
fn a_valid_connection_validates() {
    let json = validate_json(&resource(&[]));
    assert_eq!(json["valid"], true, "{json:#}");
}

/// (what, argument changes, attribute the diagnostic must point at, summary)
type Case = (
    &'static str,
    Vec<(&'static str, Option<String>)>,
    &'static str,
    &'static str,
);

#[test]
fn every_invalid_input_fails_naming_the_attribute() {
    let cases: Vec<Case> = vec![
        (
            "blank name",
            vec![("name", set("\"  \""))],
            "name",
            "Value must not be blank",
        ),
        (
            "long name",
            vec![("name", Some(format!("\"{}\"", "n".repeat(101))))],
            "name",
            "Value is too long",
        ),
        (
            "long description",
            vec![("description", Some(format!("\"{}\"", "d".repeat(1001))))],
            "description",
            "Value is too long",
        ),
        (
            "unknown cloud",
            vec![("cloud_provider", set("\"AWS\""))],
            "cloud_provider",
            "Unsupported value",
        ),
        (
            "account not a UUID",
            vec![("account_id", set("\"acc-1\""))],
            "account_id",
            "Invalid UUID",
        ),
        (
            "client not a UUID",
            vec![("client_id", set("\"6f7c4a1e2b3d4e5f8a9b0c1d2e3f4a5b\""))],
            "client_id",
            "Invalid UUID",
        ),
        (
            "principal ID with letters",
            vec![("service_principal_id", set("\"sp-2323\""))],
            "service_principal_id",
            "Invalid numeric ID",
        ),
        // Length and characters are separate rules with separate messages.
        (
            "principal ID of 21 digits",
            vec![("service_principal_id", set("\"232350248827563212345\""))],
            "service_principal_id",
            "Numeric ID out of range",
        ),
        (
            "blank secret ID",
            vec![("secret_id", set("\"\""))],
            "secret_id",
            "Value must not be blank",
        ),
        // An absent argument has no source line of its own: Terraform shows the block.
        (
            "no secret at all",
            vec![("client_secret", None)],
            "resource",
            "Missing client secret",
        ),
        // Diagnostics about secrets point at the block, never at a line holding a secret.
        (
            "both secrets",
            vec![("client_secret_wo", set("\"dose9\""))],
            "resource",
            "Conflicting client secrets",
        ),
        (
            "secret ID with spaces around it",
            vec![("secret_id", set("\" 09094e32 \""))],
            "secret_id",
            "Value has surrounding whitespace",
        ),
        (
            "account ID with spaces around it",
            vec![(
                "account_id",
                set("\" 0d2a7b1c-1234-4abc-9def-0123456789ab\""),
            )],
            "account_id",
            "Invalid UUID",
        ),
        (
            "version without write-only",
            vec![("client_secret_wo_version", set("1"))],
            "client_secret_wo_version",
            "Version without a write-only secret",
        ),
        (
            "negative version",
            vec![
                ("client_secret", None),
                ("client_secret_wo", set("\"dose9\"")),
                ("client_secret_wo_version", set("-1")),
            ],
            "client_secret_wo_version",
            "Number must not be negative",
        ),
        (
            "negative warning days",
            vec![("expiry_warning_days", set("-3"))],
            "expiry_warning_days",
            "Number out of range",
        ),
        (
            "fractional warning days",
            vec![("expiry_warning_days", set("1.5"))],
            "expiry_warning_days",
            "Number out of range",
        ),
    ];
    for (what, changes, attribute, summary) in cases {
        let json = validate_json(&resource(&changes));
        assert_eq!(json["valid"], false, "{what}: {json:#}");
        let diag = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["summary"] == summary)
            .unwrap_or_else(|| panic!("{what}: no {summary:?} diagnostic in {json:#}"));
        assert_eq!(diag["severity"], "error", "{what}");
        let code = diag["snippet"]["code"].as_str().unwrap_or_default();
        assert!(
            code.trim_start().starts_with(attribute),
            "{what}: diagnostic should point at `{attribute}`, points at {code:?}"
        );
    }
}

#[test]
fn unknown_values_pass_validation() {
    let tf = resource(&[
        ("client_secret", set("terraform_data.secret.output")),
        ("account_id", set("terraform_data.secret.id")),
    ]) + "\nresource \"terraform_data\" \"secret\" {\n  input = \"dose1\"\n}\n";
    let json = validate_json(&tf);
    assert_eq!(json["valid"], true, "{json:#}");
}

#[test]
fn write_only_without_version_warns_but_validates() {
    let json = validate_json(&resource(&[
        ("client_secret", None),
        ("client_secret_wo", set("\"dose1\"")),
    ]));
    assert_eq!(json["valid"], true, "{json:#}");
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["severity"] == "warning"
                && d["summary"] == "Write-only secret without a version"),
        "{json:#}"
    );
}

#[test]
fn provider_block_rules_point_at_the_attribute() {
    let cases = [
        (
            "host",
            "\"http://accounts.cloud.databricks.com\"",
            "Invalid account host",
        ),
        ("host", "\"not a url\"", "Invalid account host"),
        ("account_id", "\"nope\"", "Invalid UUID"),
        ("http_timeout_seconds", "0", "Number out of range"),
        ("rate_limit", "-1", "Number out of range"),
        ("retry_timeout_seconds", "-5", "Number out of range"),
    ];
    for (attribute, value, summary) in cases {
        // Terraform validates a provider block only when a resource uses the provider.
        let tf = format!(
            "{}\nprovider \"databricks\" {{\n  {attribute} = {value}\n}}\n",
            resource(&[])
        );
        let json = validate_json(&tf);
        assert_eq!(json["valid"], false, "{attribute}={value}: {json:#}");
        let diag = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["summary"] == summary);
        let diag = diag.unwrap_or_else(|| panic!("{attribute}: no {summary:?} in {json:#}"));
        assert!(
            diag["snippet"]["code"]
                .as_str()
                .unwrap_or_default()
                .contains(attribute),
            "{diag:#}"
        );
    }
    let ok = format!(
        "{}\nprovider \"databricks\" {{\n  host = \"http://127.0.0.1:8080\"\n}}\n",
        resource(&[])
    );
    assert_eq!(validate_json(&ok)["valid"], true);
}

#[test]
fn ids_stay_one_path_segment_and_each_rule_points_at_its_attribute() {
    let cases = [
        ("secret_id", "\".\"", "Invalid secret ID"),
        ("secret_id", "\"..\"", "Invalid secret ID"),
        ("secret_id", "\"09094e32/..\"", "Invalid secret ID"),
        ("secret_id", "\"09094e32\\u0007\"", "Invalid secret ID"),
        ("secret_id", "\"not-hex\"", "Invalid secret ID"),
        ("secret_id", "\"\"", "Value must not be blank"),
        ("service_principal_id", "\".\"", "Invalid numeric ID"),
        ("service_principal_id", "\"..\"", "Invalid numeric ID"),
        ("service_principal_id", "\"12/34\"", "Invalid numeric ID"),
        ("service_principal_id", "\"\"", "Value must not be blank"),
    ];
    for (attribute, value, summary) in cases {
        let json = validate_json(&resource(&[(attribute, set(value))]));
        assert_eq!(json["valid"], false, "{attribute} = {value}: {json:#}");
        let diag = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["summary"] == summary)
            .unwrap_or_else(|| panic!("{attribute} = {value}: no {summary:?} in {json:#}"));
        let code = diag["snippet"]["code"].as_str().unwrap_or_default();
        assert!(
            code.trim_start().starts_with(attribute),
            "{attribute} = {value}: points at {code:?}"
        );
    }
}

#[test]
fn a_secret_pasted_into_an_id_field_is_refused_at_the_block_and_never_shown() {
    let secret = "dose9s3cretPart0a1b2c3d4e5f6a7b8c9d0e1f2";
    for attribute in [
        "client_id",
        "account_id",
        "secret_id",
        "service_principal_id",
    ] {
        let work = Workdir::new(&resource(&[(attribute, Some(format!("\"{secret}\"")))]));
        let out = work.run(&["validate", "-no-color"]);
        assert_ne!(out.code, 0, "{attribute}: {}", out.combined());
        let all = out.combined();
        assert!(!all.contains("s3cretPart"), "{attribute}: shown:\n{all}");
        assert!(
            out.text()
                .contains("looks like an OAuth secret (not shown)"),
            "{attribute}: {all}"
        );
        assert!(
            !all.contains(&format!("{attribute} ")),
            "{attribute}: the diagnostic shows the line: {all}"
        );
    }
}
