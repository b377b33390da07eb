-- Idempotency-Key records (docs/api.md "Idempotent retries"): the first completed
-- response to a POST, kept for 24 hours per (caller, key) so that a retry
-- gets the same answer even after a worker or host restart. `status` is NULL
-- while the first request still runs. caller: "user:<id>" or "addr:<ip>".

CREATE TABLE idempotency_keys (
    caller      VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    idem_key    VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    fingerprint CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status      SMALLINT UNSIGNED NULL,
    location    VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
    body        MEDIUMBLOB   NULL,
    created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    expires_at  DATETIME(3)  NOT NULL,
    PRIMARY KEY (caller, idem_key),
    KEY idx_idempotency_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
