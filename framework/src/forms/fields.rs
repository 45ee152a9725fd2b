//! What a form field may be, and how each cleans its raw value with Django's rules and
//! messages (`CharField`, `IntegerField`, `FloatField`, `BooleanField`, `ChoiceField`).

use super::{FieldSpec, ValidationError, Widget};
use crate::files::{Files, UploadedFile};

/// A type a form field can have. `#[derive(Form)]` needs one for each field.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a form field",
    label = "unsupported form field type",
    note = "a form field is a `String`, an integer, `f64`, `f32`, `bool`, an enum deriving `Choices`, an `UploadedFile`, or an `Option` of one of those (not required)"
)]
pub trait FormValue: Sized {
    /// The widget Django gives this kind of field.
    const WIDGET: Widget;
    /// Whether a value must be given.
    const REQUIRED: bool = true;
    /// Whether it is a float (its number input takes `step="any"`).
    const FLOAT: bool = false;
    /// Cleans the raw value (`None` when the key was not sent).
    fn clean(raw: Option<&str>, spec: &FieldSpec) -> Result<Self, Vec<ValidationError>>;
    /// Cleans the field from what was sent: its raw value, or (a file field) its file.
    fn clean_input(
        raw: Option<&str>,
        _files: &Files,
        spec: &FieldSpec,
    ) -> Result<Self, Vec<ValidationError>> {
        Self::clean(raw, spec)
    }
    /// Whether something was sent for the field (an `Option` of it is `None` otherwise).
    fn given(raw: Option<&str>, _files: &Files, _spec: &FieldSpec) -> bool {
        raw.is_some_and(|r| !r.trim().is_empty())
    }
    /// The choices of a select, as (value, label).
    fn choices() -> Vec<(String, String)> {
        Vec::new()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "character" } else { "characters" }
}

/// Django's `EMPTY_VALUES` for text: missing or "".
fn is_empty(raw: Option<&str>) -> bool {
    raw.is_none_or(str::is_empty)
}

impl FormValue for String {
    const WIDGET: Widget = Widget::Text;

    fn clean(raw: Option<&str>, spec: &FieldSpec) -> Result<Self, Vec<ValidationError>> {
        let value = raw.unwrap_or("");
        let value = if spec.strip { value.trim() } else { value };
        if value.is_empty() {
            return if spec.required {
                Err(vec![spec.error("required", "This field is required.", &[])])
            } else {
                Ok(String::new())
            };
        }
        let mut errors = Vec::new();
        let n = value.chars().count();
        if let Some(max) = spec.max_length
            && n > max
        {
            errors.push(spec.error(
                "max_length",
                &format!(
                    "Ensure this value has at most {max} {} (it has {n}).",
                    plural(max)
                ),
                &[
                    ("limit_value", max.to_string()),
                    ("show_value", n.to_string()),
                ],
            ));
        }
        if let Some(min) = spec.min_length
            && n < min
        {
            errors.push(spec.error(
                "min_length",
                &format!(
                    "Ensure this value has at least {min} {} (it has {n}).",
                    plural(min)
                ),
                &[
                    ("limit_value", min.to_string()),
                    ("show_value", n.to_string()),
                ],
            ));
        }
        if value.contains('\0') {
            errors.push(spec.error(
                "null_characters_not_allowed",
                "Null characters are not allowed.",
                &[],
            ));
        }
        if errors.is_empty() {
            Ok(value.to_owned())
        } else {
            Err(errors)
        }
    }
}

/// Django's `IntegerField.to_python`: strip, drop a trailing `.0…`, then parse.
fn integer_text(raw: &str) -> &str {
    let t = raw.trim();
    match t.find('.') {
        Some(dot) if t[dot + 1..].bytes().all(|b| b == b'0') => &t[..dot],
        _ => t,
    }
}

fn number_limits<T>(
    value: T,
    spec: &FieldSpec,
    parse: impl Fn(&str) -> Option<T>,
    multiple: impl Fn(T, T, Option<T>) -> bool,
) -> Vec<ValidationError>
where
    T: PartialOrd + std::fmt::Display + Copy + std::ops::Add<Output = T>,
{
    let mut errors = Vec::new();
    // Django adds MaxValue, MinValue, then StepValue validators, in that order.
    if let Some(max) = spec.max_value.and_then(&parse)
        && value > max
    {
        errors.push(spec.error(
            "max_value",
            &format!("Ensure this value is less than or equal to {max}."),
            &[("limit_value", max.to_string())],
        ));
    }
    let min = spec.min_value.and_then(&parse);
    if let Some(min) = min
        && value < min
    {
        errors.push(spec.error(
            "min_value",
            &format!("Ensure this value is greater than or equal to {min}."),
            &[("limit_value", min.to_string())],
        ));
    }
    if let Some(step) = spec.step_size.and_then(&parse)
        && !multiple(value, step, min)
    {
        let message = match min {
            Some(offset) => format!(
                "Ensure this value is a multiple of step size {step}, starting from {offset}, e.g. {offset}, {}, {}, and so on.",
                offset + step,
                offset + step + step
            ),
            None => format!("Ensure this value is a multiple of step size {step}."),
        };
        errors.push(spec.error("step_size", &message, &[("limit_value", step.to_string())]));
    }
    errors
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FormValue for $t {
            const WIDGET: Widget = Widget::Number;

            fn clean(raw: Option<&str>, spec: &FieldSpec) -> Result<Self, Vec<ValidationError>> {
                if is_empty(raw.map(str::trim)) {
                    return Err(vec![spec.error("required", "This field is required.", &[])]);
                }
                let text = integer_text(raw.unwrap_or(""));
                let value: $t = text
                    .parse()
                    .map_err(|_| vec![spec.error("invalid", "Enter a whole number.", &[])])?;
                let errors = number_limits(
                    value,
                    spec,
                    |s| s.parse().ok(),
                    |v, step, min| {
                        let offset = min.unwrap_or(0);
                        step != 0 && ((v as i128) - (offset as i128)) % (step as i128) == 0
                    },
                );
                if errors.is_empty() { Ok(value) } else { Err(errors) }
            }
        }
    )*};
}
integers!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

