-- Fee assessments (ustalenie odpłatności, issue 14): the fee per unit of a resident for a service
-- of a programme, from the household's income and size stated on a day, with the bracket used.
-- The income is special data: read only by the single GET, never listed.
CREATE TABLE fee_assessments (
    id TEXT PRIMARY KEY NOT NULL,
    resident_id TEXT NOT NULL REFERENCES residents (id),
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    household_income BIGINT NOT NULL,         -- grosze a month
    household_size INTEGER NOT NULL,
    income_per_person BIGINT NOT NULL,        -- grosze
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
-- The list's order is the id; `resident_id`, `service_id` and both walk these indexes, and the
-- assessment in force for a resident's service is found on the last.
CREATE INDEX fee_assessments_resident ON fee_assessments (resident_id, id);
CREATE INDEX fee_assessments_service ON fee_assessments (service_id, id);
CREATE INDEX fee_assessments_resident_service ON fee_assessments (resident_id, service_id, id);
