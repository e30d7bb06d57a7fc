-- The gminas this CUS serves (issue 14): the founding gmina and those served under an
-- inter-municipal agreement (porozumienie międzygminne), by TERYT TERC code. A resident's
-- address.teryt must name an active one.
CREATE TABLE municipalities (
    id TEXT PRIMARY KEY NOT NULL,
    teryt TEXT COLLATE "C" NOT NULL,            -- TERYT TERC, 7 digits
    name TEXT NOT NULL,
    name_sort_key TEXT COLLATE "C" NOT NULL,    -- Polish alphabetical order as plain byte order
    search_text TEXT NOT NULL,                -- folded name, for diacritic-insensitive search
    role TEXT NOT NULL,                       -- founder | agreement_party
    agreement_number TEXT,                    -- the agreement, for an agreement_party only
    agreement_signed_on DATE,
    agreement_start DATE,
    agreement_end DATE,
    population_count BIGINT,                  -- the dated figure for per-1,000-residents indicators
    population_as_of DATE,
    status TEXT NOT NULL,                     -- active | inactive
    needs_review BOOLEAN NOT NULL,            -- registered by a migration; staff confirm it
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    CHECK (role <> 'founder' OR agreement_number IS NULL)  -- a founder has no agreement
);
CREATE UNIQUE INDEX municipalities_teryt_key ON municipalities (teryt);
-- At most one founding gmina.
CREATE UNIQUE INDEX municipalities_one_founder ON municipalities (role) WHERE role = 'founder';
-- The list's equality filters (role, status, both, none) in its order (name, id). `q` and
-- `updated_since` filter that walk: the table holds the few gminas one CUS serves.
CREATE INDEX municipalities_name ON municipalities (name_sort_key, id);
CREATE INDEX municipalities_role_name ON municipalities (role, name_sort_key, id);
CREATE INDEX municipalities_status_name ON municipalities (status, name_sort_key, id);
CREATE INDEX municipalities_role_status_name ON municipalities (role, status, name_sort_key, id);

-- The codes residents already use become municipalities for staff to review: named by their
-- code, served by agreement, active. Their ids are derived from the code (they sort before any
-- created later, as UUIDv7 ids of later records do).
INSERT INTO municipalities (id, teryt, name, name_sort_key, search_text, role, status, needs_review,
        created_at, updated_at, version)
    SELECT '00000000-0000-7000-8000-00000' || teryt, teryt, teryt, teryt, teryt, 'agreement_party', 'active',
        TRUE, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), 1
    FROM (SELECT DISTINCT teryt FROM residents WHERE teryt IS NOT NULL) AS codes;
