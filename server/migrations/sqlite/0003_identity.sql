-- Sign-in codes and sessions. Codes and session ids are stored only as
-- digests: a copy of the database signs nobody in.

CREATE TABLE sign_in_codes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    phone       TEXT NOT NULL,
    -- Where the request came from, for per-client throttling.
    client      TEXT NOT NULL,
    salt        TEXT NOT NULL,
    code_digest TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX sign_in_codes_phone ON sign_in_codes (phone, created_at);
CREATE INDEX sign_in_codes_client ON sign_in_codes (client, created_at);

CREATE TABLE sessions (
    id_digest    TEXT PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    -- The absolute end, however active the session is.
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    user_agent   TEXT
);
CREATE INDEX sessions_person ON sessions (person_id);
