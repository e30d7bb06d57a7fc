-- Why a plan item's fee differs from its service's fixed fee rule (zwolnienie z odpłatności,
-- całkowite lub częściowe): without a reason, the fee is the rule's amount times the quantity.
ALTER TABLE plan_items ADD COLUMN fee_exemption_reason TEXT;
