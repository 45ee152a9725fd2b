//! `url!`: a reverse lookup checked at compile time. It walks the URLconf tree from
//! `crate::urls` (see `chain`), finds the named route, checks the arguments against the
//! route's captures, and expands into the URL itself or a call that fills the values in.

use std::collections::HashMap;

use crate::suggest::closest;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, LitStr, Token};

use crate::chain::{ModuleData, State};
use crate::route::{self, Piece};
use crate::urlpatterns::{Registered, converter_path};

/// `"ns:name"` then positional or `key = value` arguments; from a template, first
/// `@template "file" line,`.
struct Query {
    template: Option<(LitStr, syn::LitInt)>,
    name: LitStr,
    args: Vec<(Option<Ident>, Expr)>,
}

impl Parse for Query {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let template = if input.peek(Token![@]) {
            input.parse::<Token![@]>()?;
            let kw: Ident = input.parse()?;
            if kw != "template" {
                return Err(syn::Error::new(kw.span(), "expected `@template`"));
            }
            let file: LitStr = input.parse()?;
            let line: syn::LitInt = input.parse()?;
            input.parse::<Token![,]>()?;
            Some((file, line))
        } else {
            None
        };
        let name: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "url! takes a route name as a string literal: url!(\"tasks:add\") or url!(\"hello:greet\", name = value)",
            )
        })?;
        let mut args = Vec::new();
        while input.parse::<Option<Token![,]>>()?.is_some() {
            if input.is_empty() {
                break;
            }
            if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
                let key: Ident = input.parse()?;
                input.parse::<Token![=]>()?;
                args.push((Some(key), input.parse()?));
            } else {
                args.push((None, input.parse()?));
            }
        }
        if !input.is_empty() {
            return Err(input.error("expected `,` between url! arguments"));
        }
        Ok(Query {
            template,
            name,
            args,
        })
    }
}

pub fn start(input: TokenStream) -> TokenStream {
    // Check the syntax here, where errors are cheapest, before walking the tree.
    if let Err(e) = syn::parse2::<Query>(input.clone()) {
        return e.into_compile_error();
    }
    crate::chain::begin(input)
}

/// A named route with everything `url!` needs.
struct Endpoint {
    namespaces: Vec<String>,
    name: String,
    pieces: Vec<Piece>,
    converter_types: HashMap<String, TokenStream>,
}

impl Endpoint {
    fn full_name(&self) -> String {
        let mut parts = self.namespaces.clone();
        parts.push(self.name.clone());
        parts.join(":")
    }

    fn route(&self) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(l) => l.clone(),
                Piece::Capture { converter, name } => format!("<{converter}:{name}>"),
            })
            .collect()
    }

    fn params(&self) -> Vec<(&str, &str)> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Capture { converter, name } => Some((name.as_str(), converter.as_str())),
                Piece::Literal(_) => None,
            })
            .collect()
    }
}

