//! The migration autodetector (Django's MigrationAutodetector): the operations that take an
//! app's models from the state its migrations left to the models as compiled, asking what
//! Django asks (was this a rename? what goes in existing rows?).

use serde_json::Value;

use super::models::{FieldState, ModelState};

/// One change to the schema, as Django's migration operations name them.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// A new table.
    CreateModel(ModelState),
    /// A table dropped.
    DeleteModel(ModelState),
    /// A table renamed (the model was renamed).
    RenameModel {
        /// The model before.
        before: ModelState,
        /// The model after.
        after: ModelState,
    },
    /// A column added; `one_off` fills existing rows when the model gives no default.
    AddField {
        /// The model's name.
        model: String,
        /// The column.
        field: FieldState,
        /// What existing rows get, when the field has no default of its own.
        one_off: Option<Value>,
    },
    /// A column dropped.
    RemoveField {
        /// The model's name.
        model: String,
        /// The column as it was.
        field: FieldState,
    },
    /// A column renamed.
    RenameField {
        /// The model's name.
        model: String,
        /// The old name.
        old: String,
        /// The new name.
        new: String,
    },
    /// A column's type or options changed.
    AlterField {
        /// The model's name.
        model: String,
        /// The column before.
        before: FieldState,
        /// The column after.
        after: FieldState,
        /// What NULLs become when the column stops taking them.
        one_off: Option<Value>,
    },
    /// The model's `unique_together` changed.
    AlterUniqueTogether {
        /// The model's name.
        model: String,
        /// The sets before.
        before: Vec<Vec<String>>,
        /// The sets after.
        after: Vec<Vec<String>>,
    },
}

/// A value of the column's type for rows that need one: the field's default, else zero.
pub fn fill_value(field: &FieldState) -> Value {
    use super::models::FieldKind::*;
    if let Some(d) = &field.default {
        return d.clone();
    }
    match field.kind {
        FloatField => Value::from(0.0),
        BooleanField => Value::from(false),
        CharField { .. } | TextField => Value::from(""),
        DateField => Value::from("1970-01-01"),
        DateTimeField => Value::from("1970-01-01 00:00:00"),
        _ => Value::from(0),
    }
}

