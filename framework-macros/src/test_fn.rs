//! `#[manouche::test]`: an `async fn` test run from a plain `#[test]`, on a runtime of its
//! own, so a project's tests need no async runtime among their dependencies.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

pub fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !args.is_empty() {
        return Err(syn::Error::new_spanned(
            args,
            "#[manouche::test] takes no arguments",
        ));
    }
    let mut function: ItemFn = syn::parse2(item)?;
    if function.sig.asyncness.take().is_none() {
        return Err(syn::Error::new_spanned(
            function.sig.fn_token,
            "#[manouche::test] is for `async fn` tests; a plain `fn` test takes `#[test]`",
        ));
    }
    if !function.sig.inputs.is_empty() {
        return Err(syn::Error::new_spanned(
            &function.sig.inputs,
            "a test takes no arguments",
        ));
    }
    let body = &function.block;
    let attrs = &function.attrs;
    let vis = &function.vis;
    let sig = &function.sig;
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis #sig {
            ::manouche::test::block_on(async move #body)
        }
    })
}
