// ANCHOR: all
use manouche::Form;

/// The lecture's form: a task, and a priority from 1 to 5.
#[derive(Form, Debug)]
pub struct NewTaskForm {
    #[field(label = "New Task", max_length = 200)]
    pub task: String,
    #[field(label = "Priority", min_value = 1, max_value = 5)]
    pub priority: i64,
}
// ANCHOR_END: all
