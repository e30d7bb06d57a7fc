-- Amendments of programmes (issue 14): after adoption a programme changes only by a new council
-- resolution, which makes a new version; every version is kept, with its services. Version 1 is
-- the programme as adopted (while a draft, the version being edited), effective from in_force_from.
CREATE TABLE programme_versions (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    number INTEGER NOT NULL,
    effective_from DATE,                      -- version 1: in_force_from, none until it is set
    superseded_on DATE,                       -- the next version's effective_from; none for the newest
    resolution_number TEXT,                   -- the resolution that made this version: both or none
    resolution_adopted_on DATE,
    changes TEXT,                             -- what the amendment changed; none for version 1
    title TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (programme_id, number),
    CHECK (period_start <= period_end),
    CHECK ((resolution_number IS NULL) = (resolution_adopted_on IS NULL)),
    CHECK (number = 1 OR (effective_from IS NOT NULL AND resolution_number IS NOT NULL AND changes IS NOT NULL))
);
INSERT INTO programme_versions
    SELECT id, 1, in_force_from, NULL, resolution_number, resolution_adopted_on, NULL, title, period_start, period_end,
        created_at
    FROM programmes;
-- The newest version, whose content the programme shows.
ALTER TABLE programmes ADD COLUMN current_version INTEGER NOT NULL DEFAULT 1;

-- The services of each version: SQLite cannot change a primary key, so the table is rebuilt.
CREATE TABLE programme_services_versioned (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    version INTEGER NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    position INTEGER NOT NULL,                -- the order the services were given in
    target_groups TEXT NOT NULL,              -- JSON array of target groups
    age_min INTEGER,
    age_max INTEGER,
    disability_certificate_required BOOLEAN NOT NULL,
    income_threshold_per_person BIGINT,       -- grosze
    residence_required BOOLEAN NOT NULL,
    access_notes TEXT,
    apply_where TEXT NOT NULL,
    apply_documents TEXT NOT NULL,            -- JSON array of text
    capacity_kind TEXT NOT NULL,              -- places | units_per_month | unlimited
    capacity_value INTEGER,                   -- none when unlimited
    quality_standard TEXT NOT NULL,
    PRIMARY KEY (programme_id, version, service_id),
    FOREIGN KEY (programme_id, version) REFERENCES programme_versions (programme_id, number),
    CHECK ((capacity_kind = 'unlimited') = (capacity_value IS NULL))
);
INSERT INTO programme_services_versioned
    SELECT programme_id, 1, service_id, position, target_groups, age_min, age_max, disability_certificate_required,
        income_threshold_per_person, residence_required, access_notes, apply_where, apply_documents, capacity_kind,
        capacity_value, quality_standard
    FROM programme_services;
DROP TABLE programme_services;
ALTER TABLE programme_services_versioned RENAME TO programme_services;
-- `service_id` finds the programmes offering a service (the list filter, the overlap rule, the
-- programmes in force offering it, in programme order).
CREATE INDEX programme_services_service ON programme_services (service_id, programme_id, version);
