-- A unit that no longer serves the community is retired, not deleted: its
-- ratings and reports stay, but residents no longer see or rate it.
ALTER TABLE service_units ADD COLUMN retired_at BIGINT;

-- The board counts each unit's months by score: an index that covers it.
DROP INDEX unit_ratings_unit;
CREATE INDEX unit_ratings_scores ON unit_ratings (unit_id, month, score);
