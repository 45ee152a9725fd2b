//! Settings: Django's defaults, settings.toml errors that name file, line and key, and
//! environment overrides.

use std::path::Path;

use manouche::Settings;

#[test]
fn defaults_are_djangos() {
    let s = Settings::default();
    assert!(!s.debug, "DEBUG is off unless set");
    assert!(s.allowed_hosts.is_empty());
    assert!(s.append_slash);
    assert_eq!(s.data_upload_max_memory_size, Some(2_621_440));
    assert_eq!(s.data_upload_max_number_fields, Some(1000));
    assert_eq!(s.x_frame_options, "DENY");
    assert_eq!(s.secure_referrer_policy, "same-origin");
    assert_eq!(s.secure_cross_origin_opener_policy, "same-origin");
    assert_eq!(s.static_url, "static/");
}

#[test]
fn a_bad_value_names_the_file_line_and_key() {
    let err = Settings::from_toml(
        "# my settings\nSECRET_KEY = \"x\"\nDEBUG = \"yes\"\n",
        Path::new("/p/settings.toml"),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("/p/settings.toml:3: DEBUG: "), "{msg}");
    assert!(msg.contains("bool"), "{msg}");
}

#[test]
fn an_unknown_key_is_refused_with_its_name() {
    let err = Settings::from_toml("DEBUG = true\nDEBGU = false\n", Path::new("settings.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("settings.toml:2: DEBGU: unknown field `DEBGU`"),
        "{err}"
    );
}

#[test]
fn a_syntax_error_names_the_line() {
    let err = Settings::from_toml(
        "DEBUG = true\nALLOWED_HOSTS = [\n",
        Path::new("settings.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("settings.toml:"), "{err}");
}

#[test]
fn environment_variables_override_the_file() {
    let mut s =
        Settings::from_toml("DEBUG = true\nALLOWED_HOSTS = [\"a\"]\n", Path::new("x")).unwrap();
    s.apply_env([
        ("MANOUCHE_DEBUG".to_string(), "false".to_string()),
        (
            "MANOUCHE_ALLOWED_HOSTS".to_string(),
            "example.com, .example.org".to_string(),
        ),
        (
            "MANOUCHE_DATA_UPLOAD_MAX_MEMORY_SIZE".to_string(),
            "10".to_string(),
        ),
        (
            "DATABASE_URL".to_string(),
            "postgres://localhost/test".to_string(),
        ),
        ("MANOUCHE_BASE_DIR".to_string(), "/elsewhere".to_string()),
        ("UNRELATED".to_string(), "1".to_string()),
    ])
    .unwrap();
    assert!(!s.debug);
    assert_eq!(s.allowed_hosts, ["example.com", ".example.org"]);
    assert_eq!(s.data_upload_max_memory_size, Some(10));
    assert_eq!(s.database_url, "postgres://localhost/test");
}

#[test]
fn a_bad_environment_variable_is_named() {
    let mut s = Settings::default();
    let err = s
        .apply_env([(
            "MANOUCHE_SECURE_HSTS_SECONDS".to_string(),
            "soon".to_string(),
        )])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("environment variable MANOUCHE_SECURE_HSTS_SECONDS:"),
        "{err}"
    );
    let err = s
        .apply_env([("MANOUCHE_DEBGU".to_string(), "1".to_string())])
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `DEBGU`"), "{err}");
}

#[test]
fn a_secret_key_is_needed_always_and_allowed_hosts_with_debug_off() {
    let mut s = Settings::default();
    assert_eq!(
        s.check().unwrap_err().to_string(),
        "You must set settings.ALLOWED_HOSTS if DEBUG is False."
    );
    s.allowed_hosts = vec!["example.com".into()];
    let err = s.check().unwrap_err().to_string();
    assert!(
        err.starts_with(
            "The SECRET_KEY setting must not be empty. Set SECRET_KEY in settings.toml"
        ),
        "{err}"
    );
    s.secret_key = "k".into();
    assert!(s.check().is_ok());
    // With DEBUG on the hosts may be left out, but an empty key would still let anyone
    // forge signed values: refused as Django refuses it.
    let debug = Settings::from_toml("DEBUG = true\n", Path::new("x")).unwrap();
    let err = debug.check().unwrap_err().to_string();
    assert!(
        err.contains("SECRET_KEY setting must not be empty"),
        "{err}"
    );
    assert!(err.contains("openssl rand"), "says how to make one: {err}");
    let debug = Settings::from_toml("DEBUG = true\nSECRET_KEY = \"k\"\n", Path::new("x")).unwrap();
    assert!(debug.check().is_ok(), "DEBUG on needs no hosts");
}

/// The settings page's table: each key with the default it shows.
fn documented_defaults() -> std::collections::BTreeMap<String, String> {
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../book/src/settings.md"
    ))
    .unwrap();
    let mut out = std::collections::BTreeMap::new();
    for line in page.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let keys: Vec<&str> = cells[0].trim_start_matches("| ").split(" / ").collect();
        let defaults: Vec<&str> = cells[1].split(" / ").collect();
        for (i, key) in keys.iter().enumerate() {
            let default = defaults.get(i).unwrap_or(&defaults[0]);
            out.insert(
                key.trim_matches('`').to_string(),
                default.trim_matches('`').to_string(),
            );
        }
    }
    out
}

