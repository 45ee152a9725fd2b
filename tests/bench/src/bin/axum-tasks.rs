//! Peer (e): the demo's tasks index written by hand with axum, askama and diesel: read the
//! `sessionid` cookie, load the session row from SQLite on a blocking thread (r2d2 pool),
//! check its signature, decode the task list and render it through the layout.
//! It reads the very rows the demo writes, so both do the same work on the same data.
//! Usage: `axum-tasks PORT` with `DATABASE_PATH` and `SECRET_KEY` set.

use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::sql_types::{Text, Timestamp};
use ring::{digest, hmac};

const SALT: &str = "manouche.sessions.SessionStore";

#[derive(Template)]
#[template(path = "tasks.html")]
struct Tasks {
    tasks: Vec<String>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    session_data: String,
}

#[derive(Clone)]
struct App {
    pool: Pool<ConnectionManager<SqliteConnection>>,
    key: hmac::Key,
}

/// `base64(json):timestamp:signature` → the JSON, if the signature is right.
fn unsign(key: &hmac::Key, signed: &str) -> Option<Vec<u8>> {
    let (value, sig) = signed.rsplit_once(':')?;
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    hmac::verify(key, value.as_bytes(), &sig).ok()?;
    let (payload, _timestamp) = value.rsplit_once(':')?;
    URL_SAFE_NO_PAD.decode(payload).ok()
}

fn session_id(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|c| {
        let (name, value) = c.trim().split_once('=')?;
        (name == "sessionid").then(|| value.to_owned())
    })
}

async fn index(
    axum::extract::State(app): axum::extract::State<App>,
    headers: HeaderMap,
) -> Response {
    let mut tasks = Vec::new();
    if let Some(id) = session_id(&headers) {
        let pool = app.pool.clone();
        let row = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().ok()?;
            diesel::sql_query(
                "SELECT session_data FROM manouche_session WHERE session_key = ? AND expire_date > ?",
            )
            .bind::<Text, _>(id)
            .bind::<Timestamp, _>(chrono::Utc::now().naive_utc())
            .get_result::<Row>(&mut conn)
            .optional()
            .ok()
            .flatten()
        })
        .await
        .ok()
        .flatten();
        if let Some(json) = row.and_then(|r| unsign(&app.key, &r.session_data)) {
            let data: serde_json::Value = serde_json::from_slice(&json).unwrap_or_default();
            if let Some(list) = data.get("tasks").and_then(|t| t.as_array()) {
                tasks = list
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect();
            }
        }
    }
    match (Tasks { tasks }).render() {
        Ok(html) => {
            let mut response = Html(html).into_response();
            manouche_bench::django_headers(response.headers_mut());
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = manouche_bench::port_arg();
    let path = std::env::var("DATABASE_PATH").expect("DATABASE_PATH is the demo's SQLite file");
    let secret = std::env::var("SECRET_KEY").expect("SECRET_KEY is the demo's secret key");
    let pool = Pool::builder()
        .build(ConnectionManager::<SqliteConnection>::new(path))
        .expect("the SQLite file opens");
    // Django's salted_hmac: the key is sha256(salt + "signer" + secret).
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(format!("{SALT}signer").as_bytes());
    ctx.update(secret.as_bytes());
    let key = hmac::Key::new(hmac::HMAC_SHA256, ctx.finish().as_ref());
    let app = App { pool, key };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let router = Router::new().route("/tasks/", get(index)).with_state(app);
    axum::serve(listener, router).await
}
