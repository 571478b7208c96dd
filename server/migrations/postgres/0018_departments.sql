-- Departments are a list each community keeps (its property company, water,
-- power, gas, police station, city management office...), no longer one of
-- six fixed words: a department liaison's grant names one of them. Grids
-- can be retired once empty.

CREATE TABLE departments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (community_id, name)
);

-- The fixed words liaisons held become their communities' first departments.
CREATE TEMPORARY TABLE department_words (code TEXT PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO department_words (code, name) VALUES
    ('property', '物业'), ('water', '供水'), ('power', '供电'), ('gas', '燃气'),
    ('city_management', '城管'), ('police', '派出所');

INSERT INTO departments (community_id, name, created_at)
SELECT DISTINCT r.community_id, w.name, (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT
FROM role_grants r JOIN department_words w ON w.code = r.department;

ALTER TABLE role_grants ADD COLUMN department_id BIGINT REFERENCES departments (id);
UPDATE role_grants r SET department_id = d.id
FROM department_words w, departments d
WHERE w.code = r.department AND d.community_id = r.community_id AND d.name = w.name;

ALTER TABLE role_grants DROP CONSTRAINT role_grants_check;
ALTER TABLE role_grants DROP COLUMN department;
ALTER TABLE role_grants ADD CONSTRAINT role_grants_check CHECK (
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
);
DROP TABLE department_words;

CREATE INDEX role_grants_street ON role_grants (street_id) WHERE street_id IS NOT NULL;

ALTER TABLE grids ADD COLUMN retired_at BIGINT;

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
SELECT id, 'revoke', NULL, '重复任命，保留最早的一条', (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT FROM duplicate_grants;
UPDATE role_grants SET revoked_at = (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT WHERE id IN (SELECT id FROM duplicate_grants);
DROP TABLE duplicate_grants;

CREATE UNIQUE INDEX role_grants_held_once ON role_grants (person_id, role,
    COALESCE(street_id, 0), COALESCE(community_id, 0), COALESCE(compound_id, 0),
    COALESCE(grid_id, 0), COALESCE(department_id, 0)) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX role_grants_one_head ON role_grants (compound_id)
    WHERE role = 'station_member' AND position = 'head' AND revoked_at IS NULL;
