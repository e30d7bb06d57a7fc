ALTER TABLE plan_items DROP COLUMN fee_exemption_reason;
