-- Notices may now concern a consultation (its voting opened, for those who
-- took part) or an affair without a step (its deadline passed, for its
-- handlers: kind 'overdue'). SQLite cannot change a CHECK, so the table is
-- rebuilt.
CREATE TABLE notices_next (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id       INTEGER NOT NULL REFERENCES people (id),
    affair_id       INTEGER REFERENCES affairs (id),
    event_id        INTEGER REFERENCES affair_events (id),
    post_id         INTEGER REFERENCES posts (id),
    unit_rating_id  INTEGER REFERENCES unit_ratings (id),
    consultation_id INTEGER REFERENCES consultations (id),
    kind            TEXT,
    at              INTEGER,
    read_at         INTEGER,
    sms_relayed     INTEGER NOT NULL DEFAULT 0,
    CHECK (event_id IS NOT NULL OR
           ((affair_id IS NOT NULL OR post_id IS NOT NULL OR unit_rating_id IS NOT NULL
             OR consultation_id IS NOT NULL) AND kind IS NOT NULL AND at IS NOT NULL))
);
INSERT INTO notices_next (id, person_id, affair_id, event_id, post_id, unit_rating_id, kind, at,
                          read_at, sms_relayed)
    SELECT id, person_id, affair_id, event_id, post_id, unit_rating_id, kind, at, read_at, sms_relayed
    FROM notices;
-- Ids are never reused (reading marks notices up to an id): the counter moves.
DELETE FROM sqlite_sequence WHERE name = 'notices_next';
INSERT INTO sqlite_sequence (name, seq) SELECT 'notices_next', seq FROM sqlite_sequence WHERE name = 'notices';
DROP TABLE notices;
ALTER TABLE notices_next RENAME TO notices;
CREATE INDEX notices_person ON notices (person_id, id);
CREATE INDEX notices_unrelayed ON notices (id) WHERE sms_relayed = 0;

-- The deadline whose passing the handlers were told of, so each deadline
-- is told once. Affairs already late when this arrived count as told: an
-- upgrade does not send a burst of old news.
ALTER TABLE affairs ADD COLUMN overdue_told_due INTEGER;
UPDATE affairs SET overdue_told_due = CASE status
    WHEN 'open' THEN respond_due_at WHEN 'in_progress' THEN resolve_due_at END;
