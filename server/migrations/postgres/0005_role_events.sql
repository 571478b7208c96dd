-- Every grant and revocation of a role: who, what, when, why.
CREATE TABLE role_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role_grant_id BIGINT NOT NULL REFERENCES role_grants (id),
    action        TEXT NOT NULL CHECK (action IN ('grant', 'revoke')),
    -- NULL when the system acted (an account deleted by its owner).
    actor_id      BIGINT REFERENCES people (id),
    reason        TEXT NOT NULL,
    at            BIGINT NOT NULL
);
CREATE INDEX role_events_grant ON role_events (role_grant_id);
