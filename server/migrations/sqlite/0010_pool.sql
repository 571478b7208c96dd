-- The capable-person pool and volunteer posts: skills, applications,
-- posts with their slots, claims with the waiting list, check-in codes.

-- The street-wide list of skills residents offer.
CREATE TABLE skills (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    street_id  INTEGER NOT NULL REFERENCES streets (id),
    code       TEXT NOT NULL,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    UNIQUE (street_id, code)
);

CREATE TABLE pool_members (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id         INTEGER NOT NULL REFERENCES people (id),
    compound_id       INTEGER NOT NULL REFERENCES compounds (id),
    other_skills      TEXT,
    availability      TEXT NOT NULL,
    intro             TEXT,
    show_party_member INTEGER NOT NULL DEFAULT 0,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    reason            TEXT,
    decided_by        INTEGER REFERENCES people (id),
    decided_at        INTEGER,
    created_at        INTEGER NOT NULL
);
-- One open application (pending or approved) per person and compound.
CREATE UNIQUE INDEX pool_members_open ON pool_members (person_id, compound_id)
    WHERE status IN ('pending', 'approved');

CREATE TABLE pool_member_skills (
    member_id INTEGER NOT NULL REFERENCES pool_members (id),
    skill_id  INTEGER NOT NULL REFERENCES skills (id),
    PRIMARY KEY (member_id, skill_id)
);

CREATE TABLE posts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    compound_id  INTEGER NOT NULL REFERENCES compounds (id),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    place        TEXT NOT NULL,
    skill_id     INTEGER REFERENCES skills (id),
    places       INTEGER NOT NULL CHECK (places > 0),
    cutoff_hours INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES people (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX posts_compound ON posts (compound_id, id);

-- `confirmed` counts the places taken, so taking the last one is a single
-- conditional update that exactly one claim wins.
CREATE TABLE slots (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id         INTEGER NOT NULL REFERENCES posts (id),
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    confirmed       INTEGER NOT NULL DEFAULT 0,
    code            TEXT,
    code_issued_at  INTEGER,
    CHECK (ends_at > starts_at)
);
CREATE INDEX slots_post ON slots (post_id, starts_at);

CREATE TABLE claims (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    slot_id        INTEGER NOT NULL REFERENCES slots (id),
    person_id      INTEGER NOT NULL REFERENCES people (id),
    status         TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    claimed_at     INTEGER NOT NULL,
    checked_in_at  INTEGER,
    checked_out_at INTEGER,
    -- Minutes served: from checking out, or as a member confirmed.
    minutes        INTEGER,
    no_show        INTEGER NOT NULL DEFAULT 0
);
-- One live claim per person and slot.
CREATE UNIQUE INDEX claims_live ON claims (slot_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX claims_person ON claims (person_id);
