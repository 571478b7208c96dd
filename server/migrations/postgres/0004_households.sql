-- Binding residents to households, and the invite links station members
-- share to make that quick. A resident's binding counts (for voting and
-- rating) only once the station or the grid worker approved it.

CREATE TABLE invites (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    created_by   BIGINT NOT NULL REFERENCES people (id),
    building_id  BIGINT NOT NULL REFERENCES buildings (id),
    -- Set for an invite to one household; NULL for a whole building.
    household_id BIGINT REFERENCES households (id),
    max_uses     BIGINT NOT NULL CHECK (max_uses > 0),
    uses         BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX invites_building ON invites (building_id);

CREATE TABLE household_requests (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES people (id),
    household_id BIGINT NOT NULL REFERENCES households (id),
    invite_id    BIGINT REFERENCES invites (id),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_at BIGINT NOT NULL,
    decided_at   BIGINT,
    decided_by   BIGINT REFERENCES people (id),
    reason       TEXT
);
-- One open (pending or approved) binding per person at a time.
CREATE UNIQUE INDEX household_requests_open ON household_requests (person_id)
    WHERE status IN ('pending', 'approved');
CREATE INDEX household_requests_household ON household_requests (household_id);
