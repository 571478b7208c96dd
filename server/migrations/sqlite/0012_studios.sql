-- Studios (工作室) of capable persons, named for their lead.
CREATE TABLE studios (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    compound_id INTEGER NOT NULL REFERENCES compounds (id),
    lead_id     INTEGER NOT NULL REFERENCES people (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (compound_id, name)
);

CREATE TABLE studio_members (
    studio_id INTEGER NOT NULL REFERENCES studios (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (studio_id, person_id)
);
