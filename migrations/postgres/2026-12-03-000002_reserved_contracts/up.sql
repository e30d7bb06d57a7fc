-- Reserved contracts (zamówienia zastrzeżone, Pzp art. 361): the conditions of ust. 1 pkt 1-3 as
-- the staff verified them for the provider of a public procurement commission. A commission is
-- reserved when it has a row here; kept apart so that commissions does not widen.
CREATE TABLE commission_reservations (
    commission_id TEXT PRIMARY KEY NOT NULL REFERENCES commissions (id),
    public_service_mission BOOLEAN NOT NULL,    -- pkt 1
    profits_reinvested BOOLEAN NOT NULL,        -- pkt 2
    participatory_governance BOOLEAN NOT NULL,  -- pkt 3
    created_at TIMESTAMP NOT NULL,
    CHECK (public_service_mission AND profits_reinvested AND participatory_governance)
);
-- Pzp art. 361 ust. 1 pkt 4: the reserved contracts of one provider for one service by start date.
CREATE INDEX commissions_provider_service_start ON commissions (provider_id, service_id, period_start);
