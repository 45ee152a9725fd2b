//! `app_config! { name = "flights", models = [models::Airport, models::Flight] }`: an
//! installed app (Django's AppConfig) as `pub static CONFIG`. Its migrations are those
//! `makemigrations` writes in `src/<name>/migrations/`: `sqlite/` and `postgres/` folders
//! of SQL, and `state.json`, the models as those migrations leave them.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};

use crate::migrations::{embed_if_any, manifest_dir};

/// What the macro is given.
struct Input {
    name: LitStr,
    models: Vec<syn::Path>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut name = None;
        let mut models = Vec::new();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            if key == "name" {
                name = Some(input.parse::<LitStr>()?);
            } else if key == "models" {
                let content;
                syn::bracketed!(content in input);
                let list = Punctuated::<syn::Path, Token![,]>::parse_terminated(&content)?;
                models = list.into_iter().collect();
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    "app_config! takes name = \"app\" and models = [Model, …]",
                ));
            }
            input.parse::<Option<Token![,]>>()?;
        }
        let name = name.ok_or_else(|| {
            syn::Error::new(
                input.span(),
                "app_config! needs the app's name: app_config! { name = \"flights\", models = [...] }",
            )
        })?;
        let ok = !name.value().is_empty()
            && name
                .value()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(syn::Error::new(
                name.span(),
                "an app's label is lowercase letters, digits and '_' (it starts its tables' names)",
            ));
        }
        Ok(Input { name, models })
    }
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let Input { name, models } = syn::parse2(input)?;
    let label = name.value();
    let folder = Path::new(&manifest_dir())
        .join("src")
        .join(&label)
        .join("migrations");
    let sqlite = embed_if_any(&folder.join("sqlite"), &name)?;
    let postgres = embed_if_any(&folder.join("postgres"), &name)?;
    let state_file = folder.join("state.json");
    let state = if state_file.is_file() {
        let p = state_file.to_string_lossy().into_owned();
        quote!(::core::option::Option::Some(::core::include_str!(#p)))
    } else {
        quote!(::core::option::Option::None)
    };
    let folder_str = folder.to_string_lossy().into_owned();
    let m = quote!(::manouche::db::models);
    let checks = models.iter().map(|path| {
        let shown = quote!(#path).to_string().replace(' ', "");
        let message = format!("{shown} is a model of another app: list it in that app's app_config!");
        quote! {
            const _: () = ::core::assert!(#m::same_name(<#path as #m::Model>::APP, #label), #message);
        }
    });
    Ok(quote! {
        /// This app as the project installs it (`Project::app`): its models and migrations.
        pub static CONFIG: #m::AppConfig = #m::AppConfig {
            name: #label,
            models: &[#(<#models as #m::Model>::state),*],
            migrations: ::manouche::db::migrations::MigrationSet {
                folder: #folder_str,
                source: |backend| match backend {
                    ::manouche::db::Backend::Sqlite => #sqlite,
                    ::manouche::db::Backend::Postgres => #postgres,
                },
                state: #state,
            },
        };
        #(#checks)*
    })
}
