//! `cargo run -p xtask -- docs [--check]`: see the library docs.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo run -p xtask -- docs [--check]\n\n  docs          render docs/ from templates/ and the provider's schema\n  docs --check  exit 1 when the committed docs differ from what `docs` would write";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[..] {
        ["docs"] => docs(false),
        ["docs", "--check"] => docs(true),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn docs(check_only: bool) -> ExitCode {
    let root = xtask::repo_root();
    let pages = match xtask::generate(&root) {
        Ok(pages) => pages,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check_only {
        let problems = xtask::check(&root, &pages);
        if problems.is_empty() {
            println!("docs are up to date ({} pages)", pages.len());
            return ExitCode::SUCCESS;
        }
        for problem in &problems {
            eprintln!("{problem}");
        }
        eprintln!("docs/ is out of date: run `cargo run -p xtask -- docs` and commit the result");
        return ExitCode::FAILURE;
    }
    if let Err(e) = xtask::write(&root, &pages) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    for page in &pages {
        println!("wrote {}", page.path.display());
    }
    ExitCode::SUCCESS
}
