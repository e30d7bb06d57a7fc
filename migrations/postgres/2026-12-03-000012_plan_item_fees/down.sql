DROP INDEX plan_items_service;
ALTER TABLE plan_items ADD COLUMN fee_exemption_reason TEXT;
ALTER TABLE plan_items DROP COLUMN fee_assessment_id;
ALTER TABLE plan_items DROP COLUMN fee_basis;
