//! Django's form behaviours: field rules and their exact messages, optional fields,
//! checkboxes, errors as text and JSON, and the HTML of an unbound and a bound-with-errors
//! form compared with Django 5.2.19's output, recorded below (as normalised HTML, the way
//! Django's own tests compare with assertHTMLEqual).

use manouche::Form;
use manouche::http::QueryDict;
use manouche_tests::forms::{Everything, Level, NewTaskForm, Signup};

fn data(pairs: &[(&str, &str)]) -> QueryDict {
    QueryDict::parse(serde_urlencoded::to_string(pairs).unwrap().as_bytes())
}

/// Tags with sorted attributes and whitespace-collapsed text, blank text dropped.
fn normalise(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix('<') {
            let end = stripped.find('>').expect("closed tag");
            let inner = &stripped[..end];
            let mut parts: Vec<String> = Vec::new();
            let mut cur = String::new();
            let mut quoted = false;
            for c in inner.chars() {
                match c {
                    '"' => {
                        quoted = !quoted;
                        cur.push(c);
                    }
                    c if c.is_whitespace() && !quoted => {
                        if !cur.is_empty() {
                            parts.push(std::mem::take(&mut cur));
                        }
                    }
                    c => cur.push(c),
                }
            }
            if !cur.is_empty() {
                parts.push(cur);
            }
            let name = parts.remove(0);
            parts.sort();
            out.push(format!("<{name} {}>", parts.join(" ")));
            rest = &stripped[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text: Vec<&str> = rest[..end].split_whitespace().collect();
            if !text.is_empty() {
                out.push(text.join(" "));
            }
            rest = &rest[end..];
        }
    }
    out
}

fn assert_html_eq(ours: &str, django: &str) {
    assert_eq!(
        normalise(ours),
        normalise(django),
        "\nours:\n{ours}\ndjango:\n{django}"
    );
}

const DJANGO_UNBOUND: &str = "<div>\n    <label for=\"id_task\">New Task:</label>\n\n\n\n<input type=\"text\" name=\"task\" maxlength=\"200\" required id=\"id_task\">\n    \n</div>\n\n  <div>\n    <label for=\"id_priority\">Priority:</label>\n\n\n\n<input type=\"number\" name=\"priority\" min=\"1\" max=\"5\" required id=\"id_priority\">\n    \n      \n    \n</div>";
const DJANGO_BOUND: &str = "<div>\n    <label for=\"id_task\">New Task:</label>\n\n\n<ul class=\"errorlist\" id=\"id_task_error\"><li>This field is required.</li></ul>\n<input type=\"text\" name=\"task\" maxlength=\"200\" required aria-invalid=\"true\" aria-describedby=\"id_task_error\" id=\"id_task\">\n    \n</div>\n\n  <div>\n    <label for=\"id_priority\">Priority:</label>\n\n\n<ul class=\"errorlist\" id=\"id_priority_error\"><li>Ensure this value is less than or equal to 5.</li></ul>\n<input type=\"number\" name=\"priority\" value=\"9\" min=\"1\" max=\"5\" required aria-invalid=\"true\" aria-describedby=\"id_priority_error\" id=\"id_priority\">\n    \n      \n    \n</div>";
const DJANGO_BOUND_P: &str = "<ul class=\"errorlist\" id=\"id_task_error\"><li>This field is required.</li></ul>\n  <p>\n    <label for=\"id_task\">New Task:</label>\n    <input type=\"text\" name=\"task\" maxlength=\"200\" required aria-invalid=\"true\" aria-describedby=\"id_task_error\" id=\"id_task\">\n    \n    \n  </p>\n\n  <ul class=\"errorlist\" id=\"id_priority_error\"><li>Ensure this value is less than or equal to 5.</li></ul>\n  <p>\n    <label for=\"id_priority\">Priority:</label>\n    <input type=\"number\" name=\"priority\" value=\"9\" min=\"1\" max=\"5\" required aria-invalid=\"true\" aria-describedby=\"id_priority_error\" id=\"id_priority\">\n    \n    \n      \n    \n  </p>";
const DJANGO_BOUND_TABLE: &str = "<tr>\n    <th><label for=\"id_task\">New Task:</label></th>\n    <td>\n      <ul class=\"errorlist\" id=\"id_task_error\"><li>This field is required.</li></ul>\n      <input type=\"text\" name=\"task\" maxlength=\"200\" required aria-invalid=\"true\" aria-describedby=\"id_task_error\" id=\"id_task\">\n      \n      \n    </td>\n  </tr>\n\n  <tr>\n    <th><label for=\"id_priority\">Priority:</label></th>\n    <td>\n      <ul class=\"errorlist\" id=\"id_priority_error\"><li>Ensure this value is less than or equal to 5.</li></ul>\n      <input type=\"number\" name=\"priority\" value=\"9\" min=\"1\" max=\"5\" required aria-invalid=\"true\" aria-describedby=\"id_priority_error\" id=\"id_priority\">\n      \n      \n        \n      \n    </td>\n  </tr>";
const DJANGO_EVERYTHING_BOUND: &str = "<ul class=\"errorlist nonfield\"><li>Form-wide problem.</li></ul>\n\n\n  <div>\n    <label for=\"id_name\">Name:</label>\n\n<div class=\"helptext\" id=\"id_name_helptext\">Your <b>name</b></div>\n<ul class=\"errorlist\" id=\"id_name_error\"><li>Ensure this value has at least 2 characters (it has 1).</li></ul>\n<input type=\"text\" name=\"name\" value=\"x\" minlength=\"2\" aria-invalid=\"true\" aria-describedby=\"id_name_helptext id_name_error\" id=\"id_name\">\n    \n</div>\n\n  <div>\n    <label for=\"id_agree\">Agree:</label>\n\n\n\n<input type=\"checkbox\" name=\"agree\" id=\"id_agree\">\n    \n</div>\n\n  <div>\n    <label for=\"id_score\">Score:</label>\n\n\n<ul class=\"errorlist\" id=\"id_score_error\"><li>Enter a number.</li></ul>\n<input type=\"number\" name=\"score\" value=\"abc\" step=\"any\" required aria-invalid=\"true\" aria-describedby=\"id_score_error\" id=\"id_score\">\n    \n</div>\n\n  <div>\n    <label for=\"id_level\">Level:</label>\n\n\n<ul class=\"errorlist\" id=\"id_level_error\"><li>Select a valid choice. mid is not one of the available choices.</li></ul>\n<select name=\"level\" aria-invalid=\"true\" aria-describedby=\"id_level_error\" id=\"id_level\">\n  <option value=\"lo\">Low</option>\n\n  <option value=\"hi\">High</option>\n\n</select>\n    \n      \n    \n</div>";

