//! Route matching on a 50-route table: manouche's generated matcher against the `matchit`
//! crate (the radix tree under axum), on the same routes and paths, in one run.
//!
//! Run: `cargo bench -p manouche-tests --bench routing`. It prints ns per lookup for each,
//! and the ratio. manouche's figure includes converting captures into the view's typed
//! parameters (a `String` per `str` capture); matchit only borrows slices of the path.

use std::hint::black_box;
use std::time::Instant;

use manouche::__private::{ResolverMatch, UrlConf as _};

#[allow(unused_variables)]
mod views {
    use manouche::prelude::*;

    #[view]
    pub fn home(_r: &Request) -> &'static str {
        "home"
    }

    #[view]
    pub fn about(_r: &Request) -> &'static str {
        "about"
    }

    #[view]
    pub fn contact(_r: &Request) -> &'static str {
        "contact"
    }

    #[view]
    pub fn login(_r: &Request) -> &'static str {
        "login"
    }

    #[view]
    pub fn logout(_r: &Request) -> &'static str {
        "logout"
    }

    #[view]
    pub fn signup(_r: &Request) -> &'static str {
        "signup"
    }

    #[view]
    pub fn search(_r: &Request) -> &'static str {
        "search"
    }

    #[view]
    pub fn feed(_r: &Request) -> &'static str {
        "feed"
    }

    #[view]
    pub fn settings(_r: &Request) -> &'static str {
        "settings"
    }

    #[view]
    pub fn help(_r: &Request) -> &'static str {
        "help"
    }

    #[view]
    pub fn users(_r: &Request) -> &'static str {
        "users"
    }

    #[view]
    pub fn user(_r: &Request, user: String) -> &'static str {
        "user"
    }

    #[view]
    pub fn followers(_r: &Request, user: String) -> &'static str {
        "followers"
    }

    #[view]
    pub fn following(_r: &Request, user: String) -> &'static str {
        "following"
    }

    #[view]
    pub fn repos(_r: &Request, user: String) -> &'static str {
        "repos"
    }

    #[view]
    pub fn repo(_r: &Request, user: String, repo: String) -> &'static str {
        "repo"
    }

    #[view]
    pub fn issues(_r: &Request, user: String, repo: String) -> &'static str {
        "issues"
    }

    #[view]
    pub fn issue(_r: &Request, user: String, repo: String, n: u64) -> &'static str {
        "issue"
    }

    #[view]
    pub fn issue_comments(_r: &Request, user: String, repo: String, n: u64) -> &'static str {
        "issue_comments"
    }

    #[view]
    pub fn pulls(_r: &Request, user: String, repo: String) -> &'static str {
        "pulls"
    }

    #[view]
    pub fn pull(_r: &Request, user: String, repo: String, n: u64) -> &'static str {
        "pull"
    }

    #[view]
    pub fn commits(_r: &Request, user: String, repo: String) -> &'static str {
        "commits"
    }

    #[view]
    pub fn commit(_r: &Request, user: String, repo: String, sha: String) -> &'static str {
        "commit"
    }

    #[view]
    pub fn branches(_r: &Request, user: String, repo: String) -> &'static str {
        "branches"
    }

    #[view]
    pub fn tags(_r: &Request, user: String, repo: String) -> &'static str {
        "tags"
    }

    #[view]
    pub fn releases(_r: &Request, user: String, repo: String) -> &'static str {
        "releases"
    }

    #[view]
    pub fn release(_r: &Request, user: String, repo: String, id: u64) -> &'static str {
        "release"
    }

    #[view]
    pub fn wiki(_r: &Request, user: String, repo: String) -> &'static str {
        "wiki"
    }

    #[view]
    pub fn repo_settings(_r: &Request, user: String, repo: String) -> &'static str {
        "repo_settings"
    }

    #[view]
    pub fn gists(_r: &Request, user: String) -> &'static str {
        "gists"
    }

    #[view]
    pub fn gist(_r: &Request, gist: String) -> &'static str {
        "gist"
    }

    #[view]
    pub fn orgs(_r: &Request) -> &'static str {
        "orgs"
    }

    #[view]
    pub fn org(_r: &Request, org: String) -> &'static str {
        "org"
    }

    #[view]
    pub fn members(_r: &Request, org: String) -> &'static str {
        "members"
    }

    #[view]
    pub fn teams(_r: &Request, org: String) -> &'static str {
        "teams"
    }

    #[view]
    pub fn team(_r: &Request, org: String, team: String) -> &'static str {
        "team"
    }

    #[view]
    pub fn blog(_r: &Request) -> &'static str {
        "blog"
    }

    #[view]
    pub fn blog_year(_r: &Request, year: u64) -> &'static str {
        "blog_year"
    }

    #[view]
    pub fn blog_month(_r: &Request, year: u64, month: u64) -> &'static str {
        "blog_month"
    }

    #[view]
    pub fn blog_post(_r: &Request, year: u64, month: u64, post: String) -> &'static str {
        "blog_post"
    }

    #[view]
    pub fn tag(_r: &Request, tag: String) -> &'static str {
        "tag"
    }

    #[view]
    pub fn status(_r: &Request) -> &'static str {
        "status"
    }

    #[view]
    pub fn items(_r: &Request) -> &'static str {
        "items"
    }

    #[view]
    pub fn item(_r: &Request, id: u64) -> &'static str {
        "item"
    }

    #[view]
    pub fn item_history(_r: &Request, id: u64) -> &'static str {
        "item_history"
    }

    #[view]
    pub fn token(_r: &Request, token: String) -> &'static str {
        "token"
    }

    #[view]
    pub fn page(_r: &Request, page: String) -> &'static str {
        "page"
    }

    #[view]
    pub fn notifications(_r: &Request) -> &'static str {
        "notifications"
    }

    #[view]
    pub fn notification(_r: &Request, id: u64) -> &'static str {
        "notification"
    }

    #[view]
    pub fn admin(_r: &Request) -> &'static str {
        "admin"
    }
}

