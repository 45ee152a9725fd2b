//! `staticfiles.json`, the manifest collectstatic writes in STATIC_ROOT (Django's
//! `ManifestStaticFilesStorage`): each static file's hashed name, read once by the server so
//! that `{% static %}` gives the hashed URL with DEBUG off.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The manifest's file name in STATIC_ROOT.
pub const MANIFEST_NAME: &str = "staticfiles.json";

/// A loaded manifest.
#[derive(Debug, Default)]
pub struct Manifest {
    paths: HashMap<String, String>,
    hashed: HashSet<String>,
}

impl Manifest {
    /// Reads `<root>/staticfiles.json`; the message says what is wrong.
    pub fn load(root: &Path) -> Result<Manifest, String> {
        let file = root.join(MANIFEST_NAME);
        let text = std::fs::read_to_string(&file).map_err(|e| {
            format!(
                "cannot read the static files manifest {}: {e}. Run `collectstatic` after setting STATIC_ROOT.",
                file.display()
            )
        })?;
        #[derive(serde::Deserialize)]
        struct Stored {
            paths: HashMap<String, String>,
            version: String,
        }
        let stored: Stored = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a static files manifest: {e}", file.display()))?;
        if stored.version != "1.1" && stored.version != "1.0" {
            return Err(format!(
                "Couldn't load manifest '{}' (version {})",
                file.display(),
                stored.version
            ));
        }
        let hashed = stored.paths.values().cloned().collect();
        Ok(Manifest {
            paths: stored.paths,
            hashed,
        })
    }

    /// The hashed name of a static file.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.paths.get(name).map(String::as_str)
    }

    /// Whether `name` is a hashed name (its content never changes: cached for a year).
    pub fn is_hashed(&self, name: &str) -> bool {
        self.hashed.contains(name)
    }

    /// Writes the manifest as Django does: `{"paths": …, "version": "1.1", "hash": …}`, the
    /// hash being the first 12 hex digits of the MD5 of Python's `json.dumps` of the sorted
    /// pairs.
    pub(crate) fn write(root: &Path, paths: &BTreeMap<String, String>) -> std::io::Result<()> {
        let quote = crate::python::json_str;
        let pairs: Vec<String> = paths
            .iter()
            .map(|(k, v)| format!("[{}, {}]", quote(k), quote(v)))
            .collect();
        let hash = super::hashing::file_hash(format!("[{}]", pairs.join(", ")).as_bytes());
        let entries: Vec<String> = paths
            .iter()
            .map(|(k, v)| format!("{}: {}", quote(k), quote(v)))
            .collect();
        let text = format!(
            "{{\"paths\": {{{}}}, \"version\": \"1.1\", \"hash\": \"{hash}\"}}",
            entries.join(", ")
        );
        let tmp = root.join(format!("{MANIFEST_NAME}.tmp"));
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, root.join(MANIFEST_NAME))
    }
}
