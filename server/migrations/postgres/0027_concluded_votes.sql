-- What was concluded stays as it was concluded: a vote's count is kept
-- when the vote closes (the JSON of `api_types::consultations::Tally`), so
-- later moves, new residents and deleted accounts do not change it. Votes
-- concluded before this migration have none and are counted as before.
ALTER TABLE consultations ADD COLUMN final_tally TEXT;