#[test]
fn new_task_form_renders_as_django() {
    assert_html_eq(&NewTaskForm::unbound().to_string(), DJANGO_UNBOUND);
    let bound = NewTaskForm::bind_data(data(&[("task", ""), ("priority", "9")]));
    assert!(!bound.is_valid());
    assert_html_eq(&bound.to_string(), DJANGO_BOUND);
    assert_html_eq(&bound.as_p().0, DJANGO_BOUND_P);
    assert_html_eq(&bound.as_table().0, DJANGO_BOUND_TABLE);
}

#[test]
fn errors_as_text_and_json_are_djangos() {
    let bound = NewTaskForm::bind_data(data(&[("task", ""), ("priority", "9")]));
    assert_eq!(
        bound.errors().as_text(),
        "* task\n  * This field is required.\n* priority\n  * Ensure this value is less than or equal to 5."
    );
    assert_eq!(
        bound.errors().as_json(),
        r#"{"task": [{"message": "This field is required.", "code": "required"}], "priority": [{"message": "Ensure this value is less than or equal to 5.", "code": "max_value"}]}"#
    );
}

#[test]
fn help_text_checkbox_float_choice_and_form_errors_render_as_django() {
    let bound = Everything::bind_data(data(&[("name", "x"), ("score", "abc"), ("level", "mid")]));
    // One deliberate difference: Django runs a form's clean() on partial data even when
    // fields are invalid; `#[form(validate)]` checks the typed struct, so it runs once every
    // field is valid. Here fields are invalid, so there is no form-wide error (Django's
    // first line).
    let (nonfield, fields) = DJANGO_EVERYTHING_BOUND.split_once("</ul>").unwrap();
    assert!(nonfield.contains("Form-wide problem."));
    assert_html_eq(&bound.to_string(), fields);
    // With valid fields the form-wide error shows at the top, as Django's.
    let valid_fields = Everything::bind_data(data(&[("score", "1"), ("level", "lo")]));
    assert!(
        valid_fields
            .to_string()
            .starts_with("<ul class=\"errorlist nonfield\"><li>Form-wide problem.</li></ul>")
    );
}

#[test]
fn a_valid_form_gives_typed_values() {
    let bound = NewTaskForm::bind_data(data(&[
        ("task", "  Buy milk  "),
        ("priority", "3.0"),
        ("extra", "ignored"),
    ]));
    let form = bound.cleaned().expect("valid");
    assert_eq!((form.task.as_str(), form.priority), ("Buy milk", 3));
    assert!(bound.errors().is_empty());
    assert!(!NewTaskForm::unbound().is_valid());
    assert!(!NewTaskForm::unbound().is_bound());
    assert!(NewTaskForm::unbound().errors().is_empty());
}

fn field_errors<F: Form>(pairs: &[(&str, &str)], field: &str) -> Vec<String> {
    F::bind_data(data(pairs))
        .errors()
        .get(field)
        .iter()
        .map(|e| e.message.clone())
        .collect()
}

