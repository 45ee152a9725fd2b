// ANCHOR: all
use manouche::prelude::*;

use super::forms::NewTaskForm;

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
// ANCHOR_END: all
