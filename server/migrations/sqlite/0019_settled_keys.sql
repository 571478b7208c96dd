-- A keyed write marks its key settled in its own transaction: the status it
-- answers and the path whose GET answers the same again. A retry after a
-- crash between that commit and the stored response replays that GET
-- instead of doing the act a second time.
ALTER TABLE idempotency_keys ADD COLUMN replay_status INTEGER;
ALTER TABLE idempotency_keys ADD COLUMN replay_path TEXT;