mod urls {
    use super::views;
    use manouche::urlpatterns;

    urlpatterns! {
        path("", views::home, name = "home"),
        path("about/", views::about, name = "about"),
        path("contact/", views::contact, name = "contact"),
        path("login/", views::login, name = "login"),
        path("logout/", views::logout, name = "logout"),
        path("signup/", views::signup, name = "signup"),
        path("search/", views::search, name = "search"),
        path("feed/", views::feed, name = "feed"),
        path("settings/", views::settings, name = "settings"),
        path("help/", views::help, name = "help"),
        path("users/", views::users, name = "users"),
        path("users/<str:user>/", views::user, name = "user"),
        path("users/<str:user>/followers/", views::followers, name = "followers"),
        path("users/<str:user>/following/", views::following, name = "following"),
        path("users/<str:user>/repos/", views::repos, name = "repos"),
        path("users/<str:user>/repos/<str:repo>/", views::repo, name = "repo"),
        path("users/<str:user>/repos/<str:repo>/issues/", views::issues, name = "issues"),
        path("users/<str:user>/repos/<str:repo>/issues/<int:n>/", views::issue, name = "issue"),
        path("users/<str:user>/repos/<str:repo>/issues/<int:n>/comments/", views::issue_comments, name = "issue_comments"),
        path("users/<str:user>/repos/<str:repo>/pulls/", views::pulls, name = "pulls"),
        path("users/<str:user>/repos/<str:repo>/pulls/<int:n>/", views::pull, name = "pull"),
        path("users/<str:user>/repos/<str:repo>/commits/", views::commits, name = "commits"),
        path("users/<str:user>/repos/<str:repo>/commits/<slug:sha>/", views::commit, name = "commit"),
        path("users/<str:user>/repos/<str:repo>/branches/", views::branches, name = "branches"),
        path("users/<str:user>/repos/<str:repo>/tags/", views::tags, name = "tags"),
        path("users/<str:user>/repos/<str:repo>/releases/", views::releases, name = "releases"),
        path("users/<str:user>/repos/<str:repo>/releases/<int:id>/", views::release, name = "release"),
        path("users/<str:user>/repos/<str:repo>/wiki/", views::wiki, name = "wiki"),
        path("users/<str:user>/repos/<str:repo>/settings/", views::repo_settings, name = "repo_settings"),
        path("users/<str:user>/gists/", views::gists, name = "gists"),
        path("gists/<slug:gist>/", views::gist, name = "gist"),
        path("orgs/", views::orgs, name = "orgs"),
        path("orgs/<slug:org>/", views::org, name = "org"),
        path("orgs/<slug:org>/members/", views::members, name = "members"),
        path("orgs/<slug:org>/teams/", views::teams, name = "teams"),
        path("orgs/<slug:org>/teams/<slug:team>/", views::team, name = "team"),
        path("blog/", views::blog, name = "blog"),
        path("blog/<int:year>/", views::blog_year, name = "blog_year"),
        path("blog/<int:year>/<int:month>/", views::blog_month, name = "blog_month"),
        path("blog/<int:year>/<int:month>/<slug:post>/", views::blog_post, name = "blog_post"),
        path("tags/<slug:tag>/", views::tag, name = "tag"),
        path("api/v1/status/", views::status, name = "status"),
        path("api/v1/items/", views::items, name = "items"),
        path("api/v1/items/<int:id>/", views::item, name = "item"),
        path("api/v1/items/<int:id>/history/", views::item_history, name = "item_history"),
        path("api/v1/tokens/<uuid:token>/", views::token, name = "token"),
        path("static-pages/<path:page>", views::page, name = "page"),
        path("notifications/", views::notifications, name = "notifications"),
        path("notifications/<int:id>/", views::notification, name = "notification"),
        path("admin/", views::admin, name = "admin"),
    }
}

