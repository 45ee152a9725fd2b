//! An app with a table of its own: its migrations in `migrations/`, added to the project
//! with `Project::app_migrations`, and a view that reads the table.

pub mod urls;

use manouche::diesel::prelude::*;
use manouche::prelude::*;

// ANCHOR: table
manouche::diesel::table! {
    /// The products, as the app's migration makes them.
    catalog_product (id) {
        id -> BigInt,
        name -> Text,
        price_cents -> Integer,
    }
}

/// A row of `catalog_product`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = catalog_product)]
pub struct Product {
    /// The key.
    pub id: i64,
    /// The name.
    pub name: String,
    /// The price in cents.
    pub price_cents: i32,
}
// ANCHOR_END: table

// ANCHOR: view
/// `catalog:index`: every product, cheapest first.
#[view]
pub async fn index(request: &Request) -> Result<String> {
    let products = request
        .db()?
        .run(|c| {
            catalog_product::table
                .order(catalog_product::price_cents)
                .select(Product::as_select())
                .load(c)
        })
        .await?;
    let lines: Vec<String> = products
        .iter()
        .map(|p| format!("{} {}", p.name, p.price_cents))
        .collect();
    Ok(lines.join("\n"))
}
// ANCHOR_END: view
