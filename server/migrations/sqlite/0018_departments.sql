-- no-transaction
-- (SQLite cannot drop a CHECK, so role_grants is rebuilt as SQLite's
-- documented procedure says: foreign keys off, the rebuild in one
-- transaction that keeps every id, foreign keys back on.)
PRAGMA foreign_keys = OFF;
BEGIN;

-- Departments are a list each community keeps (its property company, water,
-- power, gas, police station, city management office...), no longer one of
-- six fixed words: a department liaison's grant names one of them. Grids
-- can be retired once empty.

CREATE TABLE departments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    name         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (community_id, name)
);

-- The fixed words liaisons held become their communities' first departments.
CREATE TABLE department_words (code TEXT PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO department_words (code, name) VALUES
    ('property', '物业'), ('water', '供水'), ('power', '供电'), ('gas', '燃气'),
    ('city_management', '城管'), ('police', '派出所');

INSERT INTO departments (community_id, name, created_at)
SELECT DISTINCT r.community_id, w.name, CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM role_grants r JOIN department_words w ON w.code = r.department;

CREATE TABLE role_grants_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    role          TEXT NOT NULL CHECK (role IN
                    ('station_member', 'grid_worker', 'community_staff',
                     'department_liaison', 'street_admin')),
    street_id     INTEGER REFERENCES streets (id),
    community_id  INTEGER REFERENCES communities (id),
    compound_id   INTEGER REFERENCES compounds (id),
    grid_id       INTEGER REFERENCES grids (id),
    position      TEXT CHECK (position IN ('head', 'deputy', 'secretary_general', 'member')),
    department_id INTEGER REFERENCES departments (id),
    granted_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    CHECK (
        (role = 'station_member' AND compound_id IS NOT NULL AND position IS NOT NULL
            AND street_id IS NULL AND community_id IS NULL AND grid_id IS NULL AND department_id IS NULL)
        OR (role = 'grid_worker' AND grid_id IS NOT NULL AND position IS NULL
            AND street_id IS NULL AND community_id IS NULL AND compound_id IS NULL AND department_id IS NULL)
        OR (role = 'community_staff' AND community_id IS NOT NULL AND position IS NULL
            AND street_id IS NULL AND compound_id IS NULL AND grid_id IS NULL AND department_id IS NULL)
        OR (role = 'department_liaison' AND community_id IS NOT NULL AND department_id IS NOT NULL
            AND street_id IS NULL AND compound_id IS NULL AND grid_id IS NULL AND position IS NULL)
        OR (role = 'street_admin' AND street_id IS NOT NULL AND position IS NULL
            AND community_id IS NULL AND compound_id IS NULL AND grid_id IS NULL AND department_id IS NULL)
    )
);

INSERT INTO role_grants_new (id, person_id, role, street_id, community_id, compound_id, grid_id,
                         position, department_id, granted_at, revoked_at)
SELECT r.id, r.person_id, r.role, r.street_id, r.community_id, r.compound_id, r.grid_id,
       r.position, d.id, r.granted_at, r.revoked_at
FROM role_grants r
LEFT JOIN department_words w ON w.code = r.department
LEFT JOIN departments d ON d.community_id = r.community_id AND d.name = w.name;

DROP TABLE role_grants;
ALTER TABLE role_grants_new RENAME TO role_grants;
DROP TABLE department_words;

CREATE INDEX role_grants_person ON role_grants (person_id);
CREATE INDEX role_grants_compound ON role_grants (compound_id) WHERE compound_id IS NOT NULL;
CREATE INDEX role_grants_grid ON role_grants (grid_id) WHERE grid_id IS NOT NULL;
CREATE INDEX role_grants_community ON role_grants (community_id) WHERE community_id IS NOT NULL;
CREATE INDEX role_grants_street ON role_grants (street_id) WHERE street_id IS NOT NULL;

ALTER TABLE grids ADD COLUMN retired_at INTEGER;

-- A role is held once: at most one live grant per person, role and place
-- (and department); one live position per person in a station; one live
-- head per station. Duplicates that slipped in before are revoked, the
-- oldest kept, with the system's audit entry.
CREATE TEMPORARY TABLE duplicate_grants (id BIGINT PRIMARY KEY);
INSERT INTO duplicate_grants (id)
SELECT r.id FROM role_grants r WHERE r.revoked_at IS NULL AND (
    EXISTS (SELECT 1 FROM role_grants o WHERE o.revoked_at IS NULL AND o.id < r.id
        AND o.person_id = r.person_id AND o.role = r.role
        AND COALESCE(o.street_id, 0) = COALESCE(r.street_id, 0)
        AND COALESCE(o.community_id, 0) = COALESCE(r.community_id, 0)
        AND COALESCE(o.compound_id, 0) = COALESCE(r.compound_id, 0)
        AND COALESCE(o.grid_id, 0) = COALESCE(r.grid_id, 0)
        AND COALESCE(o.department_id, 0) = COALESCE(r.department_id, 0))
    OR (r.role = 'station_member' AND r.position = 'head' AND EXISTS (
        SELECT 1 FROM role_grants o WHERE o.revoked_at IS NULL AND o.id < r.id
        AND o.role = 'station_member' AND o.position = 'head' AND o.compound_id = r.compound_id)));
INSERT INTO role_events (role_grant_id, action, actor_id, reason, at)
SELECT id, 'revoke', NULL, '重复任命，保留最早的一条', CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM duplicate_grants;
UPDATE role_grants SET revoked_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE id IN (SELECT id FROM duplicate_grants);
DROP TABLE duplicate_grants;

CREATE UNIQUE INDEX role_grants_held_once ON role_grants (person_id, role,
    COALESCE(street_id, 0), COALESCE(community_id, 0), COALESCE(compound_id, 0),
    COALESCE(grid_id, 0), COALESCE(department_id, 0)) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX role_grants_one_head ON role_grants (compound_id)
    WHERE role = 'station_member' AND position = 'head' AND revoked_at IS NULL;

COMMIT;
PRAGMA foreign_keys = ON;
