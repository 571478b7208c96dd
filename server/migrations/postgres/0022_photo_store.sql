-- Photos move out of the database into an object store (a directory, or an
-- S3-compatible bucket): `object_key` names the object, `stored_at` says
-- when the store confirmed it. `jpeg` keeps a photo uploaded before this
-- migration until the server has copied it into the store on start, and
-- is emptied then.
ALTER TABLE photos ALTER COLUMN jpeg DROP NOT NULL;
ALTER TABLE photos ADD COLUMN object_key TEXT UNIQUE;
ALTER TABLE photos ADD COLUMN stored_at BIGINT;
CREATE INDEX photos_consultation ON photos (consultation_id);
-- What the copy on start and the clean-up look for.
CREATE INDEX photos_unmoved ON photos (id) WHERE jpeg IS NOT NULL;
CREATE INDEX photos_unclaimed ON photos (created_at) WHERE affair_id IS NULL AND consultation_id IS NULL;

-- Objects whose rows are gone, to delete from the store: a row and its
-- key's entry here change in one transaction, so no object is forgotten.
CREATE TABLE photo_trash (
    object_key TEXT PRIMARY KEY,
    at         BIGINT NOT NULL
);
