-- Who caused a notice that has no affair step to say it (a vote opened):
-- the inbox names them as it names the actor of an affair's step.
ALTER TABLE notices ADD COLUMN actor_id INTEGER REFERENCES people (id);
