DROP TABLE catalog_product;
