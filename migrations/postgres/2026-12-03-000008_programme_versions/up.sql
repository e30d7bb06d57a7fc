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

-- The services of each version.
ALTER TABLE programme_services ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE programme_services ALTER COLUMN version DROP DEFAULT;
ALTER TABLE programme_services DROP CONSTRAINT programme_services_pkey;
ALTER TABLE programme_services ADD PRIMARY KEY (programme_id, version, service_id);
ALTER TABLE programme_services ADD CONSTRAINT programme_services_version_fkey
    FOREIGN KEY (programme_id, version) REFERENCES programme_versions (programme_id, number);
-- `service_id` finds the programmes offering a service (the list filter, the overlap rule, the
-- programmes in force offering it, in programme order).
DROP INDEX programme_services_service;
CREATE INDEX programme_services_service ON programme_services (service_id, programme_id, version);
