//! Forms of the test site, mirroring the Django forms whose output tests/forms.rs records.

use manouche::forms::ValidationError;
use manouche::{Choices, Form};

/// The lecture's form, as the demo defines it.
pub use demo::tasks::forms::NewTaskForm;

/// A choice.
#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Low.
    #[choice(value = "lo", label = "Low")]
    Low,
    /// High.
    #[choice(value = "hi", label = "High")]
    High,
}

fn always_fails(_form: &Everything) -> Result<(), ValidationError> {
    Err(ValidationError::new("Form-wide problem.", ""))
}

/// Help text, a checkbox, a float, a choice, and a form-wide check.
#[derive(Form, Debug)]
#[form(validate = always_fails)]
pub struct Everything {
    /// Optional, at least 2 characters.
    #[field(help_text = "Your <b>name</b>", min_length = 2)]
    pub name: Option<String>,
    /// A checkbox.
    pub agree: bool,
    /// A float.
    pub score: f64,
    /// A select.
    pub level: Level,
}

fn not_admin(name: &String) -> Result<(), ValidationError> {
    if name == "admin" {
        Err(ValidationError::new("That name is taken.", "taken"))
    } else {
        Ok(())
    }
}

/// Options, a custom validator and custom messages.
#[derive(Form, Debug)]
pub struct Signup {
    /// With a validator and its own required message.
    #[field(validate = not_admin, error_messages(required = "Pick a name."))]
    pub username: String,
    /// Optional number.
    pub age: Option<u32>,
    /// A multiple of 5 from 10.
    #[field(min_value = 10, step_size = 5, initial = 10)]
    pub quantity: i32,
    /// Must be checked.
    #[field(required)]
    pub terms: bool,
}
