//! Reading a request's body within the settings' limits: DATA_UPLOAD_MAX_MEMORY_SIZE (413),
//! DATA_UPLOAD_MAX_NUMBER_FIELDS for a form, counted as it arrives (400), and
//! REQUEST_BODY_TIMEOUT (408).

use bytes::Bytes;
use http::HeaderMap;
use http_body_util::BodyExt;

use super::{Body, FieldCount};
use crate::error::{Error, ErrorKind};
use crate::settings::Settings;

/// Reads the whole body within REQUEST_BODY_TIMEOUT (408 after it: a client that sends a
/// byte now and then cannot hold the request open), refusing one over
/// DATA_UPLOAD_MAX_MEMORY_SIZE with a 413 before reading it when Content-Length announces
/// it, or as soon as it grows past the limit otherwise. A urlencoded form with more fields
/// than DATA_UPLOAD_MAX_NUMBER_FIELDS is a 400 as soon as the count is passed: a flood of
/// `a&a&a…` is refused after its first kilobytes, not kept whole.
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    settings: &Settings,
) -> Result<Bytes, Error> {
    let limits = Limits {
        size: settings.data_upload_max_memory_size,
        fields: settings
            .data_upload_max_number_fields
            .filter(|_| crate::http::is_form_urlencoded(headers)),
    };
    if body.as_bytes().is_some() {
        // Already in memory (the test client, or a body read by the CSRF check).
        return read_body_within(headers, body, limits).await;
    }
    within_body_timeout(settings, read_body_within(headers, body, limits)).await
}

/// Runs `reading` within REQUEST_BODY_TIMEOUT (408 after it): a client that sends a byte
/// now and then cannot hold the request open.
pub(crate) async fn within_body_timeout<T>(
    settings: &Settings,
    reading: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let deadline = std::time::Duration::from_secs(settings.request_body_timeout.max(1));
    tokio::time::timeout(deadline, reading)
        .await
        .unwrap_or_else(|_| {
            Err(Error::new(
                ErrorKind::RequestTimeout,
                format!(
                    "The request body was not received within settings.REQUEST_BODY_TIMEOUT ({} s).",
                    deadline.as_secs()
                ),
            ))
        })
}

/// What a body may hold: bytes, and fields when it is a form.
#[derive(Clone, Copy)]
struct Limits {
    size: Option<u64>,
    fields: Option<usize>,
}

async fn read_body_within(headers: &HeaderMap, body: Body, limits: Limits) -> Result<Bytes, Error> {
    let too_big = || {
        Error::new(
            ErrorKind::PayloadTooLarge,
            "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.",
        )
    };
    let unreadable = |e| {
        Error::new(
            ErrorKind::BadRequest,
            format!("Could not read the request body: {e}"),
        )
    };
    let size_limit = limits
        .size
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    if let Some(bytes) = body.as_bytes() {
        if bytes.len() > size_limit {
            return Err(too_big());
        }
        FieldCount::check(limits.fields, bytes)?;
        // Already whole: handed on as it is, not copied.
        return body.collect_bytes().await.map_err(unreadable);
    }
    let announced = super::content_length(headers);
    if announced.is_some_and(|n| limits.size.is_some_and(|limit| n > limit)) {
        return Err(too_big());
    }
    let mut fields = limits.fields.map(FieldCount::new);
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut rest: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(unreadable)?.into_data() else {
            continue; // trailers
        };
        let held = first.as_ref().map_or(0, Bytes::len) + rest.len();
        if held.saturating_add(data.len()) > size_limit {
            return Err(too_big());
        }
        if let Some(count) = &mut fields {
            count.feed(&data)?;
        }
        // One chunk (most bodies) is kept as it came; more are joined.
        match &first {
            None if rest.is_empty() => first = Some(data),
            _ => {
                if let Some(first) = first.take() {
                    rest.extend_from_slice(&first);
                }
                rest.extend_from_slice(&data);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(rest)))
}
