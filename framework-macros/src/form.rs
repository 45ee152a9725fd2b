//! `#[derive(Form)]` and `#[derive(Choices)]`: a form's fields as data (labels, limits,
//! widgets, messages) and the code that cleans each field and then the whole form.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, Lit, LitStr, Path, Type};

/// What `#[field(…)]` says.
#[derive(Default)]
struct FieldAttrs {
    label: Option<LitStr>,
    help_text: Option<LitStr>,
    widget: Option<LitStr>,
    initial: Option<String>,
    max_length: Option<usize>,
    min_length: Option<usize>,
    max_value: Option<String>,
    min_value: Option<String>,
    step_size: Option<String>,
    required: Option<bool>,
    strip: Option<bool>,
    allow_empty_file: Option<bool>,
    messages: Vec<(String, LitStr)>,
    validate: Vec<Path>,
}

/// A number literal, possibly negative, as text.
fn number(expr: &Expr) -> syn::Result<String> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => Ok(i.base10_digits().to_string()),
            Lit::Float(f) => Ok(f.base10_digits().to_string()),
            _ => Err(syn::Error::new(expr.span(), "expected a number")),
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => Ok(format!("-{}", number(&u.expr)?)),
        _ => Err(syn::Error::new(expr.span(), "expected a number")),
    }
}

const WIDGETS: &[(&str, &str)] = &[
    ("text", "Text"),
    ("number", "Number"),
    ("checkbox", "Checkbox"),
    ("select", "Select"),
    ("textarea", "Textarea"),
    ("password", "Password"),
    ("email", "Email"),
    ("hidden", "Hidden"),
    ("file", "File"),
];

const CODES: &[&str] = &[
    "required",
    "invalid",
    "max_length",
    "min_length",
    "max_value",
    "min_value",
    "step_size",
    "invalid_choice",
    "null_characters_not_allowed",
    "missing",
    "empty",
];

fn field_attrs(field: &syn::Field) -> syn::Result<FieldAttrs> {
    let mut a = FieldAttrs::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("field")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            match key.as_str() {
                "label" => a.label = Some(meta.value()?.parse()?),
                "help_text" => a.help_text = Some(meta.value()?.parse()?),
                "widget" => {
                    let w: LitStr = meta.value()?.parse()?;
                    if !WIDGETS.iter().any(|(n, _)| *n == w.value()) {
                        return Err(syn::Error::new(
                            w.span(),
                            "unknown widget; the widgets are: text, number, checkbox, select, textarea, password, email, hidden, file",
                        ));
                    }
                    a.widget = Some(w);
                }
                "initial" => {
                    let e: Expr = meta.value()?.parse()?;
                    a.initial = Some(match &e {
                        Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => s.value(),
                        Expr::Lit(syn::ExprLit { lit: Lit::Bool(b), .. }) => b.value.to_string(),
                        other => number(other)?,
                    });
                }
                "max_length" | "min_length" => {
                    let n: syn::LitInt = meta.value()?.parse()?;
                    let n = n.base10_parse()?;
                    if key == "max_length" { a.max_length = Some(n) } else { a.min_length = Some(n) }
                }
                "max_value" | "min_value" | "step_size" => {
                    let e: Expr = meta.value()?.parse()?;
                    let n = number(&e)?;
                    match key.as_str() {
                        "max_value" => a.max_value = Some(n),
                        "min_value" => a.min_value = Some(n),
                        _ => a.step_size = Some(n),
                    }
                }
                "required" | "strip" | "allow_empty_file" => {
                    let value = if meta.input.peek(syn::Token![=]) {
                        let b: syn::LitBool = meta.value()?.parse()?;
                        b.value
                    } else {
                        true
                    };
                    match key.as_str() {
                        "required" => a.required = Some(value),
                        "strip" => a.strip = Some(value),
                        _ => a.allow_empty_file = Some(value),
                    }
                }
                "error_messages" => meta.parse_nested_meta(|m| {
                    let code = m.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                    if !CODES.contains(&code.as_str()) {
                        return Err(m.error(format!("unknown error code; the codes are: {}", CODES.join(", "))));
                    }
                    a.messages.push((code, m.value()?.parse()?));
                    Ok(())
                })?,
                "validate" => a.validate.push(meta.value()?.parse()?),
                _ => {
                    return Err(meta.error(
                        "unknown field option; the options are: label, help_text, widget, initial, max_length, min_length, max_value, min_value, step_size, required, strip, allow_empty_file, error_messages(…), validate",
                    ));
                }
            }
            Ok(())
        })?;
    }
    Ok(a)
}

