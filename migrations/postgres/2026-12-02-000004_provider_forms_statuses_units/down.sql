DROP INDEX providers_status;
ALTER TABLE providers ADD COLUMN sector TEXT NOT NULL DEFAULT 'private';
UPDATE providers SET legal_form = (units::json -> 0 ->> 'kind')
    WHERE legal_form_needs_review AND legal_form = 'other' AND (units::json -> 0 ->> 'kind') IN ('cis', 'kis', 'zaz', 'wtz');
UPDATE providers SET legal_form = 'association' WHERE legal_form = 'ordinary_association';
UPDATE providers SET legal_form = 'company' WHERE legal_form IN ('non_profit_company', 'sole_trader');
UPDATE providers SET legal_form = 'other' WHERE legal_form IN
    ('other_cooperative', 'rural_housewives_circle', 'association_of_local_governments');
UPDATE providers SET sector = CASE
    WHEN legal_form IN ('association', 'foundation', 'church_legal_person') THEN 'ngo'
    WHEN legal_form IN ('social_cooperative', 'cis', 'kis', 'zaz', 'wtz') THEN 'social_economy'
    WHEN legal_form = 'public_unit' THEN 'public'
    ELSE 'private' END;
ALTER TABLE providers DROP COLUMN units;
ALTER TABLE providers DROP COLUMN social_enterprise_since;
ALTER TABLE providers DROP COLUMN social_economy_entity;
ALTER TABLE providers DROP COLUMN public_benefit_organisation_since;
ALTER TABLE providers DROP COLUMN legal_form_needs_review;
ALTER TABLE providers DROP COLUMN public_benefit_standing;
ALTER TABLE providers DROP COLUMN statutory_art_3_3;
CREATE INDEX providers_status ON providers (status, sector);
