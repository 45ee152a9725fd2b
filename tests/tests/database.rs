//! The database in a view (`request.db()`, queries on the blocking pool, `or_404`) and JSON
//! views (`request.json()` in, `Json` out), through the test client.

use manouche::auth::{self, NewUser};
use manouche::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use manouche::test::Client;

fn client() -> Client {
    Client::new(&manouche_tests::project())
}

#[manouche::test]
async fn a_view_reads_the_database_and_answers_404_for_no_row() {
    let mut c = client();
    let db = manouche::db::shared(c.settings()).unwrap();
    let user = auth::create_user_in(
        &db,
        &NewUser {
            username: "ada",
            password: Some("analytical engine 1843"),
            ..NewUser::default()
        },
    )
    .unwrap();
    let found = c.get(&format!("/db/user/{}", user.id)).await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.text(), "ada");
    let missing = c.get("/db/user/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let debug = Client::with_settings(&manouche_tests::project(), |s| s.debug = true)
        .get("/db/user/999999")
        .await;
    assert!(
        debug.text().contains("No User matches the given query."),
        "{}",
        debug.text()
    );
}

async fn post_json(c: &mut Client, body: &str) -> manouche::test::TestResponse {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    c.send(Method::POST, "/json-sum", headers, body.to_owned().into())
        .await
}

#[manouche::test]
async fn a_json_view_reads_its_body_and_refuses_what_is_not_json() {
    let mut c = client();
    let ok = post_json(&mut c, r#"{"a": 2, "b": 40}"#).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.header("content-type"), Some("application/json"));
    assert_eq!(ok.text(), r#"{"sum":42}"#);
    for (body, says) in [
        ("{\"a\": 2", "EOF while parsing an object"),
        (
            "{\"a\": \"two\", \"b\": 1}",
            "invalid type: string &quot;two&quot;, expected i64",
        ),
        ("{\"a\": 1}", "missing field `b`"),
    ] {
        let mut debug = Client::with_settings(&manouche_tests::project(), |s| s.debug = true);
        let r = post_json(&mut debug, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(r.text().contains(says), "{body}: {}", r.text());
    }
}
