//! Files (Django's `django.core.files`): what a form's upload arrives as ([`UploadedFile`],
//! [`Files`], Django's `request.FILES`) and where uploads are kept ([`storage`]: MEDIA_ROOT,
//! with Django's safe names).

pub mod storage;
mod uploaded;

pub use storage::{FileSystemStorage, SuspiciousFileOperation, get_valid_name};
pub use uploaded::{Files, UploadedFile};

/// Characters a file path keeps in a URL (Django's `filepath_to_uri`:
/// `quote(path, safe="/~!*()'")`).
const FILE_PATH_SAFE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'/')
    .remove(b'~')
    .remove(b'!')
    .remove(b'*')
    .remove(b'(')
    .remove(b')')
    .remove(b'\'');

/// Django's `filepath_to_uri`: a file's path as a URL path (`\\` becomes `/`, the rest
/// percent-encoded but for `/~!*()'`).
pub fn filepath_to_uri(path: &str) -> std::borrow::Cow<'_, str> {
    if crate::urls::reverse::needs_no_quoting(path) {
        return std::borrow::Cow::Borrowed(path);
    }
    percent_encoding::utf8_percent_encode(&path.replace('\\', "/"), FILE_PATH_SAFE)
        .to_string()
        .into()
}
