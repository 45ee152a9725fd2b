//! An upload form (Django's `FileField` in a form posted as `multipart/form-data`): the file
//! is saved under MEDIA_ROOT/uploads and the page says how it arrived.

use manouche::files::{FileSystemStorage, UploadedFile};
use manouche::prelude::*;
use manouche::{Form, Template};

/// A title and a file; an optional second file.
#[derive(Form, Debug)]
pub struct UploadForm {
    /// Text beside the file.
    #[field(max_length = 50)]
    pub title: String,
    /// The file, its name at most 40 characters.
    #[field(max_length = 40)]
    pub attachment: UploadedFile,
    /// Not required; an empty file is accepted.
    #[field(allow_empty_file)]
    pub extra: Option<UploadedFile>,
}

/// The form page.
#[derive(Template)]
#[template(path = "upload.html")]
pub struct UploadPage {
    /// The form, bound after a POST with errors.
    pub form: Bound<UploadForm>,
}

/// GET: the form. POST: the file saved, and how it came (`in memory` or `spooled`).
#[view]
pub async fn upload(request: &mut Request) -> Result<Response> {
    if request.method() != Method::POST {
        return render(
            request,
            UploadPage {
                form: UploadForm::unbound(),
            },
        );
    }
    let form = UploadForm::bind(request).await?;
    let Some(data) = form.cleaned() else {
        return render(request, UploadPage { form });
    };
    let storage = FileSystemStorage::media(request.settings());
    let file = &data.attachment;
    let stored = storage
        .save(&format!("uploads/{}", file.name()), file)
        .await?;
    let how = if file.temporary_path().is_some() {
        "spooled"
    } else {
        "in memory"
    };
    Ok(format!(
        "{} saved as {stored} at {} ({} bytes, {how}, {}); fields {}",
        data.title,
        storage.url(&stored),
        file.size(),
        file.content_type(),
        request.post().len(),
    )
    .into_response())
}

/// A page linking a static file, for collectstatic's manifest.
#[derive(Template)]
#[template(path = "static_link.html")]
pub struct StaticLink;

/// `{% static "css/site.css" %}`: hashed with DEBUG off once collectstatic ran.
#[view]
pub fn static_link(request: &Request) -> Result<Response> {
    render(request, StaticLink)
}
