//! Django's template language, checked against Django itself: each template in
//! tests/templates/lang/ is rendered here and compared with what Django 5.2 renders for
//! the same template and context (tests/reference/templates/, written by
//! tests/reference/django_templates.py, whose context is `Ctx::sample()` value for value).

use std::collections::BTreeMap;
use std::ops::Deref;

use chrono::{NaiveDate, NaiveTime};
use manouche::Template;
use manouche::templates::{ToValue, Value};
use manouche_tests::pages::OwnFilter;

/// A task, as the lecture's: Django's templates read its fields.
pub struct Task {
    pub name: String,
    pub done: bool,
}

/// A person, for `{% regroup %}`.
pub struct Person {
    pub name: String,
    pub city: String,
}

/// The context every conformance template gets.
pub struct Ctx {
    pub name: String,
    pub text: String,
    pub long_text: String,
    pub quote: String,
    pub html: String,
    pub html_list: Vec<String>,
    pub markup: String,
    pub para: String,
    pub url_text: String,
    pub query: String,
    pub iri: String,
    pub phone: String,
    pub empty: String,
    pub none: Option<String>,
    pub some: Option<String>,
    pub zero: i64,
    pub one: i64,
    pub two: i64,
    pub neg: i64,
    pub big: i64,
    pub size: u64,
    pub pi: f64,
    pub whole: f64,
    pub half: f64,
    pub tiny: f64,
    pub huge: f64,
    pub yes: bool,
    pub no: bool,
    pub items: Vec<String>,
    pub nums: Vec<i64>,
    pub repeated: Vec<i64>,
    pub empty_list: Vec<String>,
    pub quote_list: Vec<String>,
    pub pairs: Vec<(String, i64)>,
    pub mapping: BTreeMap<String, i64>,
    pub tasks: Vec<Task>,
    pub people: Vec<Person>,
    pub date: NaiveDate,
    pub datetime: chrono::NaiveDateTime,
    pub later: chrono::NaiveDateTime,
    pub time: NaiveTime,
    pub midnight: NaiveTime,
    pub noon: NaiveTime,
}

fn s(x: &str) -> String {
    x.to_string()
}

impl Ctx {
    /// The same values as `CONTEXT` in tests/reference/django_templates.py.
    #[allow(clippy::approx_constant)] // 3.14159 is a value to format, not π
    pub fn sample() -> Ctx {
        let date = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        Ctx {
            name: s("World"),
            text: s("Joel is a slug"),
            long_text: s("The quick brown fox jumps over the lazy dog"),
            quote: s("He said \"it's\" \\o/"),
            html: s("<b>Tom & 'Jerry'</b>"),
            html_list: vec![s("<a>"), s("b&c")],
            markup: s("<p>Joel <i>is</i> a <b>slug</b> indeed</p>"),
            para: s("First line\nsecond <line>\n\nNew paragraph"),
            url_text: s(
                "Visit https://www.djangoproject.com/start/ or www.example.com, (mail me@example.com).",
            ),
            query: s("a b&c=d/é"),
            iri: s("/blog/for/Jörg?x=ü y"),
            phone: s("1-800-COLLECT"),
            empty: s(""),
            none: None,
            some: Some(s("x")),
            zero: 0,
            one: 1,
            two: 2,
            neg: -5,
            big: 123_456_789,
            size: 123_456_789,
            pi: 3.14159,
            whole: 34.0,
            half: 0.5,
            tiny: 1.5e-05,
            huge: 1e16,
            yes: true,
            no: false,
            items: vec![s("apple"), s("banana"), s("cherry")],
            nums: vec![3, 1, 2],
            repeated: vec![1, 1, 2, 2, 2, 3],
            empty_list: vec![],
            quote_list: vec![s("it's"), s("say \"hi\"")],
            pairs: vec![(s("a"), 1), (s("b"), 2)],
            mapping: BTreeMap::from([(s("a"), 1), (s("b"), 2)]),
            tasks: vec![
                Task {
                    name: s("Write"),
                    done: true,
                },
                Task {
                    name: s("Test"),
                    done: false,
                },
            ],
            people: [
                ("Ann", "Paris"),
                ("Bo", "Paris"),
                ("Cy", "Rome"),
                ("Di", "Paris"),
            ]
            .iter()
            .map(|(name, city)| Person {
                name: s(name),
                city: s(city),
            })
            .collect(),
            date,
            datetime: date.and_hms_opt(16, 30, 7).unwrap(),
            later: NaiveDate::from_ymd_opt(2024, 4, 20)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            time: NaiveTime::from_hms_opt(9, 5, 0).unwrap(),
            midnight: NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
            noon: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        }
    }
}

// A task is a dict in Django's context: `{{ task }}` and filters read it as one.
impl ToValue for Task {
    fn to_value(&self) -> Value<'_> {
        Value::Map(vec![
            (Value::literal("name"), self.name.to_value()),
            (Value::literal("done"), Value::Bool(self.done)),
        ])
    }
}

macro_rules! conformance {
    ($($test:ident: $page:ident => $name:literal),* $(,)?) => {$(
        #[derive(Template)]
        #[template(path = $name)]
        struct $page(Ctx);

        impl Deref for $page {
            type Target = Ctx;
            fn deref(&self) -> &Ctx {
                &self.0
            }
        }

        #[test]
        fn $test() {
            let got = $page(Ctx::sample()).render().unwrap();
            let stem = $name.trim_start_matches("lang/").trim_end_matches(".html");
            let path = format!("{}/reference/templates/{stem}.txt", env!("CARGO_MANIFEST_DIR"));
            let expected = std::fs::read_to_string(&path).unwrap();
            if got != expected {
                for (i, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
                    if g != e {
                        eprintln!("line {}:\n  manouche: {g:?}\n  django:   {e:?}", i + 1);
                    }
                }
            }
            assert_eq!(got, expected, "{} renders as Django 5.2 does", $name);
        }
    )*};
}

conformance! {
    text_filters: TextPage => "lang/text.html",
    number_filters: NumbersPage => "lang/numbers.html",
    values_print_as_django_prints_them: ValuesPage => "lang/values.html",
    list_filters: ListsPage => "lang/lists.html",
    html_filters: HtmlPage => "lang/html.html",
    date_filters: DatesPage => "lang/dates.html",
    if_and_logic_filters: LogicPage => "lang/logic.html",
    for_loops: LoopsPage => "lang/loops.html",
    other_tags: TagsPage => "lang/tags.html",
    whitespace_and_newlines: WhitespacePage => "lang/whitespace.html",
    filter_edge_cases: EdgePage => "lang/edge.html",
    tag_edge_cases: EdgeTagsPage => "lang/edge_tags.html",
}

#[test]
fn a_projects_own_filters_are_found_by_load() {
    let page = OwnFilter {
        name: "World".into(),
        html: "<b>".into(),
    };
    assert_eq!(page.render().unwrap(), "WORLD! WORLD? &lt;B&gt;! <B>!\n");
}

/// `{% now %}`: the current date in Django's format characters.
#[derive(Template)]
#[template(
    source = r#"{% now "Y" %}|{% now "SHORT_DATE_FORMAT" as today %}{{ today }}"#,
    ext = "html"
)]
struct Now;

#[test]
fn now_formats_the_current_time() {
    let today = chrono::Utc::now().date_naive();
    let expected = format!("{}|{}", today.format("%Y"), today.format("%m/%d/%Y"));
    assert_eq!(Now.render().unwrap(), expected);
}
