-- Notices may now concern a consultation (its voting opened, for those who
-- took part) or an affair without a step (its deadline passed, for its
-- handlers: kind 'overdue').
ALTER TABLE notices ADD COLUMN consultation_id BIGINT REFERENCES consultations (id);
ALTER TABLE notices DROP CONSTRAINT notices_subject;
ALTER TABLE notices ADD CONSTRAINT notices_subject
    CHECK (event_id IS NOT NULL OR
           ((affair_id IS NOT NULL OR post_id IS NOT NULL OR unit_rating_id IS NOT NULL
             OR consultation_id IS NOT NULL) AND kind IS NOT NULL AND at IS NOT NULL));

-- The deadline whose passing the handlers were told of, so each deadline
-- is told once. Affairs already late when this arrived count as told: an
-- upgrade does not send a burst of old news.
ALTER TABLE affairs ADD COLUMN overdue_told_due BIGINT;
UPDATE affairs SET overdue_told_due = CASE status
    WHEN 'open' THEN respond_due_at WHEN 'in_progress' THEN resolve_due_at END;
