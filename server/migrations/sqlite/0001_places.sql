-- The place hierarchy: street -> community -> compound (one mutual-aid
-- station each) -> grid -> building -> unit -> household, and the people who
-- hold place-scoped roles in it. Times are Unix milliseconds (UTC).

CREATE TABLE streets (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT NOT NULL UNIQUE,
    district TEXT NOT NULL,
    city     TEXT NOT NULL
);

CREATE TABLE communities (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    street_id INTEGER NOT NULL REFERENCES streets (id),
    name      TEXT NOT NULL,
    UNIQUE (street_id, name)
);

CREATE TABLE compounds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    name         TEXT NOT NULL,
    address      TEXT NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE stations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    compound_id INTEGER NOT NULL UNIQUE REFERENCES compounds (id),
    name        TEXT NOT NULL
);

CREATE TABLE grids (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    compound_id INTEGER NOT NULL REFERENCES compounds (id),
    name        TEXT NOT NULL,
    UNIQUE (compound_id, name)
);

CREATE TABLE buildings (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    grid_id INTEGER NOT NULL REFERENCES grids (id),
    name    TEXT NOT NULL,
    UNIQUE (grid_id, name)
);

CREATE TABLE units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    building_id INTEGER NOT NULL REFERENCES buildings (id),
    name        TEXT NOT NULL,
    UNIQUE (building_id, name)
);

CREATE TABLE households (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    room    TEXT NOT NULL,
    UNIQUE (unit_id, room)
);

CREATE TABLE people (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    phone      TEXT UNIQUE,
    created_at INTEGER NOT NULL
);

-- A role is scoped to exactly the place it governs: a station member to a
-- compound, a grid worker to a grid, community staff and department
-- liaisons to a community, a street administrator to a street.
CREATE TABLE role_grants (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id    INTEGER NOT NULL REFERENCES people (id),
    role         TEXT NOT NULL CHECK (role IN
                   ('station_member', 'grid_worker', 'community_staff',
                    'department_liaison', 'street_admin')),
    street_id    INTEGER REFERENCES streets (id),
    community_id INTEGER REFERENCES communities (id),
    compound_id  INTEGER REFERENCES compounds (id),
    grid_id      INTEGER REFERENCES grids (id),
    position     TEXT CHECK (position IN ('head', 'deputy', 'secretary_general', 'member')),
    department   TEXT CHECK (department IN
                   ('property', 'water', 'power', 'gas', 'city_management', 'police')),
    granted_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    CHECK (
        (role = 'station_member' AND compound_id IS NOT NULL AND position IS NOT NULL
            AND street_id IS NULL AND community_id IS NULL AND grid_id IS NULL AND department IS NULL)
        OR (role = 'grid_worker' AND grid_id IS NOT NULL AND position IS NULL
            AND street_id IS NULL AND community_id IS NULL AND compound_id IS NULL AND department IS NULL)
        OR (role = 'community_staff' AND community_id IS NOT NULL AND position IS NULL
            AND street_id IS NULL AND compound_id IS NULL AND grid_id IS NULL AND department IS NULL)
        OR (role = 'department_liaison' AND community_id IS NOT NULL AND department IS NOT NULL
            AND street_id IS NULL AND compound_id IS NULL AND grid_id IS NULL AND position IS NULL)
        OR (role = 'street_admin' AND street_id IS NOT NULL AND position IS NULL
            AND community_id IS NULL AND compound_id IS NULL AND grid_id IS NULL AND department IS NULL)
    )
);

CREATE INDEX communities_street ON communities (street_id);
CREATE INDEX compounds_community ON compounds (community_id);
CREATE INDEX grids_compound ON grids (compound_id);
CREATE INDEX buildings_grid ON buildings (grid_id);
CREATE INDEX units_building ON units (building_id);
CREATE INDEX households_unit ON households (unit_id);
CREATE INDEX role_grants_person ON role_grants (person_id);
CREATE INDEX role_grants_compound ON role_grants (compound_id) WHERE compound_id IS NOT NULL;
CREATE INDEX role_grants_grid ON role_grants (grid_id) WHERE grid_id IS NOT NULL;
CREATE INDEX role_grants_community ON role_grants (community_id) WHERE community_id IS NOT NULL;
