// ANCHOR: all
use manouche::Form;
use manouche::files::UploadedFile;

/// The lecture's form: a task, and a priority from 1 to 5.
#[derive(Form, Debug)]
pub struct NewTaskForm {
    #[field(label = "New Task", max_length = 200)]
    pub task: String,
    #[field(label = "Priority", min_value = 1, max_value = 5)]
    pub priority: i64,
}

// ANCHOR: attachment
/// A task with a file (Django's `forms.FileField(required=False)`).
#[derive(Form, Debug)]
pub struct AttachmentForm {
    #[field(label = "Task", max_length = 200)]
    pub task: String,
    #[field(label = "Attachment", max_length = 100)]
    pub attachment: Option<UploadedFile>,
}
// ANCHOR_END: attachment
// ANCHOR_END: all
