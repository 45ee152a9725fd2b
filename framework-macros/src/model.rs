//! `#[derive(Model)]`: a struct in an app's `models.rs` becomes a table. It expands into
//! diesel's `table!` (module `flight` for `Flight`, table `flights_flight`), hand-written
//! `Queryable`/`Selectable`/`Identifiable`/`BelongsTo` impls, a `NewFlight` to insert, a
//! few Django-like helpers (`get`, `all`, `save`, `delete`), and `Model::state` for
//! `makemigrations`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, Ident, Lit, LitStr, Path, Type};

/// A column's type as Django names it, and diesel's SQL type.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Auto,
    BigAuto,
    SmallInteger,
    Integer,
    BigInteger,
    Float,
    Boolean,
    Char(u32),
    Text,
    Date,
    DateTime,
}

impl Kind {
    fn sql_type(self) -> TokenStream {
        match self {
            Kind::Auto | Kind::Integer => quote!(Integer),
            Kind::BigAuto | Kind::BigInteger => quote!(BigInt),
            Kind::SmallInteger => quote!(SmallInt),
            Kind::Float => quote!(Double),
            Kind::Boolean => quote!(Bool),
            Kind::Char(_) | Kind::Text => quote!(Text),
            Kind::Date => quote!(Date),
            Kind::DateTime => quote!(Timestamp),
        }
    }

