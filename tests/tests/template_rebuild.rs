//! Editing a template and running `cargo build` rebuilds the project with the new text.
//! A throwaway project (path dependency on this checkout, the workspace's Cargo.lock) is
//! built twice in `target/e2e`, a target folder of its own: cargo holds the workspace's
//! while tests run.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn cargo_build(project: &Path) {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet"])
        .current_dir(project)
        .env("CARGO_TARGET_DIR", workspace().join("target/e2e"))
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "cargo build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn show(project: &Path) -> String {
    let bin = workspace().join("target/e2e/debug/rebuild-site");
    let out = Command::new(bin)
        .arg("show")
        .env("MANOUCHE_BASE_DIR", project)
        .output()
        .expect("run the project");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn editing_a_template_and_building_again_shows_the_new_text() {
    let project = workspace().join("target/e2e/projects/rebuild-site");
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(project.join("src/pages/templates/pages")).unwrap();
    std::fs::create_dir_all(project.join("templates")).unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), project.join("Cargo.lock")).unwrap();
    std::fs::write(
        project.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rebuild-site\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\nmanouche = {{ path = {:?} }}\n\n[workspace]\n",
            workspace().join("framework")
        ),
    )
    .unwrap();
    std::fs::write(
        project.join("src/main.rs"),
        r#"
mod pages;
mod urls {
    manouche::urlpatterns! {}
}

fn show(_args: &[String]) -> Result<(), manouche::management::CommandError> {
    use manouche::Template;
    println!("{}", pages::Page.render().unwrap());
    Ok(())
}

fn main() -> std::process::ExitCode {
    manouche::Project::<urls::UrlConf>::new(env!("CARGO_MANIFEST_DIR"))
        .command("show", "Prints the page.", show)
        .execute_from_command_line()
}
"#,
    )
    .unwrap();
    std::fs::write(
        project.join("src/pages/mod.rs"),
        "#[derive(manouche::Template)]\n#[template(path = \"pages/page.html\")]\npub struct Page;\n",
    )
    .unwrap();
    std::fs::write(
        project.join("templates/layout.html"),
        "<main>{% block body %}{% endblock %}</main>",
    )
    .unwrap();
    let page = project.join("src/pages/templates/pages/page.html");
    std::fs::write(
        &page,
        "{% extends \"layout.html\" %}{% block body %}first version{% endblock %}",
    )
    .unwrap();
    cargo_build(&project);
    assert_eq!(show(&project), "<main>first version</main>\n");

    std::fs::write(
        &page,
        "{% extends \"layout.html\" %}{% block body %}second version{% endblock %}",
    )
    .unwrap();
    cargo_build(&project);
    assert_eq!(show(&project), "<main>second version</main>\n");

    // The parent template counts too.
    std::fs::write(
        project.join("templates/layout.html"),
        "<div>{% block body %}{% endblock %}</div>",
    )
    .unwrap();
    cargo_build(&project);
    assert_eq!(show(&project), "<div>second version</div>\n");
}
