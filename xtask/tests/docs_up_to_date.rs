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
    for status in workflow_connection::Status::ALL.map(|s| s.as_str()) {
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

#[test]
fn the_guides_are_generated_in_the_registry_layout() {
    let root = xtask::repo_root();
    let pages = xtask::generate(&root).unwrap();
    let guides: Vec<&xtask::Page> = pages
        .iter()
        .filter(|p| p.path.starts_with(xtask::GUIDE_PAGES))
        .collect();
    let names: Vec<String> = guides
        .iter()
        .map(|p| p.path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for wanted in ["drift-detection", "multiple-accounts", "rotating-secrets"] {
        assert!(names.iter().any(|n| n == wanted), "{wanted}: {names:?}");
    }
    for page in guides {
        let keys = xtask::front_matter(&page.contents)
            .unwrap_or_else(|e| panic!("{}: {e}", page.path.display()));
        assert!(keys.iter().any(|k| k == "subcategory"));
        assert!(
            page.contents.contains("subcategory: \"Guides\""),
            "{}",
            page.path.display()
        );
    }
}

#[test]
fn registry_pages_hold_no_repository_only_instructions() {
    // The Registry shows docs/ without the repository: building, installing from a checkout
    // and running the test suite are the README's business.
    let root = xtask::repo_root();
    for page in xtask::generate(&root).unwrap() {
        for line in page.contents.lines() {
            for repo_only in [
                "scripts/",
                "cargo ",
                "dev_overrides",
                "emulator/",
                "target/debug",
                "CHANGELOG",
            ] {
                assert!(
                    !line.contains(repo_only),
                    "{}: {repo_only:?} in {line:?}",
                    page.path.display()
                );
            }
        }
    }
}

#[test]
fn every_relative_link_between_pages_resolves() {
    let root = xtask::repo_root();
    let pages = xtask::generate(&root).unwrap();
    for page in &pages {
        let dir = page.path.parent().unwrap();
        for piece in page.contents.split("](").skip(1) {
            let target = piece.split(')').next().unwrap_or_default();
            if target.starts_with("http") || target.starts_with('#') {
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            let mut resolved = std::path::PathBuf::new();
            for part in dir.join(file).components() {
                match part {
                    std::path::Component::ParentDir => {
                        resolved.pop();
                    }
                    other => resolved.push(other),
                }
            }
            assert!(
                pages.iter().any(|p| p.path == resolved),
                "{}: link to {target} ({}) is no page",
                page.path.display(),
                resolved.display()
            );
        }
    }
}
