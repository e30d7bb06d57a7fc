ALTER TABLE plan_items DROP COLUMN approved;
ALTER TABLE service_plans DROP COLUMN approved_revision;
DROP TABLE plan_authors;
