//! Models: what `#[derive(Model)]` records of a struct (its table, its columns and their
//! options) so that `makemigrations` can compare the compiled models with the state the
//! app's migrations left, and the app that lists them (Django's AppConfig).

use serde::{Deserialize, Serialize};

use super::migrations::MigrationSet;

/// A struct with `#[derive(Model)]`: a table of an app.
pub trait Model {
    /// The app's label (`flights`).
    const APP: &'static str;
    /// The model's name (`Flight`).
    const NAME: &'static str;
    /// The table (`flights_flight`, Django's `<app>_<model>`).
    const TABLE: &'static str;
    /// Its primary key's column (`id`).
    const PK: &'static str;
    /// The model as `makemigrations` sees it.
    fn state() -> ModelState;
}

/// A column's type, with Django's field names (a `String` with `max_length` is a
/// `CharField`, without one a `TextField`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum FieldKind {
    /// `id: i32`, the database numbering the rows.
    AutoField,
    /// `id: i64`, the database numbering the rows (Django's DEFAULT_AUTO_FIELD).
    BigAutoField,
    /// `i16`.
    SmallIntegerField,
    /// `i32`.
    IntegerField,
    /// `i64`.
    BigIntegerField,
    /// `f64`.
    FloatField,
    /// `bool`.
    BooleanField,
    /// `String` with `max_length`.
    CharField {
        /// The most characters it takes.
        max_length: u32,
    },
    /// `String` without `max_length`.
    TextField,
    /// `chrono::NaiveDate`.
    DateField,
    /// `chrono::NaiveDateTime`.
    DateTimeField,
}

impl FieldKind {
    /// Whether the database numbers this column itself.
    pub fn is_auto(&self) -> bool {
        matches!(self, FieldKind::AutoField | FieldKind::BigAutoField)
    }

    /// Django's class name for it (`IntegerField`), for messages.
    pub fn django_name(&self) -> &'static str {
        match self {
            FieldKind::AutoField => "AutoField",
            FieldKind::BigAutoField => "BigAutoField",
            FieldKind::SmallIntegerField => "SmallIntegerField",
            FieldKind::IntegerField => "IntegerField",
            FieldKind::BigIntegerField => "BigIntegerField",
            FieldKind::FloatField => "FloatField",
            FieldKind::BooleanField => "BooleanField",
            FieldKind::CharField { .. } => "CharField",
            FieldKind::TextField => "TextField",
            FieldKind::DateField => "DateField",
            FieldKind::DateTimeField => "DateTimeField",
        }
    }

    /// A value typed for this column (`--default`, or the answer to makemigrations'
    /// question): a number, `true`/`false`, or text, quoted or not.
    pub fn parse_value(&self, text: &str) -> Result<serde_json::Value, String> {
        use serde_json::Value;
        let text = text.trim();
        let unquoted = |t: &str| {
            let quoted = t.len() >= 2
                && ((t.starts_with('\'') && t.ends_with('\''))
                    || (t.starts_with('"') && t.ends_with('"')));
            if quoted {
                t[1..t.len() - 1].to_owned()
            } else {
                t.to_owned()
            }
        };
        let bad = || format!("{text:?} is not a value for a {}", self.django_name());
        match self {
            FieldKind::FloatField => text.parse::<f64>().map(Value::from).map_err(|_| bad()),
            FieldKind::BooleanField => match text {
                "true" | "True" | "1" => Ok(Value::from(true)),
                "false" | "False" | "0" => Ok(Value::from(false)),
                _ => Err(bad()),
            },
            FieldKind::CharField { .. }
            | FieldKind::TextField
            | FieldKind::DateField
            | FieldKind::DateTimeField => Ok(Value::from(unquoted(text))),
            _ => text.parse::<i64>().map(Value::from).map_err(|_| bad()),
        }
    }
}