impl Operation {
    /// Django's description, with its category symbol (`+ Create model Flight`).
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel(m) => format!("+ Create model {}", m.name),
            Operation::DeleteModel(m) => format!("- Delete model {}", m.name),
            Operation::RenameModel { before, after } => {
                format!("~ Rename model {} to {}", before.name, after.name)
            }
            Operation::AddField { model, field, .. } => {
                format!("+ Add field {} to {}", field.name, model.to_lowercase())
            }
            Operation::RemoveField { model, field } => {
                format!(
                    "- Remove field {} from {}",
                    field.name,
                    model.to_lowercase()
                )
            }
            Operation::RenameField { model, old, new } => {
                format!("~ Rename field {old} on {} to {new}", model.to_lowercase())
            }
            Operation::AlterField { model, after, .. } => {
                format!("~ Alter field {} on {}", after.name, model.to_lowercase())
            }
            Operation::AlterUniqueTogether { model, after, .. } => format!(
                "~ Alter unique_together for {} ({} constraint(s))",
                model.to_lowercase(),
                after.len()
            ),
        }
    }

    /// Django's fragment of a migration's name (`flight_duration`, `delete_airport`).
    pub fn name_fragment(&self) -> String {
        let lower = |s: &str| s.to_lowercase();
        match self {
            Operation::CreateModel(m) => lower(&m.name),
            Operation::DeleteModel(m) => format!("delete_{}", lower(&m.name)),
            Operation::RenameModel { before, after } => {
                format!("rename_{}_{}", lower(&before.name), lower(&after.name))
            }
            Operation::AddField { model, field, .. } => {
                format!("{}_{}", lower(model), lower(&field.name))
            }
            Operation::RemoveField { model, field } => {
                format!("remove_{}_{}", lower(model), lower(&field.name))
            }
            Operation::RenameField { model, old, new } => {
                format!("rename_{}_{}_{}", lower(old), lower(model), lower(new))
            }
            Operation::AlterField { model, after, .. } => {
                format!("alter_{}_{}", lower(model), lower(&after.name))
            }
            Operation::AlterUniqueTogether { model, .. } => {
                format!("alter_{}_unique_together", lower(model))
            }
        }
    }

    /// The operation that undoes this one.
    pub fn reverse(&self) -> Operation {
        match self {
            Operation::CreateModel(m) => Operation::DeleteModel(m.clone()),
            Operation::DeleteModel(m) => Operation::CreateModel(m.clone()),
            Operation::RenameModel { before, after } => Operation::RenameModel {
                before: after.clone(),
                after: before.clone(),
            },
            Operation::AddField { model, field, .. } => Operation::RemoveField {
                model: model.clone(),
                field: field.clone(),
            },
            Operation::RemoveField { model, field } => Operation::AddField {
                model: model.clone(),
                field: field.clone(),
                one_off: (!field.null && field.default.is_none()).then(|| fill_value(field)),
            },
            Operation::RenameField { model, old, new } => Operation::RenameField {
                model: model.clone(),
                old: new.clone(),
                new: old.clone(),
            },
            Operation::AlterField {
                model,
                before,
                after,
                ..
            } => Operation::AlterField {
                model: model.clone(),
                before: after.clone(),
                after: before.clone(),
                one_off: (after.null && !before.null).then(|| fill_value(before)),
            },
            Operation::AlterUniqueTogether {
                model,
                before,
                after,
            } => Operation::AlterUniqueTogether {
                model: model.clone(),
                before: after.clone(),
                after: before.clone(),
            },
        }
    }

    /// The model this operation changes, by name, after it.
    pub fn model_name(&self) -> &str {
        match self {
            Operation::CreateModel(m) | Operation::DeleteModel(m) => &m.name,
            Operation::RenameModel { after, .. } => &after.name,
            Operation::AddField { model, .. }
            | Operation::RemoveField { model, .. }
            | Operation::RenameField { model, .. }
            | Operation::AlterField { model, .. }
            | Operation::AlterUniqueTogether { model, .. } => model,
        }
    }

    /// Applies the operation to a state (Django's `state_forwards`).
    pub fn apply(&self, state: &mut Vec<ModelState>) {
        let find = |state: &mut Vec<ModelState>, name: &str| -> Option<usize> {
            state.iter().position(|m| m.name == name)
        };
        match self {
            Operation::CreateModel(m) => state.push(m.clone()),
            Operation::DeleteModel(m) => state.retain(|s| s.name != m.name),
            Operation::RenameModel { before, after } => {
                if let Some(i) = find(state, &before.name) {
                    state[i].name = after.name.clone();
                    state[i].table = after.table.clone();
                }
                for model in state.iter_mut() {
                    for f in &mut model.fields {
                        if let Some(fk) = &mut f.foreign_key
                            && fk.table == before.table
                        {
                            fk.table = after.table.clone();
                            fk.to = fk.to.replace(&before.name, &after.name);
                        }
                    }
                }
            }
            Operation::AddField { model, field, .. } => {
                if let Some(i) = find(state, model) {
                    state[i].fields.push(field.clone());
                }
            }
            Operation::RemoveField { model, field } => {
                if let Some(i) = find(state, model) {
                    state[i].fields.retain(|f| f.name != field.name);
                    for group in &mut state[i].unique_together {
                        group.retain(|c| *c != field.name);
                    }
                }
            }
            Operation::RenameField { model, old, new } => {
                if let Some(i) = find(state, model) {
                    for f in &mut state[i].fields {
                        if f.name == *old {
                            f.name = new.clone();
                        }
                    }
                    for group in &mut state[i].unique_together {
                        for c in group.iter_mut() {
                            if c == old {
                                *c = new.clone();
                            }
                        }
                    }
                }
            }
            Operation::AlterField { model, after, .. } => {
                if let Some(i) = find(state, model) {
                    for f in &mut state[i].fields {
                        if f.name == after.name {
                            *f = after.clone();
                        }
                    }
                }
            }
            Operation::AlterUniqueTogether { model, after, .. } => {
                if let Some(i) = find(state, model) {
                    state[i].unique_together = after.clone();
                }
            }
        }
    }
}

/// What the autodetector asks when the models alone do not say (Django's questioner).
pub trait Questioner {
    /// Was the model `old` renamed to `new`?
    fn ask_rename_model(
        &mut self,
        app: &str,
        old: &ModelState,
        new: &ModelState,
    ) -> Result<bool, String>;
    /// Was `model.old` renamed to `model.new`?
    fn ask_rename(
        &mut self,
        model: &str,
        old: &FieldState,
        new: &FieldState,
    ) -> Result<bool, String>;
    /// The value existing rows get in a new NOT NULL column without a default.
    fn ask_not_null_addition(&mut self, model: &str, field: &FieldState) -> Result<Value, String>;
    /// The value existing NULLs get when a column stops taking NULL.
    fn ask_not_null_alteration(&mut self, model: &str, field: &FieldState)
    -> Result<Value, String>;
}

