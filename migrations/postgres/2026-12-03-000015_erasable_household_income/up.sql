-- A resident's erasure (GDPR art. 17, POST /residents/{id}/anonymise) erases the household's
-- income from their fee assessments (special data); the fee and the bracket stay for statistics.
ALTER TABLE fee_assessments ALTER COLUMN household_income DROP NOT NULL;
ALTER TABLE fee_assessments ALTER COLUMN income_per_person DROP NOT NULL;
