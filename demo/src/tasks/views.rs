use manouche::prelude::*;

// ANCHOR: index
#[derive(Template)]
#[template(path = "tasks/index.html")]
struct Index {
    tasks: Vec<String>,
}

/// `tasks:index`: the list kept in the session (Django's `request.session["tasks"]`).
#[view]
pub async fn index(request: &mut Request) -> Result<Response> {
    let tasks: Vec<String> = request.session().get("tasks").await?.unwrap_or_default();
    render(request, Index { tasks })
}
// ANCHOR_END: index

// ANCHOR: add
#[derive(Template)]
#[template(path = "tasks/add.html")]
struct Add {
    task: String,
    error: Option<&'static str>,
}

/// `tasks:add`: the form; a valid POST adds the task and goes back to the list.
#[view]
pub async fn add(request: &mut Request) -> Result<Response> {
    if request.method() == Method::POST {
        let task = request.post().get("task").unwrap_or("").trim().to_string();
        let error = if task.is_empty() {
            Some("This field is required.")
        } else if task.chars().count() > 200 {
            Some("Ensure this value has at most 200 characters.")
        } else {
            None
        };
        if error.is_none() {
            request
                .session()
                .update("tasks", |tasks: &mut Vec<String>| tasks.push(task))
                .await?;
            return Ok(redirect(url!("tasks:index")));
        }
        return render(request, Add { task, error });
    }
    render(
        request,
        Add {
            task: String::new(),
            error: None,
        },
    )
}
// ANCHOR_END: add