/// Whether two fields are the same column but for the name (a rename candidate).
fn same_but_name(a: &FieldState, b: &FieldState) -> bool {
    a.renamed(&b.name) == *b
}

/// Whether two lists of models describe the same schema (order of models aside).
pub fn same_models(a: &[ModelState], b: &[ModelState]) -> bool {
    a.len() == b.len() && a.iter().all(|m| b.iter().any(|n| n == m))
}

/// Orders new models so that each comes after the models its foreign keys point at.
fn by_dependency(models: Vec<ModelState>) -> Vec<ModelState> {
    let mut left = models;
    let mut out: Vec<ModelState> = Vec::new();
    while !left.is_empty() {
        let ready = left.iter().position(|m| {
            m.fields.iter().all(|f| match &f.foreign_key {
                Some(fk) => {
                    fk.table == m.table
                        || !left.iter().any(|o| o.table == fk.table && o.name != m.name)
                }
                None => true,
            })
        });
        // A cycle of foreign keys: take the first and let the database defer the check.
        out.push(left.remove(ready.unwrap_or(0)));
    }
    out
}

/// The operations from `old` to `new` for app `app`, asking `q` what the models do not say.
pub fn changes(
    app: &str,
    old: &[ModelState],
    new: &[ModelState],
    q: &mut dyn Questioner,
) -> Result<Vec<Operation>, String> {
    let mut ops = Vec::new();
    let mut state: Vec<ModelState> = old.to_vec();

    // Models renamed: one gone and one new with the same columns.
    let mut added: Vec<&ModelState> = new
        .iter()
        .filter(|m| !old.iter().any(|o| o.name == m.name))
        .collect();
    let removed: Vec<&ModelState> = old
        .iter()
        .filter(|m| !new.iter().any(|n| n.name == m.name))
        .collect();
    let mut removed_left = removed.clone();
    for gone in &removed {
        let candidate = added
            .iter()
            .position(|n| n.fields == gone.fields && n.unique_together == gone.unique_together);
        if let Some(i) = candidate
            && q.ask_rename_model(app, gone, added[i])?
        {
            let op = Operation::RenameModel {
                before: (*gone).clone(),
                after: added[i].clone(),
            };
            op.apply(&mut state);
            ops.push(op);
            added.remove(i);
            removed_left.retain(|r| r.name != gone.name);
        }
    }

    // New models, each after the ones it points at.
    for m in by_dependency(added.into_iter().cloned().collect()) {
        let op = Operation::CreateModel(m);
        op.apply(&mut state);
        ops.push(op);
    }

    // Models in both: their columns.
    for model in new {
        let Some(before) = state.iter().find(|m| m.name == model.name).cloned() else {
            continue;
        };
        if before == *model {
            continue;
        }
        let mut gone: Vec<FieldState> = before
            .fields
            .iter()
            .filter(|f| model.field(&f.name).is_none())
            .cloned()
            .collect();
        for field in &model.fields {
            match before.field(&field.name) {
                Some(old_field) if old_field == field => {}
                Some(old_field) => {
                    if old_field.primary_key != field.primary_key {
                        return Err(format!(
                            "{}.{} cannot become or stop being the primary key in a migration makemigrations writes: write that one by hand (makemigrations --empty {app})",
                            model.name, field.name
                        ));
                    }
                    let one_off = if old_field.null && !field.null && field.default.is_none() {
                        Some(q.ask_not_null_alteration(&model.name, field)?)
                    } else {
                        None
                    };
                    let op = Operation::AlterField {
                        model: model.name.clone(),
                        before: old_field.clone(),
                        after: field.clone(),
                        one_off,
                    };
                    op.apply(&mut state);
                    ops.push(op);
                }
                None => {
                    let renamed_from = match gone.iter().position(|g| same_but_name(g, field)) {
                        Some(i) if q.ask_rename(&model.name, &gone[i], field)? => {
                            Some(gone.remove(i))
                        }
                        _ => None,
                    };
                    let op = match renamed_from {
                        Some(old_field) => Operation::RenameField {
                            model: model.name.clone(),
                            old: old_field.name,
                            new: field.name.clone(),
                        },
                        None => {
                            if field.primary_key {
                                return Err(format!(
                                    "{}.{} is a new primary key: makemigrations cannot change a table's key; write that migration by hand (makemigrations --empty {app})",
                                    model.name, field.name
                                ));
                            }
                            let one_off = if !field.null && field.default.is_none() {
                                Some(q.ask_not_null_addition(&model.name, field)?)
                            } else {
                                None
                            };
                            Operation::AddField {
                                model: model.name.clone(),
                                field: field.clone(),
                                one_off,
                            }
                        }
                    };
                    op.apply(&mut state);
                    ops.push(op);
                }
            }
        }
        for field in gone {
            if field.primary_key {
                return Err(format!(
                    "{}.{} is the primary key: makemigrations cannot drop a table's key; write that migration by hand (makemigrations --empty {app})",
                    model.name, field.name
                ));
            }
            let op = Operation::RemoveField {
                model: model.name.clone(),
                field,
            };
            op.apply(&mut state);
            ops.push(op);
        }
        let current = state
            .iter()
            .find(|m| m.name == model.name)
            .map(|m| m.unique_together.clone())
            .unwrap_or_default();
        if current != model.unique_together {
            let op = Operation::AlterUniqueTogether {
                model: model.name.clone(),
                before: current,
                after: model.unique_together.clone(),
            };
            op.apply(&mut state);
            ops.push(op);
        }
    }

    // Models gone, those pointed at last.
    let mut deleted = by_dependency(removed_left.into_iter().cloned().collect());
    deleted.reverse();
    for m in deleted {
        let op = Operation::DeleteModel(m);
        op.apply(&mut state);
        ops.push(op);
    }
    Ok(ops)
}

