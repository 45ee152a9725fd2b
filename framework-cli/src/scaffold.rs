//! `startproject` and `startapp`: the files of a new project (the lecture's starting point)
//! and of a new app, registered so that the project builds at once.

use std::path::{Path, PathBuf};

/// Where the new app's module and include are added.
pub const APPS_MARKER: &str = "// manouche:apps (startapp adds each app here)";
/// Where the new app's URLconf is included.
pub const INCLUDES_MARKER: &str = "// manouche:includes (startapp adds each app's URLconf here)";
/// Where the new app is installed in the project (`.app(&tasks::CONFIG)`).
pub const INSTALLED_MARKER: &str = "// manouche:installed (startapp installs each app here)";

/// The manouche dependency line: this checkout's framework when the CLI runs from one (so it
/// builds offline), the published version otherwise.
fn dependency() -> String {
    let framework = Path::new(env!("CARGO_MANIFEST_DIR")).join("../framework");
    let manouche = match framework.canonicalize() {
        Ok(path) if path.join("Cargo.toml").exists() => {
            format!("manouche = {{ path = {:?} }}", path.to_string_lossy())
        }
        _ => format!("manouche = \"{}\"", env!("CARGO_PKG_VERSION")),
    };
    // `#[derive(Model)]` makes diesel tables, whose code names the `diesel` crate; any 2.3
    // is the one manouche builds with.
    format!("{manouche}\ndiesel = {{ version = \"2.3\", default-features = false }}")
}

/// Django's `get_random_secret_key()`: 50 characters, prefixed to say it is for development.
fn secret_key() -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)";
    let mut bytes = [0u8; 50];
    // The kernel's random source; a failure is a missing /dev/urandom, which is fatal here.
    let mut f = std::fs::File::open("/dev/urandom").expect("/dev/urandom");
    std::io::Read::read_exact(&mut f, &mut bytes).expect("/dev/urandom");
    let key: String = bytes
        .iter()
        .map(|b| CHARS[*b as usize % CHARS.len()] as char)
        .collect();
    format!("manouche-insecure-{key}")
}

fn write(path: &Path, content: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Creates project `name` in `dir`.
pub fn start_project(name: &str, dir: &Path) -> Result<(), String> {
    let files: Vec<(&str, String)> = vec![
        (
            "Cargo.toml",
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n\n# A project of its own, even inside another Cargo workspace.\n[workspace]\n\n# `cargo build --release` for production: slower to build, faster to serve.\n[profile.release]\nlto = \"fat\"\ncodegen-units = 1\n",
                dependency()
            ),
        ),
        (
            "settings.toml",
            format!(
                "# {name}'s settings (Django's settings.py). Every key is optional; see the\n# manouche book's \"Settings\" chapter for the list and Django's defaults.\n\n# SECURITY WARNING: don't run with debug turned on in production!\nDEBUG = true\n\n# SECURITY WARNING: keep the secret key used in production secret!\nSECRET_KEY = \"{}\"\n\n# With DEBUG on and no hosts, localhost and 127.0.0.1 are allowed.\nALLOWED_HOSTS = []\n\n# The database: db.sqlite3 here, or postgres://… .\nDATABASE_URL = \"sqlite://db.sqlite3\"\n\n# runserver applies pending migrations first (development).\nAUTO_MIGRATE = true\n",
                secret_key()
            ),
        ),
        (
            "build.rs",
            "//! Rebuild when a template is added or changed (templates are compiled in).\n\nfn main() {\n    println!(\"cargo:rerun-if-changed=templates\");\n    println!(\"cargo:rerun-if-changed=src\");\n}\n".into(),
        ),
        (
            "src/lib.rs",
            format!(
                "//! The {name} project (Django's settings.py and urls.py): a library, so that its\n//! tests in tests/ can use it.\n\npub mod urls;\npub mod views;\n\n// INSTALLED_APPS: each app is a module.\n{APPS_MARKER}\n\n/// The project: its folder (where settings.toml is), its root URLconf, its commands.\npub fn project() -> manouche::Project<urls::UrlConf> {{\n    manouche::Project::new(env!(\"CARGO_MANIFEST_DIR\"))\n        {INSTALLED_MARKER}\n}}\n"
            ),
        ),
        (
            "src/main.rs",
            format!(
                "//! {name}'s manage.py: `cargo run -- runserver`, `cargo run -- migrate`, …\n\nfn main() -> std::process::ExitCode {{\n    {name}::project().execute_from_command_line()\n}}\n"
            ),
        ),
        (
            "tests/pages.rs",
            "//! The project's pages, tested as Django's test client tests them: in-process, each\n//! test with a test database of its own (db.sqlite3 is never touched). `cargo test`.\n\nuse manouche::test::Client;\n\n#[manouche::test]\nasync fn the_start_page_says_the_install_worked() {\n    let mut client = Client::new(&NAME::project());\n    let response = client.get(\"/\").await;\n    assert_eq!(response.status(), 200);\n    response.assert_contains(\"The install worked successfully!\");\n}\n\n#[manouche::test]\nasync fn an_unknown_page_is_a_404() {\n    let mut client = Client::new(&NAME::project());\n    assert_eq!(client.get(\"/nowhere\").await.status(), 404);\n}\n".replace("NAME", name),
        ),
        (
            "src/urls.rs",
            format!(
                "//! The root URLconf (Django's ROOT_URLCONF).\n\nuse manouche::urlpatterns;\n\nuse crate::views;\n\nurlpatterns! {{\n    path(\"\", views::index, name = \"index\"),\n    {INCLUDES_MARKER}\n}}\n"
            ),
        ),
        (
            "src/views.rs",
            "//! The project's own views.\n\nuse manouche::prelude::*;\n\n#[derive(Template)]\n#[template(path = \"index.html\")]\nstruct Index;\n\n/// The start page.\n#[view]\npub fn index(request: &Request) -> Result<Response> {\n    render(request, Index)\n}\n".into(),
        ),
        (
            "templates/layout.html",
            format!(
                "<!DOCTYPE html>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n        <title>{{% block title %}}{name}{{% endblock %}}</title>\n    </head>\n    <body>\n        {{% block body %}}\n        {{% endblock %}}\n    </body>\n</html>\n"
            ),
        ),
        (
            "templates/index.html",
            "{% extends \"layout.html\" %}\n{% block body %}\n    <h1>The install worked successfully! Congratulations!</h1>\n    <p>Add an app with <code>manouche startapp NAME</code>.</p>\n{% endblock %}\n".into(),
        ),
        (".gitignore", "/target\n/db.sqlite3*\n".into()),
    ];
    for (path, content) in files {
        write(&dir.join(path), &content)?;
    }
    Ok(())
}

