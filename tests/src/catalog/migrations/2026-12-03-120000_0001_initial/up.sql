CREATE TABLE catalog_product (
    id BIGINT PRIMARY KEY NOT NULL,
    name VARCHAR(100) NOT NULL,
    price_cents INTEGER NOT NULL
);