fn walk(
    key: &str,
    modules: &HashMap<String, &ModuleData>,
    prefix: &[Piece],
    namespaces: &[String],
    depth: usize,
    out: &mut Vec<Endpoint>,
) {
    let Some(data) = modules.get(key) else { return };
    if depth > 32 {
        return;
    }
    let registered: Vec<Registered> = data
        .converters
        .iter()
        .map(|(name, ty)| Registered {
            ty: ty.clone(),
            name: name.clone(),
        })
        .collect();
    for p in &data.patterns {
        let known = |c: &str| converter_path(c, &registered).is_some();
        let Ok(pieces) = route::parse(&p.route.value(), known) else {
            continue;
        };
        let mut full = prefix.to_vec();
        full.extend(pieces);
        match (&p.include, &p.name) {
            (Some(module), _) => {
                let child = quote!(#module).to_string();
                let mut ns = namespaces.to_vec();
                if let Some(app) = modules.get(&child).and_then(|d| d.app.as_ref()) {
                    ns.push(app.value());
                }
                walk(&child, modules, &full, &ns, depth + 1, out);
            }
            (None, Some(name)) => {
                let converter_types = full
                    .iter()
                    .filter_map(|piece| match piece {
                        Piece::Capture { converter, .. } => Some(converter.clone()),
                        Piece::Literal(_) => None,
                    })
                    .filter_map(|c| converter_path(&c, &registered).map(|t| (c, t)))
                    .collect();
                out.push(Endpoint {
                    namespaces: namespaces.to_vec(),
                    name: name.value(),
                    pieces: full,
                    converter_types,
                });
            }
            (None, None) => {}
        }
    }
}

fn not_found(query: &LitStr, endpoints: &[Endpoint]) -> syn::Error {
    let wanted = query.value();
    let mut parts: Vec<&str> = wanted.split(':').collect();
    parts.pop();
    // A namespace that does not exist is named as such, as Django's NoReverseMatch does.
    for depth in 1..=parts.len() {
        let ns = &parts[..depth];
        let exists = endpoints
            .iter()
            .any(|e| e.namespaces.len() >= depth && e.namespaces[..depth] == *ns);
        if !exists {
            let mut known: Vec<String> = endpoints
                .iter()
                .filter(|e| {
                    e.namespaces.len() >= depth && e.namespaces[..depth - 1] == ns[..depth - 1]
                })
                .map(|e| e.namespaces[..depth].join(":"))
                .collect();
            known.sort();
            known.dedup();
            let this = ns.join(":");
            let mut msg = if depth == 1 {
                format!("'{}' is not a registered namespace", ns[0])
            } else {
                format!(
                    "'{}' is not a registered namespace inside '{}'",
                    ns[depth - 1],
                    ns[..depth - 1].join(":")
                )
            };
            if let Some(c) = closest(&this, known.iter().map(String::as_str)) {
                msg.push_str(&format!("; did you mean `{c}`?"));
            } else if !known.is_empty() {
                msg.push_str(&format!("; the namespaces are: {}", known.join(", ")));
            }
            return syn::Error::new(query.span(), msg);
        }
    }
    let names: Vec<String> = endpoints.iter().map(Endpoint::full_name).collect();
    let mut msg = format!("no route named `{wanted}`");
    if let Some(c) = closest(&wanted, names.iter().map(String::as_str)) {
        msg.push_str(&format!("; did you mean `{c}`?"));
    } else if names.is_empty() {
        msg.push_str("; crate::urls has no named routes");
    } else {
        msg.push_str(&format!("; the routes are: {}", names.join(", ")));
    }
    syn::Error::new(query.span(), msg)
}

pub fn lookup(input: TokenStream) -> syn::Result<TokenStream> {
    let state: State = syn::parse2(input)?;
    let query: Query = syn::parse2(state.query.clone())?;
    let modules: HashMap<String, &ModuleData> = state
        .done
        .iter()
        .map(|(p, d)| (quote!(#p).to_string(), d))
        .collect();
    let root = quote!(crate::urls).to_string();
    let root_ns: Vec<String> = modules
        .get(&root)
        .and_then(|d| d.app.as_ref())
        .map(|a| vec![a.value()])
        .unwrap_or_default();
    let mut endpoints = Vec::new();
    walk(&root, &modules, &[], &root_ns, 0, &mut endpoints);

    let wanted = query.name.value();
    let result = match endpoints.iter().rev().find(|e| e.full_name() == wanted) {
        Some(endpoint) => expand(&query, endpoint),
        None => Err(not_found(&query.name, &endpoints)),
    };
    // From a template, say which file and line: rustc can only point at the derive.
    result.map_err(|e| match &query.template {
        Some((file, line)) => syn::Error::new(
            e.span(),
            format!(
                "in template {}, line {}: {e}",
                file.value(),
                line.base10_digits()
            ),
        ),
        None => e,
    })
}

/// Django's HTML escaping of a URL [`route::quote`] made: of the five characters escaping
/// changes, only `&` and `'` are left unquoted there (`<`, `>` and `"` are percent-encoded).
fn escape_quoted_url(url: &str) -> String {
    url.replace('&', "&amp;").replace('\'', "&#x27;")
}

fn expand(query: &Query, endpoint: &Endpoint) -> syn::Result<TokenStream> {
    let params = endpoint.params();
    let full = endpoint.full_name();
    let route = endpoint.route();
    if params.is_empty() && query.args.is_empty() {
        let mut url = String::from("/");
        for p in &endpoint.pieces {
            if let Piece::Literal(l) = p {
                url.push_str(l);
            }
        }
        let quoted = route::quote(&url);
        if query.template.is_some() {
            // In a template the URL is written from the binary's text, escaped here once:
            // no string and no escaping per page.
            let escaped = escape_quoted_url(&quoted);
            return Ok(quote!(::manouche::__private::askama::filters::Safe(
                ::manouche::__private::ReversedUrl(#quoted, #escaped)
            )));
        }
        return Ok(quote!(::std::string::String::from(#quoted)));
    }
    // No arguments at all reads best as a missing keyword argument.
    let keyword = query.args.first().is_none_or(|(k, _)| k.is_some());
    if query.args.iter().any(|(k, _)| k.is_some() != keyword) {
        return Err(syn::Error::new(
            query.name.span(),
            "don't mix positional and keyword arguments in url!",
        ));
    }
    let takes = if params.is_empty() {
        "no arguments".to_string()
    } else {
        params
            .iter()
            .map(|(n, c)| format!("`{n}` ({c})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let ordered: Vec<&Expr> = if keyword {
        for (k, _) in &query.args {
            let k = k.as_ref().map(Ident::to_string).unwrap_or_default();
            if !params.iter().any(|(n, _)| *n == k) {
                let span = query
                    .args
                    .iter()
                    .find_map(|(key, _)| key.as_ref().filter(|i| **i == k))
                    .map_or(query.name.span(), Ident::span);
                return Err(syn::Error::new(
                    span,
                    format!("route `{full}` (`{route}`) has no parameter `{k}`; it takes {takes}"),
                ));
            }
        }
        let mut ordered = Vec::new();
        for (n, _) in &params {
            let given: Vec<&Expr> = query
                .args
                .iter()
                .filter(|(k, _)| k.as_ref().is_some_and(|k| k == n))
                .map(|(_, e)| e)
                .collect();
            match given.as_slice() {
                [one] => ordered.push(*one),
                [] => {
                    return Err(syn::Error::new(
                        query.name.span(),
                        format!(
                            "route `{full}` (`{route}`) needs the argument `{n}`: url!(\"{full}\", {n} = …)"
                        ),
                    ));
                }
                [_, second, ..] => {
                    return Err(syn::Error::new(
                        second.span(),
                        format!("`{n}` is given twice"),
                    ));
                }
            }
        }
        ordered
    } else {
        if query.args.len() != params.len() {
            return Err(syn::Error::new(
                query.name.span(),
                format!(
                    "route `{full}` (`{route}`) takes {} argument(s), {} given; it takes {takes}",
                    params.len(),
                    query.args.len()
                ),
            ));
        }
        query.args.iter().map(|(_, e)| e).collect()
    };
    let mut args = Vec::new();
    for ((name, converter), expr) in params.iter().zip(&ordered) {
        if let Expr::Lit(lit) = expr
            && let Lit::Str(s) = &lit.lit
            && route::is_builtin(converter)
            && route::builtin_matches(converter, &s.value()) == Some(false)
        {
            return Err(syn::Error::new(
                s.span(),
                format!(
                    "{:?} cannot be the `{name}` of route `{full}`: the `{converter}` converter does not match it",
                    s.value()
                ),
            ));
        }
        let conv = &endpoint.converter_types[*converter];
        let is_int = *converter == "int";
        // Spanned at the argument, so a type error points at the value the user gave.
        args.push(quote_spanned! {expr.span()=>
            ::manouche::__private::url_arg::<#conv, _>(#name, &(#expr), #is_int)
        });
    }
    let pieces = endpoint.pieces.iter().map(|p| match p {
        Piece::Literal(l) => quote!(::manouche::__private::UrlPiece::Literal(#l)),
        Piece::Capture { converter, name } => {
            let conv = &endpoint.converter_types[converter];
            quote!(::manouche::__private::UrlPiece::Capture(#name, <#conv as ::manouche::urls::Converter>::REGEX))
        }
    });
    let short = &endpoint.name;
    Ok(quote! {
        ::manouche::__private::build_url(#short, &[#(#pieces),*], &[#(#args),*], #keyword)
    })
}