macro_rules! floats {
    ($($t:ty),*) => {$(
        impl FormValue for $t {
            const WIDGET: Widget = Widget::Number;
            const FLOAT: bool = true;

            fn clean(raw: Option<&str>, spec: &FieldSpec) -> Result<Self, Vec<ValidationError>> {
                let text = raw.unwrap_or("").trim();
                if text.is_empty() {
                    return Err(vec![spec.error("required", "This field is required.", &[])]);
                }
                let value: $t = text
                    .parse()
                    .ok()
                    .filter(|v: &$t| v.is_finite())
                    .ok_or_else(|| vec![spec.error("invalid", "Enter a number.", &[])])?;
                let errors = number_limits(
                    value,
                    spec,
                    |s| s.parse().ok(),
                    |v, step, min| {
                        let q = (v - min.unwrap_or(0.0)) / step;
                        (q - q.round()).abs() < 1e-9
                    },
                );
                if errors.is_empty() { Ok(value) } else { Err(errors) }
            }
        }
    )*};
}
floats!(f64, f32);

/// A checkbox (Django's `BooleanField(required=False)`): checked is true; absent, "false",
/// "0" or "off" is false. `#[field(required)]` makes it a box that must be checked.
impl FormValue for bool {
    const WIDGET: Widget = Widget::Checkbox;
    const REQUIRED: bool = false;

    fn clean(raw: Option<&str>, spec: &FieldSpec) -> Result<Self, Vec<ValidationError>> {
        let value = match raw.map(|r| r.trim().to_ascii_lowercase()) {
            None => false,
            Some(v) => !matches!(v.as_str(), "" | "false" | "0" | "off"),
        };
        if !value && spec.required {
            return Err(vec![spec.error("required", "This field is required.", &[])]);
        }
        Ok(value)
    }
}

/// Not required: empty or missing is `None`.
impl<T: FormValue> FormValue for Option<T> {
    const WIDGET: Widget = T::WIDGET;
    const REQUIRED: bool = false;
    const FLOAT: bool = T::FLOAT;

    fn clean(raw: Option<&str>, spec: &FieldSpec) -> Result<Self, Vec<ValidationError>> {
        Self::clean_input(raw, &Files::new(), spec)
    }

    fn clean_input(
        raw: Option<&str>,
        files: &Files,
        spec: &FieldSpec,
    ) -> Result<Self, Vec<ValidationError>> {
        if !T::given(raw, files, spec) {
            return Ok(None);
        }
        T::clean_input(raw, files, spec).map(Some)
    }

    fn choices() -> Vec<(String, String)> {
        T::choices()
    }
}

/// A file (Django's `FileField`): the upload sent under the field's name, with
/// `max_length` limiting its name and `allow_empty_file` accepting an empty one. A form with
/// one needs `enctype="multipart/form-data"` (see `Bound::is_multipart`).
impl FormValue for UploadedFile {
    const WIDGET: Widget = Widget::File;

    fn clean(_: Option<&str>, spec: &FieldSpec) -> Result<Self, Vec<ValidationError>> {
        Self::clean_input(None, &Files::new(), spec)
    }

    fn clean_input(
        _: Option<&str>,
        files: &Files,
        spec: &FieldSpec,
    ) -> Result<Self, Vec<ValidationError>> {
        let Some(file) = files.get(spec.name) else {
            return Err(vec![spec.error("required", "This field is required.", &[])]);
        };
        let length = file.name().chars().count();
        if let Some(max) = spec.max_length
            && length > max
        {
            return Err(vec![spec.error(
                "max_length",
                &format!(
                    "Ensure this filename has at most {max} {} (it has {length}).",
                    plural(max)
                ),
                &[("max", max.to_string()), ("length", length.to_string())],
            )]);
        }
        if file.name().is_empty() {
            return Err(vec![spec.error(
                "invalid",
                "No file was submitted. Check the encoding type on the form.",
                &[],
            )]);
        }
        if !spec.allow_empty_file && file.size() == 0 {
            return Err(vec![spec.error(
                "empty",
                "The submitted file is empty.",
                &[],
            )]);
        }
        Ok(file.clone())
    }

    fn given(_: Option<&str>, files: &Files, spec: &FieldSpec) -> bool {
        files.get(spec.name).is_some()
    }
}

/// An enum whose variants are a select's choices (`#[derive(Choices)]`).
pub trait Choices: Sized + 'static {
    /// (value, label) of each variant, in order.
    const CHOICES: &'static [(&'static str, &'static str)];
    /// The variant for a submitted value.
    fn from_value(value: &str) -> Option<Self>;
    /// The value submitted for this variant.
    fn value(&self) -> &'static str;
}

/// Cleans a choice as Django's `ChoiceField` does.
pub fn clean_choice<T: Choices>(
    raw: Option<&str>,
    spec: &FieldSpec,
) -> Result<T, Vec<ValidationError>> {
    let text = raw.unwrap_or("");
    if text.is_empty() {
        return Err(vec![spec.error("required", "This field is required.", &[])]);
    }
    T::from_value(text).ok_or_else(|| {
        vec![spec.error(
            "invalid_choice",
            &format!("Select a valid choice. {text} is not one of the available choices."),
            &[("value", text.to_owned())],
        )]
    })
}
