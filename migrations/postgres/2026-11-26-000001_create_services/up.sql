-- The catalogue of the local bank of social services (art. 2 of the CUS act).
-- Ids and the columns referring to them share the database's collation, so that joins and foreign
-- key lookups use their indexes; only sort keys that must order byte-wise are COLLATE "C".
CREATE TABLE services (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    area TEXT NOT NULL,
    target_groups TEXT NOT NULL,          -- JSON array of target group codes
    delivery_mode TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_cost BIGINT,                     -- grosze
    fee_kind TEXT NOT NULL,
    fee_amount BIGINT,                    -- grosze, only for fixed fees
    fee_description TEXT,                 -- only for income-dependent fees
    eligibility TEXT NOT NULL,
    delivered_by TEXT NOT NULL,
    status TEXT NOT NULL,
    search_text TEXT NOT NULL,            -- lower-cased, diacritics folded: code, name, description
    name_sort_key TEXT COLLATE "C" NOT NULL, -- Polish alphabetical order as plain byte order
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX services_code_key ON services (code);
CREATE INDEX services_name_sort ON services (name_sort_key, id);
CREATE INDEX services_updated_at ON services (updated_at, id);
CREATE INDEX services_status_area ON services (status, area);
