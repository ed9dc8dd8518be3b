//! Repository tasks. `cargo run -p xtask -- docs` renders the Terraform Registry docs in
//! `docs/` from the provider's own schemas and the hand-written templates in `templates/`;
//! `cargo run -p xtask -- docs --check` fails when the committed docs are out of date.
//!
//! | template | page |
//! |---|---|
//! | `templates/index.md.tmpl` | `docs/index.md` (the provider's schema) |
//! | `templates/resources/workflow_connection.md.tmpl` | `docs/resources/workflow_connection.md` (the resource's schema) |
//! | `templates/guides/<name>.md.tmpl` | `docs/guides/<name>.md` (no schema) |
//!
//! Templates are plain Markdown with a few placeholders:
//!
//! | placeholder | becomes |
//! |---|---|
//! | `{{ .Description }}` | the schema's description (schema pages only) |
//! | `{{ .Description \| prefixlines "  " }}` | the same, every line prefixed (YAML front matter) |
//! | `{{ .SchemaMarkdown }}` | `## Schema` with Required / Optional / Read-Only groups (schema pages only) |
//! | `{{ tffile "examples/…/x.tf" }}` | that file in a ```` ```terraform ```` block |
//! | `{{ codefile "shell" "examples/…/x.sh" }}` | that file in a ```` ```shell ```` block |
//! | `{{ default "rate_limit" }}` | the default of that provider argument (the client's constant) |
//! | `{{ "{{" }}` | `{{` (a quoted string is itself) |
//!
//! Paths are relative to the repository root. Anything else between `{{` and `}}` is an error.
//! So is a Terraform code block written into a template: every HCL example is a file under
//! `examples/` (where the tests validate it) and comes in through `tffile`. A guide begins with
//! its own Registry front matter: `page_title`, `subcategory` and `description`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use terraform_provider_databricks::protocol::cty::Type;
use terraform_provider_databricks::protocol::schema::{Attribute, Presence, Schema};
use terraform_provider_databricks::provider::schema::{argument_default, provider_schema};
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

/// A page documented from a schema.
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
            must_mention: workflow_connection::Status::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        },
    ]
}

/// Where guide templates live, and where their pages go.
pub const GUIDE_TEMPLATES: &str = "templates/guides";
pub const GUIDE_PAGES: &str = "docs/guides";
const TEMPLATE_SUFFIX: &str = ".md.tmpl";

/// The front matter keys every guide sets, in the Registry's words.
pub const GUIDE_FRONT_MATTER: [&str; 3] = ["page_title", "subcategory", "description"];

/// Renders every docs page from the templates under `root`: the schema pages, then the guides
/// in name order.
pub fn generate(root: &Path) -> Result<Vec<Page>, String> {
    let mut pages = Vec::new();
    for source in sources() {
        let template = read_template(root, source.template)?;
        for value in &source.must_mention {
            if !template.contains(&format!("`{value}`")) {
                return Err(format!(
                    "{}: does not document `{value}`; every status value needs a row",
                    source.template
                ));
            }
        }
        let contents = render(root, &template, Some(&source.schema))
            .map_err(|e| format!("{}: {e}", source.template))?;
        pages.push(Page {
            path: PathBuf::from(source.output),
            contents,
        });
    }
    for name in guide_names(root)? {
        let relative = format!("{GUIDE_TEMPLATES}/{name}{TEMPLATE_SUFFIX}");
        let template = read_template(root, &relative)?;
        front_matter(&template).map_err(|e| format!("{relative}: {e}"))?;
        let contents = render(root, &template, None).map_err(|e| format!("{relative}: {e}"))?;
        pages.push(Page {
            path: PathBuf::from(format!("{GUIDE_PAGES}/{name}.md")),
            contents,
        });
    }
    Ok(pages)
}

fn read_template(root: &Path, relative: &str) -> Result<String, String> {
    let path = root.join(relative);
    std::fs::read_to_string(&path).map_err(|e| format!("read {}: {e}", path.display()))
}

/// The names of the guide templates (`rotating-secrets` for
/// `templates/guides/rotating-secrets.md.tmpl`), sorted; none when the directory is missing.
pub fn guide_names(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join(GUIDE_TEMPLATES);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("read {}: {e}", dir.display())),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("read {}: {e}", dir.display()))?;
        let file = entry.file_name();
        let Some(file) = file.to_str() else {
            return Err(format!("{}: a file name that is not UTF-8", dir.display()));
        };
        match file.strip_suffix(TEMPLATE_SUFFIX) {
            Some(name) if !name.is_empty() => names.push(name.to_owned()),
            _ => {
                return Err(format!(
                    "{GUIDE_TEMPLATES}/{file}: not a guide template (`<name>{TEMPLATE_SUFFIX}`)"
                ));
            }
        }
    }
    names.sort();
    Ok(names)
}

