//! `app!(name = "tasks")`: the namespace of the URLconf module it stands in (Django's
//! `app_name`). `urlpatterns!` reads it from the same module; here it becomes `APP_NAME`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Ident, LitStr, Token};

/// Parses `name = "tasks"` and checks the name.
pub fn parse_name(input: TokenStream) -> syn::Result<LitStr> {
    syn::parse::Parser::parse2(
        |input: syn::parse::ParseStream| {
            let key: Ident = input.parse()?;
            if key != "name" {
                return Err(syn::Error::new(
                    key.span(),
                    "app! takes the app's name: app!(name = \"tasks\")",
                ));
            }
            input.parse::<Token![=]>()?;
            let name: LitStr = input.parse()?;
            input.parse::<Option<Token![,]>>()?;
            let value = name.value();
            let ok = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok {
                return Err(syn::Error::new(
                    name.span(),
                    "an app name is letters, digits, '_' and '-' (it is the namespace in \"tasks:add\")",
                ));
            }
            Ok(name)
        },
        input,
    )
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let name = parse_name(input)?;
    Ok(quote! {
        /// The namespace of this app's URL names (Django's `app_name`).
        pub const APP_NAME: &str = #name;
    })
}
