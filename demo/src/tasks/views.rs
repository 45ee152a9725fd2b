// ANCHOR: all
use manouche::prelude::*;

use manouche::files::FileSystemStorage;

use super::forms::{AttachmentForm, NewTaskForm};

// ANCHOR: index
#[derive(Template)]
#[template(path = "tasks/index.html")]
struct Index {
    tasks: Vec<String>,
}

/// `tasks:index`: the list kept in the session (Django's `request.session["tasks"]`).
#[view]
pub async fn index(request: &mut Request) -> Result<Response> {
    let session = request.session().await?;
    let tasks: Vec<String> = session.get("tasks")?.unwrap_or_default();
    render(request, Index { tasks })
}
// ANCHOR_END: index

// ANCHOR: add
#[derive(Template)]
#[template(path = "tasks/add.html")]
struct Add {
    form: Bound<NewTaskForm>,
}

/// `tasks:add`: the form; a valid POST adds the task and goes back to the list, an invalid
/// one shows the form again with what was typed and the errors.
#[view]
pub async fn add(request: &mut Request) -> Result<Response> {
    if request.method() == Method::POST {
        let form = NewTaskForm::bind(request).await?;
        if let Some(data) = form.cleaned() {
            let task = data.task.clone();
            let mut session = request.session().await?;
            session.update("tasks", |tasks: &mut Vec<String>| tasks.push(task))?;
            return Ok(redirect(url!("tasks:index")));
        }
        return render(request, Add { form });
    }
    render(
        request,
        Add {
            form: NewTaskForm::unbound(),
        },
    )
}
// ANCHOR_END: add

// ANCHOR: files
#[derive(Template)]
#[template(path = "tasks/files.html")]
struct Files {
    form: Bound<AttachmentForm>,
    /// (task, URL of its file), as kept in the session.
    attachments: Vec<(String, String)>,
}

/// `tasks:files`: a task with an optional file. The file is saved under MEDIA_ROOT
/// (`attachments/<safe name>`) and the task, with its file's URL, kept in the session.
#[view]
pub async fn files(request: &mut Request) -> Result<Response> {
    let form = if request.method() == Method::POST {
        let form = AttachmentForm::bind(request).await?;
        if let Some(data) = form.cleaned() {
            let task = data.task.clone();
            let link = match &data.attachment {
                Some(file) => {
                    let storage = FileSystemStorage::media(request.settings());
                    let stored = storage
                        .save(&format!("attachments/{}", file.name()), file)
                        .await?;
                    Some(storage.url(&stored))
                }
                None => None,
            };
            let mut session = request.session().await?;
            session.update("tasks", |tasks: &mut Vec<String>| tasks.push(task.clone()))?;
            if let Some(url) = link {
                session.update("attachments", |files: &mut Vec<(String, String)>| {
                    files.push((task, url))
                })?;
            }
            return Ok(redirect(url!("tasks:files")));
        }
        form
    } else {
        AttachmentForm::unbound()
    };
    let session = request.session().await?;
    let attachments = session.get("attachments")?.unwrap_or_default();
    render(request, Files { form, attachments })
}
// ANCHOR_END: files
// ANCHOR_END: all
