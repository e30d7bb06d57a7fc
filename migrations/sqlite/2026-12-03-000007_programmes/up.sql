-- The programme of social services (program usług społecznych, issue 14), adopted by resolution of
-- the municipal council on an adopted diagnosis, and the services it offers (`programme_services`).
CREATE TABLE programmes (
    id TEXT PRIMARY KEY NOT NULL,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    title TEXT NOT NULL,
    diagnosis_id TEXT NOT NULL REFERENCES diagnoses (id),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    resolution_number TEXT,                   -- the council resolution: both or none
    resolution_adopted_on DATE,
    publication_year INTEGER,                 -- the voivodeship's official journal: both or none
    publication_position INTEGER,
    in_force_from DATE,
    consultation_from DATE,                   -- the consultation: all three or none
    consultation_to DATE,
    consultation_summary TEXT,
    status TEXT NOT NULL,                     -- draft | in_consultation | adopted | in_force | expired | repealed
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    CHECK (period_start <= period_end),
    CHECK ((resolution_number IS NULL) = (resolution_adopted_on IS NULL)),
    CHECK ((publication_year IS NULL) = (publication_position IS NULL))
);
-- The list's order is the id; `municipality_id` and `status` (with `in_force_on`: in_force and
-- in_force_from) walk these indexes; `updated_since` filters either walk.
CREATE INDEX programmes_municipality_id ON programmes (municipality_id, id);
CREATE INDEX programmes_status_in_force ON programmes (status, in_force_from, id);
CREATE INDEX programmes_updated_at ON programmes (updated_at);

CREATE TABLE programme_services (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
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
    PRIMARY KEY (programme_id, service_id),
    CHECK ((capacity_kind = 'unlimited') = (capacity_value IS NULL))
);
-- `service_id` finds the programmes offering a service (the list filter, the overlap rule).
CREATE INDEX programme_services_service ON programme_services (service_id, programme_id);
