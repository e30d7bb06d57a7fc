-- The registry of providers: NGOs, social-economy entities, public units and companies that the
-- centre commissions services to.
CREATE TABLE providers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT,
    legal_form TEXT NOT NULL,
    sector TEXT NOT NULL,                 -- derived from legal_form, stored for filtering
    nip TEXT,                             -- 10 digits
    regon TEXT,                           -- 9 or 14 digits
    krs TEXT,                             -- 10 digits
    street TEXT,
    building TEXT NOT NULL,
    postal_code TEXT NOT NULL,            -- NN-NNN
    city TEXT NOT NULL,
    teryt TEXT,                           -- TERC municipality code
    email TEXT,
    phone TEXT,
    website TEXT,
    contact_persons TEXT NOT NULL,        -- JSON array; personal data
    areas TEXT NOT NULL,                  -- JSON array of service area codes
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    search_text TEXT NOT NULL,
    name_sort_key TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
-- NIP and KRS identify one living provider; archived records keep theirs for history.
CREATE UNIQUE INDEX providers_nip_key ON providers (nip) WHERE nip IS NOT NULL AND status <> 'archived';
CREATE UNIQUE INDEX providers_krs_key ON providers (krs) WHERE krs IS NOT NULL AND status <> 'archived';
CREATE INDEX providers_name_sort ON providers (name_sort_key, id);
CREATE INDEX providers_updated_at ON providers (updated_at, id);
CREATE INDEX providers_status ON providers (status, sector);

-- What a provider can deliver from the catalogue (one offer per provider and service).
CREATE TABLE provider_offers (
    id TEXT PRIMARY KEY NOT NULL,
    provider_id TEXT NOT NULL REFERENCES providers (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    capacity_per_month BIGINT,            -- units of the service's unit
    area_served TEXT NOT NULL,            -- JSON array of TERYT codes
    notes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX provider_offers_provider_service ON provider_offers (provider_id, service_id);
CREATE INDEX provider_offers_service ON provider_offers (service_id);
