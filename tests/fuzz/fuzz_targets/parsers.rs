//! Each parser of client input on the same bytes: query strings and form bodies, cookies,
//! Host headers, URL paths (decoding and routing), CSRF tokens, signed session data.
//! None may panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = manouche::http::QueryDict::parse(data);
    let text = String::from_utf8_lossy(data);
    let _: Vec<_> = manouche::http::parse_cookies(&text).collect();
    let _ = manouche::middleware::hosts::split_domain_port(&text);
    let _ = manouche::middleware::hosts::host_error(&text, &["example.com".into()]);
    let decoded = manouche::urls::decode_path(&text);
    let _ = manouche::urls::resolve(&decoded);
    let _ = manouche::csrf::check_format(&text);
    let _ = manouche::csrf::unmask(&text);
    let _ = manouche::csrf::secret_of(&text);
    let _ = manouche::signing::loads::<serde_json::Value>(&text, "key", &[], "salt", None);
    let _ = manouche::http::url_has_allowed_host_and_scheme(&text, &["example.com"], false);
});
