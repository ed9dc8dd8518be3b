//! Repository tasks. `cargo run -p xtask -- docs` renders the Terraform Registry docs in
//! `docs/` from the provider's own schemas and the hand-written templates in `templates/`;
//! `cargo run -p xtask -- docs --check` fails when the committed docs are out of date.
//!
//! Templates are plain Markdown with a few placeholders:
//!
//! | placeholder | becomes |
//! |---|---|
//! | `{{ .Description }}` | the schema's description |
//! | `{{ .Description \| prefixlines "  " }}` | the same, every line prefixed (YAML front matter) |
//! | `{{ .SchemaMarkdown }}` | `## Schema` with Required / Optional / Read-Only groups |
//! | `{{ tffile "examples/…/x.tf" }}` | that file in a ```` ```terraform ```` block |
//! | `{{ codefile "shell" "examples/…/x.sh" }}` | that file in a ```` ```shell ```` block |
//!
//! Paths are relative to the repository root. Anything else between `{{` and `}}` is an error.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use terraform_provider_databricks::protocol::cty::Type;
use terraform_provider_databricks::protocol::schema::{Attribute, Presence, Schema};
use terraform_provider_databricks::provider::schema::provider_schema;
use terraform_provider_databricks::resource::workflow_connection;

/// Link Terraform's docs use for write-only arguments.
const WRITE_ONLY_LINK: &str =
    "https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments";

/// The repository root (the parent of this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// One generated file, with its path relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: PathBuf,
    pub contents: String,
}

/// Which schema a template documents.
struct Source {
    template: &'static str,
    output: &'static str,
    schema: Schema,
    /// Values the hand-written template must mention, each in backticks.
    must_mention: Vec<&'static str>,
}

fn sources() -> Vec<Source> {
    vec![
        Source {
            template: "templates/index.md.tmpl",
            output: "docs/index.md",
            schema: provider_schema(),
            must_mention: Vec::new(),
        },
        Source {
            template: "templates/resources/workflow_connection.md.tmpl",
            output: "docs/resources/workflow_connection.md",
            schema: workflow_connection::schema(),
            must_mention: workflow_connection::schema::STATUS_VALUES.to_vec(),
        },
    ]
}

/// Renders every docs page from the templates under `root`.
pub fn generate(root: &Path) -> Result<Vec<Page>, String> {
    sources()
        .into_iter()
        .map(|source| {
            let template_path = root.join(source.template);
            let template = std::fs::read_to_string(&template_path)
                .map_err(|e| format!("read {}: {e}", template_path.display()))?;
            for value in &source.must_mention {
                if !template.contains(&format!("`{value}`")) {
                    return Err(format!(
                        "{}: does not document `{value}`; every status value needs a row",
                        source.template
                    ));
                }
            }
            let contents = render(root, &template, &source.schema)
                .map_err(|e| format!("{}: {e}", source.template))?;
            Ok(Page {
                path: PathBuf::from(source.output),
                contents,
            })
        })
        .collect()
}

/// Writes the pages under `root`, creating directories as needed.
pub fn write(root: &Path, pages: &[Page]) -> Result<(), String> {
    for page in pages {
        let path = root.join(&page.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, &page.contents)
            .map_err(|e| format!("write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Compares the pages with the files under `root`: one line of explanation per stale page
/// (empty when the docs are up to date).
pub fn check(root: &Path, pages: &[Page]) -> Vec<String> {
    let mut problems = Vec::new();
    for page in pages {
        let path = root.join(&page.path);
        match std::fs::read_to_string(&path) {
            Err(e) => problems.push(format!("{}: missing ({e})", page.path.display())),
            Ok(committed) if committed != page.contents => {
                problems.push(format!(
                    "{}: out of date: {}",
                    page.path.display(),
                    first_difference(&committed, &page.contents)
                ));
            }
            Ok(_) => {}
        }
    }
    problems
}

/// Where two texts first differ, with both lines.
fn first_difference(committed: &str, generated: &str) -> String {
    let old: Vec<&str> = committed.lines().collect();
    let new: Vec<&str> = generated.lines().collect();
    let differing = old.iter().zip(&new).position(|(a, b)| a != b);
    let line = differing.unwrap_or(old.len().min(new.len()));
    let show = |lines: &[&str]| {
        lines
            .get(line)
            .map_or_else(|| "<end of file>".to_string(), |l| format!("{l:?}"))
    };
    format!(
        "line {}: committed {} vs generated {} ({} vs {} lines)",
        line + 1,
        show(&old),
        show(&new),
        old.len(),
        new.len()
    )
}

/// Replaces every placeholder of `template`.
pub fn render(root: &Path, template: &str, schema: &Schema) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "unterminated `{{`".to_string())?;
        out.push_str(&expand(root, after[..end].trim(), schema)?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn expand(root: &Path, directive: &str, schema: &Schema) -> Result<String, String> {
    let mut pipeline = directive.split('|').map(str::trim);
    let head = pipeline.next().unwrap_or_default();
    let words = split_words(head)?;
    let mut value = match words.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [".Description"] => schema.description.clone(),
        [".SchemaMarkdown"] => schema_markdown(schema),
        ["tffile", path] => code_block(root, "terraform", path)?,
        ["codefile", lang, path] => code_block(root, lang, path)?,
        _ => return Err(format!("unknown placeholder `{{{{ {directive} }}}}`")),
    };
    for filter in pipeline {
        let words = split_words(filter)?;
        value = match words.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["prefixlines", prefix] => value
                .lines()
                .map(|l| format!("{prefix}{l}"))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => {
                return Err(format!(
                    "unknown filter `{filter}` in `{{{{ {directive} }}}}`"
                ));
            }
        };
    }
    Ok(value)
}

/// Splits `tffile "a b.tf"` into words; double-quoted words may contain spaces.
fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut word = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(ch) => word.push(ch),
                    None => return Err(format!("unterminated string in `{text}`")),
                }
            }
            words.push(word);
        } else {
            let mut word = String::new();
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() {
                    break;
                }
                word.push(ch);
                chars.next();
            }
            words.push(word);
        }
    }
    Ok(words)
}

