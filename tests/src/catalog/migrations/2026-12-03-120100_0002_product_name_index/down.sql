DROP INDEX catalog_product_name;
