//! The project's own error pages (Django's `404.html` and `500.html`), shown with DEBUG off.

use manouche::Template;
use manouche::views::ErrorContext;

#[derive(Template)]
#[template(path = "404.html")]
struct NotFound<'a> {
    request_path: &'a str,
}

#[derive(Template)]
#[template(path = "500.html")]
struct ServerError;

/// `handler404`.
pub fn page_not_found(context: &ErrorContext<'_>) -> manouche::Result<String> {
    Ok(NotFound {
        request_path: context.request_path,
    }
    .render()?)
}

/// `handler500`.
pub fn server_error(_context: &ErrorContext<'_>) -> manouche::Result<String> {
    Ok(ServerError.render()?)
}