fn code_block(root: &Path, lang: &str, relative: &str) -> Result<String, String> {
    let path = root.join(relative);
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
    Ok(format!("```{lang}\n{}\n```", text.trim_end()))
}

/// The attribute groups the Registry shows: Required, Optional, Read-Only.
pub fn schema_markdown(schema: &Schema) -> String {
    let mut sorted: Vec<&Attribute> = schema.attributes.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let groups = [
        ("Required", vec![Presence::Required]),
        (
            "Optional",
            vec![Presence::Optional, Presence::OptionalComputed],
        ),
        ("Read-Only", vec![Presence::Computed]),
    ];
    let mut out = String::from("## Schema\n");
    for (title, presences) in groups {
        let members: Vec<&&Attribute> = sorted
            .iter()
            .filter(|a| presences.contains(&a.presence))
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = write!(out, "\n### {title}\n\n");
        for attribute in members {
            let _ = writeln!(out, "{}", attribute_line(attribute));
        }
    }
    out.truncate(out.trim_end().len());
    out
}

fn attribute_line(attribute: &Attribute) -> String {
    let mut notes = vec![type_name(&attribute.ty)];
    if attribute.sensitive {
        notes.push("Sensitive".to_string());
    }
    if attribute.write_only {
        notes.push(format!("[Write-only]({WRITE_ONLY_LINK})"));
    }
    let mut line = format!("- `{}` ({})", attribute.name, notes.join(", "));
    let description = attribute.description.trim();
    if !description.is_empty() {
        line.push(' ');
        line.push_str(description);
    }
    line
}

/// Type names as the Registry docs spell them.
pub fn type_name(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(inner) => format!("List of {}", type_name(inner)),
        Type::Set(inner) => format!("Set of {}", type_name(inner)),
        Type::Map(inner) => format!("Map of {}", type_name(inner)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn sample() -> Schema {
        Schema::new(
            0,
            "Line one.",
            vec![
                Attribute::computed("id", Type::String).describe("The ID."),
                Attribute::required("name", Type::String).describe("The name."),
                Attribute::optional("secret", Type::String)
                    .describe("A secret.")
                    .sensitive()
                    .write_only(),
                Attribute::optional_computed("days", Type::Number),
                Attribute::optional("tags", Type::Map(Box::new(Type::String))),
            ],
        )
    }

    #[test]
    fn schema_markdown_groups_and_sorts_like_the_registry() {
        let md = schema_markdown(&sample());
        assert_eq!(
            md,
            format!(
                "## Schema\n\n### Required\n\n- `name` (String) The name.\n\n### Optional\n\n\
                 - `days` (Number)\n- `secret` (String, Sensitive, [Write-only]({WRITE_ONLY_LINK})) \
                 A secret.\n- `tags` (Map of String)\n\n### Read-Only\n\n- `id` (String) The ID."
            )
        );
    }

    #[test]
    fn placeholders_expand_and_unknown_ones_fail() {
        let dir = std::env::temp_dir().join(format!("xtask-render-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.tf"), "x = 1\n\n").unwrap();
        let out = render(
            &dir,
            "d: |-\n{{ .Description | prefixlines \"  \" }}\n{{tffile \"a.tf\"}}\n{{ codefile \"shell\" \"a.tf\" }}",
            &sample(),
        )
        .unwrap();
        assert_eq!(
            out,
            "d: |-\n  Line one.\n```terraform\nx = 1\n```\n```shell\nx = 1\n```"
        );
        assert!(
            render(&dir, "{{ .Nope }}", &sample())
                .unwrap_err()
                .contains("unknown placeholder")
        );
        assert!(render(&dir, "{{ .Description", &sample()).is_err());
        assert!(render(&dir, "{{ tffile \"missing.tf\" }}", &sample()).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn check_reports_the_first_differing_line() {
        let dir = std::env::temp_dir().join(format!("xtask-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("p.md"), "a\nb\n").unwrap();
        let page = |contents: &str| Page {
            path: PathBuf::from("p.md"),
            contents: contents.into(),
        };
        assert!(check(&dir, &[page("a\nb\n")]).is_empty());
        let problems = check(&dir, &[page("a\nc\n"), page_missing()]);
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("line 2"), "{}", problems[0]);
        assert!(problems[1].contains("missing"), "{}", problems[1]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn page_missing() -> Page {
        Page {
            path: PathBuf::from("nope.md"),
            contents: String::new(),
        }
    }
}
