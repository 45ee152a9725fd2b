//! Peer (i): the demo's flight page (`flights:flight`) written by hand with axum, askama and
//! diesel: the flight, its two airports, its passengers and everyone else from SQLite on a
//! blocking thread (r2d2 pool), a CSRF token for the form with its cookie, rendered through
//! the layout. It reads the rows the demo's migrations wrote, so both do the same work.
//! Usage: `axum-flights PORT` with `DATABASE_PATH` set.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use ring::rand::{SecureRandom, SystemRandom};

diesel::table! {
    #[sql_name = "flights_airport"]
    airport (id) { id -> BigInt, code -> Text, city -> Text, }
}
diesel::table! {
    #[sql_name = "flights_flight"]
    flight (id) { id -> BigInt, origin_id -> BigInt, destination_id -> BigInt, duration -> Integer, capacity -> Integer, }
}
diesel::table! {
    #[sql_name = "flights_passenger"]
    passenger (id) { id -> BigInt, first -> Text, last -> Text, }
}
diesel::table! {
    #[sql_name = "flights_booking"]
    booking (id) { id -> BigInt, passenger_id -> BigInt, flight_id -> BigInt, }
}
diesel::allow_tables_to_appear_in_same_query!(booking, passenger);

#[derive(Queryable, Selectable)]
#[diesel(table_name = airport)]
struct Airport {
    id: i64,
    code: String,
    city: String,
}

impl std::fmt::Display for Airport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.city, self.code)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = flight)]
struct Flight {
    id: i64,
    origin_id: i64,
    destination_id: i64,
    duration: i32,
    capacity: i32,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = passenger)]
struct Passenger {
    id: i64,
    first: String,
    last: String,
}

impl std::fmt::Display for Passenger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.first, self.last)
    }
}

#[derive(Template)]
#[template(path = "flight.html")]
struct Page {
    flight: Flight,
    origin: Airport,
    destination: Airport,
    passengers: Vec<Passenger>,
    non_passengers: Vec<Passenger>,
    token: String,
}

type Db = Pool<ConnectionManager<SqliteConnection>>;

fn load(conn: &mut SqliteConnection, id: i64) -> QueryResult<Option<Page>> {
    let Some(flight) = flight::table
        .find(id)
        .select(Flight::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let on_board = booking::table
        .filter(booking::flight_id.eq(id))
        .select(booking::passenger_id);
    let passengers = passenger::table
        .filter(passenger::id.eq_any(on_board))
        .order(passenger::id)
        .select(Passenger::as_select())
        .load(conn)?;
    let non_passengers = passenger::table
        .filter(diesel::dsl::not(passenger::id.eq_any(on_board)))
        .order(passenger::id)
        .select(Passenger::as_select())
        .load(conn)?;
    let mut airports: Vec<Airport> = airport::table
        .filter(airport::id.eq_any([flight.origin_id, flight.destination_id]))
        .select(Airport::as_select())
        .load(conn)?;
    let take = |airports: &mut Vec<Airport>, id: i64| {
        let i = airports.iter().position(|a| a.id == id)?;
        Some(airports.swap_remove(i))
    };
    let (Some(origin), Some(destination)) = (
        take(&mut airports, flight.origin_id),
        take(&mut airports, flight.destination_id),
    ) else {
        return Ok(None);
    };
    Ok(Some(Page {
        flight,
        origin,
        destination,
        passengers,
        non_passengers,
        token: String::new(),
    }))
}

const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// 32 random letters and digits, as Django's CSRF secret.
fn random_chars(rng: &SystemRandom) -> Vec<u8> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes).expect("the system's randomness");
    bytes.iter().map(|b| CHARS[*b as usize % 62]).collect()
}

/// Django's masked token: a random mask, then the secret shifted by it.
fn masked(secret: &[u8], rng: &SystemRandom) -> String {
    let mask = random_chars(rng);
    let pos = |c: u8| CHARS.iter().position(|x| *x == c).unwrap_or(0);
    let cipher = secret
        .iter()
        .zip(&mask)
        .map(|(s, m)| CHARS[(pos(*s) + pos(*m)) % 62]);
    mask.iter().copied().chain(cipher).map(char::from).collect()
}

async fn flight_page(State(db): State<Db>, Path(id): Path<i64>) -> Response {
    let loaded = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().ok()?;
        load(&mut conn, id).ok()
    })
    .await
    .ok()
    .flatten();
    let Some(Some(mut page)) = loaded else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let rng = SystemRandom::new();
    let secret = random_chars(&rng);
    page.token = masked(&secret, &rng);
    match page.render() {
        Ok(html) => {
            let mut response = Html(html).into_response();
            let cookie = format!(
                "csrftoken={}; expires={}; Max-Age=31449600; Path=/; SameSite=Lax",
                String::from_utf8_lossy(&secret),
                httpdate::fmt_http_date(
                    std::time::SystemTime::now() + std::time::Duration::from_secs(31_449_600)
                )
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
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
    let pool = Pool::builder()
        .build(ConnectionManager::<SqliteConnection>::new(path))
        .expect("the SQLite file opens");
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let router = Router::new()
        .route("/flights/{id}", get(flight_page))
        .with_state(pool);
    axum::serve(listener, router).await
}
