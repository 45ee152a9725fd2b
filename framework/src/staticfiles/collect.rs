//! `collectstatic` and `findstatic` (Django's): every static folder copied into STATIC_ROOT
//! (the first file found under a name wins, as Django's finders rule), then Django's
//! `ManifestStaticFilesStorage` post-processing: hashed copies with CSS and JavaScript
//! references rewritten, `staticfiles.json`, and `.gz`/`.br` siblings for the server.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::hashing::{self, Adjustable};
use super::manifest::Manifest;
use crate::settings::Settings;

/// Django's message when STATIC_ROOT is not set.
pub const NO_STATIC_ROOT: &str = "You're using the staticfiles app without having set the STATIC_ROOT setting to a filesystem path.";

/// Django's passes over the files that refer to others, before giving up on a cycle.
const MAX_PASSES: usize = 5;

/// A static file a finder found: its name under STATIC_URL and where it is.
#[derive(Debug, Clone)]
pub struct Found {
    /// The name (`css/site.css`).
    pub name: String,
    /// The file.
    pub path: PathBuf,
}

/// Django's default ignore patterns (`CVS`, `.*`, `*~`), for files and folders.
fn ignored(name: &str) -> bool {
    name == "CVS" || name.starts_with('.') || name.ends_with('~')
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Found>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            continue;
        };
        if ignored(name) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else if path.is_file()
            && let Ok(rel) = path.strip_prefix(root)
        {
            let name: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
            out.push(Found {
                name: name.join("/"),
                path,
            });
        }
    }
}

/// Every static file, in the finders' order, and the names found again later (ignored).
pub fn found_files(settings: &Settings) -> (Vec<Found>, Vec<String>) {
    let mut files: Vec<Found> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut again = Vec::new();
    for dir in super::static_dirs(settings.base_dir()) {
        let mut here = Vec::new();
        walk(&dir, &dir, &mut here);
        for found in here {
            if seen.insert(found.name.clone()) {
                files.push(found);
            } else {
                again.push(found.name);
            }
        }
    }
    (files, again)
}

/// Every file a name is found as, first (the one collected) first: `findstatic`.
pub fn find_all(settings: &Settings, name: &str) -> Vec<PathBuf> {
    let Some(rel) = super::safe_relative(name) else {
        return Vec::new();
    };
    super::static_dirs(settings.base_dir())
        .into_iter()
        .map(|dir| dir.join(&rel))
        .filter(|p| p.is_file())
        .filter_map(|p| p.canonicalize().ok())
        .collect()
}

/// What `collectstatic` is asked to do.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Delete what STATIC_ROOT holds first (`--clear`).
    pub clear: bool,
    /// Say what would be done, and do nothing (`--dry-run`).
    pub dry_run: bool,
    /// Django's `--verbosity` (0 to 3; 1 by default).
    pub verbosity: u8,
}

/// What `collectstatic` did.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// Files copied (or that would be, with `--dry-run`).
    pub copied: usize,
    /// Files already up to date.
    pub unmodified: usize,
    /// Files given a hashed copy or rewritten.
    pub post_processed: usize,
}

impl Collected {
    /// Django's closing line: `3 static files copied to '/srv/static', 1 unmodified, 3
    /// post-processed.`
    pub fn summary(&self, root: &Path) -> String {
        let mut out = format!(
            "\n{} static file{} copied to '{}'",
            self.copied,
            if self.copied == 1 { "" } else { "s" },
            root.display()
        );
        if self.unmodified > 0 {
            out.push_str(&format!(", {} unmodified", self.unmodified));
        }
        if self.post_processed > 0 {
            out.push_str(&format!(", {} post-processed", self.post_processed));
        }
        out.push('.');
        out
    }
}

