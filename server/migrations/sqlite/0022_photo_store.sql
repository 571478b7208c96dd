-- Photos move out of the database into an object store (a directory, or an
-- S3-compatible bucket): `object_key` names the object, `stored_at` says
-- when the store confirmed it. `jpeg` keeps a photo uploaded before this
-- migration until the server has copied it into the store on start, and
-- is emptied then. SQLite cannot drop a NOT NULL, so the table is rebuilt.
CREATE TABLE photos_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    uploader_id     INTEGER NOT NULL REFERENCES people (id),
    affair_id       INTEGER REFERENCES affairs (id),
    event_id        INTEGER REFERENCES affair_events (id),
    consultation_id INTEGER REFERENCES consultations (id),
    progress_id     INTEGER REFERENCES consultation_progress (id),
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    jpeg            BLOB,
    object_key      TEXT UNIQUE,
    stored_at       INTEGER,
    created_at      INTEGER NOT NULL
);
INSERT INTO photos_new (id, uploader_id, affair_id, event_id, consultation_id, progress_id,
                        width, height, jpeg, created_at)
    SELECT id, uploader_id, affair_id, event_id, consultation_id, progress_id,
           width, height, jpeg, created_at FROM photos;
-- Ids are never reused (a browser keeps a photo a year): the counter moves.
DELETE FROM sqlite_sequence WHERE name = 'photos_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'photos_new', seq FROM sqlite_sequence WHERE name = 'photos';
DROP TABLE photos;
ALTER TABLE photos_new RENAME TO photos;
CREATE INDEX photos_affair ON photos (affair_id);
CREATE INDEX photos_consultation ON photos (consultation_id);
-- What the copy on start and the clean-up look for.
CREATE INDEX photos_unmoved ON photos (id) WHERE jpeg IS NOT NULL;
CREATE INDEX photos_unclaimed ON photos (created_at) WHERE affair_id IS NULL AND consultation_id IS NULL;

-- Objects whose rows are gone, to delete from the store: a row and its
-- key's entry here change in one transaction, so no object is forgotten.
CREATE TABLE photo_trash (
    object_key TEXT PRIMARY KEY,
    at         INTEGER NOT NULL
);
