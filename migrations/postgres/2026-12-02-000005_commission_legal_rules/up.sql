-- Legal rules of commissioning (public benefit act art. 16, 18, 19a): the small grant's task scope
-- and offer publication, the dates that bound transferred funds and the reports of a halted
-- commission, the report template, and the centre's yearly grant plan.
ALTER TABLE commissions ADD COLUMN task_scope TEXT;                 -- local | regional (small grants)
ALTER TABLE commissions ADD COLUMN offer_published_on DATE;         -- small grants: offer made public
ALTER TABLE commissions ADD COLUMN offer_remarks TEXT;              -- remarks received on the offer
ALTER TABLE commissions ADD COLUMN activated_on DATE;               -- null: never signed
ALTER TABLE commissions ADD COLUMN halted_on DATE;                  -- suspended or terminated on
-- Activation requires the signing date, so it stands in for the activation date of old rows; a
-- terminated row with a signed agreement is counted as activated (the yearly limits err on the safe side).
UPDATE commissions SET activated_on = agreement_signed_on
    WHERE status IN ('active', 'suspended', 'completed')
       OR (status = 'terminated' AND agreement_signed_on IS NOT NULL);
UPDATE commissions SET halted_on = CAST(updated_at AS DATE) WHERE status IN ('suspended', 'terminated');

ALTER TABLE reports ADD COLUMN template TEXT NOT NULL DEFAULT 'annex_5';  -- annex_5 | simplified
UPDATE reports SET template = 'simplified'
    WHERE commission_id IN (SELECT id FROM commissions WHERE mode = 'small_grant');

-- The grants the centre plans for NGOs in a budget year (the base of art. 19a's 20% share).
CREATE TABLE grant_years (
    year INTEGER PRIMARY KEY NOT NULL,
    planned_ngo_grants BIGINT NOT NULL,  -- grosze
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
