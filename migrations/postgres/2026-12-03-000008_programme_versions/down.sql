DELETE FROM programme_services s USING programmes p WHERE p.id = s.programme_id AND s.version <> p.current_version;
DROP INDEX programme_services_service;
ALTER TABLE programme_services DROP CONSTRAINT programme_services_version_fkey;
ALTER TABLE programme_services DROP CONSTRAINT programme_services_pkey;
ALTER TABLE programme_services DROP COLUMN version;
ALTER TABLE programme_services ADD PRIMARY KEY (programme_id, service_id);
CREATE INDEX programme_services_service ON programme_services (service_id, programme_id);
ALTER TABLE programmes DROP COLUMN current_version;
DROP TABLE programme_versions;
