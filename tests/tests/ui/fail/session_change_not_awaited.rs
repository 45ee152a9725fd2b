// A session change cannot be forgotten: the session is opened with `.await`, and its
// methods are plain calls. Leaving the `.await` out is a compile error, not a warning.
use manouche::prelude::*;

#[view]
pub async fn show_once(request: &Request) -> Result<&'static str> {
    request.session().remove("message");
    Ok("shown")
}

fn main() {}
