//! Forms from models (Django's ModelForm): `#[model(form = AirportForm)]` on a model makes a
//! form of its fields. A foreign key is a `<select>` of the rows it may point at, and `save`
//! inserts the row (`save_to` updates one), turning the database's refusals into the form's
//! errors as Django's `validate_unique` and `ModelChoiceField` do.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::{Bound, Form, ValidationError};
use crate::db::models::{FieldState, ModelState};
use crate::db::{AnyConnection, Model};
use crate::error::Error;
use crate::http::{Method, Request};

/// Each foreign key field's choices, by field.
pub type FieldChoices = Vec<(&'static str, Vec<(String, String)>)>;

/// A form made from a model by `#[model(form = …)]`.
pub trait ModelForm: Form {
    /// The model it saves.
    type Model: Model;

    /// Each foreign key field's choices, `("", "---------")` first: the rows it may point
    /// at, by key and `Display`.
    fn load_choices(conn: &mut AnyConnection) -> diesel::QueryResult<FieldChoices>;

    /// Inserts a row with the form's values.
    fn insert(&self, conn: &mut AnyConnection) -> diesel::QueryResult<Self::Model>;

    /// Writes the form's values into `row` and saves it.
    fn update(&self, conn: &mut AnyConnection, row: &mut Self::Model) -> diesel::QueryResult<()>;

    /// A view's whole use of the form: bound to a POST (unbound otherwise), saved when
    /// valid, on the request's database. The form to show (with its choices and any
    /// refusal), and the row when one was saved.
    #[allow(async_fn_in_trait)]
    async fn submit(request: &Request) -> Result<(Bound<Self>, Option<Self::Model>), Error>
    where
        Self: Send + 'static,
        Self::Model: Send + 'static,
    {
        let form = if request.method() == Method::POST {
            Self::bind(request).await?
        } else {
            Self::unbound()
        };
        request
            .db()?
            .run(move |c| {
                let mut form = form;
                let saved = form.save(c)?;
                Ok::<_, Error>((form, saved))
            })
            .await
    }
}

/// Django's ModelChoiceField `invalid_choice` message.
const INVALID_CHOICE: &str =
    "Select a valid choice. That choice is not one of the available choices.";

/// Django's `verbose_name` of a model, capitalised: `PassengerFlight` → "Passenger flight".
fn model_label(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A field's label as Django's: a foreign key's without `_id`, `_` as spaces, capitalised.
pub fn field_label(field: &FieldState) -> String {
    let name = match (&field.foreign_key, field.name.strip_suffix("_id")) {
        (Some(_), Some(stem)) => stem,
        _ => &field.name,
    };
    let spaced = name.replace('_', " ");
    let mut c = spaced.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The columns a unique violation names: SQLite's "UNIQUE constraint failed: t.a, t.b",
/// or PostgreSQL's "Key (a, b)=(…) already exists.".
fn violated_columns(message: &str, details: Option<&str>) -> Vec<String> {
    if let Some(list) = message.strip_prefix("UNIQUE constraint failed: ") {
        return list
            .split(", ")
            .map(|c| c.rsplit('.').next().unwrap_or(c).trim().to_owned())
            .collect();
    }
    details
        .and_then(|d| d.strip_prefix("Key ("))
        .and_then(|d| d.split_once(")="))
        .map(|(cols, _)| {
            cols.split(", ")
                .map(|c| c.trim_matches('"').to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Django's unique error message for `columns` of `model`, and the field it goes to.
fn unique_error(model: &ModelState, columns: &[String]) -> (Option<String>, String) {
    let labels: Vec<String> = columns
        .iter()
        .map(|c| model.field(c).map_or_else(|| c.clone(), field_label))
        .collect();
    let model_name = model_label(&model.name);
    match labels.as_slice() {
        [one] => (
            columns.first().cloned(),
            format!("{model_name} with this {one} already exists."),
        ),
        [rest @ .., last] => (
            None,
            format!(
                "{model_name} with this {} and {last} already exists.",
                rest.join(", ")
            ),
        ),
        [] => (
            None,
            format!("{model_name} with these values already exists."),
        ),
    }
}

impl<F: ModelForm> Bound<F> {
    /// Loads each foreign key's choices from the database, for the `<select>` and for
    /// `save`'s check.
    pub fn load_choices(&mut self, conn: &mut AnyConnection) -> Result<(), Error> {
        for (field, choices) in F::load_choices(conn)? {
            self.set_choices(field, choices);
        }
        Ok(())
    }

    /// Inserts the row when the form is valid (Django's `form.save()`); `None` when it is
    /// not, or when the database refused it (a unique value taken, a row pointed at that is
    /// gone), with the refusal added to the form's errors.
    pub fn save(&mut self, conn: &mut AnyConnection) -> Result<Option<F::Model>, Error> {
        self.write(conn, |form, conn| form.insert(conn))
    }

    /// Saves the form's values into `row` (Django's `ModelForm(instance=row).save()`);
    /// `false` when the form is not valid or the database refused, as for [`Bound::save`].
    pub fn save_to(&mut self, conn: &mut AnyConnection, row: &mut F::Model) -> Result<bool, Error> {
        Ok(self
            .write(conn, |form, conn| form.update(conn, row))?
            .is_some())
    }

    /// What `save` and `save_to` share: the choices checked, then `write` run when the form
    /// is valid, and a refusal the database gives made the form's error (`None`).
    fn write<T>(
        &mut self,
        conn: &mut AnyConnection,
        write: impl FnOnce(&F, &mut AnyConnection) -> diesel::QueryResult<T>,
    ) -> Result<Option<T>, Error> {
        if !self.check_choices(conn)? {
            return Ok(None);
        }
        let Some(form) = self.cleaned.as_ref() else {
            return Ok(None);
        };
        match write(form, conn) {
            Ok(value) => Ok(Some(value)),
            Err(e) => self.refused(e).map(|()| None),
        }
    }

    /// Loads the choices (the form is shown again when it is not saved), then checks that
    /// each foreign key's value is one of them (the row exists).
    fn check_choices(&mut self, conn: &mut AnyConnection) -> Result<bool, Error> {
        let loaded = F::load_choices(conn)?;
        let mut ok = self.cleaned.is_some();
        for (field, choices) in loaded {
            let raw = self.raw(field).unwrap_or("").to_owned();
            if ok && !raw.is_empty() && !choices.iter().any(|(v, _)| *v == raw) {
                self.add_error(
                    Some(field),
                    ValidationError::new(INVALID_CHOICE, "invalid_choice"),
                );
                ok = false;
            }
            self.set_choices(field, choices);
        }
        Ok(ok)
    }

    /// A unique violation becomes the form's error; any other error stays an error.
    fn refused(&mut self, e: DieselError) -> Result<(), Error> {
        let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &e else {
            return Err(e.into());
        };
        let model = <F::Model as Model>::state();
        let columns = violated_columns(info.message(), info.details());
        let (field, message) = unique_error(&model, &columns);
        let field = field.and_then(|f| F::fields().iter().find(|s| s.name == f).map(|s| s.name));
        self.add_error(field, ValidationError::new(message, "unique"));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::autodetector::tests::{airport, flight};

    #[test]
    fn labels_and_messages_are_djangos() {
        assert_eq!(model_label("PassengerFlight"), "Passenger flight");
        assert_eq!(field_label(&flight().fields[1]), "Origin");
        assert_eq!(
            violated_columns("UNIQUE constraint failed: flights_airport.code", None),
            ["code"]
        );
        assert_eq!(
            violated_columns(
                "duplicate key value violates unique constraint \"x\"",
                Some("Key (passenger_id, flight_id)=(1, 1) already exists.")
            ),
            ["passenger_id", "flight_id"]
        );
        assert_eq!(
            unique_error(&airport(), &["code".into()]),
            (
                Some("code".into()),
                "Airport with this Code already exists.".into()
            )
        );
        assert_eq!(
            unique_error(&flight(), &["origin_id".into(), "duration".into()]).1,
            "Flight with this Origin and Duration already exists."
        );
    }
}