/// Django's name for a migration of these operations (`initial` first, then
/// `flight_duration`, `…_and_more`, or `auto_<timestamp>`).
pub fn suggest_name(ops: &[Operation], initial: bool, now: &str) -> String {
    if initial {
        return "initial".into();
    }
    let fragments: Vec<String> = ops.iter().map(Operation::name_fragment).collect();
    let Some(first) = fragments.first() else {
        return format!("auto_{now}");
    };
    let mut name = first.clone();
    for fragment in &fragments[1..] {
        let longer = format!("{name}_{fragment}");
        if longer.len() > 52 {
            name.push_str("_and_more");
            break;
        }
        name = longer;
    }
    name
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::db::models::{FieldKind, ForeignKey, OnDelete};

    struct Answers {
        renames: bool,
        default: Option<Value>,
    }

    impl Questioner for Answers {
        fn ask_rename_model(
            &mut self,
            _: &str,
            _: &ModelState,
            _: &ModelState,
        ) -> Result<bool, String> {
            Ok(self.renames)
        }
        fn ask_rename(&mut self, _: &str, _: &FieldState, _: &FieldState) -> Result<bool, String> {
            Ok(self.renames)
        }
        fn ask_not_null_addition(&mut self, m: &str, f: &FieldState) -> Result<Value, String> {
            self.default
                .clone()
                .ok_or_else(|| format!("no default for {m}.{}", f.name))
        }
        fn ask_not_null_alteration(&mut self, m: &str, f: &FieldState) -> Result<Value, String> {
            self.ask_not_null_addition(m, f)
        }
    }

    pub(crate) fn field(name: &str, kind: FieldKind) -> FieldState {
        FieldState {
            name: name.into(),
            primary_key: kind.is_auto(),
            kind,
            null: false,
            unique: false,
            db_index: false,
            default: None,
            foreign_key: None,
        }
    }

    pub(crate) fn airport() -> ModelState {
        ModelState {
            name: "Airport".into(),
            table: "flights_airport".into(),
            fields: vec![
                field("id", FieldKind::BigAutoField),
                FieldState {
                    unique: true,
                    ..field("code", FieldKind::CharField { max_length: 3 })
                },
                field("city", FieldKind::CharField { max_length: 64 }),
            ],
            unique_together: vec![],
        }
    }

    pub(crate) fn flight() -> ModelState {
        ModelState {
            name: "Flight".into(),
            table: "flights_flight".into(),
            fields: vec![
                field("id", FieldKind::BigAutoField),
                FieldState {
                    foreign_key: Some(ForeignKey {
                        to: "flights.Airport".into(),
                        table: "flights_airport".into(),
                        column: "id".into(),
                        on_delete: OnDelete::Cascade,
                    }),
                    ..field("origin_id", FieldKind::BigIntegerField)
                },
                field("duration", FieldKind::IntegerField),
            ],
            unique_together: vec![],
        }
    }

    fn no() -> Answers {
        Answers {
            renames: false,
            default: None,
        }
    }

    #[test]
    fn new_models_come_after_the_ones_they_point_at() {
        let ops = changes("flights", &[], &[flight(), airport()], &mut no()).unwrap();
        let names: Vec<String> = ops.iter().map(Operation::describe).collect();
        assert_eq!(names, ["+ Create model Airport", "+ Create model Flight"]);
        assert_eq!(suggest_name(&ops, true, "x"), "initial");
    }

    #[test]
    fn no_change_no_operation() {
        let ops = changes(
            "flights",
            &[airport(), flight()],
            &[flight(), airport()],
            &mut no(),
        )
        .unwrap();
        assert!(ops.is_empty());
        assert!(same_models(&[airport(), flight()], &[flight(), airport()]));
    }

    #[test]
    fn a_new_not_null_field_asks_for_a_default() {
        let mut new = flight();
        new.fields.push(field("seats", FieldKind::IntegerField));
        let err = changes(
            "flights",
            &[airport(), flight()],
            &[airport(), new.clone()],
            &mut no(),
        )
        .unwrap_err();
        assert_eq!(err, "no default for Flight.seats");
        let mut yes = Answers {
            renames: false,
            default: Some(Value::from(100)),
        };
        let ops = changes(
            "flights",
            &[airport(), flight()],
            &[airport(), new],
            &mut yes,
        )
        .unwrap();
        assert_eq!(
            ops,
            [Operation::AddField {
                model: "Flight".into(),
                field: field("seats", FieldKind::IntegerField),
                one_off: Some(Value::from(100)),
            }]
        );
        assert_eq!(suggest_name(&ops, false, "x"), "flight_seats");
        assert_eq!(ops[0].describe(), "+ Add field seats to flight");
    }

    #[test]
    fn a_nullable_or_defaulted_field_asks_nothing() {
        let mut new = flight();
        new.fields.push(FieldState {
            null: true,
            ..field("gate", FieldKind::TextField)
        });
        new.fields.push(FieldState {
            default: Some(Value::from(1)),
            ..field("stops", FieldKind::IntegerField)
        });
        let ops = changes("flights", &[flight()], &[new], &mut no()).unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(suggest_name(&ops, false, "x"), "flight_gate_flight_stops");
    }

    #[test]
    fn a_rename_is_asked_about_and_a_no_is_a_drop_and_an_add() {
        let mut new = flight();
        new.fields[2] = field("minutes", FieldKind::IntegerField);
        let mut yes = Answers {
            renames: true,
            default: Some(Value::from(0)),
        };
        let ops = changes("flights", &[flight()], &[new.clone()], &mut yes).unwrap();
        assert_eq!(
            ops,
            [Operation::RenameField {
                model: "Flight".into(),
                old: "duration".into(),
                new: "minutes".into()
            }]
        );
        assert_eq!(
            suggest_name(&ops, false, "x"),
            "rename_duration_flight_minutes"
        );
        let mut no_rename = Answers {
            renames: false,
            default: Some(Value::from(0)),
        };
        let ops = changes("flights", &[flight()], &[new], &mut no_rename).unwrap();
        let names: Vec<String> = ops.iter().map(Operation::describe).collect();
        assert_eq!(
            names,
            [
                "+ Add field minutes to flight",
                "- Remove field duration from flight"
            ]
        );
    }

    #[test]
    fn altering_a_field_and_deleting_a_model() {
        let mut new = airport();
        new.fields[2] = field("city", FieldKind::CharField { max_length: 128 });
        let ops = changes("flights", &[airport(), flight()], &[new], &mut no()).unwrap();
        let names: Vec<String> = ops.iter().map(Operation::describe).collect();
        assert_eq!(
            names,
            ["~ Alter field city on airport", "- Delete model Flight"]
        );
        assert_eq!(ops[0].reverse().reverse(), ops[0]);
    }

    #[test]
    fn a_model_renamed() {
        let mut renamed = airport();
        renamed.name = "Port".into();
        renamed.table = "flights_port".into();
        let mut yes = Answers {
            renames: true,
            default: None,
        };
        let ops = changes("flights", &[airport()], &[renamed.clone()], &mut yes).unwrap();
        assert_eq!(ops[0].describe(), "~ Rename model Airport to Port");
        let ops = changes("flights", &[airport()], &[renamed], &mut no()).unwrap();
        let names: Vec<String> = ops.iter().map(Operation::describe).collect();
        assert_eq!(names, ["+ Create model Port", "- Delete model Airport"]);
    }

    #[test]
    fn long_names_end_with_and_more() {
        let ops: Vec<Operation> = (0..6)
            .map(|i| Operation::AddField {
                model: "Flight".into(),
                field: field(&format!("field_number_{i}"), FieldKind::IntegerField),
                one_off: None,
            })
            .collect();
        assert_eq!(
            suggest_name(&ops, false, "x"),
            "flight_field_number_0_flight_field_number_1_and_more"
        );
    }
}
