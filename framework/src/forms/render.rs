//! Rendering as Django 5.2 does: `as_div`, `as_p`, `as_table`, and each field's label,
//! widget and error list, with Django's attribute order and ARIA attributes.

use std::fmt::Write;

use super::{FieldSpec, ValidationError, Widget};
use crate::html::escape;
use crate::http::QueryDict;

/// HTML that must not be escaped again (a rendered form or part of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml(pub String);

impl std::fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for SafeHtml {}

/// One field of a form with its data and errors (Django's `BoundField`).
#[derive(Debug, Clone, Copy)]
pub struct BoundField<'a> {
    spec: &'static FieldSpec,
    data: Option<&'a QueryDict>,
    errors: &'a [ValidationError],
    choices: Option<&'a [(String, String)]>,
}

impl<'a> BoundField<'a> {
    pub(super) fn new(
        spec: &'static FieldSpec,
        data: Option<&'a QueryDict>,
        errors: &'a [ValidationError],
        choices: Option<&'a [(String, String)]>,
    ) -> Self {
        BoundField {
            spec,
            data,
            errors,
            choices,
        }
    }

    /// The field's name.
    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    /// `id_<name>`.
    pub fn id_for_label(&self) -> String {
        format!("id_{}", self.spec.name)
    }

    /// The label text.
    pub fn label(&self) -> &'static str {
        self.spec.label
    }

    /// The help text.
    pub fn help_text(&self) -> &'static str {
        self.spec.help_text
    }

    /// The errors of this field.
    pub fn errors(&self) -> &'a [ValidationError] {
        self.errors
    }

    /// What the widget shows: the submitted text when bound, the initial value otherwise.
    pub fn value(&self) -> Option<&'a str> {
        match self.data {
            Some(d) => d.get(self.spec.name),
            None => self.spec.initial,
        }
    }

    /// `<label for="id_task">New Task:</label>` (the `:` added unless the label ends in
    /// `:?.!`).
    pub fn label_tag(&self) -> SafeHtml {
        let label = self.spec.label;
        let suffix = if label.ends_with([':', '?', '.', '!']) {
            ""
        } else {
            ":"
        };
        SafeHtml(format!(
            "<label for=\"{}\">{}{suffix}</label>",
            self.id_for_label(),
            escape(label)
        ))
    }

    /// The error list (`<ul class="errorlist" id="id_task_error">…`), empty without errors.
    pub fn errors_html(&self) -> SafeHtml {
        SafeHtml(error_list(
            self.errors,
            Some(&format!("{}_error", self.id_for_label())),
            "errorlist",
        ))
    }

    fn help_html(&self, tag: &str) -> String {
        if self.spec.help_text.is_empty() {
            return String::new();
        }
        format!(
            "<{tag} class=\"helptext\" id=\"{}_helptext\">{}</{tag}>",
            self.id_for_label(),
            self.spec.help_text
        )
    }

    /// The widget, with Django's attributes in Django's order.
    pub fn widget(&self) -> SafeHtml {
        let spec = self.spec;
        let id = self.id_for_label();
        let mut attrs = String::new();
        let value = self.value().filter(|v| !v.is_empty());
        let kind = match spec.widget {
            Widget::Text => "text",
            Widget::Number => "number",
            Widget::Checkbox => "checkbox",
            Widget::Password => "password",
            Widget::Email => "email",
            Widget::Hidden => "hidden",
            Widget::File => "file",
            Widget::Select | Widget::Textarea => "",
        };
        let _ = write!(attrs, " name=\"{}\"", escape(spec.name));
        let checked = spec.widget == Widget::Checkbox
            && value
                .is_some_and(|v| !matches!(v.to_ascii_lowercase().as_str(), "false" | "0" | "off"));
        if let Some(v) = value
            && matches!(
                spec.widget,
                Widget::Text | Widget::Number | Widget::Email | Widget::Hidden
            )
        {
            let _ = write!(attrs, " value=\"{}\"", escape(v));
        }
        // A file's max_length limits its name; Django's file input has no maxlength.
        if let Some(n) = spec.max_length.filter(|_| spec.widget != Widget::File) {
            let _ = write!(attrs, " maxlength=\"{n}\"");
        }
        if let Some(n) = spec.min_length {
            let _ = write!(attrs, " minlength=\"{n}\"");
        }
        if spec.widget == Widget::Number {
            if let Some(v) = spec.min_value {
                let _ = write!(attrs, " min=\"{v}\"");
            }
            if let Some(v) = spec.max_value {
                let _ = write!(attrs, " max=\"{v}\"");
            }
            match spec.step_size {
                Some(v) => {
                    let _ = write!(attrs, " step=\"{v}\"");
                }
                None if spec.float => {
                    attrs.push_str(" step=\"any\"");
                }
                None => {}
            }
        }
        if checked {
            attrs.push_str(" checked");
        }
        // Choices given at run time (a foreign key's rows) are borrowed, not copied.
        let choices: std::borrow::Cow<'_, [(String, String)]> = match self.choices {
            Some(given) => given.into(),
            None => (spec.choices)().into(),
        };
        // Django: a select is `required` only when its first choice is an empty placeholder.
        let uses_required = match spec.widget {
            Widget::Select => choices.first().is_some_and(|(v, _)| v.is_empty()),
            Widget::Hidden => false,
            _ => true,
        };
        if spec.required && uses_required {
            attrs.push_str(" required");
        }
        let mut described = Vec::new();
        if !spec.help_text.is_empty() {
            described.push(format!("{id}_helptext"));
        }
        if !self.errors.is_empty() {
            attrs.push_str(" aria-invalid=\"true\"");
            described.push(format!("{id}_error"));
        }
        if !described.is_empty() {
            let _ = write!(attrs, " aria-describedby=\"{}\"", described.join(" "));
        }
        let _ = write!(attrs, " id=\"{id}\"");
        SafeHtml(match spec.widget {
            Widget::Select => {
                // Django's Select shows no value as "", so an empty choice is selected.
                let selected = self.value().unwrap_or("");
                let mut out = format!("<select{attrs}>\n");
                for (v, label) in choices.iter() {
                    let sel = if v.as_str() == selected {
                        " selected"
                    } else {
                        ""
                    };
                    let _ = write!(
                        out,
                        "  <option value=\"{}\"{sel}>{}</option>\n\n",
                        escape(v),
                        escape(label)
                    );
                }
                out.push_str("</select>");
                out
            }
            Widget::Textarea => format!(
                "<textarea{attrs} cols=\"40\" rows=\"10\">\n{}</textarea>",
                escape(value.unwrap_or(""))
            ),
            _ => format!("<input type=\"{kind}\"{attrs}>"),
        })
    }
}

