-- Help requests from an affair to a capable person (the three lists:
-- needs, resources, projects), and notices that are not about an affair
-- (a slot tomorrow, a post cancelled).

CREATE TABLE help_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    affair_id    INTEGER NOT NULL REFERENCES affairs (id),
    person_id    INTEGER NOT NULL REFERENCES people (id),
    requested_by INTEGER NOT NULL REFERENCES people (id),
    note         TEXT,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'done')),
    minutes      INTEGER,
    score        INTEGER CHECK (score BETWEEN 1 AND 5),
    comment      TEXT,
    created_at   INTEGER NOT NULL,
    done_at      INTEGER
);
CREATE INDEX help_requests_affair ON help_requests (affair_id);
CREATE INDEX help_requests_person ON help_requests (person_id);

ALTER TABLE posts ADD COLUMN cancelled_at INTEGER;
ALTER TABLE claims ADD COLUMN reminded_at INTEGER;

-- Notices may now concern a post instead of an affair's step.
CREATE TABLE notices_next (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES people (id),
    affair_id INTEGER REFERENCES affairs (id),
    event_id  INTEGER REFERENCES affair_events (id),
    post_id   INTEGER REFERENCES posts (id),
    kind      TEXT,
    at        INTEGER,
    read_at   INTEGER,
    CHECK (event_id IS NOT NULL OR (post_id IS NOT NULL AND kind IS NOT NULL AND at IS NOT NULL))
);
INSERT INTO notices_next (id, person_id, affair_id, event_id, read_at)
    SELECT id, person_id, affair_id, event_id, read_at FROM notices;
DROP TABLE notices;
ALTER TABLE notices_next RENAME TO notices;
CREATE INDEX notices_person ON notices (person_id, id);
