-- Append-only audit log: every write, every denied attempt and every read of personal data.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,         -- UUIDv7: sorts in time order
    occurred_at TIMESTAMP NOT NULL,
    subject TEXT NOT NULL,
    client_id TEXT,
    roles TEXT NOT NULL,                  -- JSON array
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT,
    outcome TEXT NOT NULL,                -- success | denied | failed
    request_id TEXT,
    source_address TEXT,
    detail TEXT                           -- JSON: status and problem code of a failure, ids read
);
CREATE INDEX audit_events_subject ON audit_events (subject, id);
CREATE INDEX audit_events_resource ON audit_events (resource_type, resource_id, id);
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);

-- Refuse changes even to SQL sessions that bypass the API.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