/// What deleting a referenced row does to the rows that point at it (Django's `on_delete`;
/// manouche has the database do it, so it holds for every query).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OnDelete {
    /// Delete them too.
    Cascade,
    /// Refuse the delete.
    Protect,
    /// Refuse the delete (checked at once, even in a transaction).
    Restrict,
    /// Set their column to NULL (the field must be an `Option`).
    SetNull,
    /// Nothing: the database's default check at the end of the transaction.
    DoNothing,
}

impl OnDelete {
    /// The SQL clause, or nothing.
    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => " ON DELETE CASCADE",
            OnDelete::Protect | OnDelete::Restrict => " ON DELETE RESTRICT",
            OnDelete::SetNull => " ON DELETE SET NULL",
            OnDelete::DoNothing => "",
        }
    }
}

/// A foreign key: the table it points at (at its primary key) and `on_delete`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The model it points at, as `app.Model`.
    pub to: String,
    /// That model's table.
    pub table: String,
    /// That table's primary key column.
    pub column: String,
    /// What deleting the row pointed at does.
    pub on_delete: OnDelete,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One column of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldState {
    /// The field's and the column's name.
    pub name: String,
    /// Its type.
    #[serde(flatten)]
    pub kind: FieldKind,
    /// Whether it takes NULL (an `Option` field).
    #[serde(default, skip_serializing_if = "is_false")]
    pub null: bool,
    /// Whether it is the primary key.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// Whether two rows may not share a value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Whether it has an index of its own.
    #[serde(default, skip_serializing_if = "is_false")]
    pub db_index: bool,
    /// The value existing rows get when the column is added (`#[field(default = …)]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// The row it points at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_key: Option<ForeignKey>,
}

impl FieldState {
    /// Whether a column needs an index: asked for, or a foreign key (Django indexes those).
    pub fn indexed(&self) -> bool {
        (self.db_index || self.foreign_key.is_some()) && !self.unique && !self.primary_key
    }

    /// The same column under another name.
    pub fn renamed(&self, name: &str) -> FieldState {
        FieldState {
            name: name.to_owned(),
            ..self.clone()
        }
    }
}

/// A model: its table and columns, as compiled or as the migrations left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelState {
    /// The model's name (`Flight`).
    pub name: String,
    /// Its table.
    pub table: String,
    /// Its columns, in order.
    pub fields: Vec<FieldState>,
    /// Sets of columns no two rows may share (`#[model(unique_together = (a, b))]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_together: Vec<Vec<String>>,
}

impl ModelState {
    /// A column by name.
    pub fn field(&self, name: &str) -> Option<&FieldState> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// An app's models as its migrations leave them: the `state.json` beside its migrations,
/// rewritten by each `makemigrations`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppState {
    /// The newest migration (`0002_flight_duration`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
    /// The models.
    pub models: Vec<ModelState>,
}

/// An installed app (Django's AppConfig): its label, its models and its migrations.
/// `manouche::app_config!` makes one; `Project::app` installs it.
#[derive(Debug)]
pub struct AppConfig {
    /// The label (`flights`): the prefix of its tables and of its migrations' names.
    pub name: &'static str,
    /// Each model's [`Model::state`].
    pub models: &'static [fn() -> ModelState],
    /// Its migrations folder as found when compiling.
    pub migrations: MigrationSet,
}

impl AppConfig {
    /// The models as compiled.
    pub fn state(&self) -> Vec<ModelState> {
        self.models.iter().map(|m| m()).collect()
    }

    /// The state its migrations leave, as embedded when compiling.
    pub fn migrated_state(&self) -> Result<AppState, String> {
        match self.migrations.state {
            None => Ok(AppState::default()),
            Some(json) => serde_json::from_str(json)
                .map_err(|e| format!("{}/state.json cannot be read: {e}", self.migrations.folder)),
        }
    }

    /// Whether the models differ from the state their migrations leave (Django's check
    /// "Your models have changes that are not yet reflected in a migration").
    pub fn has_changes(&self) -> bool {
        self.migrated_state().map_or(true, |state| {
            !super::autodetector::same_models(&state.models, &self.state())
        })
    }
}

/// Compares two names in a constant (for `app_config!`'s check that its models are its own).
#[doc(hidden)]
pub const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
