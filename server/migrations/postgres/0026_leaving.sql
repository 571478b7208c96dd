-- Leaving hands duties back (a deleted account, a resident who moved out):
-- a capable person's membership ends instead of vanishing, so the pool's
-- size of a past month still counts them; a studio member's time in it is
-- kept for the same reason; a studio whose lead left has its lead post
-- vacant until a member takes it, and its members are told.
ALTER TABLE pool_members ADD COLUMN ended_at BIGINT;
DROP INDEX pool_members_open;
CREATE UNIQUE INDEX pool_members_open ON pool_members (person_id, compound_id)
    WHERE status IN ('pending', 'approved') AND ended_at IS NULL;
ALTER TABLE studio_members ADD COLUMN left_at BIGINT;
-- `lead_id` stays the last lead; the post is vacant while this is set.
ALTER TABLE studios ADD COLUMN lead_vacant_since BIGINT;

-- Notices may now concern a studio (its lead left).
ALTER TABLE notices ADD COLUMN studio_id BIGINT REFERENCES studios (id);
ALTER TABLE notices DROP CONSTRAINT notices_subject;
ALTER TABLE notices ADD CONSTRAINT notices_subject
    CHECK (event_id IS NOT NULL OR
           ((affair_id IS NOT NULL OR post_id IS NOT NULL OR unit_rating_id IS NOT NULL
             OR consultation_id IS NOT NULL OR studio_id IS NOT NULL)
            AND kind IS NOT NULL AND at IS NOT NULL));