const MATCHIT_ROUTES: &[(&str, &str)] = &[
    ("/", "home"),
    ("/about/", "about"),
    ("/contact/", "contact"),
    ("/login/", "login"),
    ("/logout/", "logout"),
    ("/signup/", "signup"),
    ("/search/", "search"),
    ("/feed/", "feed"),
    ("/settings/", "settings"),
    ("/help/", "help"),
    ("/users/", "users"),
    ("/users/{user}/", "user"),
    ("/users/{user}/followers/", "followers"),
    ("/users/{user}/following/", "following"),
    ("/users/{user}/repos/", "repos"),
    ("/users/{user}/repos/{repo}/", "repo"),
    ("/users/{user}/repos/{repo}/issues/", "issues"),
    ("/users/{user}/repos/{repo}/issues/{n}/", "issue"),
    (
        "/users/{user}/repos/{repo}/issues/{n}/comments/",
        "issue_comments",
    ),
    ("/users/{user}/repos/{repo}/pulls/", "pulls"),
    ("/users/{user}/repos/{repo}/pulls/{n}/", "pull"),
    ("/users/{user}/repos/{repo}/commits/", "commits"),
    ("/users/{user}/repos/{repo}/commits/{sha}/", "commit"),
    ("/users/{user}/repos/{repo}/branches/", "branches"),
    ("/users/{user}/repos/{repo}/tags/", "tags"),
    ("/users/{user}/repos/{repo}/releases/", "releases"),
    ("/users/{user}/repos/{repo}/releases/{id}/", "release"),
    ("/users/{user}/repos/{repo}/wiki/", "wiki"),
    ("/users/{user}/repos/{repo}/settings/", "repo_settings"),
    ("/users/{user}/gists/", "gists"),
    ("/gists/{gist}/", "gist"),
    ("/orgs/", "orgs"),
    ("/orgs/{org}/", "org"),
    ("/orgs/{org}/members/", "members"),
    ("/orgs/{org}/teams/", "teams"),
    ("/orgs/{org}/teams/{team}/", "team"),
    ("/blog/", "blog"),
    ("/blog/{year}/", "blog_year"),
    ("/blog/{year}/{month}/", "blog_month"),
    ("/blog/{year}/{month}/{post}/", "blog_post"),
    ("/tags/{tag}/", "tag"),
    ("/api/v1/status/", "status"),
    ("/api/v1/items/", "items"),
    ("/api/v1/items/{id}/", "item"),
    ("/api/v1/items/{id}/history/", "item_history"),
    ("/api/v1/tokens/{token}/", "token"),
    ("/static-pages/{*page}", "page"),
    ("/notifications/", "notifications"),
    ("/notifications/{id}/", "notification"),
    ("/admin/", "admin"),
];

/// Paths that hit early, middle and late routes, with captures, and two misses.
const PATHS: &[&str] = &[
    "/",
    "/about/",
    "/users/brian/",
    "/users/brian/repos/manouche/issues/42/",
    "/users/brian/repos/manouche/commits/a1b2c3d4/",
    "/orgs/rust-lang/teams/compiler/",
    "/blog/2026/11/hello-world/",
    "/api/v1/items/12345/history/",
    "/api/v1/tokens/12345678-1234-5678-1234-567812345678/",
    "/static-pages/docs/intro/getting-started",
    "/admin/",
    "/no/such/page/",
    "/users/brian/repos/manouche/nope/",
];

fn time<F: FnMut() -> usize>(label: &str, rounds: usize, mut f: F) -> f64 {
    // Warm up, then take the best of 5 runs (the machine is noisy).
    for _ in 0..rounds / 10 {
        black_box(f());
    }
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let mut hits = 0;
        for _ in 0..rounds {
            hits += f();
        }
        black_box(hits);
        let ns = start.elapsed().as_nanos() as f64 / (rounds * PATHS.len()) as f64;
        best = best.min(ns);
    }
    println!("{label:<34} {best:>8.1} ns/lookup");
    best
}

fn main() {
    let mut router = matchit::Router::new();
    for (route, name) in MATCHIT_ROUTES {
        router.insert(*route, *name).expect("valid matchit route");
    }
    // Both agree on which paths match before anything is timed.
    for path in PATHS {
        let ours = urls::UrlConf::resolve(&path[1..], &mut ResolverMatch::default()).is_some();
        let theirs = router.at(path).is_ok();
        assert_eq!(ours, theirs, "{path}");
    }
    let rounds = 100_000;
    println!(
        "routing: 50 routes, {} paths (11 hits, 2 misses), best of 5 runs",
        PATHS.len()
    );
    let ours = time("manouche urlpatterns! resolve", rounds, || {
        PATHS
            .iter()
            .filter(|p| {
                let mut rm = ResolverMatch::default();
                urls::UrlConf::resolve(black_box(&p[1..]), &mut rm).is_some()
            })
            .count()
    });
    let theirs = time("matchit Router::at", rounds, || {
        PATHS
            .iter()
            .filter(|p| router.at(black_box(p)).is_ok())
            .count()
    });
    println!("ratio manouche / matchit: {:.2}", ours / theirs);
}
