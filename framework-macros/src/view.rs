//! `#[view]`: keeps the function as written and adds a struct of the same name (types only,
//! so it does not clash) whose fields are the path parameters, with a `View` impl that calls
//! the function and turns its return value into a response.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, Pat, ReturnType, Type};

const SHAPE: &str = "a view is `fn name(request: &Request, <path parameters>…) -> impl IntoResponse` (async or not); path parameters are owned values named like the route's captures, e.g. `name: String`";

fn is_request(ty: &Type) -> bool {
    let Type::Reference(r) = ty else { return false };
    matches!(&*r.elem, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Request"))
}

pub fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut csrf_exempt = false;
    let mut login_required = false;
    let mut staff_required = false;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("csrf_exempt") {
            csrf_exempt = true;
            Ok(())
        } else if meta.path.is_ident("login_required") {
            login_required = true;
            Ok(())
        } else if meta.path.is_ident("staff_required") {
            staff_required = true;
            Ok(())
        } else {
            Err(meta.error(
                "unknown view option; the options are: `csrf_exempt`, `login_required`, `staff_required`",
            ))
        }
    });
    syn::parse::Parser::parse2(parser, args)?;
    let func: ItemFn = syn::parse2(item)?;
    let sig = &func.sig;
    if let Some(g) = sig.generics.params.first() {
        return Err(syn::Error::new(
            g.span(),
            format!("a view cannot be generic; {SHAPE}"),
        ));
    }
    if let Some(c) = &sig.constness {
        return Err(syn::Error::new(
            c.span,
            format!("a view cannot be `const`; {SHAPE}"),
        ));
    }
    if let Some(u) = &sig.unsafety {
        return Err(syn::Error::new(
            u.span,
            format!("a view cannot be `unsafe`; {SHAPE}"),
        ));
    }
    if let Some(v) = &sig.variadic {
        return Err(syn::Error::new(v.span(), SHAPE));
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Typed(t)) if is_request(&t.ty) => {}
        Some(FnArg::Receiver(r)) => {
            return Err(syn::Error::new(
                r.span(),
                format!("a view cannot take `self`; {SHAPE}"),
            ));
        }
        Some(other) => {
            return Err(syn::Error::new(
                other.span(),
                format!(
                    "a view takes the request first (`request: &Request` or `request: &mut Request`); {SHAPE}"
                ),
            ));
        }
        None => {
            return Err(syn::Error::new(
                sig.paren_token.span.join(),
                format!(
                    "a view takes the request first (`request: &Request` or `request: &mut Request`); {SHAPE}"
                ),
            ));
        }
    }
    let mut fields = Vec::new();
    for arg in inputs {
        let FnArg::Typed(t) = arg else {
            return Err(syn::Error::new(arg.span(), SHAPE));
        };
        let Pat::Ident(pat) = &*t.pat else {
            return Err(syn::Error::new(
                t.pat.span(),
                "a path parameter is a plain name, e.g. `name: String`; its name is the route's capture",
            ));
        };
        if is_request(&t.ty) {
            return Err(syn::Error::new(
                t.ty.span(),
                "a view takes the request once, as its first parameter",
            ));
        }
        if let Type::Reference(r) = &*t.ty {
            return Err(syn::Error::new(
                r.span(),
                "path parameters are owned values: use `String` rather than `&str`",
            ));
        }
        fields.push((pat.ident.clone(), (*t.ty).clone()));
    }
    let vis = &func.vis;
    let name = &sig.ident;
    let field_defs = fields.iter().map(|(n, t)| quote!(#vis #n: #t));
    let field_uses: Vec<TokenStream> = fields.iter().map(|(n, _)| quote!(self.#n)).collect();
    let ret_span = match &sig.output {
        ReturnType::Default => sig.ident.span(),
        ReturnType::Type(_, t) => t.span(),
    };
    let into_response = quote_spanned! {ret_span=>
        ::manouche::__private::IntoResponse::into_response
    };
    // `login_required`: Django's decorator, checked before the view runs.
    let call = match sig.asyncness {
        Some(_) => quote!(#name(request, #(#field_uses),*).await),
        None => quote!(#name(request, #(#field_uses),*)),
    };
    // A plain `fn` answers at once: no future is made for it.
    let guard = if staff_required {
        Some(quote!(::manouche::auth::require_staff))
    } else if login_required {
        Some(quote!(::manouche::auth::require_login))
    } else {
        None
    };
    let body = match (sig.asyncness, guard) {
        (_, Some(guard)) => quote! {
            ::manouche::__private::Called::Later(async move {
                if let ::core::option::Option::Some(refused) = #guard(request).await {
                    return refused;
                }
                #into_response(#call)
            })
        },
        (Some(_), None) => quote! {
            ::manouche::__private::Called::Later(async move {
                #into_response(#call)
            })
        },
        (None, None) => quote! {
            ::manouche::__private::Called::<::core::future::Ready<::manouche::http::Response>>::Now(
                #into_response(#call)
            )
        },
    };
    let doc = format!("The path parameters of view [`{name}()`], for the router.");
    Ok(quote! {
        #func

        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #name {
            #(#field_defs,)*
        }

        impl ::manouche::__private::View for #name {
            const NAME: &'static str = ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#name));
            const CSRF_EXEMPT: bool = #csrf_exempt;
            fn call(
                self,
                request: &mut ::manouche::http::Request,
            ) -> ::manouche::__private::Called<impl ::core::future::Future<Output = ::manouche::http::Response> + ::core::marker::Send + '_> {
                #body
            }
        }
    })
}
