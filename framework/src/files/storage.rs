//! Where uploads are kept (Django's `FileSystemStorage`): files under MEDIA_ROOT, named with
//! Django's `get_valid_name`, never overwriting (a random `_abc1234` suffix is added, as
//! Django's `get_available_name` does) and never leaving MEDIA_ROOT.

use std::path::{Component, Path, PathBuf};

use super::UploadedFile;
use crate::error::{Error, ErrorKind};
use crate::settings::Settings;

/// A name that would leave the storage's folder or cannot be made safe (Django's
/// `SuspiciousFileOperation`, a 400 when it reaches a response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspiciousFileOperation(pub String);

impl std::fmt::Display for SuspiciousFileOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// (Not a `std::error::Error`: the `?` in a view makes it the 400 below, not a 500.)
impl From<SuspiciousFileOperation> for Error {
    #[track_caller]
    fn from(e: SuspiciousFileOperation) -> Self {
        Error::new(ErrorKind::BadRequest, e.0).named("SuspiciousFileOperation")
    }
}

/// Django's `get_valid_filename`: spaces become `_`, and only letters, digits, `_`, `-` and
/// `.` are kept (`"john's portrait in 2004.jpg"` → `"johns_portrait_in_2004.jpg"`).
pub fn get_valid_name(name: &str) -> Result<String, SuspiciousFileOperation> {
    let valid: String = name
        .trim()
        .replace(' ', "_")
        .chars()
        .filter(|&c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    if matches!(valid.as_str(), "" | "." | "..") {
        return Err(SuspiciousFileOperation(format!(
            "Could not derive file name from '{name}'"
        )));
    }
    Ok(not_a_device(valid))
}

/// Windows' reserved device names (`CON`, `nul.txt`, `COM1`) get a `_` after their stem, so
/// that a file saved on any system can be copied to one.
fn not_a_device(name: String) -> String {
    let stem = name.split('.').next().unwrap_or("");
    let upper = stem.to_ascii_uppercase();
    let device = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.as_bytes()[3].is_ascii_digit());
    if device {
        format!("{stem}_{}", &name[stem.len()..])
    } else {
        name
    }
}

/// Django's `os.path.splitext` on every suffix: `archive.tar.gz` → (`archive`, `.tar.gz`).
fn split_suffixes(file_name: &str) -> (&str, &str) {
    // pathlib ignores a leading dot (`.bashrc` has no suffix).
    let skip = file_name.len() - file_name.trim_start_matches('.').len();
    match file_name[skip..].find('.') {
        Some(i) => file_name.split_at(skip + i),
        None => (file_name, ""),
    }
}

/// The folders of a name: each a plain name; `..`, a root, a drive, `\` or NUL refused.
fn safe_folders(dir: &str, whole: &str) -> Result<PathBuf, SuspiciousFileOperation> {
    let traversal =
        || SuspiciousFileOperation(format!("Detected path traversal attempt in '{whole}'"));
    if dir.contains(['\0', '\\']) || dir.starts_with('/') {
        return Err(traversal());
    }
    let mut path = PathBuf::new();
    for part in dir.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." || part.contains(':') {
            return Err(traversal());
        }
        path.push(get_valid_name(part)?);
    }
    Ok(path)
}

/// Files under a folder, served under a URL prefix: MEDIA_ROOT and MEDIA_URL by default.
#[derive(Debug, Clone)]
pub struct FileSystemStorage {
    location: PathBuf,
    base_url: String,
    permissions: Option<u32>,
}

impl FileSystemStorage {
    /// The storage of uploads: MEDIA_ROOT (relative to the project folder) and MEDIA_URL.
    pub fn media(settings: &Settings) -> Self {
        FileSystemStorage {
            location: settings.media_root_path(),
            base_url: settings.media_url.clone(),
            permissions: settings.file_upload_permissions,
        }
    }

    /// A storage at `location`, its files under `base_url`.
    pub fn new(location: impl Into<PathBuf>, base_url: impl Into<String>) -> Self {
        FileSystemStorage {
            location: location.into(),
            base_url: base_url.into(),
            permissions: Some(0o644),
        }
    }

    /// The folder.
    pub fn location(&self) -> &Path {
        &self.location
    }

    /// Saves `file` as `name` (`"attachments/report.pdf"`: folders are made as needed) and
    /// gives the name it was stored under: made valid, and with a random `_abc1234` before
    /// the suffixes when that name is taken. The folders must stay inside the storage.
    pub async fn save(&self, name: &str, file: &UploadedFile) -> Result<String, Error> {
        let (dir, file_name) = match name.rsplit_once('/') {
            Some((dir, file_name)) => (dir, file_name),
            None => ("", name),
        };
        let folders = safe_folders(dir, name)?;
        let file_name = get_valid_name(file_name)?;
        let storage = self.clone();
        let file = file.clone();
        tokio::task::spawn_blocking(move || storage.save_blocking(&folders, &file_name, &file))
            .await
            .map_err(|e| Error::new(ErrorKind::Internal, format!("saving an upload: {e}")))?
    }

