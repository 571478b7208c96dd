-- Help requests from an affair to a capable person (the three lists:
-- needs, resources, projects), and notices that are not about an affair
-- (a slot tomorrow, a post cancelled).

CREATE TABLE help_requests (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    affair_id    BIGINT NOT NULL REFERENCES affairs (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    requested_by BIGINT NOT NULL REFERENCES people (id),
    note         TEXT,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'done')),
    minutes      BIGINT,
    score        BIGINT CHECK (score BETWEEN 1 AND 5),
    comment      TEXT,
    created_at   BIGINT NOT NULL,
    done_at      BIGINT
);
CREATE INDEX help_requests_affair ON help_requests (affair_id);
CREATE INDEX help_requests_person ON help_requests (person_id);

ALTER TABLE posts ADD COLUMN cancelled_at BIGINT;
ALTER TABLE claims ADD COLUMN reminded_at BIGINT;

-- Notices may now concern a post instead of an affair's step.
ALTER TABLE notices ALTER COLUMN affair_id DROP NOT NULL;
ALTER TABLE notices ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE notices ADD COLUMN post_id BIGINT REFERENCES posts (id);
ALTER TABLE notices ADD COLUMN kind TEXT;
ALTER TABLE notices ADD COLUMN at BIGINT;
ALTER TABLE notices ADD CONSTRAINT notices_subject
    CHECK (event_id IS NOT NULL OR (post_id IS NOT NULL AND kind IS NOT NULL AND at IS NOT NULL));
