//! `multipart/form-data` bodies (Django's `MultiPartParser`), parsed as they arrive with
//! `multer`: fields into a [`QueryDict`], files into [`Files`] — kept in memory for a
//! request of at most FILE_UPLOAD_MAX_MEMORY_SIZE, spooled to a temporary file otherwise.
//! Django's limits apply: parts against DATA_UPLOAD_MAX_NUMBER_FIELDS, files against
//! DATA_UPLOAD_MAX_NUMBER_FILES (400s), the fields' bytes (not the files') against
//! DATA_UPLOAD_MAX_MEMORY_SIZE (413); a malformed body is a 400.

use bytes::BytesMut;
use http::{HeaderMap, header};
use http_body_util::BodyExt;
use tokio::io::AsyncWriteExt;

use super::{Body, QueryDict};
use crate::error::{Error, ErrorKind};
use crate::files::{Files, UploadedFile};
use crate::settings::Settings;

/// What a multipart body held.
#[derive(Debug, Default)]
pub(crate) struct Multipart {
    pub(crate) fields: QueryDict,
    pub(crate) files: Files,
}

/// Whether the headers say the body is `multipart/form-data`.
pub(crate) fn is_multipart(headers: &HeaderMap) -> bool {
    super::media_type(headers).is_some_and(|m| m.eq_ignore_ascii_case("multipart/form-data"))
}

/// Django's `MultiPartParserError`: a 400.
fn malformed(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::BadRequest, message).named("MultiPartParserError")
}

/// Django's `sanitize_file_name`: the last path segment (after `/` or `\`), HTML entities
/// decoded, without unprintable characters; `None` for nothing, `.` or `..`.
pub(crate) fn sanitize_file_name(name: &str) -> Option<String> {
    let name = crate::html::unescape(name);
    let last = name.rsplit('/').next().unwrap_or("");
    let last = last.rsplit('\\').next().unwrap_or("");
    let printable: String = last.chars().filter(|&c| is_printable(c)).collect();
    (!matches!(printable.as_str(), "" | "." | "..")).then_some(printable)
}

/// Python's `str.isprintable` for the characters that matter in a name: no control,
/// format or separator characters other than the space.
fn is_printable(c: char) -> bool {
    !(c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
        || (c.is_whitespace() && c != ' '))
}

/// Parses the whole body within REQUEST_BODY_TIMEOUT.
pub(crate) async fn parse(
    headers: &HeaderMap,
    body: Body,
    settings: &Settings,
) -> Result<Multipart, Error> {
    super::read_body::within_body_timeout(settings, parse_within(headers, body, settings)).await
}

async fn parse_within(
    headers: &HeaderMap,
    body: Body,
    settings: &Settings,
) -> Result<Multipart, Error> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| malformed("Invalid boundary in multipart: None"))?;
    let mut parser = multer::Multipart::new(body.into_data_stream(), boundary);
    let mut out = Multipart::default();
    let mut parts = 0usize;
    let mut files = 0usize;
    let mut field_bytes = 0u64;
    // What the request's files may hold in memory: Django keeps them there only when the
    // whole request is at most FILE_UPLOAD_MAX_MEMORY_SIZE; an unannounced body's are
    // spooled once they pass it.
    let limit = settings.file_upload_max_memory_size;
    let mut memory = if super::content_length(headers).is_some_and(|n| n > limit) {
        0
    } else {
        limit
    };
    while let Some(mut part) = parser.next_field().await.map_err(unparsable)? {
        if let Some(max) = settings.data_upload_max_number_fields {
            parts += 1;
            // Django allows two parts more than the fields' limit.
            if max.saturating_add(2) < parts {
                return Err(super::form::too_many_fields());
            }
        }
        let Some(name) = part.name().map(|n| n.trim().to_owned()) else {
            drain(&mut part).await?;
            continue;
        };
        match part.file_name().map(str::to_owned) {
            None => {
                let value = read_field(&mut part, &name, &mut field_bytes, settings).await?;
                out.fields.push(name, value);
            }
            Some(file_name) => {
                files += 1;
                if settings
                    .data_upload_max_number_files
                    .is_some_and(|max| files > max)
                {
                    return Err(Error::new(
                        ErrorKind::BadRequest,
                        "The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES.",
                    )
                    .named("TooManyFilesSent"));
                }
                let Some(file_name) = sanitize_file_name(&file_name) else {
                    // An empty file input: no file, as in Django.
                    drain(&mut part).await?;
                    continue;
                };
                let file = read_file(&mut part, file_name, &mut memory, settings).await?;
                out.files.push(name, file);
            }
        }
    }
    Ok(out)
}

