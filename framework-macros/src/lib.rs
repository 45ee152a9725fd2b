//! The procedural macros of manouche. Each macro is parse → model → check (spanned errors)
//! → expand into calls of the runtime in `manouche::__private`; this file only routes.

mod app;
mod app_config;
mod chain;
mod form;
mod migrations;
mod model;
mod route;
mod suggest;
mod template;
mod template_syntax;
mod test_fn;
mod url;
mod urlpatterns;
mod view;

use proc_macro::TokenStream;

/// `#[manouche::test]` on an `async fn`: a `#[test]` that runs it on a runtime of its own.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    test_fn::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes a handler function a view: `#[view] pub async fn greet(request: &Request, name: String)`.
///
/// The first parameter is the request (`&Request` or `&mut Request`); the others are path
/// parameters, matched by name with the route's captures. `#[view(csrf_exempt)]` skips CSRF.
#[proc_macro_attribute]
pub fn view(args: TokenStream, item: TokenStream) -> TokenStream {
    view::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `migrations!("src/<app>/migrations")`: an app's SQL migrations, embedded.
#[proc_macro]
pub fn migrations(input: TokenStream) -> TokenStream {
    migrations::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A URLconf: `urlpatterns! { path("<str:name>", views::greet, name = "greet"), … }`.
#[proc_macro]
pub fn urlpatterns(input: TokenStream) -> TokenStream {
    urlpatterns::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Gives the URLconf module beside it a namespace: `app!(name = "tasks");`.
#[proc_macro]
pub fn app(input: TokenStream) -> TokenStream {
    app::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A compile-time checked reverse lookup: `url!("tasks:add")`, `url!("hello:greet", name = n)`.
///
/// Without arguments it is a `String`; with arguments a `Result<String, NoReverseMatch>`,
/// since a value may not fit its converter (a `/` in a `str` parameter).
#[proc_macro]
pub fn url(input: TokenStream) -> TokenStream {
    url::start(input.into()).into()
}

/// A compiled template, with Django's syntax and folders:
/// `#[derive(Template)] #[template(path = "tasks/index.html")] struct Index { tasks: Vec<String> }`.
///
/// Templates are looked up in the project's `templates/`, then in each app's
/// `src/<app>/templates/`. The project needs a `build.rs` (see the book).
#[proc_macro_derive(Template, attributes(template))]
pub fn derive_template(input: TokenStream) -> TokenStream {
    template::derive(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A form: `#[derive(Form)] struct NewTaskForm { #[field(label = "New Task", max_length = 200)] task: String }`.
///
/// Each field is a `String`, an integer, a float, `bool` (a checkbox), an enum deriving
/// `Choices` (a select), or an `Option` of one (not required). `#[field(…)]` takes Django's
/// options; `#[form(validate = f)]` checks the whole form.
#[proc_macro_derive(Form, attributes(field, form))]
pub fn derive_form(input: TokenStream) -> TokenStream {
    form::derive_form(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A model: `#[derive(Model)] pub struct Flight { pub id: i64, #[field(foreign_key = Airport,
/// on_delete = CASCADE)] pub origin_id: i64, pub duration: i32 }` is the table
/// `flights_flight`, diesel's `table!` module `flight`, and `NewFlight` to insert.
#[proc_macro_derive(Model, attributes(model, field))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model::derive(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// An installed app (Django's AppConfig) in the app's `mod.rs`:
/// `app_config! { name = "flights", models = [models::Airport, models::Flight] }` makes
/// `pub static CONFIG`, with the migrations in `src/flights/migrations`.
#[proc_macro]
pub fn app_config(input: TokenStream) -> TokenStream {
    app_config::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// An enum whose variants are a form's choices: `#[choice(value = "lo", label = "Low")]`.
#[proc_macro_derive(Choices, attributes(choice))]
pub fn derive_choices(input: TokenStream) -> TokenStream {
    form::derive_choices(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[doc(hidden)]
#[proc_macro]
pub fn __urlconf_step(input: TokenStream) -> TokenStream {
    chain::step(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[doc(hidden)]
#[proc_macro]
pub fn __url_lookup(input: TokenStream) -> TokenStream {
    url::lookup(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
