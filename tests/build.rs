//! Rebuild when a template is added or changed (the test site compiles its templates).

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src");
}
