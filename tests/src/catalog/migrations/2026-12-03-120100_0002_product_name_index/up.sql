CREATE INDEX catalog_product_name ON catalog_product (name);
