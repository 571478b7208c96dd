-- Notices may now concern a service-unit rating: a bad rating for the
-- unit's liaison to answer, and the answer for the rater to rate the fix.
ALTER TABLE notices ADD COLUMN unit_rating_id BIGINT REFERENCES unit_ratings (id);
ALTER TABLE notices DROP CONSTRAINT notices_subject;
ALTER TABLE notices ADD CONSTRAINT notices_subject
    CHECK (event_id IS NOT NULL OR
           ((post_id IS NOT NULL OR unit_rating_id IS NOT NULL) AND kind IS NOT NULL AND at IS NOT NULL));
