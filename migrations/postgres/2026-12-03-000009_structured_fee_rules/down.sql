ALTER TABLE programme_services DROP COLUMN fee_rule;
-- An income table has no free-text form: it is kept as a rule that needs review.
UPDATE services SET fee_kind = 'income_dependent', fee_description = 'Tabela odpłatności do przeglądu'
    WHERE fee_kind = 'income_table';
UPDATE services SET fee_kind = 'income_dependent' WHERE fee_kind = 'needs_review';
ALTER TABLE services DROP COLUMN fee_table;
