//! `#[derive(Template)]`: askama, on Django's template folders and syntax. The project's
//! `templates/` and each app's `src/<app>/templates/` (Django's APP_DIRS) are mirrored into
//! `OUT_DIR` with Django's tags rewritten (see `template_syntax`), then askama's derive runs
//! on the mirror with Django's escaping. Every original file is `include_bytes!`-ed so that
//! editing a template rebuilds the crate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{DeriveInput, LitStr, Meta, Token};

use crate::template_syntax::{Library, rewrite};

/// Where templates are looked up, in order: the project's folder, the `templates/` beside
/// the file that derives the template, then each app's.
fn template_dirs(manifest: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![manifest.join("templates")];
    if let Some(beside) = proc_macro::Span::call_site()
        .local_file()
        .and_then(|f| f.parent().map(|p| p.join("templates")))
    {
        dirs.push(beside);
    }
    let mut apps: Vec<PathBuf> = std::fs::read_dir(manifest.join("src"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path().join("templates"))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    apps.sort();
    dirs.extend(apps);
    // Absolute and without repeats (the file beside may be an app's).
    let mut unique: Vec<PathBuf> = Vec::new();
    for d in dirs.into_iter().filter_map(|d| d.canonicalize().ok()) {
        if d.is_dir() && !unique.contains(&d) {
            unique.push(d);
        }
    }
    unique
}

fn walk(dir: &Path, rel: &Path, out: &mut Vec<(PathBuf, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let rel = rel.join(e.file_name());
        if path.is_dir() {
            walk(&path, &rel, out);
        } else {
            out.push((rel, path));
        }
    }
}

/// manouche's own pages for Django's auth views, used when the project has no
/// `templates/registration/…` of its own.
const DEFAULT_TEMPLATES: [(&str, &str); 4] = [
    (
        "registration/login.html",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/default_templates/registration/login.html"
        ),
    ),
    (
        "registration/logged_out.html",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/default_templates/registration/logged_out.html"
        ),
    ),
    (
        "registration/password_change_form.html",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/default_templates/registration/password_change_form.html"
        ),
    ),
    (
        "registration/password_change_done.html",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/default_templates/registration/password_change_done.html"
        ),
    ),
];

/// The mirrored templates: relative name → original file.
struct Mirror {
    root: PathBuf,
    config: PathBuf,
    files: BTreeMap<String, PathBuf>,
}

fn write_if_changed(path: &Path, content: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // Several rustc processes (a crate's lib and its tests) may mirror at once: each writes
    // its own temporary file and renames it into place, which is atomic.
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp-{}-{n}", std::process::id()));
    std::fs::write(&tmp, content)?;
    std::fs::rename(tmp, path)
}

