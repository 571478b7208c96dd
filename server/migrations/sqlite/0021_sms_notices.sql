-- Which notices a person also gets by SMS. A kind without a row takes its
-- default (api_types::sms::SmsNotice::on_by_default).
CREATE TABLE sms_notice_choices (
    person_id INTEGER NOT NULL REFERENCES people (id),
    kind      TEXT NOT NULL,
    enabled   INTEGER NOT NULL,
    PRIMARY KEY (person_id, kind)
);
-- Each in-app notice is considered for SMS once. Those written before SMS
-- existed are not texted now.
ALTER TABLE notices ADD COLUMN sms_relayed INTEGER NOT NULL DEFAULT 0;
UPDATE notices SET sms_relayed = 1;
CREATE INDEX notices_unrelayed ON notices (id) WHERE sms_relayed = 0;
