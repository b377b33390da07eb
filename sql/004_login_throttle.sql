-- Failed logins per account, so that credential stuffing from many addresses
-- against one account slows down on every worker and host alike. The key is
-- an HMAC of the normalised (trimmed, lower-cased) email, for an email that
-- has an account and one that has none alike: the table neither names the
-- accounts tried nor tells which exist. After a few failures the account is
-- refused until `blocked_until` (a delay that doubles with every further
-- failure, capped); a successful login deletes the row, and a row without a
-- failure for a day is forgotten.

CREATE TABLE login_throttle (
    account_key     BINARY(32)  NOT NULL,
    failures        INT         NOT NULL,
    blocked_until   DATETIME(3) NULL,
    last_failure_at DATETIME(3) NOT NULL,
    PRIMARY KEY (account_key),
    KEY idx_login_throttle_last_failure (last_failure_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