#[test]
fn integer_rules() {
    let e = |v: &str| field_errors::<NewTaskForm>(&[("task", "t"), ("priority", v)], "priority");
    assert_eq!(e("3.5"), ["Enter a whole number."]);
    assert_eq!(e("1a"), ["Enter a whole number."]);
    assert_eq!(e(""), ["This field is required."]);
    assert_eq!(e("0"), ["Ensure this value is greater than or equal to 1."]);
    assert_eq!(e("6"), ["Ensure this value is less than or equal to 5."]);
    assert!(e(" 4 ").is_empty());
    assert!(e("5.000").is_empty());
    let q = |v: &str| {
        field_errors::<Signup>(
            &[("username", "u"), ("quantity", v), ("terms", "on")],
            "quantity",
        )
    };
    assert_eq!(
        q("12"),
        [
            "Ensure this value is a multiple of step size 5, starting from 10, e.g. 10, 15, 20, and so on."
        ]
    );
    // 5 is a multiple of 5 counted from 10 (Django's StepValueValidator uses the offset).
    assert_eq!(
        q("5"),
        ["Ensure this value is greater than or equal to 10."]
    );
    assert!(q("25").is_empty());
}

#[test]
fn text_rules() {
    let long = "x".repeat(201);
    assert_eq!(
        field_errors::<NewTaskForm>(&[("task", &long), ("priority", "1")], "task"),
        ["Ensure this value has at most 200 characters (it has 201)."]
    );
    assert_eq!(
        field_errors::<NewTaskForm>(&[("task", "   "), ("priority", "1")], "task"),
        ["This field is required."],
        "stripped first"
    );
    assert_eq!(
        field_errors::<NewTaskForm>(&[("task", "a\0b"), ("priority", "1")], "task"),
        ["Null characters are not allowed."]
    );
    assert_eq!(
        field_errors::<Everything>(&[("name", "x")], "name"),
        ["Ensure this value has at least 2 characters (it has 1)."]
    );
}

#[test]
fn optional_fields_checkboxes_validators_and_custom_messages() {
    let ok = Signup::bind_data(data(&[
        ("username", "ada"),
        ("quantity", "15"),
        ("terms", "on"),
    ]));
    let form = ok.cleaned().expect("valid");
    assert_eq!(form.age, None, "an optional empty number is None");
    assert!(form.terms);
    let with_age = Signup::bind_data(data(&[
        ("username", "ada"),
        ("age", "36"),
        ("quantity", "10"),
        ("terms", "1"),
    ]));
    assert_eq!(with_age.cleaned().unwrap().age, Some(36));
    let e = |pairs: &[(&str, &str)], f: &str| field_errors::<Signup>(pairs, f);
    assert_eq!(
        e(&[("quantity", "10"), ("terms", "on")], "username"),
        ["Pick a name."]
    );
    assert_eq!(
        e(
            &[("username", "admin"), ("quantity", "10"), ("terms", "on")],
            "username"
        ),
        ["That name is taken."]
    );
    assert_eq!(
        e(&[("username", "a"), ("quantity", "10")], "terms"),
        ["This field is required."]
    );
    assert_eq!(
        e(
            &[("username", "a"), ("quantity", "10"), ("terms", "false")],
            "terms"
        ),
        ["This field is required."]
    );
    // A checkbox that is not required: unchecked is false.
    let everything = Everything::bind_data(data(&[("score", "1.5"), ("level", "hi")]));
    assert_eq!(
        everything.errors().non_field_errors()[0].message,
        "Form-wide problem."
    );
    assert!(everything.errors().get("agree").is_empty());
    assert_eq!(
        field_errors::<Everything>(&[("score", "1e999"), ("level", "hi")], "score"),
        ["Enter a number."]
    );
    let _ = Level::High;
}

#[test]
fn the_bound_form_shows_what_was_typed_escaped_and_initial_values_unbound() {
    let bound = NewTaskForm::bind_data(data(&[("task", "<b>\"x\"</b>"), ("priority", "nine")]));
    let html = bound.to_string();
    assert!(
        html.contains("value=\"&lt;b&gt;&quot;x&quot;&lt;/b&gt;\""),
        "{html}"
    );
    assert!(html.contains("value=\"nine\""));
    let unbound = Signup::unbound().to_string();
    assert!(
        unbound.contains(
            "name=\"quantity\" value=\"10\" min=\"10\" step=\"5\" required id=\"id_quantity\""
        ),
        "{unbound}"
    );
    let field = bound.field("task").unwrap();
    assert_eq!(
        field.label_tag().0,
        "<label for=\"id_task\">New Task:</label>"
    );
    assert_eq!(field.value(), Some("<b>\"x\"</b>"));
    assert!(bound.field("nope").is_none());
}

#[test]
fn binder_never_panics_on_arbitrary_bodies() {
    // A small xorshift generator: reproducible, no dependency.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: &[u8] = b"task=priority&%+019.-e \0\xff\xc3\xa9aZ=&&";
    for _ in 0..5000 {
        let len = (next() % 64) as usize;
        let body: Vec<u8> = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let bound = NewTaskForm::bind_data(QueryDict::parse(&body));
        // Either valid with typed values, or invalid with errors; and it always renders.
        assert_eq!(bound.is_valid(), bound.errors().is_empty());
        if let Some(f) = bound.cleaned() {
            assert!(
                (1..=5).contains(&f.priority)
                    && !f.task.is_empty()
                    && f.task.chars().count() <= 200
            );
        }
        let _ = bound.to_string();
        let _ = Everything::bind_data(QueryDict::parse(&body)).to_string();
    }
}
