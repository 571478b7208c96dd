-- Tries at a slot's check-in code, per claim and per code shown (the
-- code_issued_at they count for): a volunteer gets a few tries at each code,
-- as a sign-in code gets a few guesses, and a new code starts afresh.
ALTER TABLE claims ADD COLUMN code_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN code_tries_for INTEGER;
