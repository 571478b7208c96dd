-- Notices may now concern a service-unit rating: a bad rating for the
-- unit's liaison to answer, and the answer for the rater to rate the fix.
CREATE TABLE notices_next (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id      INTEGER NOT NULL REFERENCES people (id),
    affair_id      INTEGER REFERENCES affairs (id),
    event_id       INTEGER REFERENCES affair_events (id),
    post_id        INTEGER REFERENCES posts (id),
    unit_rating_id INTEGER REFERENCES unit_ratings (id),
    kind           TEXT,
    at             INTEGER,
    read_at        INTEGER,
    CHECK (event_id IS NOT NULL OR
           ((post_id IS NOT NULL OR unit_rating_id IS NOT NULL) AND kind IS NOT NULL AND at IS NOT NULL))
);
INSERT INTO notices_next (id, person_id, affair_id, event_id, post_id, kind, at, read_at)
    SELECT id, person_id, affair_id, event_id, post_id, kind, at, read_at FROM notices;
DROP TABLE notices;
ALTER TABLE notices_next RENAME TO notices;
CREATE INDEX notices_person ON notices (person_id, id);
