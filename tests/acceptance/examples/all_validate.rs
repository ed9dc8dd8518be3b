//! Every example under `examples/` passes `terraform validate` against this build (through
//! `dev_overrides`), with no diagnostic but Terraform's own note about the overrides. The walk
//! finds every directory that holds `.tf` files, so a new example is validated without a change
//! here, and every file the docs templates include with `tffile` must be in a validated
//! directory. `terraform validate` also validates the `tests/*.tftest.hcl` files it finds.

use std::path::{Path, PathBuf};

use crate::support::terraform::Workdir;

/// Terraform's own warning about `dev_overrides`, in every run of these tests.
const DEV_OVERRIDES: &str = "Provider development overrides are in effect";

/// Example directories that cannot be validated here, each with the test that covers it.
///
/// `composition` needs the official `databricks/databricks` provider and `hashicorp/time`,
/// which `terraform init` cannot install without the network. `examples::composition` swaps
/// those two for `terraform_data` stand-ins and validates, plans, applies, rotates and destroys
/// the rest of the example unchanged.
const COVERED_ELSEWHERE: &[&str] = &["composition"];

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Directories under `dir` (itself included) that hold `.tf` files, relative to `examples/`
/// with `/` separators, sorted.
fn example_dirs() -> Vec<String> {
    fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
        let mut has_tf = false;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !name.starts_with('.') {
                    walk(root, &path, found);
                }
            } else if name.ends_with(".tf") {
                has_tf = true;
            }
        }
        if has_tf {
            let relative = dir.strip_prefix(root).unwrap();
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            found.push(parts.join("/"));
        }
    }
    let mut found = Vec::new();
    walk(&examples(), &examples(), &mut found);
    found.sort();
    found
}

/// Copies the files of `from` and of its subdirectories that hold no `.tf` files of their own
/// (such as `tests/`), which belong to the same module.
fn copy_module(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            let nested_module = std::fs::read_dir(&path)
                .unwrap()
                .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "tf"));
            if !nested_module {
                std::fs::create_dir_all(&target).unwrap();
                copy_module(&path, &target);
            }
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn the_walk_finds_every_example_the_docs_and_readme_name() {
    let dirs = example_dirs();
    for expected in [
        "composition",
        "guides/drift-detection",
        "guides/multiple-accounts",
        "guides/rotating-secrets",
        "health-checks",
        "provider",
        "quickstart",
        "resources/databricks_workflow_connection",
    ] {
        assert!(
            dirs.iter().any(|d| d == expected),
            "examples/{expected} not found: {dirs:?}"
        );
    }
    for skipped in COVERED_ELSEWHERE {
        assert!(dirs.iter().any(|d| d == skipped), "{skipped}: {dirs:?}");
    }
}

#[test]
fn every_example_directory_validates() {
    let mut failures = Vec::new();
    for dir in example_dirs() {
        if COVERED_ELSEWHERE.contains(&dir.as_str()) {
            continue;
        }
        let work = Workdir::new("");
        // The example's own files replace the empty main.tf (or sit beside it).
        copy_module(&examples().join(&dir), work.path());
        let out = work.run(&["validate", "-json", "-no-color"]);
        let json: serde_json::Value = match serde_json::from_str(&out.stdout) {
            Ok(json) => json,
            Err(e) => {
                failures.push(format!("examples/{dir}: {e}\n{}", out.combined()));
                continue;
            }
        };
        let others: Vec<String> = json["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["summary"] != DEV_OVERRIDES)
            .map(|d| format!("{}: {}: {}", d["severity"], d["summary"], d["detail"]))
            .collect();
        if json["valid"] != true || !others.is_empty() {
            failures.push(format!(
                "examples/{dir}: valid = {}, {others:#?}",
                json["valid"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The example files the docs templates include, as paths relative to the repository root.
fn included_examples() -> Vec<String> {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split("{{").skip(1) {
                let directive = piece.split("}}").next().unwrap_or_default().trim();
                if let Some(rest) = directive.strip_prefix("tffile") {
                    found.push(rest.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
        &mut found,
    );
    found.sort();
    found.dedup();
    found
}

#[test]
fn every_example_the_docs_include_is_in_a_validated_directory() {
    let included = included_examples();
    assert!(
        included.len() >= 8,
        "the templates include fewer examples than expected: {included:?}"
    );
    let dirs = example_dirs();
    for file in included {
        let relative = file
            .strip_prefix("examples/")
            .unwrap_or_else(|| panic!("{file}: examples live under examples/"));
        let path = examples().join(relative);
        assert!(path.is_file(), "{file} does not exist");
        // A .tftest.hcl file belongs to the module above its tests/ directory.
        let dir = Path::new(relative)
            .ancestors()
            .skip(1)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .find(|p| dirs.contains(p))
            .unwrap_or_else(|| panic!("{file} is in no example directory: {dirs:?}"));
        assert!(
            !dir.is_empty(),
            "{file}: examples/ itself is not an example"
        );
    }
}