/// Seconds since the epoch (Django compares modification times without sub-seconds).
fn modified_secs(path: &Path) -> Option<u64> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// Collects every static file into `root`; `log` gets Django's lines at their verbosity.
pub fn collect(
    settings: &Settings,
    root: &Path,
    options: Options,
    log: &mut dyn FnMut(&str),
) -> Result<Collected, String> {
    let mut say = |level: u8, line: &str| {
        if options.verbosity >= level {
            log(line);
        }
    };
    let io = |what: &str, path: &Path, e: std::io::Error| format!("{what} {}: {e}", path.display());
    refuse_root_inside_sources(settings, root)?;
    if options.clear {
        clear(root, options.dry_run, &mut say).map_err(|e| io("cannot clear", root, e))?;
    }
    let (files, again) = found_files(settings);
    let mut collected = Collected::default();
    let mut written: Vec<PathBuf> = Vec::new();
    for found in &files {
        let target = root.join(&found.name);
        let unmodified = !options.clear
            && modified_secs(&target)
                .zip(modified_secs(&found.path))
                .is_some_and(|(target, source)| target >= source);
        if unmodified {
            collected.unmodified += 1;
            say(2, &format!("Skipping '{}' (not modified)", found.name));
            continue;
        }
        collected.copied += 1;
        if options.dry_run {
            say(1, &format!("Pretending to copy '{}'", found.path.display()));
            continue;
        }
        say(2, &format!("Copying '{}'", found.path.display()));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("cannot make", parent, e))?;
        }
        std::fs::copy(&found.path, &target).map_err(|e| io("cannot copy to", &target, e))?;
        written.push(target);
    }
    for name in &again {
        say(
            1,
            &format!(
                "Found another file with the destination path '{name}'. It will be ignored since only the first encountered file is collected. If this is not what you want, make sure every static file has a unique path."
            ),
        );
    }
    if options.dry_run {
        return Ok(collected);
    }
    std::fs::create_dir_all(root).map_err(|e| io("cannot make", root, e))?;
    let hashed = post_process(
        settings,
        root,
        &files,
        &mut collected,
        &mut written,
        &mut say,
    )?;
    Manifest::write(root, &hashed).map_err(|e| io("cannot write the manifest in", root, e))?;
    for path in &written {
        compress(path).map_err(|e| io("cannot compress", path, e))?;
    }
    Ok(collected)
}

/// STATIC_ROOT inside a static folder would collect itself (Django refuses the same:
/// "The STATICFILES_DIRS setting should not contain the STATIC_ROOT setting.").
pub fn refuse_root_inside_sources(settings: &Settings, root: &Path) -> Result<(), String> {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|p| p.components().collect::<PathBuf>())
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let root = absolute(root);
    for dir in super::static_dirs(settings.base_dir()) {
        let dir = absolute(&dir);
        if root.starts_with(&dir) || dir.starts_with(&root) {
            return Err(format!(
                "STATIC_ROOT ({}) must not be in a static folder or hold one ({}): collectstatic would collect its own copies. Set STATIC_ROOT to a folder of its own, such as \"staticfiles\".",
                root.display(),
                dir.display()
            ));
        }
    }
    Ok(())
}

