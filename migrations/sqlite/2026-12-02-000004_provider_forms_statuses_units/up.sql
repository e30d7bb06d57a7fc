-- Legal form, statuses and units are three things (issue 13): the single derived sector goes; the
-- standing under the public benefit act is derived from the form (and, for social cooperatives and
-- non-profit companies, the statute flag staff set); statuses carry the dates the law gives them;
-- CIS, KIS, ZAZ, WTZ and day centres are units a provider runs.
ALTER TABLE providers ADD COLUMN statutory_art_3_3 BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE providers ADD COLUMN public_benefit_standing TEXT NOT NULL DEFAULT 'none';
ALTER TABLE providers ADD COLUMN legal_form_needs_review BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE providers ADD COLUMN public_benefit_organisation_since DATE;
ALTER TABLE providers ADD COLUMN social_economy_entity BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE providers ADD COLUMN social_enterprise_since DATE;
ALTER TABLE providers ADD COLUMN units TEXT NOT NULL DEFAULT '[]';

-- A CIS, KIS, ZAZ or WTZ recorded as a form becomes a unit at the provider's office; the entity
-- running it is of a form nobody recorded: `other` until staff confirm it. They were counted as
-- social economy, and a unit of these kinds is a social economy entity (act of 5 August 2022, art. 2).
UPDATE providers SET
    units = json_array(json_object('kind', legal_form, 'name', name, 'address', json_object('street', street, 'building', building, 'postal_code', postal_code, 'city', city, 'teryt', teryt))),
    legal_form = 'other',
    legal_form_needs_review = TRUE,
    social_economy_entity = TRUE
WHERE legal_form IN ('cis', 'kis', 'zaz', 'wtz');
-- Social cooperatives are social economy entities by law; whether their statute makes them art. 3
-- ust. 3 entities is for staff to confirm (statutory_art_3_3 stays false until then).
UPDATE providers SET social_economy_entity = TRUE WHERE legal_form = 'social_cooperative';
UPDATE providers SET public_benefit_standing = 'ngo' WHERE legal_form IN ('association', 'foundation');
UPDATE providers SET public_benefit_standing = 'art3_ust3' WHERE legal_form = 'church_legal_person';

DROP INDEX providers_status;
ALTER TABLE providers DROP COLUMN sector;
CREATE INDEX providers_status ON providers (status);