    fn save_blocking(
        &self,
        folders: &Path,
        file_name: &str,
        file: &UploadedFile,
    ) -> Result<String, Error> {
        let cannot = |e: std::io::Error, what: &Path| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot save {}: {e}", what.display()),
            )
        };
        let dir = self.location.join(folders);
        std::fs::create_dir_all(&dir).map_err(|e| cannot(e, &dir))?;
        let (root, suffixes) = split_suffixes(file_name);
        let mut candidate = file_name.to_owned();
        for _ in 0..100 {
            let dest = dir.join(&candidate);
            match file.write_new(&dest) {
                Ok(()) => {
                    self.set_permissions(&dest);
                    let stored = folders.join(&candidate);
                    return Ok(stored
                        .components()
                        .filter_map(|c| match c {
                            Component::Normal(p) => p.to_str(),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join("/"));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    candidate = format!(
                        "{root}_{}{suffixes}",
                        crate::csrf::random_string(7, crate::csrf::ALLOWED_CHARS)
                    );
                }
                Err(e) => return Err(cannot(e, &dest)),
            }
        }
        Err(Error::new(
            ErrorKind::Internal,
            format!("no free name for {file_name} in {}", dir.display()),
        ))
    }

    #[cfg(unix)]
    fn set_permissions(&self, path: &Path) {
        use std::os::unix::fs::PermissionsExt;
        if let Some(mode) = self.permissions {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
        }
    }

    #[cfg(not(unix))]
    fn set_permissions(&self, _: &Path) {}

    /// Where a stored name is on disk; `None` for a name that would leave the folder.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        let rel = Path::new(name);
        let plain = !name.is_empty()
            && !name.contains(['\0', '\\'])
            && rel.components().all(|c| matches!(c, Component::Normal(_)));
        plain.then(|| self.location.join(rel))
    }

    /// Whether a file is stored under `name`.
    pub fn exists(&self, name: &str) -> bool {
        self.path(name).is_some_and(|p| p.is_file())
    }

    /// Deletes a stored file (nothing when there is none).
    pub fn delete(&self, name: &str) -> std::io::Result<()> {
        match self.path(name).map(std::fs::remove_file) {
            Some(Err(e)) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The URL of a stored name (Django's `url()`: the base URL and the name quoted as
    /// `filepath_to_uri` does).
    pub fn url(&self, name: &str) -> String {
        let quoted = super::filepath_to_uri(name.trim_start_matches(['/', '\\']));
        let base = &self.base_url;
        let slash = if base.is_empty() || base.ends_with('/') {
            ""
        } else {
            "/"
        };
        // MEDIA_URL = "media/" is served from the site's root, as STATIC_URL is.
        let root = if base.starts_with('/') || base.contains("://") {
            ""
        } else {
            "/"
        };
        format!("{root}{base}{slash}{quoted}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_valid_as_django_makes_them() {
        assert_eq!(
            get_valid_name("john's portrait in 2004.jpg").unwrap(),
            "johns_portrait_in_2004.jpg"
        );
        assert_eq!(get_valid_name("  a b.txt ").unwrap(), "a_b.txt");
        assert_eq!(get_valid_name("café.png").unwrap(), "café.png");
        assert!(get_valid_name("..").is_err());
        assert!(get_valid_name("$%^").is_err());
        assert_eq!(get_valid_name("CON.txt").unwrap(), "CON_.txt");
        assert_eq!(get_valid_name("lpt1").unwrap(), "lpt1_");
        assert_eq!(get_valid_name("console.txt").unwrap(), "console.txt");
    }

    #[test]
    fn suffixes_are_all_kept() {
        assert_eq!(split_suffixes("archive.tar.gz"), ("archive", ".tar.gz"));
        assert_eq!(split_suffixes("README"), ("README", ""));
        assert_eq!(split_suffixes(".bashrc"), (".bashrc", ""));
    }

    #[test]
    fn folders_may_not_leave_the_storage() {
        for bad in ["../x", "a/../../x", "/etc", "a\\b", "c:", "a\0b"] {
            assert!(safe_folders(bad, bad).is_err(), "{bad}");
        }
        assert_eq!(safe_folders("a/./b", "").unwrap(), PathBuf::from("a/b"));
    }

    #[test]
    fn urls_quote_the_name() {
        let s = FileSystemStorage::new("/m", "/media/");
        assert_eq!(s.url("a b/ü.txt"), "/media/a%20b/%C3%BC.txt");
        assert_eq!(FileSystemStorage::new("/m", "media/").url("x"), "/media/x");
    }
}