/// The project's static files as `{% static %}` names them (`css/site.css`): those under
/// `static/` and each `src/<app>/static/`, without Django's ignored names (`.*`, `*~`,
/// `CVS`), so that a literal path to no file is a compile error.
pub fn static_files(manifest: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with('~') || name == "CVS" {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                let parts: Vec<String> = rel
                    .iter()
                    .map(|c| c.to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut roots = vec![manifest.join("static")];
    if let Ok(rd) = std::fs::read_dir(manifest.join("src")) {
        roots.extend(rd.filter_map(Result::ok).map(|e| e.path().join("static")));
    }
    let mut out = Vec::new();
    for root in roots.iter().filter(|r| r.is_dir()) {
        walk(root, root, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// The project's tag libraries (Django's `templatetags` packages): every
/// `src/templatetags/<name>.rs` and `src/<app>/templatetags/<name>.rs`, with the `pub fn`s
/// each defines (its filters).
pub fn libraries(manifest: &Path) -> Vec<Library> {
    let src = manifest.join("src");
    let mut folders = vec![(src.join("templatetags"), "crate::templatetags".to_string())];
    if let Ok(rd) = std::fs::read_dir(&src) {
        let mut apps: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        apps.sort();
        for app in apps {
            if let Some(name) = app.file_name().and_then(|n| n.to_str())
                && app.join("templatetags").is_dir()
            {
                folders.push((
                    app.join("templatetags"),
                    format!("crate::{name}::templatetags"),
                ));
            }
        }
    }
    let mut out = Vec::new();
    for (folder, module) in folders {
        let Ok(rd) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut files: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let Some(name) = file.file_stem().and_then(|n| n.to_str()) else {
                continue;
            };
            if name == "mod" || file.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let filters = text
                .split("pub fn ")
                .skip(1)
                .filter_map(|rest| {
                    let n: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    (!n.is_empty()).then_some(n)
                })
                .collect();
            out.push(Library {
                name: name.to_string(),
                module: format!("{module}::{name}"),
                filters,
            });
        }
    }
    out
}

fn mirror(manifest: &Path, out_dir: &Path) -> syn::Result<Mirror> {
    let root = out_dir.join("manouche-templates");
    let libraries = libraries(manifest);
    let statics = static_files(manifest);
    let mut files = BTreeMap::new();
    for dir in template_dirs(manifest) {
        let mut found = Vec::new();
        walk(&dir, Path::new(""), &mut found);
        for (rel, original) in found {
            let name = rel.to_string_lossy().replace('\\', "/");
            // The first folder that has a name wins, as in Django's loaders.
            files.entry(name).or_insert(original);
        }
    }
    // Django's auth views' pages, when the project has none of its own (`auth_urls!()`).
    for (name, original) in DEFAULT_TEMPLATES {
        files
            .entry(name.to_string())
            .or_insert_with(|| PathBuf::from(original));
    }
    let io = |e: std::io::Error| {
        syn::Error::new(
            Span::call_site(),
            format!("cannot mirror the templates into OUT_DIR: {e}"),
        )
    };
    for (name, original) in &files {
        let shown = original.strip_prefix(manifest).unwrap_or(original);
        let text = std::fs::read_to_string(original).map_err(|e| {
            syn::Error::new(
                Span::call_site(),
                format!("cannot read template {}: {e}", shown.display()),
            )
        })?;
        // A template that cannot be rewritten fails only the derives that use it.
        let label = shown.to_string_lossy();
        let rewritten = match rewrite(&text, &label, &libraries, Some(&statics)) {
            Ok((rewritten, _)) => rewritten,
            Err(e) => format!(
                "{{{{ core::compile_error!({:?}) }}}}",
                format!("{}:{}: {}", shown.display(), e.line, e.message)
            ),
        };
        write_if_changed(&root.join(name), &rewritten).map_err(io)?;
    }
    // A template deleted from the project goes from the mirror too, or `{% extends %}`
    // would still find it.
    let mut mirrored = Vec::new();
    walk(&root, Path::new(""), &mut mirrored);
    for (rel, path) in mirrored {
        if !files.contains_key(&rel.to_string_lossy().replace('\\', "/")) {
            let _ = std::fs::remove_file(path);
        }
    }
    let config = out_dir.join("manouche-askama.toml");
    let toml = format!(
        "[general]\ndirs = [{:?}]\nwhitespace = \"preserve\"\n\n[[escaper]]\npath = \"::manouche::__private::DjangoHtml\"\nextensions = [\"html\", \"htm\", \"xml\"]\n",
        root.to_string_lossy()
    );
    write_if_changed(&config, &toml).map_err(io)?;
    Ok(Mirror {
        root,
        config,
        files,
    })
}

/// The string literal an attribute argument must be.
fn string_literal(value: &syn::Expr, what: &str) -> syn::Result<LitStr> {
    match value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(s.clone()),
        other => Err(syn::Error::new_spanned(
            other,
            format!("{what} is a string literal"),
        )),
    }
}

/// `#[template(path = "…", …)]`: the path, and the other arguments passed on to askama.
fn template_args(ast: &DeriveInput) -> syn::Result<(Option<LitStr>, Vec<TokenStream>, Span)> {
    let attr = ast
        .attrs
        .iter()
        .find(|a| a.path().is_ident("template"))
        .ok_or_else(|| {
            syn::Error::new_spanned(
                &ast.ident,
                "a template needs #[template(path = \"app/page.html\")]",
            )
        })?;
    let Meta::List(list) = &attr.meta else {
        return Err(syn::Error::new_spanned(
            attr,
            "expected #[template(path = \"…\")]",
        ));
    };
    let items =
        list.parse_args_with(syn::punctuated::Punctuated::<Meta, Token![,]>::parse_terminated)?;
    let mut path = None;
    let mut rest = Vec::new();
    for item in items {
        match &item {
            Meta::NameValue(nv) if nv.path.is_ident("escape") => {
                return Err(syn::Error::new_spanned(
                    &nv.path,
                    "manouche escapes every template as Django does, whatever its file name; show one value as it is with `{{ value|safe }}`",
                ));
            }
            Meta::NameValue(nv) if nv.path.is_ident("path") => {
                path = Some(string_literal(&nv.value, "path")?);
            }
            Meta::NameValue(nv) if nv.path.is_ident("source") => {
                let src = string_literal(&nv.value, "source")?;
                let manifest =
                    PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
                let statics = static_files(&manifest);
                let (text, _) = rewrite(
                    &src.value(),
                    "(inline source)",
                    &libraries(&manifest),
                    Some(&statics),
                )
                .map_err(|e| {
                    syn::Error::new(
                        src.span(),
                        format!("inline template, line {}: {}", e.line, e.message),
                    )
                })?;
                let lit = LitStr::new(&text, src.span());
                rest.push(quote!(source = #lit));
            }
            Meta::NameValue(nv) if nv.path.is_ident("config") || nv.path.is_ident("askama") => {
                return Err(syn::Error::new_spanned(
                    &nv.path,
                    "manouche sets askama's config itself (template folders, Django's escaping)",
                ));
            }
            other => rest.push(quote!(#other)),
        }
    }
    // Django escapes in every template, whatever its file name (`.txt`, `.email`): askama
    // would not, outside `.html`/`.htm`/`.xml`.
    rest.push(quote!(escape = "html"));
    Ok((path, rest, attr.bracket_token.span.join()))
}

pub fn derive(input: TokenStream) -> syn::Result<TokenStream> {
    let mut ast: DeriveInput = syn::parse2(input)?;
    let (path, rest, attr_span) = template_args(&ast)?;
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let manifest = manifest.canonicalize().unwrap_or(manifest);
    // OUT_DIR exists when the crate has a build script; otherwise a folder of the system's
    // temporary directory, named after the crate's folder, holds the mirror.
    let out_dir = std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            manifest.hash(&mut h);
            std::env::temp_dir().join(format!("manouche-{:016x}", h.finish()))
        });
    let _ = attr_span;
    let mirror = mirror(&manifest, &out_dir)?;
    let mut tracked = Vec::new();
    let new_attr = match &path {
        Some(p) => {
            let name = p.value();
            if !mirror.files.contains_key(&name) {
                // The project's own templates (not manouche's pages for the auth views).
                let mut known: Vec<&String> = mirror
                    .files
                    .iter()
                    .filter(|(_, original)| {
                        !DEFAULT_TEMPLATES
                            .iter()
                            .any(|(_, default)| Path::new(default) == original.as_path())
                    })
                    .map(|(name, _)| name)
                    .collect();
                known.truncate(20);
                return Err(syn::Error::new(
                    p.span(),
                    format!(
                        "template `{name}` not found in templates/ or src/<app>/templates/; the templates are: {}",
                        known
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            let config = mirror.config.to_string_lossy().into_owned();
            quote!(#[template(path = #p, config = #config, #(#rest),*)])
        }
        None => {
            // An inline `source = "…"` template: rewritten like the files.
            let config = mirror.config.to_string_lossy().into_owned();
            quote!(#[template(config = #config, #(#rest),*)])
        }
    };
    for original in mirror.files.values() {
        let p = original.to_string_lossy().into_owned();
        tracked.push(quote!(
            const _: &[u8] = ::core::include_bytes!(#p);
        ));
    }
    ast.attrs.retain(|a| !a.path().is_ident("template"));
    let attrs = &ast.attrs;
    let (vis, ident, generics, data) = (&ast.vis, &ast.ident, &ast.generics, &ast.data);
    let body = match data {
        syn::Data::Struct(s) => {
            let fields = &s.fields;
            match fields {
                syn::Fields::Named(_) => quote!(struct #ident #generics #fields),
                _ => quote!(struct #ident #generics #fields;),
            }
        }
        _ => {
            return Err(syn::Error::new_spanned(
                ident,
                "#[derive(Template)] goes on a struct whose fields the template uses",
            ));
        }
    };
    let processors = context_processors(&ast)?;
    let rewritten = quote!(#(#attrs)* #new_attr #vis #body);
    let generated = askama_derive::derive_template(rewritten, || {
        quote!(
            use ::manouche::__private::askama;
            // The ways a compiled template reads its values (see `tpl`).
            #[allow(unused_imports)]
            use ::manouche::__private::tpl::{
                At0 as _, At1 as _, At2 as _, At3 as _, At4 as _, At5 as _, EscDisplay as _,
                EscHtml as _, EscStr as _, EscValue as _, IterDirect as _, IterMap as _,
                IterRef as _, IterText as _, IterValue as _, LenExact as _, LenValue as _,
                ViaHtml as _, ViaText as _, ViaToValue as _,
            };
        )
    });
    let generated = point_errors_at_originals(generated, &mirror, &manifest);
    Ok(quote! {
        #generated
        #processors
        #(#tracked)*
    })
}

/// `user` and `messages` in a template: the struct's own field of that name, as a context
/// variable wins over Django's context processors, else the request's.
fn context_processors(ast: &DeriveInput) -> syn::Result<TokenStream> {
    let syn::Data::Struct(s) = &ast.data else {
        return Ok(TokenStream::new());
    };
    let field = |name: &str| {
        s.fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == name))
            .map(|f| f.ty.clone())
    };
    let user = match field("user") {
        Some(ty) => quote!(fn __manouche_user(&self) -> &#ty { &self.user }),
        None => quote!(
            fn __manouche_user(&self) -> ::manouche::auth::CurrentUser {
                ::manouche::__private::tpl::current_user()
            }
        ),
    };
    let messages = match field("messages") {
        Some(ty) => quote!(fn __manouche_messages(&self) -> &#ty { &self.messages }),
        None => quote!(
            fn __manouche_messages(&self) -> ::std::vec::Vec<::manouche::messages::Message> {
                ::manouche::__private::tpl::messages()
            }
        ),
    };
    let ident = &ast.ident;
    let (impl_generics, ty_generics, where_clause) = ast.generics.split_for_impl();
    Ok(quote! {
        #[doc(hidden)]
        #[allow(dead_code, clippy::needless_lifetimes)]
        impl #impl_generics #ident #ty_generics #where_clause {
            #user
            #messages
        }
    })
}

/// askama names the mirrored file in its errors (absolute, or relative to the working
/// folder); name the user's file instead.
fn point_errors_at_originals(
    generated: TokenStream,
    mirror: &Mirror,
    manifest: &Path,
) -> TokenStream {
    let text = generated.to_string();
    if !text.contains("compile_error") {
        return generated;
    }
    let marker = format!(
        "{}/",
        mirror
            .root
            .file_name()
            .map_or("".into(), |n| n.to_string_lossy())
    );
    let mut fixed = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(&marker) {
        // The path starts after the last space or quote before the marker.
        let start = rest[..at].rfind([' ', '"']).map_or(0, |i| i + 1);
        let after = &rest[at + marker.len()..];
        let name_len = after.find([':', '"', ' ', '\\']).unwrap_or(after.len());
        let name = &after[..name_len];
        fixed.push_str(&rest[..start]);
        match mirror.files.get(name) {
            Some(original) => {
                let shown = original.strip_prefix(manifest).unwrap_or(original);
                fixed.push_str(&shown.to_string_lossy());
            }
            None => fixed.push_str(&rest[start..at + marker.len() + name_len]),
        }
        rest = &after[name_len..];
    }
    fixed.push_str(rest);
    fixed.parse().unwrap_or(generated)
}
