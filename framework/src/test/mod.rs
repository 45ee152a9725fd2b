//! Testing a project as Django's test runner does: a [`Client`] that drives the project
//! in-process, each with a fresh test database (never the development one), and
//! [`#[manouche::test]`](crate::test) to run an async test from a plain `#[test]`.
//!
//! ```ignore
//! use manouche::test::Client;
//!
//! #[manouche::test]
//! async fn the_greeting_is_capitalized() {
//!     let mut client = Client::new(&mysite::project());
//!     let response = client.get("/hello/brian").await;
//!     response.assert_contains("Hello, Brian!");
//! }
//! ```

mod client;
mod database;

pub use client::{Client, TestResponse};

/// Runs `future` to completion on a runtime of its own: what `#[manouche::test]` expands to.
#[doc(hidden)]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start a runtime for the test: {e}"))
        .block_on(future)
}