#[test]
fn every_setting_is_in_the_book_with_its_real_default() {
    let documented = documented_defaults();
    let serde_json::Value::Object(defaults) = serde_json::to_value(Settings::default()).unwrap()
    else {
        panic!("settings serialize as a map")
    };
    let mut wrong = Vec::new();
    for (key, value) in &defaults {
        let shown = match value {
            serde_json::Value::Null => "none".to_string(),
            serde_json::Value::Array(a) if a.is_empty() => "[]".to_string(),
            other => other.to_string(),
        };
        match documented.get(key) {
            None => wrong.push(format!("{key} is not in settings.md (default {shown})")),
            Some(d) if *d != shown => wrong.push(format!(
                "{key}: settings.md says {d}, the default is {shown}"
            )),
            Some(_) => {}
        }
    }
    for key in documented.keys() {
        if !defaults.contains_key(key) {
            wrong.push(format!("settings.md lists {key}, which is not a setting"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_misspelt_key_is_refused_with_the_one_it_looks_like() {
    for (text, line, expected) in [
        ("ALOWED_HOSTS = []\n", 1, "ALLOWED_HOSTS"),
        ("DEBUG = true\nSecret_Key = \"k\"\n", 2, "SECRET_KEY"),
        (
            "DEBUG = true\nSESION_COOKIE_AGE = 60\n",
            2,
            "SESSION_COOKIE_AGE",
        ),
    ] {
        let err = Settings::from_toml(text, Path::new("settings.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(&format!("settings.toml:{line}: ")), "{err}");
        assert!(
            err.ends_with(&format!("did you mean `{expected}`?")),
            "{err}"
        );
    }
    let mut s = Settings::default();
    let err = s
        .apply_env([("MANOUCHE_ALLOWED_HOST".into(), "a".into())])
        .unwrap_err()
        .to_string();
    assert!(err.contains("did you mean `ALLOWED_HOSTS`?"), "{err}");
}

// ANCHOR: site
/// A project's own settings, beside Django's.
#[derive(Debug, serde::Deserialize, PartialEq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct Site {
    site_name: String,
    tasks_per_page: u32,
    #[serde(default)]
    show_banner: bool,
}
// ANCHOR_END: site

#[test]
fn a_projects_own_settings_are_read_from_the_file_and_the_environment() {
    let mut s = Settings::from_toml(
        "DEBUG = true\nSITE_NAME = \"Tasks\"\nTASKS_PER_PAGE = 20\n",
        Path::new("settings.toml"),
    )
    .unwrap();
    assert!(s.debug);
    assert_eq!(
        s.project::<Site>().unwrap(),
        Site {
            site_name: "Tasks".into(),
            tasks_per_page: 20,
            show_banner: false
        }
    );
    s.apply_env([
        ("MANOUCHE_TASKS_PER_PAGE".into(), "50".into()),
        ("MANOUCHE_SHOW_BANNER".into(), "true".into()),
        ("MANOUCHE_SITE_NAME".into(), "My tasks".into()),
        ("MANOUCHE_DEBUG".into(), "false".into()),
    ])
    .unwrap();
    assert!(!s.debug, "Django's settings still apply");
    assert_eq!(
        s.project::<Site>().unwrap(),
        Site {
            site_name: "My tasks".into(),
            tasks_per_page: 50,
            show_banner: true
        }
    );
    // A value of the wrong type for the project's struct says so.
    s.apply_env([("MANOUCHE_TASKS_PER_PAGE".into(), "many".into())])
        .unwrap();
    let err = s.project::<Site>().unwrap_err().to_string();
    assert!(err.starts_with("the project's settings: "), "{err}");
}