/// The project folder around `from`: the nearest one with a Cargo.toml and src/main.rs.
pub fn project_root(from: &Path) -> Option<PathBuf> {
    from.ancestors()
        .find(|d| d.join("Cargo.toml").exists() && d.join("src/main.rs").exists())
        .map(Path::to_path_buf)
}

/// Creates app `name` in the project at `root` and registers it.
pub fn start_app(name: &str, root: &Path) -> Result<(), String> {
    let dir = root.join("src").join(name);
    if dir.exists() || root.join("src").join(format!("{name}.rs")).exists() {
        return Err(format!("'{}' already exists", dir.display()));
    }
    // The apps are listed in src/lib.rs (projects made before it existed: src/main.rs).
    let apps_file = [root.join("src/lib.rs"), root.join("src/main.rs")]
        .into_iter()
        .find(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains(APPS_MARKER)))
        .unwrap_or_else(|| root.join("src/lib.rs"));
    let urls = root.join("src/urls.rs");
    let main_text = std::fs::read_to_string(&apps_file)
        .map_err(|e| format!("cannot read {}: {e}", apps_file.display()))?;
    let urls_text = std::fs::read_to_string(&urls)
        .map_err(|e| format!("cannot read {}: {e}", urls.display()))?;
    if !main_text.contains(APPS_MARKER) || !urls_text.contains(INCLUDES_MARKER) {
        return Err(format!(
            "cannot register the app: src/lib.rs must contain `{APPS_MARKER}` and src/urls.rs `{INCLUDES_MARKER}` (as startproject writes them)"
        ));
    }
    let title = {
        let mut c = name.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    let files: Vec<(String, String)> = vec![
        (
            "mod.rs".into(),
            format!(
                "//! The {name} app.\n\npub mod forms;\npub mod models;\npub mod urls;\npub mod views;\n\n// The app as the project installs it (Django's AppConfig): list its models here.\nmanouche::app_config! {{\n    name = \"{name}\",\n    models = [],\n}}\n"
            ),
        ),
        (
            "models.rs".into(),
            "//! The app's models: `#[derive(manouche::Model)] pub struct …`, listed in `app_config!`\n//! in mod.rs; then `cargo run -- makemigrations` writes their migrations.\n".into(),
        ),
        (
            "urls.rs".into(),
            format!(
                "use manouche::{{app, urlpatterns}};\n\nuse super::views;\n\napp!(name = \"{name}\");\n\nurlpatterns! {{\n    path(\"\", views::index, name = \"index\"),\n}}\n"
            ),
        ),
        (
            "views.rs".into(),
            format!(
                "use manouche::prelude::*;\n\n#[derive(Template)]\n#[template(path = \"{name}/index.html\")]\nstruct Index;\n\n/// `{name}:index`.\n#[view]\npub fn index(request: &Request) -> Result<Response> {{\n    render(request, Index)\n}}\n"
            ),
        ),
        (
            "forms.rs".into(),
            "//! The app's forms: `#[derive(manouche::Form)] pub struct …`.\n".into(),
        ),
        (
            format!("templates/{name}/index.html"),
            format!(
                "{{% extends \"layout.html\" %}}\n{{% block body %}}\n    <h1>{title}</h1>\n{{% endblock %}}\n"
            ),
        ),
    ];
    for (path, content) in files {
        write(&dir.join(path), &content)?;
    }
    let main_text = main_text.replacen(APPS_MARKER, &format!("pub mod {name};\n{APPS_MARKER}"), 1);
    // Projects made before the marker existed install their apps by hand.
    let main_text = main_text.replacen(
        INSTALLED_MARKER,
        &format!(".app(&{name}::CONFIG)\n        {INSTALLED_MARKER}"),
        1,
    );
    let urls_text = urls_text.replacen(
        INCLUDES_MARKER,
        &format!("path(\"{name}/\", include(crate::{name}::urls)),\n    {INCLUDES_MARKER}"),
        1,
    );
    write(&apps_file, &main_text)?;
    write(&urls, &urls_text)
}
