-- Leaving hands duties back (a deleted account, a resident who moved out):
-- a capable person's membership ends instead of vanishing, so the pool's
-- size of a past month still counts them; a studio member's time in it is
-- kept for the same reason; a studio whose lead left has its lead post
-- vacant until a member takes it, and its members are told.
ALTER TABLE pool_members ADD COLUMN ended_at INTEGER;
DROP INDEX pool_members_open;
CREATE UNIQUE INDEX pool_members_open ON pool_members (person_id, compound_id)
    WHERE status IN ('pending', 'approved') AND ended_at IS NULL;
ALTER TABLE studio_members ADD COLUMN left_at INTEGER;
-- `lead_id` stays the last lead; the post is vacant while this is set.
ALTER TABLE studios ADD COLUMN lead_vacant_since INTEGER;

-- Notices may now concern a studio (its lead left). SQLite cannot change a
-- CHECK, so the table is rebuilt.
CREATE TABLE notices_next (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id       INTEGER NOT NULL REFERENCES people (id),
    affair_id       INTEGER REFERENCES affairs (id),
    event_id        INTEGER REFERENCES affair_events (id),
    post_id         INTEGER REFERENCES posts (id),
    unit_rating_id  INTEGER REFERENCES unit_ratings (id),
    consultation_id INTEGER REFERENCES consultations (id),
    studio_id       INTEGER REFERENCES studios (id),
    kind            TEXT,
    at              INTEGER,
    read_at         INTEGER,
    sms_relayed     INTEGER NOT NULL DEFAULT 0,
    actor_id        INTEGER REFERENCES people (id),
    CHECK (event_id IS NOT NULL OR
           ((affair_id IS NOT NULL OR post_id IS NOT NULL OR unit_rating_id IS NOT NULL
             OR consultation_id IS NOT NULL OR studio_id IS NOT NULL)
            AND kind IS NOT NULL AND at IS NOT NULL))
);
INSERT INTO notices_next (id, person_id, affair_id, event_id, post_id, unit_rating_id,
                          consultation_id, kind, at, read_at, sms_relayed, actor_id)
    SELECT id, person_id, affair_id, event_id, post_id, unit_rating_id,
           consultation_id, kind, at, read_at, sms_relayed, actor_id
    FROM notices;
-- Ids are never reused (reading marks notices up to an id): the counter moves.
DELETE FROM sqlite_sequence WHERE name = 'notices_next';
INSERT INTO sqlite_sequence (name, seq) SELECT 'notices_next', seq FROM sqlite_sequence WHERE name = 'notices';
DROP TABLE notices;
ALTER TABLE notices_next RENAME TO notices;
CREATE INDEX notices_person ON notices (person_id, id);
CREATE INDEX notices_unrelayed ON notices (id) WHERE sms_relayed = 0;
