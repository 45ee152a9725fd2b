//! The airline's pages through the test client, on a fresh test database that the
//! flights app's migrations (with their seed data) made: on SQLite, or on PostgreSQL when
//! DATABASE_URL names it.

// ANCHOR: all
use manouche::serde_json;
use manouche::test::Client;

use demo::flights::models::{Flight, NewPassenger};

// ANCHOR: list
#[manouche::test]
async fn the_list_shows_the_seeded_flights_with_their_airports() {
    let mut client = Client::new(&demo::project());
    let response = client.get("/flights/").await;
    assert_eq!(response.status(), 200);
    response.assert_contains(
        "<li><a href=\"/flights/1\">Flight 1: New York (JFK) to London (LHR)</a></li>",
    );
    response.assert_contains("Flight 6: Lima (LIM) to New York (JFK)");
}
// ANCHOR_END: list

// ANCHOR: detail
#[manouche::test]
async fn a_flight_page_and_a_404_for_an_unknown_flight() {
    let mut client = Client::new(&demo::project());
    let page = client.get("/flights/2").await;
    page.assert_contains("<h1>Flight 2</h1>");
    page.assert_contains("<li>Origin: Shanghai (PVG)</li>");
    page.assert_contains("<li>Duration: 760 minutes</li>");
    page.assert_contains("No passengers.");
    assert_eq!(client.get("/flights/99").await.status(), 404);
    assert_eq!(client.get("/flights/api/99").await.status(), 404);
}
// ANCHOR_END: detail

// ANCHOR: book
#[manouche::test]
async fn booking_puts_a_passenger_on_the_flight_once() {
    let mut client = Client::new(&demo::project());
    let response = client.post("/flights/1/book", &[("passenger", "3")]).await;
    response.assert_redirects("/flights/1");
    let page = client.get("/flights/1").await;
    page.assert_contains("<p class=\"success\">Booked.</p>");
    page.assert_contains("<li>Hermione Granger</li>");
    // She is no longer offered in the form.
    assert!(!page.text().contains("<option value=\"3\">"));

    // The same booking again is refused by the table's unique index.
    client.post("/flights/1/book", &[("passenger", "3")]).await;
    let page = client.get("/flights/1").await;
    page.assert_contains("That passenger is already on this flight.");

    let api = client.get("/flights/api/1").await;
    let json: serde_json::Value = serde_json::from_str(&api.text()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "origin": "New York (JFK)",
            "destination": "London (LHR)",
            "duration": 415,
            "passengers": ["Hermione Granger"],
        })
    );
}
// ANCHOR_END: book

#[manouche::test]
async fn a_full_flight_an_unknown_passenger_and_a_bad_form_are_refused() {
    let mut client = Client::new(&demo::project());
    let db = manouche::db::shared(client.settings()).unwrap();
    db.run(|c| {
        let mut flight = Flight::get(c, 5)?;
        flight.capacity = 1;
        flight.save(c)?;
        NewPassenger {
            first: "Luna".into(),
            last: "Lovegood".into(),
        }
        .insert(c)
    })
    .await
    .unwrap();
    client.post("/flights/5/book", &[("passenger", "1")]).await;
    client.post("/flights/5/book", &[("passenger", "2")]).await;
    let page = client.get("/flights/5").await;
    page.assert_contains("This flight is full.");
    page.assert_contains("<option value=\"5\">Luna Lovegood</option>");

    client.post("/flights/4/book", &[("passenger", "42")]).await;
    client
        .get("/flights/4")
        .await
        .assert_contains("There is no such passenger.");
    let bad = client.post("/flights/4/book", &[("passenger", "x")]).await;
    assert_eq!(bad.status(), 400);
    assert_eq!(client.get("/flights/4/book").await.status(), 405);
    assert_eq!(
        client
            .post("/flights/99/book", &[("passenger", "1")])
            .await
            .status(),
        404
    );
}

// ANCHOR: forms
#[manouche::test]
async fn a_model_form_with_foreign_key_selects_and_a_unique_code() {
    let mut client = Client::new(&demo::project());
    let page = client.get("/flights/new").await;
    // A foreign key is a <select> of the airports, Django's "---------" first.
    page.assert_contains("<select name=\"origin_id\" required id=\"id_origin_id\">");
    page.assert_contains("<option value=\"\" selected>---------</option>");
    page.assert_contains("<option value=\"3\">Paris (CDG)</option>");
    page.assert_contains("<label for=\"id_origin_id\">Origin:</label>");

    let added = client
        .post(
            "/flights/new",
            &[
                ("origin_id", "3"),
                ("destination_id", "6"),
                ("duration", "745"),
                ("capacity", "300"),
            ],
        )
        .await;
    added.assert_redirects("/flights/7");
    client
        .get("/flights/7")
        .await
        .assert_contains("<li>Origin: Paris (CDG)</li>");

    // An airport that is not there is the select's error, not a database error.
    let missing = client
        .post(
            "/flights/new",
            &[
                ("origin_id", "99"),
                ("destination_id", "6"),
                ("duration", "745"),
                ("capacity", "300"),
            ],
        )
        .await;
    assert_eq!(missing.status(), 200);
    missing
        .assert_contains("Select a valid choice. That choice is not one of the available choices.");

    // A code already taken is the form's error, as Django's validate_unique says it.
    let taken = client
        .post(
            "/flights/airports/new",
            &[("code", "JFK"), ("city", "Queens")],
        )
        .await;
    assert_eq!(taken.status(), 200);
    taken.assert_contains("Airport with this Code already exists.");
    taken.assert_contains("value=\"Queens\"");
    let fresh = client
        .post(
            "/flights/airports/new",
            &[("code", "SFO"), ("city", "San Francisco")],
        )
        .await;
    fresh.assert_redirects("/flights/new");
    // (Its key is 9 on SQLite; PostgreSQL spent one on the refused insert.)
    client
        .get("/flights/new")
        .await
        .assert_contains("\">San Francisco (SFO)</option>");
}
// ANCHOR_END: forms
// ANCHOR_END: all
