-- Every grant and revocation of a role: who, what, when, why.
CREATE TABLE role_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    role_grant_id INTEGER NOT NULL REFERENCES role_grants (id),
    action        TEXT NOT NULL CHECK (action IN ('grant', 'revoke')),
    -- NULL when the system acted (an account deleted by its owner).
    actor_id      INTEGER REFERENCES people (id),
    reason        TEXT NOT NULL,
    at            INTEGER NOT NULL
);
CREATE INDEX role_events_grant ON role_events (role_grant_id);
