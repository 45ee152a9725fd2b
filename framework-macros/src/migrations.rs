//! `migrations!("src/<app>/migrations")`: an app's SQL migrations embedded in the binary,
//! for diesel to run and for `sqlmigrate` to show. Each `<version>_<name>/` folder holds
//! `up.sql` and, to be reversible, `down.sql` (diesel's layout).

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

/// One migration folder.
struct Folder {
    name: String,
    up: PathBuf,
    down: Option<PathBuf>,
    in_transaction: bool,
}

/// diesel's rule for a folder name: a version (digits, `-`) then `_` and a name.
fn valid_name(name: &str) -> bool {
    match name.split_once('_') {
        Some((version, rest)) => {
            !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                && !rest.is_empty()
        }
        None => false,
    }
}

fn folders(root: &Path, span: &LitStr) -> syn::Result<Vec<Folder>> {
    let error = |msg: String| syn::Error::new(span.span(), msg);
    let entries = std::fs::read_dir(root).map_err(|e| {
        error(format!(
            "cannot read the migrations folder {}: {e}; make it, with a `<timestamp>_<name>/up.sql` for each migration",
            root.display()
        ))
    })?;
    let mut out = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !valid_name(&name) {
            return Err(error(format!(
                "the migration folder `{name}` needs a version first: name it like `2026-12-03-120000_0001_initial`"
            )));
        }
        let up = path.join("up.sql");
        if !up.is_file() {
            return Err(error(format!("the migration `{name}` has no up.sql")));
        }
        let down = Some(path.join("down.sql")).filter(|d| d.is_file());
        let in_transaction = !std::fs::read_to_string(path.join("metadata.toml"))
            .is_ok_and(|t| t.replace(' ', "").contains("run_in_transaction=false"));
        out.push(Folder {
            name,
            up,
            down,
            in_transaction,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let folder: LitStr = syn::parse2(input)?;
    let root = Path::new(&manifest_dir()).join(folder.value());
    Ok(embed(&folders(&root, &folder)?))
}

/// The folder of the crate being compiled.
pub fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into())
}

/// The migrations of one folder, or none when it does not exist yet (an app before its
/// first `makemigrations`).
pub fn embed_if_any(root: &Path, span: &LitStr) -> syn::Result<TokenStream> {
    if root.is_dir() {
        Ok(embed(&folders(root, span)?))
    } else {
        Ok(embed(&[]))
    }
}

/// A `Migrations` value holding these folders' SQL.
fn embed(found: &[Folder]) -> TokenStream {
    let text = |p: &Path| {
        let p = p.to_string_lossy().into_owned();
        quote!(::core::include_str!(#p))
    };
    let optional = |p: &Option<PathBuf>| match p {
        Some(d) => {
            let d = text(d);
            quote!(::core::option::Option::Some(#d))
        }
        None => quote!(::core::option::Option::None),
    };
    let dm = quote!(::manouche::__private::diesel_migrations);
    let embedded = found.iter().map(|f| {
        let (name, up, down, tx) = (&f.name, text(&f.up), optional(&f.down), f.in_transaction);
        quote! {
            #dm::EmbeddedMigration::new(#up, #down, #dm::EmbeddedName::new(#name), #dm::TomlMetadataWrapper::new(#tx))
        }
    });
    let sql = found.iter().map(|f| {
        let (name, up, down, tx) = (&f.name, text(&f.up), optional(&f.down), f.in_transaction);
        quote! {
            ::manouche::db::migrations::MigrationSql { name: #name, up: #up, down: #down, in_transaction: #tx }
        }
    });
    quote! {{
        const EMBEDDED: #dm::EmbeddedMigrations = #dm::EmbeddedMigrations::new(&[#(#embedded),*]);
        const SQL: &[::manouche::db::migrations::MigrationSql] = &[#(#sql),*];
        ::manouche::db::migrations::Migrations::new(EMBEDDED, SQL)
    }}
}
