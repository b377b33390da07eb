-- A `search` is a substring match (LIKE '%text%'), which no B-tree index can
-- seek: a searched list walks its sort index until it has a page, and a search
-- that matches little walks all of it. With the searched columns in the
-- default sort's index, that walk reads index entries instead of whole rows
-- (a post's row carries its body), and the COUNT of a searched products list
-- reads that index instead of the table. Lists bound what remains with
-- DB_LIST_TIMEOUT_MS.

ALTER TABLE posts
    DROP INDEX idx_posts_created,
    ADD INDEX idx_posts_created (created_at, id, published, author_id, title);

ALTER TABLE products
    DROP INDEX idx_products_created,
    ADD INDEX idx_products_created (created_at, id, name, sku);
