//! Compile-time checks of the macros: every accepted form compiles, every mistake is one
//! error that says what to fix (pinned in the .stderr files beside each case).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
