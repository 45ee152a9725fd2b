//! The peer of `static.sh`: `tower-http`'s `ServeDir` alone (with its precompressed
//! copies) behind axum, serving a folder under `/static/`.
//! Usage: `serve-dir PORT FOLDER`.

use axum::Router;
use axum::serve::ListenerExt;
use tower_http::services::ServeDir;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = manouche_bench::port_arg();
    let dir = std::env::args()
        .nth(2)
        .expect("usage: serve-dir PORT FOLDER");
    // No Nagle delay on a response written in several pieces, as manouche's server does.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await?
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    let app = Router::new().nest_service("/static", files);
    axum::serve(listener, app).await
}
