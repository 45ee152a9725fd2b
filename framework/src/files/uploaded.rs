//! One uploaded file, in memory or spooled to a temporary file, and the files of a request.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;

/// A file sent in a `multipart/form-data` body (Django's `UploadedFile`): small ones are kept
/// in memory, the rest in a temporary file that is deleted when the last clone is dropped.
/// Cloning is cheap; the content is shared.
#[derive(Clone)]
pub struct UploadedFile(Arc<Inner>);

struct Inner {
    name: String,
    content_type: String,
    charset: Option<String>,
    size: u64,
    content: Content,
}

enum Content {
    Memory(Bytes),
    Temporary(tempfile::TempPath),
}

impl UploadedFile {
    /// A file held in memory: what the parser makes for small uploads, and what a test or a
    /// program that makes a file itself uses.
    pub fn from_bytes(
        name: impl Into<String>,
        content_type: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Self {
        let content = content.into();
        UploadedFile(Arc::new(Inner {
            name: name.into(),
            content_type: content_type.into(),
            charset: None,
            size: content.len() as u64,
            content: Content::Memory(content),
        }))
    }

    /// A file the parser spooled to `path` (deleted with the last clone).
    pub(crate) fn temporary(
        name: String,
        content_type: String,
        charset: Option<String>,
        size: u64,
        path: tempfile::TempPath,
    ) -> Self {
        UploadedFile(Arc::new(Inner {
            name,
            content_type,
            charset,
            size,
            content: Content::Temporary(path),
        }))
    }

    /// A file the parser kept in memory.
    pub(crate) fn in_memory(
        name: String,
        content_type: String,
        charset: Option<String>,
        content: Bytes,
    ) -> Self {
        UploadedFile(Arc::new(Inner {
            name,
            content_type,
            charset,
            size: content.len() as u64,
            content: Content::Memory(content),
        }))
    }

    /// The file's name as the browser sent it, without any folder (Django's sanitised
    /// `name`): still the client's word, made safe by the storage when saved.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The media type the browser sent (`image/png`), without parameters.
    pub fn content_type(&self) -> &str {
        &self.0.content_type
    }

    /// The `charset` parameter of the part's media type, when sent.
    pub fn charset(&self) -> Option<&str> {
        self.0.charset.as_deref()
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.0.size
    }

    /// The content, when the file is held in memory.
    pub fn in_memory_bytes(&self) -> Option<&Bytes> {
        match &self.0.content {
            Content::Memory(bytes) => Some(bytes),
            Content::Temporary(_) => None,
        }
    }

    /// Where the file was spooled (Django's `temporary_file_path()`), when it was.
    pub fn temporary_path(&self) -> Option<&Path> {
        match &self.0.content {
            Content::Memory(_) => None,
            Content::Temporary(path) => Some(path),
        }
    }

    /// The whole content (read from the temporary file for a large upload).
    pub async fn read(&self) -> std::io::Result<Bytes> {
        match &self.0.content {
            Content::Memory(bytes) => Ok(bytes.clone()),
            Content::Temporary(path) => tokio::fs::read(path).await.map(Bytes::from),
        }
    }

    /// Copies the content to `dest`, which must not exist yet (it is created, never
    /// overwritten); a spooled file is copied by the file system, not through memory.
    pub(crate) fn write_new(&self, dest: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)?;
        match &self.0.content {
            Content::Memory(bytes) => out.write_all(bytes)?,
            Content::Temporary(path) => {
                let mut source = std::fs::File::open(path)?;
                std::io::copy(&mut source, &mut out)?;
            }
        }
        out.sync_all()
    }
}

impl std::fmt::Debug for UploadedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadedFile")
            .field("name", &self.0.name)
            .field("content_type", &self.0.content_type)
            .field("size", &self.0.size)
            .field("in_memory", &self.in_memory_bytes().is_some())
            .finish()
    }
}

/// The files of a request by field name (Django's `request.FILES`, a `MultiValueDict`): `get`
/// gives the last file sent under a name, `get_list` all of them.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: Vec<(String, UploadedFile)>,
}

impl Files {
    /// No files.
    pub const fn new() -> Self {
        Files { files: Vec::new() }
    }

    /// Adds a file under `field`.
    pub fn push(&mut self, field: impl Into<String>, file: UploadedFile) {
        self.files.push((field.into(), file));
    }

    /// The last file sent under `field`.
    pub fn get(&self, field: &str) -> Option<&UploadedFile> {
        self.files
            .iter()
            .rev()
            .find(|(f, _)| f == field)
            .map(|(_, file)| file)
    }

    /// Every file sent under `field`, in order (`<input type="file" multiple>`).
    pub fn get_list(&self, field: &str) -> Vec<&UploadedFile> {
        self.files
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, file)| file)
            .collect()
    }

    /// Every (field, file) pair in the order sent.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &UploadedFile)> {
        self.files.iter().map(|(f, file)| (f.as_str(), file))
    }

    /// How many files were sent.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether none were.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
