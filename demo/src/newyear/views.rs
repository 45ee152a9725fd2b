// ANCHOR: all
use manouche::prelude::*;
use manouche::timezone;

// ANCHOR: index
#[derive(Template)]
#[template(path = "newyear/index.html")]
struct Index {
    newyear: bool,
}

/// `newyear:index`: "YES" on January 1st, "NO" otherwise.
#[view]
pub fn index(request: &Request) -> Result<Response> {
    let today = timezone::today();
    render(
        request,
        Index {
            newyear: today.month == 1 && today.day == 1,
        },
    )
}
// ANCHOR_END: index
// ANCHOR_END: all
