-- A meeting registration or a volunteer claim station staff made for a
-- resident who phoned or came in (代办): the row is the resident's; who made
-- it for them and how they came. Both NULL when residents act themselves.
ALTER TABLE meeting_registrations ADD COLUMN recorded_by INTEGER REFERENCES people (id);
ALTER TABLE meeting_registrations ADD COLUMN channel TEXT CHECK (channel IN ('phone_call', 'visit', 'wechat_group'));
ALTER TABLE claims ADD COLUMN recorded_by INTEGER REFERENCES people (id);
ALTER TABLE claims ADD COLUMN channel TEXT CHECK (channel IN ('phone_call', 'visit', 'wechat_group'));