fn error_list(errors: &[ValidationError], id: Option<&str>, class: &str) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let mut out = format!("<ul class=\"{class}\"");
    if let Some(id) = id {
        let _ = write!(out, " id=\"{id}\"");
    }
    out.push('>');
    for e in errors {
        let _ = write!(out, "<li>{}</li>", escape(&e.message));
    }
    out.push_str("</ul>");
    out
}

fn hidden_split<'a>(
    fields: impl Iterator<Item = BoundField<'a>>,
) -> (Vec<BoundField<'a>>, Vec<BoundField<'a>>) {
    fields.partition(|f| f.spec.widget != Widget::Hidden)
}

/// What the three layouts share: the rows one after another, each made by `row`, the hidden
/// fields' widgets inside the last one before it is closed with `close`.
fn layout<'a>(
    mut out: String,
    fields: impl Iterator<Item = BoundField<'a>>,
    row: impl Fn(&BoundField<'a>) -> String,
    close: &str,
) -> SafeHtml {
    let (visible, hidden) = hidden_split(fields);
    let count = visible.len();
    for (i, f) in visible.iter().enumerate() {
        if !out.is_empty() {
            out.push_str("\n\n  ");
        }
        out.push_str(&row(f));
        if i + 1 == count {
            for h in &hidden {
                out.push_str(&h.widget().0);
            }
        }
        out.push_str(close);
    }
    SafeHtml(out)
}

/// Django 5.2's `div.html`.
pub(super) fn as_div<'a>(
    non_field: &[ValidationError],
    fields: impl Iterator<Item = BoundField<'a>>,
) -> SafeHtml {
    let top = error_list(non_field, None, "errorlist nonfield");
    layout(
        top,
        fields,
        |f| {
            format!(
                "<div>\n    {}\n{}\n{}\n{}",
                f.label_tag(),
                f.help_html("div"),
                f.errors_html(),
                f.widget()
            )
        },
        "\n</div>",
    )
}

/// Django 5.2's `p.html`.
pub(super) fn as_p<'a>(
    non_field: &[ValidationError],
    fields: impl Iterator<Item = BoundField<'a>>,
) -> SafeHtml {
    let top = error_list(non_field, None, "errorlist nonfield");
    layout(
        top,
        fields,
        |f| {
            format!(
                "{}\n  <p>\n    {}\n    {}\n    {}",
                f.errors_html(),
                f.label_tag(),
                f.widget(),
                f.help_html("span")
            )
        },
        "\n  </p>",
    )
}

/// Django 5.2's `table.html`.
pub(super) fn as_table<'a>(
    non_field: &[ValidationError],
    fields: impl Iterator<Item = BoundField<'a>>,
) -> SafeHtml {
    let top = if non_field.is_empty() {
        String::new()
    } else {
        format!(
            "<tr><td colspan=\"2\">{}</td></tr>",
            error_list(non_field, None, "errorlist nonfield")
        )
    };
    layout(
        top,
        fields,
        |f| {
            let help = f.help_html("span");
            let help = if help.is_empty() {
                help
            } else {
                format!("<br>\n        {help}")
            };
            format!(
                "<tr>\n    <th>{}</th>\n    <td>\n      {}\n      {}\n      {}",
                f.label_tag(),
                f.errors_html(),
                f.widget(),
                help
            )
        },
        "\n    </td>\n  </tr>",
    )
}
