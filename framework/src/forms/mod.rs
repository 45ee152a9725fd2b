//! Forms (Django's `django.forms`): `#[derive(Form)]` on a struct gives parsing of form
//! bodies and query strings, validation with Django's rules and messages, and rendering
//! (`{{ form }}` is Django 5.2's `as_div`). A [`Bound`] form keeps what was typed and the
//! errors, for re-rendering; [`Bound::cleaned`] gives the typed struct only when all is valid.

mod fields;
mod model;
mod render;

use std::fmt::Write;

pub use fields::{Choices, FormValue, clean_choice};
pub use model::{FieldChoices, ModelForm};
pub use render::{BoundField, SafeHtml};

use crate::error::Error;
use crate::files::Files;
use crate::http::{Method, QueryDict, Request};

/// A validation failure: Django's message and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The message shown to the user.
    pub message: String,
    /// Django's code (`required`, `max_length`, …), for `error_messages` and `as_json`.
    pub code: String,
}

impl ValidationError {
    /// An error with a message and a code.
    pub fn new(message: impl Into<String>, code: impl Into<String>) -> Self {
        ValidationError {
            message: message.into(),
            code: code.into(),
        }
    }
}

/// The widget a field is shown with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    /// `<input type="text">`.
    Text,
    /// `<input type="number">`.
    Number,
    /// `<input type="checkbox">`.
    Checkbox,
    /// `<select>`.
    Select,
    /// `<textarea>`.
    Textarea,
    /// `<input type="password">` (never shows the submitted value).
    Password,
    /// `<input type="email">`.
    Email,
    /// `<input type="hidden">`.
    Hidden,
    /// `<input type="file">` (never shows a submitted value).
    File,
}

/// What `#[derive(Form)]` knows of a field.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The field's name (the form key).
    pub name: &'static str,
    /// The label (`name.replace("_", " ").capitalize()` unless given).
    pub label: &'static str,
    /// Help text, shown as given (Django marks it safe).
    pub help_text: &'static str,
    /// Whether a value must be given.
    pub required: bool,
    /// The widget.
    pub widget: Widget,
    /// The initial value of an unbound form.
    pub initial: Option<&'static str>,
    /// CharField's `max_length`.
    pub max_length: Option<usize>,
    /// CharField's `min_length`.
    pub min_length: Option<usize>,
    /// Number fields' `max_value`, as written.
    pub max_value: Option<&'static str>,
    /// Number fields' `min_value`, as written.
    pub min_value: Option<&'static str>,
    /// Number fields' `step_size`, as written.
    pub step_size: Option<&'static str>,
    /// Strip spaces from text (Django's `strip=True`).
    pub strip: bool,
    /// A file field accepts an empty file.
    pub allow_empty_file: bool,
    /// Messages replaced by code (`error_messages`).
    pub messages: &'static [(&'static str, &'static str)],
    /// A select's choices (value, label).
    pub choices: fn() -> Vec<(String, String)>,
    /// A float field (its number input takes `step="any"`).
    pub float: bool,
}

impl FieldSpec {
    /// The error for `code`: the form's own message for it if given (with `%(name)s`
    /// placeholders filled), else Django's.
    pub fn error(&self, code: &str, default: &str, params: &[(&str, String)]) -> ValidationError {
        let message = match self.messages.iter().find(|(c, _)| *c == code) {
            Some((_, own)) => {
                let mut m = own.to_string();
                for (k, v) in params {
                    m = m
                        .replace(&format!("%({k})s"), v)
                        .replace(&format!("%({k})d"), v);
                }
                m
            }
            None => default.to_owned(),
        };
        ValidationError::new(message, code)
    }
}

/// Errors of a bound form: per field, in field order, and form-wide (`__all__`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    fields: Vec<(&'static str, Vec<ValidationError>)>,
    non_field: Vec<ValidationError>,
}

impl FormErrors {
    /// Adds errors for `field`.
    pub fn add(&mut self, field: &'static str, errors: Vec<ValidationError>) {
        if errors.is_empty() {
            return;
        }
        match self.fields.iter_mut().find(|(f, _)| *f == field) {
            Some((_, list)) => list.extend(errors),
            None => self.fields.push((field, errors)),
        }
    }

    /// Adds a form-wide error.
    pub fn add_non_field(&mut self, error: ValidationError) {
        self.non_field.push(error);
    }

    /// The errors of one field.
    pub fn get(&self, field: &str) -> &[ValidationError] {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(&[], |(_, e)| e.as_slice())
    }

    /// The form-wide errors.
    pub fn non_field_errors(&self) -> &[ValidationError] {
        &self.non_field
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.non_field.is_empty()
    }

    /// Django's `errors.as_text()`.
    pub fn as_text(&self) -> String {
        let mut out = String::new();
        let all = self
            .fields
            .iter()
            .map(|(f, e)| (*f, e))
            .chain((!self.non_field.is_empty()).then_some(("__all__", &self.non_field)));
        for (field, errors) in all {
            let _ = writeln!(out, "* {field}");
            for e in errors {
                let _ = writeln!(out, "  * {}", e.message);
            }
        }
        out.trim_end_matches('\n').to_string()
    }

    /// Django's `errors.as_json()`.
    pub fn as_json(&self) -> String {
        let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let all = self
            .fields
            .iter()
            .map(|(f, e)| (*f, e))
            .chain((!self.non_field.is_empty()).then_some(("__all__", &self.non_field)));
        let items: Vec<String> = all
            .map(|(field, errors)| {
                let list: Vec<String> = errors
                    .iter()
                    .map(|e| {
                        format!(
                            "{{\"message\": {}, \"code\": {}}}",
                            quote(&e.message),
                            quote(&e.code)
                        )
                    })
                    .collect();
                format!("{}: [{}]", quote(field), list.join(", "))
            })
            .collect();
        format!("{{{}}}", items.join(", "))
    }
}