/// The keys of the YAML front matter a page starts with (`---` lines around `key: value`
/// lines; a value may continue on indented lines). Every key of [`GUIDE_FRONT_MATTER`] must be
/// there with a value.
pub fn front_matter(text: &str) -> Result<Vec<String>, String> {
    let Some(body) = text.strip_prefix("---\n") else {
        return Err("a guide starts with YAML front matter (`---` on the first line)".into());
    };
    let Some(end) = body.find("\n---\n") else {
        return Err("the front matter is not closed by a `---` line".into());
    };
    let mut keys = Vec::new();
    let mut lines = body[..end].lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with(' ') || line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!("front matter line {line:?} is not `key: value`"));
        };
        let continued = lines.peek().is_some_and(|next| next.starts_with(' '));
        if value.trim().is_empty() && !continued {
            return Err(format!("front matter `{key}` has no value"));
        }
        keys.push(key.trim().to_owned());
    }
    for wanted in GUIDE_FRONT_MATTER {
        if !keys.iter().any(|k| k == wanted) {
            return Err(format!("the front matter lacks `{wanted}`"));
        }
    }
    Ok(keys)
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

/// Guide pages under `root` that no template generates any more (a renamed or deleted guide).
pub fn orphans(root: &Path, pages: &[Page]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root.join(GUIDE_PAGES)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| PathBuf::from(GUIDE_PAGES).join(e.file_name()))
        .filter(|path| !pages.iter().any(|p| &p.path == path))
        .collect();
    found.sort();
    found
}

