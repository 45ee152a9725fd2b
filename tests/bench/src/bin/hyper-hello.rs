//! Peer (a): raw hyper 1 serving `Hello, brian!` on `/hello/<name>`, nothing else. With
//! `page` after the port, it sends the demo's greet page instead (the same HTML, written
//! with `format!`), which separates the framework's cost from the page's.
//! Usage: `hyper-hello PORT [page]`.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, header};
use hyper_util::rt::TokioIo;

/// The demo's `hello/greet.html` through its layout, for `name`.
fn page(name: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n        <title>Hello, {name} - manouche demo</title>\n        <link rel=\"stylesheet\" href=\"/static/styles.css\">\n    </head>\n    <body>\n        <nav>\n            <a href=\"/hello/\">Hello</a>\n            <a href=\"/newyear/\">New Year</a>\n            <a href=\"/tasks/\">Tasks</a>\n        </nav>\n        <main>\n        \n    <h1>Hello, {name}!</h1>\n\n        </main>\n    </body>\n</html>"
    )
}

async fn hello(req: Request<Incoming>, as_page: bool) -> Result<Response<Full<Bytes>>, Infallible> {
    let response = match req.uri().path().strip_prefix("/hello/") {
        Some(name) if !name.is_empty() && !name.contains('/') && as_page => Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Full::new(Bytes::from(page(name)))),
        Some(name) if !name.is_empty() && !name.contains('/') => Response::builder()
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Full::new(Bytes::from(format!("Hello, {name}!")))),
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Full::new(Bytes::new())),
    };
    Ok(response.unwrap_or_default())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = manouche_bench::port_arg();
    let as_page = std::env::args().nth(2).as_deref() == Some("page");
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .serve_connection(
                    TokioIo::new(stream),
                    service_fn(move |req| hello(req, as_page)),
                )
                .await;
        });
    }
}
