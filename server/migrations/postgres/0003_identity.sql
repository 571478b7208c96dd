-- Sign-in codes and sessions. Codes and session ids are stored only as
-- digests: a copy of the database signs nobody in.

CREATE TABLE sign_in_codes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone       TEXT NOT NULL,
    -- Where the request came from, for per-client throttling.
    client      TEXT NOT NULL,
    salt        TEXT NOT NULL,
    code_digest TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX sign_in_codes_phone ON sign_in_codes (phone, created_at);
CREATE INDEX sign_in_codes_client ON sign_in_codes (client, created_at);

CREATE TABLE sessions (
    id_digest    TEXT PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES people (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    -- The absolute end, however active the session is.
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    user_agent   TEXT
);
CREATE INDEX sessions_person ON sessions (person_id);
