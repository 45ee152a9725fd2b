//! Peer (b): axum serving `Hello, brian!` on `/hello/{name}`.
//! Usage: `axum-hello PORT`.

use axum::Router;
use axum::extract::Path;
use axum::routing::get;

async fn greet(Path(name): Path<String>) -> String {
    format!("Hello, {name}!")
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = manouche_bench::port_arg();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let app = Router::new().route("/hello/{name}", get(greet));
    axum::serve(listener, app).await
}
