//! The template translation step (Django syntax → askama) that `#[derive(Template)]` runs
//! at build time: any text is translated line for line or refused with a line number.
#![no_main]

#[path = "../../../framework-macros/src/suggest.rs"]
#[allow(dead_code)]
mod suggest;

#[path = "../../../framework-macros/src/template_syntax/mod.rs"]
#[allow(dead_code)]
mod template_syntax;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let lines = text.matches('\n').count() + 1;
    match template_syntax::rewrite(text, "fuzz.html", &[], None) {
        Ok((out, _)) => assert_eq!(out.matches('\n').count() + 1, lines),
        Err(e) => assert!((1..=lines).contains(&e.line)),
    }
});
