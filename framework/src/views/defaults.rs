//! The plain error pages shown with DEBUG off, word for word Django's.

use http::StatusCode;

/// Django's plain page skeleton: a title, an `<h1>` and a paragraph.
pub(crate) fn plain_page(title: &str, paragraph: &str) -> String {
    format!(
        "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>{title}</title>\n</head>\n<body>\n  <h1>{title}</h1><p>{paragraph}</p>\n</body>\n</html>\n"
    )
}

/// The body for `status` with DEBUG off.
pub(crate) fn page_for(status: StatusCode) -> String {
    match status {
        StatusCode::NOT_FOUND => plain_page(
            "Not Found",
            "The requested resource was not found on this server.",
        ),
        StatusCode::FORBIDDEN => plain_page("403 Forbidden", ""),
        StatusCode::BAD_REQUEST => plain_page("Bad Request (400)", ""),
        StatusCode::INTERNAL_SERVER_ERROR => plain_page("Server Error (500)", ""),
        other => plain_page(
            &format!(
                "{} ({})",
                other.canonical_reason().unwrap_or("Error"),
                other.as_u16()
            ),
            "",
        ),
    }
}
