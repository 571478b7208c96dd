-- The queue of text messages (notices) waiting to reach phones. A row is
-- claimed for a while by the server sending it (claimed_until), then marked
-- sent, given up, or put back with a later due_at; a server killed while it
-- held a claim leaves it to be taken again once the claim runs out.
-- Sign-in codes never enter it: they are sent while the person waits.
CREATE TABLE sms_deliveries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    template      TEXT NOT NULL,
    -- A JSON array of strings, in the template's parameter order.
    params        TEXT NOT NULL,
    urgent        INTEGER NOT NULL DEFAULT 0,
    -- For a digest: how many notices it stands for; 0 for a single notice.
    folded        INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    due_at        INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER,
    sent_at       INTEGER,
    gave_up_at    INTEGER,
    last_error    TEXT
);
CREATE INDEX sms_deliveries_pending ON sms_deliveries (due_at)
    WHERE sent_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX sms_deliveries_person ON sms_deliveries (person_id, due_at);
