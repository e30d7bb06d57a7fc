-- The local bank lists active services in order of their last change (keyset on updated_at, id).
CREATE INDEX services_status_updated ON services (status, updated_at, id);
