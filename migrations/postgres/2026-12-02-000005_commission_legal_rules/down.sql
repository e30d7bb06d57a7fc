DROP TABLE grant_years;
ALTER TABLE reports DROP COLUMN template;
ALTER TABLE commissions DROP COLUMN halted_on;
ALTER TABLE commissions DROP COLUMN activated_on;
ALTER TABLE commissions DROP COLUMN offer_remarks;
ALTER TABLE commissions DROP COLUMN offer_published_on;
ALTER TABLE commissions DROP COLUMN task_scope;
