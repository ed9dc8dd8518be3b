//! The committed Registry docs must be exactly what `cargo run -p xtask -- docs` writes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use terraform_provider_databricks::provider::schema::provider_schema;
use terraform_provider_databricks::resource::workflow_connection;

#[test]
fn committed_docs_match_the_generated_docs() {
    let root = xtask::repo_root();
    let pages = xtask::generate(&root).unwrap();
    let problems = xtask::check(&root, &pages);
    assert!(
        problems.is_empty(),
        "docs/ is out of date; run `cargo run -p xtask -- docs` and commit the result:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_attribute_is_documented_in_its_group() {
    let root = xtask::repo_root();
    let pages = xtask::generate(&root).unwrap();
    let page = |name: &str| {
        &pages
            .iter()
            .find(|p| p.path.ends_with(name))
            .unwrap_or_else(|| panic!("no page {name}"))
            .contents
    };
    for (file, schema) in [
        ("index.md", provider_schema()),
        ("workflow_connection.md", workflow_connection::schema()),
    ] {
        let text = page(file);
        for attribute in &schema.attributes {
            let bullet = format!("- `{}` (", attribute.name);
            assert!(text.contains(&bullet), "{file} lacks {}", attribute.name);
        }
    }
    let resource = page("workflow_connection.md");
    for status in workflow_connection::schema::STATUS_VALUES {
        assert!(resource.contains(&format!("`{status}`")), "{status}");
    }
    // Registry layout: front matter first, then the groups in Registry order.
    assert!(resource.starts_with("---\npage_title: "));
    let required = resource.find("### Required").unwrap();
    let optional = resource.find("### Optional").unwrap();
    let read_only = resource.find("### Read-Only").unwrap();
    assert!(required < optional && optional < read_only);
    assert!(resource.contains("- `client_secret` (String, Sensitive)"));
    assert!(resource.contains("- `client_secret_wo` (String, [Write-only]"));
    assert!(resource.contains("- `status` (String)"));
    assert!(resource[read_only..].contains("- `id` (String)"));
}