/// A form: what `#[derive(Form)]` implements.
pub trait Form: Sized {
    /// The fields, in order.
    fn fields() -> &'static [FieldSpec];

    /// Cleans every field and then the form; the struct only when all is valid.
    fn clean(data: &QueryDict, files: &Files, errors: &mut FormErrors) -> Option<Self>;

    /// A form bound to `data`, validated.
    fn bind_data(data: QueryDict) -> Bound<Self> {
        Self::bind_with_files(data, Files::new())
    }

    /// A form bound to `data` and uploaded `files` (Django's `Form(request.POST,
    /// request.FILES)`), validated.
    fn bind_with_files(data: QueryDict, files: Files) -> Bound<Self> {
        let mut errors = FormErrors::default();
        let cleaned = Self::clean(&data, &files, &mut errors);
        Bound {
            data: Some(data),
            errors,
            cleaned,
            choices: Vec::new(),
        }
    }

    /// The form bound to the request: its form body (and files) for POST, PUT and PATCH,
    /// else its query string. More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS is a 400.
    #[allow(async_fn_in_trait)]
    async fn bind(request: &Request) -> Result<Bound<Self>, Error> {
        let max = request.settings().data_upload_max_number_fields;
        Ok(match *request.method() {
            // A form body's fields were counted as it was read.
            Method::POST | Method::PUT | Method::PATCH => {
                Self::bind_with_files(request.post(), request.files().clone())
            }
            _ => {
                crate::http::FieldCount::check(max, request.query_string().as_bytes())?;
                Self::bind_data(request.query())
            }
        })
    }

    /// An empty form, showing initial values.
    fn unbound() -> Bound<Self> {
        Bound {
            data: None,
            errors: FormErrors::default(),
            cleaned: None,
            choices: Vec::new(),
        }
    }
}

/// A form, bound to submitted data or not.
#[derive(Debug, Clone)]
pub struct Bound<F> {
    data: Option<QueryDict>,
    errors: FormErrors,
    cleaned: Option<F>,
    /// Choices given at run time (a foreign key's rows), by field.
    choices: Vec<(&'static str, Vec<(String, String)>)>,
}

impl<F: Form> Bound<F> {
    /// The typed values, when the form is bound and valid (Django's `cleaned_data`).
    pub fn cleaned(&self) -> Option<&F> {
        self.cleaned.as_ref()
    }

    /// The typed values, owned.
    pub fn into_cleaned(self) -> Option<F> {
        self.cleaned
    }

    /// Bound and without errors.
    pub fn is_valid(&self) -> bool {
        self.cleaned.is_some()
    }

    /// Whether the form has a file field, so that its `<form>` needs
    /// `enctype="multipart/form-data"` (Django's `is_multipart()`).
    pub fn is_multipart(&self) -> bool {
        F::fields().iter().any(|f| f.widget == Widget::File)
    }

    /// Whether data was submitted.
    pub fn is_bound(&self) -> bool {
        self.data.is_some()
    }

    /// The errors (none for an unbound form).
    pub fn errors(&self) -> &FormErrors {
        &self.errors
    }

    /// The raw value submitted for `field`.
    pub fn raw(&self, field: &str) -> Option<&str> {
        self.data.as_ref()?.get(field)
    }

    /// Gives a select its choices at run time (value, label), e.g. a foreign key's rows.
    pub fn set_choices(&mut self, field: &'static str, choices: Vec<(String, String)>) {
        self.choices.retain(|(f, _)| *f != field);
        self.choices.push((field, choices));
    }

    /// The choices given to `field` with [`Bound::set_choices`].
    pub fn choices_of(&self, field: &str) -> Option<&[(String, String)]> {
        self.choices
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| c.as_slice())
    }

    /// Adds an error found after cleaning (Django's `add_error`): to `field`, or to the
    /// whole form with `None`. The form is no longer valid.
    pub fn add_error(&mut self, field: Option<&'static str>, error: ValidationError) {
        match field {
            Some(f) => self.errors.add(f, vec![error]),
            None => self.errors.add_non_field(error),
        }
        self.cleaned = None;
    }

    /// One field, for laying a form out by hand: `{{ form.field("task").label_tag() }}`.
    pub fn field(&self, name: &str) -> Option<BoundField<'_>> {
        let spec = F::fields().iter().find(|f| f.name == name)?;
        Some(self.bound_field(spec))
    }

    fn bound_field(&self, spec: &'static FieldSpec) -> BoundField<'_> {
        BoundField::new(
            spec,
            self.data.as_ref(),
            self.errors.get(spec.name),
            self.choices_of(spec.name),
        )
    }

    fn bound_fields(&self) -> impl Iterator<Item = BoundField<'_>> {
        F::fields().iter().map(|spec| self.bound_field(spec))
    }

    /// Django 5.2's `as_div()`, what `{{ form }}` shows.
    pub fn as_div(&self) -> SafeHtml {
        render::as_div(self.errors.non_field_errors(), self.bound_fields())
    }

    /// Django's `as_p()`.
    pub fn as_p(&self) -> SafeHtml {
        render::as_p(self.errors.non_field_errors(), self.bound_fields())
    }

    /// Django's `as_table()` (the rows; the `<table>` is yours).
    pub fn as_table(&self) -> SafeHtml {
        render::as_table(self.errors.non_field_errors(), self.bound_fields())
    }
}

impl<F: Form> std::fmt::Display for Bound<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_div().0)
    }
}

/// `{{ form }}` in a template is HTML already escaped where it must be.
impl<F: Form> askama::filters::HtmlSafe for Bound<F> {}
