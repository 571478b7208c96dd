-- Idempotency-Key records: the first response to a creating POST, replayed
-- when a phone on 4G retries it. `status` is NULL while the first request is
-- still running.
CREATE TABLE idempotency_keys (
    scope         TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        BIGINT,
    content_type  TEXT,
    response_body TEXT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Crashes and failed calls reported by the app from residents' phones.
CREATE TABLE client_errors (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('panic', 'api')),
    message    TEXT NOT NULL,
    page       TEXT,
    user_agent TEXT,
    request_id TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX client_errors_created ON client_errors (created_at);