/// Compares the pages with the files under `root`: one line of explanation per stale, missing
/// or orphaned page (empty when the docs are up to date).
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
    for orphan in orphans(root, pages) {
        problems.push(format!(
            "{}: no template generates it (delete it, or add {GUIDE_TEMPLATES}/<name>{TEMPLATE_SUFFIX})",
            orphan.display()
        ));
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

/// Fences that open a Terraform code block. Templates may not hold one: the example belongs in
/// a file under `examples/`, which the tests validate, brought in with `tffile`.
const HCL_FENCES: [&str; 4] = ["```terraform", "```hcl", "```tf", "```HCL"];

/// Replaces every placeholder of `template`. `schema` is `None` for a guide, which cannot use
/// the schema placeholders.
pub fn render(root: &Path, template: &str, schema: Option<&Schema>) -> Result<String, String> {
    for (n, line) in template.lines().enumerate() {
        let fence = line.trim_start();
        if HCL_FENCES.iter().any(|f| {
            fence
                .strip_prefix(f)
                .is_some_and(|rest| rest.trim().is_empty())
        }) {
            return Err(format!(
                "line {}: a Terraform code block written into the template; put it in a file \
                 under examples/ and use {{{{ tffile \"examples/…\" }}}}",
                n + 1
            ));
        }
    }
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

fn expand(root: &Path, directive: &str, schema: Option<&Schema>) -> Result<String, String> {
    let mut pipeline = directive.split('|').map(str::trim);
    let head = pipeline.next().unwrap_or_default();
    let words = split_words(head)?;
    let no_schema = || format!("`{{{{ {directive} }}}}` needs a schema, and a guide has none");
    // `{{ "{{" }}` is a literal, as in Go templates: for text such as GitHub Actions'
    // `${{ secrets.X }}`.
    if let (true, [literal]) = (head.starts_with('"'), &words[..]) {
        return match pipeline.next() {
            None => Ok(literal.clone()),
            Some(filter) => Err(format!("a literal takes no filter (`{filter}`)")),
        };
    }
    let mut value = match words.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [".Description"] => schema.ok_or_else(no_schema)?.description.clone(),
        [".SchemaMarkdown"] => schema_markdown(schema.ok_or_else(no_schema)?),
        ["tffile", path] => code_block(root, "terraform", path)?,
        ["codefile", lang, path] => code_block(root, lang, path)?,
        ["default", argument] => argument_default(argument)
            .ok_or_else(|| format!("the provider argument `{argument}` has no default"))?,
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
            Some(&sample()),
        )
        .unwrap();
        assert_eq!(
            out,
            "d: |-\n  Line one.\n```terraform\nx = 1\n```\n```shell\nx = 1\n```"
        );
        assert!(
            render(&dir, "{{ .Nope }}", Some(&sample()))
                .unwrap_err()
                .contains("unknown placeholder")
        );
        assert!(render(&dir, "{{ .Description", Some(&sample())).is_err());
        assert!(render(&dir, "{{ tffile \"missing.tf\" }}", Some(&sample())).is_err());
        let default = render(&dir, "{{ default \"rate_limit\" }}", None).unwrap();
        assert!(
            !default.is_empty() && default.bytes().all(|b| b.is_ascii_digit()),
            "{default}"
        );
        assert!(render(&dir, "{{ default \"host\" }}", None).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_guide_has_no_schema_and_no_template_holds_a_terraform_block() {
        let dir = std::env::temp_dir().join(format!("xtask-guide-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.tf"), "x = 1\n").unwrap();
        assert_eq!(
            render(&dir, "# G\n\n{{ tffile \"a.tf\" }}\n", None).unwrap(),
            "# G\n\n```terraform\nx = 1\n```\n"
        );
        for schema_only in ["{{ .Description }}", "{{ .SchemaMarkdown }}"] {
            let err = render(&dir, schema_only, None).unwrap_err();
            assert!(err.contains("needs a schema"), "{err}");
        }
        for fence in ["```terraform", "```hcl", "  ```tf", "```hcl  "] {
            let template = format!("text\n{fence}\nx = 1\n```\n");
            for schema in [None, Some(&sample())] {
                let err = render(&dir, &template, schema).unwrap_err();
                assert!(err.contains("line 2") && err.contains("tffile"), "{err}");
            }
        }
        assert_eq!(
            render(&dir, "run: ${{ \"{{\" }} secrets.X }}", None).unwrap(),
            "run: ${{ secrets.X }}"
        );
        // Other code blocks are prose.
        assert!(
            render(
                &dir,
                "```shell\nterraform plan\n```\n```yaml\non: push\n```\n",
                None
            )
            .is_ok()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn guide_front_matter_needs_title_subcategory_and_description() {
        let good = "---\npage_title: \"T\"\nsubcategory: \"Guides\"\ndescription: |-\n  Two\n  lines.\n---\n\n# T\n";
        assert_eq!(
            front_matter(good).unwrap(),
            ["page_title", "subcategory", "description"]
        );
        for (bad, why) in [
            ("# T\n", "starts with"),
            ("---\npage_title: T\n", "not closed"),
            (
                "---\npage_title: T\nsubcategory: G\n---\n",
                "lacks `description`",
            ),
            (
                "---\npage_title:\nsubcategory: G\ndescription: D\n---\n",
                "no value",
            ),
            ("---\npage_title T\n---\n", "not `key: value`"),
        ] {
            let err = front_matter(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }

    #[test]
    fn guide_names_come_from_the_templates_and_stray_pages_are_orphans() {
        let dir = std::env::temp_dir().join(format!("xtask-names-{}", std::process::id()));
        assert!(
            guide_names(&dir).unwrap().is_empty(),
            "no directory, no guides"
        );
        std::fs::create_dir_all(dir.join(GUIDE_TEMPLATES)).unwrap();
        std::fs::create_dir_all(dir.join(GUIDE_PAGES)).unwrap();
        for name in ["b-guide", "a-guide"] {
            std::fs::write(
                dir.join(GUIDE_TEMPLATES).join(format!("{name}.md.tmpl")),
                "",
            )
            .unwrap();
        }
        assert_eq!(guide_names(&dir).unwrap(), ["a-guide", "b-guide"]);
        std::fs::write(dir.join(GUIDE_PAGES).join("a-guide.md"), "a").unwrap();
        std::fs::write(dir.join(GUIDE_PAGES).join("old.md"), "o").unwrap();
        let pages = [Page {
            path: PathBuf::from(GUIDE_PAGES).join("a-guide.md"),
            contents: "a".into(),
        }];
        assert_eq!(
            orphans(&dir, &pages),
            [PathBuf::from(GUIDE_PAGES).join("old.md")]
        );
        let problems = check(&dir, &pages);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("old.md: no template"),
            "{}",
            problems[0]
        );
        std::fs::write(dir.join(GUIDE_TEMPLATES).join("notes.txt"), "").unwrap();
        assert!(guide_names(&dir).unwrap_err().contains("notes.txt"));
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
