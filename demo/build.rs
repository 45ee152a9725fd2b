//! Rebuild when a template is added or changed (manouche compiles templates into the binary).

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src");
}