fn clear(root: &Path, dry_run: bool, say: &mut dyn FnMut(u8, &str)) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            clear(&path, dry_run, say)?;
            if !dry_run {
                std::fs::remove_dir(&path)?;
            }
        } else {
            if dry_run {
                say(1, &format!("Pretending to delete '{}'", path.display()));
            } else {
                say(1, &format!("Deleting '{}'", path.display()));
                std::fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}

/// Django's post-processing: every file gets a hashed copy; CSS and JavaScript have their
/// references rewritten, pass after pass until the hashed names stop changing (a file that
/// refers to a file that refers to … is hashed after what it refers to).
fn post_process(
    settings: &Settings,
    root: &Path,
    files: &[Found],
    collected: &mut Collected,
    written: &mut Vec<PathBuf>,
    say: &mut dyn FnMut(u8, &str),
) -> Result<BTreeMap<String, String>, String> {
    let static_url = super::absolute_static_url(settings);
    let mut hashed: BTreeMap<String, String> = BTreeMap::new();
    let mut adjustable: Vec<(&Found, Adjustable, String)> = Vec::new();
    for found in files {
        let content = std::fs::read(&found.path)
            .map_err(|e| format!("cannot read {}: {e}", found.path.display()))?;
        hashed.insert(
            found.name.clone(),
            hashing::hashed_name(&found.name, &content),
        );
        if let Some(kind) = hashing::adjustable(&found.name) {
            let text = String::from_utf8(content).map_err(|_| {
                format!(
                    "Post-processing '{}' failed: it is not UTF-8 text.",
                    found.name
                )
            })?;
            adjustable.push((found, kind, text));
        }
    }
    let mut rewritten: BTreeMap<&str, String> = BTreeMap::new();
    let mut settled = adjustable.is_empty();
    for _ in 0..MAX_PASSES {
        let mut changed = false;
        for (found, kind, text) in &adjustable {
            let lookup = |name: &str| hashed.get(name).cloned();
            let content = hashing::substitute(&found.name, *kind, text, &static_url, &lookup)
                .map_err(|e| format!("Post-processing '{}' failed!\n{e}", found.name))?;
            let name = hashing::hashed_name(&found.name, content.as_bytes());
            if hashed.get(&found.name) != Some(&name) {
                changed = true;
                hashed.insert(found.name.clone(), name);
            }
            rewritten.insert(&found.name, content);
        }
        if !changed {
            settled = true;
            break;
        }
    }
    if !settled {
        let names: Vec<&str> = adjustable.iter().map(|(f, _, _)| f.name.as_str()).collect();
        return Err(format!(
            "Post-processing '{}' failed!\nMax post-process passes exceeded.",
            names.join(", ")
        ));
    }
    for found in files {
        let name = &hashed[&found.name];
        let target = root.join(name);
        let made = match rewritten.get(found.name.as_str()) {
            Some(content) => {
                write_if_changed(&target, content.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
                true
            }
            None if target.is_file() => false,
            None => {
                std::fs::copy(&found.path, &target)
                    .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
                true
            }
        };
        if made {
            collected.post_processed += 1;
            say(2, &format!("Post-processed '{}' as '{name}'", found.name));
            written.push(target);
        } else {
            say(1, &format!("Skipped post-processing '{}'", found.name));
        }
    }
    Ok(hashed)
}

fn write_if_changed(path: &Path, content: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content)
}

/// Whether a file is worth compressing (text; images, fonts and archives already are).
fn compressible(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(
        ext.as_deref(),
        Some(
            "css"
                | "js"
                | "mjs"
                | "map"
                | "json"
                | "svg"
                | "txt"
                | "html"
                | "htm"
                | "xml"
                | "ico"
                | "wasm"
                | "ttf"
                | "otf"
                | "eot"
        )
    )
}

/// Writes `<file>.gz` and `<file>.br` beside a compressible file when they save at least
/// 5 % (WhiteNoise's rule), for the server to send to browsers that accept them.
fn compress(path: &Path) -> std::io::Result<()> {
    if !compressible(path) {
        return Ok(());
    }
    let content = std::fs::read(path)?;
    let worth = |len: usize| len * 100 < content.len() * 95;
    let sibling = |ext: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(ext);
        PathBuf::from(name)
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&content)?;
    let gz = gz.finish()?;
    keep_if(worth(gz.len()), &sibling(".gz"), &gz)?;
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        writer.write_all(&content)?;
    }
    keep_if(worth(br.len()), &sibling(".br"), &br)
}

/// Writes a compressed copy when it is worth it, and removes an older one when it is not
/// any more (it would be served in place of the new content).
fn keep_if(worth: bool, path: &Path, content: &[u8]) -> std::io::Result<()> {
    if worth {
        return std::fs::write(path, content);
    }
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The start-up check with DEBUG off and STATIC_ROOT set: the manifest is there and names
/// every static file, so that no `{% static %}` links to a file the server does not have.
pub fn check_manifest(settings: &Settings, root: &Path) -> Result<(), String> {
    let manifest = Manifest::load(root)?;
    let (files, _) = found_files(settings);
    let missing: Vec<&str> = files
        .iter()
        .map(|f| f.name.as_str())
        .filter(|name| manifest.get(name).is_none())
        .collect();
    match missing.first() {
        None => Ok(()),
        Some(first) => Err(format!(
            "Missing staticfiles manifest entry for '{first}'{}: run `collectstatic` again.",
            if missing.len() > 1 {
                format!(" and {} more", missing.len() - 1)
            } else {
                String::new()
            }
        )),
    }
}
