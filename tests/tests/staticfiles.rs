//! collectstatic, findstatic and serving STATIC_ROOT, on the files of
//! tests/reference/staticfiles: hashed names, the manifest and the rewritten CSS and
//! JavaScript are byte for byte what Django 5.2's ManifestStaticFilesStorage made of them
//! (tests/reference/django_collectstatic.py wrote expected.json with Django itself).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use manouche_tests::support::{Server, TempDir, get};

const SITE: &str = env!("CARGO_BIN_EXE_testsite");

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/staticfiles")
}

/// A project folder with the fixture's static files, its STATIC_ROOT inside.
struct Project {
    dir: TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = TempDir::new("collect");
        manouche_tests::support::copy_tree(&fixture().join("static"), &dir.0.join("static"));
        manouche_tests::support::copy_tree(&fixture().join("src"), &dir.0.join("src"));
        std::fs::write(
            dir.0.join("settings.toml"),
            "DEBUG = false\nSECRET_KEY = \"collectstatic-test-key-0123456789abcdef0123456789\"\nALLOWED_HOSTS = [\"127.0.0.1\"]\nSTATIC_ROOT = \"collected\"\n",
        )
        .unwrap();
        Project { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.0.join("collected")
    }

    fn env(&self) -> [(&'static str, String); 1] {
        [("MANOUCHE_BASE_DIR", self.dir.0.display().to_string())]
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(SITE)
            .args(args)
            .envs(self.env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn collect(&self, args: &[&str]) -> String {
        let mut all = vec!["collectstatic"];
        all.extend_from_slice(args);
        String::from_utf8(self.run(&all).stdout).unwrap()
    }
}

fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn collectstatic_hashes_and_rewrites_as_django_does() {
    let project = Project::new();
    let out = project.collect(&["--noinput"]);
    let root = project.root();
    assert!(
        out.contains("Found another file with the destination path 'css/site.css'. It will be ignored since only the first encountered file is collected."),
        "{out}"
    );
    assert!(
        out.ends_with(&format!(
            "\n8 static files copied to '{}', 8 post-processed.\n",
            root.display()
        )),
        "{out}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("staticfiles.json")).unwrap())
            .unwrap();
    let expected = expected();
    assert_eq!(manifest["paths"], expected["paths"]);
    assert_eq!(manifest["hash"], expected["hash"]);
    assert_eq!(manifest["version"], "1.1");
    for (name, content) in expected["files"].as_object().unwrap() {
        let ours = std::fs::read_to_string(root.join(name)).unwrap();
        assert_eq!(&ours, content.as_str().unwrap(), "{name}");
    }
    // The first file found under a name is the one collected.
    assert!(
        std::fs::read_to_string(root.join("css/site.css"))
            .unwrap()
            .starts_with("@import \"print.css\";")
    );
    // Ignored as Django ignores them; compressed siblings for the server.
    assert!(!root.join(".hidden").exists() && !root.join("css/notes.css~").exists());
    assert!(root.join("css/site.c866b9341c3e.css.gz").is_file());
    assert!(root.join("css/site.c866b9341c3e.css.br").is_file());
    assert!(!root.join("img/font.a86863aa0487.woff.gz").exists());

    // A second run copies nothing; CSS and JavaScript are processed again, as in Django.
    let again = project.collect(&["--noinput"]);
    assert!(
        again.ends_with(&format!(
            "\n0 static files copied to '{}', 8 unmodified, 4 post-processed.\n",
            root.display()
        )),
        "{again}"
    );
}

#[test]
fn dry_run_writes_nothing_and_clear_removes_what_is_stale() {
    let project = Project::new();
    let dry = project.collect(&["--noinput", "--dry-run"]);
    assert!(dry.contains("Pretending to copy '"), "{dry}");
    assert!(!project.root().exists());
    project.collect(&["--noinput"]);
    let stale = project.root().join("old.css");
    std::fs::write(&stale, "old").unwrap();
    let cleared = project.collect(&["--noinput", "--clear"]);
    assert!(
        cleared.contains(&format!("Deleting '{}'", stale.display())),
        "{cleared}"
    );
    assert!(!stale.exists());
    assert!(cleared.contains("\n8 static files copied to"), "{cleared}");
}

#[test]
fn static_root_inside_a_static_folder_is_refused() {
    let project = Project::new();
    let out = Command::new(SITE)
        .args(["collectstatic", "--noinput"])
        .envs(project.env())
        .env("MANOUCHE_STATIC_ROOT", "static/collected")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("must not be in a static folder"), "{err}");
    assert!(!project.dir.0.join("static/collected").exists());
}

#[test]
fn findstatic_names_every_place_the_first_first() {
    let project = Project::new();
    let out = String::from_utf8(project.run(&["findstatic", "css/site.css"]).stdout).unwrap();
    let dir = project.dir.0.canonicalize().unwrap();
    assert_eq!(
        out,
        format!(
            "Found 'css/site.css' here:\n  {}\n  {}\n",
            dir.join("static/css/site.css").display(),
            dir.join("src/blog/static/css/site.css").display()
        )
    );
    let missing = Command::new(SITE)
        .args(["findstatic", "nope.css"])
        .envs(project.env())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("No matching file found for 'nope.css'.")
    );
}

#[test]
fn the_server_refuses_to_start_without_the_manifest() {
    let project = Project::new();
    let env = project.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let Err((_, err)) = Server::try_start(SITE, &["runserver", "127.0.0.1:0"], &env) else {
        panic!("started without a manifest");
    };
    assert!(
        err.contains("staticfiles.json") && err.contains("collectstatic"),
        "{err}"
    );
}

#[test]
fn check_says_when_the_manifest_is_missing_or_stale() {
    let project = Project::new();
    let check = |project: &Project| {
        Command::new(SITE)
            .arg("check")
            .envs(project.env())
            .output()
            .unwrap()
    };
    let missing = check(&project);
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("Run `collectstatic`"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    project.collect(&["--noinput"]);
    assert!(check(&project).status.success());
    // A file added since is not in the manifest: a stale deploy, said before it serves.
    std::fs::write(project.dir.0.join("static/css/new.css"), "p {}").unwrap();
    let stale = check(&project);
    assert!(!stale.status.success());
    assert!(
        String::from_utf8_lossy(&stale.stderr)
            .contains("Missing staticfiles manifest entry for 'css/new.css'"),
        "{}",
        String::from_utf8_lossy(&stale.stderr)
    );
}

#[test]
fn static_root_is_served_with_long_caching_etags_ranges_and_compression() {
    let project = Project::new();
    project.collect(&["--noinput"]);
    let env = project.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Server::start(SITE, &env);
    let page = get(server.addr, "/static-link", &[]);
    assert_eq!(
        page.body,
        "<link rel=\"stylesheet\" href=\"/static/css/site.c866b9341c3e.css\">\n"
    );
    let hashed = get(server.addr, "/static/css/site.c866b9341c3e.css", &[]);
    assert_eq!(hashed.status, 200);
    assert_eq!(hashed.header("content-type"), Some("text/css"));
    assert_eq!(
        hashed.header("cache-control"),
        Some("max-age=31536000, public, immutable")
    );
    assert_eq!(
        hashed.body,
        expected()["files"]["css/site.c866b9341c3e.css"]
            .as_str()
            .unwrap()
    );
    let etag = hashed.header("etag").expect("an ETag").to_string();
    let unchanged = get(
        server.addr,
        "/static/css/site.c866b9341c3e.css",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());
    let part = get(
        server.addr,
        "/static/css/site.c866b9341c3e.css",
        &[("Range", "bytes=0-6")],
    );
    assert_eq!(part.status, 206);
    assert_eq!(part.body, "@import");
    let gz = get(
        server.addr,
        "/static/css/site.c866b9341c3e.css",
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    // A name that is not hashed may change: cached briefly.
    let plain = get(server.addr, "/static/css/site.css", &[]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("cache-control"), Some("max-age=60, public"));
    for missing in [
        "/static/nope.css",
        "/static/../settings.toml",
        "/static/%2e%2e/settings.toml",
    ] {
        assert_eq!(get(server.addr, missing, &[]).status, 404, "{missing}");
    }
}
