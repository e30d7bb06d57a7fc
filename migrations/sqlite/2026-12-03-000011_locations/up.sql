-- Locations (issue 16): where services are given and where to apply for them, with weekly opening
-- hours and dated exceptions (holidays), accessibility, and public contact details. Run by a
-- provider, or by the CUS itself when `provider_id` is null. Public records: no personal data.
CREATE TABLE locations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                       -- cus_office | provider_premises | day_centre | other
    provider_id TEXT REFERENCES providers (id),
    street TEXT,
    building TEXT NOT NULL,
    postal_code TEXT NOT NULL,                -- NN-NNN
    city TEXT NOT NULL,
    teryt TEXT NOT NULL,                      -- TERYT TERC of the gmina
    latitude_e7 BIGINT,                       -- WGS 84 degrees x 10^7: both or none
    longitude_e7 BIGINT,
    step_free BOOLEAN NOT NULL,
    accessible_toilet BOOLEAN NOT NULL,
    hearing_loop BOOLEAN NOT NULL,
    sign_language BOOLEAN NOT NULL,
    disabled_parking BOOLEAN NOT NULL,
    accessibility_note TEXT,
    email TEXT,
    phone TEXT,
    website TEXT,
    status TEXT NOT NULL,                     -- active | archived
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    CHECK ((latitude_e7 IS NULL) = (longitude_e7 IS NULL))
);
-- The list's order is the id; each equality filter walks its own index in that order, and
-- `updated_since` the last one.
CREATE INDEX locations_status ON locations (status, id);
CREATE INDEX locations_provider ON locations (provider_id, id);
CREATE INDEX locations_teryt ON locations (teryt, id);
CREATE INDEX locations_kind ON locations (kind, id);
CREATE INDEX locations_step_free ON locations (step_free, id);
CREATE INDEX locations_accessible_toilet ON locations (accessible_toilet, id);
CREATE INDEX locations_hearing_loop ON locations (hearing_loop, id);
CREATE INDEX locations_sign_language ON locations (sign_language, id);
CREATE INDEX locations_disabled_parking ON locations (disabled_parking, id);
CREATE INDEX locations_updated_at ON locations (updated_at, id);

-- Weekly opening hours: several intervals a day, local (Europe/Warsaw) wall-clock `HH:MM`, the
-- end excluded (`24:00` closes at midnight). `open_at` finds the day's covering intervals here.
CREATE TABLE location_hours (
    location_id TEXT NOT NULL REFERENCES locations (id),
    day INTEGER NOT NULL,                     -- ISO weekday: 1 Monday .. 7 Sunday
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    PRIMARY KEY (location_id, day, opens),
    CHECK (opens < closes)
);
CREATE INDEX location_hours_open ON location_hours (day, opens, closes, location_id);

-- Dated exceptions (holidays, other hours) replace the weekly hours of their day: closed, or
-- open in their own intervals (`location_exception_hours`).
CREATE TABLE location_exceptions (
    location_id TEXT NOT NULL REFERENCES locations (id),
    on_date DATE NOT NULL,
    closed BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (location_id, on_date)
);
CREATE INDEX location_exceptions_date ON location_exceptions (on_date, location_id);

CREATE TABLE location_exception_hours (
    location_id TEXT NOT NULL,
    on_date DATE NOT NULL,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    PRIMARY KEY (location_id, on_date, opens),
    FOREIGN KEY (location_id, on_date) REFERENCES location_exceptions (location_id, on_date),
    CHECK (opens < closes)
);
CREATE INDEX location_exception_hours_open ON location_exception_hours (on_date, opens, closes, location_id);

-- Where a provider's offer is given (issue 16): its locations, or at the resident's home.
ALTER TABLE provider_offers ADD COLUMN at_home BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE offer_locations (
    offer_id TEXT NOT NULL REFERENCES provider_offers (id),
    location_id TEXT NOT NULL REFERENCES locations (id),
    position INTEGER NOT NULL,                -- the order the locations were given in
    PRIMARY KEY (offer_id, location_id)
);
CREATE INDEX offer_locations_location ON offer_locations (location_id, offer_id);