/// The type inside `Option<…>`, for checks by name.
fn base_type_name(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return base_type_name(inner);
    }
    Some(last.ident.to_string())
}

const NUMBERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
    "f64",
];

pub fn derive_form(input: TokenStream) -> syn::Result<TokenStream> {
    let ast: DeriveInput = syn::parse2(input)?;
    let Data::Struct(data) = &ast.data else {
        return Err(syn::Error::new(
            ast.ident.span(),
            "#[derive(Form)] goes on a struct with named fields, one per form field",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            ast.ident.span(),
            "#[derive(Form)] needs named fields: their names are the form's keys",
        ));
    };
    let mut form_validators: Vec<Path> = Vec::new();
    for attr in ast.attrs.iter().filter(|a| a.path().is_ident("form")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("validate") {
                form_validators.push(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta.error("unknown form option; the options are: validate = path::to::fn"))
            }
        })?;
    }
    let ident = &ast.ident;
    let mut specs = Vec::new();
    let mut cleans = Vec::new();
    let mut names = Vec::new();
    for (i, field) in named.named.iter().enumerate() {
        let name = field.ident.as_ref().expect("named");
        let key = name.to_string().trim_start_matches("r#").to_string();
        let ty = &field.ty;
        let a = field_attrs(field)?;
        let base = base_type_name(ty).unwrap_or_default();
        let is_number = NUMBERS.contains(&base.as_str());
        if is_number && (a.max_length.is_some() || a.min_length.is_some()) {
            return Err(syn::Error::new(
                field.span(),
                "max_length and min_length apply to text fields; a number field takes min_value, max_value and step_size",
            ));
        }
        if base == "String"
            && (a.max_value.is_some() || a.min_value.is_some() || a.step_size.is_some())
        {
            return Err(syn::Error::new(
                field.span(),
                "min_value, max_value and step_size apply to number fields; a text field takes min_length and max_length",
            ));
        }
        let label = a.label.map(|l| l.value()).unwrap_or_else(|| {
            let spaced = key.replace('_', " ");
            let mut c = spaced.chars();
            c.next()
                .map(|f| {
                    f.to_uppercase()
                        .chain(c.flat_map(char::to_lowercase))
                        .collect()
                })
                .unwrap_or_default()
        });
        let help = a.help_text.map(|h| h.value()).unwrap_or_default();
        let opt_str = |v: &Option<String>| match v {
            Some(s) => quote!(::core::option::Option::Some(#s)),
            None => quote!(::core::option::Option::None),
        };
        let opt_usize = |v: Option<usize>| match v {
            Some(n) => quote!(::core::option::Option::Some(#n)),
            None => quote!(::core::option::Option::None),
        };
        let widget = match &a.widget {
            Some(w) => {
                let variant = format_ident!(
                    "{}",
                    WIDGETS
                        .iter()
                        .find(|(n, _)| *n == w.value())
                        .map(|(_, v)| *v)
                        .unwrap_or("Text")
                );
                quote!(::manouche::forms::Widget::#variant)
            }
            None => quote!(<#ty as ::manouche::forms::FormValue>::WIDGET),
        };
        let required = match a.required {
            Some(r) => quote!(#r),
            None => quote!(<#ty as ::manouche::forms::FormValue>::REQUIRED),
        };
        let strip = a.strip.unwrap_or(true);
        let allow_empty_file = a.allow_empty_file.unwrap_or(false);
        let (initial, max_len, min_len) = (
            opt_str(&a.initial),
            opt_usize(a.max_length),
            opt_usize(a.min_length),
        );
        let (max_v, min_v, step) = (
            opt_str(&a.max_value),
            opt_str(&a.min_value),
            opt_str(&a.step_size),
        );
        let messages = a.messages.iter().map(|(c, m)| quote!((#c, #m)));
        specs.push(quote! {
            ::manouche::forms::FieldSpec {
                name: #key,
                label: #label,
                help_text: #help,
                required: #required,
                widget: #widget,
                initial: #initial,
                max_length: #max_len,
                min_length: #min_len,
                max_value: #max_v,
                min_value: #min_v,
                step_size: #step,
                strip: #strip,
                allow_empty_file: #allow_empty_file,
                messages: &[#(#messages),*],
                choices: <#ty as ::manouche::forms::FormValue>::choices,
                float: <#ty as ::manouche::forms::FormValue>::FLOAT,
            }
        });
        let validators = a.validate.iter().map(|v| {
            quote! {
                if let ::core::result::Result::Err(e) = #v(&value) {
                    errs.push(e);
                }
            }
        });
        let var = format_ident!("__{}", key);
        cleans.push(quote! {
            let #var = match <#ty as ::manouche::forms::FormValue>::clean_input(data.get(#key), files, &fields[#i]) {
                ::core::result::Result::Ok(value) => {
                    let mut errs: ::std::vec::Vec<::manouche::forms::ValidationError> = ::std::vec::Vec::new();
                    #(#validators)*
                    if errs.is_empty() {
                        ::core::option::Option::Some(value)
                    } else {
                        errors.add(#key, errs);
                        ::core::option::Option::None
                    }
                }
                ::core::result::Result::Err(errs) => {
                    errors.add(#key, errs);
                    ::core::option::Option::None
                }
            };
        });
        names.push((name.clone(), var));
    }
    let n = specs.len();
    let assigns = names.iter().map(|(name, var)| quote!(#name: #var?));
    let form_checks = form_validators.iter().map(|v| {
        quote! {
            if let ::core::result::Result::Err(e) = #v(&form) {
                errors.add_non_field(e);
            }
        }
    });
    let (impl_g, ty_g, where_c) = ast.generics.split_for_impl();
    Ok(quote! {
        impl #impl_g ::manouche::forms::Form for #ident #ty_g #where_c {
            fn fields() -> &'static [::manouche::forms::FieldSpec] {
                static FIELDS: [::manouche::forms::FieldSpec; #n] = [#(#specs),*];
                &FIELDS
            }

            fn clean(
                data: &::manouche::http::QueryDict,
                files: &::manouche::files::Files,
                errors: &mut ::manouche::forms::FormErrors,
            ) -> ::core::option::Option<Self> {
                let fields = <Self as ::manouche::forms::Form>::fields();
                #(#cleans)*
                let form = Self { #(#assigns,)* };
                #(#form_checks)*
                if errors.is_empty() { ::core::option::Option::Some(form) } else { ::core::option::Option::None }
            }
        }
    })
}

fn snake(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

pub fn derive_choices(input: TokenStream) -> syn::Result<TokenStream> {
    let ast: DeriveInput = syn::parse2(input)?;
    let Data::Enum(data) = &ast.data else {
        return Err(syn::Error::new(
            ast.ident.span(),
            "#[derive(Choices)] goes on an enum whose variants are the choices",
        ));
    };
    let ident = &ast.ident;
    let mut pairs = Vec::new();
    let mut from = Vec::new();
    let mut to = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(syn::Error::new(
                v.span(),
                "a choice is a variant without fields",
            ));
        }
        let mut value = snake(&v.ident.to_string());
        let mut label = v.ident.to_string();
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("choice")) {
            attr.parse_nested_meta(|meta| {
                let s: LitStr = meta.value()?.parse()?;
                if meta.path.is_ident("value") {
                    value = s.value();
                } else if meta.path.is_ident("label") {
                    label = s.value();
                } else {
                    return Err(meta.error("unknown choice option; the options are: value, label"));
                }
                Ok(())
            })?;
        }
        let var = &v.ident;
        pairs.push(quote!((#value, #label)));
        from.push(quote!(#value => ::core::option::Option::Some(Self::#var)));
        to.push(quote!(Self::#var => #value));
    }
    Ok(quote! {
        impl ::manouche::forms::Choices for #ident {
            const CHOICES: &'static [(&'static str, &'static str)] = &[#(#pairs),*];
            fn from_value(value: &str) -> ::core::option::Option<Self> {
                match value { #(#from,)* _ => ::core::option::Option::None }
            }
            fn value(&self) -> &'static str {
                match self { #(#to,)* }
            }
        }

        impl ::manouche::forms::FormValue for #ident {
            const WIDGET: ::manouche::forms::Widget = ::manouche::forms::Widget::Select;
            fn clean(
                raw: ::core::option::Option<&str>,
                spec: &::manouche::forms::FieldSpec,
            ) -> ::core::result::Result<Self, ::std::vec::Vec<::manouche::forms::ValidationError>> {
                ::manouche::forms::clean_choice(raw, spec)
            }
            fn choices() -> ::std::vec::Vec<(::std::string::String, ::std::string::String)> {
                <Self as ::manouche::forms::Choices>::CHOICES
                    .iter()
                    .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
                    .collect()
            }
        }
    })
}
