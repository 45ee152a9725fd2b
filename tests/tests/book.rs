//! The book shows code included from the compiled demo: every `{{#include file:anchor}}` must
//! name a file that exists and an anchor in it, or the chapter would show nothing.

use std::path::Path;

#[test]
fn every_include_in_the_book_resolves() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src");
    let mut checked = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("{{#include ") {
            let rest = &text[i + "{{#include ".len()..];
            let spec = &rest[..rest.find("}}").expect("closed include")];
            let (file, anchor) = match spec.rsplit_once(':') {
                Some((f, a)) if !a.contains('/') => (f, Some(a)),
                _ => (spec, None),
            };
            let target = src.join(file.trim());
            let content = std::fs::read_to_string(&target)
                .unwrap_or_else(|e| panic!("{}: {file}: {e}", path.display()));
            if let Some(a) = anchor {
                assert!(
                    content.contains(&format!("ANCHOR: {a}"))
                        && content.contains(&format!("ANCHOR_END: {a}")),
                    "{}: anchor {a} missing in {file}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} includes found");
}

#[test]
fn every_rust_block_in_the_book_is_included_from_compiled_code() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src");
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut in_rust = false;
        for (n, line) in text.lines().enumerate() {
            if let Some(info) = line.trim_start().strip_prefix("```") {
                in_rust = !in_rust && info.starts_with("rust");
                continue;
            }
            if in_rust {
                let l = line.trim();
                assert!(
                    l.is_empty() || l.starts_with("{{#include "),
                    "{}:{}: Rust in the book must be {{{{#include}}}}d from compiled code: {line}",
                    path.display(),
                    n + 1
                );
            }
        }
    }
}
