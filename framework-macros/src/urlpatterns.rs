//! `urlpatterns!`: parses the route table, checks routes and names, and generates the
//! module's `UrlConf` (patterns, resolution as straight-line match code, dispatch) plus the
//! `__manouche_urlconf!` macro that hands the table to `url!` lookups.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Ident, LitStr, Path, Token};

use crate::route::{self, Piece};

/// `path("route", target, name = "n")`.
pub struct Entry {
    pub route: LitStr,
    pub target: EntryTarget,
    pub name: Option<LitStr>,
}

pub enum EntryTarget {
    View(Path),
    Include(Path),
}

/// `register_converter(crate::converters::Year, "yyyy")`.
pub struct Registered {
    pub ty: Path,
    pub name: LitStr,
}

pub struct Input {
    pub entries: Vec<Entry>,
    pub converters: Vec<Registered>,
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let content;
        syn::parenthesized!(content in input);
        let route: LitStr = content.parse()?;
        content.parse::<Token![,]>()?;
        let target = if content.peek(Ident) && content.peek2(syn::token::Paren) {
            let fork = content.fork();
            let ident: Ident = fork.parse()?;
            if ident == "include" {
                content.parse::<Ident>()?;
                let inner;
                syn::parenthesized!(inner in content);
                let module: Path = inner.parse()?;
                if !inner.is_empty() {
                    return Err(inner.error(
                        "include() takes one module path, e.g. include(crate::tasks::urls)",
                    ));
                }
                let absolute = module.leading_colon.is_none()
                    && module.segments.first().is_some_and(|s| s.ident == "crate");
                if !absolute {
                    return Err(syn::Error::new(
                        module.span(),
                        "include() needs the module's path from the crate root, e.g. include(crate::tasks::urls)",
                    ));
                }
                EntryTarget::Include(module)
            } else {
                return Err(syn::Error::new(
                    ident.span(),
                    "expected a view (e.g. `views::index`) or `include(crate::app::urls)`",
                ));
            }
        } else {
            EntryTarget::View(content.parse()?)
        };
        let mut name = None;
        while content.parse::<Option<Token![,]>>()?.is_some() {
            if content.is_empty() {
                break;
            }
            let key: Ident = content.parse()?;
            if key != "name" {
                return Err(syn::Error::new(
                    key.span(),
                    "unknown argument to path(); it takes a route, a view or include(…), and `name = \"…\"`",
                ));
            }
            if matches!(target, EntryTarget::Include(_)) {
                return Err(syn::Error::new(
                    key.span(),
                    "an include() has no name: name the routes inside the included URLconf",
                ));
            }
            content.parse::<Token![=]>()?;
            name = Some(content.parse()?);
        }
        if !content.is_empty() {
            return Err(content.error("unexpected tokens in path()"));
        }
        Ok(Entry {
            route,
            target,
            name,
        })
    }
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut entries = Vec::new();
        let mut converters = Vec::new();
        while !input.is_empty() {
            let head: Ident = input.parse()?;
            if head == "path" {
                entries.push(input.parse()?);
            } else if head == "register_converter" {
                let content;
                syn::parenthesized!(content in input);
                let ty: Path = content.parse()?;
                content.parse::<Token![,]>()?;
                let name: LitStr = content.parse()?;
                content.parse::<Option<Token![,]>>()?;
                let absolute = ty.leading_colon.is_some()
                    || ty.segments.first().is_some_and(|s| s.ident == "crate");
                if !absolute {
                    return Err(syn::Error::new(
                        ty.span(),
                        "register_converter needs the converter's full path (crate::… or ::…) so that url! can name it anywhere",
                    ));
                }
                converters.push(Registered { ty, name });
            } else if head == "re_path" {
                return Err(syn::Error::new(
                    head.span(),
                    "re_path() is not supported: use path() with converters, or register_converter for your own",
                ));
            } else {
                return Err(syn::Error::new(
                    head.span(),
                    "expected `path(…)` or `register_converter(…)`",
                ));
            }
            if input.parse::<Option<Token![,]>>()?.is_none() {
                input.parse::<Option<Token![;]>>()?;
            }
        }
        Ok(Input {
            entries,
            converters,
        })
    }
}

