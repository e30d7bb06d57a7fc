-- A resident's erasure (GDPR art. 17, POST /residents/{id}/anonymise) erases the household's
-- income from their fee assessments (special data); the fee and the bracket stay for statistics.
-- SQLite drops NOT NULL only by rebuilding the table.
CREATE TABLE fee_assessments_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    resident_id TEXT NOT NULL REFERENCES residents (id),
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    household_income BIGINT,                  -- grosze a month
    household_size INTEGER NOT NULL,
    income_per_person BIGINT,                 -- grosze
    stated_on DATE NOT NULL,
    bracket TEXT NOT NULL,                    -- JSON: the bracket used, its bounds, basis, criterion
    fee_per_unit BIGINT NOT NULL,             -- grosze; 0 when exempt
    valid_from DATE NOT NULL,
    valid_to DATE,
    exemption_code TEXT,
    exemption_note TEXT,
    assessed_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    CHECK (household_size BETWEEN 1 AND 20),
    CHECK (valid_to IS NULL OR valid_from <= valid_to)
);
INSERT INTO fee_assessments_rebuilt (id, resident_id, programme_id, service_id, household_income, household_size, income_per_person, stated_on, bracket, fee_per_unit, valid_from, valid_to, exemption_code, exemption_note, assessed_by, created_at, updated_at, version)
    SELECT id, resident_id, programme_id, service_id, household_income, household_size, income_per_person, stated_on, bracket, fee_per_unit, valid_from, valid_to, exemption_code, exemption_note, assessed_by, created_at, updated_at, version FROM fee_assessments;
DROP TABLE fee_assessments;
ALTER TABLE fee_assessments_rebuilt RENAME TO fee_assessments;
CREATE INDEX fee_assessments_resident ON fee_assessments (resident_id, id);
CREATE INDEX fee_assessments_service ON fee_assessments (service_id, id);
CREATE INDEX fee_assessments_resident_service ON fee_assessments (resident_id, service_id, id);
