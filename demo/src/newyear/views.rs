use manouche::prelude::*;
use manouche::timezone;

/// `newyear:index`: "YES" on January 1st, "NO" otherwise.
#[view]
pub fn index(_request: &Request) -> Html<String> {
    let today = timezone::today();
    let answer = if today.month == 1 && today.day == 1 {
        "YES"
    } else {
        "NO"
    };
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Is it New Year's?</title></head>\n<body><h1>{answer}</h1></body>\n</html>\n"
    ))
}