/// The `app!(name = "…")` beside this `urlpatterns!` in the same module, found by reading
/// the source file: two macros cannot see each other, and rustc refuses a macro-made
/// `macro_rules!` that shadows an imported one.
fn sibling_app_name(input: &TokenStream) -> Option<LitStr> {
    let file = proc_macro::Span::call_site().local_file()?;
    let text = std::fs::read_to_string(file).ok()?;
    let parsed = syn::parse_file(&text).ok()?;
    let wanted = input.to_string();
    find_app(&parsed.items, &wanted)?
}

fn last_ident(path: &Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}

fn find_app(items: &[syn::Item], wanted: &str) -> Option<Option<LitStr>> {
    let here = items.iter().any(|i| {
        matches!(i, syn::Item::Macro(m)
            if last_ident(&m.mac.path).as_deref() == Some("urlpatterns")
                && m.mac.tokens.to_string() == wanted)
    });
    if here {
        return Some(items.iter().find_map(|i| match i {
            syn::Item::Macro(m) if last_ident(&m.mac.path).as_deref() == Some("app") => {
                crate::app::parse_name(m.mac.tokens.clone()).ok()
            }
            _ => None,
        }));
    }
    items.iter().find_map(|i| match i {
        syn::Item::Mod(m) => m
            .content
            .as_ref()
            .and_then(|(_, items)| find_app(items, wanted)),
        _ => None,
    })
}

