UPDATE fee_assessments SET household_income = 0 WHERE household_income IS NULL;
UPDATE fee_assessments SET income_per_person = 0 WHERE income_per_person IS NULL;
ALTER TABLE fee_assessments ALTER COLUMN household_income SET NOT NULL;
ALTER TABLE fee_assessments ALTER COLUMN income_per_person SET NOT NULL;
