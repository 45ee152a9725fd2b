//! Templates of the test site, for the template tests (`#[derive(Template)]` finds them in
//! tests/templates/, as a project's templates/).

use manouche::Template;

/// Three levels of `{% extends %}`.
#[derive(Template)]
#[template(path = "inherit/child.html")]
pub struct Child;

/// The middle level on its own.
#[derive(Template)]
#[template(path = "inherit/middle.html")]
pub struct Middle;

/// Autoescaping and `|safe`.
#[derive(Template)]
#[template(path = "escaping.html")]
pub struct Escaping {
    /// Shown escaped, then raw.
    pub value: String,
}

/// A template that is not HTML: escaped all the same, as Django escapes every template.
#[derive(Template)]
#[template(path = "plain.txt")]
pub struct PlainText {
    /// Shown escaped, then through a filter.
    pub value: String,
}

/// The same, with the value marked safe.
#[derive(Template)]
#[template(path = "raw.txt")]
pub struct RawText {
    /// Shown as it is.
    pub value: String,
}

/// `{% for %}…{% empty %}` and `forloop`.
#[derive(Template)]
#[template(path = "loops.html")]
pub struct Loops {
    /// The items.
    pub items: Vec<String>,
}

/// `{% url %}` in its forms.
#[derive(Template)]
#[template(path = "urls.html")]
pub struct Urls {
    /// A `str` value.
    pub value: String,
    /// An `int` value.
    pub id: u64,
    /// A value no `str` capture takes.
    pub slashy: String,
}

/// `{% load %}`, `{% comment %}`, `{% static %}`, `{% if %}` with and/or/not, `{% csrf_token %}`.
#[derive(Template)]
#[template(path = "tags.html")]
pub struct Tags {
    /// True.
    pub on: bool,
    /// False.
    pub off: bool,
    /// False.
    pub never: bool,
}

/// An inline template, rewritten like the files.
#[derive(Template)]
#[template(source = "{% url 'home' %}|{{ forloop_free }}", ext = "html")]
pub struct Inline {
    /// Shown as is.
    pub forloop_free: &'static str,
}

/// The request context: `request.path`, `request.method`, STATIC_URL.
#[derive(Template)]
#[template(path = "context.html")]
pub struct RequestContext;

/// A form with `{% csrf_token %}`.
#[derive(Template)]
#[template(path = "form.html")]
pub struct Form;

/// A project's own filter, from `src/templatetags/shout.rs`, after `{% load shout %}`.
#[derive(Template)]
#[template(path = "own_filter.html")]
pub struct OwnFilter {
    /// Shouted.
    pub name: String,
    /// Shouted, escaped unless marked safe first.
    pub html: String,
}
