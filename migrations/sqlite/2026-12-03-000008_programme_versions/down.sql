CREATE TABLE programme_services_unversioned (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    position INTEGER NOT NULL,
    target_groups TEXT NOT NULL,
    age_min INTEGER,
    age_max INTEGER,
    disability_certificate_required BOOLEAN NOT NULL,
    income_threshold_per_person BIGINT,
    residence_required BOOLEAN NOT NULL,
    access_notes TEXT,
    apply_where TEXT NOT NULL,
    apply_documents TEXT NOT NULL,
    capacity_kind TEXT NOT NULL,
    capacity_value INTEGER,
    quality_standard TEXT NOT NULL,
    PRIMARY KEY (programme_id, service_id),
    CHECK ((capacity_kind = 'unlimited') = (capacity_value IS NULL))
);
INSERT INTO programme_services_unversioned
    SELECT s.programme_id, s.service_id, s.position, s.target_groups, s.age_min, s.age_max,
        s.disability_certificate_required, s.income_threshold_per_person, s.residence_required, s.access_notes,
        s.apply_where, s.apply_documents, s.capacity_kind, s.capacity_value, s.quality_standard
    FROM programme_services s JOIN programmes p ON p.id = s.programme_id AND p.current_version = s.version;
DROP TABLE programme_services;
ALTER TABLE programme_services_unversioned RENAME TO programme_services;
CREATE INDEX programme_services_service ON programme_services (service_id, programme_id);
ALTER TABLE programmes DROP COLUMN current_version;
DROP TABLE programme_versions;
