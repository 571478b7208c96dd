-- A unit that no longer serves the community is retired, not deleted: its
-- ratings and reports stay, but residents no longer see or rate it.
ALTER TABLE service_units ADD COLUMN retired_at INTEGER;
