-- Studios (工作室) of capable persons, named for their lead.
CREATE TABLE studios (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    compound_id BIGINT NOT NULL REFERENCES compounds (id),
    lead_id     BIGINT NOT NULL REFERENCES people (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (compound_id, name)
);

CREATE TABLE studio_members (
    studio_id BIGINT NOT NULL REFERENCES studios (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (studio_id, person_id)
);
