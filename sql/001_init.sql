-- restd schema, version 1: users, posts, products and refresh tokens.
-- utf8mb4_unicode_520_ci compares text case-insensitively but keeps distinct
-- characters apart (plain utf8mb4_unicode_ci makes every emoji equal).
-- Every table has a `version` column: bumped on each write, it makes ETags and
-- If-Match checks exact even for two writes in the same millisecond.

CREATE TABLE users (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email         VARCHAR(254) NOT NULL,
    username      VARCHAR(30)  NOT NULL,
    password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    role          ENUM('user', 'admin') NOT NULL DEFAULT 'user',
    token_version INT UNSIGNED NOT NULL DEFAULT 0,
    version       INT UNSIGNED NOT NULL DEFAULT 1,
    created_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_users_email (email),
    UNIQUE KEY uq_users_username (username),
    KEY idx_users_created (created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE posts (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    author_id  BIGINT UNSIGNED NOT NULL,
    title      VARCHAR(200) NOT NULL,
    body       MEDIUMTEXT   NOT NULL,
    published  BOOLEAN      NOT NULL DEFAULT TRUE,
    version    INT UNSIGNED NOT NULL DEFAULT 1,
    created_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    KEY idx_posts_created (created_at, id),
    KEY idx_posts_author_created (author_id, created_at, id),
    KEY idx_posts_published_created (published, created_at, id),
    KEY idx_posts_title (title, id),
    CONSTRAINT fk_posts_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE products (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    sku         VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name        VARCHAR(200) NOT NULL,
    description TEXT         NOT NULL,
    price_cents INT UNSIGNED NOT NULL,
    stock       INT UNSIGNED NOT NULL DEFAULT 0,
    version     INT UNSIGNED NOT NULL DEFAULT 1,
    created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_products_sku (sku),
    KEY idx_products_created (created_at, id),
    KEY idx_products_price (price_cents, id),
    KEY idx_products_name (name, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Only the SHA-256 of a refresh token is stored. Tokens issued by rotation
-- share the family of the login that started it; reuse of a spent token
-- revokes the whole family.
CREATE TABLE refresh_tokens (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id     BIGINT UNSIGNED NOT NULL,
    family_id   BINARY(16)  NOT NULL,
    token_hash  BINARY(32)  NOT NULL,
    expires_at  DATETIME(3) NOT NULL,
    spent_at    DATETIME(3) NULL,
    revoked_at  DATETIME(3) NULL,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_refresh_tokens_hash (token_hash),
    KEY idx_refresh_tokens_user (user_id),
    KEY idx_refresh_tokens_family (family_id),
    KEY idx_refresh_tokens_expires (expires_at),
    CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