/// The converter type for a name used in this module's routes.
pub fn converter_path(name: &str, registered: &[Registered]) -> Option<TokenStream> {
    if let Some(r) = registered.iter().find(|r| r.name.value() == name) {
        let ty = &r.ty;
        return Some(quote!(#ty));
    }
    let (_, ty) = route::BUILTIN.iter().find(|(n, _)| *n == name)?;
    let ty = Ident::new(ty, Span::call_site());
    Some(quote!(::manouche::__private::converters::#ty))
}

fn check_names(entries: &[Entry]) -> syn::Result<()> {
    let mut seen: Vec<&LitStr> = Vec::new();
    for name in entries.iter().filter_map(|e| e.name.as_ref()) {
        let value = name.value();
        if value.contains(':') {
            return Err(syn::Error::new(
                name.span(),
                "a URL name cannot contain ':' (it separates namespaces)",
            ));
        }
        if let Some(first) = seen.iter().find(|n| n.value() == value) {
            let mut err = syn::Error::new(
                name.span(),
                format!(
                    "the URL name '{value}' is used twice in this URLconf; names must be unique in a namespace, or url! could not tell the routes apart"
                ),
            );
            err.combine(syn::Error::new(first.span(), "first used here"));
            return Err(err);
        }
        seen.push(name);
    }
    Ok(())
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let app_name = sibling_app_name(&input);
    let parsed: Input = syn::parse2(input)?;
    check_names(&parsed.entries)?;
    for (i, r) in parsed.converters.iter().enumerate() {
        let name = r.name.value();
        if route::is_builtin(&name)
            || parsed.converters[..i]
                .iter()
                .any(|o| o.name.value() == name)
        {
            return Err(syn::Error::new(
                r.name.span(),
                format!("Converter '{name}' is already registered."),
            ));
        }
        if !route::is_identifier(&name) {
            return Err(syn::Error::new(
                r.name.span(),
                "a converter name is a plain identifier",
            ));
        }
    }
    let known = |c: &str| converter_path(c, &parsed.converters).is_some();

    let mut variants = Vec::new();
    let mut statics = Vec::new();
    let mut resolves = Vec::new();
    let mut dispatches = Vec::new();
    let mut data = Vec::new();
    for (i, entry) in parsed.entries.iter().enumerate() {
        let route_text = entry.route.value();
        let span = entry.route.span();
        if route_text.starts_with('/') {
            return Err(syn::Error::new(
                span,
                format!(
                    "Your URL pattern '{route_text}' has a route beginning with a '/'. Remove this slash as it is unnecessary."
                ),
            ));
        }
        let pieces = route::parse(&route_text, known).map_err(|m| syn::Error::new(span, m))?;
        let segments = pieces.iter().map(|p| match p {
            Piece::Literal(l) => quote!(::manouche::__private::Segment::Literal(#l)),
            Piece::Capture { converter, name } => {
                let conv = converter_path(converter, &parsed.converters);
                quote!(::manouche::__private::Segment::Capture {
                    name: #name,
                    converter: ::manouche::__private::ConverterRef::of::<#conv>(#converter),
                })
            }
        });
        let captures: Vec<(&String, &String)> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Capture { converter, name } => Some((converter, name)),
                Piece::Literal(_) => None,
            })
            .collect();
        let n_caps = captures.len();
        if n_caps > route::MAX_CAPTURES {
            return Err(syn::Error::new(
                span,
                format!("a route may have at most {} captures", route::MAX_CAPTURES),
            ));
        }
        // How many '/' a matching path has: fixed, unless a capture may hold '/'. The
        // generated code compares it first, which skips most patterns at once.
        let spans_slashes = captures.iter().any(|(c, _)| *c == "path");
        // A user converter says itself whether it spans slashes: a constant, so the guard
        // costs nothing when it does not.
        let user_spans: Vec<TokenStream> = captures
            .iter()
            .filter(|(c, _)| parsed.converters.iter().any(|r| r.name.value() == **c))
            .map(|(c, _)| {
                let conv = converter_path(c, &parsed.converters);
                quote!(<#conv as ::manouche::urls::Converter>::SPANS_SLASHES ||)
            })
            .collect();
        let literal_slashes = pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(l) => l.matches('/').count(),
                Piece::Capture { .. } => 0,
            })
            .sum::<usize>();
        let variant = format_ident!("P{}", i);
        let name_tokens = match &entry.name {
            Some(n) => quote!(::core::option::Option::Some(#n)),
            None => quote!(::core::option::Option::None),
        };
        let route_lit = &entry.route;
        match &entry.target {
            EntryTarget::View(view) => {
                variants.push(quote!(#variant(#view)));
                statics.push(quote! {
                    ::manouche::__private::Pattern {
                        route: #route_lit,
                        segments: &[#(#segments),*],
                        name: #name_tokens,
                        target: ::manouche::__private::Target::View {
                            view: <#view as ::manouche::__private::View>::NAME,
                            csrf_exempt: <#view as ::manouche::__private::View>::CSRF_EXEMPT,
                        },
                    }
                });
                let fields = captures.iter().enumerate().map(|(k, (converter, name))| {
                    let conv = converter_path(converter, &parsed.converters);
                    let field = Ident::new(name, span);
                    quote_spanned! {span=>
                        #field: ::manouche::__private::from_path_param::<#conv, _>(&path[caps[#k].0..caps[#k].1])?
                    }
                });
                let construct = quote_spanned! {span=> #view { #(#fields,)* } };
                let slash_guard = if spans_slashes {
                    quote!()
                } else {
                    quote!((#(#user_spans)* slashes == #literal_slashes) &&)
                };
                resolves.push(quote! {
                    {
                        let pattern = &__PATTERNS[#i];
                        let mut caps = [(0usize, 0usize); #n_caps];
                        if #slash_guard ::manouche::__private::match_segments(pattern.segments, path, true, &mut caps).is_some() {
                            let view = (|| -> ::core::option::Option<#view> {
                                ::core::option::Option::Some(#construct)
                            })();
                            if let ::core::option::Option::Some(view) = view {
                                rm.push(pattern);
                                rm.capture(path, &caps);
                                return ::core::option::Option::Some(__Match::#variant(view));
                            }
                        }
                    }
                });
                dispatches.push(quote! {
                    __Match::#variant(view) => ::manouche::__private::Dispatch::call(view, request)
                });
                let name_data = match &entry.name {
                    Some(n) => quote!(#n),
                    None => quote!(_),
                };
                data.push(quote!((#route_lit, #name_data, view)));
            }
            EntryTarget::Include(module) => {
                if n_caps > 0 {
                    return Err(syn::Error::new(
                        span,
                        "captures in an include() prefix are not supported yet: move them into the included routes",
                    ));
                }
                let conf = quote!(<#module::UrlConf as ::manouche::__private::UrlConf>);
                variants.push(quote!(#variant(#conf::Match)));
                statics.push(quote! {
                    ::manouche::__private::Pattern {
                        route: #route_lit,
                        segments: &[#(#segments),*],
                        name: ::core::option::Option::None,
                        target: ::manouche::__private::Target::Include {
                            app_name: #conf::APP_NAME,
                            patterns: #conf::patterns,
                        },
                    }
                });
                resolves.push(quote! {
                    {
                        let pattern = &__PATTERNS[#i];
                        if slashes >= #literal_slashes
                            && let ::core::option::Option::Some(end) = ::manouche::__private::match_segments(pattern.segments, path, false, &mut [])
                        {
                            let depth = rm.push(pattern);
                            if let ::core::option::Option::Some(m) = #conf::resolve(&path[end..], rm) {
                                return ::core::option::Option::Some(__Match::#variant(m));
                            }
                            rm.truncate(depth);
                        }
                    }
                });
                dispatches.push(quote! {
                    __Match::#variant(m) => #conf::dispatch(m, request)
                });
                data.push(quote!((#route_lit, _, include #module)));
            }
        }
    }
    let n = parsed.entries.len();
    let max_caps = route::MAX_CAPTURES;
    let app_tokens = match &app_name {
        Some(a) => quote!(::core::option::Option::Some(#a)),
        None => quote!(::core::option::Option::None),
    };
    let app_check = app_name.as_ref().map(|_| {
        quote! {
            // The app!() that was read from this file must really be here.
            const _: &str = APP_NAME;
        }
    });
    let app_data = match &app_name {
        Some(a) => quote!(#a),
        None => quote!(_),
    };
    let conv_data = parsed.converters.iter().map(|r| {
        let (ty, name) = (&r.ty, &r.name);
        quote!(#name => #ty)
    });
    Ok(quote! {
        #app_check

        // The limit checked above is the runtime's.
        const _: () = ::core::assert!(#max_caps == ::manouche::__private::MAX_CAPTURES);

        #[doc(hidden)]
        #[allow(private_interfaces, non_camel_case_types)]
        pub enum __Match {
            #(#variants,)*
        }

        #[doc(hidden)]
        static __PATTERNS: [::manouche::__private::Pattern; #n] = [#(#statics),*];

        /// This module's URLconf: its patterns, resolution and dispatch (made by `urlpatterns!`).
        #[derive(Debug, Clone, Copy)]
        pub struct UrlConf;

        impl ::manouche::__private::UrlConf for UrlConf {
            type Match = __Match;
            const APP_NAME: ::core::option::Option<&'static str> = #app_tokens;

            fn patterns() -> &'static [::manouche::__private::Pattern] {
                &__PATTERNS
            }

            #[allow(unused_variables, clippy::redundant_closure_call)]
            fn resolve(path: &str, rm: &mut ::manouche::__private::ResolverMatch) -> ::core::option::Option<__Match> {
                let slashes = ::manouche::__private::count_slashes(path);
                #(#resolves)*
                ::core::option::Option::None
            }

            fn dispatch(
                m: __Match,
                request: &mut ::manouche::http::Request,
            ) -> ::manouche::__private::Dispatch<'_> {
                match m {
                    #(#dispatches,)*
                }
            }
        }

        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! __manouche_urlconf {
            ($($state:tt)*) => {
                ::manouche::__private::__urlconf_step! {
                    data = { app = #app_data; converters = [#(#conv_data),*]; patterns = [#(#data),*]; };
                    $($state)*
                }
            };
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        pub(crate) use __manouche_urlconf;
    })
}
