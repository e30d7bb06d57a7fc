-- Structured fee rules (odpłatność, issue 14): an income table's basis, brackets and exemptions
-- as JSON on the catalogue's default rule; a programme's own rule for a service (JSON, none: the
-- catalogue's applies). Free-text income-dependent rules become `needs_review`, to be replaced.
ALTER TABLE services ADD COLUMN fee_table TEXT;
UPDATE services SET fee_kind = 'needs_review' WHERE fee_kind = 'income_dependent';
ALTER TABLE programme_services ADD COLUMN fee_rule TEXT;
