-- A plan item's fee is derived, not typed: from the fee rule of the programme in force (free,
-- fixed) or from the resident's fee assessment (odpłatność ustalona decyzją), whose exemption
-- replaces the free-text reason. `fee_basis`: free, fixed, assessment or exempt (none for items
-- planned before); `fee_assessment_id`: the assessment applied (no foreign key: SQLite could not
-- drop the column again in down.sql).
ALTER TABLE plan_items ADD COLUMN fee_basis TEXT;
ALTER TABLE plan_items ADD COLUMN fee_assessment_id TEXT;
ALTER TABLE plan_items DROP COLUMN fee_exemption_reason;
-- Capacity counts the items of a service whose dates overlap a new one's.
CREATE INDEX plan_items_service ON plan_items (service_id, start_on);