fn unparsable(e: multer::Error) -> Error {
    malformed(format!("Bad request (Unable to parse request body): {e}"))
}

async fn drain(part: &mut multer::Field<'_>) -> Result<(), Error> {
    while part.chunk().await.map_err(unparsable)?.is_some() {}
    Ok(())
}

/// A field's value; its bytes and its name's (plus 2, for `&=`, as Django counts them) are
/// counted against DATA_UPLOAD_MAX_MEMORY_SIZE as they arrive.
async fn read_field(
    part: &mut multer::Field<'_>,
    name: &str,
    counted: &mut u64,
    settings: &Settings,
) -> Result<String, Error> {
    let limit = settings.data_upload_max_memory_size;
    let too_big = || {
        Error::new(
            ErrorKind::PayloadTooLarge,
            "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.",
        )
    };
    let mut count = |n: usize| {
        *counted += n as u64;
        match limit {
            Some(limit) if *counted > limit => Err(too_big()),
            _ => Ok(()),
        }
    };
    count(name.len() + 2)?;
    let mut value = BytesMut::new();
    while let Some(chunk) = part.chunk().await.map_err(unparsable)? {
        count(chunk.len())?;
        value.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&value).into_owned())
}

/// A file: in memory while the request's files fit in `memory` (what is left of
/// FILE_UPLOAD_MAX_MEMORY_SIZE), spooled past it.
async fn read_file(
    part: &mut multer::Field<'_>,
    name: String,
    memory: &mut u64,
    settings: &Settings,
) -> Result<UploadedFile, Error> {
    let (content_type, charset) = part_media_type(part.headers());
    let mut held = BytesMut::new();
    let mut spooled: Option<(tokio::fs::File, tempfile::TempPath)> = None;
    let mut size = 0u64;
    while let Some(chunk) = part.chunk().await.map_err(unparsable)? {
        size += chunk.len() as u64;
        if spooled.is_none() && size > *memory {
            spooled = Some(spool(settings, &held).await?);
            held = BytesMut::new();
        }
        match &mut spooled {
            Some((file, _)) => file.write_all(&chunk).await.map_err(spool_failed)?,
            None => held.extend_from_slice(&chunk),
        }
    }
    match spooled {
        Some((mut file, path)) => {
            file.flush().await.map_err(spool_failed)?;
            Ok(UploadedFile::temporary(
                name,
                content_type,
                charset,
                size,
                path,
            ))
        }
        None => {
            *memory -= size;
            Ok(UploadedFile::in_memory(
                name,
                content_type,
                charset,
                held.freeze(),
            ))
        }
    }
}

/// A new temporary file in FILE_UPLOAD_TEMP_DIR, holding what was read so far.
async fn spool(
    settings: &Settings,
    start: &[u8],
) -> Result<(tokio::fs::File, tempfile::TempPath), Error> {
    let dir = settings
        .file_upload_temp_dir
        .as_deref()
        .map_or_else(std::env::temp_dir, |d| settings.base_dir().join(d));
    let named = tokio::task::spawn_blocking(move || {
        tempfile::Builder::new().suffix(".upload").tempfile_in(dir)
    })
    .await
    .map_err(|e| spool_failed(std::io::Error::other(e)))?
    .map_err(spool_failed)?;
    let (file, path) = named.into_parts();
    let mut file = tokio::fs::File::from_std(file);
    file.write_all(start).await.map_err(spool_failed)?;
    Ok((file, path))
}

fn spool_failed(e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Internal,
        format!("cannot spool an upload to FILE_UPLOAD_TEMP_DIR: {e}"),
    )
}

/// A part's media type without parameters, and its `charset`.
fn part_media_type(headers: &HeaderMap) -> (String, Option<String>) {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return (String::new(), None);
    };
    let mut pieces = ct.split(';');
    let media = pieces.next().unwrap_or("").trim().to_owned();
    let charset = pieces.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_owned())
    });
    (media, charset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sanitised_as_django_does() {
        assert_eq!(
            sanitize_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(sanitize_file_name("C:\\x\\y.txt").as_deref(), Some("y.txt"));
        assert_eq!(sanitize_file_name("a&#x2F;b.txt").as_deref(), Some("b.txt"));
        assert_eq!(
            sanitize_file_name("a\u{0}b\n.txt").as_deref(),
            Some("ab.txt")
        );
        assert_eq!(sanitize_file_name(".."), None);
        assert_eq!(sanitize_file_name("x/"), None);
    }
}
