//! The lecture's pages tested as Django's test client tests them: in-process, each test
//! with a test database of its own (the demo's db.sqlite3 is never touched). The book's
//! "Testing" chapter shows these.

// ANCHOR: all
use manouche::test::Client;

// ANCHOR: greet
#[manouche::test]
async fn greet_says_hello_with_the_name_capitalized() {
    let mut client = Client::new(&demo::project());
    let response = client.get("/hello/brian").await;
    assert_eq!(response.status(), 200);
    response.assert_contains("<h1>Hello, Brian!</h1>");
}
// ANCHOR_END: greet

// ANCHOR: tasks
#[manouche::test]
async fn an_added_task_is_listed_from_the_session() {
    let mut client = Client::new(&demo::project());
    let list = client.get("/tasks/").await;
    list.assert_contains("No tasks.");
    list.assert_contains("<p>0 tasks</p>");

    let response = client
        .post("/tasks/add", &[("task", "Buy milk"), ("priority", "3")])
        .await;
    response.assert_redirects("/tasks/");

    // The client keeps the session cookie, as a browser does.
    let list = client.get("/tasks/").await;
    list.assert_contains("<li>Buy milk</li>");
    list.assert_contains("<p>1 task</p>");
}
// ANCHOR_END: tasks

// ANCHOR: invalid
#[manouche::test]
async fn an_invalid_task_shows_the_form_again_with_its_error() {
    let mut client = Client::new(&demo::project());
    let response = client
        .post("/tasks/add", &[("task", "Sleep"), ("priority", "9")])
        .await;
    response.assert_contains("Ensure this value is less than or equal to 5.");
    // What was typed is shown again.
    response.assert_contains("value=\"Sleep\"");
    client.get("/tasks/").await.assert_contains("No tasks.");
}
// ANCHOR_END: invalid

// ANCHOR: users
#[manouche::test]
async fn a_user_logs_in_sees_the_welcome_page_and_logs_out() {
    let mut client = Client::new(&demo::project());
    let db = manouche::db::shared(client.settings()).unwrap();
    manouche::auth::create_user_in(
        &db,
        &manouche::auth::NewUser {
            username: "harry",
            password: Some("expecto-patronum"),
            first_name: "Harry",
            ..Default::default()
        },
    )
    .unwrap();
    // Not logged in: sent to LOGIN_URL, the page asked for as `next`.
    let login = format!("{}?next=/users/", client.settings().login_url);
    client.get("/users/").await.assert_redirects(&login);
    let wrong = client
        .post(
            "/users/login",
            &[("username", "harry"), ("password", "alohomora")],
        )
        .await;
    wrong.assert_contains("Please enter a correct username and password.");
    wrong.assert_contains("value=\"harry\"");
    client
        .post(
            "/users/login",
            &[("username", "harry"), ("password", "expecto-patronum")],
        )
        .await
        .assert_redirects("/users/");
    client
        .get("/users/")
        .await
        .assert_contains("<h1>Welcome, Harry</h1>");
    client
        .post("/users/logout", &[])
        .await
        .assert_redirects("/users/login");
    client
        .get("/users/login")
        .await
        .assert_contains("Logged out.");
}
// ANCHOR_END: users

// ANCHOR: settings
#[manouche::test]
async fn unknown_pages_are_the_projects_404_with_debug_off() {
    // Django's test runner runs with DEBUG off; `with_settings` changes a setting for one
    // client (Django's override_settings).
    let mut client = Client::new(&demo::project());
    let response = client.get("/nowhere").await;
    assert_eq!(response.status(), 404);
    let mut debug = Client::with_settings(&demo::project(), |s| s.debug = true);
    let response = debug.get("/nowhere").await;
    assert!(response.text().contains("Page not found at /nowhere"));
}
// ANCHOR_END: settings
// ANCHOR_END: all
