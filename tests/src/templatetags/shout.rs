//! `{% load shout %}`: a project's own filters, as Django's `register.filter`.

use manouche::templates::Value;

/// `{{ name|shout }}` → "WORLD!", `{{ name|shout:"?" }}` → "WORLD?". Keeps a safe input
/// safe, as a Django filter marked `is_safe` does.
pub fn shout<'a>(value: Value<'a>, arg: Option<Value<'a>>, _autoescape: bool) -> Value<'a> {
    let end = arg.map_or("!".to_string(), |a| a.text().into_owned());
    let text = format!("{}{end}", value.text().to_uppercase());
    if value.is_safe() {
        Value::Safe(text.into())
    } else {
        Value::Str(text.into())
    }
}
