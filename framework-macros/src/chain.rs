//! The walk over the URLconf tree that `url!` starts: each module's `__manouche_urlconf!`
//! hands its table to `__urlconf_step!`, which records it and calls the next included
//! module's macro, until the whole tree is known and `__url_lookup!` can answer.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Path, Token, braced, bracketed};

/// One module's table as `urlpatterns!` wrote it.
#[derive(Clone)]
pub struct ModuleData {
    pub app: Option<LitStr>,
    pub converters: Vec<(LitStr, Path)>,
    pub patterns: Vec<PatternData>,
    pub tokens: TokenStream,
}

#[derive(Clone)]
pub struct PatternData {
    pub route: LitStr,
    pub name: Option<LitStr>,
    pub include: Option<Path>,
}

fn key(input: ParseStream, expected: &str) -> syn::Result<()> {
    let k: Ident = input.parse()?;
    if k != expected {
        return Err(syn::Error::new(k.span(), format!("expected `{expected}`")));
    }
    input.parse::<Token![=]>()?;
    Ok(())
}

fn opt_lit(input: ParseStream) -> syn::Result<Option<LitStr>> {
    if input.peek(Token![_]) {
        input.parse::<Token![_]>()?;
        Ok(None)
    } else {
        Ok(Some(input.parse()?))
    }
}

impl Parse for ModuleData {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let tokens: TokenStream = input.fork().parse()?;
        key(input, "app")?;
        let app = opt_lit(input)?;
        input.parse::<Token![;]>()?;
        key(input, "converters")?;
        let content;
        bracketed!(content in input);
        let mut converters = Vec::new();
        while !content.is_empty() {
            let name: LitStr = content.parse()?;
            content.parse::<Token![=>]>()?;
            let ty: Path = content.parse()?;
            converters.push((name, ty));
            content.parse::<Option<Token![,]>>()?;
        }
        input.parse::<Token![;]>()?;
        key(input, "patterns")?;
        let content;
        bracketed!(content in input);
        let mut patterns = Vec::new();
        while !content.is_empty() {
            let entry;
            syn::parenthesized!(entry in content);
            let route: LitStr = entry.parse()?;
            entry.parse::<Token![,]>()?;
            let name = opt_lit(&entry)?;
            entry.parse::<Token![,]>()?;
            let kind: Ident = entry.parse()?;
            let include = if kind == "include" {
                Some(entry.parse()?)
            } else {
                None
            };
            patterns.push(PatternData {
                route,
                name,
                include,
            });
            content.parse::<Option<Token![,]>>()?;
        }
        input.parse::<Token![;]>()?;
        Ok(ModuleData {
            app,
            converters,
            patterns,
            tokens,
        })
    }
}

/// Where the walk is.
pub struct State {
    pub pending: Vec<Path>,
    pub done: Vec<(Path, ModuleData)>,
    pub query: TokenStream,
}

fn path_key(p: &Path) -> String {
    quote!(#p).to_string()
}

fn parse_state(input: ParseStream) -> syn::Result<State> {
    key(input, "pending")?;
    let content;
    bracketed!(content in input);
    let pending = content
        .parse_terminated(Path::parse, Token![,])?
        .into_iter()
        .collect();
    input.parse::<Token![;]>()?;
    key(input, "done")?;
    let content;
    bracketed!(content in input);
    let mut done = Vec::new();
    while !content.is_empty() {
        let module: Path = content.parse()?;
        content.parse::<Token![=>]>()?;
        let inner;
        braced!(inner in content);
        done.push((module, inner.parse()?));
        content.parse::<Option<Token![,]>>()?;
    }
    input.parse::<Token![;]>()?;
    key(input, "query")?;
    let inner;
    braced!(inner in input);
    let query = inner.parse()?;
    input.parse::<Option<Token![;]>>()?;
    Ok(State {
        pending,
        done,
        query,
    })
}

impl Parse for State {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        parse_state(input)
    }
}

fn emit_state(state: &State) -> TokenStream {
    let pending = &state.pending;
    let done = state.done.iter().map(|(p, d)| {
        let t = &d.tokens;
        quote!(#p => { #t })
    });
    let query = &state.query;
    quote!(pending = [#(#pending),*]; done = [#(#done),*]; query = { #query };)
}

/// The first call, from `url!`: start at the root URLconf, `crate::urls`.
pub fn begin(query: TokenStream) -> TokenStream {
    quote! {
        crate::urls::__manouche_urlconf! {
            current = crate::urls; pending = []; done = []; query = { #query };
        }
    }
}

struct Step {
    data: ModuleData,
    current: Path,
    state: State,
}

impl Parse for Step {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        key(input, "data")?;
        let inner;
        braced!(inner in input);
        let data = inner.parse()?;
        input.parse::<Token![;]>()?;
        key(input, "current")?;
        let current = input.parse()?;
        input.parse::<Token![;]>()?;
        let state = input.parse()?;
        Ok(Step {
            data,
            current,
            state,
        })
    }
}

pub fn step(input: TokenStream) -> syn::Result<TokenStream> {
    let Step {
        data,
        current,
        mut state,
    } = syn::parse2(input)?;
    let includes: Vec<Path> = data
        .patterns
        .iter()
        .filter_map(|p| p.include.clone())
        .collect();
    state.done.push((current, data));
    for module in includes {
        let k = path_key(&module);
        let known = state.done.iter().any(|(p, _)| path_key(p) == k)
            || state.pending.iter().any(|p| path_key(p) == k);
        if !known {
            state.pending.push(module);
        }
    }
    if state.pending.is_empty() {
        let rest = emit_state(&state);
        return Ok(quote!(::manouche::__private::__url_lookup! { #rest }));
    }
    let next = state.pending.remove(0);
    let rest = emit_state(&state);
    Ok(quote!(#next::__manouche_urlconf! { current = #next; #rest }))
}