    fn state(self) -> TokenStream {
        let k = quote!(::manouche::db::models::FieldKind);
        match self {
            Kind::Auto => quote!(#k::AutoField),
            Kind::BigAuto => quote!(#k::BigAutoField),
            Kind::SmallInteger => quote!(#k::SmallIntegerField),
            Kind::Integer => quote!(#k::IntegerField),
            Kind::BigInteger => quote!(#k::BigIntegerField),
            Kind::Float => quote!(#k::FloatField),
            Kind::Boolean => quote!(#k::BooleanField),
            Kind::Char(n) => quote!(#k::CharField { max_length: #n }),
            Kind::Text => quote!(#k::TextField),
            Kind::Date => quote!(#k::DateField),
            Kind::DateTime => quote!(#k::DateTimeField),
        }
    }
}

/// One field of the model.
struct Column {
    ident: Ident,
    ty: Type,
    kind: Kind,
    null: bool,
    primary_key: bool,
    unique: bool,
    db_index: bool,
    default: Option<Lit>,
    foreign_key: Option<(Path, Ident)>,
    docs: Vec<syn::Attribute>,
}

const ON_DELETE: &[(&str, &str)] = &[
    ("CASCADE", "Cascade"),
    ("PROTECT", "Protect"),
    ("RESTRICT", "Restrict"),
    ("SET_NULL", "SetNull"),
    ("DO_NOTHING", "DoNothing"),
];

/// `Option<T>` → `T`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Whether two paths are written alike (`syn::Path` compares only with syn's
/// `extra-traits`).
fn same_path(a: &Path, b: &Path) -> bool {
    quote!(#a).to_string() == quote!(#b).to_string()
}

/// `FlightBooking` → `flight_booking`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn column(field: &syn::Field) -> syn::Result<Column> {
    let ident = field.ident.clone().expect("named fields");
    let (null, inner) = match option_inner(&field.ty) {
        Some(t) => (true, t),
        None => (false, &field.ty),
    };
    let mut max_length = None;
    let mut c = Column {
        ident: ident.clone(),
        ty: field.ty.clone(),
        kind: Kind::Text,
        null,
        primary_key: false,
        unique: false,
        db_index: false,
        default: None,
        foreign_key: None,
        docs: field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect(),
    };
    let mut fk: Option<Path> = None;
    let mut on_delete: Option<Ident> = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("field")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            match key.as_str() {
                "max_length" => {
                    let n: syn::LitInt = meta.value()?.parse()?;
                    max_length = Some(n.base10_parse::<u32>()?);
                }
                "primary_key" => c.primary_key = true,
                "unique" => c.unique = true,
                "db_index" => c.db_index = true,
                "default" => {
                    let e: Expr = meta.value()?.parse()?;
                    c.default = Some(literal(&e)?);
                }
                "foreign_key" => fk = Some(meta.value()?.parse()?),
                "on_delete" => {
                    let i: Ident = meta.value()?.parse()?;
                    if !ON_DELETE.iter().any(|(n, _)| i == n) {
                        return Err(syn::Error::new(
                            i.span(),
                            "on_delete is one of CASCADE, PROTECT, RESTRICT, SET_NULL, DO_NOTHING",
                        ));
                    }
                    on_delete = Some(i);
                }
                _ => {
                    return Err(meta.error(
                        "unknown field option; a model's fields take: max_length, primary_key, unique, db_index, default, foreign_key, on_delete",
                    ));
                }
            }
            Ok(())
        })?;
    }
    let name = type_name(inner);
    c.kind = match name.as_str() {
        "i16" => Kind::SmallInteger,
        "i32" => Kind::Integer,
        "i64" => Kind::BigInteger,
        "f64" => Kind::Float,
        "bool" => Kind::Boolean,
        "String" => match max_length {
            Some(0) => {
                return Err(syn::Error::new(
                    field.span(),
                    "max_length must be at least 1",
                ));
            }
            Some(n) => Kind::Char(n),
            None => Kind::Text,
        },
        "NaiveDate" => Kind::Date,
        "NaiveDateTime" => Kind::DateTime,
        _ => {
            return Err(syn::Error::new(
                inner.span(),
                "a model's field is i16, i32, i64, f64, bool, String, chrono::NaiveDate, chrono::NaiveDateTime, or an Option of one",
            ));
        }
    };
    if max_length.is_some() && name != "String" {
        return Err(syn::Error::new(
            field.span(),
            "max_length is for a String field",
        ));
    }
    let auto_id = ident == "id" && !c.null && matches!(name.as_str(), "i32" | "i64");
    if auto_id && fk.is_none() {
        c.primary_key = true;
        c.kind = if name == "i32" {
            Kind::Auto
        } else {
            Kind::BigAuto
        };
    }
    if c.primary_key && c.null {
        return Err(syn::Error::new(
            field.span(),
            "a primary key cannot be an Option",
        ));
    }
    match (fk, on_delete) {
        (Some(path), Some(od)) => {
            if !matches!(c.kind, Kind::Integer | Kind::BigInteger) {
                return Err(syn::Error::new(
                    field.ty.span(),
                    "a foreign key is the other model's primary key: i64 (or i32), or an Option of it",
                ));
            }
            if od == "SET_NULL" && !c.null {
                return Err(syn::Error::new(
                    od.span(),
                    "on_delete = SET_NULL needs a field that can be NULL: make it an Option",
                ));
            }
            c.foreign_key = Some((path, od));
        }
        (Some(path), None) => {
            return Err(syn::Error::new(
                path.span(),
                "a foreign key needs on_delete: CASCADE, PROTECT, RESTRICT, SET_NULL or DO_NOTHING",
            ));
        }
        (None, Some(od)) => {
            return Err(syn::Error::new(
                od.span(),
                "on_delete is for a foreign key: add foreign_key = OtherModel",
            ));
        }
        (None, None) => {}
    }
    Ok(c)
}

/// A default's literal (a number, possibly negative, a string or a bool).
fn literal(e: &Expr) -> syn::Result<Lit> {
    match e {
        Expr::Lit(l) => Ok(l.lit.clone()),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match literal(&u.expr)? {
            Lit::Int(i) => Ok(Lit::Int(syn::LitInt::new(
                &format!("-{}", i.base10_digits()),
                i.span(),
            ))),
            Lit::Float(f) => Ok(Lit::Float(syn::LitFloat::new(
                &format!("-{}", f.base10_digits()),
                f.span(),
            ))),
            _ => Err(syn::Error::new(e.span(), "a default is a literal")),
        },
        _ => Err(syn::Error::new(
            e.span(),
            "a default is a literal: a number, a string or a bool",
        )),
    }
}

fn default_json(lit: &Lit, kind: Kind) -> syn::Result<TokenStream> {
    let ok = matches!(
        (lit, kind),
        (
            Lit::Int(_),
            Kind::SmallInteger | Kind::Integer | Kind::BigInteger
        ) | (Lit::Int(_) | Lit::Float(_), Kind::Float)
            | (Lit::Bool(_), Kind::Boolean)
            | (
                Lit::Str(_),
                Kind::Char(_) | Kind::Text | Kind::Date | Kind::DateTime
            )
    );
    if !ok {
        return Err(syn::Error::new(
            lit.span(),
            "the default does not fit the field's type",
        ));
    }
    Ok(match lit {
        Lit::Int(i) => {
            let v: i64 = i.base10_parse()?;
            quote!(::manouche::__private::serde_json::Value::from(#v))
        }
        Lit::Float(f) => {
            let v: f64 = f.base10_parse()?;
            quote!(::manouche::__private::serde_json::Value::from(#v))
        }
        other => quote!(::manouche::__private::serde_json::Value::from(#other)),
    })
}

/// What `#[model(…)]` says.
#[derive(Default)]
struct ModelAttrs {
    app: Option<LitStr>,
    table: Option<LitStr>,
    unique_together: Vec<Vec<Ident>>,
    form: Option<Ident>,
    form_fields: Option<Vec<Ident>>,
}

fn model_attrs(input: &DeriveInput) -> syn::Result<ModelAttrs> {
    let mut a = ModelAttrs::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("model")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("app") {
                a.app = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("table") {
                a.table = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("unique_together") {
                let content;
                syn::parenthesized!(content in meta.input);
                let names = content
                    .parse_terminated(<Ident as syn::parse::Parse>::parse, syn::Token![,])?;
                a.unique_together.push(names.into_iter().collect());
            } else if meta.path.is_ident("form") {
                a.form = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("form_fields") {
                let content;
                syn::parenthesized!(content in meta.input);
                let names =
                    content.parse_terminated(<Ident as syn::parse::Parse>::parse, syn::Token![,])?;
                a.form_fields = Some(names.into_iter().collect());
            } else {
                return Err(meta.error(
                    "unknown model option; #[model(…)] takes: app, table, unique_together(a, b), form = FormName, form_fields(a, b)",
                ));
            }
            Ok(())
        })?;
    }
    Ok(a)
}

/// The app a model belongs to: `#[model(app = …)]`, or the folder of `src/<app>/models.rs`.
fn app_of(attrs: &ModelAttrs, span: Span) -> syn::Result<String> {
    if let Some(app) = &attrs.app {
        return Ok(app.value());
    }
    let file = proc_macro::Span::call_site().local_file();
    let app = file.as_deref().and_then(|f| {
        let stem = f.file_stem()?.to_str()?;
        if stem == "models" || stem == "mod" {
            f.parent()?.file_name()?.to_str().map(str::to_owned)
        } else {
            Some(stem.to_owned())
        }
    });
    match app {
        Some(app) if app != "src" => Ok(app),
        _ => Err(syn::Error::new(
            span,
            "cannot tell this model's app from its file: put it in src/<app>/models.rs or say #[model(app = \"<app>\")]",
        )),
    }
}

/// Whether the crate being compiled lists diesel, whose `table!` the expansion uses.
fn lists_diesel() -> bool {
    let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return true;
    };
    let Ok(text) = std::fs::read_to_string(std::path::Path::new(&dir).join("Cargo.toml")) else {
        return true;
    };
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("diesel ")
            || l.starts_with("diesel=")
            || l.starts_with("diesel.")
            || l.starts_with("[dependencies.diesel]")
    })
}

pub fn derive(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let name = &input.ident;
    let vis = &input.vis;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "a model cannot be generic",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(name.span(), "a model is a struct"));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            name.span(),
            "a model is a struct with named fields",
        ));
    };
    if !lists_diesel() {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Model)] makes diesel tables: add `diesel = { version = \"2.3\", default-features = false }` to [dependencies] in Cargo.toml",
        ));
    }
    let attrs = model_attrs(&input)?;
    let app = app_of(&attrs, name.span())?;
    let columns = named
        .named
        .iter()
        .map(column)
        .collect::<syn::Result<Vec<_>>>()?;
    if columns.len() > 16 {
        return Err(syn::Error::new(
            name.span(),
            "a model has at most 16 fields",
        ));
    }
    let pks: Vec<&Column> = columns.iter().filter(|c| c.primary_key).collect();
    let pk = match pks.as_slice() {
        [one] => *one,
        [] => {
            return Err(syn::Error::new(
                name.span(),
                "a model needs a primary key: a field `id: i64` (numbered by the database) or #[field(primary_key)] on one field",
            ));
        }
        [_, second, ..] => {
            return Err(syn::Error::new(
                second.ident.span(),
                "a model has one primary key",
            ));
        }
    };
    for group in &attrs.unique_together {
        for ident in group {
            if !columns.iter().any(|c| c.ident == *ident) {
                return Err(syn::Error::new(
                    ident.span(),
                    format!("unique_together names `{ident}`, which is not a field of {name}"),
                ));
            }
        }
    }
    let module = format_ident!("{}", snake_case(&name.to_string()));
    let table_name = attrs
        .table
        .as_ref()
        .map(LitStr::value)
        .unwrap_or_else(|| format!("{app}_{}", name.to_string().to_lowercase()));
    let pk_ident = &pk.ident;
    let pk_ty = &pk.ty;

    // diesel's table!.
    let column_defs = columns.iter().map(|c| {
        let (ident, docs) = (&c.ident, &c.docs);
        let sql = c.kind.sql_type();
        let sql = if c.null { quote!(Nullable<#sql>) } else { sql };
        quote!(#(#docs)* #ident -> #sql,)
    });
    let table_doc = format!("The table `{table_name}` of [`{name}`] (diesel's `table!`).");
    let table = quote! {
        ::manouche::diesel::table! {
            #[doc = #table_doc]
            #[sql_name = #table_name]
            #module (#pk_ident) {
                #(#column_defs)*
            }
        }
    };

    let idents: Vec<&Ident> = columns.iter().map(|c| &c.ident).collect();
    let types: Vec<&Type> = columns.iter().map(|c| &c.ty).collect();
    let st: Vec<Ident> = (0..columns.len())
        .map(|i| Ident::new(&format!("__ST{i}"), Span::mixed_site()))
        .collect();
    let index = (0..columns.len()).map(syn::Index::from);
    let d = quote!(::manouche::diesel);
    let diesel_impls = quote! {
        impl<__DB: #d::backend::Backend, #(#st),*> #d::deserialize::Queryable<(#(#st,)*), __DB> for #name
        where (#(#types,)*): #d::deserialize::FromStaticSqlRow<(#(#st,)*), __DB>
        {
            type Row = (#(#types,)*);
            fn build(row: Self::Row) -> #d::deserialize::Result<Self> {
                ::core::result::Result::Ok(#name { #(#idents: row.#index),* })
            }
        }
        impl<__DB: #d::backend::Backend> #d::Selectable<__DB> for #name {
            type SelectExpression = (#(#module::#idents,)*);
            fn construct_selection() -> Self::SelectExpression {
                (#(#module::#idents,)*)
            }
        }
        impl #d::associations::HasTable for #name {
            type Table = #module::table;
            fn table() -> Self::Table {
                #module::table
            }
        }
        impl<'__a> #d::Identifiable for &'__a #name {
            type Id = &'__a #pk_ty;
            fn id(self) -> Self::Id {
                &self.#pk_ident
            }
        }
    };

    // BelongsTo for each model pointed at by exactly one foreign key.
    let belongs = columns.iter().filter_map(|c| {
        let (path, _) = c.foreign_key.as_ref()?;
        let same = columns
            .iter()
            .filter(|o| {
                o.foreign_key
                    .as_ref()
                    .is_some_and(|(p, _)| same_path(p, path))
            })
            .count();
        if same != 1 {
            return None;
        }
        let ident = &c.ident;
        let inner = option_inner(&c.ty).unwrap_or(&c.ty);
        let get = if c.null {
            quote!(self.#ident.as_ref())
        } else {
            quote!(::core::option::Option::Some(&self.#ident))
        };
        Some(quote! {
            impl #d::associations::BelongsTo<#path> for #name {
                type ForeignKey = #inner;
                type ForeignKeyColumn = #module::#ident;
                fn foreign_key(&self) -> ::core::option::Option<&Self::ForeignKey> {
                    #get
                }
                fn foreign_key_column() -> Self::ForeignKeyColumn {
                    #module::#ident
                }
            }
        })
    });

    // Each table a foreign key points at may appear in one query with this one (joins and
    // subqueries); `joinable!` too when a single foreign key points there.
    let mut targets: Vec<&Path> = Vec::new();
    for c in &columns {
        if let Some((path, _)) = &c.foreign_key
            && !targets.iter().any(|t| same_path(t, path))
            && !path.is_ident(name)
        {
            targets.push(path);
        }
    }
    let links = targets.iter().map(|path| {
        let mut module_path = (*path).clone();
        if let Some(last) = module_path.segments.last_mut() {
            last.ident = format_ident!("{}", snake_case(&last.ident.to_string()));
            last.arguments = syn::PathArguments::None;
        }
        let linked: Vec<&Column> = columns
            .iter()
            .filter(|c| {
                c.foreign_key
                    .as_ref()
                    .is_some_and(|(p, _)| same_path(p, path))
            })
            .collect();
        let join = match linked.as_slice() {
            [one] => {
                let ident = &one.ident;
                quote!(#d::joinable!(#module -> __manouche_target (#ident));)
            }
            _ => quote!(),
        };
        quote! {
            const _: () = {
                use #module_path as __manouche_target;
                #d::allow_tables_to_appear_in_same_query!(#module, __manouche_target);
                #join
            };
        }
    });

    // NewFlight: every field but a numbered key, to insert.
    let new_name = format_ident!("New{}", name);
    let rest: Vec<&Column> = columns
        .iter()
        .filter(|c| !(c.primary_key && matches!(c.kind, Kind::Auto | Kind::BigAuto)))
        .collect();
    let rest_idents: Vec<&Ident> = rest.iter().map(|c| &c.ident).collect();
    let rest_types: Vec<&Type> = rest.iter().map(|c| &c.ty).collect();
    let rest_docs = rest.iter().map(|c| &c.docs);
    let new_doc = format!(
        "A [`{name}`] to insert: its fields but the key the database numbers. `new.insert(c)` returns the row."
    );
    let new_struct = if rest.is_empty() {
        quote!()
    } else {
        quote! {
            #[doc = #new_doc]
            #[derive(Debug, Clone, PartialEq, ::diesel::Insertable)]
            #[diesel(table_name = #module)]
            #vis struct #new_name {
                #( #(#rest_docs)* pub #rest_idents: #rest_types, )*
            }
        }
    };
    let updates: Vec<&Column> = columns.iter().filter(|c| !c.primary_key).collect();
    let update_idents: Vec<&Ident> = updates.iter().map(|c| &c.ident).collect();
    let save = if updates.is_empty() {
        quote!()
    } else {
        quote! {
            /// Writes every field to the row with this key (Django's `save()` of a row
            /// that exists).
            pub fn save(&self, conn: &mut ::manouche::db::AnyConnection) -> #d::QueryResult<()> {
                use #d::prelude::*;
                ::manouche::db::native!(conn, |c| #d::update(#module::table.find(&self.#pk_ident))
                    .set((#(#module::#update_idents.eq(&self.#update_idents),)*))
                    .execute(c))
                    .map(|_| ())
            }
        }
    };
    let helpers = quote! {
        impl #name {
            /// The row whose key is `pk` (Django's `objects.get(pk=…)`); `.or_404()` on
            /// the result makes "not found" a 404.
            pub fn get(conn: &mut ::manouche::db::AnyConnection, pk: #pk_ty) -> #d::QueryResult<Self> {
                use #d::prelude::*;
                ::manouche::db::native!(conn, |c| #module::table.find(pk).select(<Self as #d::SelectableHelper<_>>::as_select()).first(c))
            }

            /// Every row, by key (Django's `objects.all()`).
            pub fn all(conn: &mut ::manouche::db::AnyConnection) -> #d::QueryResult<::std::vec::Vec<Self>> {
                use #d::prelude::*;
                ::manouche::db::native!(conn, |c| #module::table.order(#module::#pk_ident).select(<Self as #d::SelectableHelper<_>>::as_select()).load(c))
            }

            #save

            /// Deletes this row (and, through `on_delete`, what points at it).
            pub fn delete(&self, conn: &mut ::manouche::db::AnyConnection) -> #d::QueryResult<()> {
                use #d::prelude::*;
                ::manouche::db::native!(conn, |c| #d::delete(#module::table.find(&self.#pk_ident)).execute(c)).map(|_| ())
            }
        }

    };
    let insert = if rest.is_empty() {
        quote!()
    } else {
        quote! {
        impl #new_name {
            /// Inserts the row and returns it with its key (Django's `objects.create(…)`).
            pub fn insert(&self, conn: &mut ::manouche::db::AnyConnection) -> #d::QueryResult<#name> {
                use #d::prelude::*;
                ::manouche::db::native!(conn, |c| #d::insert_into(#module::table)
                    .values(self)
                    .returning(#module::all_columns)
                    .get_result::<#name>(c))
            }
        }
        }
    };

    // Model::state.
    let m = quote!(::manouche::db::models);
    let field_states = columns
        .iter()
        .map(|c| {
            let fname = c.ident.to_string();
            let kind = c.kind.state();
            let (null, primary_key, unique, db_index) = (c.null, c.primary_key, c.unique, c.db_index);
            let default = match &c.default {
                Some(lit) => {
                    let v = default_json(lit, c.kind)?;
                    quote!(::core::option::Option::Some(#v))
                }
                None => quote!(::core::option::Option::None),
            };
            let fk = match &c.foreign_key {
                Some((path, od)) => {
                    let variant = format_ident!(
                        "{}",
                        ON_DELETE.iter().find(|(n, _)| od == n).map(|(_, v)| *v).unwrap_or("Cascade")
                    );
                    quote!(::core::option::Option::Some(#m::ForeignKey {
                        to: ::std::format!("{}.{}", <#path as #m::Model>::APP, <#path as #m::Model>::NAME),
                        table: <#path as #m::Model>::TABLE.to_owned(),
                        column: <#path as #m::Model>::PK.to_owned(),
                        on_delete: #m::OnDelete::#variant,
                    }))
                }
                None => quote!(::core::option::Option::None),
            };
            Ok(quote! {
                #m::FieldState {
                    name: #fname.to_owned(),
                    kind: #kind,
                    null: #null,
                    primary_key: #primary_key,
                    unique: #unique,
                    db_index: #db_index,
                    default: #default,
                    foreign_key: #fk,
                }
            })
        })
        .collect::<syn::Result<Vec<_>>>()?;
    let together = attrs.unique_together.iter().map(|g| {
        let names = g.iter().map(|i| i.to_string());
        quote!(::std::vec![#(#names.to_owned()),*])
    });
    let name_str = name.to_string();
    let pk_str = pk.ident.to_string();
    let model_impl = quote! {
        impl #m::Model for #name {
            const APP: &'static str = #app;
            const NAME: &'static str = #name_str;
            const TABLE: &'static str = #table_name;
            const PK: &'static str = #pk_str;
            fn state() -> #m::ModelState {
                #m::ModelState {
                    name: #name_str.to_owned(),
                    table: #table_name.to_owned(),
                    fields: ::std::vec![#(#field_states),*],
                    unique_together: ::std::vec![#(#together),*],
                }
            }
        }
    };

    let form = match &attrs.form {
        Some(form_name) => model_form(name, vis, form_name, &attrs, &rest)?,
        None => quote!(),
    };

    Ok(quote! {
        #table
        #new_struct
        #form
        #diesel_impls
        #(#belongs)*
        #(#links)*
        #helpers
        #insert
        #model_impl
    })
}

/// A field's label as Django's: a foreign key's without `_id`, `_` as spaces, capitalised.
fn label_of(c: &Column) -> String {
    let name = c.ident.to_string();
    let name = match (&c.foreign_key, name.strip_suffix("_id")) {
        (Some(_), Some(stem)) => stem.to_owned(),
        _ => name,
    };
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `#[model(form = FlightForm)]`: Django's ModelForm, a `#[derive(Form)]` struct of the
/// model's fields (or `form_fields(…)`), with `ModelForm` to load the foreign keys' choices
/// and save the row.
fn model_form(
    model: &Ident,
    vis: &syn::Visibility,
    form_name: &Ident,
    attrs: &ModelAttrs,
    insertable: &[&Column],
) -> syn::Result<TokenStream> {
    let d = quote!(::manouche::diesel);
    let chosen: Vec<&Column> = match &attrs.form_fields {
        Some(names) => {
            let mut out = Vec::new();
            for n in names {
                match insertable.iter().find(|c| c.ident == *n) {
                    Some(c) => out.push(*c),
                    None => {
                        return Err(syn::Error::new(
                            n.span(),
                            format!(
                                "`{n}` is not a field of {model} a form can set (the key the database numbers is not)"
                            ),
                        ));
                    }
                }
            }
            out
        }
        None => insertable.to_vec(),
    };
    let mut fields = Vec::new();
    for c in &chosen {
        if matches!(c.kind, Kind::Date | Kind::DateTime) {
            return Err(syn::Error::new(
                c.ident.span(),
                format!(
                    "a form cannot hold the date field `{}` yet: leave it out with form_fields(…)",
                    c.ident
                ),
            ));
        }
        let (ident, ty) = (&c.ident, &c.ty);
        let label = label_of(c);
        let mut opts = vec![quote!(label = #label)];
        if let Kind::Char(n) = c.kind {
            let n = n as usize;
            opts.push(quote!(max_length = #n));
        }
        if c.kind == Kind::Text {
            opts.push(quote!(widget = "textarea"));
        }
        if c.foreign_key.is_some() {
            opts.push(quote!(widget = "select"));
            opts.push(quote!(error_messages(
                invalid = "Select a valid choice. That choice is not one of the available choices."
            )));
        }
        let docs = &c.docs;
        fields.push(quote! {
            #(#docs)*
            #[field(#(#opts),*)]
            pub #ident: #ty,
        });
    }
    // The fields the form leaves out take their default, or NULL.
    let mut filled = Vec::new();
    for c in insertable {
        let ident = &c.ident;
        if chosen.iter().any(|k| k.ident == *ident) {
            filled.push(quote!(#ident: ::core::clone::Clone::clone(&self.#ident)));
            continue;
        }
        let value = match (&c.default, c.null) {
            (Some(Lit::Str(s)), _) => quote!(::std::string::String::from(#s)),
            (Some(lit), _) => quote!(#lit),
            (None, true) => quote!(::core::option::Option::None),
            (None, false) => {
                return Err(syn::Error::new(
                    c.ident.span(),
                    format!(
                        "{form_name} leaves out `{ident}`, which has no default: add it to form_fields(…) or give it #[field(default = …)]"
                    ),
                ));
            }
        };
        filled.push(quote!(#ident: #value));
    }
    let updates = chosen.iter().map(|c| {
        let ident = &c.ident;
        quote!(row.#ident = ::core::clone::Clone::clone(&self.#ident);)
    });
    let choices = chosen.iter().filter_map(|c| {
        let (path, _) = c.foreign_key.as_ref()?;
        let name = c.ident.to_string();
        Some(quote! {
            {
                let mut choices = ::std::vec![(::std::string::String::new(), ::std::string::String::from("---------"))];
                for row in <#path>::all(conn)? {
                    choices.push((
                        ::std::string::ToString::to_string(#d::Identifiable::id(&row)),
                        ::std::string::ToString::to_string(&row),
                    ));
                }
                out.push((#name, choices));
            }
        })
    });
    let new_name = format_ident!("New{}", model);
    let doc = format!(
        "A form of [`{model}`]'s fields (Django's ModelForm): `bound.load_choices(c)` fills its selects, `bound.save(c)` inserts the row."
    );
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, ::manouche::Form)]
        #vis struct #form_name {
            #(#fields)*
        }

        impl ::manouche::forms::ModelForm for #form_name {
            type Model = #model;

            fn load_choices(
                conn: &mut ::manouche::db::AnyConnection,
            ) -> #d::QueryResult<::manouche::forms::FieldChoices> {
                #[allow(unused_mut)]
                let mut out = ::std::vec::Vec::new();
                #(#choices)*
                ::core::result::Result::Ok(out)
            }

            fn insert(&self, conn: &mut ::manouche::db::AnyConnection) -> #d::QueryResult<#model> {
                #new_name { #(#filled),* }.insert(conn)
            }

            fn update(&self, conn: &mut ::manouche::db::AnyConnection, row: &mut #model) -> #d::QueryResult<()> {
                #(#updates)*
                row.save(conn)
            }
        }
    })
}
